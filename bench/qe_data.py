"""Shared by train_quality.py and eval_quality.py: the human-judged EN->JA sets and their features.

Three sets from ``../shared/data/qe-dev`` (see its README):
  da     MLQE-PE direct assessment (z-scored DA, 1000 rows)
  crit   MLQE-PE critical errors (ERR / NOT, 8658 rows)
  esa    WMT24 ESA (0-100, several systems per source paragraph, 5952 rows)
Every row gets one training target in [0, 1]: the within-set percentile of its human score
(DA, ESA) or a fixed value for ERR / NOT. Features are cached in ``bench/.cache``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared_data import default_data  # noqa: E402

DEFAULT_DATA = default_data()
CACHE = ROOT / "bench" / ".cache"
# Critical error / no critical error on the percentile scale. NOT = 0.5 (the median; was 0.6):
# DA Spearman 0.072 -> 0.113, ESA 0.169 -> 0.172, crit AUC 0.708 -> 0.703 by grouped CV
# (bench/quality_steps.py; chosen among 0.4 / 0.5 / 0.6 / 0.7 on the same CV, no nested split).
ERR_TARGET, NOT_TARGET = 0.05, 0.5

log = logging.getLogger("qe_data")


def add_data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the shared data folder (has qe-dev/)")


def add_lm_args(parser: argparse.ArgumentParser, lm_help: str) -> None:
    """``--lm [NAME]`` (the LM whose cached signals to use, bench/lm_features.py) and ``--partial``."""
    parser.add_argument("--lm", nargs="?", const="gemma3-270m", default="", help=lm_help)
    parser.add_argument("--partial", action="store_true", help="with --lm: only the subset rows scored so far")


def load_sets(data: Path):
    """One DataFrame: src, tgt, ref, set, human, target, group."""
    import pandas as pd

    qe = data / "qe-dev"
    if not qe.is_dir():
        raise SystemExit(f"no qe-dev folder under {data} (use --data)")

    def read(name: str, quoting: int = 3):
        return pd.read_csv(qe / name, sep="\t", quoting=quoting, keep_default_na=False, dtype=str)

    da = read("mlqe-pe-en-ja-da.tsv")
    da = pd.DataFrame({"src": da.src, "tgt": da.mt, "ref": "", "set": "da", "human": da.score.astype(float)})
    crit = read("mlqe-pe-en-ja-critical-errors.tsv")
    crit = pd.DataFrame({"src": crit.src, "tgt": crit.mt, "ref": "", "set": "crit",
                         "human": (crit.label == "NOT").astype(float)})
    esa = read("wmt24-esa-en-ja.dev.tsv", quoting=0)  # this file is CSV-quoted
    esa = pd.DataFrame({"src": esa.src, "tgt": esa.mt, "ref": esa.ref, "set": "esa",
                        "human": esa.score.astype(float)})
    df = pd.concat([da, crit, esa], ignore_index=True)
    df["target"] = 0.0
    for name in ("da", "esa"):
        m = df.set == name
        df.loc[m, "target"] = df.loc[m, "human"].rank(pct=True, method="average")
    m = df.set == "crit"
    df.loc[m, "target"] = np.where(df.loc[m, "human"] > 0.5, NOT_TARGET, ERR_TARGET)
    # Translations of one source must never straddle folds.
    df["group"] = df.src.map(lambda s: int(hashlib.sha1(s.encode()).hexdigest()[:8], 16))
    return df


def features(df, embedder_name: str = "usem3"):
    """(X, embeddings_src, embeddings_tgt) for the rows of ``df``; cached by content hash."""
    from mtreview.models.embed import get_embedder
    from mtreview.pipeline import check_rows
    from mtreview.score import features as qf
    from mtreview.score.quality import embed_unique

    blob = "\x1e".join(df.src + "\x1f" + df.tgt).encode()
    # the flags are features too: a change to any check's code, to the language facts they use
    # (mtreview/lang/) or to the features' code invalidates the cache
    from mtreview import checks, lang

    folders = (Path(checks.__file__).parent, Path(lang.__file__).parent)  # checks and the language facts
    checks_code = b"".join(p.read_bytes() for d in folders for p in sorted(d.glob("*.py")))
    checks_code += Path(qf.__file__).read_bytes()
    key = hashlib.sha1(blob + "|".join(qf.FEATURES).encode() + embedder_name.encode()
                       + checks_code).hexdigest()[:12]
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"features-{key}.npz"
    if path.exists():
        z = np.load(path)
        return z["X"], z["es"], z["et"]
    emb = get_embedder(embedder_name)
    srcs, tgts = df.src.tolist(), df.tgt.tolist()
    log.info("embedding %d pairs with %s", len(srcs), embedder_name)
    es, et = embed_unique(emb, srcs), embed_unique(emb, tgts)
    cos = (es * et).sum(axis=1)
    log.info("checks and text features")
    from mtreview.config import Config

    flags = check_rows(srcs, tgts, Config())
    X = qf.feature_matrix(srcs, tgts, cos, flags)
    np.savez_compressed(path, X=X, es=es.astype(np.float16), et=et.astype(np.float16))
    return X, es, et


def lm_features(df, spec: str = "gemma3-270m", partial: bool = False):
    """(X, L, at): X = the features of all rows of ``df`` with the ``qf.LM_FEATURES`` columns
    appended (NaN outside the LM subset, ``lm_features.subset``), L = every LM signal
    (``SIGNALS``) of the subset rows, at = their row numbers in ``df``.

    The LM signals come from the scorer's cache in ``bench/.cache`` (``bench/lm_features.py``
    fills it; rows missing there are scored now, which is slow; with ``partial``, left out).
    """
    import lm_features as lmf

    from mtreview.models.lm import SIGNALS
    from mtreview.score import features as qf

    X, _, _ = features(df)
    at = np.flatnonzero(lmf.subset(df))
    L = lmf.lm_signals(df.iloc[at], spec, cached_only=partial)
    done = ~np.isnan(L).any(axis=1)
    if not done.all():
        log.warning("partial: %d of %d LM-subset rows are scored so far", done.sum(), len(done))
        at, L = at[done], L[done]
    X = np.hstack([X, np.full((len(df), len(qf.LM_FEATURES)), np.nan)])
    X[at, -len(qf.LM_FEATURES):] = L[:, [SIGNALS.index(name) for name in qf.LM_FEATURES]]
    return X, L, at
