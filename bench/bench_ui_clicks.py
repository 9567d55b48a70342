"""Server CPU per click in the review UI, on a real long article (AppTest, no browser).

    python bench/bench_ui_clicks.py [--data ../shared/data] [--docs 17] [--repeat 7] [--baseline DIR]

Builds one article from the first ``--docs`` WMT21 en-ja documents of ``DATA/align-dev/en-ja``
(17 give 257 segments), reviews it with ``mtreview batch``, opens it through ``?batch=&article=``
in Streamlit's AppTest and times, as CPU seconds of this process (the script runs in a thread of
it), a plain rerun, J (next flagged), Accept on the first flag and a Save with a comment: the
median of ``--repeat``. With ``--baseline DIR`` (e.g. a ``git archive`` of main) that checkout is
timed too, in turn (A B A B), in a fresh process each. CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(data: Path, docs: int, tmp: Path) -> Path:
    """The long article's batch folder (tmp/run), reviewed by this checkout's `mtreview batch`."""
    folder = data / "align-dev" / "en-ja"
    names = sorted(p.name[: -len(".en.txt")] for p in folder.glob("*.en.txt"))[:docs]
    arts = tmp / "arts"
    arts.mkdir()
    for lang in ("en", "ja"):
        text = "\n".join((folder / f"{n}.{lang}.txt").read_text(encoding="utf-8") for n in names)
        (arts / f"long.{lang}.txt").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "mtreview", "--quiet", "batch", str(arts), "--out", str(tmp / "run"),
                    "--workers", "1"], check=True, env=env)
    return tmp / "run"


def clicks(checkout: Path, run: Path, repeat: int) -> dict[str, float]:
    """In this process (PYTHONPATH names ``checkout``): median CPU seconds of each kind of click."""
    from streamlit.testing.v1 import AppTest

    os.environ["MTREVIEW_DB"] = f"sqlite:///{run.parent / f'clicks-{time.monotonic_ns()}.db'}"
    os.environ["MTREVIEW_BATCH_ROOTS"] = str(run.parent)
    at = AppTest.from_file(str(checkout / "app.py"), default_timeout=300)
    at.query_params.update({"view": "review", "batch": str(run), "article": "long", "reviewer": "bench"})
    at.run()
    assert not at.exception, at.exception
    out: dict[str, list[float]] = {}

    def timed(key: str, act) -> None:
        t = time.process_time()
        act()
        out.setdefault(key, []).append(time.process_time() - t)
        assert not at.exception, at.exception

    for k in range(repeat):
        timed("rerun", at.run)
        timed("next_flagged", lambda: at.button(key="next").click().run())
        cur = at.session_state["cur"]
        accept = next(b for b in at.button if (b.key or "").startswith("acc:0:"))
        aid = accept.key.split(":")[2]
        timed("accept", lambda b=accept: b.click().run())
        next(w for w in at.text_input if (w.key or "").startswith(f"comment:{aid}:{cur}#")).input(f"bench {k}")
        save = f"FormSubmitter:form:{aid}:{cur}-Save"
        timed("save", lambda key=save: at.button(key=key).click().run())
    segments = len(json.loads((run / "articles" / "long.review.json").read_text(encoding="utf-8"))["segments"])
    return {"segments": segments, **{k: statistics.median(v) for k, v in out.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=17)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--baseline", type=Path, help="another checkout (e.g. a `git archive` of main), timed in turn")
    ap.add_argument("--one", nargs=2, metavar=("CHECKOUT", "RUN"), help=argparse.SUPPRESS)  # a child process
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(clicks(Path(args.one[0]), Path(args.one[1]), args.repeat)))
        return 0
    with tempfile.TemporaryDirectory() as d:
        run = build(args.data, args.docs, Path(d))
        checkouts = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
        got: dict[Path, list[dict]] = {}
        for turn in range(2):
            for c in checkouts if turn % 2 == 0 else checkouts[::-1]:
                env = {**os.environ, "PYTHONPATH": str(c)}
                cmd = [sys.executable, __file__, "--one", str(c), str(run), "--repeat", str(args.repeat)]
                res = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)
                got.setdefault(c, []).append(json.loads(res.stdout.strip().splitlines()[-1]))
        for c, runs in got.items():
            print(f"[{c}] article of {runs[0]['segments']} segments, median CPU ms per click (two runs):")
            for key in ("rerun", "next_flagged", "accept", "save"):
                print(f"  {key:13s} " + " / ".join(f"{r[key] * 1000:.0f}" for r in runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
