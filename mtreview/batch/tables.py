"""Batch tables and summary, rebuilt from the per-article result files alone.

Two streaming passes over ``DIR/articles/`` in article-id order: the first collects the column
set (score names, check ids), the second writes the per-article, per-segment and per-flag tables
(Parquet and CSV, through ``table_files.TableWriter``) in fixed-size chunks. Memory stays flat in
the number of articles and the bytes written depend only on the per-article files, never on
timing or worker count. The per-article files are read as ``Review`` records
(``output.read_review``); file names come from ``output.BatchFolder``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import MqmConfig
from ..io.output import BatchFolder, dumps, json_file, jsonl, read_review, write_atomic
from ..records import SCHEMA_VERSION, Flag, Review
from ..score import mqm
from .pairs import META_FIELDS, Pair, Problem
from .table_files import SEVERITIES, TableWriter, table_schema

log = logging.getLogger(__name__)

CHUNK = 256  # articles per written chunk (fixed, so that outputs are byte-identical run to run)
WORST_N = 20
TABLES = BatchFolder.TABLES
QUANTILES = (("min", 0.0), ("p10", 0.1), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9),
             ("max", 1.0))


STALE = "StaleResult"


def _review_files(out: Path, pairs: Sequence[Pair], stamps: Mapping[str, dict[str, str]] | None
                  ) -> Iterator[tuple[Pair, Review | None, Path]]:
    """Each article's review (or None and its error file). With ``stamps``, a review whose input and
    config hashes are not this run's is not taken: another run wrote it."""
    folder = BatchFolder(out)
    for pair in pairs:
        review_path = folder.review_path(pair.key)
        if review_path.is_file():
            review = read_review(review_path)
            if stamps is None or review.meta.get("batch") == stamps.get(pair.id):
                yield pair, review, review_path
                continue
        yield pair, None, folder.error_path(pair.key)


def _error_record(pair: Pair, path: Path, stamps: Mapping[str, dict[str, str]] | None) -> dict[str, Any]:
    """The errors.jsonl entry of an article with no review of this run."""
    err = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    if err is not None and (stamps is None or err.get("batch") == stamps.get(pair.id)):
        return {k: v for k, v in err.items() if k != "batch"}
    log.warning("article %s has no result file of this run", pair.id)
    return {"id": pair.id, "error": STALE, "src_path": pair.src.path, "tgt_path": pair.tgt.path,
            "reason": "no result of this run: the file there has another input or config hash "
                      "(another run wrote it); rerun to review it"}


def _flag_counts(flags: Sequence[Flag], checks: Sequence[str]) -> dict[str, Any]:
    by_sev = dict.fromkeys(SEVERITIES, 0)
    by_check = dict.fromkeys(checks, 0)
    for f in flags:
        by_sev[f.severity.label] += 1
        by_check[f.check] = by_check.get(f.check, 0) + 1
    worst = max((f.severity for f in flags), default=None)
    return {"flags_total": len(flags), **{f"flags_{s}": n for s, n in by_sev.items()},
            **{f"check_{c}": n for c, n in by_check.items()},
            "worst_severity": worst.label if worst else None, "worst_rank": int(worst or 0)}


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def _date(value: Any, article: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD, also with / or . between, and 2024/1/5) as a date; anything else is
    None (logged; the text stays in the article's review record, meta.article.date)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        if ymd := _YMD.match(text):  # also 2024/1/21: how Excel on a Japanese Windows writes a date
            return dt.date(int(ymd[1]), int(ymd[2]), int(ymd[3]))
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        if _YMD.match(text):  # the right shape, but no such day
            log.warning("article %s: date %r is not a real date (%s); left empty in the tables", article, value, exc)
        else:
            log.warning("article %s: date %r is not YYYY-MM-DD; left empty in the tables", article, value)
        return None


def _rows(pair: Pair, review: Review, scores: Sequence[str], checks: Sequence[str]
          ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], mqm.MqmScore]:
    """One article's row, its segment rows, its flag rows and its MQM (with the counted errors)."""
    meta = {k: pair.meta.get(k) for k in META_FIELDS}
    meta["date"] = _date(meta.get("date"), pair.id)
    segs, flags = [], []
    seg_mqm, art_mqm = mqm.review_scores(review.to_dict(), mqm.recorded_config(review.meta))
    for s, sm in zip(review.segments, seg_mqm, strict=True):
        row = {"article_id": pair.id, **meta, "segment_id": s.id, "kind": s.kind,
               "src_ids": list(s.src_ids), "tgt_ids": list(s.tgt_ids),
               "src": s.src, "tgt": s.tgt, "align_score": s.score, "quality": s.quality,
               **{f"score_{k}": s.scores.get(k) for k in scores},
               **_flag_counts(s.flags, checks), "mqm_penalty": sm.penalty}
        segs.append(row)
        flags.extend({"article_id": pair.id, "segment_id": s.id, **f.to_dict()} for f in s.flags)
    qualities = [r["quality"] for r in segs if r["quality"] is not None]
    stamp = review.meta.get("batch", {})
    article = {
        "article_id": pair.id, **meta, "src_path": pair.src.path, "tgt_path": pair.tgt.path,
        "segments": len(segs), "flagged_segments": sum(1 for r in segs if r["flags_total"]),
        "src_sentences": review.meta.get("src", {}).get("sentences"),
        "tgt_sentences": review.meta.get("tgt", {}).get("sentences"),
        "unaligned_src": sum(1 for s in review.segments if not s.tgt_ids),
        "unaligned_tgt": sum(1 for s in review.segments if not s.src_ids),
        "mean_quality": _mean(qualities), "min_quality": min(qualities) if qualities else None,
        "mean_align_score": _mean([r["align_score"] for r in segs if r["align_score"] is not None]),
        **{f"mean_score_{k}": _mean([r[f"score_{k}"] for r in segs if r[f"score_{k}"] is not None])
           for k in scores},
        **_flag_counts([f for s in review.segments for f in s.flags], checks),
        "mqm_penalty": art_mqm.penalty, "mqm_words": art_mqm.words, "mqm_score": art_mqm.score,
        "mqm_pass": art_mqm.passed,
        "config_hash": stamp.get("config_hash"),
        "input_hash": stamp.get("input_hash"),
    }
    return article, segs, flags, art_mqm


_FLAG_FIELDS = ("check", "category", "severity", "side", "start", "end", "text", "message", "suggestion")


def stable_columns(seen_scores: set[str], seen_checks: set[str]) -> tuple[list[str], list[str]]:
    """Score and check column names: every score and check this version of mtreview can produce
    (so the tables have the same columns whatever the configuration), plus any other seen."""
    from ..models.lm import SIGNALS
    from ..registry import CHECKS, METRICS

    scores = {"cosine", "mt_logprob", *SIGNALS, *(f"{m}_{s}" for m in METRICS for s in ("ref", "mt", "bt"))}
    return sorted(scores | seen_scores), sorted(set(CHECKS) | seen_checks)


def _metadata(provenance: dict[str, set[str]]) -> dict[str, str]:
    """Parquet key-value metadata: which mtreview, configuration(s) and models made the tables."""
    from .. import __version__

    return {"mtreview.writer_version": __version__, "mtreview.schema_version": SCHEMA_VERSION,
            "mtreview.reviewed_with": dumps(sorted(provenance["mtreview"])),
            "mtreview.config_hashes": dumps(sorted(provenance["config_hash"])),
            "mtreview.models": dumps([json.loads(m) for m in sorted(provenance["models"])])}


def _quantiles(values: Sequence[float]) -> dict[str, Any]:
    import numpy as np

    if not values:
        return {"count": 0}
    arr = np.asarray(values, dtype=np.float64)
    return {"count": len(values), "mean": round(float(arr.mean()), 4),
            **{name: round(float(np.quantile(arr, q)), 4) for name, q in QUANTILES}}


def _worst_key(row: dict[str, Any]) -> tuple:
    q = row["mean_quality"]
    return (-row["worst_rank"], -row["flags_critical"], -row["flags_major"], -row["flags_minor"],
            q if q is not None else float("inf"), row["article_id"])


def write_outputs(out: Path, pairs: Sequence[Pair], problems: Sequence[Problem],
                  stamps: Mapping[str, dict[str, str]] | None = None, csv_bom: bool = False) -> dict[str, Any]:
    """Rebuild the tables, errors.jsonl and summary.json from the per-article files; returns the summary.

    ``stamps`` (article id -> this run's input and config hashes): only result files carrying them
    are taken; any other is reported in errors.jsonl instead (None: take every file). ``csv_bom``:
    start the CSV tables with a UTF-8 byte-order mark (``[batch] csv_bom``)."""
    folder = BatchFolder(out)
    scores: set[str] = set()
    checks: set[str] = set()
    provenance: dict[str, set[str]] = {"mtreview": set(), "config_hash": set(), "models": set()}
    for _pair, review, _path in _review_files(out, pairs, stamps):
        if review is None:
            continue
        checks.update(review.meta.get("checks", []))
        provenance["mtreview"].add(str(review.meta.get("mtreview")))
        provenance["config_hash"].add(str(review.meta.get("config_hash")))
        provenance["models"].add(dumps(review.meta.get("models", {})))
        for s in review.segments:
            scores.update(s.scores)
            checks.update(f.check for f in s.flags)
    score_names, check_ids = stable_columns(scores, checks)
    writers = {k: TableWriter(out, k, table_schema(k, score_names, check_ids, _metadata(provenance)), csv_bom)
               for k in TABLES}

    errors = [p.to_dict() for p in problems]
    seg_quality: list[float] = []
    seg_align: list[float] = []
    art_quality: list[float] = []
    worst: list[tuple] = []
    kinds: dict[str, int] = {}
    by_check = dict.fromkeys(check_ids, 0)
    by_sev = dict.fromkeys(SEVERITIES, 0)
    by_check_sev: dict[str, dict[str, int]] = {}
    by_worst = dict.fromkeys(("none", *SEVERITIES), 0)
    n_ok = n_segments = n_flagged = n_pass = 0
    batch_mqm: list[mqm.MqmScore] = []
    mqm_config = MqmConfig()
    for done, (pair, review, path) in enumerate(_review_files(out, pairs, stamps), 1):
        if review is None:
            errors.append(_error_record(pair, path, stamps))
            continue
        article, segs, flags, art_mqm = _rows(pair, review, score_names, check_ids)
        n_ok += 1
        mqm_config = mqm.recorded_config(review.meta)
        batch_mqm.append(art_mqm)  # with its counted errors per level (summary mqm.errors)
        n_pass += bool(article["mqm_pass"])
        n_segments += len(segs)
        n_flagged += article["flagged_segments"]
        for r in segs:
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
            if r["quality"] is not None:
                seg_quality.append(r["quality"])
            if r["align_score"] is not None:
                seg_align.append(r["align_score"])
        for f in flags:
            by_check[f["check"]] = by_check.get(f["check"], 0) + 1
            by_sev[f["severity"]] += 1
            cell = by_check_sev.setdefault(f["check"], dict.fromkeys(SEVERITIES, 0))
            cell[f["severity"]] += 1
        if article["mean_quality"] is not None:
            art_quality.append(article["mean_quality"])
        by_worst[article["worst_severity"] or "none"] += 1
        worst.append(_worst_key(article))
        writers["articles"].add([article])
        writers["segments"].add(segs)
        writers["flags"].add(flags)
        if done % CHUNK == 0:
            for w in writers.values():
                w.flush()
    for w in writers.values():
        w.close()

    errors.sort(key=lambda e: (e["id"], e["reason"]))
    write_atomic(folder.errors, jsonl(errors))
    worst.sort()
    summary = {
        "schema_version": SCHEMA_VERSION,
        "articles": {"total": len(pairs) + len(problems), "reviewed": n_ok, "failed": len(errors)},
        "segments": n_segments,
        "flagged_segments": n_flagged,
        "kinds": dict(sorted(kinds.items())),
        "quality": {"segments": _quantiles(seg_quality), "articles": _quantiles(art_quality)},
        "align_score": _quantiles(seg_align),
        "flags_by_check": dict(sorted(by_check.items())),
        "flags_by_severity": by_sev,
        "flags_by_check_severity": dict(sorted(by_check_sev.items())),
        "articles_by_worst_severity": by_worst,
        "worst_articles": [
            {"id": k[-1], "worst_severity": SEVERITIES[-k[0] - 1], "flags_critical": -k[1],
             "flags_major": -k[2], "flags_minor": -k[3],
             "mean_quality": None if k[4] == float("inf") else k[4]}
            for k in worst[:WORST_N] if k[0]
        ],
        "scores": score_names,
        "checks": check_ids,
        "mqm": {**mqm.combine(batch_mqm, mqm_config).to_dict(), "articles_passed": n_pass,
                "pass_rate": round(n_pass / n_ok, 4) if n_ok else None},
    }
    write_atomic(folder.summary, json_file(summary))
    return summary
