"""Fit the omission/addition length model on the tuning half of align-dev/en-ja.

    python bench/fit_length.py [--data ../shared/data]

Model: log(ja chars) = a + b * log(en chars), least squares over gold pairs whose English
side has at least 20 characters (spaces removed). Prints a and b (the defaults in
mtreview/checks/alignment.py) and, for the article-centred residuals, the share of
professional pairs below / above the omission / addition thresholds on each half.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_checks import default_data, read_docs  # noqa: E402

from mtreview.checks.alignment import LENGTH_MODEL, Omission, _chars, _ja_chars  # noqa: E402


def fit(docs) -> tuple[float, float]:
    xs, ys = [], []
    for _, pairs in docs:
        for p in pairs:
            en, ja = _chars(p.src), _ja_chars(p.tgt)
            if en >= 20 and ja > 0:
                xs.append(math.log(en))
                ys.append(math.log(ja))
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def rates(docs, a: float, b: float, low: float, high: float) -> tuple[float, float, int]:
    res = []
    for _, pairs in docs:
        raw = [math.log(_ja_chars(p.tgt)) - (a + b * math.log(_chars(p.src))) for p in pairs
               if _chars(p.src) and _ja_chars(p.tgt) > 0]
        centre = statistics.median(raw) if len(raw) >= LENGTH_MODEL.min_segments else 0.0
        res += [r - centre for p, r in zip([p for p in pairs if _chars(p.src) and _ja_chars(p.tgt) > 0], raw,
                                           strict=True) if _chars(p.src) >= LENGTH_MODEL.min_src_chars]
    return sum(r < low for r in res) / len(res), sum(r > high for r in res) / len(res), len(res)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    args = ap.parse_args()
    a, b = fit(read_docs(args.data, "en-ja", "tune"))
    print(f"length model (en-ja tune half): length_a = {a:.3f}, length_b = {b:.3f}")
    low, high = Omission.Params().short_log, 0.6
    for direction in ("en-ja", "ja-en"):
        for split in ("tune", "report"):
            lo, hi, n = rates(read_docs(args.data, direction, split), a, b, low, high)
            print(f"{direction} {split:<6} pairs={n:4d}  below {low}: {100 * lo:.2f}%  "
                  f"above {high}: {100 * hi:.2f}%")


if __name__ == "__main__":
    main()
