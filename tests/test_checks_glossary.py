from __future__ import annotations

import pytest

from mtreview.checks import Article, build_checks, load_glossary, run_checks
from mtreview.checks.glossary import Glossary
from mtreview.config import ChecksConfig
from mtreview.errors import ConfigError
from mtreview.records import Segment
from tests.conftest import ROOT

GLOSSARY = (("Security Council", "安全保障理事会|安保理"), ("Foreign Ministry", "外務省"), ("Ministry", "省"))


@pytest.mark.parametrize("src, tgt, expected", [
    # (start, end, text, suggestion)
    ("On Thursday, South Korea urged the Security Council to break its silence.",
     "韓国は木曜日、安保理に「沈黙を破る」よう求めた。", []),
    ("On Thursday, South Korea urged the Security Council to break its silence.",
     "韓国は木曜日、国連の評議会に「沈黙を破る」よう求めた。", [(35, 51, "Security Council", "安全保障理事会")]),
    ("the North Korean Foreign Ministry said", "北の外務省は述べた", []),
    ("the North Korean Foreign Ministry said", "北朝鮮省は述べた", [(17, 33, "Foreign Ministry", "外務省")]),
    ("the security councils met", "理事会が開かれた", [(4, 21, "security councils", "安全保障理事会")]),
    ("", "安保理", []),
])
def test_glossary_check(src, tgt, expected):
    art = Article(segments=(Segment(0, src, tgt, (0,), (0,)),), glossary=GLOSSARY)
    flags = [f for _, f in Glossary().run(art)]
    assert [(f.start, f.end, f.text, f.suggestion) for f in flags] == expected
    assert all(f.side == "src" and f.severity.label == "major" for f in flags)


def test_shipped_example_glossary_loads():
    entries = load_glossary(ROOT / "configs" / "glossary.tsv")
    assert ("Security Council", "安全保障理事会|安保理") in entries
    assert len(entries) >= 5


@pytest.mark.parametrize("content, message", [
    ("Security Council\n", "line 1: expected 'English term<TAB>Japanese rendering'"),
    ("# comment\n\nA\tB\tC\n", "line 3: expected"),
    ("\t安保理\n", "line 1: expected"),
])
def test_bad_glossary_is_config_error(tmp_path, content, message):
    p = tmp_path / "g.tsv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_glossary(p)


def test_missing_glossary_is_config_error(tmp_path):
    with pytest.raises(ConfigError, match="glossary file not found"):
        load_glossary(tmp_path / "nope.tsv")
    assert load_glossary("") == ()


def test_no_glossary_no_flags():
    art = Article(segments=(Segment(0, "the Security Council", "評議会", (0,), (0,)),))
    assert run_checks(art, build_checks(ChecksConfig(enabled=("glossary",)))) == [()]
