"""Speed of the review UI: page ready and save latency for 25- and 200-segment articles.

    python bench/bench_ui.py [--segments 25 200] [--repeat 20] [--browser [--baseline main]]

Builds reviews of N segments from the seed article (its segments repeated with their flags,
plus a flag on every fifth segment), stores them as a batch result, then times
  * render: the pure table render (render.segments_table) and a full Streamlit script run
    of app.py through AppTest on that article (models warm, review cached);
  * save: Store.save_segment with a flag decision on a SQLite file (WAL), median of N;
  * with --browser, in headless chromium at 1366×768: page ready (the N-row grid shown, first
    load and warm reload) and save latency (Save clicked until the grid shows the comment), timed
    in the page on every animation frame, with the CPU each costs in the page and in the server,
    and, where the checkout has it, typing to re-check (text typed into the Translation box until
    its re-check is shown, the 400 ms pause included), for this checkout and, with --baseline REF
    (a clean `git archive` of it) or DIR, for another version in the same run, taken in turn.
Targets (issue 12): ready < 1.5 s warm for 200 segments, save < 300 ms to the visible update.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtreview import pipeline  # noqa: E402
from mtreview.io.load import load_document  # noqa: E402
from mtreview.records import Flag, Review, Severity  # noqa: E402
from mtreview.ui import render  # noqa: E402
from mtreview.ui.store import FlagDecision, Store  # noqa: E402


def article(n: int) -> Review:
    src = load_document(ROOT / "data" / "samples" / "seed.en.txt", "en")
    tgt = load_document(ROOT / "data" / "samples" / "seed.ja.txt", "ja")
    base = pipeline.review(src, tgt)
    segs = []
    for k in range(n):
        s = base.segments[k % len(base.segments)]
        flags = s.flags
        if k % 5 == 0 and s.tgt:
            end = min(len(s.tgt), 7)
            extra = Flag("bench", "fluency/other", Severity.MINOR, "tgt", 0, end, "bench flag", s.tgt[:end])
            flags = (*flags, extra)
        segs.append(replace(s, id=k, flags=flags))
    return replace(base, segments=tuple(segs))


def bench_table(review: Review, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        render.segments_table(review.segments, {}, selected=review.segments[0].id)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def write_batch(review: Review, tmp: Path) -> str:
    """Store the review as article ``bench-N`` of the batch folder tmp/batch; returns its id."""
    art_dir = tmp / "batch" / "articles"
    art_dir.mkdir(parents=True, exist_ok=True)
    name = f"bench-{len(review.segments)}"
    data = json.dumps(review.to_dict(), ensure_ascii=False)
    (art_dir / f"{name}.review.json").write_text(data, encoding="utf-8")
    return name


def bench_app(review: Review, tmp: Path, repeat: int) -> tuple[float, float]:
    """(first run, median of warm reruns) of the whole app script on a batch article of this review."""
    from streamlit.testing.v1 import AppTest

    name = write_batch(review, tmp)
    os.environ["MTREVIEW_DB"] = f"sqlite:///{tmp / 'app.db'}"
    os.environ["MTREVIEW_BATCH_ROOTS"] = str(tmp)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update({"batch": str(tmp / "batch"), "article": name})
    t = time.perf_counter()
    at.run()
    first = time.perf_counter() - t
    if at.exception:
        raise SystemExit(f"app failed: {at.exception[0].value}")
    rows = sum(h.value.count("<tr id=") for h in at.html if "mtr-table" in h.value)
    assert rows == len(review.segments), rows
    warm = []
    for _ in range(max(3, repeat // 4)):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    return first, statistics.median(warm)


# In the page, timed by the page's own clock on every animation frame (not by polling from the test
# driver, whose back-off of 100, 250, 500, 1000 ms would round every figure up to those steps).
_SHOWN = """([sel]) => new Promise(res => { const f = () => document.querySelector(sel) ? res(performance.now())
  : requestAnimationFrame(f); f(); })"""
_CLICK = """() => { window.__mtrClick = null; document.addEventListener('click',
  () => { window.__mtrClick = window.__mtrClick ?? performance.now(); }, {capture: true, once: true}); }"""
_IDLE = '[data-test-script-state="notRunning"]'


class _Browser:
    """One checkout served on its own port, one chromium page on its batch article of ``n`` segments."""

    def __init__(self, stack, browser, checkout: Path, tmp: Path, n: int, tag: str) -> None:
        import psutil
        from ui_server import serve

        me = psutil.Process()
        before = {p.pid for p in me.children()}
        base = stack.enter_context(serve(f"sqlite:///{tmp / f'browser-{tag}-{n}.db'}", tmp / f"log-{tag}-{n}",
                                         roots=tmp, checkout=checkout))
        self.server = next(p for p in me.children() if p.pid not in before)
        self.page = browser.new_page(viewport={"width": 1366, "height": 768})
        self.url = f"{base}/?view=review&batch={tmp / 'batch'}&article=bench-{n}&reviewer=bench"
        self.n, self.checkout, self.out = n, checkout, {}

    def _cpu(self) -> float:
        t = self.server.cpu_times()
        return t.user + t.system

    def _busy(self) -> float:
        """Seconds the page's main thread has been busy (CDP Performance.TaskDuration)."""
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def _add(self, key: str, value: float) -> None:
        self.out.setdefault(key, []).append(value)

    def ready(self) -> None:
        """Load the page; the time until the last of the n rows is in the grid."""
        cpu = self._cpu()
        self.page.goto(self.url)
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self._add("ready", self.page.evaluate(_SHOWN, [f"table.mtr-table tr#seg-{self.n - 1}"]) / 1000)
        self._add("ready_browser_cpu", self._busy())
        self.page.wait_for_selector(_IDLE, timeout=60_000)
        self.page.wait_for_timeout(300)
        self._add("ready_server_cpu", self._cpu() - cpu)

    def save(self, k: int) -> None:
        """Type a comment, click Save; the time from the click until the grid shows the comment."""
        import re

        from playwright.sync_api import expect

        expect(self.page.get_by_label("Comment")).to_have_count(1, timeout=60_000)
        seg = self.page.locator("tr.selected").get_attribute("id")
        self.page.get_by_label("Comment").fill(f"bench {k}")
        self.page.wait_for_timeout(200)
        busy, cpu = self._busy(), self._cpu()
        self.page.evaluate(_CLICK)
        self.page.get_by_role("button", name=re.compile(r"^Save( segment)? Shortcut")).click()
        shown = self.page.evaluate(_SHOWN, [f'tr#{seg} span[title="bench {k}"]'])
        self._add("save", (shown - self.page.evaluate("() => window.__mtrClick")) / 1000)
        self.page.wait_for_selector(_IDLE, timeout=60_000)
        self.page.wait_for_timeout(300)
        self._add("save_browser_cpu", self._busy() - busy)
        self._add("save_server_cpu", self._cpu() - cpu)

    def live(self, k: int, original: str) -> None:
        """Type into the Translation box; the time until its re-check is shown (400 ms pause included)."""
        from playwright.sync_api import expect

        box = self.page.get_by_label("Translation")
        t = time.perf_counter()
        box.fill(f"{original}{k}人が死亡したと述べたと述べた。")
        expect(self.page.locator(".mtr-recheck")).to_contain_text(f"{k}人が死亡したと述べたと述べた", timeout=60_000)
        self._add("live", time.perf_counter() - t)


def bench_browser(checkouts: list[Path], tmp: Path, n: int, repeat: int) -> dict[Path, dict[str, float]]:
    """Headless chromium at 1366×768 on the batch article ``bench-n``, each checkout served by its own
    server, taken in turn (ABBA...) so that a change of machine load hits all of them alike.

    Per checkout: page ready (first load, then the median of ``repeat`` reloads: the time until the
    n-th row is in the grid), save latency (median of ``repeat``: Save clicked until the grid shows the
    typed comment), and for both the CPU they cost: the page's main thread (CDP TaskDuration, the whole
    rerun until the page is idle) and the app server process (user + system). Where the checkout
    has it, typing to re-check (median of ``repeat``, the 400 ms typing pause included).
    """
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright
    from ui_server import CHROMIUM, CHROMIUM_ARGS

    with ExitStack() as stack, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        warm = browser.new_page()  # the browser's own cold start is not the first checkout's first load
        warm.set_content("<script>document.body.textContent = [...Array(1000).keys()].join()</script>")
        warm.close()
        pages = [_Browser(stack, browser, c, tmp, n, f"{i}") for i, c in enumerate(checkouts)]
        for p in pages:
            p.ready()
            p.out["ready_first"] = p.out.pop("ready")[0]
            for key in ("ready_browser_cpu", "ready_server_cpu"):
                p.out.pop(key)
        for k in range(repeat):
            for p in pages if k % 2 == 0 else pages[::-1]:
                p.page.wait_for_timeout(500)
                p.ready()
                p.save(k)
        for p in pages:
            if (p.checkout / "mtreview/ui/live_edit.py").is_file():  # re-check as you type (not in older checkouts)
                original = p.page.get_by_label("Translation").input_value()
                for k in range(repeat):
                    p.live(k, original)
        browser.close()
    return {p.checkout: {k: v if isinstance(v, float) else statistics.median(v) for k, v in p.out.items()}
            for p in pages}


def export_ref(ref: str, tmp: Path) -> Path:
    """A clean tree of git ``ref`` of this repository (``git archive``), to serve as the baseline.

    A working checkout is not a fair baseline: files around it count (the main worktree, whose
    ``.venv`` sits inside it, served pages 0.4 s slower than a clean tree of the same commit).
    """
    import subprocess

    out = tmp / f"baseline-{ref.replace('/', '_')}"
    out.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=False)
    if archive.returncode:
        raise SystemExit(f"git archive {ref}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def bench_save(tmp: Path, repeat: int) -> float:
    store = Store(f"sqlite:///{tmp / 'save.db'}")
    art = store.open_article("bench", "North Korea said Sunday.", "北朝鮮は日曜日に発表した。")
    times, version = [], 0
    for k in range(repeat):
        dec = FlagDecision(f"bench:{k}", "bench", "述べたと述べた", "reject" if k % 2 else "accept")
        t = time.perf_counter()
        version = store.save_segment(art.id, 0, "bench", version, comment=f"c{k}", decisions=(dec,)).version
        times.append(time.perf_counter() - t)
    store.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--browser", action="store_true",
                    help="also time page ready and save in headless chromium (/usr/bin/chromium)")
    ap.add_argument("--baseline", metavar="REF_OR_DIR",
                    help="a git ref of this repository (e.g. main: a clean `git archive` of it) or another checkout's"
                         " folder, timed in the browser in the same run, in turn with this checkout")
    ap.add_argument("--segments", type=int, nargs="+", default=[25, 200])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        checkouts = [ROOT]
        if args.baseline:
            given = Path(args.baseline)
            checkouts.append(given.resolve() if given.is_dir() else export_ref(args.baseline, tmp))
        save = bench_save(tmp, args.repeat)
        print(f"save segment + decision (Store, SQLite WAL, median of {args.repeat}): {save * 1000:.1f} ms")
        for n in args.segments:
            review = article(n)
            flagged = sum(1 for s in review.segments if s.flags)
            table = bench_table(review, args.repeat)
            first, warm = bench_app(review, tmp, args.repeat)
            print(f"\narticle: {n} segments, {flagged} flagged")
            print(f"  render table (pure HTML, median of {args.repeat}): {table * 1000:.1f} ms")
            print(f"  app script through AppTest: first run {first:.2f} s, warm rerun (median) {warm:.2f} s")
            if not args.browser:
                continue
            repeat = min(args.repeat, 9)
            for checkout, b in bench_browser(checkouts, tmp, n, repeat).items():
                print(f"  browser [{checkout}] (medians of {repeat}):\n"
                      f"    page ready: first {b['ready_first']:.2f} s, warm {b['ready']:.2f} s"
                      f" (CPU: page {b['ready_browser_cpu']:.2f} s, server {b['ready_server_cpu']:.2f} s)\n"
                      f"    save to visible update: {b['save'] * 1000:.0f} ms"
                      f" (CPU: page {b['save_browser_cpu'] * 1000:.0f} ms, server {b['save_server_cpu'] * 1000:.0f} ms)"
                      + (f"\n    typed text re-checked on screen (400 ms pause included): {b['live'] * 1000:.0f} ms"
                         if "live" in b else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
