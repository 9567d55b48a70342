"""Joint e5 encoder (CometKiwi-style) heads against the shipped model, chrF and a source-only baseline.

    nice python bench/kiwi_cache.py                 # first: the joint token states (resumable)
    nice python bench/kiwi_eval.py [--mix mean] [--train esa+synth] [--report]
    python bench/eval_quality.py --kiwi [...]       # the same

Rows: the en-ja qe-dev sets cached by bench/kiwi_cache.py (DA, ESA with spans, critical
errors) and the synthetic errors (extra token-head training rows). Split frozen before any
tuning (as bench/embed_head.py): en-ja sources with hash % 5 == 0 are REPORT, read only with
``--report``; the rest is TUNE, 5-fold GroupKFold by source. Printed in one run, on the same
rows and folds: character F1 of the token head's spans against the ESA annotators' spans (and
the rule checks'), token AUC, then the sentence figures of: the shipped model (gbdt-3, as
shipped: it was trained on all qe-dev), the gbdt-3 recipe (CV), the joint-state ridge head, the
ridge head + token-head aggregates and alignment features (``kiwi_heads.align_features``; "token
aggs" in the printed labels), the recipe + both as columns, the source-only ridge head
(same encoder, the source read alone) and chrF against the reference; each ± the standard
deviation over the 5 folds. Then the seed article's exercises sentence's rank.
"""

from __future__ import annotations

import argparse
import logging
import sys

import kiwi_cache
import kiwi_heads as kh
import numpy as np
import qe_data
import train_quality
from embed_head import EXERCISES, FOLDS, NAMES, _chrf_line, fold_figures, fold_ids, print_rows
from eval_quality import figures

ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0)
KEYS = ("tok", "chars", "n_tok", "ptgt", "psrc", "solo", "align", "salign")
log = logging.getLogger("kiwi_eval")


def load(args):
    """(enja DataFrame, cache arrays concatenated in its order, synth DataFrame, synth cache)."""
    import pandas as pd

    frames, caches = [], []
    for name in ("esa",) if args.spans_only else ("da", "crit", "esa"):
        rows = kiwi_cache.kiwi_rows(args.data, (name,), n_crit=args.crit)
        c = kiwi_cache.load_cached(name, args.prefix, rows)
        if c is None:
            raise SystemExit(f"the {name} rows are not all cached: run bench/kiwi_cache.py --sets {name}")
        frames.append(rows.to_pandas())
        caches.append(c)
    df = pd.concat(frames, ignore_index=True)
    cache = {k: np.concatenate([c[k] for c in caches]) for k in KEYS}
    cache["off"] = np.concatenate([[0], np.cumsum(cache["n_tok"])])
    srows = kiwi_cache.kiwi_rows(args.data, ("synth",), n_synth=args.synth)
    sc = kiwi_cache.load_cached("synth", args.prefix, srows)
    return df, cache, (srows.to_pandas() if sc is not None else None), sc


def subset(df, cache, idx: np.ndarray):
    """Rows ``idx`` of ``df`` and the matching cache arrays."""
    idx = np.asarray(idx)
    off = cache["off"]
    tok_idx = np.concatenate([np.arange(off[i], off[i + 1]) for i in idx]) if len(idx) else np.zeros(0, int)
    out = {k: cache[k][idx] for k in ("n_tok", "ptgt", "psrc", "solo", "salign") if k in cache}
    out.update({k: cache[k][tok_idx] for k in ("tok", "chars", "align") if k in cache})
    out["off"] = np.concatenate([[0], np.cumsum(out["n_tok"])])
    return df.iloc[idx].reset_index(drop=True), out


def as_rows(df) -> dict:
    return {"tgt": df.tgt.tolist(), "spans": df.spans.tolist()}


def fit_token_head(esa_rows: list[dict], synth_rows: list[dict], train: str, C: float,
                   kind: str = "lr") -> kh.TokenHead:
    ja = [r for r in esa_rows if kh.japanese(r["text"])]
    fit_rows = (ja if "esa" in train else []) + (synth_rows if "synth" in train else [])
    return kh.TokenHead(C, kind).fit(fit_rows, ja)


def pooled(cache) -> np.ndarray:
    n = len(cache["ptgt"])
    return np.hstack([cache["ptgt"].reshape(n, -1), cache["psrc"].reshape(n, -1)]).astype(np.float32)


def ridge_oof(F: np.ndarray, df, folds: np.ndarray) -> dict[float, np.ndarray]:
    y, w = df.target.to_numpy(), train_quality.weights(df)
    out = {a: np.zeros(len(df)) for a in ALPHAS}
    for k in range(FOLDS):
        r = kh.Ridge().fit(F[folds != k], y[folds != k], w[folds != k])
        for a in ALPHAS:
            out[a][folds == k] = r.predict(F[folds == k], a)
    return out


def best_alpha(oof: dict[float, np.ndarray], df) -> float:
    """The alpha whose out-of-fold prediction best fits the training target (weighted Pearson)."""
    y, w = df.target.to_numpy(), train_quality.weights(df)

    def wcorr(p):
        c = np.cov(p, y, aweights=w)
        return c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])

    return max(oof, key=lambda a: wcorr(oof[a]))


def gbdt_oof(X: np.ndarray, df, folds: np.ndarray) -> np.ndarray:
    pred = np.zeros(len(df))
    y, w = df.target.to_numpy(), train_quality.weights(df)
    for k in range(FOLDS):
        pred[folds == k] = train_quality.fit(X[folds != k], y[folds != k], w[folds != k]).predict(X[folds == k])
    return pred


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--prefix", default="", help="the prefix the cache was built with")
    parser.add_argument("--crit", type=int, default=kiwi_cache.CRIT_ROWS, help="as bench/kiwi_cache.py --crit")
    parser.add_argument("--synth", type=int, default=2000, help="as bench/kiwi_cache.py --synth")
    parser.add_argument("--mix", default="mean", choices=sorted(kh.MIXES), help="token layer mix")
    parser.add_argument("--train", default="esa+synth", choices=("esa", "synth", "esa+synth"),
                        help="token head training rows")
    parser.add_argument("--C", type=float, default=0.1, help="token head inverse regularisation")
    parser.add_argument("--report", action="store_true", help="fit on TUNE, score the REPORT split once")
    parser.add_argument("--head", default="lr", choices=("lr", "mlp"),
                        help="token head: logistic regression or a one-hidden-layer MLP (--spans-only)")
    parser.add_argument("--within", action="store_true",
                        help="only a within-source ESA ranker (features and scores centred per source), TUNE CV")
    parser.add_argument("--spans-only", action="store_true", help="only the token head on the ESA rows")
    parser.add_argument("--compare-prefix", action="store_true",
                        help='only compare the "" and "query: " caches on DA TUNE and the synthetic rows')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.compare_prefix:
        return compare_prefix(args)
    df, cache, sdf, scache = load(args)
    synth_rows = kh.token_rows(as_rows(sdf), scache, args.mix) if sdf is not None else []
    tune = np.flatnonzero(df.split.to_numpy() == "tune")
    tdf, tc = subset(df, cache, tune)
    folds = fold_ids(tdf.group.to_numpy())
    rows = kh.token_rows(as_rows(tdf), tc, args.mix)
    esa = np.flatnonzero((tdf.set == "esa").to_numpy())
    print(f"TUNE: {tdf.set.value_counts().sort_index().to_dict()} rows, {FOLDS} folds by source; prefix "
          f"{args.prefix!r}, token mix {args.mix}, token head on {args.train} (C {args.C}), "
          f"synthetic rows {len(synth_rows)}")

    # ---- token head, out of fold
    probs: list[np.ndarray] = [np.zeros(0)] * len(rows)
    thr = np.zeros(len(rows))
    for k in range(FOLDS):
        head = fit_token_head([rows[i] for i in esa if folds[i] != k], synth_rows, args.train, args.C, args.head)
        for i in np.flatnonzero(folds == k):
            probs[i], thr[i] = head.probs(rows[i]["X"]), head.threshold
        log.info("token head fold %d: threshold %.3f", k, head.threshold)
    span_report({"rows": rows, "probs": probs, "thr": thr, "esa": esa, "folds": folds, "df": tdf})
    if args.spans_only:
        return 0
    X, _, _ = qe_data.features(df[["src", "tgt", "ref", "set", "human", "target", "group"]])

    # ---- sentence heads, out of fold
    P, S = pooled(tc), tc["solo"].reshape(len(tdf), -1).astype(np.float32)
    A = np.hstack([kh.aggregates(probs, float(np.median(thr))), kh.align_features(tc)])
    oof_p = ridge_oof(P, tdf, folds)
    alpha = best_alpha(oof_p, tdf)
    oof_pa = ridge_oof(np.hstack([P, A]), tdf, folds)
    alpha_pa = best_alpha(oof_pa, tdf)
    oof_s = ridge_oof(S, tdf, folds)
    alpha_s = best_alpha(oof_s, tdf)
    XT = X[tune]
    if args.within:
        return within_source(tdf, np.hstack([P, A]), XT, folds)
    stack = np.hstack([XT, oof_pa[alpha_pa][:, None], A])  # columns of the training rows are out of fold
    from mtreview.score.quality import load_quality_model

    table = {"shipped gbdt-3 (trained on all qe-dev)": fold_figures(tdf, load_quality_model().predict(XT), folds),
             "gbdt-3 recipe (CV)": fold_figures(tdf, gbdt_oof(XT, tdf, folds), folds),
             f"joint ridge (a={alpha:g})": fold_figures(tdf, oof_p[alpha], folds),
             f"joint ridge + token aggs (a={alpha_pa:g})": fold_figures(tdf, oof_pa[alpha_pa], folds),
             "-max token error prob": fold_figures(tdf, -A[:, 1], folds),
             "source coverage (mean best cos, l9)": fold_figures(tdf, A[:, 10 + 3], folds),
             "recipe + token aggs + alignment": fold_figures(tdf, gbdt_oof(np.hstack([XT, A]), tdf, folds), folds),
             "recipe + joint + token aggs": fold_figures(tdf, gbdt_oof(stack, tdf, folds), folds),
             f"source-only ridge (a={alpha_s:g})": fold_figures(tdf, np.round(oof_s[alpha_s], 9), folds)}
    print("\nSentence level, TUNE 5-fold CV (± fold std):")
    print_rows(table)
    _chrf_line(tdf)
    chosen = {"mix": args.mix, "train": args.train, "C": args.C, "alpha": alpha_pa, "alpha_s": alpha_s}
    seed_rank(args, df, cache, X, tune, synth_rows, chosen)
    if args.report:
        report(args, df, cache, X, tune, synth_rows, chosen)
    return 0


def within_source(tdf, F: np.ndarray, XT: np.ndarray, folds: np.ndarray) -> int:
    """ESA within-source tau of ridge rankers fit on ESA scores and features centred per source."""
    import pandas as pd
    from eval_quality import within_source_tau

    esa = (tdf.set == "esa").to_numpy()
    g, h, f = tdf.group.to_numpy()[esa], tdf.human.to_numpy()[esa], folds[esa]

    def centred(M):
        M = np.asarray(M, dtype=np.float64)
        return M - pd.DataFrame(M).groupby(g).transform("mean").to_numpy()

    yc = centred(h[:, None])[:, 0]
    for label, M in (("joint states + token aggs", F[esa]), ("gbdt-3 features", XT[esa]),
                     ("both", np.hstack([F[esa], XT[esa]]))):
        Mc = centred(M)
        preds = {a: np.zeros(len(yc)) for a in ALPHAS}
        for k in range(FOLDS):
            r = kh.Ridge().fit(Mc[f != k], yc[f != k], np.ones(int((f != k).sum())))
            for a in ALPHAS:
                preds[a][f == k] = r.predict(Mc[f == k], a)
        for a, pred in preds.items():
            per = [within_source_tau(g[f == k], pred[f == k], h[f == k]) for k in range(FOLDS)]
            print(f"within-source ridge on {label:28s} alpha {a:<6g} tau {within_source_tau(g, pred, h):.3f} "
                  f"±{np.nanstd(per):.3f}")
    return 0


def compare_prefix(args) -> int:
    """DA TUNE ridge CV (pooled joint states) and synthetic-error token AUC (CV by source) per prefix."""
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    for prefix in ("", "query: "):
        rows = kiwi_cache.kiwi_rows(args.data, ("da",))
        c = kiwi_cache.load_cached("da", prefix, rows)
        srows = kiwi_cache.kiwi_rows(args.data, ("synth",), n_synth=args.synth)
        sc = kiwi_cache.load_cached("synth", prefix, srows)
        if c is None or sc is None:
            print(f"prefix {prefix!r}: DA or synthetic rows not all cached")
            continue
        for cc in (c, sc):  # the same inputs for both prefixes: states only
            cc.pop("align", None)
        df = rows.to_pandas()
        tune = np.flatnonzero(df.split.to_numpy() == "tune")
        tdf, tc = subset(df, c, tune)
        folds = fold_ids(tdf.group.to_numpy())
        oof = ridge_oof(pooled(tc), tdf, folds)
        rho = {a: spearmanr(p, tdf.human).statistic for a, p in oof.items()}
        sdf = srows.to_pandas()
        tr = kh.token_rows(as_rows(sdf), sc, args.mix)
        sf = (sdf.group.to_numpy() % FOLDS).astype(int)
        probs = [np.zeros(0)] * len(tr)
        for k in range(FOLDS):
            head = kh.TokenHead(args.C).fit([r for r, f in zip(tr, sf, strict=True) if f != k], [])
            for i in np.flatnonzero(sf == k):
                probs[i] = head.probs(tr[i]["X"])
        auc = roc_auc_score(np.concatenate([r["y"] for r in tr]), np.concatenate(probs))
        print(f"prefix {prefix!r}: DA TUNE ridge Spearman by alpha "
              + ", ".join(f"{a:g}: {v:.3f}" for a, v in rho.items())
              + f"; synthetic token AUC ({args.mix}) {auc:.3f}")
    return 0


def span_report(st: dict) -> None:
    from sklearn.metrics import roc_auc_score

    from mtreview.config import Config
    from mtreview.pipeline import check_rows

    rows, probs, thr, esa, folds, df = (st[k] for k in ("rows", "probs", "thr", "esa", "folds", "df"))
    er = [rows[i] for i in esa]
    flags = check_rows(df.src.iloc[esa].tolist(), df.tgt.iloc[esa].tolist(), Config())
    rule = []
    for r, fs in zip(er, flags, strict=True):
        m = np.zeros(len(r["text"]), bool)
        for f in fs:
            if f.side == "tgt":
                m[f.start:f.end] = True
        rule.append(m)
    head = [kh.mask(rows[i], probs[i], thr[i]) for i in esa]
    variants = {"every character flagged": [np.ones(len(r["text"]), bool) for r in er],
                "rule checks' flags": rule, "joint token head": head,
                "rule checks + joint token head": [a | b for a, b in zip(rule, head, strict=True)]}
    ef = folds[esa]
    print(f"\nSpans vs the ESA annotators' spans, TUNE ESA rows ({len(er)}; ja = "
          f"{sum(kh.japanese(r['text']) for r in er)} mostly-Japanese rows), out of fold (± fold std):")
    print(f"{'':34s}{'micro':>16s}{'macro':>16s}{'ja':>16s}")
    for label, masks in variants.items():
        allf = kh.char_f1(er, masks)
        per = [kh.char_f1([er[j] for j in np.flatnonzero(ef == k)], [masks[j] for j in np.flatnonzero(ef == k)])
               for k in range(FOLDS)]
        print(f"{label:34s}" + "".join(f"{allf[n]:9.3f} ±{np.nanstd([p[n] for p in per]):5.3f}"
                                       for n in ("micro", "macro", "ja")))
    ja = [i for i in esa if kh.japanese(rows[i]["text"])]
    y = np.concatenate([rows[i]["y"] for i in ja])
    p = np.concatenate([probs[i] for i in ja])
    print(f"token ROC AUC on the Japanese ESA rows' tokens: {roc_auc_score(y, p):.3f} "
          f"({int(y.sum())} of {len(y)} tokens in a gold span)")


def final_fit(df, cache, X, tune, synth_rows, chosen):
    """Everything fit on all TUNE rows: (token head, ridge on [P, aggs], GBDT stack, tune aggs)."""
    tdf, tc = subset(df, cache, tune)
    rows = kh.token_rows(as_rows(tdf), tc, chosen["mix"])
    esa = np.flatnonzero((tdf.set == "esa").to_numpy())
    folds = fold_ids(tdf.group.to_numpy())
    probs: list[np.ndarray] = [np.zeros(0)] * len(rows)
    for k in range(FOLDS):  # out-of-fold aggregates for the stack's training rows
        h = fit_token_head([rows[i] for i in esa if folds[i] != k], synth_rows, chosen["train"], chosen["C"])
        for i in np.flatnonzero(folds == k):
            probs[i] = h.probs(rows[i]["X"])
    head = fit_token_head([rows[i] for i in esa], synth_rows, chosen["train"], chosen["C"])
    A = np.hstack([kh.aggregates(probs, head.threshold), kh.align_features(tc)])
    PA = np.hstack([pooled(tc), A])
    oof = ridge_oof(PA, tdf, folds)[chosen["alpha"]]
    y, w = tdf.target.to_numpy(), train_quality.weights(tdf)
    ridge = kh.Ridge().fit(PA, y, w)
    gbdt = train_quality.fit(np.hstack([X[tune], oof[:, None], A]), y, w)
    return head, ridge, gbdt


def predict(models, chosen, df, cache, X):
    head, ridge, gbdt = models
    rows = kh.token_rows(as_rows(df), cache, chosen["mix"])
    probs = [head.probs(r["X"]) for r in rows]
    A = np.hstack([kh.aggregates(probs, head.threshold), kh.align_features(cache)])
    r = ridge.predict(np.hstack([pooled(cache), A]), chosen["alpha"])
    return rows, probs, r, gbdt.predict(np.hstack([X, r[:, None], A]))


def seed_rank(args, df, cache, X, tune, synth_rows, chosen) -> None:
    import meaning_data

    from mtreview.models.e5_tokens import E5Tokens
    from mtreview.score import meaning
    from mtreview.score.quality import load_quality_model

    seed = meaning_data.seed_pairs()
    at = [i for i, t in enumerate(seed.tgt) if EXERCISES in t]
    if not at:
        print("seed: the exercises sentence is not among the aligned segments")
        return
    sc = kiwi_cache.encode_shard(E5Tokens(), seed.src.tolist(), seed.tgt.tolist(), args.prefix)
    sc["off"] = np.concatenate([[0], np.cumsum(sc["n_tok"])])
    seed["spans"] = [[] for _ in range(len(seed))]
    Xs, _, _ = qe_data.features(seed[["src", "tgt"]])
    models = final_fit(df, cache, X, tune, synth_rows, chosen)
    rows, probs, ridge, stacked = predict(models, chosen, seed, sc, Xs)
    thr = models[0].threshold
    i = at[0]

    def rank(q) -> int:
        return int((q < q[i]).sum()) + 1

    flagged = [j for j, (r, p) in enumerate(zip(rows, probs, strict=True)) if kh.mask(r, p, thr).any()]
    r = rows[i]
    where = [r["text"][a:b] for a, b, _ in meaning.spans(probs[i], r["starts"], r["ends"], thr, r["text"])]
    print(f"\nseed exercises sentence (segment {i + 1} of {len(seed)}): rank (1 = lowest) by shipped gbdt-3 "
          f"{rank(load_quality_model().predict(Xs))}, joint ridge + aggs {rank(ridge)}, recipe + joint + aggs "
          f"{rank(stacked)}, -max token prob {rank(-np.array([p.max() for p in probs]))}; token head flags "
          f"{len(flagged)} of {len(seed)} segments at its threshold {thr:g} (exercises sentence: {i in flagged}: "
          f"{where})")


def report(args, df, cache, X, tune, synth_rows, chosen) -> None:
    rep = np.flatnonzero(df.split.to_numpy() == "report")
    rdf, rc = subset(df, cache, rep)
    models = final_fit(df, cache, X, tune, synth_rows, chosen)
    rows, probs, ridge, stacked = predict(models, chosen, rdf, rc, X[rep])
    tdf, _ = subset(df, cache, tune)
    y, w = tdf.target.to_numpy(), train_quality.weights(tdf)
    from mtreview.score.quality import load_quality_model

    solo = kh.Ridge().fit(cache["solo"][tune].reshape(len(tune), -1).astype(np.float32), y, w)
    gb = train_quality.fit(X[tune], y, w)
    out = {"shipped gbdt-3 (trained on all qe-dev)": figures(rdf, load_quality_model().predict(X[rep])),
           "gbdt-3 recipe (fit on TUNE)": figures(rdf, gb.predict(X[rep])),
           "joint ridge + token aggs": figures(rdf, ridge),
           "recipe + joint + token aggs": figures(rdf, stacked),
           "source-only ridge": figures(rdf, solo.predict(rc["solo"].reshape(len(rep), -1).astype(np.float32),
                                                         chosen["alpha_s"]))}
    print(f"\nREPORT split (fit on all TUNE rows, scored once): {rdf.set.value_counts().sort_index().to_dict()}")
    print_rows({k: {n: (v[n], float("nan")) for n in NAMES} for k, v in out.items()})
    _chrf_line(rdf)
    esa = np.flatnonzero((rdf.set == "esa").to_numpy())
    er = [rows[i] for i in esa]
    f = kh.char_f1(er, [kh.mask(rows[i], probs[i], models[0].threshold) for i in esa])
    print(f"REPORT spans, joint token head: micro {f['micro']:.3f} macro {f['macro']:.3f} ja {f['ja']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
