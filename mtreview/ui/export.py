"""Export a reviewed article: segments with edits, comments and flag decisions.

JSONL and CSV (one row per segment; ``unit_id`` names a segment file's unit, empty for an aligned
article) for analysis; XLIFF 1.2 for CAT tools, written with
translate-toolkit: the edited translation (or the original) as ``<target>``, the reviewer's
comment as a translator note, each flag with its decision as a note from ``mtreview``;
reviewed segments are marked ``approved``. Each action is credited to whoever did it
(``edited_by``, ``commented_by``, ``reviewed_by``, a flag's ``decided_by``), not to the
segment's last saver.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..checks import suppression_key
from ..io.output import jsonl, xml_text
from ..records import Review, Segment
from ..registry import EXPORT_FORMATS
from .store_records import ArticleState, SegmentState  # not .store: sqlalchemy stays unimported in `review`

FORMATS = tuple(EXPORT_FORMATS)  # ids of the registered export formats


@dataclass(frozen=True)
class ExportFormat:
    """One way to export a reviewed article: its file extension, MIME type and renderer."""

    id: str
    extension: str
    mime: str
    render: Callable[[Review, Mapping[int, SegmentState], ArticleState | None], bytes]


CSV_FIELDS = ("article_id", "id", "src", "tgt", "edit", "final", "comment", "reviewed", "align_score",
              "quality", "flags", "accepted", "rejected", "undecided", "fixed", "reviewer", "saved_at",
              "edited_by", "commented_by", "reviewed_by", "unit_id")  # unit_id last: older columns keep their place


def _flag_rows(seg: Segment, state: SegmentState) -> list[dict[str, Any]]:
    rows = []
    for f in seg.flags:
        key = suppression_key(f, seg.src if f.side == "src" else seg.tgt)
        rows.append({**f.to_dict(), "key": key, "decision": state.outcome(key, f.side, f.text),
                     "decided_by": state.outcome_by(key, f.side, f.text)})
    return rows


def batch_article_id(review: Review) -> str | None:
    """A batch article's id in its batch (``meta["article"]["id"]``, as the batch's articles /
    segments / flags tables have it; its file name may differ, ids are made file-name safe)."""
    batch = review.meta.get("article")
    if isinstance(batch, Mapping) and batch.get("id") not in (None, ""):
        return str(batch["id"])
    return None


def article_id(review: Review, article: ArticleState | None = None) -> str | None:
    """The article's id in the exports: a batch article's id in its batch (so that the exports join
    the batch tables); else the review database's id of the article; else None."""
    return batch_article_id(review) or (article.id if article else None)


def export_rows(review: Review, states: Mapping[int, SegmentState], article: ArticleState | None = None
                ) -> list[dict[str, Any]]:
    """One plain dict per segment: texts, edit, final translation, comment, reviewed, flags + decisions,
    who did each, and ``unit_id`` (the unit of a segment file the segment is, else None)."""
    out = []
    aid = article_id(review, article)
    for seg in review.segments:
        st = states.get(seg.id, SegmentState(seg.id))
        out.append({
            "article_id": aid,
            "id": seg.id,
            "src": seg.src,
            "tgt": seg.tgt,
            "edit": st.edit,
            "final": seg.tgt if st.edit is None else st.edit,
            "comment": st.comment,
            "reviewed": st.reviewed,
            "align_score": round(seg.score, 4),
            "quality": None if seg.quality is None else round(seg.quality, 2),  # as the review record has it
            "flags": _flag_rows(seg, st),
            "reviewer": st.updated_by or None,
            "saved_at": st.updated_at.isoformat() if st.updated_at else None,
            "edited_by": st.edited_by or None,
            "commented_by": st.commented_by or None,
            "reviewed_by": st.reviewed_by or None,
            "unit_id": seg.unit_id,  # the segment file's unit (schema 1.1); None for an aligned article
        })
    return [_safe(r) for r in out]


def _safe(value: Any) -> Any:
    """Every text of an export row as XLIFF, TMX and Excel can hold it (``output.xml_text``), so that
    every format carries the same text."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def to_jsonl(review: Review, states: Mapping[int, SegmentState], article: ArticleState | None = None) -> str:
    return jsonl(export_rows(review, states, article))


def to_csv(review: Review, states: Mapping[int, SegmentState], article: ArticleState | None = None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in export_rows(review, states, article):
        flags = r.pop("flags")
        decisions = [f["decision"] for f in flags]
        writer.writerow({
            **r,
            "edit": "" if r["edit"] is None else r["edit"],
            "quality": "" if r["quality"] is None else r["quality"],
            "flags": "; ".join(f"{f['check']}/{f['severity']}:{f['text']}={_decision(f)}" for f in flags),
            "accepted": decisions.count("accept"),
            "rejected": decisions.count("reject"),
            "undecided": decisions.count(None),
            "fixed": decisions.count("fixed"),
        })
    return buf.getvalue()


def _decision(flag: dict[str, Any]) -> str:
    """``accept by Ben`` / ``reject`` / ``fixed by Aiko`` / ``undecided``: a flag's outcome and who made it
    (``fixed``: undecided, and the saved edit removed the flagged words)."""
    if flag["decision"] is None:
        return "undecided"
    return f"{flag['decision']} by {flag['decided_by']}" if flag["decided_by"] else flag["decision"]


def _xliff12():
    from translate.storage import xliff

    class Xliff12Unit(xliff.xliffunit):
        namespace = "urn:oasis:names:tc:xliff:document:1.2"

    class Xliff12File(xliff.xlifffile):
        UnitClass = Xliff12Unit
        namespace = "urn:oasis:names:tc:xliff:document:1.2"
        XMLskeleton = (
            '<?xml version="1.0" ?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
            '<file original="NoName" source-language="en" datatype="plaintext">\n<body>\n</body>\n</file>\n'
            "</xliff>"
        )

    return Xliff12File


def to_xliff(review: Review, states: Mapping[int, SegmentState],
             article: ArticleState | None = None) -> bytes:
    """XLIFF 1.2: one trans-unit per segment (id = segment id), notes carry comments and decisions."""
    store = _xliff12()(sourcelanguage="en", targetlanguage="ja")
    for r in export_rows(review, states, article):
        unit = store.addsourceunit(r["src"])
        unit.setid(str(r["id"]))
        if r["final"]:
            unit.settarget(r["final"])
        if r["comment"]:
            unit.addnote(r["comment"], origin="translator")
        if r["edit"] is not None:
            unit.addnote(f"edited by {r['edited_by'] or 'unknown'}; machine-checked translation was: {r['tgt']}",
                         origin="mtreview")
        if r["comment"] and r["commented_by"]:
            unit.addnote(f"comment by {r['commented_by']}", origin="mtreview")
        if r["reviewed"] and r["reviewed_by"]:
            unit.addnote(f"reviewed by {r['reviewed_by']}", origin="mtreview")
        for f in r["flags"]:
            sugg = f" suggestion: {f['suggestion']}" if f["suggestion"] else ""
            unit.addnote(f"{f['check']} ({f['severity']}, {_decision(f)}): "
                         f"「{f['text']}」 {f['message']}{sugg}", origin="mtreview")
        unit.markapproved(bool(r["reviewed"]))  # settarget() marks units approved by itself
    store.setfilename(store.getfilenode("NoName"), batch_article_id(review) or (article.name if article else "article"))
    return bytes(store)


JSONL = ExportFormat("jsonl", "jsonl", "application/jsonl", lambda *a: to_jsonl(*a).encode("utf-8"))
CSV = ExportFormat("csv", "csv", "text/csv", lambda *a: to_csv(*a).encode("utf-8"))
XLIFF = ExportFormat("xliff", "xlf", "application/xliff+xml", to_xliff)


def export(fmt: str, review: Review, states: Mapping[int, SegmentState], article: ArticleState | None = None
           ) -> bytes:
    """The export in ``fmt`` (an id of ``registry.EXPORT_FORMATS``) as bytes (UTF-8)."""
    return EXPORT_FORMATS.lookup(fmt).render(review, states, article)
