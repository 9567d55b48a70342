"""Per-token LM log-probs (mtreview.models.lm.token_logprobs) of the meaning model's row sets.

    nice python bench/lm_tokens.py [--plan "seed:cond,prior esa:cond,prior da@300:cond,prior ..."]

For every row of each set (``meaning_data``), in the order of ``PLAN``: the translation's tokens
after the source and alone (cond, prior), the source's tokens after the translation and alone
(rev, rev_prior); the cheapest evidence of the most needed sets first. Everything is kept
in ``bench/.cache/lm-scores.sqlite`` (resumable: an interrupted run starts where it stopped).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import meaning_data
import qe_data

CHUNK = 32
ALL = "cond,prior,rev,rev_prior"
PLAN = f"seed:{ALL} esa:cond,prior synth:cond,prior crit:{ALL} da:{ALL} esa:rev,rev_prior synth:rev,rev_prior"
log = logging.getLogger("lm_tokens")


def scorer(spec: str = "gemma3-270m"):
    from mtreview.config import ModelsConfig
    from mtreview.models.lm import CausalLMScorer, ScoreCache

    return CausalLMScorer(spec, ModelsConfig(lm=spec, batch_size=8),
                          cache=ScoreCache(qe_data.CACHE / "lm-scores.sqlite"))


def token_features(lm, df, kinds=("cond", "prior", "rev", "rev_prior")) -> dict[str, list]:
    """{kind: [TokenLogProbs per row]} for the rows of ``df`` (translation side for cond / prior,
    source side for rev / rev_prior), in chunks with progress logs."""
    out: dict[str, list] = {}
    srcs, tgts = df.src.tolist(), df.tgt.tolist()
    for kind in kinds:
        ctx, text = (srcs, tgts) if kind in ("cond", "prior") else (tgts, srcs)
        rows: list = []
        t0 = time.perf_counter()
        for k in range(0, len(df), CHUNK):
            rows += lm.token_logprobs(kind, ctx[k : k + CHUNK], text[k : k + CHUNK])
            log.info("%s: %d/%d rows, %.2f rows/s", kind, len(rows), len(df), len(rows) / (time.perf_counter() - t0))
        out[kind] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--plan", default=PLAN, help="SET:KIND,KIND ... (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    torch.set_num_threads(args.threads)
    lm = scorer()
    for step in args.plan.split():
        name, _, kinds = step.partition(":")
        name, _, limit = name.partition("@")  # SET@N: its first N rows only
        df = meaning_data.load(name, args.data)
        df = df.head(int(limit)) if limit else df
        log.info("set %s: %d rows, %s", name, len(df), kinds)
        t0 = time.process_time()
        token_features(lm, df, tuple(kinds.split(",")))
        print(f"{step}: {len(df)} rows, {time.process_time() - t0:.0f} CPU-s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
