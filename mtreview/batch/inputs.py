"""Batch inputs: a folder of article pairs, a JSONL/CSV/Parquet manifest, or a saved `datasets` folder.

Every input becomes a sorted list of ``Pair`` (one article: its id, both sides as a file path or
as text, and its metadata) plus the problems found while pairing files (reported, not fatal).

A manifest says what each cell holds, never left to a guess: ``en_path``/``ja_path`` name files,
``en_text``/``ja_text`` hold the text itself (``src_``/``tgt_`` prefixes are aliases). A path is
resolved against the manifest's folder (or ``root``) and must stay inside it, symbolic links
followed; a path outside is a problem of that row unless ``allow_outside_root`` is set.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, ModelError
from ..io.formats import csv_records, json_objects
from ..io.output import dumps

log = logging.getLogger(__name__)

META_FIELDS = ("date", "desk", "translator")
SIDE_PREFIXES = {"en": ("en", "src"), "ja": ("ja", "tgt")}  # column prefixes of each side
KINDS = ("path", "text")  # en_path: a file to read; en_text: the text itself
DOC_SUFFIXES = (".txt", ".html", ".htm")
BILINGUAL_SUFFIXES = (".xlf", ".xliff", ".xlif", ".sdlxliff", ".mqxliff", ".tmx")  # one file, both sides
MANIFEST_SUFFIXES = (".jsonl", ".csv", ".parquet")
DATASET_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # `datasets` save_to_disk
_UNSAFE = re.compile(r"[^\w.\-]")
MAX_NAME_BYTES = 120  # longer ids become a truncated name + a hash (file names stop at 255 bytes)


@dataclass(frozen=True)
class Side:
    """One side of an article: a file to load or the text itself."""

    path: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.text is None):
            raise ValueError("a side is either a path or a text")

    def read_bytes(self) -> bytes:
        if self.path is not None:
            try:
                return Path(self.path).read_bytes()
            except OSError as exc:
                raise InputError(f"{self.path}: cannot read ({exc.strerror})") from None
        return (self.text or "").encode("utf-8")

    def hash_into(self, h: Any) -> None:
        """Feed the length and the bytes of this side to ``h``, reading a file in chunks (flat memory)."""
        if self.path is None:
            data = (self.text or "").encode("utf-8")
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
            return
        try:
            with Path(self.path).open("rb") as fh:
                h.update(os.fstat(fh.fileno()).st_size.to_bytes(8, "little"))
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read ({exc.strerror})") from None


@dataclass(frozen=True)
class Pair:
    """One article of a batch: id, English source, Japanese translation and metadata."""

    id: str
    src: Side
    tgt: Side
    meta: dict[str, str | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The file-system safe name of the article's result files."""
        return safe_name(self.id)

    def describe(self) -> dict[str, Any]:
        """The ``meta["article"]`` record of the contract (missing metadata = None)."""
        return {"id": self.id, "src_path": self.src.path, "tgt_path": self.tgt.path,
                **{k: self.meta.get(k) for k in META_FIELDS}}

    def input_hash(self) -> str:
        """A hash of everything the article's review depends on besides the configuration."""
        h = hashlib.sha256()
        self.src.hash_into(h)
        self.tgt.hash_into(h)
        Side(text=dumps(self.describe())).hash_into(h)
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Problem:
    """An article that could not even be paired (missing side, duplicate id ...)."""

    id: str
    reason: str
    src_path: str | None = None
    tgt_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "error": "InputError", "reason": self.reason,
                "src_path": self.src_path, "tgt_path": self.tgt_path}


def safe_name(article_id: str) -> str:
    """The file-name stem of an article: unsafe characters become ``_``; a name over
    ``MAX_NAME_BYTES`` (UTF-8) is cut and ends in ``~`` + a hash of the whole id, so it stays unique."""
    name = _UNSAFE.sub("_", article_id)
    name = "_" + name if name.startswith(".") or not name else name
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:16]
    head = name.encode("utf-8")[: MAX_NAME_BYTES - len(digest) - 1].decode("utf-8", errors="ignore")
    return f"{head}~{digest}"


def _missing(value: Any) -> bool:
    """An empty cell: None, or NaN (how pandas fills a missing value of a column)."""
    return value is None or (isinstance(value, float) and value != value)


def _clean(value: Any) -> str | None:
    """Metadata value as a string; empty, NaN and None become None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    return text or None


def discover(path: str | Path, root: str | Path | None = None, allow_outside_root: bool = False
             ) -> tuple[list[Pair], list[Problem]]:
    """The articles of a batch input, sorted by id, and the problems found pairing them.

    Manifest paths resolve under ``root`` (default: the manifest's folder; for a saved dataset
    the folder holding it); one outside it is a problem of its row unless ``allow_outside_root``.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if root is not None and not Path(root).is_dir():
        raise InputError(f"{root}: --root is not a folder")
    roots = Roots(Path(root) if root is not None else p.parent, allow_outside_root)
    if p.is_dir():
        if any((p / marker).is_file() for marker in DATASET_MARKERS):
            rows: Iterable[dict[str, Any]] = _dataset_rows(p)
            pairs, problems = _from_rows(rows, roots, str(p))  # relative paths: next to the dataset
        else:
            pairs, problems = _from_folder(p, allow_outside_root)
    elif p.suffix.lower() in MANIFEST_SUFFIXES:
        pairs, problems = _from_rows(_manifest_rows(p), roots, str(p))
    else:
        kinds = "/".join(MANIFEST_SUFFIXES)
        raise InputError(f"{p}: expected a folder, a saved dataset or a {kinds} manifest")
    seen: dict[str, str] = {}  # file names as Windows and macOS compare them: "Story" and "story" are one
    kept: list[Pair] = []
    for pair in sorted(pairs, key=lambda x: x.id):
        if (other := seen.get(pair.key.casefold())) is not None:
            why = "" if other == pair.key else (f" as {other!r}: names that differ only in case are one file"
                                                " on Windows and macOS")
            problems.append(Problem(pair.id, f"duplicate article id (file name {pair.key!r} already used{why})",
                                    pair.src.path, pair.tgt.path))
            continue
        seen[pair.key.casefold()] = pair.key
        kept.append(pair)
    problems.sort(key=lambda x: (x.id, x.reason))
    if not kept and not problems:
        raise InputError(f"{p}: no article pairs found (expected NAME.en.txt + NAME.ja.txt, or a manifest)")
    return kept, problems


# --- folder of NAME.en.txt / NAME.ja.txt --------------------------------------------------------

def _split_name(name: str) -> tuple[str, str] | None:
    """(article name, "en" | "ja" | "both") of a file name, or None when it names no article."""
    for suffix in BILINGUAL_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], "both"
    for suffix in DOC_SUFFIXES:
        for lang in ("en", "ja"):
            end = f".{lang}{suffix}"
            if name.lower().endswith(end) and len(name) > len(end):
                return name[: -len(end)], lang
    return None


def _folder_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """The files of ``folder`` and of its subfolders, each with its path relative to ``folder``
    (``2024/01/a.en.txt``). Hidden files and folders, and a batch output folder (it holds a ``.lock``)
    are left out; links to folders are not followed, a broken link is kept (reading it says why)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d / ".lock").exists()
                             and not _page_assets(here, d))
        for name in sorted(filenames):
            if not name.startswith(".") and ((here / name).is_file() or (here / name).is_symlink()):
                yield (here / name).relative_to(folder).as_posix(), here / name


def _page_assets(here: Path, name: str) -> bool:
    """Whether folder ``name`` holds the images and styles a browser saved with page ``NAME.html``
    ("Save Page As", complete: ``NAME_files/`` beside it)."""
    stem = name.removesuffix("_files")
    return stem != name and any((here / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm"))


def _from_folder(folder: Path, allow_outside: bool = False) -> tuple[list[Pair], list[Problem]]:
    files: dict[str, dict[str, list[Path]]] = {}
    ignored = []
    for rel, f in _folder_files(folder):  # an article in a subfolder: id "2024/01/a"
        split = _split_name(rel)
        if split:
            files.setdefault(split[0], {"en": [], "ja": [], "both": []})[split[1]].append(f)
        elif rel not in ("metadata.csv", "metadata.jsonl"):
            ignored.append(rel)
    if ignored:  # a misnamed article (NAME_en.txt, NAME.english.txt) is not silently left out
        log.warning("%d file(s) of %s ignored, not named NAME.en.txt / NAME.ja.txt (or .html, .htm): %s",
                    len(ignored), folder, ", ".join(ignored[:10]) + (" ..." if len(ignored) > 10 else ""))
    meta = _folder_metadata(folder)
    real = folder.resolve()
    pairs, problems = [], []
    for name, sides in sorted(files.items()):
        en, ja = sides["en"], sides["ja"]
        first = lambda xs: str(xs[0]) if xs else None  # noqa: E731
        if sides["both"] and len(sides["both"]) + len(en) + len(ja) == 1:  # an XLIFF/TMX: both sides in one file
            en = ja = sides["both"]
        elif sides["both"]:
            problems.append(Problem(name, f"{len(sides['both'])} bilingual file(s) (XLIFF/TMX) and {len(en + ja)} "
                                          "article file(s) of this name: keep one", first(sides["both"])))
            continue
        if len(en) != 1 or len(ja) != 1:
            what = [f"{len(xs)} {lang} files" for lang, xs in (("English", en), ("Japanese", ja))
                    if len(xs) != 1]
            problems.append(Problem(name, f"needs one English and one Japanese file, found {', '.join(what)}",
                                    first(en), first(ja)))
            continue
        outside = [f for f in (en[0], ja[0]) if not allow_outside and not f.resolve().is_relative_to(real)]
        if outside:  # a symbolic link out of the folder
            problems.append(Problem(name, f"{outside[0]}: a link to a file outside {real}; pass "
                                          "--allow-outside-root to read it", str(en[0]), str(ja[0])))
            continue
        pairs.append(Pair(name, Side(path=str(en[0])), Side(path=str(ja[0])), meta.pop(name, {})))
    for name in sorted(meta):
        log.warning("metadata for %r matches no article pair", name)
    return pairs, problems


def _folder_metadata(folder: Path) -> dict[str, dict[str, str | None]]:
    rows: list[dict[str, Any]] = []
    if (folder / "metadata.jsonl").is_file():
        rows = list(_jsonl_rows(folder / "metadata.jsonl"))
    elif (folder / "metadata.csv").is_file():
        rows = list(_csv_rows(folder / "metadata.csv"))
    out: dict[str, dict[str, str | None]] = {}
    if rows and "name" not in rows[0] and "id" not in rows[0]:
        raise InputError(f"{folder}/metadata: needs a 'name' column; found {', '.join(map(str, rows[0]))}")
    for i, row in enumerate(rows, 1):
        name = _article_id(row.get("name", row.get("id")), f"{folder}/metadata: row {i}")
        if name is None:
            raise InputError(f"{folder}/metadata: row {i} has no 'name'")
        if name in out:
            raise InputError(f"{folder}/metadata: row {i}: {name!r} appears twice")
        out[name] = {k: _clean(row.get(k)) for k in META_FIELDS}
    return out


# --- manifests and datasets ----------------------------------------------------------------------

def _encoding(path: Path) -> str:
    """UTF-16 when the file starts with its byte-order mark, else UTF-8 (with or without BOM)."""
    with path.open("rb") as fh:
        head = fh.read(2)
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding=_encoding(path)) as fh:
            for _, row in json_objects(fh, str(path)):
                yield row
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 or UTF-16 text ({exc.reason} at byte {exc.start})") from None


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a CSV file with a header; a row with more or fewer fields than the header is an error.
    Decoded as an article is: Excel on a Japanese Windows saves CSV as Shift_JIS (CP932)."""
    from ..io.load import decode

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text, _ = decode(data, str(path))
    records = csv_records(text.removeprefix("\ufeff").replace("\r\n", "\n"), str(path))
    if not records:
        return
    header = [h.strip() for h in records[0][1]]
    for line, fields in records[1:]:
        if len(fields) != len(header):
            raise InputError(f"{path}:{line}: expected {len(header)} fields as in the header, got {len(fields)}")
        yield dict(zip(header, fields, strict=True))


def _manifest_rows(path: Path) -> Iterator[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_rows(path)
    elif suffix == ".csv":
        yield from _csv_rows(path)
    else:
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise InputError(f"{path}: cannot read Parquet ({exc})") from None
        for batch in table.iter_batches(batch_size=1000):
            yield from batch.to_pylist()


def _dataset_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        import datasets
    except ImportError:
        raise ModelError(f"{path}: a saved `datasets` folder needs `pip install 'mtreview[datasets]'`") from None

    try:
        ds = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises FileNotFoundError, ValueError ...
        raise InputError(f"{path}: cannot load the saved dataset ({exc})") from None
    if isinstance(ds, datasets.DatasetDict):
        if len(ds) != 1:
            raise InputError(f"{path}: a dataset with several splits ({', '.join(ds)}); save one split")
        ds = next(iter(ds.values()))
    for batch in ds.iter(batch_size=1000):
        keys = list(batch)
        yield from (dict(zip(keys, values, strict=True)) for values in zip(*batch.values(), strict=True))


def _article_id(value: Any, where: str) -> str | None:
    """A row's id as text: a string or a whole number; anything else is an error, never ``str()``-ed."""
    if value is None or isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{where}: 'id' must be text or a whole number, not {type(value).__name__}")
    if isinstance(value, float):
        if value != value:
            return None  # an empty cell of a numeric column
        if not value.is_integer():
            raise InputError(f"{where}: 'id' must be text or a whole number, not {value!r}")
        value = int(value)
    return str(value)


@dataclass(frozen=True)
class Roots:
    """Where manifest paths may point: under ``root`` unless ``allow_outside``."""

    root: Path
    allow_outside: bool = False

    def side(self, row: dict[str, Any], lang: str) -> Side:
        """The ``en``/``ja`` side of a manifest row, from its ``*_path`` or ``*_text`` column."""
        cells = {kind: value for prefix in SIDE_PREFIXES[lang] for kind in KINDS
                 if not _missing(value := row.get(f"{prefix}_{kind}"))}
        if len(cells) == 2:  # a CSV has no empty value but a blank cell: the other one is the side
            cells = {k: v for k, v in cells.items() if not (isinstance(v, str) and not v.strip())}
        if len(cells) == 2:
            raise InputError(f"both {lang}_path and {lang}_text are given; keep one")
        if not cells:
            raise InputError(f"no {lang}_path or {lang}_text")
        kind, value = next(iter(cells.items()))
        if not isinstance(value, str):
            raise InputError(f"{lang}_{kind} must be text, not {type(value).__name__}")
        if kind == "text":
            return Side(text=value)
        return Side(path=str(self.resolve(value, lang)))

    def resolve(self, value: str, lang: str) -> Path:
        if not value.strip():
            raise InputError(f"{lang}_path is empty")
        p = Path(value.strip())  # "~" is not expanded: a manifest names files, not a user's home
        p = p if p.is_absolute() else self.root / p
        if not self.allow_outside:
            real, root = p.resolve(), self.root.resolve()
            if not real.is_relative_to(root):
                raise InputError(f"{value}: outside {root} (the manifest's folder or --root); "
                                 "pass --allow-outside-root to read it")
        return p


def _columns_error(row: dict[str, Any], where: str) -> str | None:
    """Why the first row's columns cannot be used, or None."""
    found = ", ".join(map(str, row)) or "nothing"
    if "id" not in row:
        return f"{where}: needs an 'id' column; found {found}"
    for lang, prefixes in SIDE_PREFIXES.items():
        if any(f"{p}_{k}" in row for p in prefixes for k in KINDS):
            continue
        bare = [p for p in prefixes if p in row]
        if bare:
            return (f"{where}: column {bare[0]!r} does not say whether it holds a path or the text: "
                    f"rename it {lang}_path or {lang}_text")
        return f"{where}: needs columns id, en_path|en_text and ja_path|ja_text; found {found}"
    return None


def _from_rows(rows: Iterable[dict[str, Any]], roots: Roots, where: str) -> tuple[list[Pair], list[Problem]]:
    pairs, problems = [], []
    for n, row in enumerate(rows, 1):
        if n == 1 and (why := _columns_error(row, where)):
            raise InputError(why)
        article_id = _article_id(row.get("id"), f"{where}: row {n}")
        if article_id is None:
            raise InputError(f"{where}: row {n} has no 'id'")
        try:
            pair = Pair(article_id, roots.side(row, "en"), roots.side(row, "ja"),
                        {k: _clean(row.get(k)) for k in META_FIELDS})
        except InputError as exc:
            problems.append(Problem(article_id, str(exc)))
            continue
        pairs.append(pair)
    return pairs, problems
