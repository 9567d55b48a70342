"""Load what people actually have into a Document (text + paragraph blocks + removed debris).

Entry points: ``load_document`` (a file: plain text, scraped page, HTML), ``load_bytes``
(an upload), ``load_text`` (text in memory); ``decode`` (bytes of any encoding people use),
``read_file`` (a regular file or a pipe). Files already split into segments (TSV/CSV, JSONL,
XLIFF, TMX) are read by ``segment_files``, on ``decode``; page debris rules live in ``debris``,
HTML extraction in ``webpage``.

Offsets always index ``Document.text``: the decoded text with line endings normalised
to ``\\n`` (the original style is kept in ``Document.newline``), or for HTML the text the
extractor found, or for segment files the units joined by blank lines.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..config import LoadConfig
from ..errors import InputError
from ..lang.ja import JA_SCRIPT, looks_chinese
from ..records import Block, Document
from . import debris, formats
from .webpage import html_to_text, looks_like_html

log = logging.getLogger(__name__)

_JA_CHAR = re.compile(f"[{JA_SCRIPT}]")
_LATIN_CHAR = re.compile(r"[A-Za-z]")
LANG_NAMES = {"en": "English", "ja": "Japanese"}
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def detect_lang(text: str) -> str | None:
    """'ja' if the text is mostly Japanese script, 'en' if mostly Latin letters, else None."""
    ja = len(_JA_CHAR.findall(text))
    latin = len(_LATIN_CHAR.findall(text))
    if ja + latin == 0:
        return None
    # Japanese characters carry ~3-4x the content of a Latin letter.
    return "ja" if ja * 3 >= latin else "en"


# -- encodings ----------------------------------------------------------------------

_PLAUSIBLE = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2100-\u22ff\u2460-\u27bf\u3000-\u303f\u3040-\u30ff"
    r"\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]"
)
_JA_COMMON = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff01-\uff5e]")


def _plausibility(text: str) -> float:
    """Share of characters that ordinary English/Japanese text is made of (1.0 = all)."""
    if not text:
        return 0.0
    return len(_PLAUSIBLE.findall(text)) / len(text)


def _ja_score(text: str) -> float:
    """How much a decoding looks like real Japanese: common script minus half-width kana noise."""
    if not text:
        return 0.0
    halfwidth = len(re.findall(r"[\uff61-\uff9f]", text))
    return (len(_JA_COMMON.findall(text)) - 3 * halfwidth) / len(text) + _plausibility(text)


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    if len(data) < 4 or len(data) % 2:
        return None
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        text = _strict(data, enc)
        if text is not None and "\x00" not in text and _plausibility(text) >= 0.95 and detect_lang(text):
            score = _plausibility(text)
            if best is None or score > best[0]:
                best = (score, text, enc)
    return (best[1], best[2]) if best else None


def _legacy(data: bytes) -> tuple[str, str] | None:
    """Japanese legacy encodings, chosen by how Japanese each decoding looks."""
    candidates = []
    if b"\x1b$" in data:
        candidates.append("iso2022_jp")
    candidates += ["shift_jis", "cp932", "euc_jp"]
    best = None
    for enc in candidates:
        text = _strict(data, enc)
        if text is None:
            continue
        score = _ja_score(text)
        if best is None or score > best[0] + 1e-9:
            best = (score, text, enc)
    if best is None:
        return None
    text = best[1]
    if len(_JA_CHAR.findall(text)) < 0.05 * max(1, len(re.findall(r"\w", text))) and not _few_words(data, text):
        return None  # not really Japanese: let charset-normalizer decide
    return text, best[2]


def _few_words(data: bytes, text: str) -> bool:
    """Mostly ASCII with a few Japanese words (a manifest of paths with 政治 as the desk, English with
    トヨタ in it): the high bytes come in runs, as multi-byte characters do (Windows-1252 quotes and
    accents stand alone), and every non-ASCII character of the decoding is Japanese script."""
    high = len(data.translate(None, _ASCII))
    wide = [c for c in text if ord(c) > 0x7F]
    return (sum(len(run) for run in _HIGH_RUN.findall(data)) * 2 > high and bool(wide)
            and all(_JA_COMMON.match(c) for c in wide))


def _damaged_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with a few broken bytes (a truncated copy, one bad character): the text with
    U+FFFD in their place and how many there were; None when it is not mostly UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 0x7F) - bad
    return (text, bad) if bad <= max(1, len(text) // 1000) and good >= 20 * bad else None


_ASCII = bytes(range(0x80))
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")


def _western(data: bytes) -> tuple[str, str] | None:
    """English saved on Windows (curly quotes, dashes, €, é): mostly ASCII with a few Windows-1252
    bytes. Guessing among the 8-bit code pages from so few bytes picks a wrong one (cp775 made
    “we” into ōweö), and Windows-1252 is what such a file nearly always is."""
    high = len(data.translate(None, _ASCII))
    if not high or high > 0.1 * len(data):
        return None
    if sum(len(run) for run in _HIGH_RUN.findall(data)) * 2 > high:
        return None  # high bytes mostly in runs: multi-byte characters (a few Japanese words), not quotes
    text = _strict(data, "cp1252")
    return (text, "cp1252") if text is not None and _plausibility(text) >= 0.95 else None


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


_DOCUMENTS = (  # what a translator's other files start with: said by name, not "binary file"
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a zipped document (Word .docx, Excel .xlsx, OpenDocument ...)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (Word .doc, Excel .xls)"),
    (b"{\\rtf", "an RTF document"),
)


def decode(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). Binary or undecodable input is an InputError."""
    for magic, what in _DOCUMENTS:
        if data.lstrip(b"\xef\xbb\xbf").startswith(magic):
            raise InputError(f"{name}: {what}, not text: save it as plain text (.txt), a page as HTML, "
                             "a table as TSV or CSV")
    text, encoding = _decode(data, name)
    if len(_CONTROL.findall(text[:20000])) > max(2, len(text[:20000]) // 100):
        raise InputError(f"{name}: binary file, not text")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data[3:], "utf-8")
        if text is None:
            raise InputError(f"{name}: starts with a UTF-8 BOM but is not valid UTF-8")
        return text, "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16")
        if text is None:
            raise InputError(f"{name}: looks like UTF-16 but cannot be decoded")
        return text, "utf-16"
    if b"\x1b$" in data:  # ISO-2022-JP escapes: 7-bit, so it would pass as UTF-8
        text = _strict(data, "iso2022_jp")
        if text is not None:
            return text, "iso2022_jp"
    text = _strict(data, "utf-8")
    if text is not None and "\x00" not in text:
        return text, "utf-8"
    if b"\x00" in data:
        found = _bomless_utf16(data)
        if found:
            return found
        raise InputError(f"{name}: binary file, not text")
    damaged = _damaged_utf8(data)
    if damaged is not None:
        log.warning("%s: %d invalid UTF-8 byte sequence(s) replaced by U+FFFD", name, damaged[1])
        return damaged[0], "utf-8"
    found = _legacy(data) or _western(data)
    if found:
        return found
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        text = str(guess)
        if _plausibility(text) >= 0.95:
            return text, guess.encoding
    raise InputError(f"{name}: cannot decode as UTF-8, UTF-16, Shift_JIS or EUC-JP (binary file?)")


def normalise_newlines(text: str) -> tuple[str, str]:
    """Text with ``\\r\\n`` and ``\\r`` turned into ``\\n``, and the original style (lf/crlf/cr/mixed)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    styles = [s for s, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    style = styles[0] if len(styles) == 1 else ("mixed" if styles else "lf")
    if crlf or cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, style


# -- documents ----------------------------------------------------------------------


def paragraphs(text: str, kind: str = "para") -> tuple[Block, ...]:
    """Blocks separated by blank lines, stripped of surrounding whitespace."""
    blocks = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\n[ \t\u3000]*\n|\s*\Z)", text, flags=re.S):
        blocks.append(Block(m.start(), m.end(), kind))
    return tuple(blocks)


def check_lang(text: str, lang: str | None, name: str) -> str:
    """The language of ``text``; an InputError when it is neither or not the expected one."""
    found = detect_lang(text)
    if found is None:
        raise InputError(f"{name}: no English or Japanese text found")
    if lang is not None and lang not in LANG_NAMES:
        raise InputError(f"{name}: unsupported language {lang!r} (expected en or ja)")
    if found == "ja" and looks_chinese(text):
        raise InputError(f"{name}: expected {LANG_NAMES[lang or 'ja']} text but this looks Chinese "
                         "(Han characters without kana)")
    if lang is None:
        return found
    if found != lang:
        raise InputError(f"{name}: expected {LANG_NAMES[lang]} text but this looks {LANG_NAMES[found]}")
    return lang


# Paragraph breaks that are not a blank line (U+2029 from JavaScript/JSON sources, a page break): an article's
# paragraphs are found on blank lines. A line break inside a paragraph (U+2028, Word's vertical tab) stays as
# it is: a sentence may run over it. Segment files keep them all: a cell is one line.
_BREAKS = {0x2029: "\n\n", 0x0C: "\n\n"}


def load_text(text: str, lang: str | None = None, *, path: str | None = None,
              config: LoadConfig | None = None, encoding: str = "utf-8", fmt: str = "text",
              name: str | None = None) -> Document:
    """A Document from text already in memory: page debris removed, blocks classified.

    ``name`` says where the text came from in messages (a batch manifest's ``ja_text`` cell);
    default: ``path``, else "input"."""
    name = name or path or "input"
    config = config or LoadConfig()
    text, newline = normalise_newlines(text.removeprefix("\ufeff"))
    text = text.translate(_BREAKS)
    if not text.strip():
        raise InputError(f"{name}: empty {'file' if path else 'text'}")
    lang = check_lang(text, lang, name)
    blocks, removed = debris.clean(text, lang, config)
    if not blocks:
        raise InputError(f"{name}: no article text left after removing page debris")
    if removed and fmt == "text":
        fmt = "scraped"
    if removed:
        log.info("%s: removed %d lines of page debris", name, len(removed))
    return Document(text=text, lang=lang, blocks=blocks, removed=removed, path=path, fmt=fmt,
                    encoding=encoding, newline=newline)


def load_bytes(data: bytes, name: str = "input", lang: str | None = None,
               config: LoadConfig | None = None) -> Document:
    """A Document from an upload (bytes and the file name it came with)."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(f"{name}: empty file")
    text, encoding = decode(data, name)
    if name.lower().endswith(HTML_SUFFIXES) or looks_like_html(text):
        return load_text(html_to_text(text, name), lang, path=name, config=config, encoding=encoding,
                         fmt="html")
    return load_text(text, lang, path=name, config=config, encoding=encoding)


BYTES_PER_CHAR = 4  # the most one character takes in UTF-8 (and in UTF-16)


def check_size(path: str | Path, max_chars: int, sides: int = 1) -> None:
    """Refuse, before reading it, a file too large to hold at most ``max_chars`` characters per side
    (``[limits] max_chars``): the exact count is checked once decoded, this bounds the work before."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # reading it reports why
    if size > BYTES_PER_CHAR * max_chars * sides:
        raise InputError(f"{path}: {size:,} bytes, more than {max_chars:,} characters a side can take "
                         "([limits] max_chars)")


def read_file(path: str | Path) -> tuple[Path, bytes]:
    """The bytes of an input file (a regular file or a pipe); a missing or unreadable one is an InputError."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not (p.is_file() or p.is_fifo()):  # a pipe: the shell's <(iconv -f sjis ja.txt)
        raise InputError(f"{p}: not a file")
    try:
        return p, p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None


def is_pair_file(path: str | Path) -> bool:
    """True for files that hold both sides as segments (TSV/CSV, JSONL, XLIFF, TMX: ``segment_files``)."""
    return formats.format_of(Path(path)) is not None


def load_document(path: str | Path, lang: str | None = None, config: LoadConfig | None = None) -> Document:
    """Load one side of an article from a file (plain text, scraped page or HTML)."""
    p, data = read_file(path)
    if is_pair_file(p):
        raise InputError(f"{p}: a segment file holds both sides; give it alone (mtreview review {p.name})")
    return load_bytes(data, str(p), lang, config)
