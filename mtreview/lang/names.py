"""Transliterated names: does a katakana word spell a Latin-script name?

Both sides are reduced to a consonant skeleton of sound classes (voicing merged,
l = r, v = b, f = h, th = s, vowels dropped, an English r before a consonant or at the
end dropped as Japanese does: Lingard = リンガード), then compared with a similarity
ratio. Pure functions; used by the omission check to see which names of a source
sentence its translation still mentions, and by the inconsistency check to tell which
English name a katakana word renders and whether two English names are forms of one
(Ukraine / Ukrainians, Joe Biden / Biden's) or two (Austria / Australia).
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re

from .ja import KATAKANA


def _words(text: str) -> list[str]:
    return text.split()


# katakana -> romaji, longest first (two-character combinations before single ones)
_KANA = _words(
    "キャ kya キュ kyu キョ kyo シャ sha シュ shu ショ sho シェ she チャ cha チュ chu チョ cho チェ che "
    "ニャ nya ニュ nyu ニョ nyo ヒャ hya ヒュ hyu ヒョ hyo ミャ mya ミュ myu ミョ myo リャ rya リュ ryu "
    "リョ ryo ギャ gya ギュ gyu ギョ gyo ジャ ja ジュ ju ジョ jo ジェ je ビャ bya ビュ byu ビョ byo "
    "ピャ pya ピュ pyu ピョ pyo ティ ti ディ di トゥ tu ドゥ du ファ fa フィ fi フェ fe フォ fo "
    "ヴァ va ヴィ vi ヴェ ve ヴォ vo ウィ wi ウェ we ウォ wo ツァ tsa クァ kwa "
    "ア a イ i ウ u エ e オ o カ ka キ ki ク ku ケ ke コ ko ガ ga ギ gi グ gu ゲ ge ゴ go "
    "サ sa シ shi ス su セ se ソ so ザ za ジ ji ズ zu ゼ ze ゾ zo タ ta チ chi ツ tsu テ te ト to "
    "ダ da ヂ ji ヅ zu デ de ド do ナ na ニ ni ヌ nu ネ ne ノ no ハ ha ヒ hi フ fu ヘ he ホ ho "
    "バ ba ビ bi ブ bu ベ be ボ bo パ pa ピ pi プ pu ペ pe ポ po マ ma ミ mi ム mu メ me モ mo "
    "ヤ ya ユ yu ヨ yo ラ ra リ ri ル ru レ re ロ ro ワ wa ヲ o ン n ヴ vu "
    "ァ a ィ i ゥ u ェ e ォ o ャ ya ュ yu ョ yo"
)
KANA = dict(zip(_KANA[::2], _KANA[1::2], strict=True))
KATA_WORD = re.compile(f"[{KATAKANA}]{{2,}}")
LATIN_NAME = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:[-'][A-Z]?[a-zà-ÿ]+)?\b")

# English spellings -> sound classes, in order
_EN_RULES = [
    (r"[àáâãäå]", "a"), (r"[èéêë]", "e"), (r"[ìíîï]", "i"), (r"[òóôõö]", "o"), (r"[ùúûü]", "u"),
    (r"ç", "s"), (r"ñ", "n"), (r"[^a-z]", ""),
    (r"ph", "f"), (r"th", "s"), (r"sch", "s"), (r"sh", "s"), (r"ch", "t"), (r"ck", "k"), (r"gh", ""),
    (r"qu", "k"), (r"x", "ks"), (r"c(?=[eiy])", "s"), (r"g(?=[eiy])", "j"), (r"c", "k"), (r"wr", "r"), (r"kn", "n"),
    (r"r(?![aeiouy])", ""), (r"e$", ""),
]
_EN_COMPILED = [(re.compile(rx), rep) for rx, rep in _EN_RULES]  # compiled once: en_skeleton runs per word
_TS, _VOWEL, _DOUBLE = re.compile(r"ts"), re.compile(r"[aeiou]"), re.compile(r"(.)\1+")
_CLASSES = str.maketrans({"p": "b", "v": "b", "d": "t", "g": "k", "q": "k", "z": "s", "j": "s",
                          "f": "h", "l": "r", "w": "", "y": ""})


def _skeleton(latin: str) -> str:
    s = _TS.sub("t", latin).replace("sh", "s").replace("ch", "t")
    s = _VOWEL.sub("", s).translate(_CLASSES)
    return _DOUBLE.sub(r"\1", s)


@functools.lru_cache(maxsize=4096)
def en_skeleton(name: str) -> str:
    """The sound skeleton of an English (or other Latin-script) name: Lingard -> rnkt."""
    s = name.lower()
    for rx, rep in _EN_COMPILED:
        s = rx.sub(rep, s)
    return _skeleton(s)


@functools.lru_cache(maxsize=4096)
def kata_skeleton(word: str) -> str:
    """The sound skeleton of a katakana word: リンガード -> rnkt."""
    out, k = [], 0
    while k < len(word):
        two = KANA.get(word[k : k + 2])
        if two:
            out.append(two)
            k += 2
            continue
        out.append(KANA.get(word[k], ""))  # ー ッ ・ and unknown signs carry no consonant
        k += 1
    return _skeleton(re.sub(r"n(?=[bp])", "m", "".join(out)))


@functools.lru_cache(maxsize=8192)
def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def katakana_words(text: str) -> list[str]:
    """Katakana words of a Japanese text (a ・-joined name gives each part)."""
    return KATA_WORD.findall(text)


def spells(name: str, words: list[str], threshold: float = 0.75) -> bool:
    """True when one of the katakana ``words`` (or two adjacent ones) spells ``name``."""
    target = en_skeleton(name)
    if len(target) < 2:
        return False
    cands = [kata_skeleton(w) for w in words]
    cands += [a + b for a, b in itertools.pairwise(cands)]
    return any(similar(target, c) >= threshold for c in cands if c)


def latin_names(text: str) -> list[re.Match[str]]:
    """Capitalised words inside an English sentence (not its first word; none in a Title Case headline)."""
    words = text.split()
    caps = sum(1 for w in words if w[:1].isupper())
    if len(words) < 6 or caps > len(words) / 2:
        return []
    return [m for m in LATIN_NAME.finditer(text) if m.start() > 0 and len(m.group()) >= 3]


NAME_RUN = re.compile(r"[A-Z][a-z]+(?:'s|’s)?(?: [A-Z][a-z]+(?:'s|’s)?)*")  # capitalised words in a row


def closest_run(form: str, groups: list[list[str]], unique: bool = False) -> str:
    """The run of one to three consecutive words of one of ``groups`` that sounds most like the katakana
    ``form`` (the sound skeletons above, similarity above 0.8); "" when none does, or with ``unique``
    when two different runs sound equally close (Japan and Spain for スペイン)."""
    bare = kata_skeleton(form.replace("・", ""))
    best, best_run, tied = 0.8, "", False
    for words in groups:
        for n in (1, 2, 3):
            for k in range(len(words) - n + 1):
                run = en_skeleton("".join(words[k : k + n]))
                if len(run) < 2:
                    continue
                if 2.0 * min(len(run), len(bare)) / (len(run) + len(bare)) < best:
                    continue  # cannot reach best (the ratio's bound: every character of the shorter matched)
                score, text = similar(run, bare), " ".join(words[k : k + n])
                if score > best:
                    best, best_run, tied = score, text, False
                elif score == best and best_run and not same_name(text, best_run):
                    tied = True
    return "" if unique and tied else best_run


def source_name(form: str, src: str) -> str:
    """The name in ``src`` (one to three capitalised words written in a row) that sounds like ``form``."""
    runs = [[w.removesuffix("'s").removesuffix("’s") for w in m.group().split()] for m in NAME_RUN.finditer(src)]
    return closest_run(form, runs, unique=True)


DERIVED = ("ians", "ian", "ans", "an", "ese", "ish", "ship", "s", "i")  # Russia-n, Spain -> Span-ish, Greek-s


def _base(word: str) -> str:
    return word.lower().removesuffix("'s").removesuffix("’s").rstrip("aeiouy")


def same_word(a: str, b: str) -> bool:
    """One word, or a derived form of it: the longer word without a suffix (DERIVED) is the other, or one
    letter apart (Ukraine / Ukrainians, Spain / Spanish, Greece / Greeks, Japan / Japanese, Champion /
    Championship); not Iran / Iraq, Austria / Australia, Johnson / Johnston."""
    short, long = sorted((a, b), key=len)
    if _base(short) == _base(long) or sorted(short.lower()) == sorted(long.lower()):
        return True  # ... or two letters swapped, a typo (Sepctee / Spectee)
    w = long.lower().removesuffix("'s").removesuffix("’s")
    cut = next((x for x in DERIVED if w.endswith(x) and len(w) - len(x) >= 3), "")
    if not cut:
        return False
    stem, base = w[: len(w) - len(cut)].rstrip("aeiouy"), _base(short)
    if stem == base:
        return True
    return abs(len(stem) - len(base)) <= 1 and difflib.SequenceMatcher(None, stem, base).ratio() >= 1 - 2 / (
        len(stem) + len(base))


def same_name(a: str, b: str) -> bool:
    """Two English names are forms of one: the words of one are words of the other or derived forms of
    them (Biden, Joe Biden's; Champion League, Championship League; Greece, Greeks; Zelensky, Zelenskyy)."""
    wa, wb = a.split(), b.split()
    return all(any(same_word(x, y) for y in wb) for x in wa) or all(any(same_word(x, y) for y in wa) for x in wb)
