"""Boilerplate: web-page debris left inside the text given as the translation.

A line (or the whole segment) is debris when it is, once bullets and spaces are
stripped, a navigation / share / label phrase ("Short Url:", "return to top",
「特に人気」「オススメ」), a bare timestamp ("21 Jan 2024 11:01:28 GMT9") or a row of
such words. Prose that merely mentions Twitter or a date is left alone.
"""

from __future__ import annotations

import re

from ..lang.ja import fold_width
from ..lang.page import CHECK_PHRASES
from ..records import Flag, Severity
from .base import Article, Check

PHRASES = CHECK_PHRASES
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
TIMESTAMP = re.compile(
    rf"^(?:(?:updated|posted|published|更新|配信)[:：]?\s*)?(?:"
    rf"\d{{1,2}}\s+{MONTH}\s+\d{{4}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?(?:\s*(?:GMT|UTC|JST)[+\-]?\d*)?"
    rf"|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?(?:\s*[AP]M)?(?:\s*(?:GMT|UTC|JST)\S*)?"
    rf"|\d{{4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,2}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"|\d{{4}}年\d{{1,2}}月\d{{1,2}}日(?:\s*[（(].[)）])?\s*\d{{1,2}}[:時]\d{{2}}分?(?:\s*(?:配信|更新))?"
    rf")$",
    re.IGNORECASE,
)
SHARE = re.compile(
    r"^(?:この(?:記事|ページ)を)?(?:シェア|共有|ツイート|ブックマーク|印刷)(?:する|しよう|しましょう)?$"
)
STRIP = " \t\u3000•・·|｜>»›-–—*#■□◆◇●○▶▼"
INLINE = re.compile(r"Short Url\s*:|return to top|back to top", re.IGNORECASE)  # never prose


def _is_debris(line: str) -> bool:
    core = fold_width(line).strip(STRIP)
    if not core:
        return False
    if TIMESTAMP.match(core) or SHARE.match(core):
        return True
    words = [w.strip(STRIP) for w in re.split(r"\s{1,}|[|｜/]", core) if w.strip(STRIP)]
    low = core.lower()
    if low in PHRASES or low.rstrip(":：") in PHRASES:
        return True
    return len(words) >= 2 and all(w.lower().rstrip(":：") in PHRASES for w in words)


def debris_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are page debris (whole lines, or unmistakable labels inside a line)."""
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _is_debris(body):
            lead = len(body) - len(body.lstrip())
            spans.append((pos + lead, pos + len(body.rstrip())))
        else:
            spans += [(pos + m.start(), pos + m.end()) for m in INLINE.finditer(body)]
        pos += len(line)
    return spans


def is_debris(text: str) -> bool:
    """True when every non-blank line of ``text`` is page debris."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return bool(lines) and all(_is_debris(ln) for ln in lines)


class Boilerplate(Check):
    id = "boilerplate"
    category = "fluency/other"
    severity = Severity.MAJOR
    description = "Web-page debris (navigation, share links, timestamps) inside the translation."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            for start, end in debris_spans(seg.tgt):
                msg = "Web-page debris, not part of the article."
                out.append((i, self.flag("tgt", seg.tgt, start, end, msg, suggestion="")))
        return out
