"""``mtreview score PAIRS``: score independent sentence pairs, one JSON object per input row.

PAIRS is a TSV whose header names ``src`` and ``tgt`` (optional ``ref``, ``mt``, ``id``)
or JSONL with those keys. Rows have no document context: the checks run per row
(``Article(document_level=False)``), then the metrics and the quality model.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from . import pipeline, quality
from .config import load_config
from .errors import InputError
from .load import check_columns, load_rows
from .output import dumps, json_file

log = logging.getLogger(__name__)

def cmd_score(args: argparse.Namespace) -> int:
    from .cli import writable_file

    config = load_config(args.config)
    if args.meta:
        writable_file(args.meta, "--meta")
    rows = load_rows(args.pairs)
    if not rows:
        raise InputError(f"{args.pairs}: no rows to score")
    check_columns(rows, args.pairs)
    models = pipeline.load_models(config)
    srcs, tgts = [r["src"] for r in rows], [r["tgt"] for r in rows]
    flags = pipeline.check_rows(srcs, tgts, config)
    refs = [r["ref"] for r in rows]
    mts = [r["mt"] for r in rows]
    scored = quality.score_pairs(srcs, tgts, models, config, flags=flags,
                                 refs=refs if any(refs) else None, mts=mts if any(mts) else None)
    if args.meta:
        meta = {"config_hash": config.digest(), "models": models.describe(), **scored.meta}
        Path(args.meta).write_text(json_file(meta), encoding="utf-8")
    out = sys.stdout
    for row, sc, q, fl in zip(rows, scored.scores, scored.quality, flags, strict=True):
        obj = {"id": row["id"], "quality": None if q is None else round(q, 2),
               "scores": {k: round(v, 4) for k, v in sorted(sc.items())}, "flags": [f.to_dict() for f in fl]}
        if args.format == "jsonl":
            out.write(dumps(obj) + "\n")
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
