"""What ``[align] window_on_demand`` saves: texts and characters the aligner asks the encoder for.

    python bench/window_demand.py --cache /tmp/emb.npz                       # tune + old dev sets
    python bench/window_demand.py --cache /tmp/emb.npz --gains 0.1,0.15,0.2

For each set of ``eval_align.py`` (never the report split unless named) and each configuration, it
aligns every document as ``eval_align.py`` does (``pipeline.align_documents``: segment, align,
glued-sentence refinement) behind a counter that sees every text asked for, and prints the texts
and characters asked (sentences + windows + refinement candidates; a process-wide cache would
embed each distinct one once), how many documents' beads differ from full encoding's, and the
CPU-seconds of the alignment (with a warm ``--cache`` nearly none of it is the encoder's: the
figure shows what the extra DP rounds cost). F1 is
``eval_align.py``'s job; this script only counts. With ``--cache`` the vectors come from the same
file as ``eval_align.py --cache`` (missing texts are embedded and added).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_align

from mtreview import pipeline
from mtreview.config import Config


class Counting:
    """Counts the texts and characters asked for (per document: distinct texts)."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.version = inner, inner.name, inner.version
        self.asked: set[str] = set()

    def encode(self, texts):
        self.asked.update(texts)
        return self.inner.encode(texts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="+", default=["tune", "dev/en-ja/paragraphs", "dev/en-ja/joined",
                                                  "dev/ja-en/paragraphs", "dev/ja-en/joined"])
    ap.add_argument("--gains", default="0.1,0.2", help="window_encode_gain values (on demand) to compare")
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--data", type=Path, default=eval_align.DEFAULT_DATA)
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no such folder: {args.data} (give --data)", file=sys.stderr)
        return 1
    names = [n for item in args.sets for n in (
        [s for s in eval_align.DEV2_SETS if s.endswith("/tune")] if item == "tune" else [item])]
    base = Config().replace(align__window_on_demand=False)
    configs = [("every window encoded", base)] + [
        (f"on demand, gain {s}", base.replace(align__window_on_demand=True, align__window_encode_gain=float(s)))
        for s in args.gains.split(",")]
    models = pipeline.load_models(base)
    cached = eval_align.CachedEmbedder(models.embedder, args.cache)
    total: dict[str, list[int]] = {label: [0, 0, 0, 0.0] for label, _ in configs}
    for es in eval_align.eval_sets(names, "all"):
        folder = args.data / es.folder
        print(f"## {es.name}")
        sums = {label: [0, 0, 0, 0.0] for label, _ in configs}
        for doc in eval_align.doc_ids(folder, es.split):
            ref = None
            for label, config in configs:
                src, tgt = eval_align._load_pair(folder, doc, es.mode, config)
                counter = Counting(cached)
                t0 = time.process_time()
                _, _, beads = pipeline.align_documents(src, tgt, config,
                                                       dataclasses.replace(models, embedder=counter))
                cpu = time.process_time() - t0
                ids = [(b.src_ids, b.tgt_ids) for b in beads]
                ref = ids if ref is None else ref
                s = sums[label]
                s[0] += len(counter.asked)
                s[1] += sum(map(len, counter.asked))
                s[2] += ids != ref
                s[3] += cpu
        for label, s in sums.items():
            print(f"  {label:<32} texts {s[0]:>6}  chars {s[1]:>8}  docs differing {s[2]:>3}  CPU-s {s[3]:.1f}")
            total[label] = [a + b for a, b in zip(total[label], s, strict=True)]
        cached.save()
    print("## all sets")
    ref_texts, ref_chars = total[configs[0][0]][:2]
    for label, s in total.items():
        print(f"  {label:<32} texts {s[0]:>6} ({s[0] / ref_texts:.2f})  chars {s[1]:>8} ({s[1] / ref_chars:.2f})"
              f"  docs differing {s[2]:>3}  CPU-s {s[3]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
