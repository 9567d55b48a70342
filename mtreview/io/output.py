"""Writing results: deterministic JSON, atomic file writes, review records, the batch folder layout.

Every JSON mtreview writes goes through ``dumps`` (``ensure_ascii=False, sort_keys=True``), so
the same data always gives the same bytes. Files are written next to their final name and
renamed into place (``write_atomic``): a reader never sees half a file. A review record on disk
is ``Review.to_dict()``; ``review_record`` / ``read_review`` are its one writer and reader.
``BatchFolder`` owns the names inside a ``mtreview batch`` output folder::

    DIR/articles/<key>.review.json   one review record per article (or <key>.error.json)
    DIR/{articles,segments,flags}.{parquet,csv}
    DIR/summary.json  DIR/errors.jsonl  DIR/run.log.jsonl  DIR/.lock (held by the writing run)
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..records import Review, review_from_dict


def dumps(obj: Any, indent: int | None = None) -> str:
    """JSON with non-ASCII characters kept and keys sorted (the only JSON writer)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent)


def json_file(obj: Any) -> str:
    """The text of a JSON result file: one key per line, a final newline."""
    return dumps(obj, indent=1) + "\n"


def jsonl(rows: Iterable[Any]) -> str:
    """JSON Lines: one compact object per line."""
    return "".join(dumps(r) + "\n" for r in rows)


# characters XML 1.0 (XLIFF, TMX) and Excel cannot hold: C0 controls but tab and newlines, U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """``text`` as XML and Excel can hold it: a vertical tab or form feed (a line or page break, as
    Word pastes them) becomes a newline, any other character they cannot hold U+FFFD (shown, not lost
    silently)."""
    return _NOT_XML.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "\ufffd", text)


def temp_path(path: Path) -> Path:
    """The temporary name a file is written under before it is renamed to ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def in_place(path: Path) -> bool:
    """Whether ``path`` must be written where it is, not renamed onto: a device, pipe or socket
    (``--out /dev/null``, ``/dev/stdout``, a FIFO) or anything under /dev or /proc. Renaming a file
    onto /dev/null replaces the device itself (as root) or fails (as anyone else)."""
    if str(path.absolute()).startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:  # not there yet (or a dangling link): a new regular file
        return False


@contextmanager
def open_atomic(path: Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """``path`` opened for writing through a temporary file beside it, renamed onto it when the
    block ends (removed if it fails): readers never see half a file. A symbolic link keeps pointing
    at its file, which gets the new content; a device or pipe (``in_place``) is written directly."""
    if in_place(path):
        with path.open(mode, **kwargs) as fh:
            yield fh
        return
    target = path.resolve() if path.is_symlink() else path
    tmp = temp_path(target)
    try:
        with tmp.open(mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` through ``open_atomic``."""
    with open_atomic(path) as fh:
        fh.write(text.encode("utf-8") if isinstance(text, str) else text)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` name one file: the same file on disk when both are there (a symbolic
    or hard link, any spelling), else the same path once resolved (``./x`` and ``x``, ``d/../x``, a
    link to a file not written yet). The one test of file identity for outputs and inputs."""
    try:
        if Path(a).exists() and Path(b).exists():
            return os.path.samefile(a, b)
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):  # a link loop: no file there to be the same
        return False


def writable_file(path: str | Path, option: str, inputs: Iterable[str | Path | None] = ()) -> Path:
    """``path`` as a file this process can create or replace, checked before any work (InputError if not).

    ``inputs`` are the command's input files: an output naming one of them would overwrite it."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: {option} is a folder, not a file")
    if str(path).endswith(("/", os.sep)):  # Path() drops the slash: "out/" would become a file named out
        raise InputError(f"{path}: {option} names a folder (it ends with /); give a file name")
    for name in inputs:
        if name and name != "-" and Path(name).exists() and same_file(p, name):
            raise InputError(f"{p}: {option} is an input file of this command; writing it would destroy the input")
    if in_place(p):  # /dev/null, /dev/stdout, a pipe: written where it is (open_atomic); try it now
        try:
            if not stat.S_ISFIFO(p.stat().st_mode):  # a pipe with no reader yet would not open
                os.close(os.open(p, os.O_WRONLY))  # no O_TRUNC: nothing is written yet
        except OSError as exc:
            raise InputError(f"{p}: {option} cannot be written ({exc.strerror or exc})") from None
        return p
    folder = p.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{p}: {option} cannot be written (no writable folder {folder})")
    if p.exists() and not os.access(p, os.W_OK):
        raise InputError(f"{p}: {option} cannot be written (read-only file)")
    if p.is_symlink():
        p = p.resolve()
    if p.parent.is_dir():  # os.access cannot see every refusal (/proc, read-only mounts as root): try it
        probe = temp_path(p)
        try:
            probe.open("wb").close()
            probe.unlink()
        except OSError as exc:
            raise InputError(f"{p}: {option} cannot be written ({exc.strerror or exc})") from None
    return p


# --- review records ------------------------------------------------------------------------------

def review_record(review: Review, **meta: Any) -> dict[str, Any]:
    """``review`` as the dict written to disk, with ``meta`` entries added (the review is not changed)."""
    data = review.to_dict()
    data["meta"] = {**data["meta"], **meta}
    return data


def read_review(path: Path) -> Review:
    """The review record stored at ``path``; InputError when it is not one."""
    try:
        return review_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a review record ({exc.__class__.__name__}: {exc})") from None


# --- batch folder layout -------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchFolder:
    """The names inside a ``mtreview batch`` output folder (nothing is read or written here)."""

    root: Path

    ARTICLES = "articles"
    REVIEW_SUFFIX = ".review.json"
    ERROR_SUFFIX = ".error.json"
    SUMMARY = "summary.json"
    ERRORS = "errors.jsonl"
    RUN_LOG = "run.log.jsonl"
    LOCK = ".lock"
    TABLES = ("articles", "segments", "flags")
    TABLE_FORMATS = ("parquet", "csv")

    @classmethod
    def at(cls, path: str | Path) -> BatchFolder:
        return cls(Path(path).expanduser())

    @property
    def articles(self) -> Path:
        return self.root / self.ARTICLES

    def review_path(self, key: str) -> Path:
        """The review record of the article whose file-name-safe key is ``key``."""
        return self.articles / (key + self.REVIEW_SUFFIX)

    def error_path(self, key: str) -> Path:
        return self.articles / (key + self.ERROR_SUFFIX)

    def article_keys(self) -> list[str]:
        """Keys of the articles that have a review record, sorted."""
        return sorted(p.name[: -len(self.REVIEW_SUFFIX)] for p in self.articles.glob("*" + self.REVIEW_SUFFIX))

    def table_path(self, name: str, fmt: str) -> Path:
        return self.root / f"{name}.{fmt}"

    def table_paths(self, name: str) -> Mapping[str, Path]:
        return {fmt: self.table_path(name, fmt) for fmt in self.TABLE_FORMATS}

    @property
    def summary(self) -> Path:
        return self.root / self.SUMMARY

    @property
    def errors(self) -> Path:
        return self.root / self.ERRORS

    @property
    def run_log(self) -> Path:
        return self.root / self.RUN_LOG

    @property
    def lock(self) -> Path:
        """Held (flock) by the one run writing to the folder."""
        return self.root / self.LOCK
