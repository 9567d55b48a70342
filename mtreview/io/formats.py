"""Segment files: TSV/CSV, JSONL, XLIFF 1.2 / 2.x and TMX read into rows of units.

Each row is ``{"line", "id", "src", "tgt", "ref", "mt"}``: ``line`` is the 1-based line of
the unit in the file (for XML formats: the unit's 1-based index), ``id`` the id column or
attribute (else the line number as a string), ``ref``/``mt`` are None when absent.

A TSV/CSV without a header (as sacrebleu and COMET users keep them) is read as
``src<TAB>tgt[<TAB>ref]`` when its first row has two or three fields, none a column name
below, and Japanese text in one of them. A TSV is read without quoting, except a cell a
spreadsheet quoted (``unquote_cell``: doubled quotes inside) and a file with a quoted header.

XML is parsed without the network and without reading external entities: a reference to one is an
error, not a silent deletion; entities declared with their text inside the file are expanded.

Column names (case-insensitive, first match wins): src = src | source | en | english;
tgt = tgt | target | ja | japanese | translation (when there is no tgt column, the mt
column is the translation under review); id = id | segid | seg_id; ref = ref |
reference; mt = mt | hyp | hypothesis. XLIFF and TMX are read by ``cat``
(lxml), keeping inline tags as placeholders for the round trip.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..lang.ja import JA_SCRIPT
from ..registry import READERS

SUFFIXES = {
    ".tsv": "tsv", ".tab": "tsv", ".csv": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff", ".sdlxliff": "xliff", ".mqxliff": "xliff",
    ".tmx": "tmx",
}
COLUMNS = {
    "src": ("src", "source", "en", "english"),
    "tgt": ("tgt", "target", "ja", "japanese", "translation"),
    "id": ("id", "segid", "seg_id"),
    "ref": ("ref", "reference"),
    "mt": ("mt", "hyp", "hypothesis"),
}


def format_of(path: Path) -> str | None:
    """The segment-file format of ``path`` by its suffix (tsv, jsonl, xliff, tmx), else None."""
    return SUFFIXES.get(path.suffix.lower())


def _columns(names: list[str], name: str, line: int) -> dict[str, str]:
    """Map our fields to the file's column names; src and tgt (or mt) are required."""
    lowered = {n.strip().lower(): n for n in names}
    found = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in lowered:
                found[field] = lowered[alias]
                break
    if "tgt" not in found and "mt" in found:  # the MT output is the translation under review, not a
        found["tgt"] = found.pop("mt")        # second translation to compare it with (chrF 100 against itself)
    missing = [f for f in ("src", "tgt") if f not in found]
    if missing:
        got = ", ".join(n for n in names if n) or "nothing"
        raise InputError(
            f"{name}:{line}: missing column {' and '.join(missing)} "
            f"(need src and tgt, or en and ja; found: {got})"
        )
    return found


def _row(values: dict[str, Any], cols: dict[str, str], line: int, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {"line": line}
    for field in ("src", "tgt", "ref", "mt", "id"):
        value = values.get(cols[field]) if field in cols else None
        if value is not None and not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool) and field == "id":
                value = str(value)
            else:
                raise InputError(f"{name}:{line}: {cols[field]!r} must be text, not {type(value).__name__}")
        if field in ("src", "tgt"):
            value = value or ""
        elif field in ("ref", "mt"):
            value = value if value else None
        out[field] = value
    out["id"] = out["id"] or str(line)
    return {k: out[k] for k in ("line", "id", "src", "tgt", "ref", "mt")}


HEADERLESS = {2: ("src", "tgt"), 3: ("src", "tgt", "ref")}
_JA = re.compile(f"[{JA_SCRIPT}]")


def _headerless(first: list[str]) -> bool:
    """True when the first row is data, not a header: two or three fields, none a known column
    name, one with Japanese script, and one longer than a column name would be."""
    known = {a for aliases in COLUMNS.values() for a in aliases}
    if len(first) not in HEADERLESS or any(f.strip().lower() in known for f in first):
        return False
    japanese = any(_JA.search(f) for f in first)
    return japanese and any(len(f.strip()) > 8 for f in first)


def csv_records(text: str, name: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """(first line, fields) of each non-empty CSV record, read strictly: a stray quote (one that
    swallows the rows after it, or a quote left open to the end of the file) is an InputError."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    records = []
    start = 1
    try:
        for fields in reader:
            if fields:
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{name}:{start}: bad CSV ({exc}): a stray quote? Quote whole fields and "
                         "double the quotes inside them") from None
    return records


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def quoted_header(text: str) -> bool:
    """True for a TSV whose header cells are all in quotes (LibreOffice's "quote all text cells"):
    the whole file is quoted as CSV is, and its cells may hold line breaks."""
    header = text.split("\n", 1)[0].split("\t")
    return len(header) > 1 and all(_QUOTED.fullmatch(f) for f in header)


def unquote_cell(field: str) -> str:
    """A TSV cell that a spreadsheet or a CSV writer quoted (Excel's "Unicode text", pandas): wrapped in
    quotes with the quotes inside doubled (``"Putin may visit ""soon,"" it said."``) -> its text. A
    cell written without quoting never doubles a quote, so ``"We will win," he said.`` and
    ``"Enough is enough"`` stay as they are. Cell by cell: files mix the two."""
    if len(field) > 3 and _QUOTED.fullmatch(field) and '""' in field[1:-1]:
        return field[1:-1].replace('""', '"')
    return field


def read_delimited(text: str, name: str) -> list[dict[str, Any]]:
    """TSV (no quoting: one unit per line, a spreadsheet's quoted cells unquoted, a quoted header read as
    CSV with tabs) or CSV (quoted fields may span lines)."""
    if name.lower().endswith(".csv"):
        first = text.split("\n", 1)[0]
        records = csv_records(text, name, max(",;\t", key=first.count))
    elif quoted_header(text):
        records = csv_records(text, name, "\t")
    else:
        records = [(i, [unquote_cell(f) for f in ln.split("\t")]) for i, ln in enumerate(text.split("\n"), 1)
                   if ln.strip()]
    if not records:
        raise InputError(f"{name}: empty file")
    head_line, header = records[0]
    body = records[1:]
    if _headerless(header):  # sacrebleu/COMET style: src TAB tgt [TAB ref], no header line
        header = list(HEADERLESS[len(header)])
        body = records
    cols = _columns(header, name, head_line)
    rows = []
    for line, fields in body:
        if len(fields) != len(header):
            raise InputError(f"{name}:{line}: expected {len(header)} fields as in the header, "
                             f"got {len(fields)}")
        rows.append(_row(dict(zip(header, fields, strict=True)), cols, line, name))
    return rows


class _NotJson(ValueError):
    """A number JSON does not have (NaN, Infinity, 1e400)."""


def _constant(text: str) -> float:
    raise _NotJson(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(text)
    return value


def json_objects(lines: Iterable[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file; anything else is an InputError
    (including NaN, Infinity, numbers that overflow to infinity and nesting too deep to read)."""
    for line, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw, parse_constant=_constant, parse_float=_finite)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{line}: bad JSON ({exc.msg} at column {exc.colno})") from None
        except _NotJson as exc:
            raise InputError(f"{name}:{line}: {exc} is not a JSON number") from None
        except RecursionError:
            raise InputError(f"{name}:{line}: JSON nested too deeply") from None
        if not isinstance(obj, dict):
            raise InputError(f"{name}:{line}: expected a JSON object, got {type(obj).__name__}")
        yield line, obj


def read_jsonl(text: str, name: str) -> list[dict[str, Any]]:
    rows = []
    cols: dict[str, str] | None = None
    for line, obj in json_objects(text.split("\n"), name):
        cols = _columns(list(obj), name, line)
        rows.append(_row(obj, cols, line, name))
    return rows


_XML_DECL_ENCODING = re.compile(r"""\A(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def xml_bytes(text: str) -> bytes:
    """Decoded XML text as UTF-8 bytes, without the declaration's encoding (it named the bytes the
    text was decoded from, e.g. UTF-16, and would make the parser misread UTF-8)."""
    return _XML_DECL_ENCODING.sub(r"\1", text, count=1).encode("utf-8")


def _parse_xml(text: str, name: str):
    """Well-formedness first (lxml reports the line), then hand the bytes on."""
    from lxml import etree

    data = xml_bytes(text)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        msg = str(exc.msg).split(" (line")[0] if exc.msg else "syntax error"
        raise InputError(f"{name}:{line}: invalid XML ({msg})") from None
    from .cat import reject_external_entities

    reject_external_entities(root, name)
    return root, data


def read_xliff(text: str, name: str) -> list[dict[str, Any]]:
    """XLIFF 1.2 / 2.x units (SDLXLIFF/MQXLIFF ``<mrk mtype="seg">`` segments one row each); inline
    tags become protected placeholders (see ``cat``)."""
    from . import cat

    _parse_xml(text, name)
    doc = cat.read(xml_bytes(text), name)
    if doc.kind == "tmx":
        raise InputError(f"{name}:{doc.root.sourceline}: not an XLIFF file (root element <tmx>)")
    return [_row(r, {"src": "src", "tgt": "tgt", "id": "id"}, r["line"], name) for r in doc.rows()]


def read_tmx(text: str, name: str) -> list[dict[str, Any]]:
    """TMX translation units (the en and ja variants); inline tags become placeholders (see ``cat``)."""
    from . import cat

    root, _ = _parse_xml(text, name)
    if root.tag != "tmx":
        raise InputError(f"{name}:{root.sourceline}: not a TMX file (root element <{root.tag}>)")
    doc = cat.read(xml_bytes(text), name)
    return [_row(r, {"src": "src", "tgt": "tgt", "id": "id"}, r["line"], name) for r in doc.rows()]


def read_units(text: str, fmt: str, name: str) -> list[dict[str, Any]]:
    """Rows of a segment file already decoded to text."""
    return READERS.lookup(fmt)(text, name)
