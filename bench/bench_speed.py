"""Speed of the review pipeline and of alignment on a long document.

    python bench/bench_speed.py                 # article end to end + a ~2,000-sentence document
    python bench/bench_speed.py --runs 20 --sentences 3000

Prints:
- one ~30-sentence article (the seed) end to end (load -> pipeline.review -> JSON string), warm (models
  loaded once before timing): median and max of ``--runs`` runs;
- a long document built by concatenating align-dev documents (en-ja then ja-en) until it has
  ``--sentences`` English sentences, as one block (no paragraphs): segment + align wall time
  and sentences per second;
- peak memory: Python allocations during the long alignment (tracemalloc) and the process's
  maximum resident set size.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
sys.path.insert(0, str(ROOT))

from shared_data import default_data  # noqa: E402

from mtreview import pipeline, segment  # noqa: E402
from mtreview.config import Config  # noqa: E402
from mtreview.io import report  # noqa: E402
from mtreview.io.load import load_document, load_text  # noqa: E402


def article_seconds(en: Path, ja: Path, runs: int, config: Config, models: pipeline.Models
                    ) -> tuple[list[float], int]:
    times, n = [], 0
    for _ in range(runs + 1):  # the first run warms caches and is not counted
        if hasattr(models.embedder, "clear"):
            models.embedder.clear()  # "warm" = models loaded, not this article's embeddings remembered
        t0 = time.perf_counter()
        src, tgt = load_document(en, "en", config.load), load_document(ja, "ja", config.load)
        review = pipeline.review(src, tgt, config, models)
        out = io.StringIO()
        report.write_review(review, out, "json")
        times.append(time.perf_counter() - t0)
        n = review.meta["src"]["sentences"]
    return times[1:], n


class TimedEmbedder:
    """Counts the seconds spent inside the encoder, to split wall time into encoder and the rest."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.version = inner, inner.name, inner.version
        self.seconds, self.texts = 0.0, 0

    def encode(self, texts):
        t0 = time.perf_counter()
        out = self.inner.encode(texts)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return out


def long_document(data: Path, sentences: int) -> tuple[str, str]:
    en_parts, ja_parts, total = [], [], 0
    while total < sentences:
        for pair in ("en-ja", "ja-en"):
            for gold in sorted((data / "align-dev" / pair).glob("*.gold.tsv")):
                doc = gold.name[: -len(".gold.tsv")]
                en = (gold.parent / f"{doc}.en.txt").read_text(encoding="utf-8")
                ja = (gold.parent / f"{doc}.ja.txt").read_text(encoding="utf-8")
                en_parts.append(" ".join(en.split()))
                ja_parts.append("".join(ja.split()))
                total += len(segment.split(load_text(en_parts[-1], "en")))
                if total >= sentences:
                    return " ".join(en_parts), "".join(ja_parts)
    return " ".join(en_parts), "".join(ja_parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data(), help="shared data folder (has align-dev/)")
    ap.add_argument("--runs", type=int, default=10, help="timed runs of the article")
    ap.add_argument("--article", nargs=2, type=Path, metavar=("EN", "JA"),
                    default=(SAMPLES / "seed.en.txt", SAMPLES / "seed.ja.txt"),
                    help="the article timed end to end (default: the seed article)")
    ap.add_argument("--sentences", type=int, default=2000, help="English sentences in the long document")
    args = ap.parse_args(argv)
    if not (args.data / "align-dev").is_dir():
        raise SystemExit(f"no align-dev folder under {args.data} (give --data)")

    config = Config()
    t0 = time.perf_counter()
    models = pipeline.load_models(config)
    models.embedder.encode(["warm up"])
    load_s = time.perf_counter() - t0
    sample = [s.text for s in segment.split(load_document(args.article[0], "en"))]
    t0 = time.perf_counter()
    models.embedder.encode(sample)
    rate = len(sample) / (time.perf_counter() - t0)
    times, n = article_seconds(*args.article, args.runs, config, models)
    print(f"model load (first call):             {load_s:7.2f} s")
    print(f"encoder throughput right now:        {rate:7.0f} sentences/s ({models.embedder.name}; "
          "all timings below scale with it)")
    print(f"article end to end, {n} EN sentences: median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s over {len(times)} warm runs (target < 0.3 s)")

    en, ja = long_document(args.data, args.sentences)
    timed = TimedEmbedder(models.embedder)
    tracemalloc.start()
    t0 = time.perf_counter()
    src, tgt = load_text(en, "en"), load_text(ja, "ja")
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, pipeline.Models(embedder=timed))
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"long document: {len(ssents)} EN + {len(tsents)} JA sentences, one block, {len(beads)} beads")
    print(f"  segment + align wall time:          {wall:7.2f} s (target < 30 s)")
    print(f"  of which in the encoder:            {timed.seconds:7.2f} s ({timed.texts} texts)")
    print(f"  everything else (segment, DP ...):  {wall - timed.seconds:7.2f} s")
    print(f"  sentences per second (EN + JA):     {(len(ssents) + len(tsents)) / wall:7.0f}")
    print(f"  peak Python allocations:            {peak / 2**20:7.0f} MiB (tracemalloc)")
    print(f"  process max RSS:                    {maxrss:7.0f} MiB (target < 1024 MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
