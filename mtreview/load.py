"""Load what people actually have into a Document (text + paragraph blocks + removed debris).

First slice: plain text files in common encodings, paragraphs split on blank lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from .config import LoadConfig
from .errors import InputError
from .records import Block, Document

_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN_CHAR = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str | None:
    """'ja' if the text is mostly Japanese script, 'en' if mostly Latin letters, else None."""
    ja = len(_JA_CHAR.findall(text))
    latin = len(_LATIN_CHAR.findall(text))
    if ja + latin == 0:
        return None
    # Japanese characters carry ~3-4x the content of a Latin letter.
    return "ja" if ja * 3 >= latin else "en"


def decode(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). Binary or undecodable input is an InputError."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(f"{name}: looks like UTF-16 but cannot be decoded") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary file, not text")
    for enc in ("shift_jis", "cp932", "euc_jp"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: cannot decode as UTF-8, UTF-16, Shift_JIS or EUC-JP")


def paragraphs(text: str) -> tuple[Block, ...]:
    """Blocks separated by blank lines, stripped of surrounding whitespace."""
    blocks = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\n[ \t\u3000]*\n|\s*\Z)", text, flags=re.S):
        blocks.append(Block(m.start(), m.end(), "para"))
    return tuple(blocks)


def load_text(text: str, lang: str | None = None, *, path: str | None = None,
              config: LoadConfig | None = None, encoding: str = "utf-8") -> Document:
    """A Document from text already in memory."""
    name = path or "input"
    if not text.strip():
        raise InputError(f"{name}: empty file")
    found = detect_lang(text)
    if found is None:
        raise InputError(f"{name}: no English or Japanese text found")
    names = {"en": "English", "ja": "Japanese"}
    if lang is None:
        lang = found
    elif found != lang:
        raise InputError(f"{name}: expected {names[lang]} text but this looks {names[found]}")
    return Document(text=text, lang=lang, blocks=paragraphs(text), path=path, fmt="text", encoding=encoding)


def load_document(path: str | Path, lang: str | None = None, config: LoadConfig | None = None) -> Document:
    """Load one side of an article from a file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{p}: empty file")
    text, encoding = decode(data, str(p))
    return load_text(text, lang, path=str(p), config=config, encoding=encoding)
