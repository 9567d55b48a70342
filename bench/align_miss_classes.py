"""Count the gold sentence boundaries that the segmentation misses on align-dev2 tune, by class.

    python bench/align_miss_classes.py --layout flat            # after align + refine (what `reach` sees)
    python bench/align_miss_classes.py --layout paras --before-refine --examples 3

A gold boundary (between gold pair k and k+1) is missed on a side when no sentence of that side ends
there. Each missed boundary is classed by what ends the left text on each side: an end mark
(``en-punct`` / ``ja-punct``), a closing quote or bracket, a colon, a comma or a dash, an ellipsis,
or nothing (``*-nopunct``: a headline, a title, a caption or chat without punctuation); ``+lower``
when the English right side starts in lower case, ``*-ok`` when that side has the boundary. Only the
tune split is read: the report split's errors are never looked at (issue 11).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_align as ea

from mtreview import pipeline, segment
from mtreview.config import Config


def en_class(left: str, right: str) -> str:
    c = left.rstrip()[-1:]
    kind = ("en-punct" if c in ".!?" else "en-quote/bracket" if c in "\"”’')" else "en-colon" if c == ":"
            else "en-comma/dash" if c in ",;–-" else "en-nopunct")
    return kind + ("+lower" if right.lstrip()[:1].islower() else "")


def ja_class(left: str) -> str:
    c = left.strip()[-1:]
    return ("ja-punct" if c in "。！？!?" else "ja-close" if c in "」』）)】" else "ja-colon" if c in "：:"
            else "ja-comma" if c in "、,，" else "ja-ellipsis" if c in "…・." else "ja-nopunct")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ea.DEFAULT_DATA)
    ap.add_argument("--layout", choices=["flat", "paras"], default="flat")
    ap.add_argument("--before-refine", action="store_true", help="the segmenter's sentences only (no encoder)")
    ap.add_argument("--examples", type=int, default=0, help="print this many boundaries of each class")
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache (.npz) as in eval_align.py")
    args = ap.parse_args(argv)
    folder = args.data / "align-dev2" / args.layout
    if not folder.is_dir():
        raise SystemExit(f"no such folder: {folder} (give --data)")
    config = Config()
    models = None
    if not args.before_refine:
        models = pipeline.load_models(config)
        models = dataclasses.replace(models, embedder=ea.CachedEmbedder(models.embedder, args.cache))
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    for doc in ea.doc_ids(folder, "tune"):  # never "report"
        src, tgt = ea._load_pair(folder, doc, "paragraphs", config)
        gold = ea.read_gold(folder / f"{doc}.gold.tsv")
        if models is None:
            ssents, tsents = segment.split(src, config.segment), segment.split(tgt, config.segment)
        else:
            ssents, tsents, _ = pipeline.align_documents(src, tgt, config, models)
        ends = [{e for _, e in ea._spans([ea.squeeze(s.text) for s in sents])} for sents in (ssents, tsents)]
        gold_ends = [ea._spans([ea.squeeze(g[side]) for g in gold]) for side in (0, 1)]
        for k in range(len(gold) - 1):
            miss_en, miss_ja = gold_ends[0][k][1] not in ends[0], gold_ends[1][k][1] not in ends[1]
            if not (miss_en or miss_ja):
                continue
            key = (en_class(gold[k][0], gold[k + 1][0]) if miss_en else "en-ok",
                   ja_class(gold[k][1]) if miss_ja else "ja-ok")
            counts[key] += 1
            examples.setdefault(key, []).append(
                f"{doc}: {gold[k][0][-40:]} | {gold[k + 1][0][:25]}  /  {gold[k][1].strip()[-25:]} | "
                f"{gold[k + 1][1].strip()[:15]}")
    if models is not None and args.cache:
        models.embedder.save()
    for key, n in counts.most_common():
        sys.stdout.write(f"{n:5d}  {key[0]:<26}{key[1]}\n")
        for line in examples[key][: args.examples]:
            sys.stdout.write(f"         {line}\n")
    sys.stdout.write(f"{sum(counts.values()):5d}  missed gold boundaries ({args.layout}, tune, "
                     f"{'segmenter only' if args.before_refine else 'after align + refine'})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
