"""Features of an English source / Japanese translation pair for the quality model.

Pure functions over texts (plus embeddings computed elsewhere): length ratios in characters
and MeCab tokens, number / Latin name / punctuation agreement, untranslated Latin, script
mix and repetition of the translation, negation and profanity on each side (``cue_features``:
the usual ways a fluent translation changes the meaning), and counts of flags by severity. ``FEATURES``
fixes the order of the columns the model reads.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from ..lang.en import FUNCTION_WORDS
from ..lang.mecab import bleu_tokenizer
from ..records import Flag, Severity

# Column order of the feature matrix; the shipped model stores the same list and
# refuses to run on a different one.
FEATURES: tuple[str, ...] = (
    "cos", "src_chars_log", "char_ratio_log", "tok_ratio_log",
    "num_missing", "num_extra", "name_missing", "latin_tgt", "copied_words",
    "punct_q_mismatch", "punct_x_mismatch", "quote_mismatch", "paren_mismatch",
    "tgt_hira", "tgt_kata", "tgt_kanji", "tgt_rep", "src_rep", "tgt_final_punct", "src_sents", "tgt_sents",
    "flags_minor", "flags_major", "flags_critical",
    "neg_src", "neg_tgt", "neg_diff", "prof_src", "prof_tgt", "prof_diff",
)

CUE_FEATURES: tuple[str, ...] = FEATURES[-6:]  # the columns of ``cue_features``

# Extra columns of the LM quality model (``quality_gbdt_lm.npz``): signals of
# mtreview.models.lm, appended after FEATURES when ``[models] lm`` is on. Chosen by
# bench/eval_quality.py --lm: adding lm_prior, lm_gain or lm_min as well did not help.
LM_FEATURES: tuple[str, ...] = ("lm_logprob",)

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NAME = re.compile(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*\b|\b[A-Z]{2,}\b")  # acronyms, CamelCase
_EN_SENT = re.compile(r"[.!?](?:\s|$)")
_JA_SENT = re.compile(r"[。！？!?]")
_EN_NEG = re.compile(
    r"\b(?:not|no|never|none|nothing|nobody|nowhere|neither|nor|without|cannot|"
    r"(?:do|does|did|is|are|was|were|ca|wo|could|would|should|have|has|ai)nt)\b|n['’]t\b", re.I)
# (dont, cant, wont ... : comments often drop the apostrophe)
# Japanese negation: negative endings and negating prefixes. ない also ends 少ない / 危ない;
# the feature compares counts on both sides, it is no parser.
_JA_NEG = re.compile(r"ない|なく|ません|ず[、。にともはしでの]|ぬ|無[いくし]?|非|不|否")
# Profanity and insults: MLQE-PE's critical errors are mostly toxicity added to or lost from
# a comment, so a swear word on one side only is a strong cue.
_EN_PROF = re.compile(
    r"\b(?:fuck\w*|shit\w*|bitch\w*|bastard\w*|asshole\w*|ass|damn\w*|crap\w*|dick\w*|cunt\w*|"
    r"idiot\w*|stupid\w*|moron\w*|retard\w*|dumb\w*|suck\w*|hell|piss\w*|whore\w*|slut\w*|"
    r"jerk\w*|loser\w*|scum\w*|pathetic|fool\w*|nigg\w*|fag\w*|kill yourself|die)\b", re.I)
_JA_PROF = re.compile(
    r"クソ|くそ|糞|馬鹿|バカ|ばか|アホ|あほ|死ね|しね|くたばれ|畜生|ちくしょう|ファック|野郎|クズ|くず|"
    r"カス|ボケ|間抜け|まぬけ|うんこ|ちんこ|まんこ|売春婦|あばずれ|ビッチ|くだらない|愚か|バーカ|最低|"
    r"黙れ|うるさい|ふざけ|キモ|きも|ゴミ|ごみ|地獄|ブス|デブ|変態|負け犬|哀れ|間抜|低能|無能")
_STOP = FUNCTION_WORDS | {"been", "but"}


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def numbers(text: str) -> set[str]:
    """Numbers written with digits, normalised (full-width -> ASCII, thousands commas dropped)."""
    out = set()
    for m in _NUM.finditer(_nfkc(text)):
        n = m.group().replace(",", "")
        out.add(n.rstrip("0").rstrip(".") if "." in n else n.lstrip("0") or "0")
    return out


def _script_ratios(text: str) -> tuple[float, float, float, float]:
    """Shares of hiragana, katakana, kanji and ASCII letters among the non-space characters."""
    hira = kata = kanji = latin = total = 0
    for ch in text:
        if ch.isspace():
            continue
        total += 1
        o = ord(ch)
        if 0x3040 <= o <= 0x309F:
            hira += 1
        elif 0x30A0 <= o <= 0x30FF or 0xFF66 <= o <= 0xFF9F:
            kata += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            kanji += 1
        elif (ch.isascii() and ch.isalpha()) or 0xFF21 <= o <= 0xFF5A:
            latin += 1
    if not total:
        return 0.0, 0.0, 0.0, 0.0
    return hira / total, kata / total, kanji / total, latin / total


def repetition(text: str, n: int = 3) -> float:
    """1 - distinct/total character n-grams: high when a text stutters or loops."""
    t = "".join(text.split())
    grams = [t[i : i + n] for i in range(len(t) - n + 1)]
    return 1.0 - len(set(grams)) / len(grams) if grams else 0.0


def _count_diff(src: str, tgt: str, src_chars: str, tgt_chars: str) -> float:
    a = sum(src.count(c) for c in src_chars)
    b = sum(tgt.count(c) for c in tgt_chars)
    return float(abs(min(a, 3) - min(b, 3)))


def text_features(src: str, tgt: str) -> dict[str, float]:
    """The features that need no model: lengths, agreement, script mix, repetition."""
    s, t = src.strip(), tgt.strip()
    tn = _nfkc(t)
    src_words = _LATIN_WORD.findall(s)
    tgt_tokens = bleu_tokenizer()(t).split() if t else []
    s_nums, t_nums = numbers(s), numbers(t)
    names = {m.group() for m in _NAME.finditer(s)}
    hira, kata, kanji, latin = _script_ratios(t)
    content = {w.lower() for w in src_words if len(w) > 2 and w.lower() not in _STOP}
    tgt_latin = {w.lower() for w in _LATIN_WORD.findall(tn)}
    return {
        "src_chars_log": math.log1p(len(s)),
        "char_ratio_log": math.log((len(t) + 1) / (len(s) + 1)),
        "tok_ratio_log": math.log((len(tgt_tokens) + 1) / (len(s.split()) + 1)),
        "num_missing": len(s_nums - t_nums) / max(1, len(s_nums)),
        "num_extra": len(t_nums - s_nums) / max(1, len(t_nums)),
        "name_missing": sum(1 for n in names if n not in tn) / max(1, len(names)),
        "latin_tgt": latin,
        "copied_words": len(content & tgt_latin) / max(1, len(content)),
        "punct_q_mismatch": _count_diff(s, tn, "?", "?"),
        "punct_x_mismatch": _count_diff(s, tn, "!", "!"),
        "quote_mismatch": float(abs(
            min(s.count('"') // 2 + s.count("“"), 3)
            - min(t.count("「") + t.count("『") + tn.count('"') // 2 + t.count("“"), 3))),
        "paren_mismatch": _count_diff(s, tn, "(", "("),
        "tgt_hira": hira,
        "tgt_kata": kata,
        "tgt_kanji": kanji,
        "tgt_rep": repetition(t),
        "src_rep": repetition(s),
        "tgt_final_punct": float(bool(t) and t[-1] in "。！？!?」』）)”\""),
        "src_sents": float(min(len(_EN_SENT.findall(s + " ")), 5)),
        "tgt_sents": float(min(len(_JA_SENT.findall(t)), 5)),
    }


def cue_features(src: str, tgt: str) -> dict[str, float]:
    """Meaning-changing cues: negation and profanity counts a side (capped at 3) and their differences."""
    neg_s, neg_t = min(len(_EN_NEG.findall(src)), 3), min(len(_JA_NEG.findall(tgt)), 3)
    prof_s, prof_t = min(len(_EN_PROF.findall(src)), 3), min(len(_JA_PROF.findall(tgt)), 3)
    return {"neg_src": float(neg_s), "neg_tgt": float(neg_t), "neg_diff": float(neg_t - neg_s),
            "prof_src": float(prof_s), "prof_tgt": float(prof_t), "prof_diff": float(prof_t - prof_s)}


def flag_counts(flags: Sequence[Flag]) -> dict[str, float]:
    """Flags by the severity their check gives them (a [checks.severity] override does not count)."""
    return {f"flags_{sev.label}": float(sum(1 for f in flags if (f.base_severity or f.severity) is sev))
            for sev in Severity}


def feature_matrix(srcs: Sequence[str], tgts: Sequence[str], cosines: Sequence[float],
                   flags: Sequence[Sequence[Flag]] | None = None,
                   lm: Sequence[dict[str, float]] | None = None) -> np.ndarray:
    """An (N, len(FEATURES)) float64 matrix; with ``lm`` (LM signals per row), (N, len(FEATURES + LM_FEATURES))."""
    names = FEATURES + LM_FEATURES if lm is not None else FEATURES
    out = np.full((len(srcs), len(names)), np.nan)
    col = {name: j for j, name in enumerate(names)}
    for i, (s, t) in enumerate(zip(srcs, tgts, strict=True)):
        row: dict[str, float] = {"cos": float(cosines[i]), **text_features(s, t), **cue_features(s, t)}
        row.update(flag_counts(flags[i] if flags is not None else ()))
        if lm is not None:
            row.update({name: lm[i][name] for name in LM_FEATURES})
        for name, value in row.items():
            out[i, col[name]] = value
    return out
