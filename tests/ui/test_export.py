from __future__ import annotations

import csv
import io
import json

from mtreview.checks import suppression_key
from mtreview.records import Flag, Review, Segment, Severity
from mtreview.ui import export
from mtreview.ui.store import SegmentState

EN = "Putin had again expressed his intention to visit Pyongyang."
JA = "プーチン大統領は平壌訪問の意志を再び示したと述べたと述べた。"
STUTTER = Flag("repetition", "fluency/repetition", Severity.MAJOR, "tgt", 22, 29,
               "The reporting verb is repeated.", "述べたと述べた", suggestion="述べた")
OMIT = Flag("omission", "accuracy/omission", Severity.MAJOR, "src", 0, 11, "No translation.", "<b>Seoul</b>")
REVIEW = Review(meta={}, segments=(
    Segment(0, EN, JA, (0,), (0,), 0.81234, flags=(STUTTER,)),
    Segment(1, "<b>Seoul</b>", "", (1,), (), 0.0, flags=(OMIT,)),
    Segment(2, "Kim said.", "金氏は述べた。", (2,), (1,), 0.7),
))
KEY = suppression_key(STUTTER, JA)
STATES = {
    0: SegmentState(0, edit="プーチン大統領は平壌訪問の意志を再び示したと述べた。", comment="stutter <fixed>",
                    reviewed=True, version=2, updated_by="Aiko", decisions=((KEY, "accept"),), edited_by="Aiko"),
}


def test_jsonl_rows():
    rows = [json.loads(line) for line in export.to_jsonl(REVIEW, STATES).splitlines()]
    assert [(r["id"], r["final"], r["reviewed"], r["comment"]) for r in rows] == [
        (0, "プーチン大統領は平壌訪問の意志を再び示したと述べた。", True, "stutter <fixed>"),
        (1, "", False, ""),
        (2, "金氏は述べた。", False, ""),
    ]
    flags = [(f["check"], f["decision"], f["key"]) for f in rows[0]["flags"]]
    assert flags == [("repetition", "accept", KEY)]
    assert rows[1]["flags"][0]["decision"] is None
    assert rows[0]["align_score"] == 0.8123


def test_csv_rows():
    rows = list(csv.DictReader(io.StringIO(export.to_csv(REVIEW, STATES))))
    assert [r["flags"] for r in rows] == [
        "repetition/major:述べたと述べた=accept", "omission/major:<b>Seoul</b>=undecided", ""]
    assert [(r["accepted"], r["undecided"], r["edit"] != "") for r in rows] == [
        ("1", "0", True), ("0", "1", False), ("0", "0", False)]


def test_exports_carry_a_segment_files_unit_id_in_a_last_column():
    """Review records of a segment file name each segment's unit (``unit_id``, schema 1.1); the JSONL
    and CSV exports left it out, so an edited segment could not be traced back to its row of the file.
    It is the CSV's last column (the older columns keep their places), empty for an aligned article."""
    import dataclasses

    units = Review(meta={}, segments=tuple(dataclasses.replace(s, unit_id=u)
                                           for s, u in zip(REVIEW.segments, ("s-1", "7", None), strict=True)))
    rows = list(csv.reader(io.StringIO(export.to_csv(units, STATES))))
    assert rows[0] == [*export.CSV_FIELDS] and rows[0][-1] == "unit_id"
    assert rows[0][:-1] == ["article_id", "id", "src", "tgt", "edit", "final", "comment", "reviewed", "align_score",
                            "quality", "flags", "accepted", "rejected", "undecided", "fixed", "reviewer", "saved_at",
                            "edited_by", "commented_by", "reviewed_by"]
    assert [r[-1] for r in rows[1:]] == ["s-1", "7", ""]
    assert [json.loads(line)["unit_id"] for line in export.to_jsonl(units, STATES).splitlines()] == ["s-1", "7", None]
    aligned = list(csv.DictReader(io.StringIO(export.to_csv(REVIEW, STATES))))
    assert [r["unit_id"] for r in aligned] == ["", "", ""]


def test_xliff_parses_back_with_edits_and_notes():
    from translate.storage import xliff

    data = export.export("xliff", REVIEW, STATES)
    assert b'version="1.2"' in data and b"urn:oasis:names:tc:xliff:document:1.2" in data
    store = xliff.xlifffile.parsestring(data)
    units = store.units
    assert [(u.xmlelement.get("id"), u.source, u.target, u.isapproved()) for u in units] == [
        ("0", EN, "プーチン大統領は平壌訪問の意志を再び示したと述べた。", True),
        ("1", "<b>Seoul</b>", None, False),
        ("2", "Kim said.", "金氏は述べた。", False),
    ]
    assert units[0].getnotes("translator") == "stutter <fixed>"
    notes = units[0].getnotes("mtreview").splitlines()
    assert notes[0] == f"edited by Aiko; machine-checked translation was: {JA}"
    assert notes[1] == ("repetition (major, accept): 「述べたと述べた」 The reporting verb is repeated. "
                        "suggestion: 述べた")
    assert units[1].getnotes("mtreview") == "omission (major, undecided): 「<b>Seoul</b>」 No translation."


def test_every_registered_format_renders_a_credited_review():
    import zipfile

    from lxml import etree

    credited = {0: SegmentState(0, edit="プーチン大統領は訪問を示した。", comment="ok", reviewed=True, version=2,
                                updated_by="Ben", decisions=((KEY, "accept"),), edited_by="Aiko",
                                commented_by="Chie", reviewed_by="Ben", deciders=((KEY, "Dan"),))}
    out = {fmt: export.export(fmt, REVIEW, credited) for fmt in export.FORMATS}
    assert all(out.values()) and {"jsonl", "csv", "xliff", "tmx", "xlsx", "html", "mqm"} <= set(out)
    tu = etree.fromstring(out["tmx"]).find("body/tu")
    props = {p.get("type"): p.text for p in tu.iter("prop")}
    assert props == {"x-mtreview-state": "signed-off", "x-mtreview-edited-by": "Aiko",
                     "x-mtreview-commented-by": "Chie", "x-mtreview-reviewed-by": "Ben"}
    with zipfile.ZipFile(io.BytesIO(out["xlsx"])) as book:
        text = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    assert all(name in text for name in ("Aiko", "Chie", "Dan"))  # segments sheet + the flag's decided_by


def test_a_flag_fixed_by_a_saved_edit_is_fixed_in_every_export_and_counts_in_mqm():
    """Aiko's saved edit removes the stutter and decides nothing: the exports say the flag was fixed
    by her edit (not "undecided"), and MQM counts it as a real error even where undecided flags do
    not count. An edit that keeps the stuttered words leaves the flag undecided."""
    from mtreview.config import MqmConfig
    from mtreview.score import mqm

    fixed = {0: SegmentState(0, edit="プーチン大統領は平壌訪問の意志を再び示したと述べた。", version=1,
                             updated_by="Aiko", edited_by="Aiko")}
    kept = {0: SegmentState(0, edit="プーチン大統領は平壌訪問の意志を再び示したと述べたと述べた、という。", version=1,
                            updated_by="Aiko", edited_by="Aiko")}
    rows = [json.loads(line) for line in export.to_jsonl(REVIEW, fixed).splitlines()]
    assert [(f["decision"], f["decided_by"]) for f in rows[0]["flags"]] == [("fixed", "Aiko")]
    rows = list(csv.DictReader(io.StringIO(export.to_csv(REVIEW, fixed))))
    assert rows[0]["flags"] == "repetition/major:述べたと述べた=fixed by Aiko"
    assert (rows[0]["undecided"], rows[0]["fixed"]) == ("0", "1")
    assert b"repetition (major, fixed by Aiko)" in export.export("xliff", REVIEW, fixed)
    from mtreview.cli.export_formats import to_html

    assert "(fixed by Aiko)" in to_html(REVIEW, fixed).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(export.to_csv(REVIEW, kept))))
    assert (rows[0]["flags"], rows[0]["undecided"], rows[0]["fixed"]) == (
        "repetition/major:述べたと述べた=undecided", "1", "0")

    strict = MqmConfig(count_undecided=False)
    record = REVIEW.to_dict()
    assert mqm.review_scores(record, strict, mqm.store_decider(fixed))[1].errors["major"] == 1
    assert mqm.review_scores(record, strict, mqm.store_decider(kept))[1].errors["major"] == 0
    tsv = mqm.anthea_tsv([("a", record, mqm.store_decider(fixed), mqm.Credits(fixed))], strict)
    assert '"decided_by": "Aiko"' in tsv and '"decision": "fixed"' in tsv
