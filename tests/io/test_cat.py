"""CAT round trip: XLIFF 1.2 / 2.0 / SDLXLIFF / MQXLIFF / TMX shaped like Trados, memoQ, Phrase and
OmegaT output -> review -> edit -> export -> parse again with translate-toolkit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from mtreview import pipeline
from mtreview.checks import suppression_key
from mtreview.config import Config
from mtreview.errors import InputError
from mtreview.io import cat, cat_export
from mtreview.io.segment_files import load_pairs, load_rows
from mtreview.ui.store import SegmentState

DATA = Path(__file__).resolve().parents[1] / "data" / "cat"
ITS = "{http://www.w3.org/2005/11/its}"


class Same:
    """Every text embeds alike: the pre-aligned units score 1.0, so no alignment flag hides the rest."""

    name = "same"
    version = "1"

    def encode(self, texts):
        return np.tile(np.array([[0.6, 0.8]], dtype=np.float32), (len(texts), 1))


def _review(name: str):
    src, tgt = load_pairs(DATA / name)
    return pipeline.review(src, tgt, Config(), pipeline.Models(embedder=Same()))


@pytest.mark.parametrize(
    "name, ids, tags",
    [
        ("trados.sdlxliff",
         ["a4b1e0c2-3f5d-4e6a-8b7c-9d0e1f2a3b4c#1", "b5c2f1d3-4a6e-4f7b-9c8d-0e1f2a3b4c5d#2",
          "b5c2f1d3-4a6e-4f7b-9c8d-0e1f2a3b4c5d#3"],
         [[], ["⟨1⟩", "⟨/1⟩", "⟨2/⟩"], []]),
        ("memoq.mqxliff", ["1", "2"], [["⟨1⟩", "⟨/1⟩", "⟨2/⟩", "⟨3/⟩"], []]),
        ("omegat.xlf", ["tu1", "tu2", "tu3"], [["⟨1⟩", "⟨/1⟩"], ["⟨1/⟩"], []]),
        ("phrase.xlf", ["u1#s1", "u1#s2", "u2"], [["⟨1⟩", "⟨/1⟩", "⟨2/⟩"], ["⟨1⟩", "⟨/1⟩"], []]),
        ("memory.tmx", ["t1", "t2"], [["⟨1⟩", "⟨/1⟩"], ["⟨1/⟩"]]),
    ],
)
def test_segments_ids_and_placeholders(name, ids, tags):
    doc = cat.read((DATA / name).read_bytes(), name)
    assert [s.id for s in doc.segments] == ids
    assert [s.tag_tokens("src") for s in doc.segments] == tags
    assert [r["id"] for r in load_rows(DATA / name)] == ids  # the pipeline sees the same units


def test_sdlxliff_mrk_segments_are_rows():
    rows = load_rows(DATA / "trados.sdlxliff")
    assert [r["src"][:18] for r in rows] == ["UN says thousands ", "ISLAMABAD -- A ⟨1⟩", "Most belong to the"]
    assert rows[2]["tgt"] == "そのほとんどが非合法のパキスタン人タリバングループに属している。"


# file -> (segment index -> edited translation with its placeholders, possibly moved)
EDITS = {
    "trados.sdlxliff": {1: "イスラマバード -- ⟨1⟩国連の報告書⟨/1⟩によると、6,000人を超えるパキスタン人反乱軍兵士が"
                           "アフガニスタンに潜伏している。⟨2/⟩"},
    "memoq.mqxliff": {1: "警察によると、月曜日の攻撃で12人が死亡した。"},
    "omegat.xlf": {0: "⟨1⟩反パキスタン⟨/1⟩の過激派数千人がアフガニスタンに潜伏と国連が主張"},
    "phrase.xlf": {1: "そのほとんどが⟨1⟩パキスタン・タリバン⟨/1⟩の一派に属している。"},
    "memory.tmx": {1: "警察によると、12人が死亡した。⟨1/⟩"},
}
REJECT = {"omegat.xlf": "omission"}  # a flag the reviewer rejects


def _states(review, name):
    states = {}
    for seg in review.segments:
        decisions = tuple(sorted(
            (suppression_key(f, seg.src if f.side == "src" else seg.tgt),
             "reject" if REJECT.get(name) == f.check else "accept") for f in seg.flags))
        states[seg.id] = SegmentState(seg.id, edit=EDITS[name].get(seg.id), reviewed=True, decisions=decisions)
    return states


def _tt(name: str, data: bytes):
    from translate.storage import tmx, xliff, xliff2

    if name.endswith(".tmx"):
        return tmx.tmxfile.parsestring(data)
    if etree.fromstring(data).get("version", "").startswith("2"):
        return xliff2.Xliff2File.parsestring(data)
    return xliff.xlifffile.parsestring(data)


def _tt_tags(unit) -> list[tuple[str, str | None]]:
    """translate-toolkit's inline placeables of the target, without mtreview's own ITS marks."""
    out = []
    for e in unit.rich_target[0].depth_first():
        node = getattr(e, "xml_node", None)
        if type(e).__name__ == "StringElem" or (node is not None and node.get(f"{ITS}locQualityIssueType")):
            continue
        out.append((type(e).__name__, getattr(e, "id", None)))
    return out


@pytest.mark.parametrize("name", sorted(EDITS))
def test_round_trip(name):
    original = (DATA / name).read_bytes()
    review = _review(name)
    states = _states(review, name)
    out = cat_export.export(cat.read(original, name), review, states)

    before, after = _tt(name, original), _tt(name, out)
    b_units = [u for u in before.units if not u.isheader()]
    a_units = [u for u in after.units if not u.isheader()]
    assert [u.getid() for u in a_units] == [u.getid() for u in b_units]
    assert [u.source for u in a_units] == [u.source for u in b_units]
    if not name.endswith(".tmx"):
        edited_units = {cat.read(original, name).segments[k].unit for k in EDITS[name]}
        for b, a in zip(b_units, a_units, strict=True):
            if b.getid().split("\x04")[-1].split("::")[0] not in edited_units:
                assert a.target == b.target
                assert _tt_tags(a) == _tt_tags(b)
            else:  # the edits move tags but keep every one of them
                assert sorted(_tt_tags(a), key=str) == sorted(_tt_tags(b), key=str)

    again = cat.read(out, name)  # our own ITS marks are transparent on reading
    first = cat.read(original, name)
    assert [s.id for s in again.segments] == [s.id for s in first.segments]
    assert [s.src for s in again.segments] == [s.src for s in first.segments]
    for k, seg in enumerate(again.segments):
        assert seg.tgt == EDITS[name].get(k, first.segments[k].tgt)
        for chunk in cat.TOKEN.split(seg.tgt)[::4]:  # the text between tags, as translate-toolkit reads it
            assert chunk in "".join(str(u.target) for u in a_units)


def _xml(data: bytes):
    return etree.fromstring(data)


def test_review_state_as_each_format_names_it():
    for name, xpath, value in [
        ("omegat.xlf", "//x:target/@state", "signed-off"),
        ("memoq.mqxliff", "//x:trans-unit/@mq:status", "Reviewer1Confirmed"),
        ("trados.sdlxliff", "//sdl:seg/@conf", "ApprovedSignOff"),
        ("phrase.xlf", "//x2:segment/@state", "final"),
        ("memory.tmx", "//prop[@type='x-mtreview-state']/text()", "signed-off"),
    ]:
        review = _review(name)
        out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review, _states(review, name))
        ns = {"x": "urn:oasis:names:tc:xliff:document:1.2", "x2": "urn:oasis:names:tc:xliff:document:2.0",
              "mq": "MQXliff", "sdl": "http://sdl.com/FileTypes/SdlXliff/1.0"}
        got = _xml(out).xpath(xpath, namespaces=ns)
        assert got and set(got) == {value}, name


def test_unreviewed_segments_keep_their_state():
    name = "omegat.xlf"
    review = _review(name)
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review, {})
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert _xml(out).xpath("//x:target/@state", namespaces=ns) == ["translated", "translated"]


def test_flags_become_its_quality_issues():
    name = "memoq.mqxliff"
    review = _review(name)
    assert [f.check for f in review.segments[1].flags] == ["numbers"]
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review, {})  # no edit: the words stay
    marks = _xml(out).xpath("//*[@its:locQualityIssueType]", namespaces={"its": ITS[1:-1]})
    assert len(marks) == 1
    mark = marks[0]
    assert mark.text == "21"  # exactly the flagged words
    assert mark.get(f"{ITS}locQualityIssueType") == "mistranslation"
    assert mark.get(f"{ITS}locQualityIssueSeverity") == "50"
    assert "does not match the source" in mark.get(f"{ITS}locQualityIssueComment")
    assert _xml(out).get(f"{ITS}version") == "2.0"
    assert b"xmlns:its=" in out


def test_rejected_flag_is_disabled_not_dropped():
    name = "memoq.mqxliff"
    review = _review(name)
    states = {1: SegmentState(1, decisions=((suppression_key(review.segments[1].flags[0], review.segments[1].tgt),
                                             "reject"),))}
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review, states)
    marks = _xml(out).xpath("//*[@its:locQualityIssueType]", namespaces={"its": ITS[1:-1]})
    assert len(marks) == 1 and marks[0].get(f"{ITS}locQualityIssueEnabled") == "no"
    assert marks[0].get(f"{ITS}locQualityIssueComment").endswith("[rejected by the reviewer]")  # nobody credited


def test_a_decision_is_credited_to_whoever_made_it():
    name = "memoq.mqxliff"
    review = _review(name)
    key = suppression_key(review.segments[1].flags[0], review.segments[1].tgt)
    states = {1: SegmentState(1, decisions=((key, "reject"),), deciders=((key, "Ben"),))}
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review, states)
    marks = _xml(out).xpath("//*[@its:locQualityIssueType]", namespaces={"its": ITS[1:-1]})
    assert marks[0].get(f"{ITS}locQualityIssueComment").endswith("[rejected by Ben]")


def test_untranslated_unit_gets_a_note_not_an_empty_target():
    name = "omegat.xlf"
    review = _review(name)
    assert [f.check for f in review.segments[2].flags] == ["omission"]
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review, _states(review, name))
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    unit = _xml(out).xpath("//x:trans-unit[@id='tu3']", namespaces=ns)[0]
    assert [etree.QName(c).localname for c in unit] == ["source", "note"]
    assert unit[1].get("from") == "mtreview" and unit[1].text.startswith("omission: omission: ")
    assert unit[1].text.endswith("[rejected by the reviewer] (disabled)")


def test_xliff2_marks_are_its_generic_mrk_with_unique_ids():
    name = "phrase.xlf"
    review = _review(name)
    seg = review.segments[2]
    flag = pipeline.check_rows([seg.src], ["当局は火曜日、コメントを控えた。"], Config())[0]
    assert not flag  # no flag by itself: add one by hand to see where it goes
    from mtreview.records import Flag, Review, Segment, Severity

    f = Flag("glossary", "terminology/wrong-term", Severity.MINOR, "tgt", 3, 6, "use 火曜 here", text="火曜日")
    segs = (*review.segments[:2], Segment(**{**seg.__dict__, "flags": (f,)}))
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), Review(review.meta, segs), {})
    mark = _xml(out).xpath("//*[@its:locQualityIssueType]", namespaces={"its": ITS[1:-1]})[0]
    assert (mark.get("type"), mark.get("id"), mark.text) == ("its:generic", "mtreview-q1", "火曜日")
    assert mark.get(f"{ITS}locQualityIssueType") == "terminology"


@pytest.mark.parametrize(
    "spans, expected",
    [
        ([("tgt", "21"), ("tgt", "人が")], "警察によると、⟨q1⟩21⟨/q1⟩⟨q2⟩人が⟨/q2⟩死亡した。"),  # adjacent
        ([("tgt", "21人"), ("tgt", "21")], "警察によると、⟨q1⟩⟨q2⟩21⟨/q2⟩人⟨/q1⟩が死亡した。"),  # nested
        ([("tgt", "21人"), ("tgt", "人が")], "⟨q2⟩警察によると、⟨q1⟩21人⟨/q1⟩が死亡した。⟨/q2⟩"),  # crossing
        ([("src", "12"), ("tgt", "改善")], "⟨q2⟩⟨q1⟩警察によると、21人が死亡した。⟨/q1⟩⟨/q2⟩"),  # not placeable
    ],
)
def test_flag_marks_nest(spans, expected):
    text = "警察によると、21人が死亡した。"
    flags = [({"side": side, "text": words, "start": text.find(words)}, None) for side, words in spans]
    assert cat_export._place(text, flags)[0] == expected


@pytest.mark.parametrize(
    "edit, error",
    [
        ("⟨1⟩反パキスタン⟨/1⟩過激派⟨9/⟩", "unknown tag placeholder ⟨9/⟩"),
        ("⟨1⟩反パキスタン過激派", "⟨1⟩ is never closed"),
        ("反パキスタン⟨/1⟩過激派", "⟨/1⟩ closes a tag that is not open"),
    ],
)
def test_broken_placeholders_in_an_edit_are_input_errors(edit, error):
    name = "omegat.xlf"
    review = _review(name)
    with pytest.raises(InputError, match=error):
        cat_export.export(cat.read((DATA / name).read_bytes(), name), review, {0: SegmentState(0, edit=edit)})


def test_reserved_placeholder_text_in_a_file_is_refused():
    data = (DATA / "omegat.xlf").read_bytes().replace("潜伏と".encode(), "潜伏⟨2/⟩と".encode())
    with pytest.raises(InputError, match="reserves for inline-tag placeholders"):
        cat.read(data, "omegat.xlf")


def test_review_of_another_file_is_refused():
    review = _review("memoq.mqxliff")
    with pytest.raises(InputError, match=r"review segment 0 .* is not in this file"):
        cat_export.export(cat.read((DATA / "omegat.xlf").read_bytes(), "omegat.xlf"), review, {})


def test_missing_target_is_created_after_the_source():
    name = "omegat.xlf"
    review = _review(name)
    out = cat_export.export(cat.read((DATA / name).read_bytes(), name), review,
                     {2: SegmentState(2, edit="当局者はコメントを控えた。", reviewed=True)})
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    unit = _xml(out).xpath("//x:trans-unit[@id='tu3']", namespaces=ns)[0]
    assert [etree.QName(c).localname for c in unit] == ["source", "target"]
    assert "".join(unit[1].itertext()) == "当局者はコメントを控えた。"


SEGMENTED_SOURCE_ONLY = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a.txt" source-language="en"
 target-language="ja" datatype="plaintext"><body>
<trans-unit id="1"><source>Kim traveled to Russia in September. He met Putin.</source>
<seg-source><mrk mtype="seg" mid="1">Kim traveled to Russia in September.</mrk> <mrk mtype="seg" mid="2">He met
 Putin.</mrk></seg-source><target>金氏は9月にロシアを訪れた。プーチン氏と会談した。</target></trans-unit>
<trans-unit id="2"><source>He left.</source><seg-source><mrk mtype="seg" mid="1">He left.</mrk></seg-source>
</trans-unit>
</body></file></xliff>
"""


def test_target_not_split_like_its_seg_source_is_one_segment_not_lost(tmp_path):
    """Okapi-style <seg-source> segments but a target never split (an unsegmented pre-translation):
    the unit's whole target is its translation, not two untranslated segments."""
    path = tmp_path / "a.xlf"
    path.write_text(SEGMENTED_SOURCE_ONLY, encoding="utf-8")
    rows = load_rows(path)
    assert [(r["id"], r["src"], r["tgt"]) for r in rows] == [
        ("1", "Kim traveled to Russia in September. He met Putin.",
         "金氏は9月にロシアを訪れた。プーチン氏と会談した。"),
        ("2#1", "He left.", ""),  # no target yet: the <seg-source> segment as before
    ]
    src, tgt = load_pairs(path)
    review = pipeline.review(src, tgt, Config(), pipeline.Models(embedder=Same()))
    out = cat_export.export(cat.read(path.read_bytes(), path.name), review,
                            {0: SegmentState(0, edit="金氏は9月にロシアを訪問した。プーチン氏と会談した。")})
    assert cat.read(out, "out.xlf").segments[0].tgt == "金氏は9月にロシアを訪問した。プーチン氏と会談した。"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_xml_in_other_encodings_reads_and_round_trips(tmp_path, encoding):
    text = (DATA / "omegat.xlf").read_text(encoding="utf-8").replace('encoding="UTF-8"', f'encoding="{encoding}"')
    path = tmp_path / "omegat.xlf"
    path.write_bytes(text.encode(encoding))
    assert [r["id"] for r in load_rows(path)] == ["tu1", "tu2", "tu3"]
    src, tgt = load_pairs(path)
    review = pipeline.review(src, tgt, Config(), pipeline.Models(embedder=Same()))
    out = cat_export.export(cat.read(path.read_bytes(), path.name), review, {})
    before = cat.read(path.read_bytes(), "in.xlf").segments
    assert [s.tgt for s in cat.read(out, "out.xlf").segments] == [s.tgt for s in before]


def test_sdlxliff_segment_without_target_gets_its_mrk_before_seg_defs():
    name = "trados.sdlxliff"
    data = (DATA / name).read_bytes()
    root = etree.fromstring(data)
    unit = root.xpath("//x:trans-unit", namespaces={"x": "urn:oasis:names:tc:xliff:document:1.2"})[0]
    unit.remove(unit.find("{urn:oasis:names:tc:xliff:document:1.2}target"))  # mid 1 not translated yet
    data = etree.tostring(root)
    doc = cat.read(data, name)
    assert doc.segments[0].tgt_el is None and doc.segments[0].tgt == ""
    from mtreview.records import Review, Segment

    translated = _review(name)  # segment 0 has no translation in this copy of the file
    review = Review(translated.meta, (Segment(0, doc.segments[0].src, "", (0,), ()), *translated.segments[1:]))
    edit = "国連、数千人の反パキスタン過激派がアフガンに"
    out = cat_export.export(doc, review, {0: SegmentState(0, edit=edit, reviewed=True)})
    unit = etree.fromstring(out).xpath("//x:trans-unit", namespaces={"x": "urn:oasis:names:tc:xliff:document:1.2"})[0]
    assert [etree.QName(c).localname for c in unit] == ["source", "seg-source", "target", "seg-defs"]
    mrk = unit[2][0]
    assert (mrk.get("mtype"), mrk.get("mid"), mrk.text) == ("seg", "1", edit)
    assert unit[3][0].get("conf") == "ApprovedSignOff"


@pytest.mark.parametrize(
    "src, tgt, expected",
    [
        ("Click ⟨1⟩here⟨/1⟩ now⟨2/⟩ for 3 items.", "⟨1⟩ここ⟨/1⟩を今クリックして3品目を。", []),
        ("A ⟨1⟩U.N. report⟨/1⟩ says ⟨2/⟩ rebels.", "国連の報告書によると、反乱軍兵士。", []),  # tags are no numbers
        ("Police said ⟨1⟩12⟨/1⟩ people died.", "警察によると⟨1⟩21⟨/1⟩人が死亡した。", [("numbers", "21")]),
    ],
)
def test_placeholders_are_not_numbers(src, tgt, expected):
    flags = pipeline.check_rows([src], [tgt], Config())[0]
    assert [(f.check, f.text) for f in flags] == expected
    for f in flags:
        assert (src if f.side == "src" else tgt)[f.start:f.end] == f.text


def test_mask_keeps_offsets():
    text = "⟨1⟩ここ⟨/12⟩を⟨3/⟩。2"
    assert cat.mask(text) == "   ここ     を    。2" and len(cat.mask(text)) == len(text)


def _sents(parts: list[tuple[str, int]]):
    """Sentences (text, block) laid out as a segment file's document: units joined by a blank line."""
    from mtreview.records import Sentence

    text, out, block = "", [], 0
    for k, (part, b) in enumerate(parts):
        if k:
            text += "\n\n" if b != block else ""
        block = b
        out.append(Sentence(k, len(text), len(text) + len(part), part, b))
        text += part
    return out, text


def test_bare_placeholder_sentences_join_their_neighbour():
    sents, text = _sents([("⟨1/⟩", 0), ("文です。", 0), ("⟨2/⟩", 0), ("次の文。", 1), ("もう一つ。", 1), ("⟨3/⟩", 2)])
    joined = cat.attach_bare_placeholders(sents, text)
    assert [(s.id, s.text, s.block) for s in joined] == [
        (0, "⟨1/⟩文です。⟨2/⟩", 0), (1, "次の文。", 1), (2, "もう一つ。", 1), (3, "⟨3/⟩", 2)]
    assert all(text[s.start:s.end] == s.text for s in joined)
    plain, plain_text = _sents([("文です。", 0), ("次の文。", 1)])
    assert cat.attach_bare_placeholders(plain, plain_text) == plain


def test_units_ending_in_a_tag_get_no_addition_flag():
    review = _review("memory.tmx")  # 「…死亡した。⟨1/⟩」 ends with a <ph/> after the full stop
    assert [s.kind for s in review.segments] == ["1-1", "1-1"]
    assert "addition" not in {f.check for s in review.segments for f in s.flags}


_ENTITY_XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff [<!ENTITY co {decl}>]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en"
 target-language="ja" datatype="plaintext"><body><trans-unit id="1"><source>Shares of &co; <x id="1"/>rose.</source>
<target>&co;の株価が<x id="1"/>上がった。</target></trans-unit></body></file></xliff>
"""


def test_external_entity_in_an_original_file_is_refused(tmp_path):
    """`mtreview export --original F` reads F with cat.read directly: the same strict rule as loading."""
    secret = tmp_path / "secret.txt"
    secret.write_text("ACME Corp", encoding="utf-8")
    data = _ENTITY_XLIFF.format(decl=f'SYSTEM "file://{secret}"').encode("utf-8")
    with pytest.raises(InputError, match=r"x.xlf:\d+: the entity reference &co; names no text in this file"):
        cat.read(data, "x.xlf")


def test_internal_entity_is_read_and_written_back_as_its_text(tmp_path):
    path = tmp_path / "x.xlf"
    path.write_text(_ENTITY_XLIFF.format(decl='"ACME Corp"'), encoding="utf-8")
    doc = cat.read(path.read_bytes(), "x.xlf")
    seg = doc.segments[0]
    assert (seg.src, seg.tgt) == ("Shares of ACME Corp ⟨1/⟩rose.", "ACME Corpの株価が⟨1/⟩上がった。")
    src, tgt = load_pairs(path)
    review = pipeline.review(src, tgt, Config(), pipeline.Models(embedder=Same()))
    again = cat.read(cat_export.export(doc, review, {}), "out.xlf").segments[0]
    assert (again.src, again.tgt) == (seg.src, seg.tgt)
