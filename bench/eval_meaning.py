"""Figures of the meaning model (token-level LM evidence): spans, sentence quality, the seed.

    python bench/eval_meaning.py [--data ../shared/data]     (or: python bench/eval_quality.py --meaning)

Only rows whose LM token log-probs are cached (``bench/lm_tokens.py``) are used; the counts are
printed. Folds are frozen by source (``meaning_data.fold``). Reports, in one run:
  spans     character F1 against the WMT24 ESA annotators' spans (5-fold CV by source): the
            head trained on ESA + synthetic spans, on ESA alone, on synthetic spans alone; and
            two references: every character flagged, the shipped rule checks' flags
  sentence  on the LM rows of DA / ESA / critical errors: the shipped quality model as shipped
            (trained on all qe-dev, these rows included: optimistic), the same recipe CV'd on
            these rows, the new model (the same features + the meaning head's aggregates + the
            sentence LM signals, CV'd), the aggregates alone, a source-only model (never reads
            the translation) and chrF against the human reference
  seed      the seed article's exercises sentence: flagged? its rank by each quality score
"""

from __future__ import annotations

import argparse
import logging
import sys

import eval_quality
import meaning_data
import numpy as np
import qe_data
import train_meaning
import train_quality

from mtreview.score import meaning

log = logging.getLogger("eval_meaning")
EXERCISES = "金正恩氏が合同軍事演習を強化"
AGGREGATES = ("m_mean", "m_max", "m_share", "lm_cond", "lm_gain", "lm_rev_gain")
SOURCE_ONLY = ("src_chars_log", "src_rep", "src_sents", "neg_src", "prof_src")


def oof_probs(rows, folds, train_extra, which: str) -> list[np.ndarray]:
    """Out-of-fold token probabilities of ``rows`` (ESA) for head variant ``which``."""
    out: list[np.ndarray] = [np.zeros(0)] * len(rows)
    for k in range(meaning_data.FOLDS):
        test = [i for i in range(len(rows)) if folds[i] == k]
        train = [rows[i] for i in range(len(rows)) if folds[i] != k]
        if which == "synth":
            train = list(train_extra)
        elif which == "esa+synth":
            train = train + list(train_extra)
        head = train_meaning.build(train, [rows[i] for i in range(len(rows)) if folds[i] != k], {})
        thr_probs = [head.token_probs(rows[i]["X"]) for i in test]
        for i, p in zip(test, thr_probs, strict=True):
            out[i] = p
        # the threshold was picked on the training ESA rows: remember it per row
        for i in test:
            rows[i]["thr_" + which] = head.threshold
    return out


def _mask(r, spans) -> np.ndarray:
    m = np.zeros(len(r["text"]), dtype=bool)
    for a, b, *_ in spans:
        m[a:b] = True
    return m


def span_scores(rows, masks) -> dict[str, float]:
    """Character F1 of predicted masks vs gold: pooled over all characters (micro), averaged over
    rows with a gold or predicted character (macro), and pooled over the mostly-Japanese rows."""
    def pooled(keep) -> float:
        tp = sum(int((m & r["gold"]).sum()) for r, m, k in zip(rows, masks, keep, strict=True) if k)
        pred = sum(int(m.sum()) for m, k in zip(masks, keep, strict=True) if k)
        gold = sum(int(r["gold"].sum()) for r, k in zip(rows, keep, strict=True) if k)
        return train_meaning.f1(tp, pred, gold)

    per = [train_meaning.f1(int((m & r["gold"]).sum()), int(m.sum()), int(r["gold"].sum()))
           for r, m in zip(rows, masks, strict=True) if m.any() or r["gold"].any()]
    return {"micro": pooled([True] * len(rows)), "macro": float(np.mean(per)) if per else float("nan"),
            "micro_ja": pooled([train_meaning.japanese(r["text"]) for r in rows])}


def span_figures(esa_df, esa_rows, synth_rows) -> tuple[dict[str, dict], list]:
    from mtreview.config import Config
    from mtreview.pipeline import check_rows

    folds = meaning_data.fold(esa_df)
    flags = check_rows(esa_df.src.tolist(), [t.strip() for t in esa_df.tgt], Config())
    rule = [_mask(r, [(f.start, f.end) for f in fs if f.side == "tgt"]) for r, fs in zip(esa_rows, flags, strict=True)]
    out = {"every character flagged": span_scores(esa_rows, [np.ones(len(r["text"]), bool) for r in esa_rows]),
           "shipped rule checks' flags": span_scores(esa_rows, rule)}
    kept = None
    variants = ("esa+synth", "esa", "synth") if synth_rows else ("esa",)
    for which in sorted(variants, key=lambda v: v != train_meaning.TRAIN):  # the shipped variant first
        probs = oof_probs(esa_rows, folds, synth_rows, which)
        masks = [_mask(r, meaning.spans(p, r["starts"], r["ends"], r["thr_" + which], r["text"]))
                 for r, p in zip(esa_rows, probs, strict=True)]
        out[f"meaning head ({which})"] = span_scores(esa_rows, masks)
        out[f"rule checks + meaning head ({which})"] = span_scores(
            esa_rows, [m | q for m, q in zip(masks, rule, strict=True)])
        if kept is None:
            kept = probs
    return out, kept


def synth_token_auc(synth_df, synth_rows, esa_rows) -> dict[str, float]:
    """Token ROC AUC of the synthetic-only head on the synthetic errors (5-fold CV by source),
    overall and per kind of error, and of the head fit on all of them on ESA's Japanese rows."""
    from sklearn.metrics import roc_auc_score

    folds = meaning_data.fold(synth_df)
    probs: list[np.ndarray] = [np.zeros(0)] * len(synth_rows)
    for k in range(meaning_data.FOLDS):
        head = train_meaning.build([r for r, f in zip(synth_rows, folds, strict=True) if f != k], esa_rows, {})
        for i in np.flatnonzero(folds == k):
            probs[i] = head.token_probs(synth_rows[i]["X"])

    def auc(idx) -> float:
        y = np.concatenate([synth_rows[i]["y"] for i in idx])
        return float(roc_auc_score(y, np.concatenate([probs[i] for i in idx])))

    out = {"all": auc(range(len(synth_rows)))}
    for kind in sorted(set(synth_df.kind)):
        out[kind] = auc(np.flatnonzero((synth_df.kind == kind).to_numpy()))
    head = train_meaning.build(synth_rows, esa_rows, {})
    ja = [r for r in esa_rows if train_meaning.japanese(r["text"])]
    out["ESA ja tokens"] = float(roc_auc_score(np.concatenate([r["y"] for r in ja]),
                                               np.concatenate([head.token_probs(r["X"]) for r in ja])))
    return out


def aggregates(rows, probs, threshold: float) -> np.ndarray:
    out = []
    for r, p in zip(rows, probs, strict=True):
        s = r["sent"]
        out.append([float(p.mean()) if len(p) else 0.0, float(p.max()) if len(p) else 0.0,
                    float((p >= threshold).mean()) if len(p) else 0.0, s["cond"], s["gain"], s["rev_gain"]])
    return np.array(out)


def set_features(name: str, data) -> np.ndarray:
    """The quality features (``quality_features.FEATURES``) of every row of a fixed set (cached)."""
    X, _, _ = qe_data.features(meaning_data.load(name, data)[["src", "tgt"]])
    return X


def grouped_cv(X: np.ndarray, df) -> np.ndarray:
    folds = meaning_data.fold(df)
    pred = np.zeros(len(df))
    y, w = df.target.to_numpy(), train_quality.weights(df)
    for k in range(meaning_data.FOLDS):
        tr, te = folds != k, folds == k
        cols = ~np.isnan(X[tr]).all(axis=0)  # a column the training rows never have (partial LM passes)
        pred[te] = train_quality.fit(X[tr][:, cols], y[tr], w[tr]).predict(X[te][:, cols])
    return pred


def _where(df, pred: np.ndarray) -> dict[str, float]:
    """``figures`` on the rows where ``pred`` is known (the reverse LM pass may be partial)."""
    ok = ~np.isnan(pred)
    return eval_quality.figures(df[ok].reset_index(drop=True), pred[ok])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    args = parser.parse_args(argv)
    if not (args.data / "qe-dev").is_dir():
        raise SystemExit(f"no qe-dev folder under {args.data} (use --data)")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import pandas as pd

    from mtreview.score import features as qf
    from mtreview.score.quality import load_quality_model

    got = train_meaning.load_rows(args.data, ("esa", "synth", "crit", "da", "seed"))
    esa_df, esa_rows = got["esa"]
    synth_rows = got["synth"][1]
    print(f"LM token rows: {', '.join(f'{k} {len(v[1])}' for k, v in got.items())}; "
          f"ESA rows from {esa_df.src.nunique()} sources")
    spans, esa_probs = span_figures(esa_df, esa_rows, synth_rows)
    print("\nspan character F1 vs WMT24 ESA spans (5-fold CV by source; micro = all characters pooled,"
          " macro = mean over rows with a gold or flagged character, ja = micro over mostly-Japanese rows)")
    for name, f in spans.items():
        print(f"  {name:44s} micro {f['micro']:.3f}  macro {f['macro']:.3f}  ja {f['micro_ja']:.3f}")

    aucs = synth_token_auc(got["synth"][0], synth_rows, esa_rows)
    print("\ntoken ROC AUC of the synthetic-only head: synthetic errors (CV by source) "
          + ", ".join(f"{k} {v:.3f}" for k, v in aucs.items()))

    # sentence level: the shipped variant of the head (train_meaning.TRAIN) for crit / DA / seed
    # (never in its training), out-of-fold probabilities of the same variant for ESA rows
    train = {"synth": synth_rows, "esa+synth": esa_rows + synth_rows, "esa": esa_rows}[train_meaning.TRAIN]
    head = train_meaning.build(train, esa_rows, {})
    parts, feats, xs = [], [], []
    for name in ("da", "esa", "crit"):
        df, rows = got[name]
        if not rows:
            continue
        probs = esa_probs if name == "esa" else [head.token_probs(r["X"]) for r in rows]
        df = df.assign(set=name)
        if name == "esa" or name == "da":
            df = df.assign(target=df.human.rank(pct=True))
        parts.append(df[["src", "tgt", "set", "human", "group", "target"] + (["ref"] if "ref" in df else [])])
        xs.append(set_features(name, args.data)[df.row.to_numpy()])
        feats.append(aggregates(rows, probs, head.threshold))
    sub = pd.concat(parts, ignore_index=True)
    sub["ref"] = sub["ref"].fillna("") if "ref" in sub else ""
    A = np.vstack(feats)
    X = np.vstack(xs)
    shipped = load_quality_model()
    col = [qf.FEATURES.index(c) for c in SOURCE_ONLY]
    rows = {
        "shipped gbdt-3 (as shipped)": eval_quality.figures(sub, shipped.predict(X)),
        "gbdt-3 recipe, CV": eval_quality.figures(sub, grouped_cv(X, sub)),
        "new: +meaning +LM, CV": eval_quality.figures(sub, grouped_cv(np.hstack([X, A]), sub)),
        "meaning aggregates, CV": eval_quality.figures(sub, grouped_cv(A, sub)),
        "-max token prob alone": eval_quality.figures(sub, -A[:, 1]),
        "reverse gain (rows w/ it)": _where(sub, A[:, 5]),
        "source-only model, CV": eval_quality.figures(sub, grouped_cv(X[:, col], sub)),
    }
    print(f"\nsentence level on the LM rows {sub.set.value_counts().sort_index().to_dict()} "
          f"({int((~np.isnan(A[:, 5])).sum())} with the reverse pass)")
    eval_quality.report(sub, rows)

    seed_df, seed_rows = got["seed"]
    if seed_rows:
        at = [i for i, t in enumerate(seed_df.tgt) if EXERCISES in t]
        probs = [head.token_probs(r["X"]) for r in seed_rows]
        Xs = set_features("seed", args.data)[seed_df.row.to_numpy()]
        As = aggregates(seed_rows, probs, head.threshold)
        q_old = shipped.predict(Xs)
        XA = np.hstack([X, A])
        cols = ~np.isnan(XA).all(axis=0)
        new = train_quality.fit(XA[:, cols], sub.target.to_numpy(), train_quality.weights(sub))
        q_new = new.predict(np.hstack([Xs, As])[:, cols])
        n_flagged = sum(bool(meaning.spans(p, r["starts"], r["ends"], head.threshold))
                        for p, r in zip(probs, seed_rows, strict=True))
        for i in at:
            flagged = meaning.spans(probs[i], seed_rows[i]["starts"], seed_rows[i]["ends"],
                                                  head.threshold, seed_rows[i]["text"])
            print(f"\nseed exercises sentence (segment {i} of {len(seed_df)}): meaning spans "
                  f"{[seed_rows[i]['text'][a:b] for a, b, _ in flagged]}; rank by shipped quality "
                  f"{int((q_old < q_old[i]).sum()) + 1}, by the new model {int((q_new < q_new[i]).sum()) + 1}, "
                  f"by reverse gain {int((As[:, 5] < As[i, 5]).sum()) + 1} ({As[i, 5]:.2f}, median "
                  f"{np.median(As[:, 5]):.2f}) (1 = lowest); segments with meaning spans: "
                  f"{n_flagged} of {len(seed_rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
