"""Meaning: parts of the translation that may not say what the source says (opt-in, needs the LM).

The spans come from the meaning model (``mtreview/score/meaning.py``): a head trained on human
error spans and synthetic errors, reading each translation token's log-probability under the
causal LM of ``[models] lm`` with and without the source. It is opt-in twice: it runs only with
``[models] lm`` (slow on CPU) and ``[checks.params.meaning] active = true``, because on the
WMT24 ESA human spans it measured no better than flagging every character (docs/quality-model.md).
``Review.meta`` says whether it ran (``meaning_model``). Severity: major above the head's
``major`` probability.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..records import Flag, Severity
from .base import Article, Check


class Meaning(Check):
    id = "meaning"
    category = "accuracy/mistranslation"
    severity = Severity.MINOR
    description = ("A part of the translation the source does not seem to explain (a possible "
                   "mistranslation); needs [models] lm.")

    @dataclass(frozen=True)
    class Params:
        active: bool = False  # opt-in: see the module docstring
        model: str = ""  # meaning head (.npz); "" = the one shipped in mtreview/resources
        threshold: float = 0.0  # token probability to flag from; 0 = the head's own threshold

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if article.lm is None or not self.params.active:
            return []
        from ..score.meaning import find_spans, load_head

        head = load_head(self.params.model)
        if self.params.threshold:
            head = replace(head, threshold=self.params.threshold)
        segs = article.segments
        found = find_spans(article.lm, [s.src for s in segs], [s.tgt for s in segs], head)
        out = []
        for k, spans in enumerate(found):
            for start, end, prob in spans:
                sev = Severity.MAJOR if prob >= head.major else self.level
                msg = (f"this part may not say what the source says (meaning model {head.version}, "
                       f"confidence {prob:.2f}): compare it with the source")
                out.append((k, self.flag("tgt", segs[k].tgt, start, end, msg, severity=sev)))
        return out
