"""Batch manifests: a JSONL/CSV/Parquet table or a saved `datasets` folder, one row per article.

A manifest says what each cell holds, never left to a guess: ``en_path``/``ja_path`` name files,
``en_text``/``ja_text`` hold the text itself (``src_``/``tgt_`` prefixes are aliases). A path is
resolved against the manifest's folder (or ``root``) and must stay inside it, symbolic links
followed; a path outside is a problem of that row unless ``allow_outside_root`` is set.
``from_rows`` turns the rows into ``Pair``s and per-row ``Problem``s; the JSONL and CSV readers
also read a folder's ``metadata.jsonl`` / ``metadata.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, ModelError
from ..io import formats
from ..io.formats import csv_records, json_objects
from .pairs import META_FIELDS, Pair, Problem, Side

SIDE_PREFIXES = {"en": ("en", "src"), "ja": ("ja", "tgt")}  # column prefixes of each side
KINDS = ("path", "text")  # en_path: a file to read; en_text: the text itself
MANIFEST_SUFFIXES = (".jsonl", ".csv", ".parquet")
DATASET_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # `datasets` save_to_disk


def _missing(value: Any) -> bool:
    """An empty cell: None, or NaN (how pandas fills a missing value of a column)."""
    return value is None or (isinstance(value, float) and value != value)


def clean(value: Any) -> str | None:
    """Metadata value as a string; empty, NaN and None become None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    return text or None


def _encoding(path: Path) -> str:
    """UTF-16 when the file starts with its byte-order mark, else UTF-8 (with or without BOM)."""
    with path.open("rb") as fh:
        head = fh.read(2)
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding=_encoding(path)) as fh:
            for _, row in json_objects(fh, str(path)):
                yield row
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 or UTF-16 text ({exc.reason} at byte {exc.start})") from None


def csv_rows(path: Path) -> Iterator[dict[str, Any]]:
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


def manifest_rows(path: Path) -> Iterator[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from jsonl_rows(path)
    elif suffix == ".csv":
        yield from csv_rows(path)
    else:
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise InputError(f"{path}: cannot read Parquet ({exc})") from None
        for batch in table.iter_batches(batch_size=1000):
            yield from batch.to_pylist()


def dataset_rows(path: Path) -> Iterator[dict[str, Any]]:
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


def id_of(value: Any, where: str) -> str | None:
    """A row's id as text: a string or a whole number; anything else is an error, never ``str()``-ed."""
    if value is None or isinstance(value, str):
        return clean(value)
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
    segments = _segment_columns(row, where)
    if "id" not in row:
        if segments:  # a segment file (src, tgt): one segment a row, no article id
            return (f"{where}: columns {segments[0]!r} and {segments[1]!r} hold one segment a row, not one article"
                    f" (a batch manifest has id, en_path|en_text, ja_path|ja_text); {segment_hint(where)}")
        return f"{where}: needs an 'id' column; found {found}"
    for lang, prefixes in SIDE_PREFIXES.items():
        if any(f"{p}_{k}" in row for p in prefixes for k in KINDS):
            continue
        bare = [p for p in prefixes if p in row]
        also = f" (or, if each row is one segment of one article: {segment_hint(where)})" if segments else ""
        if bare:
            return (f"{where}: column {bare[0]!r} does not say whether it holds a path or the text: "
                    f"rename it {lang}_path or {lang}_text{also}")
        return f"{where}: needs columns id, en_path|en_text and ja_path|ja_text; found {found}{also}"
    return None


def _segment_columns(row: dict[str, Any], where: str) -> tuple[str, str] | None:
    """The source and translation columns of a segment file given as a manifest (a .jsonl/.csv file with
    ``src``/``tgt`` columns or their aliases, and no ``*_path``/``*_text`` column), else None."""
    if formats.format_of(Path(where)) is None or any(str(c).endswith(("_path", "_text")) for c in row):
        return None
    names = {str(c).strip().lower(): str(c) for c in row}
    src = [names[a] for a in formats.COLUMNS["src"] if a in names]
    tgt = [names[a] for a in formats.COLUMNS["tgt"] if a in names]
    return (src[0], tgt[0]) if src and tgt else None


def segment_hint(path: str | Path) -> str:
    """What takes a segment file (both sides in one file, one segment a row), which a batch does not."""
    return f"review it as one article with `mtreview review {path}`, or score its rows with `mtreview score {path}`"


def from_rows(rows: Iterable[dict[str, Any]], roots: Roots, where: str) -> tuple[list[Pair], list[Problem]]:
    pairs, problems = [], []
    for n, row in enumerate(rows, 1):
        if n == 1 and (why := _columns_error(row, where)):
            raise InputError(why)
        article_id = id_of(row.get("id"), f"{where}: row {n}")
        if article_id is None:
            raise InputError(f"{where}: row {n} has no 'id'")
        try:
            pair = Pair(article_id, roots.side(row, "en"), roots.side(row, "ja"),
                        {k: clean(row.get(k)) for k in META_FIELDS})
        except InputError as exc:
            problems.append(Problem(article_id, str(exc)))
            continue
        pairs.append(pair)
    return pairs, problems
