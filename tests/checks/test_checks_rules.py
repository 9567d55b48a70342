from __future__ import annotations

import pytest

from mtreview.checks import Article, build_checks, run_checks
from mtreview.config import ChecksConfig, from_dict
from mtreview.errors import ConfigError
from mtreview.records import Segment

RULES = (
    {"name": "percent", "source": r"\d+(?:\.\d+)?\s?(?:%|percent)", "target": "[%％]|パーセント",
     "message": "A percentage in the source has no % in the translation."},
    {"name": "kitachosen", "forbidden": "北鮮", "message": "Write 北朝鮮.", "severity": "major"},
    {"name": "nikkei", "source": "(?i)nikkei", "target": "日経"},
)


def _run(src: str, tgt: str, rules=RULES) -> list[tuple[str, str, str, str]]:
    checks = build_checks(ChecksConfig(enabled=("rules",), rules=rules))
    [flags] = run_checks(Article(segments=(Segment(0, src, tgt, (0,), (0,)),)), checks)
    return [(f.side, f.text, f.severity.label, f.message) for f in flags]


@pytest.mark.parametrize("src, tgt, expected", [
    ("Prices rose 3.5% in May.", "５月の物価は３.５％上昇した。", []),
    ("Prices rose 3.5 percent in May.", "５月の物価は3.5パーセント上昇した。", []),
    ("Prices rose 3.5% in May.", "５月の物価は３.５上昇した。",
     [("src", "3.5%", "minor", "[percent] A percentage in the source has no % in the translation.")]),
    ("North Korea fired a missile.", "北鮮はミサイルを発射した。", [("tgt", "北鮮", "major", "[kitachosen] Write 北朝鮮.")]),
    ("North Korea fired a missile.", "北朝鮮はミサイルを発射した。", []),
    ("The Nikkei fell.", "東証株価は下落した。",
     [("src", "Nikkei", "minor", "[nikkei] Rule: source /(?i)nikkei/; target must match /日経/.")]),
    ("The index fell.", "東証株価は下落した。", []),  # the source does not match: the rule does not apply
])
def test_rules(src, tgt, expected):
    assert _run(src, tgt) == expected


def test_rules_from_toml_tables():
    cfg = from_dict({"checks": {"rules": [{"name": "x", "forbidden": "ですます"}]}})
    assert cfg.checks.rules == ({"name": "x", "forbidden": "ですます"},)
    with pytest.raises(ConfigError, match=r"\[checks\] rules: expected a list of tables"):
        from_dict({"checks": {"rules": ["x"]}})


@pytest.mark.parametrize("rule, message", [
    ({"forbidden": "x"}, "#1: a rule needs a name"),
    ({"name": "a"}, "'a': a rule needs a target or a forbidden pattern"),
    ({"name": "a", "target": "("}, "'a': target is not a valid regular expression"),
    ({"name": "a", "target": "x", "severity": "fatal"}, "'a': unknown severity 'fatal'"),
    ({"name": "a", "target": "x", "colour": "red"}, "#1: unknown key(s) colour"),
    ({"name": "a", "target": 3}, "#1: target must be a string"),
])
def test_bad_rule_is_a_config_error(rule, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_checks(ChecksConfig(rules=(rule,)))
