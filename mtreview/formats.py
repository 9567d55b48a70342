"""Segment files: TSV/CSV, JSONL, XLIFF 1.2 / 2.x and TMX read into rows of units.

Each row is ``{"line", "id", "src", "tgt", "ref", "mt"}``: ``line`` is the 1-based line of
the unit in the file (for XML formats: the unit's 1-based index), ``id`` the id column or
attribute (else the line number as a string), ``ref``/``mt`` are None when absent.

A TSV/CSV without a header (as sacrebleu and COMET users keep them) is read as
``src<TAB>tgt[<TAB>ref]`` when its first row has two or three fields, none a column name
below, and Japanese text in one of them.

XML is parsed without the network and without reading external entities: a reference to one is an
error, not a silent deletion; entities declared with their text inside the file are expanded.

Column names (case-insensitive, first match wins): src = src | source | en | english;
tgt = tgt | target | ja | japanese | translation (when there is no tgt column, the mt
column is the translation under review); id = id | segid | seg_id; ref = ref |
reference; mt = mt | hyp | hypothesis. XLIFF and TMX are read with translate-toolkit.
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

from .errors import InputError
from .lang.ja import JA_SCRIPT
from .registry import READERS

SUFFIXES = {
    ".tsv": "tsv", ".tab": "tsv", ".csv": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff",
    ".tmx": "tmx",
}
COLUMNS = {
    "src": ("src", "source", "en", "english"),
    "tgt": ("tgt", "target", "ja", "japanese", "translation"),
    "id": ("id", "segid", "seg_id"),
    "ref": ("ref", "reference"),
    "mt": ("mt", "hyp", "hypothesis"),
}
_XML_NS = "{http://www.w3.org/XML/1998/namespace}lang"


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
    if "tgt" not in found and "mt" in found:
        found["tgt"] = found["mt"]
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


def read_delimited(text: str, name: str) -> list[dict[str, Any]]:
    """TSV (no quoting: one unit per line) or CSV (quoted fields may span lines)."""
    if name.lower().endswith(".csv"):
        first = text.split("\n", 1)[0]
        records = csv_records(text, name, max(",;\t", key=first.count))
    else:
        records = [(i, ln.split("\t")) for i, ln in enumerate(text.split("\n"), 1) if ln.strip()]
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


def _parse_xml(text: str, name: str):
    """Well-formedness first (lxml reports the line), then hand the bytes on."""
    from lxml import etree

    data = text.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        msg = str(exc.msg).split(" (line")[0] if exc.msg else "syntax error"
        raise InputError(f"{name}:{line}: invalid XML ({msg})") from None
    dtd = root.getroottree().docinfo.internalDTD
    declared = {e.name: e for e in dtd.iterentities()} if dtd is not None else {}
    for node in root.iter(etree.Entity):
        decl = declared.get(node.name)
        if decl is None or decl.content is None:  # external (SYSTEM/PUBLIC): never read, so it would vanish
            raise InputError(f"{name}:{node.sourceline}: the entity reference {node.text} names no text in "
                             "this file (an external entity is never read); write its text instead")
    return root, data


def read_xliff(text: str, name: str) -> list[dict[str, Any]]:
    from translate.storage import xliff, xliff2

    root, data = _parse_xml(text, name)
    if not root.tag.endswith("xliff"):
        raise InputError(f"{name}:{root.sourceline}: not an XLIFF file (root element <{root.tag}>)")
    version = root.get("version", "1.2")
    try:
        if version.startswith("2"):
            store = xliff2.Xliff2File.parsestring(data)
        else:
            store = xliff.xlifffile.parsestring(data)
    except Exception as exc:  # the toolkit raises many kinds on bad structure
        raise InputError(f"{name}:{root.sourceline}: cannot read XLIFF {version} ({exc})") from None
    rows = []
    units = [u for u in store.units if not u.isheader()]
    for index, unit in enumerate(units, 1):
        uid = unit.getid() if version.startswith("2") else unit.xmlelement.get("id")
        values = {"src": unit.source or "", "tgt": unit.target or "", "id": uid}
        rows.append(_row(values, {"src": "src", "tgt": "tgt", "id": "id"}, index, name))
    if not rows:
        raise InputError(f"{name}: no translation units found")
    return rows


def read_tmx(text: str, name: str) -> list[dict[str, Any]]:
    from translate.storage import tmx

    root, data = _parse_xml(text, name)
    if root.tag != "tmx":
        raise InputError(f"{name}:{root.sourceline}: not a TMX file (root element <{root.tag}>)")
    try:
        store = tmx.tmxfile.parsestring(data)
    except Exception as exc:  # the toolkit raises many kinds on bad structure
        raise InputError(f"{name}:{root.sourceline}: cannot read TMX ({exc})") from None
    rows = []
    for index, unit in enumerate(store.units, 1):
        by_lang: dict[str, str] = {}
        for node in unit.getlanguageNodes():
            lang = (node.get(_XML_NS) or node.get("lang") or "").lower().split("-")[0].split("_")[0]
            if lang and lang not in by_lang:
                by_lang[lang] = unit.getNodeText(node) or ""
        if not ({"en", "ja"} & set(by_lang)):
            got = ", ".join(sorted(by_lang)) or "none"
            raise InputError(f"{name}: unit {index}: no en or ja variant (languages: {got})")
        values = {"src": by_lang.get("en", ""), "tgt": by_lang.get("ja", ""), "id": unit.getid() or None}
        rows.append(_row(values, {"src": "src", "tgt": "tgt", "id": "id"}, index, name))
    if not rows:
        raise InputError(f"{name}: no translation units found")
    return rows


def read_units(text: str, fmt: str, name: str) -> list[dict[str, Any]]:
    """Rows of a segment file already decoded to text."""
    return READERS.lookup(fmt)(text, name)
