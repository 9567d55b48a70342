"""MQM scores per segment, article and batch, from the flags and the reviewers' decisions.

Each counted flag adds its severity's weight (``[mqm]``: minor 1, major 5, critical 25, as in the
MQM framework and Google's MQM studies); a segment not translated at all (a source with an empty
translation, a translation left untranslated as a whole: see :func:`level`) is a non-translation
and weighs ``non_translation`` (25) instead. Accepted
flags count, rejected ones never; undecided ones count when ``count_undecided`` (the machine's
finding stands until a reviewer rejects it). A flag whose words a reviewer's saved edit removed
(``fixed``) counts as accepted: the reviewer treated it as a real error of the translation. The
score is the penalty per ``per_words`` source words (lower is better); an article or a batch
passes when its score is at most ``threshold``.

Works on the plain dicts of a review record (``Review.to_dict()``), so the batch tables, the CLI
and the exports share it. ``decide(flag_dict, segment_dict) -> "accept" | "reject" | "fixed" | None`` gives
the decisions (none given: every flag undecided).

``anthea_tsv`` writes the ten-column TSV that Google's MQM Viewer / Marot read (system, doc,
docSegId, globalSegId, rater, source, target with the error span in ``<v>…</v>``, category,
severity, metadata), one line per counted error and a ``No-error`` line for a clean segment. With
the store's ``Credits``, the metadata says who edited, commented, reviewed and decided.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import MqmConfig
from ..io.output import dumps

LEVELS = ("minor", "major", "critical", "non_translation")
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")

Decide = Callable[[Mapping[str, Any], Mapping[str, Any]], "str | None"]


def source_words(text: str) -> int:
    """Words of an English source text (letters/digits runs; "U.N.", "don't", "6,000" count once)."""
    return len(_WORD.findall(text.replace(",", "")))


@dataclass(frozen=True)
class MqmScore:
    """The MQM tally of a segment, an article or a batch."""

    penalty: float
    words: int
    errors: dict[str, int] = field(default_factory=dict)  # counted errors per level (LEVELS)
    per_words: int = 1000
    threshold: float = 10.0

    @property
    def score(self) -> float:
        """Weighted penalty points per ``per_words`` source words (0 for a text without words)."""
        return round(self.penalty * self.per_words / self.words, 4) if self.words else 0.0

    @property
    def passed(self) -> bool:
        return self.score <= self.threshold and not (self.words == 0 and self.penalty > 0)

    def to_dict(self) -> dict[str, Any]:
        return {"penalty": self.penalty, "words": self.words, "score": self.score, "passed": self.passed,
                "errors": {k: self.errors.get(k, 0) for k in LEVELS}, "per_words": self.per_words,
                "threshold": self.threshold}


def level(flag: Mapping[str, Any], segment: Mapping[str, Any], config: MqmConfig) -> str:
    """The MQM level of a flag: its severity, or non_translation for a segment not translated at all:
    a flag of a ``non_translation_checks`` check over its whole side, where that side is the
    translation (left in English) or the source of an empty translation (a 1-0 omission). A source
    flagged as a whole beside a translation ("shorter than expected") weighs its own severity."""
    if flag["check"] in config.non_translation_checks:
        text = segment["src"] if flag["side"] == "src" else segment["tgt"]
        whole = text.strip() and flag["start"] <= len(text) - len(text.lstrip()) and flag["end"] >= len(text.rstrip())
        if whole and (flag["side"] == "tgt" or not str(segment["tgt"]).strip()):
            return "non_translation"
    return str(flag["severity"])


def counts(decision: str | None, config: MqmConfig) -> bool:
    return decision in ("accept", "fixed") or (decision is None and config.count_undecided)


def segment_score(segment: Mapping[str, Any], config: MqmConfig, decide: Decide | None = None) -> MqmScore:
    """MQM of one segment (a ``Segment.to_dict()``)."""
    errors = dict.fromkeys(LEVELS, 0)
    for f in segment.get("flags", []):
        if counts(decide(f, segment) if decide else None, config):
            errors[level(f, segment, config)] += 1
    penalty = sum(getattr(config, k) * n for k, n in errors.items())
    return MqmScore(float(penalty), source_words(segment["src"]), errors, config.per_words, config.threshold)


def combine(scores: Iterable[MqmScore], config: MqmConfig) -> MqmScore:
    """The MQM of the union of several segments or articles (penalties and words add up)."""
    penalty, words = 0.0, 0
    errors = dict.fromkeys(LEVELS, 0)
    for s in scores:
        penalty += s.penalty
        words += s.words
        for k, n in s.errors.items():
            errors[k] += n
    return MqmScore(round(penalty, 4), words, errors, config.per_words, config.threshold)


def review_scores(review: Mapping[str, Any], config: MqmConfig, decide: Decide | None = None
                  ) -> tuple[list[MqmScore], MqmScore]:
    """Per-segment scores and the article's score of a review record (``Review.to_dict()``)."""
    segs = [segment_score(s, config, decide) for s in review["segments"]]
    return segs, combine(segs, config)


def recorded_config(meta: Mapping[str, Any]) -> MqmConfig:
    """The [mqm] section a review was made with (``meta.config.mqm``); defaults for records made before
    it existed."""
    from ..config import from_dict

    recorded = meta.get("config", {}).get("mqm")
    return from_dict({"mqm": recorded}).mqm if recorded else MqmConfig()


def _stored(states: Mapping[int, Any], flag: Mapping[str, Any], segment: Mapping[str, Any]) -> tuple[Any, str]:
    """The store's ``SegmentState`` of ``segment`` (None: nothing saved) and ``flag``'s key in it."""
    from ..checks import suppression_key
    from ..records import flag_from_dict

    text = segment["src"] if flag["side"] == "src" else segment["tgt"]
    return states.get(int(segment["id"])), suppression_key(flag_from_dict(dict(flag)), text)


def store_decider(states: Mapping[int, Any]) -> Decide:
    """Decisions from the store's ``SegmentState``s (by segment id), keyed as the store keys them;
    ``fixed`` for an undecided flag whose words the saved edit removed (``SegmentState.outcome``)."""
    def decide(flag: Mapping[str, Any], segment: Mapping[str, Any]) -> str | None:
        st, key = _stored(states, flag, segment)
        return None if st is None else st.outcome(key, str(flag["side"]), str(flag["text"]))

    return decide


CREDITS = ("edited_by", "commented_by", "reviewed_by")


@dataclass(frozen=True)
class Credits:
    """Who did what, from the store's ``SegmentState``s (by segment id): each segment's edit, comment
    and reviewed mark, and each flag's decision, credited to whoever did it (not who saved last)."""

    states: Mapping[int, Any]

    def segment(self, segment: Mapping[str, Any]) -> dict[str, str]:
        """The segment's credits that are set, e.g. ``{"edited_by": "Aiko", "reviewed_by": "Ben"}``."""
        st = self.states.get(int(segment["id"]))
        return {} if st is None else {k: getattr(st, k) for k in CREDITS if getattr(st, k, "")}

    def decided_by(self, flag: Mapping[str, Any], segment: Mapping[str, Any]) -> str | None:
        st, key = _stored(self.states, flag, segment)
        return None if st is None else st.outcome_by(key, str(flag["side"]), str(flag["text"]))


# -- Anthea / MQM Viewer / Marot TSV --------------------------------------------------------------

ANTHEA_COLUMNS = ("system", "doc", "docSegId", "globalSegId", "rater", "source", "target", "category",
                  "severity", "metadata")
_SEVERITY_NAMES = {"minor": "Minor", "major": "Major", "critical": "Critical",
                   "non_translation": "Critical"}


def _cell(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())


def _category(flag: Mapping[str, Any], lvl: str) -> str:
    if lvl == "non_translation":
        return "Non-translation!"
    return "/".join(part.replace("-", " ").capitalize() for part in str(flag["category"]).split("/"))


def _marked(text: str, start: int, end: int) -> str:
    return f"{text[:start]}<v>{text[start:end]}</v>{text[end:]}"


def anthea_rows(review: Mapping[str, Any], doc: str, config: MqmConfig, decide: Decide | None = None,
                system: str = "mt", rater: str = "mtreview", first_global: int = 1,
                credits: Credits | None = None) -> list[list[str]]:
    """The MQM Viewer rows of one article (no header); ``credits``: who did what, in each row's metadata
    (``edited_by``, ``commented_by``, ``reviewed_by`` of its segment, ``decided_by`` of its flag)."""
    rows = []
    for k, seg in enumerate(review["segments"]):
        base = [system, doc, str(k + 1), str(first_global + k)]
        who = credits.segment(seg) if credits else {}
        errs = []
        for f in seg.get("flags", []):
            decision = decide(f, seg) if decide else None
            if not counts(decision, config):
                continue
            lvl = level(f, seg, config)
            src, tgt = seg["src"], seg["tgt"]
            if f["side"] == "src":
                src = _marked(src, f["start"], f["end"])
            else:
                tgt = _marked(tgt, f["start"], f["end"])
            meta = {"check": f["check"], "note": f["message"], "decision": decision or "undecided", **who}
            by = credits.decided_by(f, seg) if decision and credits else None
            if by:
                meta["decided_by"] = by
            errs.append([*base, f.get("rater") or rater, _cell(src), _cell(tgt), _category(f, lvl),
                         _SEVERITY_NAMES[lvl], dumps(meta)])
        if not errs:
            errs.append([*base, rater, _cell(seg["src"]), _cell(seg["tgt"]), "No-error", "No-error", dumps(who)])
        rows.extend(errs)
    return rows


def anthea_tsv(reviews: Sequence[tuple[Any, ...]], config: MqmConfig, system: str = "mt") -> str:
    """The TSV (with a header line) of several articles: (doc id, review record, decisions[, credits])."""
    lines = ["\t".join(ANTHEA_COLUMNS)]
    first = 1
    for doc, review, decide, *more in reviews:
        credits = more[0] if more else None
        lines += ["\t".join(r) for r in anthea_rows(review, doc, config, decide, system, first_global=first,
                                                     credits=credits)]
        first += len(review["segments"])
    return "\n".join(lines) + "\n"
