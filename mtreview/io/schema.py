"""JSON Schemas (draft 2020-12) of the records mtreview writes: ``mtreview schema review|score|batch``.

``review``: the review record (``mtreview review --out``, ``BATCH/articles/ID.review.json``).
``score``: one line of ``mtreview score`` (JSONL). ``batch``: ``BATCH/summary.json``.
Records carry ``schema_version`` (``SCHEMA_VERSION``, major.minor): a new optional key bumps the
minor number, a removed or retyped key the major one. The schemas are strict about what readers
rely on (required keys, types, enums, offsets >= 0) and open (``additionalProperties``) where
later versions may add keys, so an older reader keeps working.
"""

from __future__ import annotations

from typing import Any

from ..records import SCHEMA_VERSION, SIDES, Severity

__all__ = ["BATCH", "REVIEW", "SCHEMAS", "SCHEMA_VERSION", "SCORE"]
_BASE = "https://github.com/mtreview/mtreview/schemas"
SEVERITIES = [s.label for s in Severity]

_num = {"type": "number"}
_opt_num = {"type": ["number", "null"]}
_str = {"type": "string"}
_opt_str = {"type": ["string", "null"]}
_count = {"type": "integer", "minimum": 0}
_counts = {"type": "object", "additionalProperties": _count}
_version = {"type": "string", "pattern": r"^\d+\.\d+$"}

FLAG = {
    "type": "object",
    "required": ["check", "category", "severity", "side", "start", "end", "text", "message", "suggestion"],
    "properties": {
        "check": {"type": "string", "minLength": 1},
        "category": {"type": "string", "description": "MQM-style family/detail, e.g. accuracy/omission"},
        "severity": {"enum": SEVERITIES},
        "side": {"enum": list(SIDES)},
        "start": _count,
        "end": _count,
        "text": {"type": "string", "description": "exactly the segment side's text[start:end]"},
        "message": _str,
        "suggestion": _opt_str,
    },
    "additionalProperties": True,
}

SEGMENT = {
    "type": "object",
    "required": ["id", "src", "tgt", "src_ids", "tgt_ids", "kind", "align_score", "scores", "quality", "flags"],
    "properties": {
        "id": _count,
        "src": _str,
        "tgt": _str,
        "src_ids": {"type": "array", "items": _count},
        "tgt_ids": {"type": "array", "items": _count},
        "kind": {"type": "string", "pattern": r"^\d+-\d+$"},
        "align_score": _num,
        "scores": {"type": "object", "additionalProperties": _num},
        "quality": _opt_num,
        "flags": {"type": "array", "items": FLAG},
        "unit_id": _str,  # 1.1: the unit's id in the segment file it came from (absent for an article)
    },
    "additionalProperties": True,
}

_SIDE_META = {
    "type": "object",
    "required": ["path", "format", "encoding", "sentences"],
    "properties": {"path": _opt_str, "format": _str, "encoding": _str, "sentences": _count},
}

REVIEW = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"{_BASE}/review.json",
    "title": "mtreview review record",
    "type": "object",
    "required": ["schema_version", "meta", "segments", "removed", "summary"],
    "properties": {
        "schema_version": _version,
        "meta": {
            "type": "object",
            "required": ["mtreview", "config", "config_hash", "models", "src", "tgt", "checks"],
            "properties": {
                "mtreview": _str,
                "python": _str,
                "config": {"type": "object"},
                "config_hash": {"type": "string", "pattern": "^[0-9a-f]{12}$"},
                "models": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["name", "version"]}},
                "src": _SIDE_META,
                "tgt": _SIDE_META,
                "checks": {"type": "array", "items": _str},
                "signatures": {"type": "object", "additionalProperties": _str},
            },
            "additionalProperties": True,
        },
        "segments": {"type": "array", "items": SEGMENT},
        "removed": {"type": "array", "items": {
            "type": "object", "required": ["side", "start", "end", "text", "reason"],
            "properties": {"side": {"enum": list(SIDES)}, "start": _count, "end": _count, "text": _str,
                           "reason": _str}}},
        "summary": {
            "type": "object",
            "required": ["segments", "flagged_segments", "kinds", "flags_by_check", "flags_by_severity",
                         "mean_quality"],
            "properties": {
                "segments": _count, "flagged_segments": _count, "kinds": _counts, "flags_by_check": _counts,
                "flags_by_severity": {"type": "object", "required": SEVERITIES,
                                      "properties": {s: _count for s in SEVERITIES}},
                "mean_quality": _opt_num, "removed": _counts,
            },
        },
    },
    "additionalProperties": True,
}

SCORE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"{_BASE}/score.json",
    "title": "one line of mtreview score (JSONL)",
    "type": "object",
    "required": ["id", "quality", "scores", "flags"],
    "properties": {
        "schema_version": _version,
        "id": _str,
        "quality": _opt_num,
        "scores": {"type": "object", "additionalProperties": _num},
        "flags": {"type": "array", "items": FLAG},
    },
    "additionalProperties": True,
}

_QUANT = {"type": "object", "required": ["count"], "properties": {"count": _count},
          "additionalProperties": _num}

BATCH = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"{_BASE}/batch-summary.json",
    "title": "mtreview batch summary.json",
    "type": "object",
    "required": ["schema_version", "articles", "segments", "flagged_segments", "quality", "flags_by_check",
                 "flags_by_severity", "worst_articles", "scores", "checks", "mqm"],
    "properties": {
        "schema_version": _version,
        "articles": {"type": "object", "required": ["total", "reviewed", "failed"],
                     "properties": {k: _count for k in ("total", "reviewed", "failed")}},
        "segments": _count,
        "flagged_segments": _count,
        "kinds": _counts,
        "quality": {"type": "object", "properties": {"segments": _QUANT, "articles": _QUANT}},
        "align_score": _QUANT,
        "flags_by_check": _counts,
        "flags_by_severity": {"type": "object", "required": SEVERITIES,
                              "properties": {s: _count for s in SEVERITIES}},
        "flags_by_check_severity": {"type": "object", "additionalProperties": _counts},
        "articles_by_worst_severity": _counts,
        "worst_articles": {"type": "array", "items": {
            "type": "object", "required": ["id", "worst_severity"],
            "properties": {"id": _str, "worst_severity": {"enum": SEVERITIES}}}},
        "scores": {"type": "array", "items": _str},
        "checks": {"type": "array", "items": _str},
        "mqm": {"type": "object",
                "required": ["penalty", "words", "score", "passed", "errors", "articles_passed", "pass_rate"],
                "properties": {"penalty": _num, "words": _count, "score": _num, "passed": {"type": "boolean"},
                               "errors": _counts, "articles_passed": _count, "pass_rate": _opt_num}},
    },
    "additionalProperties": True,
}

SCHEMAS: dict[str, dict[str, Any]] = {"review": REVIEW, "score": SCORE, "batch": BATCH}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of a record mtreview writes")
    p.add_argument("record", choices=sorted(SCHEMAS),
                   help="review: review record; score: a line of `mtreview score`; batch: summary.json")
    p.set_defaults(func=cmd_schema)


def cmd_schema(args: Any) -> int:
    import sys

    from .output import dumps

    sys.stdout.write(dumps(SCHEMAS[args.record], indent=2) + "\n")
    return 0
