"""Japanese house style (grammar and register): each rule its own check id, minor by default.

- ``style_mix``: an article written in plain style (だ/である: 〜した。〜である。) with a
  sentence in polite style (です/ます), or the reverse. Only the narrative counts: text inside
  「」『』（） (quoted speech, which keeps the speaker's register) is skipped, and so are
  sentences without a final 。！？ (headlines, captions), those ending on a noun (体言止め,
  either style), casual speech ending on a particle (〜だよね, 〜んだ), requests to the reader
  (〜ください。) and list items (「- 〜をクリックする。」: procedure steps are often plain in a
  polite text). Asides count for the article's style but are never reported: exclamations
  (〜になる！), calls to act (〜しよう。, 〜しましょう。), speech running on after a
  sentence-final particle (「〜ましたよ、〜なかった。」) and humble or courteous language
  (おります, いたします, ございます, 申し上げます): a statement of someone addressing their
  public (an apology, an appeal) quoted without brackets, since a narrator never humbles
  themselves. Reported only when the article clearly has a style: at least
  ``min_sentences`` sentences in it, and the other style at most ``max_share`` of them.
- ``doubled_particle``: the same case particle twice in a row (東京のの天気, 彼がが来た). MeCab
  tokens, so words that contain the letters (ののしる, ととのう, もの+の) are not particles.
- ``ra_nuki``: a potential form without ら (見れる, 来れる, 食べれる) where the standard written
  form has it (見られる, 来られる, 食べられる). Only verbs of the 一段 and カ変 classes: the
  potential verbs of 五段 verbs (走れる, 帰れる) are standard.
- ``sentence_length``: a Japanese sentence longer than ``max_chars`` characters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..lang.ja import is_ja
from ..lang.mecab import Morph, conjugation, morphs
from ..records import Flag, Severity
from .base import Article, Check

OPEN, CLOSE = "「『（(【", "」』）)】"
END = "。！？!?"
POLITE_LEMMAS = {"です", "ます"}
PLAIN_AUX = {"だ", "た", "ない", "ず", "う", "よう", "らしい", "べし", "たい", "まい", "ぬ", "れる", "られる",
             "せる", "させる", "そう", "みたい"}
SENTENCE_PARTICLE = "終助詞"
# humble and courteous verbs (謙譲語, 丁重語): a speaker addressing their public, never a narrator
HUMBLE_LEMMAS = {"致す", "御座る", "申す", "申し上げる", "参る", "頂く", "存ずる", "差し上げる"}
LIST_ITEM = re.compile(r"\s*(?:[-•・*]|[0-9０-９]+[.)）]|[(（][0-9０-９]+[)）])")  # steps of a procedure
CASE_PARTICLES = {"の", "が", "を", "に", "は", "で", "と", "へ", "も", "から", "まで", "より"}
ICHIDAN = ("上一段", "下一段", "カ行変格")
FUNCTION_POS = {"助詞", "助動詞", "接続詞"}
VOLITIONAL = re.compile("[おこごそぞとどのぼぽもよろ]う$")  # 行こう, 入れよう, 帰ろう


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``: cut after 。！？ outside brackets (a closing bracket stays)."""
    out, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in END and depth == 0:
            out.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in out if text[s:e].strip()]


def _outside_brackets(text: str, start: int, end: int) -> set[int]:
    """Character offsets of ``text[start:end]`` that are not inside a bracket pair."""
    keep, depth = set(), 0
    for i in range(start, end):
        ch = text[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            keep.add(i)
    return keep


def ending(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The register of the sentence ``text[start:end]`` from its final predicate: ("polite" | "plain",
    span of the ending); None for a headline, a noun ending or a quotation."""
    if text[start:end].rstrip()[-1:] not in END or LIST_ITEM.match(text, start):
        return None
    outside = _outside_brackets(text, start, end)
    ms = [m for m in morphs(text) if start <= m.start < end and m.start in outside and m.surface.strip()]
    while ms and ms[-1].pos in ("補助記号", "記号", "空白"):
        ms.pop()
    if not ms or ms[-1].pos2 in (SENTENCE_PARTICLE, "接続助詞") or ms[-1].surface in ("で", "に"):
        return None  # casual speech (〜だよね), an inverted or cut sentence (〜ので。): neither register
    if ms[-1].lemma == "下さる":
        return None  # a request to the reader (詳しくは〜をご覧ください。) is polite in any article
    if ms[-1].lemma == "だ" and len(ms) > 1 and ms[-2].lemma == "の" and ms[-2].surface in ("ん", "の"):
        return None  # 〜んだ。: spoken explanation
    # the predicate's ending: its trailing auxiliaries and the verb or adjective they follow
    k = len(ms) - 1
    while k > 0 and ms[k].pos == "助動詞":
        k -= 1
    if ms[k].pos not in ("動詞", "形容詞") and k < len(ms) - 1:
        k += 1
    tail, last = ms[k:], ms[-1]
    if any(m.lemma in POLITE_LEMMAS for m in tail):
        return "polite", tail[0].start, last.end
    if last.pos in ("動詞", "形容詞") or (last.pos == "助動詞" and last.lemma in PLAIN_AUX):
        return "plain", tail[0].start, last.end
    return None


def _volitional(m: Morph) -> bool:
    """``m`` is a volitional form, a call to act (行こう, 入れよう, 行きましょう); not だろう / でしょう."""
    if m.pos == "動詞":
        return m.surface != m.lemma and VOLITIONAL.search(m.surface) is not None  # not いう, もらう
    return m.lemma == "ます" and m.surface == "ましょう"


def aside(text: str, start: int, end: int) -> bool:
    """The sentence ``text[start:end]`` is not narrative, though it has a register: an exclamation
    (〜になる！), a call to act (〜しよう。, 〜しましょう。), speech running on after a sentence-final
    particle (〜いましたよ、〜なかった。) or humble and courteous language (おります, いたします,
    ございます), which a speaker addressing their public uses and a narrator never does."""
    if text[start:end].rstrip()[-1:] in "！!":
        return True
    outside = _outside_brackets(text, start, end)
    ms = [m for m in morphs(text) if start <= m.start < end and m.start in outside and m.surface.strip()]
    while ms and ms[-1].pos in ("補助記号", "記号", "空白"):
        ms.pop()
    if ms and _volitional(ms[-1]):
        return True
    if any(a.pos2 == SENTENCE_PARTICLE and b.surface == "、" for a, b in itertools.pairwise(ms)):
        return True
    return any(m.lemma in HUMBLE_LEMMAS or (m.lemma == "居る" and m.surface[:1] == "お") for m in ms)


class StyleMix(Check):
    id = "style_mix"
    category = "style/register"
    severity = Severity.MINOR
    description = "A sentence in polite style (です/ます) in an article in plain style (だ/である), or the reverse."

    @dataclass(frozen=True)
    class Params:
        min_sentences: int = 4  # sentences in the article's style before the other style is reported
        max_share: float = 0.15  # ... and the other style's share of the narrative sentences at most this

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.document_level:
            return []
        found: list[tuple[int, str, int, int]] = []
        asides: set[tuple[int, int]] = set()  # counted for the article's style, never reported
        for i, seg in enumerate(article.segments):
            for s, e in sentences(seg.tgt):
                end = ending(seg.tgt, s, e)
                if end is not None:
                    found.append((i, *end))
                    if aside(seg.tgt, s, e):
                        asides.add((i, end[1]))
        polite = sum(1 for _, style, _, _ in found if style == "polite")
        plain = len(found) - polite
        major, minor = ("plain", "polite") if plain >= polite else ("polite", "plain")
        n_major, n_minor = max(plain, polite), min(plain, polite)
        if not n_minor or n_major < self.params.min_sentences or n_minor > self.params.max_share * len(found):
            return []
        names = {"plain": "plain style (だ/である)", "polite": "polite style (です/ます)"}
        out = []
        for i, style, s, e in found:
            if style == minor and (i, s) not in asides:
                tgt = article.segments[i].tgt
                msg = f"「{tgt[s:e]}」 is {names[minor]}; the article is written in {names[major]} ({n_major} of " \
                      f"{len(found)} sentences)."
                out.append((i, self.flag("tgt", tgt, s, e, msg)))
        return out


class DoubledParticle(Check):
    id = "doubled_particle"
    category = "fluency/grammar"
    severity = Severity.MINOR
    description = "The same particle written twice in a row (のの, がが, をを)."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            ms = morphs(seg.tgt) if seg.tgt.strip() else ()
            for a, b in itertools.pairwise(ms):
                # MeCab tags a doubled で otherwise (助動詞 だ + 接続詞 で): two function words will do
                particle = "助詞" in (a.pos, b.pos) or a.surface == "で"
                if (a.surface == b.surface and a.surface in CASE_PARTICLES and a.end == b.start
                        and {a.pos, b.pos} <= FUNCTION_POS and particle):
                    msg = f"The particle 「{a.surface}」 is written twice in a row."
                    out.append((i, self.flag("tgt", seg.tgt, a.start, b.end, msg, suggestion=a.surface)))
        return out


def _ra_nuki(ms: tuple[Morph, ...], k: int) -> tuple[int, str] | None:
    """(end of the ら抜き form, its standard form) if the verb ``ms[k]`` is one, else None."""
    m = ms[k]
    if m.pos != "動詞":
        return None
    nxt = ms[k + 1] if k + 1 < len(ms) else None
    if m.ctype.startswith(("上一段", "下一段")) and nxt is not None and nxt.lemma == "れる" and nxt.start == m.end:
        return nxt.end, m.surface + "ら" + nxt.surface  # 借り+れる
    # MeCab reads 見れる / みれる as a 下一段 verb whose lemma is 見る: the dictionary form's kana is the
    # lemma's with ル -> レル (ミル -> ミレル; 来る: クル -> コレル). 居る is left out: いれる is
    # more often 入れる written in kana.
    if not m.ctype.startswith("下一段-ラ行") or m.lemma == "居る" or not m.lemma_kana.endswith("ル"):
        return None
    if m.lemma == "来る":
        if m.kana != "コレル":
            return None
    elif m.kana != m.lemma_kana[:-1] + "レル" or not conjugation(m.lemma).startswith(ICHIDAN):
        return None
    surface = m.surface
    body = surface[:-1] if len(surface) > 2 and surface[-1] in "るれろよ" and surface[-2] == "れ" else surface
    if not body.endswith("れ"):
        return None
    at = len(body) - 1
    return m.end, surface[:at] + "ら" + surface[at:]  # 見れる -> 見られる, 晴れれる -> 晴れられる


class RaNuki(Check):
    id = "ra_nuki"
    category = "fluency/grammar"
    severity = Severity.MINOR
    description = "A potential form without ら (見れる, 来れる): written Japanese has 見られる, 来られる."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            if not seg.tgt.strip():
                continue
            ms = morphs(seg.tgt)
            for k, m in enumerate(ms):
                hit = _ra_nuki(ms, k)
                if hit is not None:
                    end, fix = hit
                    msg = f"「{seg.tgt[m.start:end]}」 drops the ら of the potential form (ら抜き): 「{fix}」."
                    out.append((i, self.flag("tgt", seg.tgt, m.start, end, msg, suggestion=fix)))
        return out


class SentenceLength(Check):
    id = "sentence_length"
    category = "style/awkward"
    severity = Severity.MINOR
    description = "A Japanese sentence too long to read easily."

    @dataclass(frozen=True)
    class Params:
        max_chars: int = 150  # longest sentence, in characters (spaces not counted)

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        limit = self.params.max_chars
        for i, seg in enumerate(article.segments):
            for s, e in sentences(seg.tgt):
                n = len(re.sub(r"\s", "", seg.tgt[s:e]))
                if n > limit and any(is_ja(c) for c in seg.tgt[s:e]):
                    msg = f"This sentence has {n} characters (house limit {limit}); consider splitting it."
                    out.append((i, self.flag("tgt", seg.tgt, s, e, msg)))
        return out
