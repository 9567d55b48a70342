"""LM log-prob signals (mtreview.models.lm) for a fixed, seeded subset of qe-dev.

    nice python bench/lm_features.py [--data ../shared/data] [--lm gemma3-270m] [--limit N]

The language model is slow on CPU (~2-3.5 rows/s on a busy 2-core machine), so the LM figures use a subset chosen
up front and reproducibly (``subset``):
  da    all 1000 rows
  crit  a seeded sample of 1000 rows, stratified by label (ERR / NOT in their qe-dev shares)
  esa   a seeded sample of 60 source paragraphs with ALL their translations;
        long paragraphs are cut to mtreview.models.lm.MAX_TOKENS tokens per side
Scores are kept in ``bench/.cache/lm-scores.sqlite`` (the scorer's own cache), so an
interrupted run resumes where it stopped; ``lm_signals`` returns the (N, 4) matrix.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import numpy as np
import qe_data

SEED = 13
CRIT_ROWS = 1000
ESA_SOURCES = 60
CHUNK = 64

log = logging.getLogger("lm_features")


def subset(df):
    """The rows of ``load_sets(...)`` that get LM features (a boolean mask, seeded)."""
    rng = np.random.default_rng(SEED)
    keep = (df.set == "da").to_numpy().copy()
    crit = df.index[df.set == "crit"].to_numpy()
    labels = df.human.to_numpy()[crit] > 0.5
    for lab in (False, True):
        pool = crit[labels == lab]
        n = round(CRIT_ROWS * len(pool) / len(crit))
        keep[rng.choice(pool, size=n, replace=False)] = True
    esa = df.set == "esa"
    sources = np.array(sorted(df.src[esa].unique()))
    chosen = set(rng.choice(sources, size=min(ESA_SOURCES, len(sources)), replace=False))
    keep |= (esa & df.src.isin(chosen)).to_numpy()
    return keep


def scorer(spec: str, cached_only: bool = False):
    """The LM scorer with the bench cache; ``cached_only``: NaN for rows not scored yet, no model."""
    from mtreview.config import ModelsConfig
    from mtreview.models.lm import CausalLMScorer, ScoreCache, TokenLogProbs

    class ReadOnly(ScoreCache):
        def put(self, rows) -> None:
            pass

        def put_tokens(self, rows) -> None:
            pass

    class CachedOnly(CausalLMScorer):
        def _run(self, items):
            return [(np.nan, np.nan, 0)] * len(items)

        def _token_run(self, items):  # the signals come from the token pass
            return [TokenLogProbs((np.nan,), (0,), (0,))] * len(items)

    path = qe_data.CACHE / "lm-scores.sqlite"
    if cached_only:
        return CachedOnly(spec, ModelsConfig(lm=spec), cache=ReadOnly(path))
    return CausalLMScorer(spec, ModelsConfig(lm=spec), cache=ScoreCache(path))


def lm_signals(df, spec: str = "gemma3-270m", cached_only: bool = False) -> np.ndarray:
    """(N, len(SIGNALS)) LM signals for the rows of ``df``, computed in chunks with progress logs."""
    from mtreview.models.lm import SIGNALS

    lm = scorer(spec, cached_only)
    srcs, tgts = df.src.tolist(), df.tgt.tolist()
    out = np.zeros((len(df), len(SIGNALS)))
    t0, done = time.perf_counter(), 0
    for k in range(0, len(df), CHUNK):
        rows = lm.signals(srcs[k : k + CHUNK], tgts[k : k + CHUNK])
        out[k : k + len(rows)] = [[r[s] for s in SIGNALS] for r in rows]
        done += len(rows)
        dt = time.perf_counter() - t0
        log.info("%d/%d rows, %.1f rows/s (model batches run: %d)", done, len(df), done / dt, lm.model_runs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--lm", default="gemma3-270m")
    parser.add_argument("--limit", type=int, default=0, help="only the first N subset rows (speed check)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1 is twice as fast as 2 on a busy 2-core machine)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    torch.set_num_threads(args.threads)
    df = qe_data.load_sets(args.data)
    sub = df[subset(df)]
    # Short sets first, so a speed check measures the common case; order is fixed.
    sub = sub.sort_values("set", kind="stable", key=lambda s: s.map({"da": 0, "crit": 1, "esa": 2}))
    log.info("subset: %s", sub.set.value_counts().to_dict())
    if args.limit:
        sub = sub.head(args.limit)
    t0 = time.perf_counter()
    lm_signals(sub, args.lm)
    print(f"{len(sub)} rows in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
