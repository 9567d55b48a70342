"""Cache joint e5 states at layer ``L`` for fine-tuning the top of the encoder (CometKiwi-style).

    nice -n 10 python bench/kiwi_ft_cache.py [--layer 10] [--sets da,esa,crit,synth,zh] [--reverse]

Every row is read as ``<s> src </s></s> tgt </s>`` (as ``E5Tokens.pair_states``, no prefix) by the
torch rebuild of the encoder (``mtreview.models.e5_torch``, batched, layers 1..L only). Per row the
cache keeps, in float16:
  h      the whole sequence's states at layer L (T, 384): the input of the layers to fine-tune
  n / src / tgt   T, the source and translation token positions ([start, end) in the sequence)
  chars  each translation token's [start, end) character range in the translation
  tok    the translation tokens' frozen states of layers 6 and 9 (the frozen token head's input)
  ptgt / psrc  mean over translation / source tokens of layers 4, 6, 8, 10 (frozen ridge input;
         layer 12 comes from the frozen top at training time)
  solo   mean over source tokens of layers 4, 6, 8, 10, 12 with the source read ALONE (the
         source-only baseline, same encoder)
Rows (``kiwi_cache.kiwi_rows``): DA 1,000, ESA 5,952 with spans, ``--crit`` seeded critical-error
rows, ``--synth`` synthetic errors with known spans, and ``--zh`` seeded MLQE-PE en-zh DA rows
(cross-lingual DA). Shards of ``SHARD`` rows under ``bench/.cache/kiwi-ft/`` make the run
resumable and let two processes share it (``--reverse`` takes the last shard first).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import time
from pathlib import Path

import kiwi_cache
import numpy as np
import qe_data

POOL = (4, 6, 8, 10)
SOLO = (4, 6, 8, 10, 12)
TOK = (6, 9)
SHARD = 200
BATCH = 16
SEED = 43
CACHE = qe_data.CACHE / "kiwi-ft"
log = logging.getLogger("kiwi_ft_cache")


def zh_rows(data: Path, n: int):
    """``n`` seeded MLQE-PE en-zh DA rows in kiwi_rows' columns (target: the score's percentile)."""
    import datasets
    import embed_cache

    df = embed_cache.load_multilingual(data, ("en-zh",))
    rng = np.random.default_rng(SEED)
    df = df.iloc[np.sort(rng.choice(len(df), size=min(n, len(df)), replace=False))].reset_index(drop=True)
    df["target"] = df.human.rank(pct=True, method="average")
    df["set"], df["ref"], df["kind"], df["split"] = "zh", "", "", "train"
    df["spans"] = [[] for _ in range(len(df))]
    df["group"] = df.group.astype("int64")
    return datasets.Dataset.from_pandas(
        df[["set", "src", "tgt", "ref", "human", "target", "group", "split", "spans", "kind"]], preserve_index=False)


def rows_of(data: Path, name: str, args):
    if name == "zh":
        return zh_rows(data, args.zh)
    return kiwi_cache.kiwi_rows(data, (name,), n_crit=args.crit, n_synth=args.synth)


def shard_dir(name: str, layer: int, rows) -> Path:
    key = hashlib.sha1(("\x1e".join(s + "\x1f" + t for s, t in zip(rows["src"], rows["tgt"], strict=True))
                        + repr((layer, POOL, SOLO, TOK))).encode()).hexdigest()[:10]
    return CACHE / f"{name}-l{layer}-{key}"


def sequence(model, src: str, tgt: str) -> tuple[list[int], slice, slice, np.ndarray]:
    """Ids of ``<s> src </s></s> tgt </s>`` cut as ``E5Tokens.pair_states``, the two slices, tgt chars."""
    src_ids = model.tokenize(src)[0]
    tgt_ids, tgt_spans = model.tokenize(tgt)
    room = model.MAXP - 4
    keep = min(len(tgt_ids), max(room - len(src_ids), room // 2))
    tgt_ids, tgt_spans = tgt_ids[:keep], tgt_spans[:keep]
    src_ids = src_ids[: room - keep]
    t0 = len(src_ids) + 3
    return ([model.bos, *src_ids, model.eos, model.eos, *tgt_ids, model.eos], slice(1, 1 + len(src_ids)),
            slice(t0, t0 + len(tgt_ids)), np.array(tgt_spans, dtype=np.int32).reshape(-1, 2))


def embed(model, ids) -> np.ndarray:
    from mtreview.models.e5_tokens import _layernorm

    ids = np.asarray(ids)
    return _layernorm(model._word(ids) + model.pos[:len(ids)] + model.type0, *model.eln, model.eps).astype(np.float32)


def run_batches(net, seqs: list[np.ndarray], keep: tuple[int, ...]) -> list[dict[int, np.ndarray]]:
    """Per sequence (embedding states (T, H)), the kept layers' states, in input order."""
    import torch

    from mtreview.models.e5_torch import pad

    out: list[dict[int, np.ndarray]] = [{}] * len(seqs)
    order = np.argsort([len(s) for s in seqs], kind="stable")
    with torch.no_grad():
        for b in range(0, len(order), BATCH):
            idx = order[b:b + BATCH]
            x, mask = pad([seqs[i] for i in idx])
            _, kept = net(x, mask, keep=keep)
            for j, i in enumerate(idx):
                out[i] = {k: v[j, :len(seqs[i])].numpy() for k, v in kept.items()}
    return out


def encode_shard(model, net, full, src: list[str], tgt: list[str], solo_memo: dict) -> dict[str, np.ndarray]:
    layer = net.last
    seq = [sequence(model, s, t) for s, t in zip(src, tgt, strict=True)]
    states = run_batches(net, [embed(model, ids) for ids, *_ in seq], tuple(sorted({layer, *POOL, *TOK})))
    need = sorted({s for s in src if s not in solo_memo})
    solo_ids = [[model.bos, *model.tokenize(s)[0][: model.MAXP - 2], model.eos] for s in need]
    for s, st in zip(need, run_batches(full, [embed(model, ids) for ids in solo_ids], SOLO), strict=True):
        solo_memo[s] = np.stack([st[k][1:-1].mean(axis=0) if len(st[k]) > 2 else np.zeros(model.H, np.float32)
                                 for k in SOLO])
    h, tok, ptgt, psrc = [], [], [], []
    for (_ids, ss, ts, _c), st in zip(seq, states, strict=True):
        h.append(st[layer])
        tok.append(np.stack([st[k][ts] for k in TOK], axis=1))
        ptgt.append(np.stack([st[k][ts].mean(axis=0) if ts.stop > ts.start else np.zeros(model.H) for k in POOL]))
        psrc.append(np.stack([st[k][ss].mean(axis=0) if ss.stop > ss.start else np.zeros(model.H) for k in POOL]))
    f16 = np.float16
    return {"h": np.concatenate(h).astype(f16), "n": np.array([len(x) for x in h]),
            "src": np.array([[s.start, s.stop] for _, s, _, _ in seq]),
            "tgt": np.array([[t.start, t.stop] for _, _, t, _ in seq]),
            "chars": np.concatenate([c for *_, c in seq]).astype(np.int32),
            "tok": np.concatenate(tok).astype(f16), "ptgt": np.stack(ptgt).astype(f16),
            "psrc": np.stack(psrc).astype(f16), "solo": np.stack([solo_memo[s] for s in src]).astype(f16)}


def load_cached(name: str, layer: int, rows) -> dict | None:
    """The set's arrays concatenated (None unless every shard is there), with ``off`` / ``toff``
    (each row's start in ``h`` / in the translation-token arrays)."""
    folder = shard_dir(name, layer, rows)
    files = [folder / f"shard-{i:04d}.npz" for i in range(0, len(rows), SHARD)]
    if not all(f.exists() for f in files):
        return None
    parts = [dict(np.load(f)) for f in files]
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    out["off"] = np.concatenate([[0], np.cumsum(out["n"])])
    out["toff"] = np.concatenate([[0], np.cumsum(out["tgt"][:, 1] - out["tgt"][:, 0])])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--layer", type=int, default=10, help="the cached layer L (layers L+1..12 get fine-tuned)")
    parser.add_argument("--sets", default="da,esa,crit,synth,zh")
    parser.add_argument("--crit", type=int, default=3000, help="seeded critical-error rows (0 = all 8,658)")
    parser.add_argument("--synth", type=int, default=2000, help="synthetic-error rows")
    parser.add_argument("--zh", type=int, default=2000, help="seeded MLQE-PE en-zh DA rows")
    parser.add_argument("--reverse", action="store_true", help="last shard first (a second process)")
    parser.add_argument("--speed", type=int, default=0, metavar="N", help="only time N seeded ESA rows")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    from mtreview.models.e5_tokens import E5Tokens
    from mtreview.models.e5_torch import from_e5

    torch.set_num_threads(1)
    model = E5Tokens()
    net, full = from_e5(model, 0, args.layer), from_e5(model, 0, 12)
    memo: dict = {}
    if args.speed:
        rows = kiwi_cache.kiwi_rows(args.data, ("esa",)).shuffle(seed=SEED).select(range(args.speed))
        t = time.process_time()
        encode_shard(model, net, full, rows["src"], rows["tgt"], memo)
        print(f"{args.speed} ESA rows: {(time.process_time() - t) / args.speed:.3f} CPU-s a row (layer {args.layer})")
        return 0
    for name in args.sets.split(","):
        rows = rows_of(args.data, name, args)
        kiwi_cache.fill_shards(name, shard_dir(name, args.layer, rows), rows, args.reverse,
                               lambda part: encode_shard(model, net, full, part["src"], part["tgt"], memo), SHARD)
    return 0


if __name__ == "__main__":
    sys.exit(main())
