"""``mtreview score PAIRS``: score independent sentence pairs, one JSON object per input row.

PAIRS is a TSV whose header names ``src`` and ``tgt`` (optional ``ref``, ``mt``, ``id``)
or JSONL with those keys. Rows have no document context: the checks run per row
(``Article(document_level=False)``), then the metrics and the quality model.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from pathlib import Path
from typing import Any

from . import pipeline, quality
from .config import load_config
from .errors import InputError

log = logging.getLogger(__name__)

COLUMNS = ("id", "src", "tgt", "ref", "mt")


def _load_rows(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a TSV / JSONL pairs file as {line, id, src, tgt, ref, mt}.

    (Stand-in with the contract of ``mtreview.load.load_rows``, which replaces it on merge.)
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"pairs file not found: {p}")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    lines = text.splitlines()
    rows: list[dict[str, Any]] = []
    is_jsonl = p.suffix.lower() in (".jsonl", ".json") or (lines and lines[0].lstrip().startswith("{"))
    if is_jsonl:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{n}: not a JSON object ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{p}:{n}: expected a JSON object with src and tgt")
            rows.append(_row(p, n, obj))
    else:
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            raise InputError(f"{p}: empty file")
        header = [h.strip().lower() for h in header]
        missing = [c for c in ("src", "tgt") if c not in header]
        if missing:
            raise InputError(
                f"{p}:1: the header must name src and tgt columns (missing: {', '.join(missing)})")
        for n, fields in enumerate(reader, 2):
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise InputError(f"{p}:{n}: expected {len(header)} tab-separated fields, got {len(fields)}")
            rows.append(_row(p, n, dict(zip(header, fields, strict=True))))
    if not rows:
        raise InputError(f"{p}: no rows to score")
    return rows


def _row(p: Path, n: int, obj: dict[str, Any]) -> dict[str, Any]:
    for key in ("src", "tgt"):
        if key not in obj:
            raise InputError(f"{p}:{n}: missing {key!r}")
    for key in COLUMNS:
        value = obj.get(key)
        if isinstance(value, bool) or (value is not None and not isinstance(value, (str, int))):
            raise InputError(f"{p}:{n}: {key!r} must be a string")
    ref, mt = obj.get("ref"), obj.get("mt")
    return {"line": n, "id": str(obj.get("id") or n), "src": str(obj["src"]), "tgt": str(obj["tgt"]),
            "ref": str(ref) if ref not in (None, "") else None,
            "mt": str(mt) if mt not in (None, "") else None}


def cmd_score(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    rows = _load_rows(args.pairs)
    models = pipeline.load_models(config)
    srcs, tgts = [r["src"] for r in rows], [r["tgt"] for r in rows]
    flags = pipeline.check_rows(srcs, tgts, config)
    refs = [r["ref"] for r in rows]
    mts = [r["mt"] for r in rows]
    scored = quality.score_pairs(srcs, tgts, models, config, flags=flags,
                                 refs=refs if any(refs) else None, mts=mts if any(mts) else None)
    if args.meta:
        meta = {"config_hash": config.digest(), "models": models.describe(), **scored.meta}
        Path(args.meta).write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                   encoding="utf-8")
    out = sys.stdout
    for row, sc, q, fl in zip(rows, scored.scores, scored.quality, flags, strict=True):
        obj = {"id": row["id"], "quality": None if q is None else round(q, 2),
               "scores": {k: round(v, 4) for k, v in sorted(sc.items())}, "flags": [f.to_dict() for f in fl]}
        if args.format == "jsonl":
            out.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            qs = "" if q is None else f"{q:.1f}"
            out.write(f"{row['id']}\t{qs}\t{len(fl)}\t{row['tgt']}\n")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("score", help="score independent sentence pairs (TSV/JSONL); one JSON object per row")
    p.add_argument("pairs", metavar="PAIRS",
                   help="TSV with a header naming src and tgt (ref, mt, id optional), or JSONL")
    p.add_argument("--format", choices=("jsonl", "tsv"), default="jsonl")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values")
    p.add_argument("--meta", metavar="FILE",
                   help="write how the scores were made (metric signatures, models) to this JSON file")
    p.set_defaults(func=cmd_score)
