"""Reviewers' accept/reject decisions on a batch's flags, from the review database into the batch tables.

Articles opened from a batch in the review UI are stored with source ``batch:<folder>`` and the
batch article id as their name; their saved flag decisions are matched to the flags of the
article's review record by suppression key. ``decision_rows`` gives one row per decided flag
(who decided it and when, not who saved the segment last; which article/desk/translator);
``write_decisions`` stores them as ``decisions.parquet`` / ``decisions.csv`` beside the other tables;
``edit_rows`` lists the segments reviewers saved (edits, comments, reviewed marks); ``rescore``
recomputes the articles' MQM columns with the decisions applied (rejected flags no longer count), so pass
rates per desk and translator reflect the review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..checks import suppression_key
from ..config import MqmConfig
from ..errors import MtreviewError
from ..io.output import BatchFolder, read_review, write_atomic
from ..records import SCHEMA_VERSION, flag_from_dict
from ..score import mqm

TABLE = "decisions"  # DIR/decisions.{parquet,csv}, beside the batch's own tables

COLUMNS = ("article_id", "date", "desk", "translator", "segment_id", "check", "category", "severity", "side",
           "start", "end", "text", "decision", "reviewer", "decided_at", "flag_key")


def store_states(folder: Path, url: str) -> dict[str, dict[int, Any]]:
    """Batch article id -> its saved SegmentStates, for the articles opened from ``folder`` (of an
    article stored in several versions, the current one: see :func:`_current`)."""
    from ..ui.store import Store

    store = Store(url)
    try:
        return states_in(store, folder)
    finally:
        store.close()


def states_in(store: Any, folder: Path) -> dict[str, dict[int, Any]]:
    """:func:`store_states` from an open ``ui.store.Store`` (the review app's own)."""
    return {name: store.segment_states(art.id) for name, art in stored_in(store, folder).items()}


def stored_in(store: Any, folder: Path) -> dict[str, Any]:
    """Batch article id -> its ``ArticleState`` in ``store`` (the current version), for the articles
    opened from ``folder`` in the review view."""
    here = folder.expanduser().resolve()
    versions: dict[str, list[Any]] = {}
    for art in store.articles():
        if art.source.startswith("batch:") and Path(art.source[6:]).expanduser().resolve() == here:
            versions.setdefault(art.name, []).append(art)
    return {name: _current(folder, arts) for name, arts in sorted(versions.items())}


def _current(folder: Path, arts: Sequence[Any]) -> Any:
    """Of the stored versions of one batch article (its texts changed and the batch was rerun), the
    one the review view opens now: the texts of its current review record; else the newest."""
    if len(arts) > 1:
        try:
            segments = _record(folder, arts[0].name)["segments"]
        except MtreviewError:
            segments = None
        if segments is not None:
            texts = ("\n".join(s["src"] for s in segments), "\n".join(s["tgt"] for s in segments))
            for art in arts:
                if (art.src_text, art.tgt_text) == texts:
                    return art
    return max(arts, key=lambda a: (a.updated_at, a.id))


def _record(folder: Path, article_id: str) -> dict[str, Any]:
    """The article's review record as a plain dict (``Review.to_dict()``)."""
    from .runner import review_file

    return read_review(review_file(folder, article_id)).to_dict()


def decision_rows(folder: Path, articles: Sequence[Mapping[str, Any]],
                  states: Mapping[str, Mapping[int, Any]]) -> list[dict[str, Any]]:
    """One row per flag a reviewer accepted or rejected, or fixed by a saved edit that removed its words
    (``decision`` ``fixed``, credited to the edit's author), in article and segment order."""
    rows = []
    for art in articles:
        aid = art["article_id"]
        if aid not in states:
            continue
        record = _record(folder, aid)
        for seg in record["segments"]:
            st = states[aid].get(int(seg["id"]))
            if st is None:
                continue
            for f in seg["flags"]:
                key = suppression_key(flag_from_dict(f), seg["src"] if f["side"] == "src" else seg["tgt"])
                decision = st.outcome(key, f["side"], f["text"])  # "fixed": the saved edit removed its words
                if decision is None:
                    continue
                rows.append({"article_id": aid, "date": art.get("date"), "desk": art.get("desk"),
                             "translator": art.get("translator"), "segment_id": int(seg["id"]),
                             **{k: f[k] for k in ("check", "category", "severity", "side", "start", "end", "text")},
                             "decision": decision,
                             "reviewer": st.outcome_by(key, f["side"], f["text"]) or st.updated_by or None,
                             "decided_at": _iso(st.decided_at(key) or st.updated_at), "flag_key": key})
    return rows


def silenced_rows(folder: Path, articles: Sequence[Mapping[str, Any]], store: Any) -> list[dict[str, Any]]:
    """One row (as :func:`decision_rows`', decision ``reject``) per flag of the batch's articles that a
    rejection made in another article silences (scope ``project`` or ``global``): the flags the review
    view hides in that article (``Store.suppressions``, by suppression key), opened or not yet."""
    stored = stored_in(store, folder)
    unopened = store.suppressions(project=f"batch:{folder.expanduser().resolve()}")  # as the review view opens it
    rows = []
    for art in articles:
        aid = art["article_id"]
        by_key: dict[str, Any] = {}
        for sup in store.suppressions(stored[aid].id) if aid in stored else unopened:
            by_key.setdefault(sup.key, sup)  # the first rejection of a key silences it
        if not any(art.get(f"check_{sup.check}", 1) for sup in by_key.values()):
            continue  # no flag of the rejected checks here (the articles table counts them): no record to read
        for seg in _record(folder, aid)["segments"]:
            for f in seg["flags"]:
                key = suppression_key(flag_from_dict(f), seg["src"] if f["side"] == "src" else seg["tgt"])
                if (sup := by_key.get(key)) is not None:
                    rows.append({"article_id": aid, "date": art.get("date"), "desk": art.get("desk"),
                                 "translator": art.get("translator"), "segment_id": int(seg["id"]),
                                 **{k: f[k] for k in ("check", "category", "severity", "side", "start", "end",
                                                      "text")},
                                 "decision": "reject", "reviewer": sup.reviewer, "decided_at": _iso(sup.created_at),
                                 "flag_key": key})
    return rows


def _iso(when: Any) -> str | None:
    return when.isoformat() if when else None


def edit_rows(folder: Path, articles: Sequence[Mapping[str, Any]], states: Mapping[str, Mapping[int, Any]]
              ) -> list[dict[str, Any]]:
    """One row per segment of the batch's articles that a reviewer saved: its texts, edit, final
    translation, comment, reviewed mark and who did each (the workbook's ``edits`` sheet)."""
    from ..ui.export import export_rows
    from .runner import review_file

    rows = []
    for art in articles:
        saved = states.get(art["article_id"])
        if not saved:
            continue
        review = read_review(review_file(folder, art["article_id"]))
        rows += [{"article_id": art["article_id"], **{k: v for k, v in r.items() if k not in ("article_id", "flags")}}
                 for r in export_rows(review, saved) if r["id"] in saved]
    return rows


def write_decisions(folder: Path, rows: Sequence[Mapping[str, Any]]) -> list[Path]:
    """``decisions.parquet`` and ``decisions.csv`` in ``folder`` (atomic writes); returns their paths."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    from .table_files import SEVERITIES

    s, i = pa.string(), pa.int64()
    types = {"date": pa.date32(), "segment_id": i, "start": i, "end": i}
    schema = pa.schema([(c, types.get(c, s)) for c in COLUMNS],
                       metadata={"mtreview.schema_version": SCHEMA_VERSION})
    table = pa.Table.from_pylist(list(rows), schema=schema)
    codes = pa.array([SEVERITIES.index(v) for v in table["severity"].to_pylist()], type=pa.int8())
    sev = pa.DictionaryArray.from_arrays(codes, pa.array(SEVERITIES), ordered=True)
    typed = table.set_column(COLUMNS.index("severity"), pa.field("severity", sev.type), sev)
    paths = [BatchFolder(folder).table_path(TABLE, fmt) for fmt in ("parquet", "csv")]
    import io

    buf = pa.BufferOutputStream()
    pq.write_table(typed, buf, compression="zstd")
    write_atomic(paths[0], buf.getvalue().to_pybytes())
    out = io.BytesIO()
    pcsv.write_csv(table.replace_schema_metadata(None), out)
    write_atomic(paths[1], out.getvalue())
    return paths


def rescore(folder: Path, articles: Sequence[Mapping[str, Any]], states: Mapping[str, Mapping[int, Any]],
            config: MqmConfig) -> list[dict[str, Any]]:
    """The articles rows with their MQM columns recomputed with the reviewers' decisions."""
    out = []
    for art in articles:
        aid = art["article_id"]
        if aid not in states:
            out.append(dict(art))
            continue
        _, score = mqm.review_scores(_record(folder, aid), config, mqm.store_decider(states[aid]))
        out.append({**art, "mqm_penalty": score.penalty, "mqm_words": score.words, "mqm_score": score.score,
                    "mqm_pass": score.passed})
    return out
