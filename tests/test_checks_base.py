from __future__ import annotations

import pytest

from mtreview.checks import CHECKS, Article, build_checks, run_checks, suppression_key
from mtreview.config import ChecksConfig
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


def test_every_check_param_is_documented_in_default_toml():
    import re

    from tests.conftest import ROOT

    text = (ROOT / "configs" / "default.toml").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        if m := re.match(r"# \[checks\.params\.(\w+)\]", line):
            current = documented.setdefault(m.group(1), set())
        elif (m := re.match(r"# (\w+) = ", line)) and current is not None:
            current.add(m.group(1))
    build_checks(ChecksConfig())  # registers every family
    assert {cid: set(c.defaults) for cid, c in CHECKS.items() if c.defaults} == documented


@pytest.mark.parametrize("cid", ["repetition", "quotes", "numbers", "untranslated", "omission", "addition",
                                 "inconsistency", "glossary", "punctuation", "boilerplate"])
def test_required_check_ids_are_registered(cid):
    build_checks(ChecksConfig())
    assert cid in CHECKS


def test_unknown_param_and_severity_override():
    with pytest.raises(ConfigError, match=r"\[checks.params.numbers\] unknown parameter\(s\): nope"):
        build_checks(ChecksConfig(enabled=("numbers",), params={"numbers": {"nope": 1}}))
    [check] = build_checks(ChecksConfig(enabled=("repetition",), severity={"repetition": "critical"}))
    flags = run_checks(Article(segments=(Segment(0, "x", "と述べたと述べた。", (0,), (0,)),)), [check])
    assert [(f.check, f.severity.label) for f in flags[0]] == [("repetition", "critical")]
