"""Files already split into segments (TSV/CSV, JSONL, XLIFF, TMX): their units, and one Document a side.

Entry points: ``load_pairs`` / ``load_pairs_bytes`` (an English and a Japanese Document whose block i,
of kind "segment", is unit i's two sides, carrying the unit's id), ``load_rows`` / ``load_rows_bytes``
(one dict per unit, for ``mtreview score``), ``check_columns`` (a swapped or wrong-language column is an
InputError), ``load_lines`` (a line-aligned text file), ``stdin_name`` (which format a pipe is; a file's
suffix says it: ``load.is_pair_file``). Bytes are decoded by ``load.decode``; the readers of each
format are ``formats``. Offsets index the units joined by blank lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..lang.ja import looks_chinese
from ..records import Block, Document
from . import formats
from .load import LANG_NAMES, check_lang, decode, detect_lang, normalise_newlines, read_file


def _units(data: bytes, name: str) -> tuple[list[dict], str, str]:
    fmt = formats.format_of(Path(name))
    if fmt is None:
        raise InputError(f"{name}: not a segment file (expected .tsv, .csv, .jsonl, .xlf/.xliff or .tmx)")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{name}: empty file")
    text, encoding = decode(data, name)
    text, _ = normalise_newlines(text.removeprefix("\ufeff"))
    return formats.read_units(text, fmt, name), fmt, encoding


_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def stdin_name(data: bytes) -> str | None:
    """The name a segment file piped to standard input is read under, its suffix naming the format
    as a file's would: XLIFF or TMX by the root element, JSONL when it opens with ``{``, CSV when
    its first line is a header of named columns split by commas or semicolons, TSV when it has a
    tab; None when it is none of them (an article, a sentence a line)."""
    try:
        text, _ = decode(data, "<stdin>")
    except InputError:
        return "<stdin>.tsv"  # reading it says what is wrong
    text = text.removeprefix("\ufeff").lstrip()
    if not text:
        return "<stdin>.tsv"  # reading it says it is empty
    if text.startswith("<"):
        body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", "", text[:20000], flags=re.S)
        root = _ROOT.search(body)
        return "<stdin>.tmx" if root and root.group(2).lower() == "tmx" else "<stdin>.xlf"
    if text.startswith("{"):
        return "<stdin>.jsonl"
    first = text.split("\n", 1)[0]
    if "\t" in first:
        return "<stdin>.tsv"
    names = {a for aliases in formats.COLUMNS.values() for a in aliases}
    if any(f.strip().strip('"').lower() in names for f in re.split(r"[,;]", first)):
        return "<stdin>.csv"
    return None


def load_rows(path: str | Path) -> list[dict]:
    """The units of a segment file, each ``{"line", "id", "src", "tgt", "ref", "mt"}``."""
    p, data = read_file(path)
    return _units(data, str(p))[0]


def load_rows_bytes(data: bytes, name: str) -> list[dict]:
    """``load_rows`` for bytes read elsewhere (standard input); ``name``'s suffix names the format."""
    return _units(data, name)[0]


def load_lines(data: bytes, name: str) -> list[str]:
    """The lines of a line-aligned text file (one sentence per line, as sacrebleu reads them)."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{name}: empty file")
    text, _ = decode(data, name)
    text, _ = normalise_newlines(text.removeprefix("\ufeff"))
    return text.removesuffix("\n").split("\n")


def check_columns(rows: list[dict], name: str) -> None:
    """The src column must read as English and tgt as Japanese (a swapped file is an InputError)."""
    translated = "\n".join(r["tgt"] for r in rows if not _copied(r))  # copies of the source: untranslated units
    found = {"src": detect_lang("\n".join(r["src"] for r in rows)), "tgt": detect_lang(translated)}
    if found == {"src": "ja", "tgt": "en"}:
        raise InputError(f"{name}: src looks Japanese and tgt English: are the columns swapped? "
                         "(src is the English source, tgt the Japanese translation)")
    for side, lang in (("src", "en"), ("tgt", "ja")):
        if found[side] not in (None, lang):
            raise InputError(f"{name}: the {side} column should be {LANG_NAMES[lang]} but looks "
                             f"{LANG_NAMES[found[side]]}")
    if found["tgt"] == "ja" and looks_chinese(translated):
        raise InputError(f"{name}: the tgt column should be Japanese but looks Chinese (Han characters without kana)")


def load_pairs(path: str | Path) -> tuple[Document, Document]:
    """An English and a Japanese Document whose block i (kind "segment") are unit i's two sides."""
    p, data = read_file(path)
    return load_pairs_bytes(data, str(p))


def load_pairs_bytes(data: bytes, name: str) -> tuple[Document, Document]:
    """``load_pairs`` for an upload: the bytes and the file name they came with (its suffix
    names the format)."""
    rows, fmt, encoding = _units(data, name)
    if not rows:
        raise InputError(f"{name}: no segments found")
    ids = [r["id"] for r in rows]
    src = _segment_doc([r["src"] for r in rows], ids, "en", name, fmt, "src", encoding)
    tgt = _segment_doc([r["tgt"] for r in rows], ids, "ja", name, fmt, "tgt", encoding,
                       translated=[r["tgt"] for r in rows if not _copied(r)])
    return src, tgt


def _copied(row: dict) -> bool:
    """A target that is its source again: a CAT tool's copy of the source into an untranslated unit."""
    return bool(row["tgt"].strip()) and row["tgt"].strip() == row["src"].strip()


def _segment_doc(units: list[str], ids: list[str], lang: str, name: str, fmt: str, side: str, encoding: str,
                 translated: list[str] | None = None) -> Document:
    """The side's Document, block i carrying unit i's id; ``translated``: the units whose language is
    checked (a partly translated file's untranslated units hold copies of their source: they are for the
    checks to flag)."""
    parts, blocks, pos = [], [], 0
    for i, (unit, unit_id) in enumerate(zip(units, ids, strict=True)):
        unit = unit.strip()
        if i:
            parts.append("\n\n")
            pos += 2
        parts.append(unit)
        blocks.append(Block(pos, pos + len(unit), "segment", unit_id))
        pos += len(unit)
    text = "".join(parts)
    if not text.strip():
        raise InputError(f"{name}: every {side} segment is empty")
    if translated is not None and not "".join(translated).strip():
        raise InputError(f"{name}: every {side} segment is a copy of its source: nothing is translated yet")
    check_lang(text if translated is None else "\n\n".join(translated), lang, f"{name} ({side} side)")
    return Document(text=text, lang=lang, blocks=tuple(blocks), path=name, fmt=fmt, encoding=encoding)
