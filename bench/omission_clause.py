"""Why the omission check misses dropped clauses, and whether a rule fires more on real translations.

    python bench/omission_clause.py                 # tune half: the evidence of missed vs clean pairs
    python bench/omission_clause.py --dev2          # the same on align-dev2's tune split (mixed domains)
    python bench/omission_clause.py --esa           # WMT24 ESA en-ja rows (real MT): flags vs omission spans
    python bench/omission_clause.py --esa --set omission.anchored_ten_log=-1   # the same without a rule

Tune half (``bench/eval_checks.py --split tune``, drop_clause injected alone, seeded as there; never
the report half): per pair of each corrupted article, the evidence the omission check weighs (length
residual, best clause-ablation gain, a source number or name the translation lacks) for the dropped
clauses it misses and for the untouched pairs (round -1, the false alarms a rule would add), counted
by residual band. Aggregates only. ``--dev2``: the gold pairs of align-dev2's tune split
(``eval_align.split_of``; never its report split) instead, a second sample not used to set the rules.

``--esa``: the omission check alone, as ``mtreview score`` runs it on independent rows (no article
median, no encoder), on every row of ``qe-dev/wmt24-esa-en-ja.dev-spans.tsv``: the rows flagged,
and how many of them the annotators marked with an error without a position (an omission) or any
major error, against those shares over all rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_checks as ec  # noqa: E402
from inject import drop_clause  # noqa: E402
from shared_data import default_data  # noqa: E402

from mtreview.checks import Article, build_checks, run_checks  # noqa: E402
from mtreview.checks.alignment import _chars, _lost_numbers, length_residuals, lost_names  # noqa: E402
from mtreview.checks.clauses import clause_gains  # noqa: E402
from mtreview.config import Config, from_dict  # noqa: E402
from mtreview.records import Segment  # noqa: E402

BANDS = (-0.8, -0.5, -0.3, -0.2, -0.1, 0.0, 0.2)


def _config(sets: list[str]) -> Config:
    params: dict[str, dict[str, float]] = {}
    for s in sets:
        key, value = s.split("=", 1)
        check, name = key.split(".", 1)
        params.setdefault(check, {})[name] = float(value)
    return from_dict({"checks": {"params": params}}) if params else Config()


def _band(r: float | None) -> str:
    if r is None:
        return "none"
    for lo, hi in itertools.pairwise(BANDS):
        if lo <= r < hi:
            return f"[{lo:+.1f},{hi:+.1f})"
    return f"<{BANDS[0]:+.1f}" if r < BANDS[0] else f">={BANDS[-1]:+.1f}"


def _dev2_docs(data: Path) -> list[tuple[str, list]]:
    import csv

    from eval_align import doc_ids

    folder = data / "align-dev2" / "paras"
    docs = []
    for doc in doc_ids(folder, "tune"):
        with (folder / f"{doc}.gold.tsv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
        docs.append((doc, [ec.Pair(r[0], r[1]) for r in rows if len(r) == 2]))
    return docs


def _order(band: str) -> float:
    """Bands from the shortest translations up (the too-short sources last)."""
    if band.startswith("["):
        return float(band[1:].split(",")[0])
    return {"<": -9.0, ">": 9.0}.get(band[0], 99.0)


def tune(data: Path, config: Config, sets: list[str], rounds: int, seed: int, dev2: bool = False) -> None:
    ec.KINDS = [drop_clause]
    ec.ENCODE = ec.cached_encoder(config.align.embedder)
    checks = [c for c in build_checks(config.checks) if c.id == "omission"]
    share = checks[0].params.ablation_share
    docs = _dev2_docs(data) if dev2 else ec.read_docs(data, "en-ja", "tune") + ec.read_docs(data, "ja-en", "tune")
    rows = []
    for name, pairs in docs:
        glossary = ec.build_glossary(pairs)
        for r in range(-1, rounds):
            rng = random.Random(zlib.crc32(f"{seed}:{name}:{r}".encode()))
            bad = ec.corrupt(pairs, rng, glossary) if r >= 0 else [ec.Pair(q.src, q.tgt) for q in pairs]
            art = ec.article(bad, glossary)
            flags = run_checks(art, checks)
            res = length_residuals(art, checks[0].params.length_a, checks[0].params.length_b,
                                   checks[0].params.min_segments)
            idx = [i for i, s in enumerate(art.segments) if s.src.strip() and s.tgt.strip()]
            gains = clause_gains(ec.ENCODE, [(art.segments[i].src, art.segments[i].tgt) for i in idx], share)
            for k, i in enumerate(idx):
                s, inj = art.segments[i], bad[i].injection
                if (r < 0) == (inj is not None) or (inj is not None and inj.kind != "drop_clause"):
                    continue
                nums = _lost_numbers(s)
                rows.append({"clean": r < 0, "flagged": bool(flags[i]), "res": res[i],
                             "long": _chars(s.src) >= checks[0].params.min_src_chars,
                             "gain": None if gains[k] is None else gains[k][1],
                             "num": bool(nums), "num10": any(min(n.values) >= 10 for n in nums),
                             "name": bool(lost_names(art.segments, i))})
    where = "align-dev2/paras" if dev2 else "align-dev"
    print(f"# omission_clause: {where} split=tune docs={len(docs)} rounds={rounds} seed={seed} set={sets}")
    for clean in (False, True):
        sel = [x for x in rows if x["clean"] == clean]
        what = "untouched pairs (round -1)" if clean else "dropped clauses"
        print(f"## {what}: {len(sel)}, flagged {sum(x['flagged'] for x in sel)}")
        print(f"  {'residual band':<16} {'pairs':>5} {'flagged':>7} {'unflagged:':>10} {'num':>4} {'num>=10':>7}"
              f" {'name':>4} {'gain>.04':>8} {'gain>.08':>8} {'no cut':>6}")
        by = Counter(_band(x["res"]) if x["long"] else "src < min chars" for x in sel)
        for band in sorted(by, key=_order):
            xs = [x for x in sel if (_band(x["res"]) if x["long"] else "src < min chars") == band]
            un = [x for x in xs if not x["flagged"]]
            print(f"  {band:<16} {len(xs):>5} {sum(x['flagged'] for x in xs):>7} {len(un):>10}"
                  f" {sum(x['num'] for x in un):>4} {sum(x['num10'] for x in un):>7} {sum(x['name'] for x in un):>4}"
                  f" {sum((x['gain'] or 0) > 0.04 for x in un):>8} {sum((x['gain'] or 0) > 0.08 for x in un):>8}"
                  f" {sum(x['gain'] is None for x in un):>6}")


def esa(data: Path, config: Config, sets: list[str]) -> None:
    import csv

    checks = [c for c in build_checks(config.checks) if c.id == "omission"]
    path = data / "qe-dev" / "wmt24-esa-en-ja.dev-spans.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    stats: Counter = Counter()
    scores = {"all": [], "flagged": []}
    for k, row in enumerate(rows):
        spans = json.loads(row["spans"])
        gap = any(not str(s.get("start")).isdigit() for s in spans)  # an error without a position
        major = any(s.get("severity") == "major" for s in spans)
        seg = Segment(k, row["src"], row["mt"].strip(), (0,), (0,) if row["mt"].strip() else ())
        found = run_checks(Article(segments=(seg,), document_level=False), checks)[0]
        flagged = any(f.check == "omission" for f in found)
        stats["rows"] += 1
        stats["gap"] += gap
        stats["major"] += major
        stats["flagged"] += flagged
        stats["flagged_gap"] += flagged and gap
        stats["flagged_major"] += flagged and major
        scores["all"].append(float(row["score"]))
        if flagged:
            scores["flagged"].append(float(row["score"]))
    n, f = stats["rows"], stats["flagged"]
    print(f"# omission_clause --esa: {path.name}, omission check alone, rows independent, no encoder; set={sets}")
    print(f"rows {n}: with an error without a position (omission) {stats['gap']} ({stats['gap'] / n:.3f}),"
          f" with a major error {stats['major']} ({stats['major'] / n:.3f}), mean ESA {_mean(scores['all']):.1f}")
    print(f"omission-flagged rows {f}: with an omission {stats['flagged_gap']}"
          f" ({stats['flagged_gap'] / max(f, 1):.3f}),"
          f" with a major error {stats['flagged_major']} ({stats['flagged_major'] / max(f, 1):.3f}),"
          f" mean ESA {_mean(scores['flagged']):.1f}")


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dev2", action="store_true", help="align-dev2's tune split instead of align-dev's")
    ap.add_argument("--esa", action="store_true", help="the WMT24 ESA rows instead of the tune half")
    ap.add_argument("--set", action="append", default=[], metavar="CHECK.PARAM=VALUE")
    args = ap.parse_args()
    config = _config(args.set)
    if args.esa:
        esa(args.data, config, args.set)
    else:
        tune(args.data, config, args.set, args.rounds, args.seed, args.dev2)


if __name__ == "__main__":
    main()
