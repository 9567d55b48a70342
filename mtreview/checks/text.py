"""Text helpers shared by the check families: scripts, width folding, MeCab tokens.

Nothing here knows about checks; every function is pure and keeps character offsets
(``fold_width`` maps one character to one character so spans stay valid).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..errors import ModelError

# Japanese characters: hiragana, katakana (incl. prolonged sound mark), CJK ideographs, 々〆.
JA_CHAR = r"\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\u3005\u3006"
JA_RE = re.compile(f"[{JA_CHAR}]")
KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc\u30fb]+")

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII, one character for one character.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """Full-width ASCII letters, digits and signs to half-width; same length as ``text``."""
    return text.translate(_WIDTH)


def is_ja(ch: str) -> bool:
    return bool(JA_RE.match(ch))


def ja_ratio(text: str) -> float:
    """Share of non-space characters that are Japanese script."""
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if is_ja(c)) / len(chars) if chars else 0.0


@dataclass(frozen=True)
class Token:
    surface: str
    start: int
    end: int
    pos: str  # UniDic pos1: 名詞, 動詞, 助詞, 補助記号 ...
    lemma: str
    pos2: str = ""  # UniDic pos2: 数詞, 固有名詞, 普通名詞 ...


@functools.cache
def _tagger():  # fugashi.Tagger
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
    for line in _tagger().parse(text).splitlines():
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
            for w in _tagger()(text)]


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """MeCab (UniDic) tokens of ``text`` with character offsets into it.

    Reads MeCab's text output, an order of magnitude faster than a node object per token.
    """
    flat = text.replace("\n", " ").replace("\t", " ")
    rows = _parsed(flat)
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
                 for n in _tagger()(word))


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


@functools.lru_cache(maxsize=4096)
def morphs(text: str) -> tuple[Morph, ...]:
    """Like ``tokens`` but from MeCab's node objects, with the conjugation type (slower; for style checks)."""
    out = []
    pos = 0
    for w in _tagger()(text.replace("\n", " ").replace("\t", " ")):
        start = text.find(w.surface, pos)
        if start < 0:
            continue
        f = w.feature
        end = start + len(w.surface)
        out.append(Morph(w.surface, start, end, f.pos1 or "", f.pos2 or "", f.cType or "", f.lemma or w.surface,
                         getattr(f, "kanaBase", "") or "", getattr(f, "lForm", "") or ""))
        pos = end
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def conjugation(lemma: str) -> str:
    """The conjugation type MeCab gives ``lemma`` written alone (見る -> 上一段-マ行, 走る -> 五段-ラ行)."""
    ms = morphs(lemma)
    return ms[0].ctype if len(ms) == 1 else ""
