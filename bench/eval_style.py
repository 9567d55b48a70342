"""False alarms of the house-style, tag and character-stutter checks on professional translations.

    python bench/eval_style.py [--data ../shared/data] [--split tune|report|all] [-v] [--set CHECK.PARAM=VALUE]

Articles: the gold segment pairs of align-dev (en-ja and ja-en; the Japanese side of both is
professional text) and of align-dev2 (paras/, pseudo-documents of 20 WMT22/23 segments, news
mixed with e-commerce, social posts and speech). The split is frozen: align-dev documents
sorted by name alternate tune (even) / report (odd) per direction, as in eval_checks.py;
align-dev2 documents go to report when crc32(id) is odd. Thresholds were set on tune only.

Prints, per corpus and in total, flags per 100 segments of each check this script covers
(nearly every one is a false alarm: the texts are professional; a few are real slips of
the translators). ``repetition`` counts only the flags of the character pass (the word
pass is measured by eval_checks.py), ``inconsistency`` only those of its reverse direction
(one translation for two sources; the rest is measured by eval_checks.py). Target: at most
1 flag per 100 segments per check.
``-v`` prints every flag (use it on the tune split only).

``--esa`` instead runs ``repetition`` on the MT output of ``qe-dev/wmt24-esa-en-ja.dev-spans.tsv``
(5,952 rows) and counts, for the word pass and the character pass apart, the flags and those
overlapping an error span the human annotators marked (no split: nothing was tuned on it).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from shared_data import default_data  # noqa: E402

from mtreview.checks import Article, build_checks, run_checks  # noqa: E402
from mtreview.checks.consistency import REVERSE  # noqa: E402
from mtreview.config import from_dict  # noqa: E402
from mtreview.records import Segment  # noqa: E402

CHECK_IDS = ["tags", "style_mix", "doubled_particle", "ra_nuki", "width", "variants", "sentence_length",
             "repetition", "inconsistency"]
CHAR_PASS = "restarts inside a word"  # the repetition flags of the character pass say this


def _pairs(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [(r[0], r[1]) for r in rows if len(r) == 2]


def read_corpora(data: Path, split: str) -> dict[str, list[tuple[str, list[tuple[str, str]]]]]:
    out: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
    for direction in ("en-ja", "ja-en"):
        paths = sorted((data / "align-dev" / direction).glob("*.gold.tsv"))
        docs = []
        for k, p in enumerate(paths):
            if (split == "tune" and k % 2) or (split == "report" and not k % 2):
                continue
            docs.append((p.name.removesuffix(".gold.tsv"), _pairs(p)))
        out[f"align-dev/{direction}"] = docs
    docs = []
    for p in sorted((data / "align-dev2" / "paras").glob("*.gold.tsv")):
        doc = p.name.removesuffix(".gold.tsv")
        report = zlib.crc32(doc.encode()) % 2 == 1
        if (split == "tune" and report) or (split == "report" and not report):
            continue
        docs.append((doc, _pairs(p)))
    out["align-dev2"] = docs
    if not any(out.values()):
        sys.exit(f"no *.gold.tsv under {data} (give --data)")
    return out


def esa(data: Path) -> None:
    from mtreview.checks.repetition import Repetition

    csv.field_size_limit(1 << 30)
    path = data / "qe-dev" / "wmt24-esa-en-ja.dev-spans.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    rep, counts = Repetition(), Counter()
    for r in rows:
        spans = [(int(s["start"]), int(s["end"]) + 1) for s in json.loads(r["spans"] or "[]")
                 if str(s.get("start")).isdigit() and str(s.get("end")).isdigit()]  # end is inclusive
        for f in rep.japanese(r["mt"]):
            kind = "char" if CHAR_PASS in f.message else "word"
            counts[kind] += 1
            counts[kind + "_annotated"] += any(s < f.end and f.start < e for s, e in spans)
    print(f"# eval_style --esa: {path.name}, {len(rows)} MT outputs")
    for kind in ("word", "char"):
        print(f"repetition {kind} pass: {counts[kind]} flags, {counts[kind + '_annotated']} overlapping an"
              " annotated error span")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--split", choices=("tune", "report", "all"), default="report")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every flag")
    ap.add_argument("--set", action="append", default=[], metavar="CHECK.PARAM=VALUE",
                    help="override a check parameter (repeatable), e.g. sentence_length.max_chars=120")
    ap.add_argument("--esa", action="store_true", help="repetition flags on WMT24 MT output vs annotated spans")
    args = ap.parse_args(argv)
    if args.esa:
        esa(args.data)
        return 0
    params: dict[str, dict[str, object]] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        cid, _, name = key.partition(".")
        params.setdefault(cid, {})[name] = json.loads(value)
    config = from_dict({"checks": {"enabled": CHECK_IDS, "params": params}})
    checks = build_checks(config.checks)
    corpora = read_corpora(args.data, args.split)
    print(f"# eval_style: split={args.split} set={args.set}")
    print(f"{'corpus':<18} {'docs':>5} {'segs':>6}  " + " ".join(f"{c:>9.9s}" for c in CHECK_IDS))
    total: Counter = Counter()
    total_segs = total_docs = 0
    for name, docs in corpora.items():
        counts: Counter = Counter()
        nseg = 0
        for doc, pairs in docs:
            segs = tuple(Segment(k, en, ja, (k,), (k,)) for k, (en, ja) in enumerate(pairs))
            flags = run_checks(Article(segments=segs), checks)
            nseg += len(segs)
            for seg, fs in zip(segs, flags, strict=True):
                for f in fs:
                    if f.check == "repetition" and CHAR_PASS not in f.message:
                        continue
                    if f.check == "inconsistency" and not f.message.startswith(REVERSE):
                        continue
                    counts[f.check] += 1
                    if args.verbose:
                        side = seg.src if f.side == "src" else seg.tgt
                        print(f"  {doc} [{seg.id}] {f.check}: {f.text[:30]!r} {f.message[:90]} | {side[:100]!r}")
        total += counts
        total_segs += nseg
        total_docs += len(docs)
        print(f"{name:<18} {len(docs):>5} {nseg:>6}  "
              + " ".join(f"{100 * counts[c] / max(nseg, 1):>9.2f}" for c in CHECK_IDS))
    print(f"{'all':<18} {total_docs:>5} {total_segs:>6}  "
          + " ".join(f"{100 * total[c] / max(total_segs, 1):>9.2f}" for c in CHECK_IDS))
    print("(flags per 100 segments; counts: " + ", ".join(f"{c} {total[c]}" for c in CHECK_IDS) + ")")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
