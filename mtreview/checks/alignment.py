"""Omission and addition: beads with no counterpart, and pairs whose lengths do not match.

1-0 / 0-1 beads are reported as major, or minor when a neighbouring bead seems to
translate their sentence too (an alignment error, ``checks/artefacts.py``). Inside an aligned pair, the
translation's length is compared with what the source's length predicts: a log-linear
model ``log(ja chars) = a + b * log(en chars)`` fitted on professional EN->JA news
(``bench/fit_length.py``), re-centred on each article's median so one translator's
style does not count as an error. A translation far shorter than predicted is a likely
dropped clause (omission); far longer, an added one (addition). A quoted phrase of the
source with no quotation at all in the translation is also reported as an omission.
With the sentence embedder, a clause the source matches the translation better without
points at the likely dropped clause, and a pair whose every clause seems rendered is not
reported for its length alone (``checks/clauses.py``). That ablation costs one encoded text
per clause, so a mildly short pair whose two sides already match well is spared it (the gate).
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from dataclasses import dataclass

from ..lang.en import NOT_PERSON_NAMES, WHOLE_CYCLES
from ..lang.names import katakana_words, latin_names, spells
from ..lang.numbers import HARD, Num, english_numbers, japanese_numbers
from ..records import Flag, Segment, Severity
from .artefacts import explained_skips, has_words
from .base import Article, Check
from .boilerplate import is_debris
from .clauses import clause_gains, en_clauses, uncovered_clauses

EN_QUOTE = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")
JA_QUOTE = re.compile(r"[「『“\"〝]")

@dataclass(frozen=True)
class LengthModel:
    # fitted by bench/fit_length.py on the tuning half of align-dev/en-ja (see bench/README.md)
    length_a: float = -0.307
    length_b: float = 0.937
    min_src_chars: int = 40  # shorter source segments are too noisy to judge by length
    min_segments: int = 5  # articles with fewer pairs are not re-centred (median of the model)


LENGTH_MODEL = LengthModel()


@dataclass(frozen=True)
class Neighbour:
    # a 1-0 / 0-1 bead is minor (an alignment artefact) when its sentence joined to a neighbouring
    # bead resembles that bead's other side at least this much ...
    neighbour_sim: float = 0.3
    # ... and this much more than the neighbour's own pair (see checks/artefacts.py)
    neighbour_gain: float = 0.1

LATIN = re.compile(r"[A-Za-z]")
DIGIT = re.compile(r"[0-9]")
JA_SENTENCE_CLOSE = re.compile(r"[。！？!?．.][」』）)\]\s]*$")  # a headline ends without one


def _chars(text: str) -> int:
    return len("".join(text.split()))


def _ja_chars(text: str) -> float:
    """Length of a translation; Latin letters count half (English says less per character)."""
    n = _chars(text)
    return n - 0.5 * len(LATIN.findall(text))


def length_residuals(article: Article, a: float, b: float, min_segments: int) -> list[float | None]:
    """Per segment: log(actual / predicted translation length), re-centred on the article median."""
    raw: list[float | None] = []
    for seg in article.segments:
        en, ja = _chars(seg.src), _ja_chars(seg.tgt)
        raw.append(math.log(ja) - (a + b * math.log(en)) if en and ja else None)
    known = [r for r in raw if r is not None]
    centre = statistics.median(known) if article.document_level and len(known) >= min_segments else 0.0
    return [None if r is None else r - centre for r in raw]


WHOLE_CYCLE = re.compile(r"\b(\d+) (second|minute|hour|day|week|month)s? (?:a|an|per|each|every) "
                         r"(minute|hour|day|week|year)\b|\b24 ?[/x×] ?7\b", re.IGNORECASE)


def whole_cycles(text: str) -> list[tuple[int, int]]:
    """Spans of English phrases that count a time unit filling the next ("24 hours a day",
    "365 days a year", "24/7"): they mean "always", and a translation rightly drops the number."""
    out = []
    for m in WHOLE_CYCLE.finditer(text):
        if m.group(1) is None or int(m.group(1)) in WHOLE_CYCLES.get((m.group(2).lower(), m.group(3).lower()), ()):
            out.append(m.span())
    return out


def _lost_numbers(seg: Segment) -> list[Num]:
    """Source numbers in digits whose value the translation lacks.

    A number of ten or more is the firmer anchor: a small one is often carried by a word
    instead (a 4-day weekend is 連休, both teams 両チーム, a second term 再選). A number that counts
    a whole cycle ("365 days a year", ``whole_cycles``) is not an anchor at all.

    None when the translation has a number of its own in their place: a changed number is
    the numbers check's, not an omission.
    """
    snums, tnums = english_numbers(seg.src), japanese_numbers(seg.tgt)
    svals = {v for n in snums for v in n.values}
    if any(n.strength == HARD and not n.values & svals for n in tnums):
        return []
    tvals = {v for n in tnums for v in n.values}
    idioms = whole_cycles(seg.src)
    return [n for n in snums if n.strength == HARD and not n.values & tvals
            and not any(a <= n.start and n.end <= b for a, b in idioms)]


NOT_NAMES = NOT_PERSON_NAMES


def lost_names(segments: tuple[Segment, ...], i: int) -> list[tuple[int, int]]:
    """Spans of names in source ``i`` that its translation does not spell in katakana (nor keep
    in Latin script) although the translation of another segment naming them does.

    A name met once may be written in kanji (Japanese, Chinese, Korean names) or left out
    on purpose: on the tune half, counting those too tripled the false alarms.
    """
    seg = segments[i]
    out = []
    for m in latin_names(seg.src):
        name = m.group()
        if name in NOT_NAMES or name.lower() in seg.tgt.lower() or spells(name, katakana_words(seg.tgt)):
            continue
        if any(j != i and name in other.src and spells(name, katakana_words(other.tgt))
               for j, other in enumerate(segments)):
            out.append((m.start(), m.end()))
    return out


EN_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")
JA_SENTENCE_END = re.compile(r"(?<=[。！？])(?![」』）)])")


def sentences(text: str, side: str) -> list[tuple[int, int]]:
    """Sentence spans of a segment's text (the aligner joins its sentences with a space / nothing)."""
    cut = EN_SENTENCE_END if side == "src" else JA_SENTENCE_END
    spans, start = [], 0
    for m in [*cut.finditer(text), None]:
        end = m.start() if m else len(text)
        if text[start:end].strip():
            a = start + len(text[start:end]) - len(text[start:end].lstrip())
            spans.append((a, a + len(text[a:end].rstrip())))
        start = m.end() if m else end
    return spans


def lone_sentences(article: Article, side: str, max_sim: float, gap: float) -> dict[int, tuple[int, int, float, float]]:
    """Segments that join two or more sentences on ``side``, one of which is unlike the other side.

    An aligner can fold a dropped or added sentence into its neighbour's bead (2-1, 1-2).
    Each sentence is compared with the other side's whole text; the least similar is
    reported when it is below ``max_sim`` and ``gap`` below the most similar. Needs
    ``article.encode``. Returns {segment: (start, end, its similarity, the best one)}.
    """
    if article.encode is None:
        return {}
    jobs = []
    for i, seg in enumerate(article.segments):
        ids, text, other = (seg.src_ids, seg.src, seg.tgt) if side == "src" else (seg.tgt_ids, seg.tgt, seg.src)
        spans = sentences(text, side) if len(ids) >= 2 and other.strip() else []
        if len(spans) >= 2:
            jobs.append((i, text, other, spans))
    if not jobs:
        return {}
    vecs = article.encode([text[a:b] for _, text, _, spans in jobs for a, b in spans] + [o for *_, o, _ in jobs])
    others = vecs[len(vecs) - len(jobs) :]
    out, k = {}, 0
    for n, (i, _, _, spans) in enumerate(jobs):
        sims = vecs[k : k + len(spans)] @ others[n]
        k += len(spans)
        low = int(sims.argmin())
        if sims[low] < max_sim and sims.max() - sims[low] > gap:
            out[i] = (*spans[low], float(sims[low]), float(sims.max()))
    return out


class Omission(Check):
    id = "omission"
    category = "accuracy/omission"
    severity = Severity.MAJOR
    description = "A source sentence or clause with no translation."

    @dataclass(frozen=True)
    class Params(LengthModel, Neighbour):
        short_log: float = -0.5  # residual below this: likely dropped clause (minor); about 40% shorter
        anchored_log: float = -0.3  # residual below this AND a source number missing: minor
        anchored_ten_log: float = -0.1  # residual below this AND a source number of ten or more missing:
        # minor (a small number is often carried by a word, 4-day weekend = 連休; tune half: bench/omission_clause.py)
        very_short_log: float = -0.8  # below this: major (more than half of the expected length missing)
        name_log: float = -0.3  # residual below this AND a source name the translation lacks: minor
        lone_sim: float = 0.15  # a sentence folded into a bead less similar than this to the other side
        lone_gap: float = 0.15  # ... and this much less similar than the bead's best sentence: minor
        clause_sim: float = 0.0  # with a short translation (anchored_log): a source clause less similar
        # than this to every stretch of the translation is reported (needs Article.encode; 0 = off)
        ablation_log: float = -0.1  # residual below this AND cutting one source clause raises the
        ablation_gain: float = 0.08  # similarity to the translation by more than this: minor (needs
        # Article.encode; see checks/clauses.py; 0 = off)
        covered_gain: float = -0.08  # a pair short_log short (not very_short_log) is not reported when
        # cutting any one source clause lowers its similarity by more than this (-1 = off)
        gate_log: float = -0.25  # the ablation (one encoded text per clause) of a pair at or above this
        gate_sim: float = 0.65  # residual runs only when its source and translation are less similar
        # than this: a mildly short pair that already matches well rarely lacks a clause (bench/
        # omission_gate.py: same omission counts on the tune half, a quarter fewer texts; 1 = off)
        ablation_share: float = 0.15  # a clause shorter than this share of the source's characters is
        # not cut (its cut taken to leave the similarity as it is: same omission flags on the tune half,
        # a fifth fewer texts; bench/omission_gate.py --shares); 0 = every clause

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        p = self.params
        res = length_residuals(article, p.length_a, p.length_b, p.min_segments)
        segs = article.segments

        def band(upper: float, lower: float | None = None) -> list[int]:
            lower = p.short_log if lower is None else lower
            return [i for i, seg in enumerate(segs)
                    if seg.tgt.strip() and res[i] is not None and _chars(seg.src) >= p.min_src_chars
                    and lower <= res[i] < upper]

        lone = lone_sentences(article, "src", p.lone_sim, p.lone_gap)
        explained = explained_skips(article, "src", p.neighbour_sim, p.neighbour_gain)
        clauses: dict[int, tuple[tuple[int, int], float] | None] = {}
        # the flag of the rules that need no clause ablation, asked by the ablation (to spare the
        # pairs they report) and by the loop below: computed once per pair
        unablated = functools.cache(lambda i: self._without_ablation(article, i, res[i], clauses.get(i)))
        gains: dict[int, tuple[tuple[int, int], float] | None] = {}
        if article.encode is not None:
            if p.clause_sim > 0 and (short := band(p.anchored_log)):  # 0 = off
                clauses.update(zip(short, uncovered_clauses(article.encode, [(segs[i].src, segs[i].tgt)
                                                                             for i in short]), strict=True))
            lower = p.very_short_log if p.covered_gain > -1 else None  # the veto needs these too
            # pairs in the band (so long enough) that the loop reports before reading their gains are
            # spared; below short_log the veto and the clause span read them
            todo = [i for i in band(p.ablation_log, lower)
                    if i not in lone and (res[i] < p.short_log or unablated(i) is None)]
            if p.ablation_gain > 0 and (short := self._gated(article, todo, res)):
                gains = dict(zip(short, clause_gains(article.encode, [(segs[i].src, segs[i].tgt) for i in short],
                                                      p.ablation_share),
                                 strict=True))
        out = []
        for i, seg in enumerate(article.segments):
            if seg.src.strip() and not seg.tgt.strip():
                if not has_words(seg.src):
                    continue
                msg, sev = "This source sentence has no translation.", None
                if i in explained:
                    msg += explained[i].note("The translation beside it may cover it too")
                    sev = Severity.MINOR
                out.append((i, self.flag("src", seg.src, 0, len(seg.src), msg, severity=sev)))
                continue
            if i in lone:
                a, b, sim, best = lone[i]
                msg = (f"This source sentence seems to have no translation: it resembles the translation far less "
                       f"({sim:.2f}) than the sentence beside it ({best:.2f}).")
                out.append((i, self.flag("src", seg.src, a, b, msg, severity=Severity.MINOR)))
                continue
            r = res[i]
            long_enough = r is not None and _chars(seg.src) >= p.min_src_chars
            if long_enough and r < p.short_log:
                # a bead the aligner built from several sentences may simply be misaligned, and a
                # Japanese headline (no closing 。) is telegraphic: minor
                single = len(seg.src_ids) <= 1 and len(seg.tgt_ids) <= 1
                headline = not JA_SENTENCE_CLOSE.search(seg.tgt)
                sev = self.level if r < p.very_short_log and single and not headline else Severity.MINOR
                cut = gains.get(i)
                if r >= p.very_short_log and cut is not None and cut[1] < p.covered_gain:
                    continue  # the translation seems to render every clause of the source
                pct = round(100 * (1 - math.exp(r)))
                msg = f"The translation is about {pct}% shorter than expected: a clause may be missing."
                a, b = 0, len(seg.src)
                if cut is not None and cut[1] > p.ablation_gain:  # point at the likely clause
                    (a, b), gain = cut
                    msg = (f"The translation is about {pct}% shorter than expected and matches the source better "
                           f"without this clause (similarity +{gain:.2f}): it may be missing.")
                if headline:
                    msg = msg[:-1] + " (or it is a headline, which Japanese keeps short)."
                out.append((i, self.flag("src", seg.src, a, b, msg, severity=sev)))
                continue
            if long_enough and (found := unablated(i)) is not None:
                out.append((i, found))
                continue
            cut = gains.get(i)
            if cut is not None and cut[1] > p.ablation_gain:
                (a, b), gain = cut
                pct = round(100 * (1 - math.exp(r)))
                msg = (f"The translation is about {pct}% shorter than expected and matches the source better "
                       f"without this clause (similarity +{gain:.2f}): it may be missing.")
                out.append((i, self.flag("src", seg.src, a, b, msg, severity=Severity.MINOR)))
                continue
            out += [(i, f) for f in self._quotes(seg)]
        return out

    def _without_ablation(self, article: Article, i: int, r: float,
                          weak: tuple[tuple[int, int], float] | None) -> Flag | None:
        """The flag of the rules for a short pair that need no clause ablation, in their order: source
        numbers the translation lacks, names it lacks (named elsewhere in the article), a clause that
        nothing in it resembles (``weak``, from ``uncovered_clauses``); for a pair long enough with a
        residual ``r`` at or above ``short_log``."""
        p, seg = self.params, article.segments[i]
        pct = round(100 * (1 - math.exp(r)))
        lost = []
        if r < p.anchored_log:
            lost = _lost_numbers(seg)
        elif r < p.anchored_ten_log and DIGIT.search(seg.src):  # a number of ten or more has digits
            lost = [n for n in _lost_numbers(seg) if min(n.values) >= 10]
        if lost:
            msg = (f"The translation is about {pct}% shorter than expected and lacks "
                   f"{', '.join(seg.src[n.start : n.end] for n in lost)}: a clause may be missing.")
            return self.flag("src", seg.src, 0, len(seg.src), msg, severity=Severity.MINOR)
        gone = lost_names(article.segments, i) if article.document_level and r < p.name_log else []
        if gone:
            what = ", ".join(seg.src[a:b] for a, b in gone)
            msg = (f"The translation is about {pct}% shorter than expected and does not name {what}"
                   " (named elsewhere in the article): a clause may be missing.")
            return self.flag("src", seg.src, *gone[0], msg, severity=Severity.MINOR)
        if weak is not None and weak[1] < p.clause_sim:
            (a, b), sim = weak
            msg = (f"The translation is about {pct}% shorter than expected and nothing in it resembles "
                   f"this clause (similarity {sim:.2f}): it may be missing.")
            return self.flag("src", seg.src, a, b, msg, severity=Severity.MINOR)
        return None

    def _gated(self, article: Article, idx: list[int], res: list[float | None]) -> list[int]:
        """The pairs of ``idx`` worth the clause ablation: those below ``gate_log``, and the milder
        ones whose source and translation (one cached vector each) are less similar than ``gate_sim``."""
        p, segs = self.params, article.segments
        mild = [i for i in idx if (r := res[i]) is not None and r >= p.gate_log and len(en_clauses(segs[i].src)) >= 2]
        if p.gate_sim >= 1 or article.encode is None or not mild:
            return idx
        vecs = article.encode([t for i in mild for t in (segs[i].src, segs[i].tgt)])
        close = {i for i, sim in zip(mild, (vecs[0::2] * vecs[1::2]).sum(axis=1), strict=True) if sim >= p.gate_sim}
        return [i for i in idx if i not in close]

    def _quotes(self, seg: Segment) -> list[Flag]:
        if not seg.tgt.strip() or JA_QUOTE.search(seg.tgt):
            return []
        out = []
        for m in EN_QUOTE.finditer(seg.src):
            if len(m.group(1).split()) >= 2:
                msg = "This quotation has no quoted counterpart in the translation."
                out.append(self.flag("src", seg.src, m.start(), m.end(), msg, severity=Severity.MINOR))
        return out


class Addition(Check):
    id = "addition"
    category = "accuracy/addition"
    severity = Severity.MAJOR
    description = "A target sentence or clause with no source."

    @dataclass(frozen=True)
    class Params(LengthModel, Neighbour):
        long_log: float = 0.6  # residual above this: likely added material (minor); about 80% longer
        lone_sim: float = 0.15  # a sentence folded into a bead less similar than this to the source
        lone_gap: float = 0.15  # ... and this much less similar than the bead's best sentence: minor

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        p = self.params
        res = length_residuals(article, p.length_a, p.length_b, p.min_segments)
        lone = lone_sentences(article, "tgt", p.lone_sim, p.lone_gap)
        explained = explained_skips(article, "tgt", p.neighbour_sim, p.neighbour_gain)
        out = []
        for i, seg in enumerate(article.segments):
            if seg.tgt.strip() and not seg.src.strip():
                # page debris is the boilerplate check's; a stray quote mark or ！ adds nothing
                if not is_debris(seg.tgt) and has_words(seg.tgt):
                    msg, sev = "This sentence has no counterpart in the source.", None
                    if i in explained:
                        msg += explained[i].note("The source beside it may be its source too")
                        sev = Severity.MINOR
                    out.append((i, self.flag("tgt", seg.tgt, 0, len(seg.tgt), msg, severity=sev)))
                continue
            if i in lone and not is_debris(seg.tgt[lone[i][0] : lone[i][1]]):
                a, b, sim, best = lone[i]
                msg = (f"This sentence seems to have no source: it resembles the source far less ({sim:.2f}) "
                       f"than the sentence beside it ({best:.2f}).")
                out.append((i, self.flag("tgt", seg.tgt, a, b, msg, severity=Severity.MINOR)))
                continue
            r = res[i]
            if r is not None and _chars(seg.src) >= p.min_src_chars and r > p.long_log:
                pct = round(100 * (math.exp(r) - 1))
                msg = f"The translation is about {pct}% longer than expected: material may have been added."
                out.append((i, self.flag("tgt", seg.tgt, 0, len(seg.tgt), msg, severity=Severity.MINOR)))
        return out
