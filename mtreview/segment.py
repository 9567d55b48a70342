"""Sentence splitting per language. Pure functions: Document -> list[Sentence].

Each block (paragraph) is split on its own, so a headline or a caption without final
punctuation is always its own sentence; a line break inside a block is a boundary too
(unless the block is hard-wrapped prose). Inside a line, a splitter finds candidate ends
(``.!?`` for English, ``。！？`` for Japanese, with the closing quotes and brackets that
follow them) and keeps those that are not:

- inside a quotation or bracket that closes within the same block and ``max_quote_chars``
  (multi-sentence quotations stay one sentence; an unbalanced quote protects nothing);
- inside a URL or an e-mail address;
- after an English abbreviation (titles, months before a day, state names, ``U.S.``,
  initials ...) unless the next word is a usual sentence opener;
- followed by a lower-case word or a Japanese quoting particle (``」と``).

English datelines ("VIRGINIA BEACH, Va. --", "SEOUL:") stay with the first sentence; a
dateline glued to a headline ("... in Colorado AURORA, Colo. (AP) -") starts a new one.
Offsets always index ``Document.text``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from .config import SegmentConfig
from .lang.en import MONTH_ABBREVIATIONS
from .records import Document, Sentence

Span = tuple[int, int]

# -- English ------------------------------------------------------------------------------

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Never end a sentence: titles and words that always take a following name or number.
EN_TITLES = _wordset(
    "mr mrs ms messrs dr prof st sen rep gov gen lt col maj capt cmdr adm sgt cpl pvt pres supt det insp "
    "rev hon fr sr jr mt ft vs v no nos art vol vols fig figs pp p ch sec para approx est dept univ "
    "e.g i.e cf al"
)
# Months: no boundary before a day number or a lower-case word.
EN_MONTHS = MONTH_ABBREVIATIONS
# Abbreviations that may also end a sentence: a boundary only before a usual sentence opener.
EN_AMBIGUOUS = _wordset(
    "inc corp co ltd llc plc bros jr sr etc "
    "ala ariz ark calif ca colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo "
    "mont neb nev okla ore pa tenn tex vt va wash wis wyo "
    "u.s u.k u.n d.c a.m p.m n.y n.j n.h n.m n.c n.d s.c s.d r.i e.u u.a.e"
)
EN_OPENERS = _wordset(
    "the a an he she it they we i you this that these those there here his her their its our my "
    "in on at by for from to with after before when while as if but and so yet or nor however meanwhile "
    "according police officials authorities some many most all no one two three both each "
    "what why how who where which mr mrs ms dr"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|"
                  r"gov|edu|co\.uk|jp|io)\b(?:/\S*)?")
_EN_END = re.compile(r"(?:\.\.\.|…|[.!?])+[\"'”’)\]]*(?=\s+\S)")
_WORD_BEFORE = re.compile(r"(\S+?)(?:\.\.\.|…|[.!?])+[\"'”’)\]]*$")
_DATELINE = re.compile(
    r"(?<=[a-z0-9)])\s+(?=[A-Z][A-Z.'-]+(?:\s[A-Z][A-Z.'-]+){0,3}"
    r"(?:,\s[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?\s(?:\((?:AP|AFP|Reuters|UPI)\)\s)?(?:--|—|–|-)\s)"
)
# A sentence whose full stop is missing ("... with the objection of four MPs The Senate will ..."):
# a capitalised opener after a content word, outside Title Case text.
_MISSING_STOP = re.compile(
    r"(?<=[a-z0-9A-Z\"”’])\s+(?=(?:The|And|According|But|This|These|That|However|A|It|As|Some|In|When|After|While|How)\s[A-Za-z0-9])"
)
_GLUE = _wordset(
    "the a an of and or in on at to for by with from into onto as than that this these those his her their "
    "its our my your is are was were be been said says told about over under after before between against "
    "during without within like via per vs"
)
_EN_QUOTES = {'"': '"', "“": "”", "(": ")", "[": "]"}
_EN_CLOSERS = {'"': '"', "”": "“", ")": "(", "]": "["}

# -- Japanese -----------------------------------------------------------------------------

_JA_OPEN = {"「": "」", "『": "』", "（": "）", "(": ")", "〔": "〕", "【": "】", "［": "］", "《": "》",
            "〈": "〉"}
_JA_CLOSE = {v: k for k, v in _JA_OPEN.items()}
_JA_SYMMETRIC = frozenset('“”"')  # the seed pairs “…“ and ”…“: treat them as one toggling mark
_JA_END = re.compile(r"[。！？!?]+[」』）〕】”’)\]]*")
_JA_CONTINUE = re.compile(r"\s*(?:と|って|っ|など|なんて|との|とか|、|，)")


def _protected(text: str, start: int, end: int, opens: dict[str, str], closes: dict[str, str],
               symmetric: Iterable[str], max_chars: int) -> list[Span]:
    """Spans of brackets and quotations that close inside [start, end) within ``max_chars``.

    A stack tracks nesting; a symmetric mark (straight or mis-paired quote) toggles. An opener that
    never closes protects nothing, so one bad quote cannot swallow the rest of the paragraph.
    """
    sym = frozenset(symmetric)
    stack: list[tuple[str, int]] = []
    spans: list[Span] = []
    for i in range(start, end):
        ch = text[i]
        if ch in sym:
            k = next((n for n in range(len(stack) - 1, -1, -1) if stack[n][0] in sym), None)
            if k is not None and _closes_quote(text, i, start):
                spans.append((stack[k][1], i + 1))
                del stack[k:]
            else:
                stack.append((ch, i))
        elif ch in opens:
            stack.append((ch, i))
        elif ch in closes:
            want = closes[ch]
            k = next((n for n in range(len(stack) - 1, -1, -1) if stack[n][0] == want), None)
            if k is not None:
                spans.append((stack[k][1], i + 1))
                del stack[k:]
        if stack and i - stack[0][1] > max_chars:
            stack.pop(0)
    return [(a, b) for a, b in spans if b - a <= max_chars]


def _closes_quote(text: str, i: int, start: int) -> bool:
    """A symmetric quote mark closes unless it clearly opens (start of text or after a space/bracket)."""
    if text[i] == "“":
        return i > start and not text[i - 1].isspace()  # “早い時期 “に : a mis-typed closer
    if text[i] == "”":
        return True
    return i > start and not (text[i - 1].isspace() or text[i - 1] in "([{—–-")


class _Guard:
    """Positions strictly inside protected spans of [start, end), looked up in O(1)."""

    def __init__(self, start: int, end: int, spans: list[Span]) -> None:
        self.start = start
        self.mask = bytearray(end - start + 1)
        for a, b in spans:
            self.mask[a - start + 1 : b - start] = b"\x01" * max(0, b - a - 1)

    def __contains__(self, pos: int) -> bool:
        k = pos - self.start
        return 0 <= k < len(self.mask) and self.mask[k] == 1


def _en_keep_going(prev: str, mark: str, nxt: str, extra: frozenset[str]) -> bool:
    """True when the full stop after ``prev`` does not end the sentence before ``nxt``."""
    if not nxt:
        return False
    if nxt[0].islower() or nxt[0] in ",;:–—-":
        return True
    if mark != ".":
        return False
    word = prev.lstrip("\"'“‘(").lower()
    nxt_word = re.sub(r"^[\"'“‘(]+", "", nxt).split(" ")[0].rstrip(",.;:").lower()
    if word in EN_TITLES or word in extra:
        return True
    if word in EN_MONTHS:
        return nxt[0].isdigit() or nxt_word not in EN_OPENERS
    if nxt[0] == "(":
        return word in EN_AMBIGUOUS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word) is not None
    if word in EN_AMBIGUOUS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return nxt_word not in EN_OPENERS
    # an initial: "J. R. R. Tolkien"
    return re.fullmatch(r"[A-Z]", prev.lstrip("\"'“‘(")) is not None and nxt[0].isupper()


def _spans_en(text: str, start: int, end: int, config: SegmentConfig) -> list[Span]:
    chunk = text[start:end]
    spans = _protected(text, start, end, _EN_QUOTES, _EN_CLOSERS, '"', config.max_quote_chars)
    spans += [(start + m.start(), start + m.end()) for m in _URL.finditer(chunk)]
    guard = _Guard(start, end, spans)
    extra = frozenset(a.lower().rstrip(".") for a in config.en_abbreviations)
    cuts = []
    for m in _EN_END.finditer(chunk):
        cut = start + m.end()
        if cut in guard:
            continue
        before = _WORD_BEFORE.search(chunk, max(0, m.start() - 200), m.end())
        prev = before.group(1) if before else ""
        mark = "." if "." in m.group() or "…" in m.group() else m.group()[0]
        nxt = chunk[m.end():].lstrip()[:40]
        if mark == "." and m.group()[:3] in ("...", "…") and nxt[:1].isupper():
            cuts.append(cut)
            continue
        lead = chunk[: m.start() - len(prev)].rstrip()
        if mark == "." and re.fullmatch(r"\d{1,2}", prev) and (not lead or lead[-1] in ".!?\"”"):
            continue  # a list number: "1. Double bangs"
        if mark == "!" and prev.lower().endswith(("yahoo", "jeopardy")):
            continue
        if not _en_keep_going(prev, mark, nxt, extra):
            cuts.append(cut)
    cuts += [start + m.start() for m in _DATELINE.finditer(chunk) if m.start() > 0]
    cuts.sort()
    cuts += [start + m.end() for m in _MISSING_STOP.finditer(chunk)
             if start + m.end() not in guard and _missing_stop(chunk, m.start(), cuts, start)]
    return _cut(start, end, cuts)


def _missing_stop(chunk: str, pos: int, cuts: list[int], start: int) -> bool:
    """True when the words before ``pos`` read as a finished sentence with no full stop."""
    k = bisect.bisect_right(cuts, start + pos)
    begin = cuts[k - 1] - start if k else 0
    words = chunk[begin:pos].split()
    if len(words) < 4 or words[-1].lower().strip("\"'“”‘’") in _GLUE:
        return False
    after = chunk[pos:].split()[1:3]
    if chunk[pos:].lstrip().startswith("A ") and not words[-1][0].islower() and not after[0][0].isdigit():
        return False  # "Serie A side", but "... Police | A 37-year-old man"
    if len(after) == 2 and all(w[0].islower() or w[0].isdigit() for w in after):
        return True  # prose after a Title Case headline: "... 200 years old | A bridge linking"
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    capital = sum(w[0].isupper() for w in long_words)
    return capital < 0.6 * max(1, len(long_words))  # Title Case headlines have no missing stop


def _spans_ja(text: str, start: int, end: int, config: SegmentConfig) -> list[Span]:
    chunk = text[start:end]
    spans = _protected(text, start, end, _JA_OPEN, _JA_CLOSE, _JA_SYMMETRIC, config.max_quote_chars)
    spans += [(start + m.start(), start + m.end()) for m in _URL.finditer(chunk)]
    guard = _Guard(start, end, spans)
    cuts = []
    for m in _JA_END.finditer(chunk):
        cut = start + m.end()
        if cut in guard or cut >= end:
            continue
        if m.group()[0] in "!?" and m.start() > 0 and chunk[m.start() - 1].isascii() \
                and chunk[m.start() - 1].isalnum() and not chunk[m.end():m.end() + 1].isspace():
            continue  # "Yahoo!ニュース"
        if _JA_CONTINUE.match(chunk, m.end()):
            continue
        cuts.append(cut)
    return _cut(start, end, cuts)


def _cut(start: int, end: int, cuts: list[int]) -> list[Span]:
    out, pos = [], start
    for c in sorted(set(cuts)):
        if pos < c < end:
            out.append((pos, c))
            pos = c
    out.append((pos, end))
    return out


SPLITTERS: dict[str, Callable[[str, int, int, SegmentConfig], list[Span]]] = {
    "en": _spans_en,
    "ja": _spans_ja,
}


def _lines(text: str, start: int, end: int) -> list[Span]:
    """The lines of a block, or the whole block when it is hard-wrapped prose."""
    lines, pos = [], start
    for m in re.finditer(r"\n", text[start:end]):
        lines.append((pos, start + m.start()))
        pos = start + m.end()
    lines.append((pos, end))
    if len(lines) < 3:
        return lines
    body = [text[a:b].strip() for a, b in lines[:-1]]
    wrapped = [s for s in body if 50 <= len(s) <= 100 and s[-1:] not in ".!?。！？」\"”:"]
    return [(start, end)] if len(wrapped) >= 0.7 * len(body) else lines


def _trim(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _limit(text: str, a: int, b: int, max_chars: int) -> list[Span]:
    """Hard-split a runaway span (a table, a list) at spaces or commas near ``max_chars``."""
    out = []
    while b - a > max_chars:
        window = text[a : a + max_chars]
        k = max(window.rfind(" "), window.rfind("、"), window.rfind(","))
        cut = a + (k + 1 if k > max_chars // 2 else max_chars)
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


def split(doc: Document, config: SegmentConfig | None = None) -> list[Sentence]:
    """Split every block of ``doc`` into sentences, numbered from 0 in document order."""
    config = config or SegmentConfig()
    splitter = SPLITTERS[doc.lang]
    sents: list[Sentence] = []
    for bi, block in enumerate(doc.blocks):
        for la, lb in _lines(doc.text, block.start, block.end):
            for a, b in splitter(doc.text, la, lb, config):
                for c, d in _limit(doc.text, *_trim(doc.text, a, b), config.max_sentence_chars):
                    c, d = _trim(doc.text, c, d)
                    if c < d:
                        sents.append(Sentence(len(sents), c, d, doc.text[c:d], bi))
    return sents
