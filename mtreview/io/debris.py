"""Scraped-page cleaning: separate the article from page debris (block kinds: ``structure``).

Works line by line on the (newline-normalised) text and never edits it: what is page
debris becomes a ``Removed`` span with a reason, what is article becomes ``Block`` spans.

The rules are deliberately conservative (a real article sentence must never be lost):

* whole-line vocabulary of page chrome in English and Japanese ("Home", "Short Url:",
  "return to top", "特に人気" ...) is removed anywhere;
* a line that is nothing but a date/time is a timestamp; a line that repeats an earlier
  line of the page is a duplicate;
* looser rules (bullet lists without sentence punctuation, site slogans, cookie notices,
  "©" lines, tag lists) apply only outside the article core: above the headline or
  below the last prose paragraph.

Kept lines are grouped into blocks (a blank line, a removed line, a finished sentence or a
title-like line ends a block) and ``structure.classify`` gives each block its kind.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from ..config import LoadConfig
from ..lang.en import MONTH_PATTERN
from ..lang.page import LOADER_PHRASES
from ..records import Block, Removed
from .structure import classify, is_credit

# -- line features ------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[•·・◦▪▫►▶■□●○◆◇‣∙]|[-*](?=\s))\s*")
_TERMINAL = re.compile(r"[.!?。！？…](?:[\"'”’」』）)\]]*)(?:\s*[(（][^()（）]{1,40}[)）])?$")
_SENTENCE_MARK = re.compile(r"[。！？]|[.!?](?=\s|[\"'”’)\]]|$)")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_SHORT_URL = re.compile(r"^short\s*url\s*:?\s*(?:\S+)?$", re.I)
# "Read more: <another headline>", "【関連記事】<another headline>": a link to another story
_LINK_LINE = re.compile(
    r"^(?:(?:read more|related|see also|also read|more|watch|listen|recommended|関連記事|関連ニュース"
    r"|あわせて読みたい|合わせて読みたい)\s*[:：]|【(?:関連記事|関連ニュース|関連|写真特集)】)\s*\S",
    re.I,
)

_MONTHS = rf"(?:{MONTH_PATTERN})\.?"
_DATE_TOKENS = re.compile(
    "|".join([
        r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:t\d{1,2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:?\d{2})?)?",
        r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}",
        r"\d{1,2}/\d{1,2}(?:\s*\([月火水木金土日]\))?",
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}",
        rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}",
        r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?",
        r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:\s*[(（][月火水木金土日][)）])?",
        r"\d{1,2}時(?:\d{1,2}分)?(?:\d{1,2}秒)?",
        r"(?:gmt|utc|jst|est|edt|cst|cdt|pst|pdt|bst|cet|cest|ast|kst)\s*[+-]?\d{0,2}(?::?\d{2})?",
        r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?",
        r"(?:updated|published|posted|last|modified|created|on|at|date|time)\b:?",
        r"(?:更新|配信|公開|掲載|投稿|最終更新)(?:日時?)?[:：]?",
    ]),
    re.I,
)
_DATE_CORE = re.compile(r"\d{1,2}:\d{2}|\d{4}|\d{1,2}月\d{1,2}日|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")

_COPYRIGHT_STRONG = re.compile(
    r"all rights reserved|無断(?:転載|複製|使用)|^copyright\s+(?:©\s*)?\d{4}", re.I
)
_COPYRIGHT_WEAK = re.compile(r"©|\(c\)\s*\d{4}|^copyright\b|著作権", re.I)
_COOKIE = re.compile(r"cookie|クッキー", re.I)
_COOKIE_ACT = re.compile(r"accept|consent|agree|policy|settings|we use|同意|使用|利用|設定", re.I)
_BREADCRUMB_SEP = re.compile(r"\s+[|›»>/]\s+")
_LABELLED = re.compile(r"^([^:：]{1,30})[:：]\s*(?=\S)")

_VOCAB = LOADER_PHRASES
_SHARE_WORDS = {w for w, r in _VOCAB.items() if r == "share"}


@functools.lru_cache(maxsize=256)
def _norm(s: str) -> str:
    """``s`` compared as page text: NFKC, runs of spaces as one, case folded. Kept: the cleaner asks
    for the same line (a whole paragraph) several times."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip().casefold()


def is_sentence_like(s: str) -> bool:
    """True when the line contains sentence punctuation (a real article line usually does)."""
    return bool(_SENTENCE_MARK.search(s))


def ends_sentence(s: str) -> bool:
    return bool(_TERMINAL.search(s.rstrip()))


def is_timestamp(s: str) -> bool:
    """A line made only of dates, times, zones and words like "Updated"."""
    n = unicodedata.normalize("NFKC", s).strip()
    if len(n) > 80 or not _DATE_CORE.search(n):
        return False
    rest = _DATE_TOKENS.sub(" ", n)
    return not re.search(r"\w", rest)


# -- the cleaner --------------------------------------------------------------------


@dataclass
class _Line:
    start: int  # offsets of the stripped content
    end: int
    text: str
    para: int  # index of the blank-line paragraph
    item: str  # text without a bullet marker
    bullet: bool
    reason: str | None = None


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    para, blank = 0, True
    pos = 0
    for raw in text.split("\n"):
        begin, pos = pos, pos + len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            if not blank and out:
                para += 1
            blank = True
            continue
        lead = len(raw) - len(raw.lstrip())
        s, e = begin + lead, begin + lead + len(stripped)
        bm = _BULLET.match(stripped)
        item = stripped[bm.end():].strip() if bm and bm.end() < len(stripped) else stripped
        out.append(_Line(s, e, stripped, para, item, bool(bm and item != stripped)))
        blank = False
    return out


def _vocab_reason(line: _Line) -> str | None:
    key = _norm(line.item).rstrip(":：").strip()
    if key in _VOCAB:
        return _VOCAB[key]
    if _SHORT_URL.match(_norm(line.item)) or _URL_ONLY.match(line.item):
        return "share"
    if _LINK_LINE.match(_norm(line.item)) and len(line.item) <= 200 and not ends_sentence(line.item):
        return "navigation"
    words = [w for w in re.split(r"[\s|/・,]+", key) if w]
    if len(words) >= 2 and all(w in _SHARE_WORDS for w in words):
        return "share"
    if _COPYRIGHT_STRONG.search(line.item) and len(line.item) <= 200:
        return "footer"
    return None


def _is_prose(line: _Line, lang: str) -> bool:
    """An article line: long enough, with sentence punctuation, and not a notice of the site."""
    item = line.item
    if line.bullet or len(item) < (40 if lang == "en" else 20) or not is_sentence_like(item):
        return False
    return not (_is_cookie(item) or (_COPYRIGHT_WEAK.search(item) and len(item) <= 200))


def _is_cookie(s: str) -> bool:
    return bool(_COOKIE.search(s) and _COOKIE_ACT.search(s)) and len(s) <= 400


def _short(s: str, lang: str) -> bool:
    return len(s) <= (60 if lang == "en" else 30)


def find_debris(text: str, lang: str, config: LoadConfig) -> list[_Line]:
    """Every non-blank line of ``text`` with ``reason`` set for the ones that are page debris."""
    lines = _lines(text)
    if not (config.strip_boilerplate or config.dedupe_blocks):
        return lines
    if config.strip_boilerplate:
        for ln in lines:
            ln.reason = _vocab_reason(ln) or ("timestamp" if is_timestamp(ln.item) else None)
            if ln.bullet and ln.reason == "share":
                ln.reason = "navigation"  # a bulleted menu of links
    prose = [i for i, ln in enumerate(lines) if ln.reason is None and _is_prose(ln, lang)]
    first_prose = prose[0] if prose else len(lines)
    last_prose = prose[-1] if prose else -1
    headline = _find_headline(lines, first_prose)
    top_end = headline if headline is not None else first_prose
    head_key = _norm(lines[headline].item) if headline is not None else None
    menus = {ln.para for ln in lines if ln.bullet and ln.reason in ("navigation", "share")}
    crumbs = {_norm(ln.item) for ln in lines[:top_end] if ln.bullet}
    seen: set[str] = set()
    prev = ""
    for i, ln in enumerate(lines):
        key = _norm(ln.text)
        # a repeat is page furniture when it follows its original, is no prose, or lies outside
        # the core; a body paragraph that repeats the caption far below it stays
        furniture = key == prev or not _is_prose(ln, lang) or i < top_end or i > last_prose
        if config.dedupe_blocks and key in seen and len(key) >= 10 and furniture:
            ln.reason = "duplicate"
        seen.add(key)
        prev = key
        if not config.strip_boilerplate or ln.reason is not None:
            continue
        ln.reason = _zone_reason(ln, i < top_end, i > last_prose, head_key)
        if ln.reason is None and i < top_end and not ln.bullet and _norm(ln.item) in crumbs:
            ln.reason = "navigation"  # a section label above the headline that the menu lists
        if ln.reason is None and ln.bullet and not is_sentence_like(ln.item) and ln.para in menus:
            ln.reason = "navigation"  # an item of a bulleted menu that also lists "Home", "facebook" ...
    if config.strip_boilerplate:
        _spread(lines, lang, top_end, last_prose)
    return lines


def _find_headline(lines: list[_Line], first_prose: int) -> int | None:
    """The (longest) line a breadcrumb bullet repeats, else the last unbulleted line without
    sentence punctuation before the first prose line."""
    candidates = [i for i in range(first_prose) if lines[i].reason is None and not lines[i].bullet
                  and not is_sentence_like(lines[i].item)]
    crumbs = {_norm(ln.item) for ln in lines[:first_prose] if ln.bullet}
    repeated = [i for i in candidates if _norm(lines[i].item) in crumbs]
    if repeated:  # the longest: a section label ("• 日本") may be repeated too
        return max(repeated, key=lambda i: (len(lines[i].item), -i))
    return candidates[-1] if candidates else None


def _zone_reason(ln: _Line, top: bool, bottom: bool, head_key: str | None) -> str | None:
    """Looser rules, for lines above the headline or below the last prose paragraph.

    Bullets are navigation above the headline, or anywhere when they repeat the headline
    (a breadcrumb); a bullet list below the article is kept unless it is a menu (see caller).
    """
    item = ln.item
    if ln.bullet and not is_sentence_like(item) and (top or _norm(item) == head_key):
        return "navigation"
    if not (top or bottom):
        return None
    if _is_breadcrumb(item):
        return "navigation"
    label = _LABELLED.match(item)  # "Topics: North Korea Russia", "タグ：北朝鮮 ロシア" below the article
    if (bottom and label and _VOCAB.get(_norm(label.group(1))) == "tags" and len(item) <= 300
            and not is_sentence_like(item[label.end():])):
        return "tags"
    if _COPYRIGHT_WEAK.search(item) and len(item) <= 200:
        return "footer"
    if _is_cookie(item):
        return "footer"
    return None


def _is_breadcrumb(s: str) -> bool:
    parts = _BREADCRUMB_SEP.split(s)
    return len(parts) >= 3 and all(len(p) <= 25 and not is_sentence_like(p) for p in parts)


_SPREADS = ("navigation", "share", "tags", "footer")


def _spread(lines: list[_Line], lang: str, top_end: int, last_prose: int) -> None:
    """Short lines without sentence punctuation next to page chrome outside the article core
    are chrome too: site names in the menu's paragraph above the headline, and below the
    article the items that follow a tag list, share row or footer line (after a tag or
    "most read" heading, the items may be other stories' headlines, so up to 150 characters)."""
    menu_paras = {o.para for o in lines[:top_end] if o.reason in ("navigation", "share")}
    for i, ln in enumerate(lines):
        if ln.reason is not None or is_sentence_like(ln.item):
            continue
        after = lines[i - 1].reason if i > last_prose + 1 else None
        if not (_short(ln.item, lang) or (after == "tags" and len(ln.item) <= 150)):
            continue
        if i < top_end:
            if ln.para in menu_paras:
                ln.reason = "site"
        elif after in _SPREADS and not is_credit(ln.item):
            ln.reason = after


def _split_runs(text: str, lines: list[_Line], lang: str) -> list[tuple[int, int]]:
    """Kept lines grouped into blocks: a blank line or a removed line ends a block, and so
    does a line break after a finished sentence or after a title-like short line."""
    runs: list[list[_Line]] = []
    prev: _Line | None = None
    longest: dict[int, int] = {}
    for ln in lines:
        if ln.reason is None:
            longest[ln.para] = max(longest.get(ln.para, 0), len(ln.text))
    for ln in lines:
        if ln.reason is not None:
            prev = None
            continue
        new_block = prev is None or prev.para != ln.para
        if new_block or ends_sentence(prev.text) or _title_like(prev, longest, lang):
            runs.append([ln])
        else:
            runs[-1].append(ln)
        prev = ln
    return [(r[0].start, r[-1].end) for r in runs]


def _title_like(prev: _Line, longest: dict[int, int], lang: str) -> bool:
    """A line without sentence punctuation shorter than its paragraph's longest line is a
    title or label, not a hard-wrapped line: English wraps run close to the wrap width,
    Japanese (fixed-width) wraps exactly at it. A line ending with a comma is never a title:
    its sentence goes on (a line broken by hand, a <br> in the copied page)."""
    width = longest[prev.para]
    short = len(prev.text) < (0.7 * width if lang == "en" else width - 2)
    return short and not is_sentence_like(prev.text) and not prev.text.rstrip().endswith(_COMMAS)


_COMMAS = (",", "、", "，", "､")


def clean(text: str, lang: str, config: LoadConfig | None = None
          ) -> tuple[tuple[Block, ...], tuple[Removed, ...]]:
    """Article blocks and removed debris of a page (offsets index ``text``)."""
    config = config or LoadConfig()
    lines = find_debris(text, lang, config)
    removed = tuple(Removed(ln.start, ln.end, ln.text, ln.reason) for ln in lines if ln.reason)
    spans = _split_runs(text, lines, lang)
    return classify(text, spans, lang, _caption_end(lines, spans)), removed


def _caption_end(lines: list[_Line], spans: list[tuple[int, int]], most: int = 4) -> int | None:
    """Start of the first "Short Url:" / timestamp line after the first block, when 1 to
    ``most`` blocks (the photo captions of a news page) lie between the two."""
    if not spans:
        return None
    head_end = spans[0][1]
    mark = next((ln.start for ln in lines
                 if ln.start > head_end and ln.reason in ("share", "timestamp")), None)
    if mark is None:
        return None
    between = sum(1 for a, b in spans[1:] if b <= mark)
    return mark if 1 <= between <= most else None
