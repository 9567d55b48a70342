from __future__ import annotations

import pytest

from mtreview.checks import Article, build_checks, load_glossary, run_checks
from mtreview.checks.glossary import Glossary, Term, en_pattern, find_rendering
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
    assert Term("Security Council", "安全保障理事会|安保理") in entries
    assert len(entries) >= 5


@pytest.mark.parametrize("content, message", [
    ("Security Council\n", "line 1: expected 'English term<TAB>Japanese rendering"),
    ("# comment\n\nA\tB\tC\tD\n", "line 3: expected"),
    ("A\t\t\n", "line 1: expected"),
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


@pytest.mark.parametrize("term, text, expected", [
    ("sanction", "The UN sanctioned two firms; more sanctions followed.", ["sanctioned", "sanctions"]),
    ("ally", "Its allies and the allied forces", ["allies", "allied"]),
    ("impose", "They are imposing tariffs it imposed", ["imposing", "imposed"]),
    ("ban", "banned, banning and bans", ["banned", "banning", "bans"]),
    ("Foreign Minister", "the foreign ministers met; the Foreign Minister's visit", ["foreign ministers", "Foreign Minister's"]),
    ("ceasefire", "a cease-fire", []),
    ("NATO", "NATOs and NATO", ["NATOs", "NATO"]),
    ("sanction", "sanctimonious", []),
])
def test_english_terms_match_regular_inflections(term, text, expected):
    assert [m.group() for m in en_pattern(term).finditer(text)] == expected


@pytest.mark.parametrize("rendering, tgt, expected", [
    ("批准する", "両国は条約を批准した。", "批准し"),  # lemma: 批准 + 為る
    ("出来る", "合意はできなかった。", "でき"),
    ("安保理", "国連安保理は会合を開いた。", "安保理"),
    ("ＮＡＴＯ", "NATOは声明を出した。", "NATO"),  # width folded
    ("制裁", "政府は対策を発表した。", None),
])
def test_japanese_renderings_match_on_lemmas(rendering, tgt, expected):
    span = find_rendering(rendering, tgt)
    assert (None if span is None else tgt[span[0] : span[1]]) == expected


def test_forbidden_rendering_is_flagged_on_the_translation():
    glossary = (Term("North Korea", "北朝鮮", "北鮮"), Term("ratify", "批准する"), Term("", "", "支那"))
    segs = (Segment(0, "North Korea fired a missile.", "北鮮はミサイルを発射した。", (0,), (0,)),
            Segment(1, "Both sides ratified the treaty.", "両国は条約を批准した。", (1,), (1,)),
            Segment(2, "China said.", "支那は述べた。", (2,), (2,)))
    flags = Glossary().run(Article(segments=segs, glossary=glossary))
    got = [(i, f.side, f.text, f.suggestion) for i, f in flags]
    assert got == [(0, "src", "North Korea", "北朝鮮"), (0, "tgt", "北鮮", "北朝鮮"), (2, "tgt", "支那", None)]


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
 <text><body>
  <termEntry id="c1">
   <langSet xml:lang="en-US"><tig><term>Security Council</term></tig></langSet>
   <langSet xml:lang="ja-JP">
    <tig><term>安全保障理事会</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>安保理</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
    <tig><term>保安理事会</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   </langSet>
  </termEntry>
  <termEntry id="c2">
   <langSet xml:lang="fr"><tig><term>cessez-le-feu</term></tig></langSet>
   <langSet xml:lang="en"><tig><term>ceasefire</term></tig></langSet>
   <langSet xml:lang="ja"><tig><term>停戦</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <text><body>
  <conceptEntry id="c1">
   <langSec xml:lang="en"><termSec><term>Foreign Ministry</term></termSec></langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_tbx_glossary(tmp_path):
    p = tmp_path / "terms.tbx"
    p.write_text(TBX, encoding="utf-8")
    assert load_glossary(p) == (Term("Security Council", "安全保障理事会|安保理", "保安理事会"),
                                Term("ceasefire", "停戦", ""))
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif><text>", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TBX"):
        load_glossary(bad)
    empty = tmp_path / "v3.tbx"
    empty.write_text(TBX3, encoding="utf-8")
    with pytest.raises(ConfigError, match="no English-Japanese term pairs"):
        load_glossary(empty)


def test_tbx_v3_concept_entries(tmp_path):
    p = tmp_path / "v3.tbx"
    p.write_text(TBX3.replace("</langSec>\n  </conceptEntry>",
                              '</langSec>\n   <langSec xml:lang="ja"><termSec><term>外務省</term></termSec></langSec>\n'
                              "  </conceptEntry>"), encoding="utf-8")
    assert load_glossary(p) == (Term("Foreign Ministry", "外務省", ""),)
