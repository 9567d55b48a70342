"""QA dashboard data: a batch output folder -> DataFrames -> Altair charts (no Streamlit here).

``load_batch(DIR)`` reads the tables ``mtreview batch`` wrote (through their one reader,
``batch.table_files.read_table``: Parquet, or CSV when Parquet is missing), ``summary.json`` and
``errors.jsonl``. The chart functions take those DataFrames and
return Altair charts; the Streamlit view (``mtreview/ui/dashboard_view.py``) only lays them out.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..errors import InputError
from ..io.output import BatchFolder

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

log = logging.getLogger(__name__)

TABLES = BatchFolder.TABLES
META_DIMENSIONS = ("date", "desk", "translator")
SEVERITY_ORDER = ("minor", "major", "critical")
SEVERITY_COLORS = ("#f2c14e", "#f78154", "#b0263f")
TREND_METRICS = {
    "flags_per_article": "flags per article",
    "major_or_worse_per_article": "major or critical flags per article",
    "mean_quality": "mean quality",
    "mean_align_score": "mean alignment score",
    "mqm_pass_rate": "MQM pass rate (share of articles passing)",
    "mean_mqm_score": "mean MQM score (penalty per 1,000 source words)",
}


@dataclass(frozen=True)
class BatchData:
    """Everything the dashboard shows about one batch folder."""

    path: Path
    articles: pd.DataFrame
    segments: pd.DataFrame
    flags: pd.DataFrame
    errors: pd.DataFrame
    summary: dict[str, Any]

    def dimensions(self) -> list[str]:
        """The metadata columns that have at least one value (date, desk, translator)."""
        return [d for d in META_DIMENSIONS if d in self.articles and self.articles[d].notna().any()]

    def quality_field(self) -> str:
        """``quality`` when the batch has quality scores, else the alignment score."""
        if "quality" in self.segments and self.segments["quality"].notna().any():
            return "quality"
        return "align_score"


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    """One table as a DataFrame (``table_files.read_table``: ids stay text); severities are ordered
    categories from CSV as from Parquet; a folder without a flags table has no flags."""
    import pandas as pd

    from ..batch.table_files import read_table

    table = read_table(folder, name, required=name != "flags")
    if table is None:
        return pd.DataFrame(columns=["article_id", "segment_id", "check", "category", "severity"])
    frame = table.to_pandas()
    for col in ("severity", "worst_severity"):  # categorical in Parquet: the same from CSV
        if col in frame and not isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = pd.Categorical(frame[col], categories=SEVERITY_ORDER, ordered=True)
    return frame


def load_batch(path: str | Path) -> BatchData:
    """Load a folder written by ``mtreview batch``."""
    import pandas as pd

    from ..batch.table_files import read_summary

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    tables = {name: _read_table(folder, name) for name in TABLES}
    summary: dict[str, Any] = {}
    layout = BatchFolder(folder)
    if layout.summary.is_file():
        summary = read_summary(folder)
    errors = []
    if layout.errors.is_file():
        lines = layout.errors.read_text(encoding="utf-8", errors="replace").splitlines()
        for n, line in enumerate(lines, 1):
            try:
                errors += [json.loads(line)] if line.strip() else []
            except ValueError:
                raise InputError(f"{layout.errors}:{n}: damaged (not a JSON object); rerun the same "
                                 "`mtreview batch` command to rebuild it") from None
    articles = tables["articles"]
    if "date" in articles:
        # Parquet holds dates (date32), CSV text: one datetime64[ns] column either way
        articles = articles.assign(date=pd.to_datetime(articles["date"], errors="coerce").astype("datetime64[ns]"))
    return BatchData(folder, articles, tables["segments"], tables["flags"],
                     pd.DataFrame(errors, columns=["id", "error", "reason", "src_path", "tgt_path"]), summary)


def review_link(batch_dir: str | Path, article_id: str, segment: int | None = None) -> str:
    """The query string that opens one article of a batch in the review view (the app's contract),
    at ``segment`` when given. It never names the reviewer: a link is passed on to colleagues, and
    the review view knows its own reviewer from this browser (``review_view.remembered_reviewer``)."""
    query = {"view": "review", "batch": str(batch_dir), "article": article_id}
    if segment is not None:
        query["seg"] = str(int(segment))
    return "?" + urlencode(query)


def link_first(table: pd.DataFrame, column: str = "review") -> pd.DataFrame:
    """``table`` with its link column first and the columns empty in every row dropped."""
    if table.empty:
        return table
    empty = [c for c in table.columns if c != column and (
        table[c].isna().all() or table[c].astype(str).str.strip().eq("").all())]
    keep = [c for c in table.columns if c not in empty and c != column]
    return table[([column] if column in table else []) + keep]


# --- charts ----------------------------------------------------------------------------------------

def histogram(data: BatchData, field: str | None = None, bins: int = 30) -> pd.DataFrame:
    """Segments per bin of ``field`` (default: quality, else alignment score), binned here so that
    the chart carries 30 rows whatever the size of the batch."""
    import numpy as np
    import pandas as pd

    field = field or data.quality_field()
    values = data.segments[field].dropna().to_numpy(dtype=float) if field in data.segments else np.zeros(0)
    if not len(values):
        return pd.DataFrame({"start": [], "end": [], "segments": []})
    counts, edges = np.histogram(values, bins=bins)
    return pd.DataFrame({"start": edges[:-1].round(4), "end": edges[1:].round(4), "segments": counts})


def quality_chart(data: BatchData, field: str | None = None) -> alt.Chart:
    """Histogram of the per-segment quality (or alignment score when there is no quality)."""
    import altair as alt

    field = field or data.quality_field()
    label = field.replace("_", " ")
    title = "Segment quality" if field == "quality" else f"Segment {label}"
    return (
        alt.Chart(histogram(data, field), title=title)
        .mark_bar()
        .encode(
            x=alt.X("start:Q", bin="binned", title=label),
            x2="end:Q",
            y=alt.Y("segments:Q", title="segments"),
            tooltip=[alt.Tooltip("start:Q", title="from"), alt.Tooltip("end:Q", title="to"), "segments:Q"],
        )
    )


def flag_counts(data: BatchData) -> pd.DataFrame:
    """Flags per check and severity (one row per pair that occurs)."""
    flags = data.flags
    if flags.empty:
        import pandas as pd

        return pd.DataFrame({"check": [], "severity": [], "flags": []})
    return flags.groupby(["check", "severity"], sort=True, observed=True).size().reset_index(name="flags")


def flags_chart(data: BatchData) -> alt.Chart:
    """Stacked bars: number of flags per check, coloured by severity."""
    import altair as alt

    return (
        alt.Chart(flag_counts(data), title="Flags by check and severity")
        .mark_bar()
        .encode(
            x=alt.X("flags:Q", title="flags", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("check:N", sort="-x", title=None),
            color=alt.Color("severity:N", scale=alt.Scale(domain=list(SEVERITY_ORDER),
                                                          range=list(SEVERITY_COLORS)), title="severity"),
            order=alt.Order("severity_rank:Q"),
            tooltip=["check:N", "severity:N", "flags:Q"],
        )
        .transform_calculate(severity_rank="indexof(['minor', 'major', 'critical'], datum.severity)")
    )


WEEKLY_AFTER_DAYS = 45  # a date trend longer than this is drawn per week (Mondays), else per day


def trend_table(data: BatchData, by: str) -> pd.DataFrame:
    """Per date (day, or week when the batch spans more than 45 days), desk or translator:
    the number of articles and the trend metrics."""
    import pandas as pd

    arts = data.articles.dropna(subset=[by])
    if by == "date":
        dates = arts["date"].dt.normalize()
        if len(dates) and (dates.max() - dates.min()).days > WEEKLY_AFTER_DAYS:
            dates = dates - pd.to_timedelta(dates.dt.weekday, unit="D")
        arts = arts.assign(date=dates.dt.strftime("%Y-%m-%d"))
    arts = arts.assign(major_or_worse=arts["flags_major"] + arts["flags_critical"])
    for col in ("mqm_pass", "mqm_score"):  # batch folders written before MQM have neither
        if col not in arts:
            arts = arts.assign(**{col: float("nan")})
    arts = arts.assign(mqm_pass=arts["mqm_pass"].astype(float))
    grouped = arts.groupby(by, sort=True)
    table = grouped.agg(articles=("article_id", "size"), flags_per_article=("flags_total", "mean"),
                        major_or_worse_per_article=("major_or_worse", "mean"),
                        mean_quality=("mean_quality", "mean"), mean_align_score=("mean_align_score", "mean"),
                        mqm_pass_rate=("mqm_pass", "mean"), mean_mqm_score=("mqm_score", "mean"))
    return table.reset_index().round(4)


def trend_metrics(data: BatchData, by: str) -> list[str]:
    """The trend metrics that have values for this batch (no quality column before quality scores exist)."""
    table = trend_table(data, by)
    return [m for m in TREND_METRICS if table[m].notna().any()]


def trend_chart(data: BatchData, by: str, metric: str = "flags_per_article") -> alt.Chart:
    """A metric over time (line, by date) or per desk / translator (bars)."""
    import altair as alt
    import pandas as pd

    if by not in META_DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r} (expected one of: {', '.join(META_DIMENSIONS)})")
    if metric not in TREND_METRICS:
        raise ValueError(f"unknown metric {metric!r} (expected one of: {', '.join(TREND_METRICS)})")
    table = trend_table(data, by)
    label = TREND_METRICS[metric]
    if by == "date" and len(table) > 1:
        step = pd.to_datetime(table["date"]).diff().min().days
        label += " (per week)" if step >= 7 else ""
    tooltip = [f"{by}:{'T' if by == 'date' else 'N'}", alt.Tooltip(f"{metric}:Q", title=label), "articles:Q"]
    chart = alt.Chart(table, title=f"{label.capitalize()} by {by}")
    if by == "date":
        return chart.mark_line(point=True).encode(
            x=alt.X("date:T", title="date"), y=alt.Y(f"{metric}:Q", title=label), tooltip=tooltip)
    return chart.mark_bar().encode(
        x=alt.X(f"{metric}:Q", title=label), y=alt.Y(f"{by}:N", sort="-x", title=by), tooltip=tooltip)


# --- tables ----------------------------------------------------------------------------------------

def worst_articles(data: BatchData, n: int = 20) -> pd.DataFrame:
    """The n articles with the worst flags (severity, then counts, then lowest quality), with review links."""
    arts = data.articles
    if arts.empty:
        return arts.assign(review=[])
    ranked = arts.assign(_q=arts["mean_quality"].fillna(float("inf"))).sort_values(
        ["worst_rank", "flags_critical", "flags_major", "flags_minor", "_q", "article_id"],
        ascending=[False, False, False, False, True, True], kind="mergesort")
    ranked = ranked[ranked["flags_total"] > 0].head(n)
    cols = ["article_id", "worst_severity", "flags_critical", "flags_major", "flags_minor", "mean_quality",
            "mean_align_score", *(d for d in META_DIMENSIONS if d in ranked)]
    out = ranked[cols].reset_index(drop=True)
    if "date" in out:
        out = out.assign(date=out["date"].dt.strftime("%Y-%m-%d"))
    if out["mean_quality"].isna().all():
        out = out.drop(columns="mean_quality")
    return out.assign(review=[review_link(data.path, a) for a in out["article_id"]])


def worst_segments(data: BatchData, n: int = 20) -> pd.DataFrame:
    """The n segments with the worst flags, then the lowest quality (or alignment score)."""
    import pandas as pd

    segs = data.segments
    field = data.quality_field()
    if segs.empty:
        return segs
    flagged = segs[segs["flags_total"] > 0]
    ranked = flagged.assign(_q=flagged[field].fillna(float("inf"))).sort_values(
        ["worst_rank", "flags_critical", "flags_major", "flags_total", "_q", "article_id", "segment_id"],
        ascending=[False, False, False, False, True, True, True], kind="mergesort").head(n)
    if len(ranked) < n:  # then the unflagged segments with the lowest scores (ties in table order)
        rest = segs[segs["flags_total"] == 0].nsmallest(n - len(ranked), field, keep="first")
        ranked = pd.concat([ranked, rest])
    cols = ["article_id", "segment_id", "worst_severity", "flags_total", field, "kind", "src", "tgt"]
    out = ranked[cols].reset_index(drop=True)
    return out.assign(review=[review_link(data.path, a, segment=i) for a, i in zip(out["article_id"],
                                                                                  out["segment_id"], strict=True)])


# --- after review ----------------------------------------------------------------------------------

REVIEW_OUTCOMES = {"accept": "accepted", "fixed": "fixed", "reject": "rejected"}


def decisions(data: BatchData, store: Any) -> list[dict[str, Any]]:
    """The reviewers' decisions on this batch's flags saved in ``store`` (a ``ui.store.Store``): one
    row per decided flag (``batch.decisions.decision_rows``: accept, reject, or fixed by a saved
    edit), from the articles opened from this folder in the review view; and a reject for each flag
    that a rejection of scope "this project" or "every article" made elsewhere silences, wherever it
    applies, as the review view hides it (``batch.decisions.silenced_rows``; it replaces the flag's
    own decision there, which the review view no longer shows)."""
    from ..batch import decisions as batch_decisions

    articles = data.articles.to_dict("records")
    states = batch_decisions.states_in(store, data.path)
    own = batch_decisions.decision_rows(data.path, articles, states) if states else []
    silenced = batch_decisions.silenced_rows(data.path, articles, store)
    hidden = {(r["article_id"], r["segment_id"], r["flag_key"]) for r in silenced}
    return [r for r in own if (r["article_id"], r["segment_id"], r["flag_key"]) not in hidden] + silenced


def review_outcomes(data: BatchData, decided: list[dict[str, Any]]) -> pd.DataFrame:
    """Per severity and in all: the flags the checks found, what reviewers made of them (accepted,
    fixed by an edit, rejected as false positives, undecided) and the flags left after review
    (found less rejected: accepted, fixed and undecided ones still count, as MQM counts them)."""
    import pandas as pd

    found = data.flags["severity"].astype(str).value_counts() if not data.flags.empty else pd.Series(dtype=int)
    made = pd.DataFrame(decided, columns=["severity", "decision"])
    rows = []
    for sev in (*SEVERITY_ORDER, "all"):
        mine = made if sev == "all" else made[made["severity"] == sev]
        row = {"severity": sev, "found": int(found.sum() if sev == "all" else found.get(sev, 0))}
        for decision, column in REVIEW_OUTCOMES.items():
            row[column] = int((mine["decision"] == decision).sum())
        row["undecided"] = row["found"] - sum(row[c] for c in REVIEW_OUTCOMES.values())
        row["after_review"] = row["found"] - row["rejected"]
        rows.append(row)
    return pd.DataFrame(rows, columns=["severity", "found", *REVIEW_OUTCOMES.values(), "undecided", "after_review"])
