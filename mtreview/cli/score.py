"""``mtreview score``: score independent sentence pairs, one JSON object per input row.

Input, as sacrebleu and COMET users keep it:

- ``PAIRS``: a TSV/CSV whose header names ``src`` and ``tgt`` (optional ``ref``, ``mt``, ``id``),
  a headerless ``src<TAB>tgt[<TAB>ref]`` TSV, or JSONL with those keys; ``-`` reads standard input;
- ``-s SRC -t HYP [-r REF]``: line-aligned plain-text files (line i of each is pair i); one of
  them may be ``-``.

Rows have no document context: the checks run per row (``Article(document_level=False)``),
then the metrics and the quality model. Rows are scored in chunks, so a progress bar can
follow long inputs (stderr, only on a terminal, never with ``--quiet``) and output starts
before the end; a chunk's rows score exactly as they would in one batch.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .. import pipeline
from ..config import config_files, config_path, load_config
from ..errors import InputError, UsageError
from ..io import load as loader
from ..io import report
from ..io.output import dumps, json_file, open_atomic, same_file, writable_file, write_atomic
from ..io.segment_files import check_columns, load_lines, load_rows, load_rows_bytes, stdin_name
from ..records import SCHEMA_VERSION
from ..score import quality

log = logging.getLogger(__name__)

CHUNK = 32  # rows scored at a time (progress steps of ~6 s with the opt-in LM at 5 rows/s; output after each)


def _stdin_bytes(what: str) -> bytes:
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"{what} is - (standard input) but nothing is piped in")
    return sys.stdin.buffer.read()


def _read_bytes(path: str) -> tuple[bytes, str]:
    if path == "-":
        return _stdin_bytes("an input"), "<stdin>"
    p, data = loader.read_file(path)  # a pipe too: sacrebleu users' -s <(cut -f1 x.tsv)
    return data, str(p)


def read_rows(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The rows to score from PAIRS or from -s/-t/-r line-aligned files."""
    aligned = args.src is not None or args.tgt is not None or args.ref is not None
    if aligned:
        if args.pairs is not None:
            raise UsageError("give either PAIRS or -s/-t line-aligned files, not both")
        if args.src is None or args.tgt is None:
            raise UsageError("line-aligned input needs both -s SRC and -t HYP (-r REF is optional)")
        paths = {"src": args.src, "tgt": args.tgt, "ref": args.ref}
        if sum(1 for p in paths.values() if p == "-") > 1:
            raise UsageError("only one of -s, -t, -r can be - (standard input)")
        cols: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for key, path in paths.items():
            if path is not None:
                data, names[key] = _read_bytes(path)
                cols[key] = load_lines(data, names[key])
        counts = {names[k]: len(v) for k, v in cols.items()}
        if len(set(counts.values())) > 1:
            raise InputError("line-aligned files differ in length: "
                             + ", ".join(f"{n} has {c} lines" for n, c in counts.items()))
        return [{"line": i, "id": str(i), "src": cols["src"][i - 1], "tgt": cols["tgt"][i - 1],
                 "ref": cols["ref"][i - 1] or None if "ref" in cols else None, "mt": None}
                for i in range(1, len(cols["src"]) + 1)]
    if args.pairs is None:
        raise UsageError("give PAIRS (a TSV/JSONL file, or - for standard input) or -s SRC -t HYP")
    if args.pairs == "-":
        data = _stdin_bytes("PAIRS")
        name = stdin_name(data)
        if name is None:
            raise InputError("<stdin>: not a segment file (TSV, CSV, JSONL, XLIFF, TMX); line-aligned "
                             "plain-text files go in as -s SRC -t HYP, and one of them may be -")
        return load_rows_bytes(data, name)
    if Path(args.pairs).is_file() and not loader.is_pair_file(args.pairs):
        raise InputError(f"{args.pairs}: not a segment file (.tsv, .csv, .jsonl, .xlf/.xliff, .tmx); "
                         "line-aligned plain-text files go in as -s SRC -t HYP")
    return load_rows(args.pairs)


@contextmanager
def _output(path: str) -> Iterator[IO[str]]:
    """Standard output for ``-``, else the file (written beside it and renamed when complete)."""
    if path == "-":
        yield sys.stdout
        return
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_atomic(out, "w", encoding="utf-8") as fh:
        yield fh


def _progress(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    show = not quiet and total > CHUNK and sys.stderr is not None and sys.stderr.isatty()
    return tqdm(total=total, unit="row", desc="scoring", file=sys.stderr, disable=not show, leave=False)


def cmd_score(args: argparse.Namespace) -> int:
    config = load_config(config_path(args.config))
    if args.fast:  # the light model only, whatever [models] lm says
        config = config.replace(models__lm="")
    if args.meta and args.out and "-" not in (args.meta, args.out) and same_file(args.meta, args.out):
        raise UsageError(f"{args.meta}: --meta and --out name the same file; the metadata would replace the scores")
    for path, option in ((args.meta, "--meta"), (args.out, "--out")):
        if path and path != "-":
            writable_file(path, option, (args.pairs, args.src, args.tgt, args.ref,
                                         *config_files(config_path(args.config), config)))
    rows = read_rows(args)
    name = args.pairs or args.src
    if not rows:
        raise InputError(f"{name}: no rows to score")
    check_columns(rows, name)  # swapped columns (Japanese src, English tgt) are an error
    models = pipeline.load_models(config)
    meta: dict[str, Any] = {}
    with _output(args.out) as out, _progress(len(rows), args.quiet) as bar:
        for at in range(0, len(rows), CHUNK):
            chunk = rows[at : at + CHUNK]
            srcs, tgts = [r["src"] for r in chunk], [r["tgt"] for r in chunk]
            flags = pipeline.check_rows(srcs, tgts, config)
            refs, mts = [r["ref"] for r in rows], [r["mt"] for r in rows]  # presence decided on all rows
            scored = quality.score_pairs(
                srcs, tgts, models, config, flags=flags,
                refs=[r["ref"] for r in chunk] if any(refs) else None,
                mts=[r["mt"] for r in chunk] if any(mts) else None)
            meta = scored.meta
            for row, sc, q, fl in zip(chunk, scored.scores, scored.quality, flags, strict=True):
                _write_row(out, args.format, row, sc, q, fl)
            out.flush()
            bar.update(len(chunk))
    if args.meta:
        info = {"config_hash": config.digest(), "models": models.describe(), "schema_version": SCHEMA_VERSION,
                **meta}  # the version of the lines (`mtreview schema score`), which do not repeat it
        write_atomic(Path(args.meta), json_file(info))
    return 0


def _write_row(out: IO[str], fmt: str, row: dict[str, Any], sc: dict[str, float], q: float | None,
               fl: Any) -> None:
    if fmt == "jsonl":
        obj = {"id": row["id"], "quality": None if q is None else round(q, 2),
               "scores": {k: round(v, 4) for k, v in sorted(sc.items())}, "flags": [f.to_dict() for f in fl]}
        out.write(dumps(obj) + "\n")
    else:
        qs = "" if q is None else f"{q:.1f}"
        out.write(f"{report.tsv_cell(row['id'])}\t{qs}\t{len(fl)}\t{report.tsv_cell(row['tgt'])}\n")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "score", help="score independent sentence pairs (TSV/JSONL or line-aligned files); one JSON object per row",
        description="Score independent sentence pairs: checks per row, metrics (chrF, BLEU, TER against -r/ref) "
                    "and the quality estimate. Input as sacrebleu/COMET users keep it.")
    p.add_argument("pairs", metavar="PAIRS", nargs="?",
                   help="TSV/CSV with a header naming src and tgt (ref, mt, id optional), a headerless "
                        "src<TAB>tgt[<TAB>ref] TSV, JSONL, XLIFF or TMX; - reads standard input")
    p.add_argument("-s", "--src", metavar="SRC",
                   help="line-aligned English source file (one sentence a line; - = stdin)")
    p.add_argument("-t", "--tgt", metavar="HYP", help="line-aligned Japanese translation file, as many lines as -s")
    p.add_argument("-r", "--ref", metavar="REF", help="line-aligned reference translation (adds *_ref metric scores)")
    p.add_argument("-o", "--out", default="-", metavar="FILE",
                   help="write the rows to FILE (default -: standard output)")
    p.add_argument("--format", choices=("jsonl", "tsv"), default="jsonl",
                   help="jsonl: one JSON object a row (default); tsv: id, quality, flag count, translation")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values (default: $MTREVIEW_CONFIG)")
    p.add_argument("--meta", metavar="FILE",
                   help="write how the scores were made (metric signatures, models) to this JSON file")
    p.add_argument("--fast", action="store_true",
                   help="the light quality model only (no LM), even with [models] lm set")
    p.set_defaults(func=cmd_score)
