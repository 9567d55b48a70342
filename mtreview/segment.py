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

A sentence whose end mark is missing still ends where the language shows it: an English clause
before a request or an interjection ("... a new password Let me know ..."), a Japanese polite
predicate (ます / です / ください ...) before a new sentence's first word ("...してください私は").
A colon that introduces steps or a list ends the sentence on both sides: after a finished English
clause before an instruction or a bullet ("... these steps: Log in ..."), after a Japanese polite
predicate ("...してください：ホーム画面…"); never before a quotation. A Japanese quotation that is a
whole sentence ends it without a 。 ("…できました」０－２の四回"); a bulleted item ("... on sale. -
We ...") starts one; "no." / "art." / "fig." hold the sentence only before a number; a web page
title ends after its news site ("... -- Yahoo! News", "… - Yahoo!ニュース") before the first sentence.

English datelines ("VIRGINIA BEACH, Va. --", "SEOUL:") stay with the first sentence; a
dateline glued to a headline ("... in Colorado AURORA, Colo. (AP) -") starts a new one.
Offsets always index ``Document.text``. The rules live here, except the English word-level
judgements on a candidate end (abbreviations, initials, missing stops, colons before steps), which
live in ``segment_en_rules.py``; the words they read (abbreviations, openers, particles, quotation
pairs) are language facts in ``lang/en.py`` and ``lang/ja.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .config import SegmentConfig
from .lang import en, ja
from .records import Document, Sentence
from .segment_en_rules import (
    END_TAIL,
    MISSING_WINDOW,
    bang_name,
    colon_ends,
    headline_rest,
    informal_start,
    instruction_follows,
    keeps_going,
    missing_stop,
    word_before,
)

Span = tuple[int, int]


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words (no group)."""
    return "|".join(words)


# -- English ------------------------------------------------------------------------------
EN_TITLES = en.TITLE_ABBREVIATIONS  # never end a sentence (``refine.py`` reads them here too)

# Every pattern below runs on user text and must stay linear in its length (issue 13.8): a
# repeated group may only start where a run of its characters starts (the look-behinds), so no
# start position rescans a long run; helpers look at bounded windows around a match.
_URL = re.compile(r"(?:https?://|www\.)[!-~]+"
                  r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                  r"|(?<![\w-])(?<![\w-]\.)[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|co\.uk|jp|io)\b(?:/[!-~]*)?")
_EN_END = re.compile(r"(?<![.!?…])(?:\.\.\.|…|[.!?])+" + END_TAIL + r"(?=\s+\S)")
_DATELINE = re.compile(
    r"(?<=[a-z0-9)])\s+(?=[A-Z][A-Z.'-]+(?:\s[A-Z][A-Z.'-]+){0,3}"
    rf"(?:,\s[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?\s(?:\((?:{_alt(en.WIRE_SERVICES)})\)\s)?(?:--|—|–|-)\s)"
)
# A sentence whose full stop is missing ("... with the objection of four MPs The Senate will ..."):
# a capitalised opener after a content word, outside Title Case text.
_MISSING_STOP = re.compile(rf"(?<=[a-z0-9A-Z\"”’])\s+(?=(?:{_alt(en.CAPITAL_OPENERS)})\s[A-Za-z0-9])")
# a request or an interjection that only opens a clause ("... a new password Let me know ...",
# "... sign in with it Great!!"): a sentence whose stop is missing ends before it
_INTERJECTION = _alt(w.replace(" ", r"\s") for w in en.INTERJECTIONS)
_EN_CLAUSE_START = re.compile(r"(?<=[a-z0-9])\s+(?=(?:Let(?:'s|’s|\s(?:me|us)\b)"
                              rf"|(?:{_INTERJECTION})(?:,|!+)\s))")
# a colon that closes a finished clause before steps or a list ends the sentence: the next
# sentence is an instruction (``en.INSTRUCTION_VERBS``, Please) or a bulleted item: "... please
# follow these steps: Log in to ...", "... one of the following: -Turn on ..." (``colon_ends``
# checks the clause: three words or more, the last in lower case, not a Title Case headline); a
# colon before a name, a quotation or a headline's second half ("Weather for the 26th: Heavy rain") is kept
_EN_COLON_END = re.compile(r"(?<=[a-z)]):(?=\s+(?:[-–•]\s?[A-Z]|[A-Z][a-z]+\b))")
# a web page title ends with its site, whose name ends in News ("... (Sankei Sports) -- Yahoo! News
# (Pacific League ...", "... - RT USA News Fresh from ..."): the article's first sentence follows it,
# or a section mark or a bracketed dateline ("... -- Yahoo! News ○Athletics 7-3", "... [Seoul Yonhap]")
_EN_SITE_TAIL = re.compile(r"(?<=\s)(?:--?|–|—|\|)\s?(?:[A-Z][\w!.&'-]*\s){0,3}(?:[A-Z][\w!.&'-]*)?"
                           rf"{en.NEWS_SITE_WORD}(?=\s+(?:[A-Z(\"“{ja.SECTION_MARKS}]|\[[A-Z]))")
# a caption note in brackets ends the caption, and the paragraph's first sentence follows it:
# "... in Hamamatsu (Photo partially altered) July's heavy rains ...", "... won. (Results on page
# 10) Takamine said ..."; a bare label opens a caption ("(Photo) A team ...") and an aside in
# running text ("(Photo: AP)," / "see (page 3) for") continues
_EN_NOTE_END = re.compile(rf"\((?:(?:{_alt(en.PHOTO_NOTE_WORDS)})\b[^()]{{2,60}}|[^()]{{0,40}}\bpages?\s\d+)\)"
                          r"(?=\s+[A-Z\"“])")
# an emoticon ends a sentence in social text: "2 bad lemons in a row :( I ordered ..."
_EMOTICON_END = re.compile(r"(?<=\s)[:;]-?[()DPp](?=\s+[A-Z])")
_EN_CLOSERS = {v: k for k, v in en.QUOTE_PAIRS.items()}
_EN_BRACKET_CLOSERS = {v: k for k, v in en.BRACKET_PAIRS.items()}

# -- Japanese -----------------------------------------------------------------------------

_JA_CLOSE = {v: k for k, v in ja.QUOTE_PAIRS.items()}
_JA_BRACKETS = {k: v for k, v in ja.QUOTE_PAIRS.items() if k not in ja.QUOTE_MARKS}
_JA_BRACKET_CLOSERS = {v: k for k, v in _JA_BRACKETS.items()}
# an end mark with the closing brackets after it, and a full stop after those: a bracketed
# sentence "（…ございます。）。" ends once, at its last 。 (no sentence of a lone "。")
_JA_END = re.compile(r"[。！？!?]+[」』）〕】”’)\]]*(?:(?<=[」』）〕】”’)\]])[。．]+)?")
# a quoting particle after the end mark continues the sentence (「…。」と述べた), but a word that
# starts with と opens a new one (``ja.TO_WORDS``: 。というわけで / 。ところが / 。とはいえ)
_JA_CONTINUE = re.compile(rf"\s*(?:と(?!{_alt(w[1:] for w in ja.TO_WORDS)})"
                          rf"|{_alt(ja.QUOTING_PARTICLES)}|、|，)")
# a finished polite clause whose 。 is missing, before a new sentence's start (a kanji, katakana,
# Latin or digit, a quotation, お/ご + kanji, an opening word): "確認してください私は", "ます弊社では";
# "励ます気持ち" is a plain verb (no stem before ます), が/か/ね/よ/ら/し... continue the clause
_JA_MASU = f"(?<=[{ja.MASU_STEM_KANA}{ja.MASU_STEM_KANJI}])(?:{_alt(ja.MASU_ENDINGS)})"
_JA_NEW_START = (f"[{ja.KANJI}{ja.KATAKANA}A-Za-z0-9０-９Ａ-Ｚａ-ｚ「『]|[おご][{ja.KANJI}]"
                 f"|{_alt(ja.SENTENCE_OPENERS)}")
_JA_POLITE_END = re.compile(f"(?:{_JA_MASU}|{_alt(ja.COPULA_ENDINGS)})(?=\\s*(?:{_JA_NEW_START}))")
# a quotation that is a whole sentence closes without a 。 after it and a new sentence starts: after
# a polite predicate or an end mark before any new start ("…できました」０－２の四回", "…知りたい！」
# これは"), after a plain predicate only before a number or an opening word ("…気持ちが入った」１ボ
# ール", "…開催する」ただし"); a quotation that modifies a noun ("「…に満ちた」投稿", "「脱炭素」社会")
# or comes before と / って / が continues
_JA_QUOTE_END = re.compile(
    f"(?:(?:{_JA_MASU}|{_alt(ja.COPULA_ENDINGS)}|[。！？!?])[」』](?=\\s*(?:{_JA_NEW_START}))"
    f"|(?<=[{ja.PLAIN_PREDICATE_KANA}])[」』](?=\\s*(?:[0-9０-９【]|{_alt(ja.SENTENCE_OPENERS)})))"
)
# a caption note in brackets (``ja.CAPTION_CREDITS``, ``ja.POSITION_LABELS``, a photo note, a page
# reference) closes a caption before a new sentence's start: "…の山車＝唐津市（提供）唐津市の…",
# "…を披露する雷門喜助さん（右）新型コロナ…", "…デモ隊（ＡＰ＝共同）【モスクワ共同】…", "（10面に結果）髙嶺は";
# before a particle or a comma the note belongs to the clause ("田中さん（右）と握手する"), and a
# credit after a short place name is a dateline that starts its sentence ("ベルリン（AP）ー旧東独…")
_JA_NOTE = (f"(?:{_alt(ja.CAPTION_CREDITS)}|{_alt(ja.POSITION_LABELS)}"
            f"|[^（）()、。]{{1,12}}＝(?:{_alt(ja.CAPTION_CREDITS)})"
            f"|(?:{_alt(ja.PHOTO_NOTE_WORDS)})[^（）()。]{{1,30}}|[^（）()。]{{0,12}}[0-9０-９]+面[^（）()。]{{0,12}})")
_JA_NOTE_END = re.compile(f"[（(]{_JA_NOTE}[）)](?=\\s*(?:[{ja.KANJI}\u30a1-\u30fa0-9０-９「『【]|[おご][{ja.KANJI}]))")
# the same page title in Japanese: "…（サンケイスポーツ） - Yahoo!ニュース（パ・リーグ…"
_JA_SITE_TAIL = re.compile(f"(?:(?<=\\s)(?:--?|–|—|\\|)|[－−｜])\\s?[^\\s、。「」](?:[^、。「」]{{0,12}}?)"
                           f"{ja.NEWS_SITE_WORD}(?=\\s*(?:{_JA_NEW_START}|[（(【{ja.SECTION_MARKS}]))")
# an ellipsis after a word ends a headline or a caption before a number that opens the next sentence
# ("…『スター・ウォーズ』も延期に...23日（現地時間）、ディズニーも…。"), when that sentence has its own end mark
# (``_JA_ELLIPSIS_REST``); the halves of a headline ("…の正体...アジアで見た意外な現実") and a count
# ("1...10") stay whole
_JA_ELLIPSIS_END = re.compile(f"(?<=[{ja.JA_CHAR}])(?:\\.\\.\\.|…+)(?=\\s*[0-9０-９])")
_JA_ELLIPSIS_REST = re.compile(r"[^\n]*?[。！？!?]")
# an emoticon ends a sentence as in English: "…２回続けて欠陥品 :(この前の…" (a bracket that closes is no emoticon)
_JA_EMOTICON_END = re.compile(f"(?<=[{ja.JA_CHAR}！？!?\\s])[:;]-?[()](?=\\s*(?:{_JA_NEW_START}))")
# a colon after a polite predicate (ください / します / おります / です) ends the sentence that
# introduces a list or steps: "次の手順を実行してください：ホーム画面…". After a plain verb it is a
# headline's ("…観客を魅了する：県民新聞"), after a noun a label ("フォントの調整：書体…"), and a
# quotation after it stays with its attribution (こう語りました：「…」), as "said: "…"" in English
_JA_COLON_END = re.compile(f"(?:{_JA_MASU}|{_alt(ja.COPULA_ENDINGS)})[：:]"
                           r"(?=\s*[^\s\d０-９：:」』）)「『])")


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



def _spans_en(text: str, start: int, end: int, config: SegmentConfig) -> list[Span]:
    chunk = text[start:end]
    if config.split_quotes:  # only brackets protect; the aligner merges the parts of a quotation
        spans = _protected(text, start, end, en.BRACKET_PAIRS, _EN_BRACKET_CLOSERS, "", config.max_quote_chars)
    else:
        spans = _protected(text, start, end, en.QUOTE_PAIRS, _EN_CLOSERS, '"', config.max_quote_chars)
    spans += [(start + m.start(), start + m.end()) for m in _URL.finditer(chunk)]
    guard = _Guard(start, end, spans)
    extra = frozenset(a.lower().rstrip(".") for a in config.en_abbreviations)
    cuts = []
    for m in _EN_END.finditer(chunk):
        cut = start + m.end()
        if cut in guard:
            continue
        prev = word_before(chunk, m.start(), m.end())
        mark = "." if "." in m.group() or "…" in m.group() else m.group()[0]
        nxt = chunk[m.end() : m.end() + 200].lstrip()[:40]
        if mark == "." and m.group()[:3] in ("...", "…") and nxt[:1].isupper():
            if not headline_rest(chunk, m.end()):
                cuts.append(cut)
            continue
        lead = chunk[max(0, m.start() - len(prev) - 200) : m.start() - len(prev)].rstrip()
        if mark == "." and re.fullmatch(r"\d{1,2}", prev) and (not lead or lead[-1] in ".!?\"”"):
            continue  # a list number: "1. Double bangs"
        if mark in "!?" and bang_name(prev, nxt):
            continue
        if informal_start(prev, m.group(), nxt, extra) or not keeps_going(prev, mark, nxt, extra):
            cuts.append(cut)
    cuts += [start + m.start() for m in _DATELINE.finditer(chunk) if m.start() > 0]
    cuts += [start + m.end() for m in _EMOTICON_END.finditer(chunk) if start + m.end() not in guard]
    cuts += [start + m.end() for m in _EN_NOTE_END.finditer(chunk) if start + m.end() not in guard]
    cuts += [start + m.end() for m in _EN_SITE_TAIL.finditer(chunk) if start + m.end() not in guard]
    cuts.sort()
    cuts += [start + m.end() for m in _EN_COLON_END.finditer(chunk)
             if start + m.end() not in guard and colon_ends(chunk, m.start(), cuts, start)
             and instruction_follows(chunk[m.end() : m.end() + MISSING_WINDOW])]
    cuts.sort()
    cuts += [start + m.end() for m in _EN_CLAUSE_START.finditer(chunk)
             if start + m.end() not in guard and missing_stop(chunk, m.start(), cuts, start)]
    cuts.sort()
    cuts += [start + m.end() for m in _MISSING_STOP.finditer(chunk)
             if start + m.end() not in guard and missing_stop(chunk, m.start(), cuts, start)]
    return _cut(start, end, cuts)



def _spans_ja(text: str, start: int, end: int, config: SegmentConfig) -> list[Span]:
    chunk = text[start:end]
    if config.split_quotes:
        spans = _protected(text, start, end, _JA_BRACKETS, _JA_BRACKET_CLOSERS, "", config.max_quote_chars)
    else:
        spans = _protected(text, start, end, ja.QUOTE_PAIRS, _JA_CLOSE, ja.SYMMETRIC_QUOTES, config.max_quote_chars)
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
    # the rules are read at call time, so bench/eval_align.py --without can switch one off
    for rule in (_JA_POLITE_END, _JA_COLON_END, _JA_QUOTE_END, _JA_SITE_TAIL, _JA_EMOTICON_END):
        cuts += [start + m.end() for m in rule.finditer(chunk) if start + m.end() not in guard]
    cuts += [start + m.end() for m in _JA_ELLIPSIS_END.finditer(chunk) if start + m.end() not in guard
             and _JA_ELLIPSIS_REST.match(chunk[m.end() : m.end() + MISSING_WINDOW])]
    cuts += [start + m.end() for m in _JA_NOTE_END.finditer(chunk)
             if start + m.end() not in guard and not _ja_dateline(chunk, m.start(), m.group()[1:-1])]
    return _cut(start, end, cuts)


def _ja_dateline(chunk: str, pos: int, note: str) -> bool:
    """True when the credit ``note`` in the bracket at ``pos`` follows a short place name that starts
    its sentence (at most eight characters after the line start or an end mark): "ベルリン（AP）",
    "。ワシントン（共同）"."""
    if note not in ja.CAPTION_CREDITS and "＝" not in note:
        return False
    before = chunk[max(0, pos - 9) : pos]
    k = max(before.rfind(ch) for ch in "。！？」』 \u3000\n")
    return 0 < len(before) - k - 1 <= 8 and (k >= 0 or pos <= 8)


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


def _attach_marks(text: str, spans: list[Span]) -> list[Span]:
    """A piece with no letter or digit ("！" of "白星だ ！ ！", "..." of "... ...") ends the sentence
    before it on the same line, never one of its own."""
    out: list[Span] = []
    for a, b in spans:
        if out and not any(ch.isalnum() for ch in text[a:b]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def split(doc: Document, config: SegmentConfig | None = None) -> list[Sentence]:
    """Split every block of ``doc`` into sentences, numbered from 0 in document order."""
    config = config or SegmentConfig()
    splitter = SPLITTERS[doc.lang]
    sents: list[Sentence] = []
    for bi, block in enumerate(doc.blocks):
        for la, lb in _lines(doc.text, block.start, block.end):
            for a, b in _attach_marks(doc.text, splitter(doc.text, la, lb, config)):
                for c, d in _limit(doc.text, *_trim(doc.text, a, b), config.max_sentence_chars):
                    c, d = _trim(doc.text, c, d)
                    if c < d:
                        sents.append(Sentence(len(sents), c, d, doc.text[c:d], bi))
    return sents
