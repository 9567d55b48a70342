"""Weak supervision from the WMT22/23 en-ja system outputs: no human score, a reference instead.

    nice python bench/weak_data.py [--data ../shared/data]   # fills the caches, prints a summary

``load_weak(data)`` returns the 59,663 system outputs of ``qe-dev/wmt22-23-en-ja-systems.tsv``
(sources and references of align-dev2; none of them is a qe-dev human-judged row) with
  chrf_ref   sentence chrF of the output against the human reference (mtreview's ``chrf`` metric)
  target     the within-source percentile of chrf_ref: which of the ~15 outputs of one source
             is closest to the reference (a soft, reference-based stand-in for a human ranking)
  group      the source hash (folds never split one source)
The quality features of the rows come from ``qe_data.features`` (cached in bench/.cache).
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    df = load_weak(args.data)
    X, _, _ = qe_data.features(df)
    print(f"{len(df)} rows, {df.group.nunique()} sources, {df.system.nunique()} systems; "
          f"features {X.shape}; chrF vs ref mean {df.chrf_ref.mean():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
