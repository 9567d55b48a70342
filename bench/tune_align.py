"""Grid search of alignment settings on the align-dev2 tune split only (never the report split).

    python bench/tune_align.py --grid align.merge_cost=0.35,0.45,0.55 align.skip_cost=0.45,0.55
    python bench/tune_align.py --grid align.punctuation_anchors=false,true --cache emb.npz

Every combination of the ``--grid`` values is run over ``dev2/paras/tune`` and ``dev2/flat/tune``
(the models load once, embeddings are shared); one line per combination with strict F1 and
refined recall for both layouts, best mean F1 last. The chosen values go into
``mtreview/config.py`` / ``configs/default.toml`` by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import eval_align  # noqa: E402

from mtreview import pipeline  # noqa: E402
from mtreview.config import Config  # noqa: E402

TUNE_SETS = ["dev2/paras/tune", "dev2/flat/tune"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=eval_align.DEFAULT_DATA)
    ap.add_argument("--grid", nargs="+", default=[], metavar="SECTION.KEY=V1,V2")
    ap.add_argument("--cache", type=Path, default=None, help="keep embeddings in this .npz between runs")
    ap.add_argument("--also", nargs="*", default=[], metavar="SET",
                    help="old dev sets shown beside tune (e.g. dev/ja-en/paragraphs); never dev2 report")
    args = ap.parse_args(argv)
    keys = [g.partition("=")[0] for g in args.grid]
    values = [g.partition("=")[2].split(",") for g in args.grid]
    base = Config()
    models = pipeline.load_models(base)
    cached = eval_align.CachedEmbedder(models.embedder, args.cache)
    models = dataclasses.replace(models, embedder=cached)
    sets_also = [s for s in args.also if s.startswith("dev/")]
    rows = []
    for combo in itertools.product(*values) if keys else [()]:
        sets = [f"{k}={v}" for k, v in zip(keys, combo, strict=True)]
        config = eval_align._parse_set(sets, base)
        figs = []
        for es in eval_align.eval_sets(TUNE_SETS + sets_also, "all"):
            counts = eval_align.evaluate(args.data, es, config, models, ("mtreview",), False, sys.stdout)
            figs.append(counts["mtreview"].figures())
        cached.save()
        line = " ".join(sets) or "(defaults)"
        line += "".join(f"  {es.split('/')[1]} F1 {f['f1']:.4f} refR {f['refined_recall']:.4f}"
                        for es, f in zip(TUNE_SETS, figs[: len(TUNE_SETS)], strict=True))
        line += "".join(f"  {es} F1 {f['f1']:.4f}" for es, f in zip(sets_also, figs[len(TUNE_SETS):], strict=True))
        rows.append((sum(f["f1"] for f in figs[: len(TUNE_SETS)]) / len(TUNE_SETS), line))
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    best = max(rows)
    sys.stdout.write(f"best (mean F1 {best[0]:.4f}): {best[1]}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
