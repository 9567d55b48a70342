"""Command line: parse -> pipeline -> report. Errors carry exit codes; only ``main`` exits.

Subcommands: align, review, score, batch, models, app, config, export, schema. ``-`` stands for standard input
(an input file) or standard output (``--out``); ``-v``/``--quiet`` work before or after the
subcommand; ``--config`` defaults to ``$MTREVIEW_CONFIG``. Exit codes: see ``EPILOG``.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..config import Config, config_files, config_path, load_config
from ..errors import USAGE_EXIT, InputError, ModelError, MtreviewError, UsageError
from ..io import report
from ..io.load import check_size, is_pair_file, load_bytes, load_document
from ..io.output import BatchFolder, writable_file, write_atomic
from ..io.segment_files import load_pairs, load_pairs_bytes, stdin_name
from ..registry import REVIEW_FORMATS

log = logging.getLogger("mtreview")


DESCRIPTION = """Review English->Japanese news translations: segment and align an article pair, score it
(chrF, BLEU, TER, a quality estimate) and flag what a reviewer must look at (omissions,
numbers, names, terminology, tags, repetition, Japanese house style), with character spans."""

EPILOG = """examples:
  mtreview review article.en.txt article.ja.txt --format text
  mtreview review pairs.xlf --out review.json
  mtreview score -s test.en -t hyp.ja -r ref.ja > scores.jsonl
  cat pairs.tsv | mtreview score - --format tsv
  mtreview batch articles/ --out runs/jan --fail-on major
  mtreview config show

exit codes:
  0   success
  1   unexpected error
  2   bad input (missing, empty, binary or malformed file; wrong language)
  3   bad configuration (unknown key, bad value, missing glossary)
  4   a model or optional package is not available (not installed, not found offline)
  5   a quality gate failed (batch --fail-on)
  64  usage error (wrong or conflicting command-line arguments)
  130 interrupted"""


def _config(args: argparse.Namespace) -> Config:
    config = load_config(config_path(args.config))
    if getattr(args, "fast", False):  # the light model only, whatever [models] lm says
        config = config.replace(models__lm="")
    return config


def _stdin(what: str) -> bytes:
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"{what} is - (standard input) but nothing is piped in")
    return sys.stdin.buffer.read()


def _load_pair(args: argparse.Namespace, config: Config):
    if args.en_file == "-" and args.ja_file == "-":
        raise UsageError("only one of EN_FILE and JA_FILE can be - (standard input)")
    if args.ja_file is None and args.en_file == "-":
        data = _stdin("the segment file")
        name = stdin_name(data)
        if name is None:
            raise InputError("<stdin>: not a segment file (TSV, CSV, JSONL, XLIFF, TMX); an article pair is two "
                             "files, EN_FILE JA_FILE, and either may be - (standard input)")
        return load_pairs_bytes(data, name)
    if args.ja_file is None:
        if Path(args.en_file).is_dir():
            raise InputError(f"{args.en_file}: is a folder; `review` takes two article files or one segment file"
                             " (a folder of articles is for `mtreview batch`)")
        if not is_pair_file(args.en_file):
            raise InputError(
                f"{args.en_file}: give two article files (EN_FILE JA_FILE) "
                "or one segment file (.tsv, .csv, .jsonl, .xlf/.xliff, .tmx)"
            )
        check_size(args.en_file, config.limits.max_chars, sides=2)
        return load_pairs(args.en_file)
    docs = []
    for path, lang in ((args.en_file, "en"), (args.ja_file, "ja")):
        if path == "-":  # the exact [limits] max_chars check is the pipeline's
            docs.append(load_bytes(_stdin(f"{lang.upper()}_FILE"), "<stdin>", lang, config.load))
            continue
        check_size(path, config.limits.max_chars)
        try:
            docs.append(load_document(path, lang, config.load))
        except InputError:
            if lang == "en" and args.ja_file != "-" and _swapped(args.en_file, args.ja_file, config):
                raise InputError(f"{args.en_file} looks Japanese and {args.ja_file} English: the English source "
                                 "comes first (EN_FILE JA_FILE)") from None
            raise
    return docs[0], docs[1]


def _swapped(en_file: str, ja_file: str, config: Config) -> bool:
    """True when the two article files were given the wrong way round."""
    try:
        return (load_document(en_file, None, config.load).lang, load_document(ja_file, None, config.load).lang) \
            == ("ja", "en")
    except InputError:
        return False


def cmd_align(args: argparse.Namespace) -> int:
    from .. import pipeline

    config = _config(args)
    src, tgt = _load_pair(args, config)
    models = pipeline.load_models(config)
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, models)
    rows = report.bead_rows(beads, ssents, tsents)
    if args.format == "jsonl":
        report.write_jsonl(rows, sys.stdout)
    else:
        for r in rows:
            sys.stdout.write(f"{r['score']:.3f}\t{report.tsv_cell(r['src'])}\t{report.tsv_cell(r['tgt'])}\n")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.out and args.out != "-":
        writable_file(args.out, "--out", (args.en_file, args.ja_file, *config_files(config_path(args.config), config)))
    src, tgt = _load_pair(args, config)
    from .. import pipeline

    review = pipeline.review(src, tgt, config)
    if args.out == "-":  # the full record is the output
        report.write_review(review, sys.stdout, "json")
        return 0
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        record = io.StringIO()
        report.write_review(review, record, "json")
        write_atomic(out, record.getvalue())
    report.write_review(review, sys.stdout, args.format)
    if args.out and args.format == "text":
        sys.stdout.write(f"full record written to {args.out}\n")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from ..batch import runner as batch

    config = _config(args)
    result = batch.run_batch(args.input, args.out, config, workers=args.workers, quiet=args.quiet,
                             root=args.root, allow_outside_root=args.allow_outside_root,
                             engine=args.engine, ray_address=args.ray_address)
    if not args.quiet:
        arts = result.summary["articles"]
        sys.stderr.write(
            f"{arts['reviewed']} article(s) reviewed, {arts['failed']} failed ({result.reviewed} reviewed in"
            f" this run, {result.skipped} skipped: unchanged since an earlier run); outputs in {result.out}\n"
        )
    if result.summary["articles"]["reviewed"] == 0 and result.summary["articles"]["failed"]:
        raise InputError(f"no article could be reviewed; see {BatchFolder(Path(args.out)).errors}")
    batch.gate(result.summary, args.fail_on)
    return 0


def _workers(text: str) -> int:
    """``--workers``: a whole number, 0 or more (argparse turns the error into exit 64)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all cores) or more, got {n}")
    return n


def _add_batch_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="review a folder or manifest of article pairs into tables and a summary")
    p.add_argument("input", metavar="INPUT",
                   help="folder of NAME.en.txt/NAME.ja.txt (+ metadata.csv|jsonl), a JSONL/CSV/Parquet "
                        "manifest (id, en_path|en_text, ja_path|ja_text, date, desk, translator) or a saved "
                        "`datasets` folder")
    p.add_argument("--out", required=True,
                   help="output folder (rerun to resume: finished articles are skipped); one run at a time")
    p.add_argument("--root", help="folder that manifest paths (en_path, ja_path) must stay inside "
                                  "(default: the manifest's folder)")
    p.add_argument("--allow-outside-root", action="store_true",
                   help="let manifest paths point anywhere this user can read")
    p.add_argument("--workers", type=_workers, metavar="N",
                   help="worker processes (default: [batch] workers; 0 = all cores; the local engine uses at most"
                        " as many as there are cores)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: a process pool on this machine (default); ray: Ray Data (pip install 'mtreview[ray]')")
    p.add_argument("--ray-address", help="with --engine ray: join this cluster (e.g. ray://head:10001 or auto); "
                                         "default: start a local one with --workers CPUs")
    p.add_argument("--fail-on", choices=("minor", "major", "critical"),
                   help="exit with code 5 when any flag of this severity or worse is found")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values (default: $MTREVIEW_CONFIG)")
    p.set_defaults(func=cmd_batch)


APP_PATH = Path(__file__).resolve().parents[1] / "ui" / "streamlit_app.py"


def _check_app_args(args: argparse.Namespace) -> None:
    """What the server would only find out in the browser: fail now, with one line."""
    import os

    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}")  # as argparse's --port abc
    config = load_config(config_path(args.config))
    if args.db:  # a URL, or a .db/.sqlite file (created on first use, as export --db reads it)
        from .db import db_url

        args.db = db_url(args.db, must_exist=False) or args.db
    db, where = next((v, w) for v, w in ((args.db, "--db"), (os.environ.get("MTREVIEW_DB"), "$MTREVIEW_DB"),
                                         (config.store.url, "[store] url")) if v)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(db)
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InputError(f"{where} {db}: not a usable database URL ({exc}); a SQLite file is named"
                         " sqlite:///FILE or FILE.db / .sqlite / .sqlite3") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise InputError(f"{where} {db}: no such folder {folder}")


def cmd_app(args: argparse.Namespace) -> int:
    """Run the Streamlit review UI (``mtreview/ui/streamlit_app.py``) until it is stopped."""
    import os

    if not APP_PATH.is_file():
        raise InputError(f"the review UI is missing from this installation: {APP_PATH}")
    try:
        import streamlit  # noqa: F401  (only to say how to install it when it is missing)
    except ImportError:
        raise ModelError("the review UI needs Streamlit: pip install 'mtreview[ui]'") from None
    _check_app_args(args)
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
    if config_path(args.config):
        env["MTREVIEW_CONFIG"] = str(Path(config_path(args.config)).resolve())
    log.info("starting: %s", " ".join(cmd))
    from .. import procs

    return procs.run_child(cmd, env)  # stopping us (SIGTERM, Ctrl-C) stops the server too


def _add_app_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the review UI in the browser (Streamlit)")
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--db", help="the review database: an SQLAlchemy URL or a .db/.sqlite file, created on first use"
                                " (default: $MTREVIEW_DB, [store] url)")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values (default: $MTREVIEW_CONFIG)")
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
                        "(TSV/CSV, JSONL, XLIFF, TMX) given alone; - reads standard input")
    p.add_argument("ja_file", metavar="JA_FILE", nargs="?", help="Japanese translation; - reads standard input")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values (default: $MTREVIEW_CONFIG)")


def _add_common(p: argparse.ArgumentParser, default: object) -> None:
    """-v / --quiet, accepted before the subcommand (``default``: their values) and after it
    (``argparse.SUPPRESS``: the subcommand keeps what was given before it)."""
    p.add_argument("-v", "--verbose", action="count", default=default if default is argparse.SUPPRESS else 0,
                   help="more log output on stderr (-vv for debug)")
    p.add_argument("--quiet", action="store_true", default=default if default is argparse.SUPPRESS else False,
                   help="only errors on stderr: no progress bars, summaries or warnings")


CORE_COMMANDS = ("align", "review", "batch", "app")  # defined in this module; the others in their own
IN_PROCESS = ("align", "review", "score")  # the subcommands that embed text in this process


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: its first word that is not an option (the options before the
    subcommand, -v/--quiet/--version/-h, take no value), or None (also for ``-h`` before it: the help
    lists every subcommand)."""
    for arg in argv:
        if arg in ("--", "-h", "--help"):
            return None
        if not arg.startswith("-"):
            return arg
    return None


def _numpy_with_embedder_threads() -> None:
    """Import numpy with as many BLAS threads as the embedder uses (``MTREVIEW_EMBED_THREADS``, default
    1) instead of OpenBLAS's one per core: the embedder limits BLAS to that count anyway, and the idle
    threads started at import cost a cold ``review`` ~0.03 CPU-s. Only where the user set no thread count;
    the variable is removed again, so child processes see the environment they were given."""
    import os

    if "numpy" in sys.modules or any(os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")):
        return
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ.get("MTREVIEW_EMBED_THREADS") or "1"
    try:
        import numpy  # noqa: F401
    finally:
        del os.environ["OPENBLAS_NUM_THREADS"]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; with ``command`` one of ``CORE_COMMANDS``, only of those (the
    other subcommands' modules are not imported: a cold ``mtreview review`` does not need them)."""
    parser = argparse.ArgumentParser(prog="mtreview", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mtreview {__version__}",
                        help="print the version and exit")
    _add_common(parser, None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("align", help="segment and align an article pair; one JSON object per bead")
    _add_pair_args(p)
    p.add_argument("--format", choices=("jsonl", "tsv"), default="jsonl",
                   help="jsonl: one JSON object a bead (default); tsv: score, source, translation")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("review", help="align, score and flag an article pair")
    _add_pair_args(p)
    p.add_argument("--format", choices=tuple(REVIEW_FORMATS), default="json",
                   help="json: the review record (default); jsonl: one segment a line; text: for reading")
    p.add_argument("--out", metavar="FILE",
                   help="also write the full JSON record to FILE; - writes only the record, to standard output")
    p.add_argument("--fast", action="store_true",
                   help="the light quality model only: no LM signal and no meaning check, even with [models] lm set")
    p.set_defaults(func=cmd_review)
    _add_batch_parser(sub)
    _add_app_parser(sub)
    if command not in CORE_COMMANDS:
        from ..io import schema
        from . import config as config_cli
        from . import export as export_cli
        from . import models as models_cli
        from . import score as score_cli

        score_cli.add_parser(sub)
        models_cli.add_parser(sub)
        config_cli.add_parser(sub)
        export_cli.add_parser(sub)
        schema.add_parser(sub)
    for sp in sub.choices.values():
        _add_common(sp, argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = _command(argv)
    if command in IN_PROCESS:
        _numpy_with_embedder_threads()
    parser = build_parser(command)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2, made distinct)
        code = exc.code if isinstance(exc.code, int) else 1
        return USAGE_EXIT if code == 2 else code
    level = logging.ERROR if args.quiet else logging.WARNING - 10 * min(args.verbose, 2)
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
    except OSError as exc:  # the file system refused (disk full, read-only mount): one line, not a traceback
        logging.getLogger(__name__).debug("OS error", exc_info=True)
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"mtreview: error: {where}{exc.strerror or exc}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
