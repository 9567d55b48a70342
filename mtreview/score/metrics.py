"""sacrebleu wrappers: chrF, BLEU and TER at sentence and corpus level, each with its signature.

A metric compares a hypothesis with a reference *in the same language*. mtreview uses them
wherever such a pair exists: the human translation against a supplied alternative
translation (``ref``) or MT output (``mt``, or a model's EN->JA output used as a
pseudo-reference), and a back-translation against the English source (``bt``).

Japanese is tokenised with MeCab (``BLEU(trg_lang="ja")`` -> ``tok:ja-mecab``); the 13a
default would treat a whole Japanese sentence as one word. TER has no usable Japanese
tokeniser of its own, so Japanese text is pre-tokenised with the same MeCab tokeniser and
the signature says so (``pretok:ja-mecab-...``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ConfigError
from ..lang.mecab import bleu_tokenizer
from ..registry import METRICS


@dataclass(frozen=True)
class MetricScore:
    """A score (0-100; TER: edits per reference word x 100, lower is better) and how it was made."""

    name: str
    score: float
    signature: str


class Metric:
    """Base class: one sacrebleu metric configured for the language of the compared texts."""

    id: ClassVar[str]
    higher_is_better: ClassVar[bool] = True

    def __init__(self, lang: str) -> None:
        if lang not in ("en", "ja"):
            raise ConfigError(f"metric {self.id}: unsupported language {lang!r}")
        self.lang = lang
        self._sentence = self._build(sentence=True)
        self._corpus = self._build(sentence=False)
        # sacrebleu knows the reference count (part of the signature) only once it has scored:
        # score one pair at each level, so that ``get_signature()`` works from the start
        self._sentence.sentence_score(self._prep("a"), [self._prep("a")])
        self._corpus.corpus_score([self._prep("a")], [[self._prep("a")]])

    def _build(self, sentence: bool) -> Any:
        raise NotImplementedError

    def _prep(self, text: str) -> str:
        return text

    def sentence_score(self, hyp: str, ref: str) -> float:
        return float(self._sentence.sentence_score(self._prep(hyp), [self._prep(ref)]).score)

    def sentence_scores(self, hyps: Sequence[str], refs: Sequence[str]) -> list[float]:
        if len(hyps) != len(refs):
            raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
        return [self.sentence_score(h, r) for h, r in zip(hyps, refs, strict=True)]

    def corpus_score(self, hyps: Sequence[str], refs: Sequence[str]) -> MetricScore:
        if len(hyps) != len(refs):
            raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
        result = self._corpus.corpus_score([self._prep(h) for h in hyps], [[self._prep(r) for r in refs]])
        return MetricScore(self.id, float(result.score), self.signature(sentence=False))

    def signature(self, sentence: bool = True) -> str:
        """sacrebleu's reproducibility signature (its public ``get_signature()``)."""
        return str((self._sentence if sentence else self._corpus).get_signature())


class ChrF(Metric):
    id = "chrf"

    def _build(self, sentence: bool) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF()


class Bleu(Metric):
    id = "bleu"

    def _build(self, sentence: bool) -> Any:
        from sacrebleu.metrics import BLEU

        if self.lang == "ja":
            return BLEU(trg_lang="ja", effective_order=sentence)
        return BLEU(tokenize="13a", effective_order=sentence)


class Ter(Metric):
    id = "ter"
    higher_is_better = False

    def __init__(self, lang: str) -> None:
        self._tok = bleu_tokenizer() if lang == "ja" else None
        super().__init__(lang)

    def _build(self, sentence: bool) -> Any:
        from sacrebleu.metrics import TER

        return TER()

    def _prep(self, text: str) -> str:
        return self._tok(text) if self._tok is not None else text

    def signature(self, sentence: bool = True) -> str:
        sig = super().signature(sentence)
        if self._tok is not None:
            sig += f"|pretok:{self._tok.signature()}"
        return sig




@functools.cache
def get_metric(metric_id: str, lang: str) -> Metric:
    """The metric registered as ``metric_id`` for texts in ``lang``, built once per process."""
    return METRICS.lookup(metric_id, "[score] metrics")(lang)


def pair_scores(hyps: Sequence[str], refs: Sequence[str | None], lang: str, metric_ids: Sequence[str],
                suffix: str) -> tuple[list[dict[str, float]], dict[str, str]]:
    """Sentence scores of each hypothesis against its reference, keyed ``{metric}_{suffix}``.

    Rows whose reference is missing (``None``) or where either side is blank get no score.
    Returns one dict per row and the signatures, keyed like the scores.
    """
    rows: list[dict[str, float]] = [{} for _ in hyps]
    signatures: dict[str, str] = {}
    for mid in metric_ids:
        metric = get_metric(mid, lang)
        key = f"{mid}_{suffix}"
        for row, hyp, ref in zip(rows, hyps, refs, strict=True):
            if ref is None or not ref.strip() or not hyp.strip():
                continue
            row[key] = metric.sentence_score(hyp, ref)
            signatures[key] = metric.signature()
    return rows, signatures
