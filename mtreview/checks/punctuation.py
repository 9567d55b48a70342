"""Punctuation in the Japanese translation: quote/bracket pairing and half-width marks.

``quotes`` pairs brackets over the whole article (a quotation may run across segments)
and reports curly quotes of the wrong shape (“…“, ”…“), unclosed and stray brackets.
``punctuation`` reports half-width , : ; ! ? ( ) " between Japanese characters (「ソウル:」)
and doubled 、、 。。. Latin quotes "…" are left alone in an article that uses them in
several segments: Japanese-original pages (sports above all) set emphasis that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang.ja import JA_CHAR, ja_ratio
from ..records import Flag, Severity
from .base import Article, Check

PAIRS = {
    "「": "」",
    "『": "』",
    "（": "）",
    "(": ")",
    "【": "】",
    "〈": "〉",
    "《": "》",
    "［": "］",
    "〔": "〕",
}
CLOSERS = {v: k for k, v in PAIRS.items()}
QUOTE_OPENERS = ("「", "『")
LIST_MARKER = re.compile(r"(?:^|[\s。、：:])[0-9０-９a-zA-Zａ-ｚ①-⑳]{1,2}$")  # "1)" "a）" list numbering
CURLY = re.compile(r"[“”]")
FULL_PARENS = re.compile(r"（[^（）()]{1,60}）")
HALF_PARENS = re.compile(r"\(([^()\n]{0,60})\)")


class Quotes(Check):
    id = "quotes"
    category = "fluency/punctuation"
    severity = Severity.MAJOR
    description = "Quotation marks or brackets that do not pair, or curly quotes of the wrong shape."

    @dataclass(frozen=True)
    class Params:
        max_span: int = 3  # segments a bracket may stay open across before it counts as unclosed

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out: list[tuple[int, Flag]] = []
        stack: list[tuple[int, int, str]] = []  # open brackets: (segment, offset, opener)
        for i, seg in enumerate(article.segments):
            text = seg.tgt
            out += [(i, f) for f in self.curly(text)]
            lead = len(text) - len(text.lstrip())
            for k, ch in enumerate(text):
                if ch in PAIRS:
                    earlier = [e for e in stack if e[2] == ch and e[0] < i]
                    if earlier and k == lead:
                        # a quotation continued over paragraphs reopens 「 without closing the last one
                        stack = [e for e in stack if e not in earlier]
                    elif earlier and ch in QUOTE_OPENERS:
                        # 「 does not nest in 「 (that is 『): a new quotation mid-sentence means the last one
                        # was never closed (a quotation continued over segments reopens at their start)
                        out += [self._unclosed(article, *e) for e in earlier]
                        stack = [e for e in stack if e not in earlier]
                    stack.append((i, k, ch))
                elif ch in CLOSERS:
                    opener = CLOSERS[ch]
                    depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][2] == opener), None)
                    if depth is None:
                        if not (ch in ")）" and LIST_MARKER.search(text[:k])):
                            msg = f"「{ch}」 closes a bracket that was never opened."
                            out.append((i, self.flag("tgt", text, k, k + 1, msg)))
                        continue
                    out += [self._unclosed(article, *e) for e in stack[depth + 1 :]]
                    del stack[depth:]
            # brackets open for too long (or at all, for independent rows) are reported and dropped
            late = [e for e in stack if i - e[0] >= self.params.max_span or not article.document_level]
            out += [self._unclosed(article, *e) for e in late]
            stack = [e for e in stack if e not in late]
        return out + [self._unclosed(article, *e) for e in stack]

    def _unclosed(self, article: Article, i: int, k: int, ch: str) -> tuple[int, Flag]:
        msg = f"「{ch}」 is never closed by 「{PAIRS[ch]}」."
        return i, self.flag("tgt", article.segments[i].tgt, k, k + 1, msg)

    def curly(self, text: str) -> list[Flag]:
        """Curly double quotes must alternate “ … ”; report pairs of the wrong shape."""
        flags = []
        marks = [(m.start(), m.group()) for m in CURLY.finditer(text)]
        k = 0
        while k < len(marks):
            pos, ch = marks[k]
            if ch == "“" and k + 1 < len(marks) and marks[k + 1][1] == "”":
                k += 2
            elif k + 1 < len(marks):
                end = marks[k + 1][0] + 1
                msg = f"Quotation marks {ch}…{marks[k + 1][1]} do not pair."
                fix = f"「{text[pos + 1 : end - 1].strip()}」"
                flags.append(self.flag("tgt", text, pos, end, msg, suggestion=fix))
                k += 2
            else:
                flags.append(self.flag("tgt", text, pos, pos + 1, f"Quotation mark {ch} has no partner."))
                k += 1
        return flags


J = f"[{JA_CHAR}、。「」]"
LATIN_QUOTES = re.compile(f'"(?=[^"\n]*{J})[^"\n]*"')
FULL = {",": "、", ":": "：", ";": "；", "!": "！", "?": "？"}
# (rule name, pattern, message, suggestion for the matched text)
RULES = [
    (
        "half-width",
        re.compile(f"(?<={J})[,:;!?](?={J}|$)|(?<={J})[,:;](?=\\s*{J})"),
        "half-width punctuation between Japanese characters",
        lambda s: FULL[s],
    ),
    (
        "parentheses",
        re.compile(r"\(([^()\n]{0,60})\)"),
        "half-width parentheses in Japanese prose",
        lambda s: "（" + s[1:-1] + "）",
    ),
    (
        "latin_quotes",
        LATIN_QUOTES,
        'Latin quotes "…" in Japanese prose (house style: 「…」)',
        lambda s: "「" + s[1:-1] + "」",
    ),
    ("doubled", re.compile(r"、{2,}|。{2,}|，{2,}|、。|。、"), "doubled punctuation", lambda s: s[-1]),
]


def _ja_parentheses(text: str, start: int, end: int) -> bool:
    """Half-width (…) counts only when it sits in Japanese: Japanese before it and inside it."""
    before = text[start - 1] if start else ""
    inside = text[start + 1 : end - 1]
    return bool(re.match(f"[{JA_CHAR}]", before)) and bool(re.search(f"[{JA_CHAR}\uff01-\uff5e]", inside))


def _loose_parentheses(text: str, start: int, end: int) -> bool:
    """Half-width (…) after Japanese text, a Japanese bracket or full-width letters (ＳＲ), spaces
    aside, whatever it holds: レポート(CanCam.jp), 」 ( サンケイスポーツ )."""
    before = text[:start].rstrip()[-1:]
    return bool(re.match(f"[{JA_CHAR}」』）】\uff01-\uff5e]", before))


class Punctuation(Check):
    id = "punctuation"
    category = "fluency/punctuation"
    severity = Severity.MINOR
    description = "Half-width punctuation or Latin quotes inside Japanese prose; doubled punctuation."

    @dataclass(frozen=True)
    class Params:
        parentheses: bool = True  # report half-width ( ) around Japanese text
        latin_quotes: bool = True  # report "..." in Japanese prose (house style 「」)
        house_style_segments: int = 2  # "..." in this many segments of one article: its house style

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        quoting = [i for i, seg in enumerate(article.segments) if LATIN_QUOTES.search(seg.tgt)]
        house_style = article.document_level and len(quoting) >= self.params.house_style_segments
        # parentheses glued into Japanese (金正恩(キム・ジョンウン)) are reported; looser ones (after a
        # space or a bracket, holding Latin text) only in an article that writes （…） more than (…)
        full = sum(bool(FULL_PARENS.search(seg.tgt)) for seg in article.segments)
        half = sum(any(_loose_parentheses(seg.tgt, m.start(), m.end()) for m in HALF_PARENS.finditer(seg.tgt))
                   for seg in article.segments)
        full_width_style = article.document_level and full > 0 and full >= half
        for i, seg in enumerate(article.segments):
            text = seg.tgt
            if ja_ratio(text) < 0.3:
                continue
            for name, rx, what, fix in RULES:
                if name in ("parentheses", "latin_quotes") and not getattr(self.params, name):
                    continue
                if name == "latin_quotes" and house_style:
                    continue
                for m in rx.finditer(text):
                    if name == "parentheses" and not (
                        _ja_parentheses(text, m.start(), m.end())
                        or (full_width_style and _loose_parentheses(text, m.start(), m.end()))
                    ):
                        continue
                    found = m.group()
                    msg = f"{what}: {found!r}."
                    out.append((i, self.flag("tgt", text, m.start(), m.end(), msg, suggestion=fix(found))))
        return out
