"""Check that debris removal never eats article text.

Loads every ``align-dev/*/*.{en,ja}.txt`` (clean news text: nothing should be removed)
and the seed page (debris expected) and prints what was removed, per file.

    python bench/check_debris.py [--data ../shared/data] [-v]

Exit code 1 when a clean file lost anything.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared_data import default_data  # noqa: E402

from mtreview.io.load import load_document, paragraphs  # noqa: E402

DEFAULT_DATA = default_data()


def check_clean(files: list[Path], verbose: bool) -> int:
    lost_files = resplit = 0
    chars = lines = 0
    kinds: Counter[str] = Counter()
    for f in files:
        doc = load_document(f)
        kinds.update(b.kind for b in doc.blocks)
        if [(b.start, b.end) for b in doc.blocks] != [(b.start, b.end) for b in paragraphs(doc.text)]:
            resplit += 1
            print(f"RESPLIT {f.name}: {len(doc.blocks)} blocks vs {len(paragraphs(doc.text))} paragraphs")
        if doc.removed:
            lost_files += 1
            lines += len(doc.removed)
            chars += sum(r.end - r.start for r in doc.removed)
            for r in doc.removed:
                print(f"LOST {f.relative_to(f.parents[2])}: [{r.reason}] {r.text[:100]!r}")
        elif verbose:
            print(f"ok   {f.name}: {len(doc.blocks)} blocks")
    print(f"clean files: {len(files)}  files losing text: {lost_files}  lines removed: {lines}  "
          f"chars removed: {chars}  files whose blocks differ from blank-line paragraphs: {resplit}")
    print("block kinds: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    return lost_files


def check_seed(seed: Path) -> None:
    page = seed / "000_be590ba1662e1276.txt"
    english = seed / "000_be590ba1662e1276.en.txt"
    if not page.exists():
        print(f"no seed page at {page}")
        return
    doc = load_document(page, "ja")
    by_reason = Counter(r.reason for r in doc.removed)
    print(f"seed page: removed {len(doc.removed)} lines ({sum(r.end - r.start for r in doc.removed)} chars): "
          + ", ".join(f"{k}={v}" for k, v in sorted(by_reason.items())))
    for r in doc.removed:
        print(f"  [{r.reason}] {r.text[:70]}")
    # article sentences of the page = lines with sentence punctuation; each must survive in a block
    kept = "\n".join(doc.text[b.start:b.end] for b in doc.blocks)
    article = [ln.strip() for ln in doc.text.split("\n") if "。" in ln]
    missing = [s for s in article if s not in kept]
    print(f"seed page: article lines (with 。) {len(article)}, missing after cleaning: {len(missing)}")
    print("seed page blocks: " + " ".join(b.kind for b in doc.blocks))
    if english.exists():
        en = load_document(english, "en")
        kinds = " ".join(b.kind for b in en.blocks)
        print(f"seed English: removed {len(en.removed)} lines; blocks: {kinds}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    dev = args.data / "align-dev"
    if not dev.is_dir():  # checking nothing must not read as "0 lines lost"
        print(f"no such folder: {dev} (give --data)", file=sys.stderr)
        return 1
    files = sorted(dev.glob("*/*.en.txt")) + sorted(dev.glob("*/*.ja.txt"))
    files.append(args.data / "seed" / "000_be590ba1662e1276.en.txt")
    lost = check_clean([f for f in files if f.exists()], args.verbose)
    check_seed(args.data / "seed")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
