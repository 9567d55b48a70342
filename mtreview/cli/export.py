"""``mtreview export INPUT --format F``: reviews out to the files CAT tools, Excel and browsers open.

INPUT is one of
  * a review record (``mtreview review --out R.json``, ``BATCH/articles/ID.review.json``); with
    ``--db URL --article ID`` the edits, comments and flag decisions saved in the review UI apply;
  * a review database (an SQLAlchemy URL, or a ``.db``/``.sqlite`` file) with ``--article ID``:
    the article is reviewed again from its stored texts, as the UI does, with its saved state;
  * a batch output folder (``mtreview batch --out DIR``): html, xlsx or mqm over all its articles;
    with ``--db URL`` the decisions saved on its articles in the review UI apply (rejected flags
    no longer count in MQM), and ``--format decisions`` writes them into the folder as the
    ``decisions`` table (``decisions.parquet`` / ``.csv``).

Article formats: xliff and tmx (when the review was made from an XLIFF/TMX file, that file goes
out again with the same ids and inline tags, see ``cat_export``; otherwise a new file), csv
(``--bom`` for Japanese Excel), jsonl, xlsx (segments, flags, summary sheets), html (a
self-contained report) and mqm (the MQM Viewer / Marot TSV); the article renderers tmx, xlsx, html
and mqm live in ``export_formats`` (the review UI's download buttons use them too).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, config_files, config_path, load_config
from ..errors import InputError, UsageError
from ..io import html_report, workbook
from ..io.output import BatchFolder, dumps, read_review, writable_file, write_atomic
from ..records import Review
from ..score import mqm
from ..ui import export
from .db import db_url
from .export_formats import to_html, to_mqm, to_xlsx

log = logging.getLogger(__name__)

FORMATS = ("xliff", "tmx", "csv", "jsonl", "xlsx", "html", "mqm", "decisions")
BATCH_FORMATS = ("html", "xlsx", "mqm", "decisions")


@dataclass
class Reviewed:
    """One article to export: its review record, the store's saved state and where it came from."""

    name: str
    review: Review
    data: dict[str, Any]
    states: dict[int, Any] = field(default_factory=dict)
    article: Any = None  # store.ArticleState when it came from a database
    base: Path | None = None  # folder of the review record (relative source paths resolve against it)

    def decide(self) -> mqm.Decide | None:
        return mqm.store_decider(self.states) if self.states else None


def _read_record(path: Path) -> tuple[Review, dict[str, Any]]:
    """A review record and its plain dict (``Review.to_dict()``, what mqm and html_report read)."""
    try:
        review = read_review(path)
    except AttributeError as exc:  # a JSON value of the wrong kind inside the record
        raise InputError(f"{path}: not a review record ({exc.__class__.__name__}: {exc})") from None
    return review, review.to_dict()


def _from_db(url: str, article: str | None, config: Config) -> Reviewed:
    from .. import pipeline
    from ..io.load import load_text
    from ..ui.store import Store

    store = Store(url)
    try:
        arts = store.articles()
        if article is None:
            if len(arts) != 1:
                listing = ", ".join(f"{a.id} ({a.name})" for a in arts[:10]) or "none"
                raise InputError(f"{url}: give --article ID (articles: {listing})")
            article = arts[0].id
        art = store.article(article)
        states = store.segment_states(art.id)
        silenced = store.suppressed_keys(art.id)
    finally:
        store.close()
    if art.source.startswith("batch:"):
        from ..batch.runner import review_file

        review, data = _silenced(*_read_record(review_file(Path(art.source[len("batch:"):]), art.name)), silenced)
    else:
        log.info("reviewing %s again from its stored texts", art.name)
        review = pipeline.review(load_text(art.src_text, "en", path=f"{art.name} (en)"),
                                 load_text(art.tgt_text, "ja", path=f"{art.name} (ja)"), config,
                                 suppressed=silenced)
        data = review.to_dict()
    return Reviewed(export.batch_article_id(review) or art.name, review, data, states, art)


def _silenced(review: Review, data: dict[str, Any], keys: frozenset[str]) -> tuple[Review, dict[str, Any]]:
    """The review without the flags that rejections in other articles silence (as the review view
    shows it, and as its own export buttons write it)."""
    if not keys:
        return review, data
    from ..ui.render import without_suppressed

    review = without_suppressed(review, keys)
    return review, review.to_dict()


def load_reviewed(source: str, config: Config, db: str | None = None, article: str | None = None) -> Reviewed:
    """The article that ``source`` (a review record or a database) names."""
    url = db_url(source, must_exist=True)
    if url is not None:
        return _from_db(url, article, config)
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file (expected a review record .json, a database or a batch folder)")
    review, data = _read_record(path)
    name = export.batch_article_id(review) or path.name.removesuffix(".json").removesuffix(".review")
    reviewed = Reviewed(name, review, data, base=path.parent)
    if db is not None:
        from ..ui.store import Store

        if article is None:
            raise InputError("--db needs --article ID: the article whose saved edits and decisions apply")
        store = Store(db_url(db, must_exist=True) or db)
        try:
            reviewed.article = store.article(article)
            reviewed.states = store.segment_states(article)
            _same_article(reviewed)
            reviewed.review, reviewed.data = _silenced(review, reviewed.data, store.suppressed_keys(article))
        finally:
            store.close()
    return reviewed


def _same_article(r: Reviewed) -> None:
    """Refuse the saved work of another article: none of its saved segments holds this record's texts."""
    by_id = {seg.id: seg for seg in r.review.segments}
    known = {k: st for k, st in r.states.items() if st.src is not None}  # saved with the texts they were on
    fits = [k for k, st in known.items() if k in by_id and st.matches(by_id[k].src, by_id[k].tgt)]
    if known and not fits:
        raise InputError(f"--article {r.article.id} ({r.article.name}): its saved work was done on other texts:"
                         " not this review's article (mtreview export DB -f csv, without --article, lists the ids)")
    if len(fits) < len(known):
        log.warning("%s: the saved work of segment(s) %s was done on other texts (re-aligned since?)", r.name,
                    ", ".join(str(k) for k in sorted(set(known) - set(fits))))


def _original(r: Reviewed, fmt: str, given: str | None) -> Path | None:
    """The CAT file the review was made from, when it is of the kind ``fmt`` asks for."""
    if given:
        p = Path(given)
        if not p.is_file():
            raise InputError(f"{given}: no such file")
        return p
    src = r.data.get("meta", {}).get("src", {})
    if src.get("format") != fmt or not src.get("path"):
        return None
    for p in (Path(src["path"]), (r.base or Path()) / src["path"]):
        if p.is_file():
            return p
    raise InputError(f"the review was made from {src['path']}, which is not found: give --original FILE "
                     "to write it back with its ids and tags")


def _round_trip(r: Reviewed, path: Path) -> bytes:
    from ..io import cat, cat_export

    return cat_export.export(cat.read(path.read_bytes(), str(path)), r.review, r.states)


def article_bytes(r: Reviewed, fmt: str, config: Config, original: str | None = None, bom: bool = False) -> bytes:
    """The export of one reviewed article in ``fmt`` (one of FORMATS)."""
    if fmt in ("xliff", "tmx"):
        path = _original(r, fmt, original)
        if path is not None:
            return _round_trip(r, path)
        return export.export(fmt, r.review, r.states, r.article)
    if fmt == "csv":
        return ("\ufeff" if bom else "").encode("utf-8") + export.export(fmt, r.review, r.states, r.article)
    if fmt == "jsonl":
        return export.export(fmt, r.review, r.states, r.article)
    if fmt == "xlsx":
        return to_xlsx(r.review, r.states, r.article, config.mqm)
    if fmt in ("html", "mqm"):
        return (to_html if fmt == "html" else to_mqm)(r.review, r.states, r.article, config.mqm, r.name)
    raise InputError(f"unknown export format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def batch_bytes(folder: Path, fmt: str, config: Config, db: str | None = None) -> bytes:
    """The export of a batch output folder in ``fmt`` (one of BATCH_FORMATS)."""
    import pyarrow.parquet as pq

    from ..batch import decisions as batch_decisions
    from ..batch.table_files import read_summary, read_table

    if fmt not in BATCH_FORMATS:
        raise InputError(f"a batch folder exports as {', '.join(BATCH_FORMATS)} (its CSV and Parquet tables "
                         f"are in {folder} already), not {fmt}")
    layout = BatchFolder(folder)
    summary = read_summary(folder)
    articles = read_table(folder, "articles").to_pylist()  # Parquet, else its CSV twin
    states = batch_decisions.store_states(folder, db_url(db, must_exist=True) or db) if db else {}
    decisions = batch_decisions.decision_rows(folder, articles, states)
    if fmt == "decisions":
        if not db:
            raise InputError("--format decisions needs --db URL: the review database holding the decisions")
        paths = batch_decisions.write_decisions(folder, decisions)
        note = f"{len(decisions)} decision(s) on {len(states)} article(s) written to {paths[0]} and {paths[1]}\n"
        return note.encode()
    if states:
        articles = batch_decisions.rescore(folder, articles, states, config.mqm)
    if fmt == "html":
        return html_report.batch_html(summary, articles, f"batch {folder.name}", config.mqm).encode("utf-8")
    if fmt == "xlsx":
        tables = {"articles": articles,
                  **{name: read_table(folder, name).to_pylist() for name in ("segments", "flags")}}
        stored = layout.table_path(batch_decisions.TABLE, "parquet")
        if decisions or stored.is_file():
            tables["decisions"] = decisions or pq.read_table(stored).to_pylist()
        edits = batch_decisions.edit_rows(folder, articles, states)
        if edits:
            tables["edits"] = edits
        tables["summary"] = [{"key": k, "value": dumps(v) if isinstance(v, (dict, list)) else v}
                             for k, v in summary.items()]
        return workbook.xlsx(tables)
    from ..batch.runner import review_file

    records = [(a["article_id"], _read_record(review_file(folder, a["article_id"]))[1],
                mqm.store_decider(states[a["article_id"]]) if a["article_id"] in states else None,
                mqm.Credits(states.get(a["article_id"], {})))
               for a in articles]
    return mqm.anthea_tsv(records, config.mqm).encode("utf-8")


def _batch_files(folder: Path) -> list[Path]:
    """A batch folder's own files (tables, summary, logs, review records): an export never writes over them."""
    if not folder.is_dir():
        return []
    layout = BatchFolder(folder)
    tables = [p for name in (*layout.TABLES, "decisions") for p in layout.table_paths(name).values()]
    return [layout.summary, layout.errors, layout.run_log, layout.lock, *tables,
            *(layout.articles.iterdir() if layout.articles.is_dir() else ())]


def cmd_export(args: argparse.Namespace) -> int:
    folder = Path(args.input)
    if args.format == "decisions":
        if not folder.is_dir():
            raise InputError(f"{args.input}: --format decisions writes a batch output folder's decisions table "
                             "(give the folder and --db URL); export a review record as "
                             f"{', '.join(f for f in FORMATS if f != 'decisions')}")
        if args.out is not None:
            raise UsageError("--format decisions writes decisions.parquet and decisions.csv into the batch "
                             "folder itself: leave out --out")
    config = load_config(config_path(args.config))
    if args.out not in (None, "-"):
        writable_file(args.out, "--out", (args.input, args.original, args.db, *_batch_files(folder),
                                          *config_files(config_path(args.config), config)))
    elif args.format == "xlsx" and sys.stdout.isatty():
        raise UsageError("--format xlsx writes a binary workbook: give --out FILE.xlsx (or redirect standard output)")
    if folder.is_dir():
        data = batch_bytes(folder, args.format, config, args.db)
        if args.format == "decisions":
            sys.stderr.write(data.decode("utf-8"))
            return 0
    else:
        reviewed = load_reviewed(args.input, config, args.db, args.article)
        data = article_bytes(reviewed, args.format, config, args.original, args.bom)
    _write(data, args.out)
    return 0


def _write(data: bytes, out: str | None) -> None:
    if out is None or out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror})") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a review out as XLIFF, TMX, CSV, JSONL, Excel, HTML or MQM TSV",
                       description="Write a review record, a review-database article or a batch folder out to "
                                   "the files CAT tools, Excel and browsers open.")
    p.add_argument("input", metavar="REVIEW_OR_DB",
                   help="review record (.json), review database (URL or .db/.sqlite file) or batch output folder")
    p.add_argument("--format", "-f", required=True, choices=FORMATS,
                   help="xliff/tmx: the original CAT file round-tripped (or a new one); csv, jsonl, xlsx, html; "
                        "mqm: MQM Viewer / Marot TSV; decisions (batch folder + --db): the decisions table, "
                        "written into the folder")
    p.add_argument("--out", "-o", help="output file (default or -: standard output)")
    p.add_argument("--article", help="article id in the database (see the error message for a list)")
    p.add_argument("--db", help="review database whose saved edits and decisions apply (to a review record, "
                                "with --article, or to a batch folder's articles)")
    p.add_argument("--original", help="the XLIFF/TMX file the review was made from (default: its recorded path)")
    p.add_argument("--bom", action="store_true", help="csv: start with a UTF-8 byte-order mark (Japanese Excel)")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values ([mqm] weights, threshold;"
                        " default: $MTREVIEW_CONFIG)")
    p.set_defaults(func=cmd_export)
