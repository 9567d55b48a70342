"""Known errors injected into professional translations, for bench/eval_checks.py.

Each injector takes the list of [src, tgt] pairs of one article, a seeded
``random.Random`` and the article's glossary, changes one pair (or inserts one) and
returns an ``Injection`` naming the check that should fire, the changed pair and the
changed span of its target text; or None when the article offers no place for it.
``also`` lists other checks whose flag on that pair is correct too (eval_checks.py adds
those an injection really gives cause to: a dropped clause that held a number loses it).
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field

from mtreview.checks.consistency import PERSON, RANKS
from mtreview.lang.ja import KATAKANA_RUN
from mtreview.lang.mecab import tokens
from mtreview.lang.numbers import HARD, japanese_numbers


@dataclass
class Pair:
    src: str
    tgt: str
    injection: Injection | None = None


@dataclass
class Injection:
    kind: str
    check: str
    span: tuple[int, int] | None = None  # changed span of the target text, if it has one
    also: set[str] = field(default_factory=set)


DEBRIS = [
    "Short Url:",
    "21 Jan 2024 11:01:28 GMT9",
    "return to top",
    "特に人気",
    "オススメ",
    "• facebook • twitter",
    "関連記事",
    "2021年7月24日 18:30",
    "Updated 2021-07-24 18:30",
    "シェア ツイート",
    "トップへ戻る",
    "この記事をシェアする",
]
OTHER_SENTENCES = [
    "政府は来週にも新たな対策を発表する見通しだ。",
    "関係者によると、交渉は難航しているという。",
    "市は今後も調査を続ける方針だ。",
    "現地では雨が降り続いている。",
]
WRONG_TERMS = ["代表団", "委員会", "当局", "事務所", "関係者"]
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def _free(pairs: list[Pair], rng: random.Random, ok) -> int | None:
    cands = [
        i for i, p in enumerate(pairs) if p.injection is None and p.src.strip() and p.tgt.strip() and ok(p)
    ]
    return rng.choice(cands) if cands else None


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of ``text`` cut at 、 (each with its 、), the last clause excluded."""
    spans, start = [], 0
    for m in re.finditer("、", text):
        spans.append((start, m.end()))
        start = m.end()
    return [(s, e) for s, e in spans if e - s >= 6 and "「" not in text[s:e] and "」" not in text[s:e]]


def drop_sentence(pairs, rng, glossary):
    i = _free(pairs, rng, lambda p: True)
    if i is None:
        return None
    pairs[i].tgt = ""
    return i, Injection("drop_sentence", "omission")


def add_sentence(pairs, rng, glossary):
    i = rng.randrange(len(pairs) + 1)
    pairs.insert(i, Pair("", rng.choice(OTHER_SENTENCES)))
    return i, Injection("add_sentence", "addition", (0, len(pairs[i].tgt)))


def drop_clause(pairs, rng, glossary):
    i = _free(pairs, rng, lambda p: _clauses(p.tgt))
    if i is None:
        return None
    s, e = rng.choice(_clauses(pairs[i].tgt))
    pairs[i].tgt = pairs[i].tgt[:s] + pairs[i].tgt[e:]
    return i, Injection("drop_clause", "omission")


def change_number(pairs, rng, glossary):
    def nums(p: Pair):
        return [
            n
            for n in japanese_numbers(p.tgt)
            if n.strength == HARD and n.kind == "num" and re.fullmatch(r"[0-9０-９]+", p.tgt[n.start : n.end])
        ]

    i = _free(pairs, rng, nums)
    if i is None:
        return None
    n = rng.choice(nums(pairs[i]))
    old = pairs[i].tgt[n.start : n.end]
    value = int(old.translate({ord(c): ord("0") + k for k, c in enumerate("０１２３４５６７８９")}))
    new_value = (
        value + rng.choice([1, 2, 3, 5, 10]) * rng.choice([1, -1])
        if value > 10
        else value + rng.randint(1, 3)
    )
    new = str(max(new_value, 0) if new_value != value else value + 1)
    if any("０" <= c <= "９" for c in old):
        new = new.translate(FW)
    pairs[i].tgt = pairs[i].tgt[: n.start] + new + pairs[i].tgt[n.end :]
    return i, Injection("change_number", "numbers", (n.start, n.start + len(new)))


def duplicate_phrase(pairs, rng, glossary):
    def units(p: Pair):
        toks = [t for t in tokens(p.tgt) if t.surface.strip()]
        out = []
        for k in range(len(toks)):
            for n in (2, 3, 4):
                u = toks[k : k + n]
                if (
                    len(u) == n
                    and u[-1].pos in ("助詞", "助動詞")
                    and any(t.pos in ("名詞", "動詞") for t in u)
                    and u[-1].end - u[0].start >= 3
                    and not any(t.pos == "補助記号" for t in u)
                ):
                    out.append((u[0].start, u[-1].end))
        return out

    i = _free(pairs, rng, units)
    if i is None:
        return None
    s, e = rng.choice(units(pairs[i]))
    t = pairs[i].tgt
    pairs[i].tgt = t[:e] + t[s:e] + t[e:]
    return i, Injection("duplicate_phrase", "repetition", (s, e + (e - s)))


def char_stutter(pairs, rng, glossary):
    """A stutter that restarts inside a word: 「明らかにした」 -> 「明らかにしたらかにした」.

    The repeated stretch ends on a token boundary after a particle or auxiliary and starts
    inside a token, 3 to 8 characters back, never across punctuation.
    """
    def cuts(p: Pair):
        toks = [t for t in tokens(p.tgt) if t.surface.strip()]
        edges = {t.start for t in toks} | {t.end for t in toks}
        out = []
        for t in toks:
            if t.pos not in ("助詞", "助動詞"):
                continue
            for s in range(t.end - 8, t.end - 2):
                piece = p.tgt[s : t.end] if s >= 0 else ""
                if piece and s not in edges and not re.search(r"[\s、。，．「」（）()・,.!?！？]", piece):
                    out.append((s, t.end))
        return out

    i = _free(pairs, rng, cuts)
    if i is None:
        return None
    s, e = rng.choice(cuts(pairs[i]))
    t = pairs[i].tgt
    pairs[i].tgt = t[:e] + t[s:e] + t[e:]
    return i, Injection("char_stutter", "repetition", (s, e + (e - s)))


def doubled_particle(pairs, rng, glossary):
    """A case particle written twice (東京の天気 -> 東京のの天気)."""
    def spots(p: Pair):
        return [t for t in tokens(p.tgt) if t.pos == "助詞" and t.surface in ("の", "が", "を", "に", "で", "と", "は")]

    i = _free(pairs, rng, spots)
    if i is None:
        return None
    t = rng.choice(spots(pairs[i]))
    pairs[i].tgt = pairs[i].tgt[: t.end] + t.surface + pairs[i].tgt[t.end :]
    return i, Injection("doubled_particle", "doubled_particle", (t.start, t.end + len(t.surface)))


def ra_nuki(pairs, rng, glossary):
    """The ら of られる dropped after an 一段 verb (求められる -> 求めれる)."""
    from mtreview.lang.mecab import morphs

    def spots(p: Pair):
        ms = morphs(p.tgt)
        return [(a, b) for a, b in itertools.pairwise(ms)
                if a.pos == "動詞" and a.ctype.startswith(("上一段", "下一段")) and b.lemma == "られる"
                and b.surface.startswith("られ") and a.end == b.start]

    i = _free(pairs, rng, spots)
    if i is None:
        return None
    a, b = rng.choice(spots(pairs[i]))
    t = pairs[i].tgt
    pairs[i].tgt = t[: b.start] + t[b.start + 1 :]
    return i, Injection("ra_nuki", "ra_nuki", (a.start, b.end - 1))


_AN = "A-Za-zＡ-Ｚａ-ｚ0-9０-９"
WIDTH_RUNS = {
    "number": re.compile(rf"(?<![{_AN}.,．，])[0-9０-９]+(?:[.,．，][0-9０-９]+)*(?![{_AN}])"),
    "acronym": re.compile(rf"(?<![{_AN}])(?:[A-Z]{{2,}}|[Ａ-Ｚ]{{2,}})(?![{_AN}])"),
}
HALF_FULL = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
             "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")
TO_FULL, TO_HALF = str.maketrans(HALF_FULL[0], HALF_FULL[1]), str.maketrans(HALF_FULL[1], HALF_FULL[0])


def flip_width(pairs, rng, glossary):
    """One number or acronym written in the other width than all the others of its kind in the article
    (2024 -> ２０２４ among half-width numbers, ＮＡＴＯ among NATO, ＥＵ, ...). Only in articles with at least
    four of that kind, all one width: without a settled width there is no error to find."""
    from mtreview.checks.tags import protected_spans

    runs = {kind: [] for kind in WIDTH_RUNS}
    for k, p in enumerate(pairs):
        codes = protected_spans(p.tgt)
        for kind, rx in WIDTH_RUNS.items():
            runs[kind] += [(k, m.start(), m.end(), m.group()) for m in rx.finditer(p.tgt)
                           if not any(s < m.end() and m.start() < e for s, e in codes)]
    spots = [r for kind, rs in sorted(runs.items()) if len(rs) >= 4
             and len({r[3] == r[3].translate(TO_HALF) for r in rs}) == 1 for r in rs]
    spots = [r for r in spots if pairs[r[0]].injection is None and pairs[r[0]].src.strip()]
    if not spots:
        return None
    k, s, e, run = rng.choice(spots)
    new = run.translate(TO_FULL) if run == run.translate(TO_HALF) else run.translate(TO_HALF)
    pairs[k].tgt = pairs[k].tgt[:s] + new + pairs[k].tgt[e:]
    return k, Injection("flip_width", "width", (s, e))


def copy_target(pairs, rng, glossary):
    """The translation of an earlier segment pasted onto a later one with another source (a CAT match
    applied to the wrong segment): one translation for two sources. The donor comes first because the
    check reports the later of the two (it cannot tell which one is wrong)."""
    def ok(k: int) -> bool:
        return pairs[k].injection is None and pairs[k].src.strip() != "" and len(pairs[k].tgt.strip()) >= 20

    cands = [(j, i) for i in range(len(pairs)) for j in range(i) if ok(i) and ok(j)
             and pairs[j].src.strip() != pairs[i].src.strip() and pairs[j].tgt.strip() != pairs[i].tgt.strip()]
    if not cands:
        return None
    j, i = rng.choice(cands)
    pairs[i].tgt = pairs[j].tgt
    return i, Injection("copy_target", "inconsistency", (0, len(pairs[i].tgt)),
                        {"omission", "addition", "numbers", "glossary", "untranslated"})


def break_quote(pairs, rng, glossary):
    rx = re.compile(r"「([^「」]{1,60})」")
    i = _free(pairs, rng, lambda p: rx.search(p.tgt))
    if i is None:
        return None
    t = pairs[i].tgt
    m = rng.choice(list(rx.finditer(t)))
    style = rng.choice(["drop_close", "curly_open", "curly_close"])
    if style == "drop_close":
        new, span = "「" + m.group(1), (m.start(), m.start() + 1)
    elif style == "curly_open":
        new = "“" + m.group(1) + " “"
        span = (m.start(), m.start() + len(new))
    else:
        new = "”" + m.group(1) + " “"
        span = (m.start(), m.start() + len(new))
    pairs[i].tgt = t[: m.start()] + new + t[m.end() :]
    return i, Injection("break_quote", "quotes", span)


def untranslated(pairs, rng, glossary):
    def en_clause(src: str) -> str | None:
        parts = [c.strip() for c in re.split(r"[,;]", src) if len(c.split()) >= 4]
        return parts[0] if parts else None

    i = _free(pairs, rng, lambda p: _clauses(p.tgt) and en_clause(p.src))
    if i is None:
        return None
    p = pairs[i]
    s, e = rng.choice(_clauses(p.tgt))
    # a clause of the source left in English (at most eight words of it)
    clause = " ".join(rng.choice([c for c in re.split(r"[,;]", p.src) if len(c.split()) >= 4]).split()[:8])
    p.tgt = p.tgt[:s] + clause + "、" + p.tgt[e:]
    return i, Injection("untranslated", "untranslated", (s, s + len(clause)))


def vary_name(pairs, rng, glossary):
    mentions: dict[str, list[tuple[int, int, int, str]]] = {}
    for k, p in enumerate(pairs):
        if not p.tgt.strip():
            continue
        for m in KATAKANA_RUN.finditer(p.tgt):
            w = m.group()
            if len(w.replace("・", "").replace("ー", "")) >= 4 and not w.startswith(("・", "ー")):
                mentions.setdefault(w, []).append((k, m.start(), m.end(), "kata"))
        for m in PERSON.finditer(p.tgt):
            if m.group(3) in RANKS and not m.group(2):
                mentions.setdefault(m.group(1) + "|rank", []).append((k, m.start(3), m.end(3), m.group(3)))
    cands = [(key, ms) for key, ms in sorted(mentions.items()) if len({x[0] for x in ms}) >= 2]
    cands = [(key, [x for x in ms if pairs[x[0]].injection is None]) for key, ms in cands]
    cands = [(key, ms) for key, ms in cands if ms]
    if not cands:
        return None
    _, ms = rng.choice(cands)
    k, s, e, what = rng.choice(ms)
    t = pairs[k].tgt
    old = t[s:e]
    if what == "kata":
        cut = rng.randrange(2, len(old) - 1)
        if "・" in old and rng.random() < 0.5:
            new = old.replace("・", "", 1)
        elif old[cut - 1] != "ー" and old[cut] != "ー" and rng.random() < 0.5:
            new = old[:cut] + "ー" + old[cut:]
        else:
            new = old[:cut] + "・" + old[cut:]
    else:
        new = rng.choice([r for r in ("委員長", "総書記", "大統領", "首相", "議長", "長官") if r != old])
    pairs[k].tgt = t[:s] + new + t[e:]
    return k, Injection("vary_name", "inconsistency", (s, s + len(new)))


def halfwidth_punct(pairs, rng, glossary):
    rx = re.compile(
        r"(?<=[\u3041-\u30fa\u4e00-\u9fff])[、？！：](?=[\u3041-\u30fa\u4e00-\u9fff])|（[^（）]{1,30}）|「[^「」]{1,30}」"
    )
    i = _free(pairs, rng, lambda p: rx.search(p.tgt))
    if i is None:
        return None
    t = pairs[i].tgt
    m = rng.choice(list(rx.finditer(t)))
    g = m.group()
    new = {"、": ",", "？": "?", "！": "!", "：": ":"}.get(g) or (
        "(" + g[1:-1] + ")" if g[0] == "（" else '"' + g[1:-1] + '"'
    )
    pairs[i].tgt = t[: m.start()] + new + t[m.end() :]
    return i, Injection("halfwidth_punct", "punctuation", (m.start(), m.start() + len(new)))


def debris(pairs, rng, glossary):
    line = rng.choice(DEBRIS)
    if rng.random() < 0.5:
        i = rng.randrange(len(pairs) + 1)
        pairs.insert(i, Pair("", line))
        return i, Injection("debris", "boilerplate", (0, len(line)), {"addition"})
    i = _free(pairs, rng, lambda p: True)
    if i is None:
        return None
    start = len(pairs[i].tgt) + 1
    pairs[i].tgt += "\n" + line
    return i, Injection("debris", "boilerplate", (start, start + len(line)))


def glossary_violation(pairs, rng, glossary):
    def hits(p: Pair):
        return [
            (en, ja) for en, ja in glossary if re.search(rf"\b{re.escape(en)}", p.src, re.I) and ja in p.tgt
        ]

    i = _free(pairs, rng, hits)
    if i is None:
        return None
    _, ja = rng.choice(hits(pairs[i]))
    pairs[i].tgt = pairs[i].tgt.replace(ja, rng.choice(WRONG_TERMS))
    return i, Injection("glossary", "glossary")


INJECTORS = [
    drop_sentence,
    add_sentence,
    drop_clause,
    change_number,
    duplicate_phrase,
    break_quote,
    untranslated,
    vary_name,
    halfwidth_punct,
    debris,
    glossary_violation,
]
# injectors run only when asked for by name (eval_checks.py --inject), so that the default
# mix, and the figures measured with it, stay as they were
EXTRA = {f.__name__: f for f in (char_stutter, doubled_particle, ra_nuki, flip_width, copy_target)}


def build_glossary(pairs: list[Pair]) -> tuple[tuple[str, str], ...]:
    """Glossary entries that the professional translation itself follows, for the glossary injection.

    An entry pairs a capitalised English name with a katakana word found in the
    translation of every pair whose source has the name (matched as the glossary check
    matches terms), in at least two pairs.
    """
    names = set()
    for p in pairs:
        names |= {
            m.group() for m in re.finditer(r"(?<=[a-z,] )[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,}){0,2}", p.src)
        }
    out = []
    for name in sorted(names):
        rx = re.compile(rf"\b{re.escape(name)}(?:s|es)?\b", re.IGNORECASE)
        where = [k for k, p in enumerate(pairs) if p.tgt.strip() and rx.search(p.src)]
        if len(where) < 2:
            continue
        common = None
        for k in where:
            words = {m.group() for m in KATAKANA_RUN.finditer(pairs[k].tgt) if len(m.group()) >= 3}
            common = words if common is None else common & words
        if common:
            out.append((name, sorted(common, key=lambda w: (-len(w), w))[0]))
    return tuple(out[:3])
