from __future__ import annotations

from dataclasses import fields

import pytest

from mtreview.checks import CHECKS, Article, build_checks, run_checks, suppression_key
from mtreview.checks.base import Check
from mtreview.config import ChecksConfig, from_dict
from mtreview.errors import ConfigError
from mtreview.records import Segment


def _article() -> Article:
    return Article(segments=(
        Segment(0, "North Korea said Sunday.", "", (0,), ()),
        Segment(1, "", "return to top", (), (0,)),
    ))


def test_registry_and_runner_sorts_per_segment():
    checks = build_checks(ChecksConfig())
    assert {"omission", "addition", "boilerplate"} <= set(CHECKS)
    flags = run_checks(_article(), checks)
    # a 0-1 bead of page debris is the boilerplate check's, not an addition
    assert [[f.check for f in fs] for fs in flags] == [["omission"], ["boilerplate"]]
    assert flags[1][0].text == "return to top"


def test_allow_list_and_suppression():
    checks = build_checks(ChecksConfig())
    flags = run_checks(_article(), checks, allow=["Return to  top"])
    assert flags[1] == ()
    key = suppression_key(run_checks(_article(), checks)[0][0], "North Korea said Sunday.")
    assert key.startswith("omission:")
    flags = run_checks(_article(), checks, suppressed={key})
    assert flags[0] == () and flags[1] != ()


def test_unknown_check_id_is_config_error():
    with pytest.raises(ConfigError, match="unknown check id 'nope'"):
        build_checks(ChecksConfig(disabled=("nope",)))


def _documented_params() -> dict[str, dict[str, object]]:
    """The commented ``[checks.params.ID]`` tables of configs/default.toml, values parsed as TOML."""
    import re
    import tomllib

    from tests.conftest import ROOT

    text = (ROOT / "configs" / "default.toml").read_text(encoding="utf-8")
    documented: dict[str, dict[str, object]] = {}
    current = None
    for line in text.splitlines():
        if m := re.match(r"# \[checks\.params\.(\w+)\]", line):
            current = documented.setdefault(m.group(1), {})
        elif (m := re.match(r"# (\w+ = \S+)", line)) and current is not None:
            current.update(tomllib.loads(m.group(1)))
    return documented


def test_every_check_param_is_documented_in_default_toml_with_its_default():
    from dataclasses import asdict

    defaults = {cid: asdict(c.Params()) for cid, c in CHECKS.items() if fields(c.Params)}
    assert _documented_params() == defaults


def test_documented_defaults_build_the_checks():
    config = from_dict({"checks": {"params": _documented_params()}})
    built = {c.id: c.params for c in build_checks(config.checks)}
    assert all(built[cid] == CHECKS[cid].Params() for cid in _documented_params())


@pytest.mark.parametrize("cid", ["repetition", "quotes", "numbers", "untranslated", "omission", "addition",
                                 "inconsistency", "glossary", "punctuation", "boilerplate"])
def test_required_check_ids_are_registered(cid):
    assert cid in CHECKS


def test_unknown_param_and_severity_override():
    with pytest.raises(ConfigError, match=r"\[checks.params.numbers\] unknown parameter\(s\): nope"):
        build_checks(ChecksConfig(enabled=("numbers",), params={"numbers": {"nope": 1}}))
    [check] = build_checks(ChecksConfig(enabled=("repetition",), severity={"repetition": "critical"}))
    flags = run_checks(Article(segments=(Segment(0, "x", "と述べたと述べた。", (0,), (0,)),)), [check])
    assert [(f.check, f.severity.label) for f in flags[0]] == [("repetition", "critical")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"omission": {"short_log": "x"}}, "[checks.params.omission] short_log: expected a number, got 'x'"),
        ({"repetition": {"max_tokens": 2.5}}, "[checks.params.repetition] max_tokens: expected an integer"),
        ({"punctuation": {"parentheses": "no"}}, "[checks.params.punctuation] parentheses: expected true/false"),
        ({"omission": {"shortlog": -0.4}}, "unknown parameter(s): shortlog (known: ablation_gain,"),
        ({"inconsistency": {"rank_severity": "huge"}}, "rank_severity: unknown severity 'huge'"),
        ({"nope": {"x": 1}}, "unknown check id 'nope' in [checks.params]"),
        ({"numbers": 3}, "[checks.params.numbers] must be a table"),
    ],
)
def test_bad_check_params_fail_when_the_config_is_read(params, message):
    with pytest.raises(ConfigError) as exc:
        from_dict({"checks": {"params": params}})
    assert message in str(exc.value)


def test_check_params_are_typed_and_coerced():
    config = from_dict({"checks": {"params": {"omission": {"short_log": -1}}}})
    assert config.checks.params == {"omission": {"short_log": -1.0}}
    [check] = build_checks(ChecksConfig(enabled=("omission",), params=config.checks.params))
    assert check.params.short_log == -1.0 and isinstance(check.params.short_log, float)
    assert check.params.very_short_log == CHECKS["omission"].Params().very_short_log
    with pytest.raises(AttributeError):
        check.params.short_log = 0.0  # frozen


def test_a_check_with_a_defaults_dict_is_refused():
    with pytest.raises(TypeError, match="Params dataclass"):
        type("Old", (Check,), {"defaults": {"x": 1}})
