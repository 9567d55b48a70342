"""One ``quality`` score per segment (0-100, higher is better) and the segment's other scores.

The quality model is a small gradient-boosted tree ensemble learned from human judgements
of English->Japanese translations (``bench/train_quality.py``). It ships as plain arrays in
``mtreview/resources/quality_gbdt.npz`` and is evaluated here in numpy: no scikit-learn, no
pickle at inference. The trees predict the percentile of a human judgement; ``predict`` then
maps that raw prediction through the quantiles of the predictions on the training rows, so
the score spreads over 0-100 and reads as a rank: 30 = "predicted worse than 70% of the
judged dev translations". The mapping is monotonic: it changes no ranking.

``score_segments`` also computes every metric a reference makes possible (``metrics.py``):
against a supplied ``ref`` / ``mt`` translation, against a translator model's output
(``*_mt``), a back-translation against the source (``*_bt``) and the forced-decoding
log-probability (``mt_logprob``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..errors import ModelError
from ..io.output import dumps
from ..models.bundle import Models
from ..records import Flag, Segment
from . import features as qf
from . import metrics

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
# The checks whose flags the shipped models were trained on (bench/qe_data.py: every check of
# the registry then, default configuration). A model counts the flags of its own checks only, so
# a check added later, or a [checks.severity] override, does not shift its scores; a model file
# may name its checks in meta["flag_checks"] (bench/train_quality.py writes them).
TRAINED_CHECKS = ("glossary", "boilerplate", "omission", "addition", "inconsistency", "numbers", "quotes",
                  "punctuation", "repetition", "untranslated")
DEFAULT_MODEL = RESOURCES / "quality_gbdt.npz"
DEFAULT_LM_MODEL = RESOURCES / "quality_gbdt_lm.npz"  # features + LM signals, used when [models] lm is on


@dataclass(frozen=True)
class QualityModel:
    """Regression trees as flat arrays: node -> (feature, threshold, missing_left, left, right, value)."""

    version: str
    embedder: str
    features: tuple[str, ...]  # qf.FEATURES, or qf.FEATURES + qf.LM_FEATURES
    baseline: float
    feature: np.ndarray  # (T, M) int
    threshold: np.ndarray  # (T, M) float
    missing_left: np.ndarray  # (T, M) bool
    left: np.ndarray  # (T, M) int; leaves point to themselves
    right: np.ndarray  # (T, M) int
    value: np.ndarray  # (T, M) float, only read at leaves
    depth: int
    meta: dict[str, Any]
    knots: np.ndarray  # (101,) raw predictions at the 0th..100th percentile of the training rows
    flag_checks: tuple[str, ...] = TRAINED_CHECKS  # the check ids whose flags are features

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values plus the baseline, for an (N, F) feature matrix."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise ValueError(f"expected an (N, {len(self.features)}) feature matrix, got {X.shape}")
        n = X.shape[0]
        trees = np.arange(self.feature.shape[0])[:, None]
        node = np.zeros((len(trees), n), dtype=np.int64)  # every tree walked at once, level by level
        for _ in range(self.depth):
            x = X[np.arange(n), self.feature[trees, node]]
            go_left = np.where(np.isnan(x), self.missing_left[trees, node], x <= self.threshold[trees, node])
            node = np.where(go_left, self.left[trees, node], self.right[trees, node])
        leaves = self.value[trees, node]
        total = np.full(n, self.baseline)
        for t in range(len(trees)):  # summed tree by tree, in the trained order (the same rounding)
            total += leaves[t]
        return total

    @property
    def uses_lm(self) -> bool:
        return self.features == qf.FEATURES + qf.LM_FEATURES

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Quality 0-100 for each row of ``X``."""
        return np.interp(self.raw(X), self.knots, np.linspace(0.0, 100.0, len(self.knots)))


def save_model(path: Path, model: QualityModel) -> None:
    meta = {**model.meta, "version": model.version, "embedder": model.embedder,
            "features": list(model.features), "baseline": model.baseline, "depth": model.depth,
            "flag_checks": list(model.flag_checks)}
    np.savez_compressed(
        path, meta=np.array(dumps(meta)),
        feature=model.feature.astype(np.int16), threshold=model.threshold,
        missing_left=model.missing_left, left=model.left.astype(np.int16),
        right=model.right.astype(np.int16), value=model.value.astype(np.float32), knots=model.knots,
    )


@functools.cache
def load_quality_model(path: str = "", lm: bool = False) -> QualityModel:
    """The model at ``path`` ("" = the one shipped in the package: with ``lm``, the one that
    reads the LM signals too), loaded once."""
    p = Path(path) if path else DEFAULT_LM_MODEL if lm else DEFAULT_MODEL
    if not p.is_file():
        raise ModelError(f"quality model not found: {p}")
    try:
        z = np.load(p, allow_pickle=False)
        meta = json.loads(str(z["meta"]))
        model = QualityModel(
            version=meta["version"], embedder=meta["embedder"], features=tuple(meta["features"]),
            baseline=float(meta["baseline"]), feature=z["feature"].astype(np.int64),
            threshold=z["threshold"].astype(np.float64), missing_left=z["missing_left"].astype(bool),
            left=z["left"].astype(np.int64), right=z["right"].astype(np.int64),
            value=z["value"].astype(np.float64), depth=int(meta["depth"]), meta=meta,
            knots=z["knots"].astype(np.float64),
            flag_checks=tuple(meta.get("flag_checks", TRAINED_CHECKS)),
        )
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"cannot read quality model {p}: {exc}") from None
    if model.features not in (qf.FEATURES, qf.FEATURES + qf.LM_FEATURES):
        raise ModelError(
            f"quality model {p} was trained on other features; retrain it with bench/train_quality.py"
        )
    return model


@dataclass(frozen=True)
class Scored:
    """What scoring adds to one segment, plus how the scores were made (for ``Review.meta``)."""

    scores: tuple[dict[str, float], ...]
    quality: tuple[float | None, ...]
    meta: dict[str, Any]


def embed_unique(embedder: Any, texts: Sequence[str], batch: int = 256) -> np.ndarray:
    """Embeddings of ``texts`` in batches, each distinct text encoded once."""
    uniq = sorted(set(texts))
    index = {t: i for i, t in enumerate(uniq)}
    vecs = np.concatenate([embedder.encode(uniq[i : i + batch]) for i in range(0, len(uniq), batch)])
    return vecs[[index[t] for t in texts]]


def _cosines(embedder: Any, srcs: Sequence[str], tgts: Sequence[str]) -> np.ndarray:
    return (embed_unique(embedder, srcs) * embed_unique(embedder, tgts)).sum(axis=1).astype(np.float64)


def _merge(rows: list[dict[str, float]], more: list[dict[str, float]]) -> None:
    for row, extra in zip(rows, more, strict=True):
        row.update(extra)


COPIED_SHARE = 0.8  # a target this much of which is copied source text is no translation


def not_translated(tgt: str, flags: Sequence[Flag]) -> bool:
    """True if ``flags`` of the untranslated check cover at least ``COPIED_SHARE`` of the target's
    non-space characters (a copy of the source; a name or byline kept as is is not flagged)."""
    spans = [(f.start, f.end) for f in flags if f.check == "untranslated" and f.side == "tgt"]
    if not spans:
        return False
    covered = {k for start, end in spans for k in range(start, end) if k < len(tgt) and not tgt[k].isspace()}
    total = sum(not c.isspace() for c in tgt)
    return total > 0 and len(covered) >= COPIED_SHARE * total


def score_pairs(srcs: Sequence[str], tgts: Sequence[str], models: Models, config: Config,
                flags: Sequence[Sequence[Flag]] | None = None,
                refs: Sequence[str | None] | None = None,
                mts: Sequence[str | None] | None = None) -> Scored:
    """Scores and quality for aligned pairs (``models``: the model bundle).

    A pair with an empty side (omission or addition) gets quality 0 and no metric scores. So does a
    pair whose target is no translation: ``flags`` mark at least ``COPIED_SHARE`` of it as text
    copied from the source (the untranslated check), however close the copy's embedding is.
    """
    from ..models.embed import get_embedder

    srcs, tgts = list(srcs), list(tgts)
    lm = models.lm
    qm = load_quality_model(config.score.quality_model, lm=lm is not None)
    if qm.uses_lm and lm is None:
        raise ModelError("the quality model reads LM signals: set [models] lm (e.g. \"gemma3-270m\")")
    # the model's cosine feature needs its embedder's vectors; a faster backend of the same model serves
    same = getattr(models.embedder, "model", models.embedder.name) == qm.embedder
    embedder = models.embedder if same else get_embedder(qm.embedder)
    both = [i for i, (s, t) in enumerate(zip(srcs, tgts, strict=True)) if s.strip() and t.strip()]
    rows: list[dict[str, float]] = [{} for _ in srcs]
    signatures: dict[str, str] = {}
    ids = config.score.metrics
    for suffix, others in (("ref", refs), ("mt", mts)):
        if others is not None:
            got, sig = metrics.pair_scores(tgts, others, "ja", ids, suffix)
            _merge(rows, got)
            signatures.update(sig)
    signatures.update(_model_scores(rows, srcs, tgts, both, models, ids, supplied_mt=mts is not None))
    quality: list[float | None] = [0.0 if (s.strip() or t.strip()) else None
                                   for s, t in zip(srcs, tgts, strict=True)]
    if both:
        sub_s, sub_t = [srcs[i] for i in both], [tgts[i] for i in both]
        cos = _cosines(embedder, sub_s, sub_t)
        sub_flags = ([[f for f in flags[i] if f.check in qm.flag_checks] for i in both]
                     if flags is not None else None)
        lm_rows = lm.signals(sub_s, sub_t) if lm is not None else None
        X = qf.feature_matrix(sub_s, sub_t, cos, sub_flags, lm=lm_rows if qm.uses_lm else None)
        q = qm.predict(X)
        for k, i in enumerate(both):
            rows[i]["cosine"] = float(cos[k])
            if lm_rows is not None:
                rows[i].update(lm_rows[k])
            quality[i] = 0.0 if flags is not None and not_translated(tgts[i], flags[i]) else float(q[k])
    meta = {"signatures": dict(sorted(signatures.items())),
            "quality_model": {"version": qm.version, "embedder": qm.embedder, "uses_lm": qm.uses_lm,
                              "lm": getattr(lm, "name", None) if qm.uses_lm else None,
                              "trained_on": qm.meta.get("trained_on")}}
    return Scored(tuple(rows), tuple(quality), meta)


def _model_scores(rows: list[dict[str, float]], srcs: list[str], tgts: list[str], both: list[int],
                  models: Models, ids: Sequence[str], supplied_mt: bool) -> dict[str, str]:
    """Scores from the bundle's translator models (``translator``, ``back_translator``)."""
    signatures: dict[str, str] = {}
    if not both:
        return signatures
    sub_s, sub_t = [srcs[i] for i in both], [tgts[i] for i in both]
    translator = models.translator
    if translator is not None:
        if not supplied_mt:
            hyps = translator.translate(sub_s)
            got, sig = metrics.pair_scores(sub_t, hyps, "ja", ids, "mt")
            for k, i in enumerate(both):
                rows[i].update(got[k])
            signatures.update(sig)
        for k, lp in enumerate(translator.score(sub_s, sub_t)):
            rows[both[k]]["mt_logprob"] = float(lp)
    back = models.back_translator
    if back is not None:
        bts = back.translate(sub_t)
        got, sig = metrics.pair_scores(bts, sub_s, "en", ids, "bt")
        for k, i in enumerate(both):
            rows[i].update(got[k])
        signatures.update(sig)
    return signatures


def score_segments(segments: Sequence[Segment], models: Models, config: Config) -> Scored:
    """Scores and quality for the aligned segments of a review (their flags count as features)."""
    return score_pairs([s.src for s in segments], [s.tgt for s in segments], models, config,
                       flags=[s.flags for s in segments])
