"""Command line: parse -> pipeline -> report. Errors carry exit codes; only ``main`` exits.

Subcommands: align, review, score, batch, models, app.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, pipeline, report
from .config import Config, load_config
from .errors import InputError, MtreviewError
from .load import is_pair_file, load_document, load_pairs

log = logging.getLogger("mtreview")


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def _load_pair(args: argparse.Namespace, config: Config):
    if args.ja_file is None:
        if not is_pair_file(args.en_file):
            raise InputError(
                f"{args.en_file}: give two article files (EN_FILE JA_FILE) "
                "or one segment file (.tsv, .csv, .jsonl, .xlf/.xliff, .tmx)"
            )
        return load_pairs(args.en_file)
    src = load_document(args.en_file, "en", config.load)
    tgt = load_document(args.ja_file, "ja", config.load)
    return src, tgt


def cmd_align(args: argparse.Namespace) -> int:
    config = _config(args)
    src, tgt = _load_pair(args, config)
    models = pipeline.load_models(config)
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, models)
    rows = report.bead_rows(beads, ssents, tsents)
    if args.format == "jsonl":
        report.write_jsonl(rows, sys.stdout)
    else:
        for r in rows:
            sys.stdout.write(f"{r['score']:.3f}\t{r['src']}\t{r['tgt']}\n")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    config = _config(args)
    src, tgt = _load_pair(args, config)
    review = pipeline.review(src, tgt, config)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            report.write_review(review, fh, "json")
        tmp.replace(out)
    report.write_review(review, sys.stdout, args.format)
    if args.out and args.format == "text":
        sys.stdout.write(f"full record written to {args.out}\n")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from . import batch

    config = _config(args)
    result = batch.run_batch(args.input, args.out, config, workers=args.workers, quiet=args.quiet)
    if not args.quiet:
        arts = result.summary["articles"]
        sys.stderr.write(
            f"{arts['reviewed']} article(s) reviewed ({result.reviewed} in this run,"
            f" {result.skipped} done before), {arts['failed']} failed; outputs in {result.out}\n"
        )
    if result.summary["articles"]["reviewed"] == 0 and result.summary["articles"]["failed"]:
        raise InputError(f"no article could be reviewed; see {Path(args.out) / 'errors.jsonl'}")
    batch.gate(result.summary, args.fail_on)
    return 0


def _add_batch_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="review a folder or manifest of article pairs into tables and a summary")
    p.add_argument("input", metavar="INPUT",
                   help="folder of NAME.en.txt/NAME.ja.txt (+ metadata.csv|jsonl), a JSONL/CSV/Parquet "
                        "manifest (id, en|src, ja|tgt, date, desk, translator) or a saved `datasets` folder")
    p.add_argument("--out", required=True,
                   help="output folder (rerun to resume: finished articles are skipped)")
    p.add_argument("--workers", type=int, help="worker processes (default: [batch] workers; 0 = all cores)")
    p.add_argument("--fail-on", choices=("minor", "major", "critical"),
                   help="exit with code 5 when any flag of this severity or worse is found")
    p.add_argument("--quiet", action="store_true", help="no progress bar or final line")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values")
    p.set_defaults(func=cmd_batch)


APP_PATH = Path(__file__).resolve().parent / "ui" / "streamlit_app.py"


def cmd_app(args: argparse.Namespace) -> int:
    """Run the Streamlit review UI (``mtreview/ui/streamlit_app.py``) until it is stopped."""
    import os
    import subprocess

    if not APP_PATH.is_file():
        raise InputError(f"the review UI is missing from this installation: {APP_PATH}")
    roots = [Path(r).expanduser().resolve() for r in (args.batch_root or [os.getcwd()])]
    for root in roots:
        if not root.is_dir():
            raise InputError(f"--batch-root {root}: not a folder")
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_PATH), "--server.port", str(args.port),
           "--server.address", args.host, "--browser.gatherUsageStats", "false"]
    if args.headless:
        cmd += ["--server.headless", "true"]
    env = dict(os.environ)
    env["MTREVIEW_BATCH_ROOTS"] = os.pathsep.join(str(r) for r in roots)
    if args.db:
        env["MTREVIEW_DB"] = args.db
    if args.config:
        env["MTREVIEW_CONFIG"] = str(Path(args.config).resolve())
    log.info("starting: %s", " ".join(cmd))
    return subprocess.call(cmd, env=env)


def _add_app_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the review UI in the browser (Streamlit)")
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--db", help="SQLAlchemy URL of the review database (default: $MTREVIEW_DB, [store] url)")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values")
    p.add_argument("--headless", action="store_true", help="do not open a browser window")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 = every interface,"
                        " put an authenticating proxy in front, see docs/ui.md)")
    p.add_argument("--batch-root", action="append", metavar="DIR",
                   help="a folder under which the app may open batch results and article folders"
                        " (repeatable; default: the working directory)")
    p.set_defaults(func=cmd_app)


def _add_pair_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("en_file", metavar="EN_FILE",
                   help="English source (text, HTML, scraped page), or one segment file holding both sides "
                        "(TSV/CSV, JSONL, XLIFF, TMX) given alone")
    p.add_argument("ja_file", metavar="JA_FILE", nargs="?", help="Japanese translation")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtreview", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"mtreview {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("align", help="segment and align an article pair; one JSON object per bead")
    _add_pair_args(p)
    p.add_argument("--format", choices=("jsonl", "tsv"), default="jsonl")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("review", help="align, score and flag an article pair")
    _add_pair_args(p)
    p.add_argument("--format", choices=("json", "jsonl", "text"), default="json")
    p.add_argument("--out", help="also write the full JSON record to this file")
    p.set_defaults(func=cmd_review)
    _add_batch_parser(sub)
    _add_app_parser(sub)

    from . import models_cli, score_cli

    score_cli.add_parser(sub)
    models_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return int(args.func(args) or 0)
    except MtreviewError as exc:
        sys.stderr.write(f"mtreview: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("mtreview: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
