"""Evaluate the QA checks on professional news translations with injected errors.

    python bench/eval_checks.py [--data ../shared/data] [--split report|tune|all] [--rounds 4] [--seed 0]
    python bench/eval_checks.py --time-only

Articles are the gold segment pairs of align-dev (``DOCID.gold.tsv``), so the figures do
not depend on the aligner. Split: in each direction (en-ja, ja-en) the documents sorted
by name alternate tune (even positions) / report (odd positions); thresholds and the
length model were set on the tune half (bench/fit_length.py), figures are quoted on the
report half.

1. Clean: flags per 100 segments, by check and severity, on the untouched translations
   (nearly all are false alarms).
2. Injected: ``--rounds`` corrupted copies of each article, each with about one error per
   four segments (bench/inject.py), seeded. Per check id: recall = injections whose
   segment carries a flag of that id (and, where the error has a target span, how many
   flags overlap it); precision = flags of that id on a segment injected with an error of
   that id (or one listed in ``also``) / all flags of that id on the corrupted articles.
3. Time: milliseconds for all checks on a 30-segment article.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from inject import INJECTORS, Pair, build_glossary  # noqa: E402

from mtreview.checks import Article, build_checks, run_checks  # noqa: E402
from mtreview.config import ChecksConfig  # noqa: E402
from mtreview.records import Segment  # noqa: E402

VERBOSE = False
REQUIRED = [
    "repetition",
    "quotes",
    "numbers",
    "untranslated",
    "omission",
    "addition",
    "inconsistency",
    "glossary",
    "punctuation",
    "boilerplate",
]


def default_data() -> Path:
    """``../shared/data`` beside the project (searched upwards, for git worktrees)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def read_docs(data: Path, direction: str, split: str) -> list[tuple[str, list[Pair]]]:
    paths = sorted((data / "align-dev" / direction).glob("*.gold.tsv"))
    if not paths:
        sys.exit(f"no *.gold.tsv under {data / 'align-dev' / direction}")
    docs = []
    for k, p in enumerate(paths):
        if (split == "tune" and k % 2) or (split == "report" and not k % 2):
            continue
        with p.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
        docs.append((p.name.removesuffix(".gold.tsv"), [Pair(r[0], r[1]) for r in rows if len(r) == 2]))
    return docs


def article(pairs: list[Pair], glossary: tuple[tuple[str, str], ...]) -> Article:
    segs = tuple(
        Segment(k, p.src, p.tgt, (k,) if p.src else (), (k,) if p.tgt else ()) for k, p in enumerate(pairs)
    )
    return Article(segments=segs, glossary=glossary)


DIGITS = re.compile(r"[0-9０-９]+")


def side_effects(src: str, old: str, new: str, glossary: tuple[tuple[str, str], ...]) -> set[str]:
    """Other checks an injection really gives cause to: it removed a number or a glossary rendering."""
    also = set()
    if (old and Counter(DIGITS.findall(new)) - Counter(DIGITS.findall(old))) or Counter(
        DIGITS.findall(old)
    ) - Counter(DIGITS.findall(new)):
        also.add("numbers")
    for en, ja in glossary:
        if re.search(rf"\b{re.escape(en)}", src, re.IGNORECASE) and any(
            r in old and r not in new for r in ja.split("|")
        ):
            also.add("glossary")
    return also


def corrupt(pairs: list[Pair], rng: random.Random, glossary: tuple[tuple[str, str], ...]) -> list[Pair]:
    pairs = [Pair(p.src, p.tgt) for p in pairs]
    n = max(1, len(pairs) // 4)
    kinds = INJECTORS[:]
    rng.shuffle(kinds)
    done = 0
    for inj in kinds:
        if done >= n:
            break
        before = {id(p): p.tgt for p in pairs}
        res = inj(pairs, rng, glossary)
        if res is not None:
            i, injection = res
            injection.also |= side_effects(pairs[i].src, before.get(id(pairs[i]), ""), pairs[i].tgt, glossary)
            injection.also.discard(injection.check)
            pairs[i].injection = injection
            done += 1
    return pairs


def clean_rates(docs, checks) -> tuple[int, Counter]:
    counts: Counter = Counter()
    nseg = 0
    for _, pairs in docs:
        flags = run_checks(article(pairs, build_glossary(pairs)), checks)
        nseg += len(pairs)
        for fs in flags:
            for f in fs:
                counts[(f.check, f.severity.label)] += 1
    return nseg, counts


def injected(docs, checks, rounds: int, seed: int):
    stats = defaultdict(Counter)
    for name, pairs in docs:
        glossary = build_glossary(pairs)
        for r in range(rounds):
            rng = random.Random(zlib.crc32(f"{seed}:{name}:{r}".encode()))
            bad = corrupt(pairs, rng, glossary)
            flags = run_checks(article(bad, glossary), checks)
            for p, fs in zip(bad, flags, strict=True):
                inj = p.injection
                for f in fs:
                    ok = inj is not None and (f.check == inj.check or f.check in inj.also)
                    stats[f.check]["flags"] += 1
                    stats[f.check]["tp_flags"] += ok
                    if not ok and VERBOSE:
                        side = p.src if f.side == "src" else p.tgt
                        print(
                            f"FP {f.check} {f.severity.label} [{inj.kind if inj else '-'}] {f.text[:40]!r} "
                            f"{f.message[:70]} | {side[:120]!r}"
                        )
                if inj is None:
                    continue
                s = stats[inj.check]
                s["injected"] += 1
                hit = [f for f in fs if f.check == inj.check]
                if not hit and VERBOSE:
                    print(f"MISS {inj.check} [{inj.kind}] | {p.src[:80]!r} | {p.tgt[:140]!r}")
                s["found"] += bool(hit)
                if inj.span is not None:
                    s["with_span"] += 1
                    s["span_hit"] += any(
                        f.side == "tgt" and f.start < inj.span[1] and inj.span[0] < f.end for f in hit
                    )
                stats["kind:" + inj.kind]["injected"] += 1
                stats["kind:" + inj.kind]["found"] += bool(hit)
    return stats


def timing(docs, checks, n: int = 30, repeat: int = 20) -> tuple[float, float]:
    pairs = [p for _, ps in docs for p in ps][:n]
    art = article(pairs, ())
    run_checks(art, checks)  # warm: MeCab dictionary load, token cache
    times = []
    for _ in range(repeat):
        from mtreview.checks import text

        text.tokens.cache_clear()  # tokenising is part of the cost
        t = time.perf_counter()
        run_checks(art, checks)
        times.append(1000 * (time.perf_counter() - t))
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--split", choices=("report", "tune", "all"), default="report")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], metavar="CHECK.PARAM=VALUE",
                    help="override a check parameter (repeatable), e.g. omission.short_log=-0.5")
    ap.add_argument("--time-only", action="store_true", help="only time the checks on a 30-segment article")
    ap.add_argument("--verbose", action="store_true", help="print every false positive on corrupted articles")
    args = ap.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    params: dict[str, dict[str, object]] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        cid, _, name = key.partition(".")
        params.setdefault(cid, {})[name] = json.loads(value)
    checks = build_checks(ChecksConfig(params=params))
    if args.time_only:
        docs = read_docs(args.data, "en-ja", "all")
        best, median = timing(docs, checks)
        print(f"all checks on a 30-segment article: {best:.1f} ms best, {median:.1f} ms median of 20")
        return
    print(f"# mtreview check evaluation: split={args.split} rounds={args.rounds} seed={args.seed}"
          f" set={args.set}")
    all_docs = []
    for direction in ("en-ja", "ja-en"):
        docs = read_docs(args.data, direction, args.split)
        all_docs += docs
        nseg, counts = clean_rates(docs, checks)
        print(f"\n## clean {direction}: {len(docs)} docs, {nseg} segments; flags per 100 segments")
        major = sum(v for (c, sev), v in counts.items() if sev != "minor")
        print(f"major+critical: {100 * major / nseg:.2f}   all: {100 * sum(counts.values()) / nseg:.2f}")
        for (c, sev), v in sorted(counts.items()):
            print(f"  {c:<14} {sev:<8} {100 * v / nseg:6.2f}  ({v})")
    stats = injected(all_docs, checks, args.rounds, args.seed)
    print(f"\n## injected errors ({len(all_docs)} docs x {args.rounds} rounds)")
    print(f"{'check':<14} {'inj':>5} {'recall':>7} {'span':>7} {'flags':>6} {'precision':>9}")
    for c in REQUIRED:
        s = stats[c]
        rec = s["found"] / s["injected"] if s["injected"] else float("nan")
        span = s["span_hit"] / s["with_span"] if s["with_span"] else float("nan")
        prec = s["tp_flags"] / s["flags"] if s["flags"] else float("nan")
        print(f"{c:<14} {s['injected']:>5} {rec:>7.3f} {span:>7.3f} {s['flags']:>6} {prec:>9.3f}")
    print("\nrecall by injected error kind:")
    for k in sorted(x for x in stats if x.startswith("kind:")):
        s = stats[k]
        print(f"  {k[5:]:<18} {s['found']:>4}/{s['injected']:<4} {s['found'] / s['injected']:.3f}")
    best, median = timing(all_docs, checks)
    print(f"\n## time: all checks on a 30-segment article: {best:.1f} ms best, {median:.1f} ms median of 20"
          " (warm, MeCab tokenising included; the median depends on the machine's load)")


if __name__ == "__main__":
    main()
