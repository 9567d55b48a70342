"""How often the not-translated rule (``score.quality.not_translated``: quality 0 where the
untranslated check flags >= 80% of the target as copied source text) fires on the WMT24 ESA en-ja
MT outputs, and what the human annotators scored those rows.

    python bench/eval_copy_rule.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import default_data

from mtreview import pipeline
from mtreview.config import Config
from mtreview.score.quality import not_translated


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    args = ap.parse_args()
    path = args.data / "qe-dev" / "wmt24-esa-en-ja.dev.tsv"
    if not path.is_file():
        print(f"{path}: not found (the shared data folder is needed: --data DIR)", file=sys.stderr)
        return 1
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    srcs, mts = [r["src"] for r in rows], [r["mt"] for r in rows]
    flags = pipeline.check_rows(srcs, mts, Config())
    hit = [i for i, (t, fl) in enumerate(zip(mts, flags, strict=True)) if t.strip() and not_translated(t, fl)]
    scores = [float(r["score"]) for r in rows]
    print(f"rows {len(rows)}; the rule fires on {len(hit)}")
    if hit:
        got = [scores[i] for i in hit]
        print(f"human ESA score where it fires: mean {statistics.mean(got):.1f}, "
              f"median {statistics.median(got):.1f}, max {max(got):.1f}")
    print(f"human ESA score of all rows: mean {statistics.mean(scores):.1f}, median {statistics.median(scores):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
