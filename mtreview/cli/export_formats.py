"""The reviewed-article renderers of ``registry.EXPORT_FORMATS`` beyond the UI's own (jsonl, csv, xliff in
``ui.export``): tmx, xlsx, html and mqm, each ``render(review, states, article) -> bytes`` with the
reviewers' saved edits, comments and flag decisions (``states``: segment id -> ``SegmentState``).

The review UI's download buttons and ``mtreview export`` (``cli.export``, which also passes its
``--config`` [mqm] and round-trips an original XLIFF/TMX file) write the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import MqmConfig
from ..io import html_report, workbook
from ..io.output import dumps
from ..records import Review
from ..score import mqm
from ..ui import export


def new_tmx(review: Review, states: Mapping[int, Any], article: Any = None) -> bytes:
    """A TMX 1.4 memory of the reviewed article: one <tu> per segment with the final translation."""
    from lxml import etree

    from .. import __version__

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="mtreview", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang="en", datatype="plaintext", **{"o-tmf": "mtreview"})
    body = etree.SubElement(root, "body")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for row in export.export_rows(review, states, article):
        tu = etree.SubElement(body, "tu", tuid=str(row["id"]))
        if row["comment"]:
            etree.SubElement(tu, "note").text = row["comment"]
        if row["reviewed"]:
            etree.SubElement(tu, "prop", type="x-mtreview-state").text = "signed-off"
        for credit in ("edited_by", "commented_by", "reviewed_by"):  # who did each action (the store's credits)
            if row.get(credit):
                etree.SubElement(tu, "prop", type=f"x-mtreview-{credit.replace('_', '-')}").text = row[credit]
        for code, text in (("en", row["src"]), ("ja", row["final"])):
            tuv = etree.SubElement(tu, "tuv", {lang: code})
            etree.SubElement(tuv, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _decide(states: Mapping[int, Any]) -> mqm.Decide | None:
    return mqm.store_decider(states) if states else None


def _sheets(review: Review, states: Mapping[int, Any], article: Any, config: MqmConfig
            ) -> dict[str, list[dict[str, Any]]]:
    rows = export.export_rows(review, states, article)
    seg_scores, total = mqm.review_scores(review.to_dict(), config, _decide(states))
    segments, flags = [], []
    for row, score in zip(rows, seg_scores, strict=True):
        for f in row["flags"]:
            flags.append({"id": row["id"], **{k: v for k, v in f.items() if k != "key"}})
        segments.append({**{k: v for k, v in row.items() if k != "flags"}, "flags": len(row["flags"]),
                         "mqm_penalty": score.penalty})
    summary = [{"key": f"mqm_{k}", "value": v if not isinstance(v, dict) else dumps(v)}
               for k, v in total.to_dict().items()]
    summary += [{"key": k, "value": dumps(v) if isinstance(v, dict) else v}
                for k, v in review.summary().items()]
    return {"segments": segments, "flags": flags, "summary": summary}


def to_xlsx(review: Review, states: Mapping[int, Any], article: Any = None, config: MqmConfig | None = None
            ) -> bytes:
    """Segments, flags and summary sheets; MQM with ``config`` (default: the review's recorded [mqm])."""
    return workbook.xlsx(_sheets(review, states, article, config or mqm.recorded_config(review.meta)))


def to_html(review: Review, states: Mapping[int, Any], article: Any = None, config: MqmConfig | None = None,
            name: str | None = None) -> bytes:
    """The self-contained HTML report, with the reviewers' edits and decisions."""
    edits = {k: s.edit for k, s in states.items() if s.edit is not None}
    comments = {k: s.comment for k, s in states.items() if s.comment}
    return html_report.article_html(review.to_dict(), name or _name(review, article),
                                    config or mqm.recorded_config(review.meta), _decide(states),
                                    edits, mqm.Credits(states), comments).encode("utf-8")


def to_mqm(review: Review, states: Mapping[int, Any], article: Any = None, config: MqmConfig | None = None,
           name: str | None = None) -> bytes:
    """The MQM Viewer / Marot TSV of the article (counted errors after the reviewers' decisions)."""
    return mqm.anthea_tsv([(name or _name(review, article), review.to_dict(), _decide(states), mqm.Credits(states))],
                          config or mqm.recorded_config(review.meta)).encode("utf-8")


def _name(review: Review, article: Any) -> str:
    """The article's name in a report or the MQM TSV's doc column: a batch article's id in its batch,
    as the batch's exports name it; else the stored article's name; else its source file's."""
    if batch_id := export.batch_article_id(review):
        return batch_id
    if article is not None:
        return str(article.name)
    return Path(str(review.meta.get("src", {}).get("path") or "article")).stem


# registry.EXPORT_FORMATS entries (the review UI's download buttons); `mtreview export` renders the same
# with its --config [mqm] and, for xliff/tmx, round-trips the original CAT file when there is one
TMX = export.ExportFormat("tmx", "tmx", "application/x-tmx+xml", new_tmx)
XLSX = export.ExportFormat("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           to_xlsx)
HTML = export.ExportFormat("html", "html", "text/html", to_html)
MQM = export.ExportFormat("mqm", "tsv", "text/tab-separated-values", to_mqm)
