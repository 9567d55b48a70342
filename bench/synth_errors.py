"""Synthetic meaning errors with known spans, made from professional translations (seeded).

    python bench/synth_errors.py [--data ../shared/data] [--n 400]   # prints a sample

The human references of the WMT22/23 en-ja test sets (``qe-dev/wmt22-23-en-ja-systems.tsv``)
are corrupted in the ways a fluent translation goes wrong, each leaving the rest untouched and
recording where the error is (character offsets into the corrupted translation):
  number   a number changed                 negate   a predicate negated (ます -> ません, ...)
  swap     the が- and を/に-phrases swapped (who did what to whom)
  word     a kanji content word replaced by one from another sentence
  name     a katakana name replaced by one from another sentence
  foreign  a clause replaced by a clause of another sentence
  english  a clause left in English (words of the source)
Built with ``datasets`` (one ``map`` over a Dataset of reference sentences); a row with no
place for the chosen corruption falls back to the next one in ``KINDS`` order.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import numpy as np
import qe_data

SEED = 31
N_ROWS = 240
KINDS = ("swap", "negate", "number", "word", "name", "foreign", "english")

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_NEG = ((re.compile(r"ます(?=[。、]|$)"), "ません"), (re.compile(r"ました(?=[。、]|$)"), "ませんでした"),
        (re.compile(r"です(?=[。、]|$)"), "ではありません"), (re.compile(r"した(?=[。、]|$)"), "しなかった"),
        (re.compile(r"ある(?=[。、]|$)"), "ない"), (re.compile(r"いる(?=[。、]|$)"), "いない"),
        (re.compile(r"できる"), "できない"))
_SWAP = re.compile(r"([一-龯ァ-ヶー]{2,10})(が|は)([^。]{0,30}?)([一-龯ァ-ヶー]{2,10})(を|に)")
_KANJI = re.compile(r"[一-龯]{2,4}")
_KATA = re.compile(r"[ァ-ヶー]{3,}")
_CLAUSE = re.compile(r"[^、。]{6,}")


def _number(rng, t: str, src: str, pool: list[str]):
    m = list(_NUM.finditer(t))
    if not m:
        return None
    x = m[rng.integers(len(m))]
    digits = x.group().replace(",", "")
    new = str(int(float(digits)) + int(rng.integers(2, 9))) if digits.replace(".", "").isdigit() else "7"
    return t[: x.start()] + new + t[x.end() :], [(x.start(), x.start() + len(new))]


def _negate(rng, t: str, src: str, pool: list[str]):
    for pat, neg in _NEG:
        m = list(pat.finditer(t))
        if m:
            x = m[-1]
            return t[: x.start()] + neg + t[x.end() :], [(x.start(), x.start() + len(neg))]
    return None


def _swap(rng, t: str, src: str, pool: list[str]):
    m = _SWAP.search(t)
    if not m or m.group(1) == m.group(4):
        return None
    a, pa, mid, b, pb = m.groups()
    new = b + pa + mid + a + pb
    s = m.start()
    spans = [(s, s + len(b)), (s + len(b) + len(pa) + len(mid), s + len(b) + len(pa) + len(mid) + len(a))]
    return t[:s] + new + t[m.end() :], spans


def _replace_from_pool(pat: re.Pattern, rng, t: str, pool: list[str]):
    m = list(pat.finditer(t))
    if not m:
        return None
    x = m[rng.integers(len(m))]
    for _ in range(10):
        cands = pat.findall(pool[rng.integers(len(pool))])
        if cands:
            new = cands[rng.integers(len(cands))]
            if new != x.group():
                return t[: x.start()] + new + t[x.end() :], [(x.start(), x.start() + len(new))]
    return None


def _word(rng, t, src, pool):
    return _replace_from_pool(_KANJI, rng, t, pool)


def _name(rng, t, src, pool):
    return _replace_from_pool(_KATA, rng, t, pool)


def _foreign(rng, t, src, pool):
    m = list(_CLAUSE.finditer(t))
    other = _CLAUSE.findall(pool[rng.integers(len(pool))])
    if not m or not other:
        return None
    x, new = m[rng.integers(len(m))], other[rng.integers(len(other))]
    return t[: x.start()] + new + t[x.end() :], [(x.start(), x.start() + len(new))]


def _english(rng, t, src, pool):
    m = list(_CLAUSE.finditer(t))
    words = src.split()
    if not m or len(words) < 4:
        return None
    x = m[-1]
    k = int(rng.integers(0, max(1, len(words) - 5)))
    new = " ".join(words[k : k + 5])
    return t[: x.start()] + new + t[x.end() :], [(x.start(), x.start() + len(new))]


CORRUPT = {"swap": _swap, "negate": _negate, "number": _number, "word": _word, "name": _name,
           "foreign": _foreign, "english": _english}


def corrupt(src: str, ref: str, kind: str, seed: int, pool: list[str]):
    """(translation, kind, spans) for one reference; spans are [start, end) into the translation."""
    rng = np.random.default_rng(seed)
    start = KINDS.index(kind)
    for k in KINDS[start:] + KINDS[:start]:
        got = CORRUPT[k](rng, ref, src, pool)
        if got is not None and got[0] != ref:
            return got[0], k, got[1]
    return None


def load(data: Path = qe_data.DEFAULT_DATA, n: int = N_ROWS):
    """A DataFrame (src, tgt, ref, set='synth', kind, spans, human, group) of ``n`` corrupted references."""
    import datasets
    import pandas as pd

    sys_tsv = pd.read_csv(data / "qe-dev" / "wmt22-23-en-ja-systems.tsv", sep="\t", quoting=3,
                          keep_default_na=False, dtype=str)
    pairs = sys_tsv[["src", "ref"]].drop_duplicates().sort_values(["src", "ref"])
    pairs = pairs[(pairs.ref.str.len().between(15, 120)) & (pairs.src.str.len() <= 300)]
    rng = np.random.default_rng(SEED)
    pick = pairs.iloc[np.sort(rng.choice(len(pairs), size=min(n, len(pairs)), replace=False))]
    pool = pairs.ref.tolist()
    ds = datasets.Dataset.from_pandas(pick.reset_index(drop=True))

    def one(row, idx):
        got = corrupt(row["src"], row["ref"], KINDS[idx % len(KINDS)], SEED * 100_003 + idx, pool)
        tgt, kind, spans = got if got else (row["ref"], "none", [])
        return {"tgt": tgt, "kind": kind, "spans": [[int(a), int(b), True] for a, b in spans]}

    ds = ds.map(one, with_indices=True)
    out = ds.to_pandas()
    out = out[out.kind != "none"].reset_index(drop=True)
    out["set"] = "synth"
    out["human"] = 0.0
    out["group"] = out.src.map(lambda s: int(hashlib.sha1(s.encode()).hexdigest()[:8], 16))
    out["spans"] = out.spans.map(lambda sp: [(int(a), int(b), bool(m)) for a, b, m in sp])
    return out[["src", "tgt", "ref", "set", "kind", "spans", "human", "group"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--n", type=int, default=N_ROWS)
    args = parser.parse_args(argv)
    df = load(args.data, args.n)
    print(df.kind.value_counts().to_string())
    for _, r in df.head(14).iterrows():
        marked = r.tgt
        for a, b, _ in sorted(r.spans, reverse=True):
            marked = marked[:a] + "[" + marked[a:b] + "]" + marked[b:]
        print(f"{r.kind:8s} {r.ref}\n{'':8s} {marked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
