"""Batch review of many articles: `mtreview batch INPUT --out DIR`.

The unit of work is ``review_article(pair, config) -> Review``, a pure function of one article and
the configuration, so the same code can run under a process pool (here) or a distributed engine.
Each result is written atomically to ``DIR/articles/<id>.review.json`` (or ``<id>.error.json``;
the folder's layout is ``output.BatchFolder``)
together with the hashes of its input and configuration; a rerun skips what is already done.
The tables and the summary are then rebuilt from those files alone, in id order, so a killed and
resumed run ends with exactly the same outputs as an uninterrupted one; a file whose hashes are not
this run's (another run's result) is never taken into them.

One run at a time writes to a folder: ``DIR/.lock`` is held with ``flock`` for the whole run (the
kernel releases it when the process dies, even by ``kill -9``), and a second run fails at once.
The articles are reviewed by ``local_engine`` (a process pool here) or ``ray_engine`` (``--engine ray``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import pipeline
from ..config import BatchConfig, Config
from ..errors import ConfigError, GateError, InputError, MtreviewError
from ..io.load import check_size, load_document, load_text
from ..io.output import BatchFolder, dumps, json_file, review_record, write_atomic
from ..io.segment_files import load_pairs
from ..records import Document, Review, Severity
from . import local_engine
from .inputs import discover
from .local_engine import cores
from .pairs import Pair, Problem, Side, safe_name
from .tables import write_outputs

log = logging.getLogger(__name__)

_MODELS: dict[str, pipeline.Models] = {}
WARM_UP = ("The model is loaded once per worker.", "モデルはワーカーごとに一度だけ読み込む。")


def article_config(config: Config) -> Config:
    """The configuration an article's review depends on: the batch section (workers) is not part of it."""
    return config.replace(batch=BatchConfig())


def models_for(config: Config) -> pipeline.Models:
    """The models for ``config``, loaded (and warmed up) once per process."""
    key = config.digest()
    if key not in _MODELS:
        models = pipeline.load_models(config)
        models.embedder.encode(list(WARM_UP))  # lazy weights load now, not inside the first article
        _MODELS[key] = models
    return _MODELS[key]


def _load_side(side: Side, lang: str, config: Config) -> Document:
    if side.path is not None:
        check_size(side.path, config.limits.max_chars)
        return load_document(side.path, lang, config.load)
    if len(side.text or "") > config.limits.max_chars:
        raise InputError(f"{lang}_text: {len(side.text or ''):,} characters, more than the limit of "
                         f"{config.limits.max_chars:,} ([limits] max_chars)")
    return load_text(side.text or "", lang, config=config.load, name=f"{lang}_text")


def review_article(pair: Pair, config: Config, models: pipeline.Models | None = None) -> Review:
    """Review one article; its ``meta["article"]`` describes the pair. Raises MtreviewError.

    A pure function of the article and the configuration (``models`` only saves loading them).
    """
    if pair.src.path is not None and pair.src.path == pair.tgt.path:  # one bilingual file (XLIFF, TMX)
        check_size(pair.src.path, config.limits.max_chars, sides=2)
        src, tgt = load_pairs(pair.src.path)
    else:
        src, tgt = _load_side(pair.src, "en", config), _load_side(pair.tgt, "ja", config)
    review = pipeline.review(src, tgt, config, models or models_for(config))
    return dataclasses.replace(review, meta={**review.meta, "article": pair.describe()})


# --- per-article files ---------------------------------------------------------------------------

def result_paths(out: Path, pair: Pair) -> tuple[Path, Path]:
    folder = BatchFolder(out)
    return folder.review_path(pair.key), folder.error_path(pair.key)


def review_file(batch_dir: str | Path, article_id: str) -> Path:
    """Where ``mtreview batch`` wrote the review of ``article_id`` (ids are made file-name safe)."""
    return BatchFolder(Path(batch_dir)).review_path(safe_name(article_id))


def _stamp(input_hash: str, config_hash: str) -> dict[str, str]:
    return {"input_hash": input_hash, "config_hash": config_hash}


def is_done(out: Path, pair: Pair, stamp: dict[str, str]) -> bool:
    """True when a review or error file for this exact input and configuration already exists."""
    for path in result_paths(out, pair):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("meta", data).get("batch") == stamp:
            return True
    return False


def process_article(pair: Pair, stamp: dict[str, str], config: Config, out: Path,
                    models: pipeline.Models | None = None) -> str:
    """Review one article and write its result file; returns "ok" or "error". Never raises for bad input."""
    review_path, error_path = result_paths(out, pair)
    try:
        review = review_article(pair, config, models)
    except MtreviewError as exc:
        result, path, stale = _error(pair, stamp, type(exc).__name__, str(exc)), error_path, review_path
    except Exception as exc:  # a bug on one article must not stop the batch
        log.exception("article %s failed", pair.id)
        result, path, stale = _error(pair, stamp, type(exc).__name__, str(exc)), error_path, review_path
    else:
        result, path, stale = review_record(review, batch=stamp), review_path, error_path
    write_atomic(path, json_file(result))
    stale.unlink(missing_ok=True)
    return "ok" if path is review_path else "error"


def _reason(out: Path, pair: Pair | None) -> str:
    """The reason written in an article's error file (what errors.jsonl will say)."""
    try:
        return json.loads(result_paths(out, pair)[1].read_text(encoding="utf-8"))["reason"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "the reason is in its error file"


def _error(pair: Pair, stamp: dict[str, str], kind: str, reason: str) -> dict[str, Any]:
    first_line = reason.strip().splitlines()[0] if reason.strip() else kind
    return {"id": pair.id, "error": kind, "reason": first_line, "src_path": pair.src.path,
            "tgt_path": pair.tgt.path, "batch": stamp}


@dataclass(frozen=True)
class BatchResult:
    out: Path
    articles: int
    reviewed: int
    skipped: int
    failed: int
    summary: dict[str, Any]


def resolve_workers(requested: int | None, config: Config) -> int:
    n = requested if requested is not None else config.batch.workers
    if n < 0:
        raise ConfigError(f"workers must be 0 (all cores) or more, got {n}")
    return n or cores()


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Create ``out`` if needed and hold its lock; a folder that cannot be written, or that another
    run holds, is an InputError raised before any work starts."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not BatchFolder(out).articles.is_dir():
        raise InputError(f"{out}: --out holds other files and is not a batch output folder;"
                         " give a new or empty folder (its files would be overwritten)")
    try:
        BatchFolder(out).articles.mkdir(parents=True, exist_ok=True)
        fh = BatchFolder(out).lock.open("a+", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out}: cannot write the output folder ({exc.strerror})") from None
    with fh:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; runs there are not protected from each other
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "?"
                raise InputError(f"{out}: another batch (pid {holder}) is writing to this folder; "
                                 "wait for it or choose another --out") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield


def run_batch(input_path: str | Path, out_dir: str | Path, config: Config | None = None, *,
              workers: int | None = None, quiet: bool = False, root: str | Path | None = None,
              allow_outside_root: bool = False, engine: str = "local",
              ray_address: str | None = None) -> BatchResult:
    """Review every article of ``input_path`` into ``out_dir``; skips articles already done.

    ``root`` / ``allow_outside_root``: where manifest paths may point (see ``inputs.discover``).
    ``engine`` "local" runs a process pool here; "ray" runs the same map on Ray Data (``ray_engine``),
    on a local cluster of ``workers`` CPUs or on the cluster at ``ray_address``.
    """
    if engine not in ("local", "ray"):
        raise ConfigError(f"engine must be local or ray, got {engine!r}")
    config = config or Config()
    n_workers = resolve_workers(workers, config)
    if engine == "local" and n_workers > cores():  # more processes than cores: no faster, a model copy each
        log.warning("%d workers asked for; this machine has %d core(s): using %d", n_workers, cores(), cores())
        n_workers = cores()
    out = Path(out_dir)
    with locked(out):
        return _run_locked(input_path, out, config, n_workers, quiet, root, allow_outside_root,
                           engine, ray_address)


def _run_locked(input_path: str | Path, out: Path, config: Config, n_workers: int, quiet: bool,
                root: str | Path | None, allow_outside_root: bool, engine: str,
                ray_address: str | None) -> BatchResult:
    started = time.time()
    conf = article_config(config)
    config_hash = conf.digest()
    pairs, problems = discover(input_path, root, allow_outside_root)
    unpaired = len(problems)
    folder = BatchFolder(out)
    _refuse_other_input(folder, input_path, {p.key for p in pairs} | {safe_name(p.id) for p in problems})
    _drop_temporaries(folder)

    readable: list[Pair] = []
    stamps: dict[str, dict[str, str]] = {}
    todo: list[tuple[Pair, dict[str, str]]] = []
    for pair in pairs:
        try:
            stamp = _stamp(pair.input_hash(), config_hash)
        except MtreviewError as exc:
            problems.append(Problem(pair.id, str(exc), pair.src.path, pair.tgt.path))
            continue
        readable.append(pair)
        stamps[pair.id] = stamp
        if not is_done(out, pair, stamp):
            todo.append((pair, stamp))
    skipped = len(readable) - len(todo)
    for problem in problems:  # said on stderr like a failed review, not only in errors.jsonl
        log.warning("article %s failed: %s; see %s", problem.id, problem.reason, folder.errors)
    # every input article once: paired and readable (to review or done), paired but unreadable, not paired
    log.info("%d article(s): %d to review, %d already done, %d unreadable, %d not paired", len(pairs) + unpaired,
             len(todo), skipped, len(problems) - unpaired, unpaired)

    reviewed = failed = 0
    by_id = {pair.id: pair for pair, _ in todo}
    if todo:
        with _progress(len(todo), quiet) as bar:
            if engine == "ray":
                from . import ray_engine as batch_ray

                results = batch_ray.run(todo, conf, out, min(n_workers, len(todo)), ray_address, quiet,
                                        load_models=models_for, process=process_article)
            else:
                results = local_engine.run(todo, conf, out, min(n_workers, len(todo)), load_models=models_for,
                                           process=process_article)
            with contextlib.closing(iter(results)) as each:  # Ctrl-C here closes the pool at once too
                for article_id, status in each:
                    reviewed += status == "ok"
                    failed += status == "error"
                    if status == "error":  # with its reason, as an unpaired article's warning has
                        log.warning("article %s failed: %s; see %s", article_id,
                                    _reason(out, by_id.get(article_id)), folder.errors)
                    bar.update(1)
        _drop_temporaries(folder)  # a worker killed mid-write (and retried) leaves its temporary file

    try:
        summary = write_outputs(out, readable, sorted(problems, key=lambda p: (p.id, p.reason)), stamps,
                                csv_bom=config.batch.csv_bom)
    except BaseException:  # Ctrl-C while the tables stream to their temporary files: the old ones stay
        _drop_temporaries(folder)
        raise
    # counted as summary.json counts them: every input article, and those not paired or unreadable as failed
    _log_run(out, {"input": str(input_path), "input_abs": _input_id(input_path),
                   "articles": len(pairs) + unpaired, "reviewed": reviewed,
                   "failed": failed + len(problems),
                   "skipped": skipped, "workers": n_workers, "engine": engine, "config_hash": config_hash,
                   "started": started, "seconds": round(time.time() - started, 3)})
    return BatchResult(out, len(pairs), reviewed, skipped, failed, summary)


def _refuse_other_input(folder: BatchFolder, input_path: str | Path, keys: set[str]) -> None:
    """An InputError when ``folder`` holds results of articles that are not in this input and its last
    run read another input: this run would replace that run's tables (and its articles of the same
    names). A rerun of the same input whose articles were removed goes on: its tables drop them."""
    suffixes = (folder.REVIEW_SUFFIX, folder.ERROR_SUFFIX)
    foreign = sorted({p.name[: -len(sfx)] for p in folder.articles.iterdir() for sfx in suffixes
                      if p.name.endswith(sfx) and not p.name.startswith(".")} - keys)
    last = _last_input(folder)
    if foreign and last is not None and last != _input_id(input_path):
        raise InputError(f"{folder.root}: holds the results of {len(foreign)} article(s) of another input ({last})"
                         f" that are not in {input_path} (e.g. {foreign[0]!r}): an output folder is for one input;"
                         f" give another --out, or delete those files from {folder.articles}")


def _input_id(input_path: str | Path) -> str:
    """The input as the run log records it: its absolute path, so a rerun from another folder matches."""
    return str(Path(input_path).absolute())


def _last_input(folder: BatchFolder) -> str | None:
    """The input of the folder's last finished run (run log), or None (no run, or a log of an older
    version without ``input_abs``, which is then not second-guessed)."""
    try:
        lines = folder.run_log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            found = entry.get("input_abs")
            return found if isinstance(found, str) else None
    return None


class _NoBar:
    """The progress bar where none is shown (``--quiet``, or stderr is not a terminal)."""

    def update(self, n: int = 1) -> None:
        pass


@contextlib.contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Any]:
    """A tqdm bar on stderr; tqdm is imported only when the bar is shown (its import costs CPU)."""
    if quiet or not sys.stderr.isatty():
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="article", desc="reviewing", file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar


def _drop_temporaries(folder: BatchFolder) -> None:
    """Remove the temporary files of interrupted writes (``output.temp_path``) from ``articles/``
    and those of the tables, ``errors.jsonl`` and ``summary.json`` from the folder itself."""
    outputs = [p.name for name in folder.TABLES for p in folder.table_paths(name).values()]
    outputs += [folder.ERRORS, folder.SUMMARY]
    for tmp in [*folder.articles.glob(".*.tmp"), *(t for name in outputs for t in folder.root.glob(f".{name}.*.tmp"))]:
        tmp.unlink(missing_ok=True)


def _log_run(out: Path, entry: dict[str, Any]) -> None:
    """Append to the run log: the only output carrying timestamps (the tables never do)."""
    entry["started"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(entry["started"]))
    with BatchFolder(out).run_log.open("a", encoding="utf-8") as fh:
        fh.write(dumps(entry) + "\n")


def gate(summary: dict[str, Any], fail_on: str | None) -> None:
    """Raise GateError when any flag of severity ``fail_on`` or worse was found."""
    if not fail_on:
        return
    threshold = Severity.parse(fail_on)
    worse = [s.label for s in Severity if s >= threshold]
    hits = sum(summary["articles_by_worst_severity"].get(label, 0) for label in worse)
    if hits:
        raise GateError(f"{hits} article(s) have flags of severity {threshold.label} or worse")
