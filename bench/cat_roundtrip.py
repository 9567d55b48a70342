"""CAT round trip on real text: every en-ja gold pair of align-dev as XLIFF 1.2, 2.0 and TMX units
with inline tags, reviewed and exported without edits, then read again.

Each gold pair becomes one unit; its first word on both sides is wrapped in a bold tag (``<g>`` /
``<pc>`` / ``<bpt>…<ept>``) and a standalone tag (``<x/>`` / ``<ph/>``) ends both sides. A unit
survives when its id, source and target (placeholders included) are identical after the round
trip, and the tags are where they were. Also counts the units whose flags (check, side) differ
from those of the same pair reviewed without tags (a TSV): the placeholders should not change
what the checks find. Prints one line per format.

    python bench/cat_roundtrip.py --data ../shared/data [--docs 25]
"""

from __future__ import annotations

import argparse
import csv
import html
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import default_data

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io import cat, cat_export
from mtreview.io.segment_files import load_pairs


def _pairs(folder: Path, docs: int) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for gold in sorted(folder.glob("*.gold.tsv"))[:docs]:
        with gold.open(encoding="utf-8", newline="") as fh:
            rows = [(r["en"], r["ja"]) for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
        out.append((gold.name.removesuffix(".gold.tsv"), [(e, j) for e, j in rows if e.strip() and j.strip()]))
    return out


def _tagged(text: str, open_: str, close: str, single: str) -> str:
    """``text`` (escaped for XML) with its first word (English) or first two characters (Japanese)
    wrapped in the paired tag and the standalone tag at the end."""
    text = text.strip()
    cut = text.find(" ") if " " in text else min(2, len(text))
    esc = html.escape
    return f"{open_}{esc(text[:cut], quote=False)}{close}{esc(text[cut:], quote=False)}{single}"


G12 = ('<g id="1">', "</g>", '<x id="2"/>')
PC20 = ('<pc id="1">', "</pc>", '<ph id="2"/>')


def xliff12(pairs: list[tuple[str, str]]) -> str:
    units = "".join(
        f'<trans-unit id="u{k}"><source>{_tagged(e, *G12)}</source>'
        f'<target state="translated">{_tagged(j, *G12)}</target></trans-unit>\n'
        for k, (e, j) in enumerate(pairs, 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            f'<file original="doc" source-language="en" target-language="ja" datatype="plaintext"><body>\n{units}'
            "</body></file></xliff>\n")


def xliff20(pairs: list[tuple[str, str]]) -> str:
    units = "".join(
        f'<unit id="u{k}"><segment><source>{_tagged(e, *PC20)}</source>'
        f'<target>{_tagged(j, *PC20)}</target></segment></unit>\n'
        for k, (e, j) in enumerate(pairs, 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
            f'srcLang="en" trgLang="ja"><file id="f1">\n{units}</file></xliff>\n')


def tmx(pairs: list[tuple[str, str]]) -> str:
    b, e, ph = '<bpt i="1">&lt;b&gt;</bpt>', '<ept i="1">&lt;/b&gt;</ept>', '<ph x="2">&lt;br/&gt;</ph>'
    units = "".join(
        f'<tu tuid="u{k}"><tuv xml:lang="en"><seg>{_tagged(en, b, e, ph)}</seg></tuv>'
        f'<tuv xml:lang="ja"><seg>{_tagged(ja, b, e, ph)}</seg></tuv></tu>\n'
        for k, (en, ja) in enumerate(pairs, 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" '
            'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" '
            f'datatype="plaintext"/><body>\n{units}</body></tmx>\n')


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data(), help="shared data folder (has align-dev/)")
    ap.add_argument("--docs", type=int, default=25)
    args = ap.parse_args(argv)
    docs = _pairs(args.data / "align-dev" / "en-ja", args.docs)
    if not docs:
        print(f"no *.gold.tsv under {args.data / 'align-dev' / 'en-ja'} (give --data)", file=sys.stderr)
        return 1
    config = Config()
    models = pipeline.load_models(config)
    with tempfile.TemporaryDirectory() as tmp:
        plain: dict[str, list[list[tuple[str, str]]]] = {}  # flags of the same pairs without tags
        for name, pairs in docs:
            path = Path(tmp) / f"{name}.tsv"
            path.write_text("en\tja\n" + "".join(f"{e.strip()}\t{j.strip()}\n" for e, j in pairs), encoding="utf-8")
            review = pipeline.review(*load_pairs(path), config, models)
            plain[name] = [sorted((f.check, f.side) for f in s.flags) for s in review.segments]
        formats = (("xliff 1.2", xliff12, ".xlf"), ("xliff 2.0", xliff20, ".xlf"), ("tmx", tmx, ".tmx"))
        for fmt, build, suffix in formats:
            units = same = flagged = differ = 0
            for name, pairs in docs:
                path = Path(tmp) / f"{name}{suffix}"
                path.write_text(build(pairs), encoding="utf-8")
                src, tgt = load_pairs(path)
                review = pipeline.review(src, tgt, config, models)
                tagged = [sorted((f.check, f.side) for f in s.flags) for s in review.segments]
                differ += sum(1 for a, b in zip(tagged, plain[name], strict=True) if a != b)
                before = cat.read(path.read_bytes(), path.name)
                after = cat.read(cat_export.export(cat.read(path.read_bytes(), path.name), review, {}), "out")
                units += len(before.segments)
                flagged += sum(1 for s in review.segments if s.flags)
                same += sum(1 for a, b in zip(before.segments, after.segments, strict=True)
                            if (a.id, a.src, a.tgt) == (b.id, b.src, b.tgt))
            print(f"{fmt}: {len(docs)} documents, {units} units ({flagged} with flags, marked up as ITS/notes), "
                  f"{same} identical after the round trip ({same / units:.1%}); {differ} units flagged "
                  "differently from the same pair without tags")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
