"""Streamlit view of a batch folder: headline counts, charts, worst articles and segments; with the
app's review database, the flags after review (the reviewers' decisions) beside those found.

``render(batch_dir, store)`` is called by ``app.py`` (``?view=dashboard&batch=DIR``); every number and
chart comes from ``mtreview.ui.dashboard``, this module only lays them out. Each worst article links
to ``?view=review&batch=DIR&article=ID`` (each worst segment adds ``&seg=N``), which the review view opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from mtreview.errors import MtreviewError
from mtreview.ui import dashboard
from mtreview.ui.render import md_escape
from mtreview.ui.sources import allowed


@st.cache_data(show_spinner="Loading batch…", max_entries=4)
def _load(path: str, stamp: float) -> dashboard.BatchData:
    del stamp  # part of the cache key only: reload when the batch is rebuilt
    return dashboard.load_batch(path)


def _stamp(path: str) -> float:
    """Modification time of the batch summary, so a rerun of the batch refreshes the view."""
    for name in ("summary.json", "articles.parquet", "articles.csv"):
        p = Path(path).expanduser() / name
        if p.is_file():
            return p.stat().st_mtime
    return 0.0


def _pick_dir(batch_dir: str | None) -> str:
    default = batch_dir or st.query_params.get("batch", "")
    return st.text_input("Batch folder", value=default, key="dashboard_batch_dir",
                         help="The --out folder of `mtreview batch INPUT --out DIR`").strip()


def _headline(data: dashboard.BatchData) -> None:
    arts = data.summary.get("articles", {})
    sev = data.summary.get("flags_by_severity", {})
    cols = st.columns(6)
    cols[0].metric("Articles reviewed", arts.get("reviewed", len(data.articles)))
    cols[1].metric("Failed", arts.get("failed", len(data.errors)))
    cols[2].metric("Segments", data.summary.get("segments", len(data.segments)))
    cols[3].metric("Flagged segments", data.summary.get("flagged_segments", 0))
    cols[4].metric("Critical flags", sev.get("critical", 0))
    cols[5].metric("Major flags", sev.get("major", 0))


def _trends(data: dashboard.BatchData) -> None:
    dims = data.dimensions()
    if not dims:
        st.caption("No date, desk or translator metadata in this batch: no trends to show.")
        return
    left, right = st.columns(2)
    by = left.selectbox("Trend by", dims, key="dashboard_trend_by")
    metrics = dashboard.trend_metrics(data, by)
    metric = right.selectbox("Metric", metrics, format_func=dashboard.TREND_METRICS.get,
                             key="dashboard_trend_metric")
    if metric:
        st.altair_chart(dashboard.trend_chart(data, by, metric), width="stretch")


def _after_review(data: dashboard.BatchData, store: Any) -> None:
    """The flags after review (the decisions in the app's review database), beside those found. Read
    only while its expander is open (opening it reruns the page): it reads the database and the
    records of the decided articles."""
    box = st.expander("Flags after review (the reviewers' decisions in the review database)",
                      key="dashboard_after_review", on_change="rerun")
    if not box.open:
        return
    with box:
        try:
            decided = dashboard.decisions(data, store)
        except MtreviewError as exc:
            st.error(md_escape(str(exc)))
            return
        if not decided:
            st.caption("No decisions saved on this batch's articles yet (open them from the worst tables, "
                       "or Open work → Batch result, and accept or reject their flags).")
            return
        n = len({r["article_id"] for r in decided})
        st.caption(f"Decisions on {n} of {len(data.articles)} articles. after_review = found − rejected "
                   "(false positives); accepted, fixed and undecided flags still count.")
        st.dataframe(dashboard.review_outcomes(data, decided), hide_index=True)


def render(batch_dir: str | None = None, store: Any = None) -> None:
    """Show the dashboard of the batch folder ``batch_dir`` (or the one the user types); with the
    app's review database (``store``), also the flags after review."""
    st.title("Batch QA dashboard")
    path = _pick_dir(batch_dir)
    if not path:
        st.info("Enter the output folder of `mtreview batch INPUT --out DIR`.")
        return
    try:
        path = str(allowed(path))  # only under the app's --batch-root folders
        data = _load(path, _stamp(path))
    except MtreviewError as exc:
        st.error(md_escape(str(exc)))
        return
    _headline(data)
    if store is not None:
        _after_review(data, store)
    left, right = st.columns(2)
    left.altair_chart(dashboard.quality_chart(data), width="stretch")
    if data.flags.empty:
        right.success("No flags in this batch.")
    else:
        right.altair_chart(dashboard.flags_chart(data), width="stretch")
    _trends(data)

    st.subheader("Worst articles")
    worst = dashboard.worst_articles(data)
    if worst.empty:
        st.caption("No flagged articles.")
    else:
        st.html(table_html(_with_links(worst, data)))
    st.subheader("Worst segments")
    segs = dashboard.worst_segments(data)
    if not segs.empty:
        st.html(table_html(_with_links(segs, data)))
    if not data.errors.empty:
        with st.expander(f"{len(data.errors)} article(s) failed"):
            st.dataframe(data.errors, hide_index=True, width="stretch")


def _with_links(table, data: dashboard.BatchData):
    """The table with its review links first (not naming the reviewer) and no all-empty column."""
    segs = table["segment_id"] if "segment_id" in table else [None] * len(table)  # a segment row opens there
    linked = table.assign(review=[dashboard.review_link(data.path, a, i)
                                  for a, i in zip(table["article_id"], segs, strict=True)])
    return dashboard.link_first(linked)


def table_html(table) -> str:
    """A DataFrame as an escaped HTML table; the ``review`` column as a one-click link to a new tab."""
    from html import escape

    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = []
    for rec in table.itertuples(index=False):
        cells = []
        for col, value in zip(table.columns, rec, strict=True):
            if col == "review":
                cells.append(f'<td><a href="{escape(str(value))}" target="_blank" rel="noopener">open</a></td>')
            else:
                shown = "" if value is None or value != value else (f"{value:.2f}" if isinstance(value, float)
                                                                    else str(value))
                cells.append(f"<td>{escape(shown)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<div style="overflow-x:auto"><table class="mtr-dash" style="border-collapse:collapse;font-size:0.85rem">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            "<style>.mtr-dash th,.mtr-dash td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;"
            "vertical-align:top}.mtr-dash th{background:#f4f4f6}</style>")
