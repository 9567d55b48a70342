"""Japanese tokenisation with MeCab: one tagger per process, tokens with character offsets.

Two dictionaries are in use, each for a reason: ``tokens``/``tagger`` (fugashi + UniDic) give
parts of speech and lemmas to the checks and the aligner's refinement (``morphs``: the same with
conjugation types and readings, for the style checks); ``bleu_tokenizer``
is sacrebleu's ``ja-mecab`` tokenizer (IPAdic; the same tagger, built here without importing sacrebleu),
used where a figure must match sacrebleu's Japanese BLEU (TER pre-tokenisation, the quality model's
features it was trained on).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import ModelError


@dataclass(frozen=True)
class Token:
    surface: str
    start: int
    end: int
    pos: str  # UniDic pos1: 名詞, 動詞, 助詞, 補助記号 ...
    lemma: str
    pos2: str = ""  # UniDic pos2: 数詞, 固有名詞, 普通名詞 ...


@functools.cache
def tagger() -> Any:  # fugashi.Tagger
    """The process's one fugashi (MeCab + UniDic) tagger; ModelError with an install hint if missing."""
    try:
        import fugashi

        return fugashi.Tagger()
    except (ImportError, RuntimeError) as exc:
        raise ModelError(f"the Japanese tokenizer (MeCab) is not available ({exc}); "
                         "install it with: pip install fugashi unidic-lite") from None


def _parsed(text: str) -> list[tuple[str, str, str, str]] | None:
    """(surface, pos1, pos2, lemma) from MeCab's text output in unidic-lite's format
    (surface, pron, kana, lemma, pos1-pos2-..., ...); None if the format is another one."""
    out = []
    for line in tagger().parse(text).splitlines():
        if line == "EOS":
            continue
        f = line.split("\t")
        if len(f) < 5:
            return None
        pos = f[4].split("-")
        out.append((f[0], pos[0], pos[1] if len(pos) > 1 else "", f[3] or f[0]))
    return out


def _nodes(text: str) -> list[tuple[str, str, str, str]]:
    return [(w.surface, w.feature.pos1 or "", w.feature.pos2 or "", w.feature.lemma or w.surface)
            for w in tagger()(text)]


def _from_nodes(text: str) -> list[tuple[str, str, str, str]]:
    """``_parsed(text)`` read off ``nodes(text)``: unidic-lite writes the parts of speech as MeCab's
    ``%F-[0,1,2,3]`` (the fields that are not ``*``, joined by ``-``) and an unknown word's surface
    as its lemma. The checks parse every translated segment with ``nodes`` (``morphs``) anyway."""
    out = []
    for n in nodes(text):
        pos = "-".join(p for p in (*n.pos, n.pos4) if p is not None and p != "*").split("-")
        lemma = n.surface if n.unknown else n.lemma
        out.append((n.surface, pos[0], pos[1] if len(pos) > 1 else "", lemma or n.surface))
    return out


# a text with a word that is not in the dictionary and parts of speech that end on "*" (助動詞, 代名詞)
_PROBE = "ヌブラスカ州の彼はそれを見ていました。"


@functools.cache
def _nodes_read_as_text() -> bool:
    """Whether the dictionary's text output is what ``_from_nodes`` rebuilds (unidic-lite's format):
    ``tokens`` then takes its rows from the node parse the style checks cache, not a second parse."""
    return _parsed(_PROBE) == _from_nodes(_PROBE)


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """MeCab (UniDic) tokens of ``text`` with character offsets into it.

    The rows of MeCab's text output (surface, pos1, pos2, lemma), rebuilt from the cached node parse
    where the dictionary's format allows (``_nodes_read_as_text``), else parsed from the text output.
    """
    flat = text.replace("\n", " ").replace("\t", " ")
    rows = _from_nodes(flat) if _nodes_read_as_text() else _parsed(flat)
    if rows is None:
        rows = _nodes(flat)
    out = []
    pos = 0
    for surface, pos1, pos2, lemma in rows:
        start = text.find(surface, pos)
        if start < 0:  # MeCab normalised something; skip rather than mis-place spans
            continue
        end = start + len(surface)
        out.append(Token(surface, start, end, pos1, lemma, pos2))
        pos = end
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def word_pieces(word: str) -> tuple[tuple[str, bool], ...]:
    """MeCab's pieces of a single word: (surface, known to the dictionary and longer than one character)."""
    return tuple((n.surface, not n.is_unk and len(n.surface) > 1 and n.feature.pos1 != "記号")
                 for n in tagger()(word))


@dataclass(frozen=True)
class Morph:
    """A MeCab token with its conjugation type (UniDic cType: 五段-カ行, 上一段-マ行, カ行変格 ...)."""

    surface: str
    start: int
    end: int
    pos: str
    pos2: str
    ctype: str
    lemma: str
    kana: str = ""  # the surface's dictionary form in katakana (UniDic kanaBase): 見れる -> ミレル
    lemma_kana: str = ""  # the lemma's reading (UniDic lForm): 見る -> ミル


class Node(NamedTuple):
    """One MeCab node with the UniDic fields that ``morphs`` and ``refine`` read, as MeCab gives them."""

    surface: str
    pos: tuple[str | None, str | None, str | None]  # pos1, pos2, pos3
    pos4: str | None  # pos4 (``tokens`` reads all four)
    ctype: str | None  # conjugation type (五段-カ行 ...)
    cform: str | None  # conjugation form (終止形-一般 ...)
    lemma: str | None
    kana: str | None  # kanaBase (None when the dictionary has no such field)
    lemma_kana: str | None  # lForm
    unknown: bool  # not in the dictionary


@functools.lru_cache(maxsize=512)
def nodes(text: str) -> tuple[Node, ...]:
    """MeCab's nodes of ``text`` exactly as given. The slow parse (node objects), done once per text
    for the style checks (``morphs``), ``tokens`` and the aligner's refinement (``refine``), which
    read the same Japanese sentences and segments of an article (so a small cache suffices)."""
    out = []
    for w in tagger()(text):
        f = w.feature
        out.append(Node(w.surface, (f.pos1, f.pos2, f.pos3), f.pos4, f.cType, f.cForm, f.lemma,
                        getattr(f, "kanaBase", None), getattr(f, "lForm", None), bool(w.is_unk)))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def morphs(text: str) -> tuple[Morph, ...]:
    """Like ``tokens`` but from MeCab's node objects, with the conjugation type (slower; for style checks)."""
    out = []
    pos = 0
    for n in nodes(text.replace("\n", " ").replace("\t", " ")):
        start = text.find(n.surface, pos)
        if start < 0:
            continue
        end = start + len(n.surface)
        out.append(Morph(n.surface, start, end, n.pos[0] or "", n.pos[1] or "", n.ctype or "", n.lemma or n.surface,
                         n.kana or "", n.lemma_kana or ""))
        pos = end
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def conjugation(lemma: str) -> str:
    """The conjugation type MeCab gives ``lemma`` written alone (見る -> 上一段-マ行, 走る -> 五段-ラ行)."""
    ms = morphs(lemma)
    return ms[0].ctype if len(ms) == 1 else ""


class BleuTokenizer:
    """sacrebleu's ``ja-mecab`` tokenizer (``sacrebleu.tokenizers.tokenizer_ja_mecab.TokenizerJaMecab``):
    the same MeCab tagger (IPAdic, ``-Owakati``), the same call and signature, built without importing
    sacrebleu, whose package import (~0.04 CPU-s) every ``mtreview review`` paid for a word count.
    A test compares the two on invented texts, so a change in sacrebleu shows."""

    def __init__(self) -> None:
        try:
            import ipadic
            import MeCab
        except ImportError as exc:
            raise ModelError(f"the Japanese BLEU tokenizer (MeCab + IPAdic) is not available ({exc}); "
                             "install it with: pip install 'sacrebleu[ja]'") from None
        self.tagger = MeCab.Tagger(ipadic.MECAB_ARGS + " -Owakati")
        info = self.tagger.dictionary_info()
        if info.size != 392126 or info.next is not None:  # sacrebleu's own check: IPAdic, no user dictionary
            raise ModelError("the Japanese BLEU tokenizer needs MeCab's IPA dictionary and no user dictionary")
        self._parse = functools.lru_cache(maxsize=2**16)(self._tokenize)

    def _tokenize(self, line: str) -> str:
        return self.tagger.parse(line.strip()).strip()

    def __call__(self, line: str) -> str:
        """``line`` as space-joined words."""
        return self._parse(line)

    def signature(self) -> str:
        return "ja-mecab-" + self.tagger.version() + "-IPA"


@functools.cache
def bleu_tokenizer() -> BleuTokenizer:
    """sacrebleu's ``ja-mecab`` tokenizer (a callable text -> space-joined words, with ``signature()``)."""
    return BleuTokenizer()
