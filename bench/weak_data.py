"""Weak supervision from the WMT22/23 en-ja system outputs: no human score, a reference instead.

    nice python bench/weak_data.py [--data ../shared/data]          # fills the caches, prints a summary
    nice python bench/weak_data.py --eval   # does it help the shipped recipe? (embed_head's TUNE split)

``load_weak(data)`` returns the 59,663 system outputs of ``qe-dev/wmt22-23-en-ja-systems.tsv``
(sources and references of align-dev2; none of them is a qe-dev human-judged row) with
  chrf_ref   sentence chrF of the output against the human reference (mtreview's ``chrf`` metric)
  target     the within-source percentile of chrf_ref: which of the ~15 outputs of one source
             is closest to the reference (a soft, reference-based stand-in for a human ranking)
  group      the source hash (folds never split one source)
The quality features of the rows come from ``qe_data.features`` (cached in bench/.cache).

``--eval`` prints, on bench/embed_head.py's TUNE split and folds (en-ja human labels, 5-fold by
source, fold std): the shipped recipe; a GBDT on the weak rows alone (within-source or global chrF
percentile target), zero-shot; the recipe with that prediction as a column; the recipe trained on
its en-ja folds plus the weak rows at a few weights.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys

import numpy as np
import qe_data

log = logging.getLogger("weak_data")


def load_weak(data):
    import pandas as pd

    path = data / "qe-dev" / "wmt22-23-en-ja-systems.tsv"
    if not path.is_file():
        raise SystemExit(f"missing {path} (use --data)")
    d = pd.read_csv(path, sep="\t", quoting=3, keep_default_na=False, dtype=str)
    d = d[(d.src.str.strip() != "") & (d.mt.str.strip() != "")].reset_index(drop=True)
    df = pd.DataFrame({"src": d.src, "tgt": d.mt, "ref": d.ref, "system": d.system, "set": "weak"})
    df["group"] = df.src.map(lambda s: int(hashlib.sha1(s.encode()).hexdigest()[:8], 16))
    df["chrf_ref"] = _chrf(df)
    df["target"] = df.chrf_ref.groupby(df.group).rank(pct=True)
    df["human"] = df.chrf_ref
    return df


def _chrf(df) -> np.ndarray:
    from mtreview.score.metrics import get_metric

    key = hashlib.sha1("\x1e".join(df.tgt + "\x1f" + df.ref).encode()).hexdigest()[:12]
    path = qe_data.CACHE / f"weak-chrf-{key}.npy"
    if path.exists():
        return np.load(path)
    chrf = get_metric("chrf", "ja")
    out = np.array([chrf.sentence_score(t, r) for t, r in zip(df.tgt, df.ref, strict=True)])
    qe_data.CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--eval", action="store_true", help="figures on the en-ja TUNE split (see above)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    df = load_weak(args.data)
    X, _, _ = qe_data.features(df)
    print(f"{len(df)} rows, {df.group.nunique()} sources, {df.system.nunique()} systems; "
          f"features {X.shape}; chrF vs ref mean {df.chrf_ref.mean():.1f}")
    if args.eval:
        evaluate(args, df, X)
    return 0


def evaluate(args, weak, Xw: np.ndarray) -> None:
    import embed_head as eh
    import train_quality

    enja = qe_data.load_sets(args.data)
    Xe, _, _ = qe_data.features(enja)
    tune = (enja.group % 5 != 0).to_numpy()  # embed_head's TUNE split; REPORT is never read here
    tdf = enja[tune].reset_index(drop=True)
    Xt, yt, wt = Xe[tune], tdf.target.to_numpy(), train_quality.weights(tdf)
    folds = eh.fold_ids(tdf.group.to_numpy())
    within = weak.target.to_numpy()
    glob = weak.chrf_ref.rank(pct=True).to_numpy()
    zw = train_quality.fit(Xw, within, np.ones(len(within))).predict(Xt)
    zg = train_quality.fit(Xw, glob, np.ones(len(glob))).predict(Xt)
    rows = {"shipped recipe (CV)": eh._gbdt_cv(tdf, Xt, folds),
            "weak GBDT, within-source target": zw,
            "weak GBDT, global chrF target": zg,
            "recipe + weak column (CV)": eh._gbdt_cv(tdf, np.hstack([Xt, zw[:, None]]), folds),
            "recipe + both weak columns (CV)": eh._gbdt_cv(tdf, np.hstack([Xt, zw[:, None], zg[:, None]]), folds)}
    for ww in (0.1, 0.3, 1.0):
        pred = np.zeros(len(tdf))
        for k in range(eh.FOLDS):
            tr = folds != k
            model = train_quality.fit(np.vstack([Xt[tr], Xw]), np.concatenate([yt[tr], within]),
                                      np.concatenate([wt[tr], np.full(len(within), ww)]))
            pred[~tr] = model.predict(Xt[~tr])
        rows[f"recipe + weak rows, weight {ww} (CV)"] = pred
    eh.print_rows({k: eh.fold_figures(tdf, p, folds) for k, p in rows.items()})


if __name__ == "__main__":
    sys.exit(main())
