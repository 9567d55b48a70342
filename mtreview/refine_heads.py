"""Cut a headline glued to its first sentence on both sides of a 1-1 bead (issue 11).

With no line breaks, a headline with no end mark runs into the next sentence in English and in
Japanese alike ("China's Xi and Russia's Putin dominate the G7 Pope calls for ..." /
「…Ｇ７を威圧ローマ教皇、…」); both sides hold one sentence, the aligner makes a right-looking 1-1
bead, and ``refine.split_glued`` (which cuts a side that holds more sentences than the other)
cannot help. The embeddings alone cannot tell where: a long sentence translated in order has a
clause boundary at which both halves match too. So a cut is made only where each side has the
*shape* of a headline end, on its own:

- English (``en_head_ends``): a word with no end mark before a capitalised word (``refine.en_heads``),
  never between two capitalised words of a name ("the Korea | Centers", "Chicago | Police") unless
  the second opens a sentence ("Enterprise-D | The") or the first is an acronym ("the G7 | Pope",
  "EU | Germany's"); "I" opens a sentence too ("Drops internet | I bought"); never before a
  number or a symbol, nor after a bare number
  ("Title 42 | Ending"), a function word, a bracket, a quotation mark or a "|" site separator, nor
  inside a quotation in single marks ("'If They Do, They Haven't Shared It Fully'").
- Japanese (``ja_head_ends``): a headline predicate — a verbal noun after a case particle or a colon
  (体言止め: 「…を威圧」「…と協議」「…から降格」「…：報告」) or a closing quotation mark — before a
  sentence start that cannot continue it: a name, an opening bracket, a Latin word, a pronoun /
  adnominal / conjunction, or a noun phrase that a comma, は or が closes (「父親、」「サプライズ花火、」);
  or a review title that ends on a verb or an adjective (「接続が切れる」「思ったより小さい」) before a
  pronoun, an adnominal or a conjunction (never before a noun it could modify, a name or a bracket:
  「延期された|東京五輪」「小さい|商品、」「解説した|「ほっとセミナー」」).
  A verbal noun before another of a compound (「公開|謝罪」) is no end, nor is a plain noun
  (「シカゴ警察|デイビッド」 is an apposition).

A bead is cut at the pair of such ends whose halves fit the document's length ratio and match each
other: each half closer to its own counterpart than to the crossed one, and their mean cosine no
more than ``min_lift`` below the whole bead's (pieces of one sentence translated in order lose
similarity; two sentences that were glued keep it). All pieces of a document go to the encoder
in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import refine
from .lang import en
from .records import Bead, Sentence

_CASE_PARTICLES = frozenset({"を", "に", "と", "で", "が", "も", "から", "へ", "まで", "より"})  # 「…を威圧」
_SUBJECT_CLOSERS = frozenset({"、", "，", "は", "が"})  # 「父親、」「ショルツ首相は」
_NOUN_RUN = frozenset({"名詞", "接尾辞", "接頭辞"})
_OPENERS = frozenset(en.CAPITAL_OPENERS)


@dataclass(frozen=True)
class HeadsConfig:
    """Knobs of the both-sides headline cut (chosen on the align-dev2 tune split)."""

    min_lift: float = -0.1  # least (mean cosine of the halves - cosine of the whole bead)
    min_margin: float = 0.0  # least (own - crossed cosine) of each half
    max_log_ratio: float = 1.0  # |log(JA left / predicted JA left)| of a kept pair
    min_chars: int = 4  # shortest piece on either side


def _acronym(word: str) -> bool:
    """G7, EU, COVID-19, NJ: letters in capitals or with digits (not a bare number)."""
    w = word.strip("\"'“”‘’()[]:*#")
    letters = [c for c in w if c.isalpha()]
    return bool(letters) and (any(c.isdigit() for c in w) or (len(letters) >= 2 and w.isupper()))


def en_head_end(left_word: str, right_word: str) -> bool:
    """Whether a headline may end after ``left_word`` with a sentence starting at ``right_word``."""
    right = right_word.lstrip("\"'“‘*([")
    if not right[:1].isalpha() or not right[:1].isupper():
        return False
    left = left_word.lstrip("\"'“‘*([")
    if not left[-1:].isalnum() or left.isdigit() or left.lower() in refine.EN_NO_HEAD_END:
        return False
    if left[:1].isupper():  # two capitalised words: a name, unless ...
        return right.rstrip(",") in _OPENERS or _acronym(left)
    return True


def _in_single_quote(words: Sequence[str]) -> bool:
    """A quotation in single marks is open at the end of ``words`` ("'We Hope' ... 'If They Do")."""
    opened = sum(w[:1] in "'‘" for w in words)
    closed = sum(w.rstrip(",.:;!?")[-1:] in "'’" and w[:1] not in "'‘" for w in words)
    return opened > closed


def en_head_ends(text: str) -> list[int]:
    """Offsets in an English sentence where a headline may end (``refine.en_heads`` narrowed)."""
    out = []
    for off in refine.en_heads(text):
        left, right = text[:off].split(), text[off:].split()
        if left and right and en_head_end(left[-1], right[0]) and not _in_single_quote(left):
            out.append(off)
    return out


def _strong_start(tokens: Sequence[refine._Token]) -> bool:
    """A sentence start that a headline predicate cannot run into (see the module docstring)."""
    first = tokens[0]
    if first.surface[0] in "「『【" or (first.surface[0].isascii() and first.surface[0].isalpha()):
        return True
    if first.pos[1] == "固有名詞" or first.pos[0] in ("代名詞", "連体詞", "接続詞"):
        return True
    k = 0
    while k < len(tokens) and tokens[k].pos[0] in _NOUN_RUN:
        k += 1
    return 0 < k < len(tokens) and tokens[k].surface in _SUBJECT_CLOSERS and first.pos[0] != "接尾辞"


def _clause_start(tokens: Sequence[refine._Token]) -> bool:
    """A sentence start after a verb: a pronoun, an adnominal or a conjunction (「…が切れる|このモデムは」
    「…を離れる|我が」「…小さい|私は」). Not a noun, which the verb could modify (a relative clause:
    「延期された|東京五輪」「クリアしている|選手は」「小さい|商品、」), nor a name or a quotation."""
    return tokens[0].pos[0] in ("代名詞", "連体詞", "接続詞")


def _verb_end(last: refine._Token) -> bool:
    """A verb, an adjective or an auxiliary in its final (= attributive) form: a review title or a
    headline that ends on a predicate (「接続が切れる」「説明と違う」「騙された」)."""
    return (last.pos[0] in ("動詞", "形容詞", "助動詞") and last.surface not in ("な", "の")
            and last.form.startswith(("終止形", "連体形")))


def _head_predicate(before: refine._Token, last: refine._Token) -> bool:
    """A headline ends on ``last``: a verbal noun after a case particle or a colon (not a comma:
    「…、落札|者は」), or a closing quotation mark."""
    if last.pos[0] == "名詞" and last.pos[2] == "サ変可能":
        return (before.pos[0] == "助詞" and before.surface in _CASE_PARTICLES) or before.surface[-1] in "：:"
    return last.surface[-1] in "」』"


def ja_head_ends(text: str) -> list[int]:
    """Offsets in a Japanese sentence where a headline may end and a sentence start."""
    tokens = refine._tokens(text)
    return [tokens[k + 1].start for k in range(1, len(tokens) - 1)
            if ((_head_predicate(tokens[k - 1], tokens[k]) and _strong_start(tokens[k + 1 : k + 8]))
                or (_verb_end(tokens[k]) and _clause_start(tokens[k + 1 : k + 8])))
            and not refine._compound(tokens[k], tokens[k + 1])]


def _pairs(en_text: str, ja_text: str, ratio: float, config: HeadsConfig) -> list[tuple[int, int]]:
    """(EN offset, JA offset) pairs whose left pieces fit the length ratio."""
    out = []
    ja_cuts = ja_head_ends(ja_text)
    if not ja_cuts:
        return out
    for oe in en_head_ends(en_text):
        le, re_ = en_text[:oe].rstrip(), en_text[oe:].lstrip()
        if min(len(le), len(re_)) < config.min_chars:
            continue
        out += [(oe, oj) for oj in ja_cuts if refine.misfit(ja_text[:oj], ja_text[oj:], len(le) * ratio,
                                                            config.min_chars, config.max_log_ratio) is not None]
    return out


def split_heads(src: Sequence[Sentence], tgt: Sequence[Sentence], beads: Sequence[Bead], encode: refine.Encode,
                config: HeadsConfig | None = None) -> tuple[list[Sentence], list[Sentence], list[Bead]]:
    """Cut 1-1 beads that hold a headline and its first sentence on both sides (see the module
    docstring); returns new ``src``, ``tgt`` and beads, renumbered as ``refine.split_glued`` does."""
    config = config or HeadsConfig()
    ratio = (sum(len(t.text) for t in tgt) + 10.0) / (sum(len(s.text) for s in src) + 10.0)
    jobs: list[tuple[int, int, int]] = []
    for bi, bead in enumerate(beads):
        if len(bead.src_ids) == 1 and len(bead.tgt_ids) == 1:
            jobs += [(bi, oe, oj) for oe, oj in _pairs(src[bead.src_ids[0]].text, tgt[bead.tgt_ids[0]].text,
                                                        ratio, config)]
    if not jobs:
        return list(src), list(tgt), list(beads)
    pieces = []
    for bi, oe, oj in jobs:
        e, j = src[beads[bi].src_ids[0]].text, tgt[beads[bi].tgt_ids[0]].text
        pieces.append((bi, oe, oj, e, j, e[:oe].rstrip(), e[oe:].lstrip(), j[:oj], j[oj:]))
    vec = refine.piece_vectors(encode, (t for p in pieces for t in p[3:]))
    best: dict[int, tuple[float, int, int, float, float]] = {}
    for bi, oe, oj, we, wj, le, re_, lj, rj in pieces:
        cl, cr = float(vec[le] @ vec[lj]), float(vec[re_] @ vec[rj])
        xl, xr = float(vec[le] @ vec[rj]), float(vec[re_] @ vec[lj])
        lift = (cl + cr) / 2 - float(vec[we] @ vec[wj])
        if min(cl - xl, cr - xr) > config.min_margin and lift > config.min_lift and (
                bi not in best or lift > best[bi][0]):
            best[bi] = (lift, oe, oj, cl, cr)
    return refine.apply_cuts(src, tgt, beads,
                             {bi: ((0, oe), (0, oj), cl, cr) for bi, (_, oe, oj, cl, cr) in best.items()})

