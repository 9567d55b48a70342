"""Flags per 100 segments on the untouched professional translations of align-dev, through the
whole pipeline (load -> segment -> align -> checks), per direction and severity.

    python bench/flag_rate.py [--data ../shared/data] [-v]

Nearly every flag here is a false alarm (or a real defect of the professional translation);
the target is at most 3 major/critical flags per 100 segments.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared_data import default_data  # noqa: E402

from mtreview import pipeline  # noqa: E402
from mtreview.config import Config  # noqa: E402
from mtreview.io.load import load_document  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("-v", "--verbose", action="store_true", help="print every major/critical flag")
    args = ap.parse_args(argv)
    folder = args.data / "align-dev"
    if not folder.is_dir():
        raise SystemExit(f"no such folder: {folder} (give --data)")
    config = Config()
    models = pipeline.load_models(config)
    print(f"{'direction':10s} {'docs':>5s} {'segments':>9s} {'major+crit/100':>15s} {'all/100':>8s}"
          "  by check (major+crit)")
    for direction in ("en-ja", "ja-en"):
        docs = sorted((folder / direction).glob("*.en.txt"))
        segs, majors, alls = 0, Counter(), 0
        for en in docs:
            ja = en.with_name(en.name.replace(".en.txt", ".ja.txt"))
            review = pipeline.review(load_document(en, "en"), load_document(ja, "ja"), config, models)
            segs += len(review.segments)
            for seg in review.segments:
                for f in seg.flags:
                    alls += 1
                    if f.severity.label != "minor":
                        majors[f.check] += 1
                        if args.verbose:
                            print(f"  {en.name} [{seg.id}] {f.check} {f.severity.label}: {f.text[:40]!r}")
        n = sum(majors.values())
        print(f"{direction:10s} {len(docs):5d} {segs:9d} {100 * n / segs:15.2f} {100 * alls / segs:8.2f}  "
              + ", ".join(f"{k} {v}" for k, v in sorted(majors.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
