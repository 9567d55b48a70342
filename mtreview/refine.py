"""Alignment refinement: cut a sentence that holds two sentences of the other side.

A headline, a caption or a dateline without final punctuation runs into the next sentence when a
document has no paragraph breaks (「…南軍記念碑を撤去バージニア州バージニア・ビーチ -- …」). English
has capitals and datelines to split on; Japanese has none, so the aligner makes a 2-1 bead. The
same happens when one side keeps a quotation of two sentences whole and the other splits it.

For a bead with more English than Japanese sentences, the cut goes between two of its English
sentences and at a MeCab morpheme boundary of one of its Japanese sentences (``boundaries``:
a headline-like end before a sentence-like start or a time word (…を逮捕|今回の), a full stop
kept inside a quotation, or an ellipsis that trails off a sentence: "大丈夫じゃない…|隣人と"). For
a bead with more Japanese sentences, the Japanese cut is a sentence boundary and the English one
a stop or colon kept inside an English sentence (``en_stops``; ``en_lower_stops`` before a lower-case
word: "... are SO. | damn."; ``en_colons`` before steps or a list), or the end of a headline or a
title without an end mark before a capitalised word (``en_heads``: "... dominate the G7 | Pope
calls for"). Each cut is scored

    gain = (cos(EN1, JA1) + cos(EN2, JA2) - cos(EN1, JA2) - cos(EN2, JA1)) / 2   # each part matches
                                                                              # its own, not the other
           - length_weight * (z1**2 + z2**2) / 2   # z: log(JA/EN chars) of a part vs the document's ratio
           + typical_bonus * typical               # 」| or 。| before the cut, a name / 「 after it

and the best cut of a bead is kept when its gain exceeds ``margin``. Only cuts whose length is
near what the other side predicts are scored, all in one encoder call per document, so the step
adds a few percent to the alignment time (see bench/README.md).
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .lang import en
from .lang.mecab import nodes
from .records import Bead, Sentence

log = logging.getLogger(__name__)

Encode = Callable[[Sequence[str]], np.ndarray]

# a headline ends on a content word or a closing bracket ...
_END_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "接尾辞", "代名詞", "助動詞"})
_END_PARTICLES = frozenset("もへかで")  # 「…へ」「…も」「…か」 headline endings
_CLOSERS = frozenset("」』）】〕”’)]")
# ... and a sentence starts on a noun, a prefix, an opening bracket or a number
_START_POS = frozenset({"名詞", "接頭辞", "代名詞", "連体詞", "接続詞"})
_OPENERS = frozenset("「『【〔“‘[")  # not （: a parenthesis continues the sentence
_STRONG_START = frozenset({"代名詞", "連体詞", "接続詞"})  # これは / この / ただし
# 「８|回」「判定|する」「入場|時」 do not start a sentence
_NO_START = frozenset({"助数詞", "助数詞可能", "非自立可能", "副詞可能"})


@dataclass(frozen=True)
class RefineConfig:
    """Knobs of the split search (mirrored by ``AlignConfig.split_*`` fields)."""

    margin: float = 0.1  # least gain of a kept cut
    length_weight: float = 0.1
    length_sigma: float = 0.35
    max_log_ratio: float = 1.0  # cuts whose JA/EN length ratio is this far (log) from the guide are skipped
    typical_bonus: float = 0.15  # added for a closing bracket before the cut or a name after it
    min_chars: int = 4  # shortest Japanese piece
    max_cuts: int = 12  # cuts scored per known boundary and sentence (the nearest to the guide length)
    # 3 cuts within 0.7 gave the same cuts on every tune / old dev document from 34% fewer candidates
    # (bench/results/refine_candidates.txt) but lower strict F1 on the dev2 report split (0.8988 ->
    # 0.8969 paragraphs, 0.8631 -> 0.8618 flat; bench/results/eval_align.txt): kept at 12 within 1.0


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    surface: str
    pos: tuple[str, str, str]  # UniDic pos1, pos2, pos3
    form: str  # conjugation form (終止形-一般 ...), "*" for words that do not conjugate
    unknown: bool


def _tokens(text: str) -> list[_Token]:
    out, pos = [], 0
    for n in nodes(text):  # parsed once, shared with the style checks (mecab.morphs)
        start = text.find(n.surface, pos)
        if start < 0:
            continue
        pos = start + len(n.surface)
        out.append(_Token(start, pos, n.surface, n.pos, n.cform or "*", n.unknown))
    return out


def _stop(left: _Token, right: _Token) -> bool:
    """A full stop inside a quotation (「…。…」) or a colon before one: the segmenter kept them whole."""
    if left.surface[-1] in "。！？" and right.surface[0] not in _CLOSERS:
        return True
    return left.surface[-1] in "：:" and right.surface[0] in "「『"


def _ellipsis_end(text: str, left: _Token, right: _Token) -> bool:
    """An ellipsis after a Japanese word (…, ・・・, ...) before a sentence start: a trailing-off end
    ("大丈夫じゃない…|隣人と", "お薦めします・・・|Pampered"); a lone ・ joins a name (アストン・ヴィラ)."""
    tail = text[max(0, left.end - 3) : left.end]
    if not (tail.endswith("…") or tail.endswith("・・") or tail == "..."):
        return False
    body = text[: left.end].rstrip("…・.")
    return bool(body) and ("\u3040" <= body[-1] <= "\u9fff") and _can_start(right)


def _can_end(t: _Token, nxt: _Token) -> bool:
    """A headline, caption or quotation may end on ``t`` when ``nxt`` starts a sentence."""
    if t.surface[-1] in _CLOSERS or t.surface[-1].isdigit():
        return True
    if t.pos[0] == "助詞":  # 「…へ」「…も」; 「…で」 only before これ / この / ただし
        return t.surface in _END_PARTICLES and (t.surface != "で" or nxt.pos[0] in _STRONG_START)
    if t.pos[0] in ("動詞", "形容詞", "助動詞"):  # 撃たれる|コロラド, not 冷やし|中華 or 撃たれる|男性
        return t.form.startswith("終止形") or (t.form.startswith("連体形") and nxt.pos[1] == "固有名詞")
    return t.pos[0] in _END_POS and t.surface[-1] not in "、，・"


def _can_start(t: _Token) -> bool:
    """A sentence may start on this token."""
    if t.surface[0] in _OPENERS or t.surface[0].isdigit() or t.surface[0].isascii():
        return t.surface[0] not in "()-"
    return t.pos[0] in _START_POS and t.pos[1] not in _NO_START and t.pos[2] not in _NO_START


def _time_start(t: _Token, after: str) -> bool:
    """A time word that opens a sentence before a comma or a particle (土曜|日、 / 今回|の / 昨年|は):
    an adverbial noun of two characters or more, not a counter (入場|時)."""
    return (t.pos[0] == "名詞" and t.pos[2] == "副詞可能" and t.pos[1] != "助数詞" and len(t.surface) >= 2
            and after[:1] in ("日", "、", "の", "は", "も", "に"))


def _katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff"


def _compound(left: _Token, right: _Token) -> bool:
    """Two common nouns that read as one compound (データ|登録, デモ|参加者), or a name split in two."""
    if left.unknown or right.unknown or (_katakana(left.surface[-1]) and _katakana(right.surface[0])):
        return True  # ディー|ニー
    if right.pos[0] == "名詞" and len(right.surface) == 1:
        return True  # 三重|県, 治療|法
    if left.pos[0] != "名詞" or right.pos[0] != "名詞" or right.pos[1] == "固有名詞":
        return False
    if left.pos[2] == "サ変可能":  # 撤去|バージニア, 開始|全国, but not デモ|参加
        return right.pos[2] == "サ変可能"
    return left.pos[1] != "固有名詞"


def _typical(left: _Token, right: _Token) -> bool:
    """A typical headline / caption / quotation end: a closing bracket, or a name or dateline next."""
    return (left.surface[-1] in _CLOSERS or right.surface[0] in _OPENERS or right.pos[1] == "固有名詞"
            or (right.surface[0].isascii() and right.surface[0].isalpha()))


def boundaries(text: str) -> list[tuple[int, bool]]:
    """Offsets in ``text`` between two morphemes where one sentence may end and the next begin,
    each with whether the boundary is a typical one (see ``_typical``)."""
    tokens = _tokens(text)
    out = []
    for k, (left, right) in enumerate(itertools.pairwise(tokens)):
        after = tokens[k + 2].surface if k + 2 < len(tokens) else ""
        if _stop(left, right):
            out.append((right.start, True))
        elif _ellipsis_end(text, left, right):
            out.append((right.start, False))
        elif (_can_end(left, right) and (_can_start(right) or _time_start(right, after))
              and not _compound(left, right)):
            out.append((right.start, _typical(left, right)))
    return out


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


SideCut = tuple[int, int]  # (k, offset): before sentence k of a bead side, plus ``offset`` chars into it


def _halves(texts: Sequence[str], cut: SideCut, sep: str) -> tuple[str, str]:
    k, off = cut
    if off == 0:
        return sep.join(texts[:k]), sep.join(texts[k:])
    left = sep.join([*texts[:k], texts[k][:off].rstrip()])
    return left, sep.join([texts[k][off:].lstrip(), *texts[k + 1 :]])


def en_stops(text: str) -> list[int]:
    """Offsets in an English sentence after a full stop or a colon the segmenter kept inside it
    (a quotation, an abbreviation): ``. It``, ``? The``, ``: "Just``."""
    from .segment import EN_TITLES  # titles never end a sentence: "Mt. Rainier", "Gov. Newsom"

    out = []
    for m in _EN_STOP.finditer(text):
        word = text[max(0, m.start() - 12) : m.start()].split()[-1:] or [""]
        if m.end() < len(text) and word[0].lstrip("\"'“‘(").rstrip(".").lower() not in EN_TITLES:
            out.append(m.end())
    return out


def en_lower_stops(text: str) -> list[int]:
    """Offsets in an English sentence after an end mark that a lower-case word follows (chat and
    reviews: "... are SO. | damn.", "... (1,052 hectares). | your account is"): the segmenter keeps
    them whole; never after an abbreviation ("approx. | the", "Jan. | to") or a single letter."""
    out = []
    for m in _EN_LOWER_STOP.finditer(text):
        word = text[max(0, m.start() - 20) : m.start()].split()[-1].rstrip(".!?").lstrip("\"'“‘(").lower()
        if len(word) >= 2 and word not in _EN_ABBREVIATIONS:
            out.append(m.end())
    return out


_EN_LOWER_STOP = re.compile(r"(?<=[A-Za-z0-9)\]][.!?])\s+(?=[a-z])")
_EN_ABBREVIATIONS = en.TITLE_ABBREVIATIONS | en.AMBIGUOUS_ABBREVIATIONS | en.MONTH_ABBREVIATIONS


def en_colons(text: str) -> list[int]:
    """Offsets after a colon that closes a clause before a capitalised word, a bullet or a placeholder:
    steps or a list follow ("... with the menu at the bottom: | Adjust font style"); never after a
    number ("10:30") or a capital ("WARNING: Hot")."""
    return [m.end() for m in _EN_COLON.finditer(text)]


_EN_COLON = re.compile(r"(?<=[a-z)]:)\s+(?=[A-Z#*-])")


def en_heads(text: str) -> list[int]:
    """Offsets in an English sentence where a headline, a title or a caption without an end mark may
    end and a sentence start: a word with no punctuation after it, then a capitalised word or a
    number ("... dominate the G7 | Pope calls for", "Drops internet | I bought"). Two words at
    least on each side; never after a function word ("the | More") or inside a quotation or a
    bracket. One pass over the words."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
    out = []
    straight = curly = paren = 0  # open quotations and brackets before the current word
    for k, (start, word) in enumerate(words):
        if 2 <= k <= len(words) - 2 and _EN_HEAD_START.match(word) and not (straight % 2 or curly > 0 or paren > 0):
            prev = words[k - 1][1]
            if prev[-1] not in ",;:.!?-–—(/&+" and prev.lower() not in EN_NO_HEAD_END:
                out.append(start)
        straight += word.count('"')
        curly += word.count("“") - word.count("”")
        paren += word.count("(") - word.count(")")
    return out


_EN_HEAD_START = re.compile(r"[A-Z0-9]")
EN_NO_HEAD_END = en.GLUE_WORDS | en.FUNCTION_WORDS  # a headline does not end on a function word ("the | More")
_EN_STOP = re.compile(r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)(?<=[a-z0-9)\]][.!?])\s+"
                      r"(?=[\"“‘]?[A-Z])|(?<=[a-z]:)\s+(?=[\"“])")


def _candidates(src: Sequence[Sentence], tgt: Sequence[Sentence], beads: Sequence[Bead], mu: float,
                config: RefineConfig):
    """(bead index, EN cut, JA cut, typical) for every cut worth scoring: per known boundary and
    sentence, the ``max_cuts`` cuts whose length is nearest the guide (a long sentence of names or
    a table has many candidates; the encoder sees a bounded number of pieces per bead)."""
    ratio = math.exp(mu)
    for bi, bead in enumerate(beads):
        en = [src[i].text for i in bead.src_ids]
        ja = [tgt[j].text for j in bead.tgt_ids]
        if len(en) > len(ja) >= 1:  # the EN boundary is known, look for the JA one
            marks = [boundaries(t) for t in ja]
            for k in range(1, len(en)):
                guide = len(" ".join(en[:k])) * ratio
                for jj in range(len(ja)):
                    for off, typical in _nearest(ja, jj, marks[jj], "", guide, config):
                        yield bi, (k, 0), (jj, off), typical
        elif len(ja) > len(en) >= 1:  # the JA boundary is known, look for a stop inside the EN text
            marks = [[(off, True) for off in en_stops(t)]
                     + [(off, False) for off in (*en_heads(t), *en_lower_stops(t), *en_colons(t))] for t in en]
            for k in range(1, len(ja)):
                guide = len("".join(ja[:k])) / ratio
                for ii in range(len(en)):
                    for off, typical in _nearest(en, ii, marks[ii], " ", guide, config):
                        yield bi, (ii, off), (k, 0), typical


def _nearest(texts: Sequence[str], i: int, marks: list[tuple[int, bool]], sep: str, guide: float,
             config: RefineConfig) -> list[tuple[int, bool]]:
    """The cuts of ``texts[i]`` that fit ``guide``, the ``max_cuts`` nearest to it."""
    fit = []
    for off, typical in marks:
        left, right = _halves(texts, (i, off), sep)
        if (miss := misfit(left, right, guide, config.min_chars, config.max_log_ratio)) is not None:
            fit.append((miss, off, typical))
    return [(off, typical) for _, off, typical in sorted(fit)[: config.max_cuts]]


def misfit(left: str, right: str, guide: float, min_chars: int, max_log_ratio: float) -> float | None:
    """How far (|log ratio|) the ``left`` part's length is from the ``guide`` length the other side
    predicts; None when a part is shorter than ``min_chars`` or the distance above ``max_log_ratio``."""
    if min(len(left.strip()), len(right.strip())) < min_chars:
        return None
    miss = abs(math.log((len(left) + 5.0) / (guide + 5.0)))
    return miss if miss <= max_log_ratio else None


def split_glued(src: Sequence[Sentence], tgt: Sequence[Sentence], beads: Sequence[Bead], encode: Encode,
                config: RefineConfig | None = None) -> tuple[list[Sentence], list[Sentence], list[Bead]]:
    """Cut beads whose sentences run together; returns new ``src``, ``tgt`` and beads.

    Sentences are renumbered in document order; a cut sentence becomes two sentences with offsets
    into the same document text. Beads keep their order; a cut bead becomes two.
    """
    config = config or RefineConfig()
    mu = math.log((sum(len(t.text) for t in tgt) + 10.0) / (sum(len(s.text) for s in src) + 10.0))
    jobs = []
    for bi, en_cut, ja_cut, typical in _candidates(src, tgt, beads, mu, config):
        bead = beads[bi]
        pieces = (*_halves([src[i].text for i in bead.src_ids], en_cut, " "),
                  *_halves([tgt[j].text for j in bead.tgt_ids], ja_cut, ""))
        jobs.append((bi, en_cut, ja_cut, typical, pieces))
    if not jobs:
        return list(src), list(tgt), list(beads)
    vec = piece_vectors(encode, (t for *_, pieces in jobs for t in pieces))

    def z(en: str, ja: str) -> float:
        return (math.log((len(ja) + 10.0) / (len(en) + 10.0)) - mu) / config.length_sigma

    best: dict[int, tuple[float, SideCut, SideCut, float, float]] = {}
    for bi, en_cut, ja_cut, typical, (le, re_, lj, rj) in jobs:
        cl, cr = _cos(vec[le], vec[lj]), _cos(vec[re_], vec[rj])
        xl, xr = _cos(vec[le], vec[rj]), _cos(vec[re_], vec[lj])
        value = ((cl + cr - xl - xr) / 2 - config.length_weight * (z(le, lj) ** 2 + z(re_, rj) ** 2) / 2
                 + config.typical_bonus * typical)
        if value > config.margin and (bi not in best or value > best[bi][0]):
            best[bi] = (value, en_cut, ja_cut, cl, cr)
    for bi, (value, en_cut, ja_cut, _, _) in sorted(best.items()):
        log.debug("cut bead %d (gain %.4f) at EN %s, JA %s", bi, value, en_cut, ja_cut)
    return apply_cuts(src, tgt, beads, {bi: c[1:] for bi, c in best.items()})


def piece_vectors(encode: Encode, pieces: Iterable[str]) -> dict[str, np.ndarray]:
    """Unit vectors of the distinct ``pieces``, embedded in one encoder call (in first-seen order)."""
    texts = list(dict.fromkeys(pieces))
    emb = np.asarray(encode(texts), dtype=np.float32)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
    return dict(zip(texts, emb, strict=True))


def apply_cuts(src: Sequence[Sentence], tgt: Sequence[Sentence], beads: Sequence[Bead],
               cuts: dict[int, tuple[SideCut, SideCut, float, float]]
               ) -> tuple[list[Sentence], list[Sentence], list[Bead]]:
    """Cut bead ``bi`` in two at ``cuts[bi]`` = (EN cut, JA cut, cosine of the left pair, of the right
    pair); sentences are renumbered in document order, a cut sentence becoming two."""
    src_out, src_ids = _cut_sentences(src, {beads[bi].src_ids[e[0]]: e[1] for bi, (e, _, _, _) in cuts.items()})
    tgt_out, tgt_ids = _cut_sentences(tgt, {beads[bi].tgt_ids[j[0]]: j[1] for bi, (_, j, _, _) in cuts.items()})
    result: list[Bead] = []
    for bi, bead in enumerate(beads):
        if bi not in cuts:
            result.append(Bead(_renumber(bead.src_ids, src_ids), _renumber(bead.tgt_ids, tgt_ids), bead.score))
            continue
        en_cut, ja_cut, cl, cr = cuts[bi]
        sl, sr = _side(bead.src_ids, en_cut, src_ids)
        tl, tr = _side(bead.tgt_ids, ja_cut, tgt_ids)
        result += [Bead(sl, tl, round(cl, 6)), Bead(sr, tr, round(cr, 6))]
    return src_out, tgt_out, result


def _cut_sentences(sents: Sequence[Sentence], cuts: dict[int, int]
                   ) -> tuple[list[Sentence], dict[int, tuple[int, ...]]]:
    """Cut sentence ``id`` at ``cuts[id]`` chars (0 = no cut); new sentences and old id -> new ids."""
    out: list[Sentence] = []
    ids: dict[int, tuple[int, ...]] = {}
    for s in sents:
        off = cuts.get(s.id, 0)
        if not off:
            out.append(Sentence(len(out), s.start, s.end, s.text, s.block))
            ids[s.id] = (len(out) - 1,)
            continue
        left, rest = s.text[:off].rstrip(), s.text[off:]
        right = rest.lstrip()
        out.append(Sentence(len(out), s.start, s.start + len(left), left, s.block))
        out.append(Sentence(len(out), s.end - len(right), s.end, right, s.block))
        ids[s.id] = (len(out) - 2, len(out) - 1)
    return out, ids


def _renumber(old: Sequence[int], ids: dict[int, tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(n for i in old for n in ids[i])


def _side(old: Sequence[int], cut: SideCut, ids: dict[int, tuple[int, ...]]) -> tuple[tuple[int, ...],
                                                                                     tuple[int, ...]]:
    """The new ids of one bead side, left and right of ``cut``."""
    k, off = cut
    left = _renumber(old[:k], ids)
    right = _renumber(old[k + (1 if off else 0):], ids)
    if off:
        first, second = ids[old[k]]
        left, right = (*left, first), (second, *right)
    return left, right
