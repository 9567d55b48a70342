"""Batch inputs: a folder of article pairs, a JSONL/CSV/Parquet manifest, or a saved `datasets` folder.

Every input becomes a sorted list of ``Pair`` (one article: its id, both sides as a file path or
as text, and its metadata) plus the problems found while pairing files (reported, not fatal).
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .formats import json_objects
from .output import dumps

log = logging.getLogger(__name__)

META_FIELDS = ("date", "desk", "translator")
SRC_COLUMNS = ("en", "src")
TGT_COLUMNS = ("ja", "tgt")
DOC_SUFFIXES = (".txt", ".html", ".htm")
MANIFEST_SUFFIXES = (".jsonl", ".csv", ".parquet")
DATASET_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # `datasets` save_to_disk
_UNSAFE = re.compile(r"[^\w.\-]")


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
        for part in (self.src.read_bytes(), self.tgt.read_bytes(),
                     dumps(self.describe()).encode()):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
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
    name = _UNSAFE.sub("_", article_id)
    return "_" + name if name.startswith(".") or not name else name


def _clean(value: Any) -> str | None:
    """Metadata value as a string; empty, NaN and None become None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    return text or None


def discover(path: str | Path) -> tuple[list[Pair], list[Problem]]:
    """The articles of a batch input, sorted by id, and the problems found pairing them."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if p.is_dir():
        if any((p / marker).is_file() for marker in DATASET_MARKERS):
            rows: Iterable[dict[str, Any]] = _dataset_rows(p)
            pairs, problems = _from_rows(rows, p.parent, str(p))  # relative paths: next to the dataset
        else:
            pairs, problems = _from_folder(p)
    elif p.suffix.lower() in MANIFEST_SUFFIXES:
        pairs, problems = _from_rows(_manifest_rows(p), p.parent, str(p))
    else:
        kinds = "/".join(MANIFEST_SUFFIXES)
        raise InputError(f"{p}: expected a folder, a saved dataset or a {kinds} manifest")
    seen: set[str] = set()
    kept: list[Pair] = []
    for pair in sorted(pairs, key=lambda x: x.id):
        if pair.key in seen:
            problems.append(Problem(pair.id, f"duplicate article id (file name {pair.key!r} already used)",
                                    pair.src.path, pair.tgt.path))
            continue
        seen.add(pair.key)
        kept.append(pair)
    problems.sort(key=lambda x: (x.id, x.reason))
    if not kept and not problems:
        raise InputError(f"{p}: no article pairs found (expected NAME.en.txt + NAME.ja.txt, or a manifest)")
    return kept, problems


# --- folder of NAME.en.txt / NAME.ja.txt --------------------------------------------------------

def _split_name(name: str) -> tuple[str, str] | None:
    for suffix in DOC_SUFFIXES:
        for lang in ("en", "ja"):
            end = f".{lang}{suffix}"
            if name.lower().endswith(end) and len(name) > len(end):
                return name[: -len(end)], lang
    return None


def _from_folder(folder: Path) -> tuple[list[Pair], list[Problem]]:
    files: dict[str, dict[str, list[Path]]] = {}
    for f in sorted(folder.iterdir()):
        split = _split_name(f.name) if f.is_file() else None
        if split:
            files.setdefault(split[0], {"en": [], "ja": []})[split[1]].append(f)
    meta = _folder_metadata(folder)
    pairs, problems = [], []
    for name, sides in sorted(files.items()):
        en, ja = sides["en"], sides["ja"]
        first = lambda xs: str(xs[0]) if xs else None  # noqa: E731
        if len(en) != 1 or len(ja) != 1:
            what = [f"{len(xs)} {lang} files" for lang, xs in (("English", en), ("Japanese", ja))
                    if len(xs) != 1]
            problems.append(Problem(name, f"needs one English and one Japanese file, found {', '.join(what)}",
                                    first(en), first(ja)))
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
    for i, row in enumerate(rows, 1):
        name = _clean(row.get("name", row.get("id")))
        if name is None:
            raise InputError(f"{folder}/metadata: row {i} has no 'name'")
        out[name] = {k: _clean(row.get(k)) for k in META_FIELDS}
    return out


# --- manifests and datasets ----------------------------------------------------------------------

def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig") as fh:
        for _, row in json_objects(fh, str(path)):
            yield row


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read CSV ({exc})") from None


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
    import datasets

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


def _pick(row: dict[str, Any], names: tuple[str, ...]) -> Any:
    for n in names:
        if n in row:
            return row[n]
    return None


def _side(value: Any, base: Path) -> Side:
    """A manifest cell: a path to an existing file (absolute or relative to the manifest) or the text."""
    if value is None:
        raise InputError("missing text")
    text = str(value)
    one_line = "\n" not in text and len(text) < 1024
    if one_line:
        p = Path(text.strip())
        p = p if p.is_absolute() else base / p
        if p.is_file():
            return Side(path=str(p))
        if p.suffix.lower() in DOC_SUFFIXES:
            raise InputError(f"{p}: no such file")
    return Side(text=text)


def _from_rows(rows: Iterable[dict[str, Any]], base: Path, where: str) -> tuple[list[Pair], list[Problem]]:
    pairs, problems = [], []
    for n, row in enumerate(rows, 1):
        article_id = _clean(row.get("id"))
        if article_id is None:
            raise InputError(f"{where}: row {n} has no 'id'")
        src, tgt = _pick(row, SRC_COLUMNS), _pick(row, TGT_COLUMNS)
        if n == 1 and not (any(c in row for c in SRC_COLUMNS) and any(c in row for c in TGT_COLUMNS)):
            found = ", ".join(row)
            raise InputError(f"{where}: needs columns id, en (or src) and ja (or tgt); found {found}")
        try:
            pair = Pair(article_id, _side(src, base), _side(tgt, base),
                        {k: _clean(row.get(k)) for k in META_FIELDS})
        except InputError as exc:
            problems.append(Problem(article_id, str(exc)))
            continue
        pairs.append(pair)
    return pairs, problems
