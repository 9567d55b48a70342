"""Speed of the review UI: render of a 100-segment article and a decision save.

    python bench/bench_ui.py [--segments 100] [--repeat 20] [--browser]

Builds a 100-segment review from the seed article (its segments repeated with their flags,
plus a flag on every fifth segment), then times
  * render: the pure table render (render.segments_table) and a full Streamlit script run
    of app.py through AppTest on that article (models warm, review cached);
  * save: Store.save_segment with a flag decision on a SQLite file (WAL), median of N.
Targets: render < 1.5 s, save < 200 ms.
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
from mtreview.load import load_document  # noqa: E402
from mtreview.records import Flag, Review, Severity  # noqa: E402
from mtreview.store import FlagDecision, Store  # noqa: E402
from mtreview.ui import render  # noqa: E402


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


def bench_app(review: Review, tmp: Path, repeat: int) -> tuple[float, float]:
    """(first run, median of warm reruns) of the whole app script on a batch article of this review."""
    from streamlit.testing.v1 import AppTest

    art_dir = tmp / "batch" / "articles"
    art_dir.mkdir(parents=True)
    data = json.dumps(review.to_dict(), ensure_ascii=False)
    (art_dir / "bench.review.json").write_text(data, encoding="utf-8")
    os.environ["MTREVIEW_DB"] = f"sqlite:///{tmp / 'app.db'}"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update({"batch": str(tmp / "batch"), "article": "bench"})
    t = time.perf_counter()
    at.run()
    first = time.perf_counter() - t
    if at.exception:
        raise SystemExit(f"app failed: {at.exception[0].value}")
    rows = next(h.value for h in at.html if "mtr-table" in h.value and "<thead>" in h.value).count("<tr id=")
    assert rows == len(review.segments), rows
    warm = []
    for _ in range(max(3, repeat // 4)):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    return first, statistics.median(warm)


def bench_browser(tmp: Path) -> tuple[float, float, float]:
    """Seconds in headless chromium: navigation to the 100-row table visible (cold, warm reload),
    and a "Next flagged" click until the table shows the new selection (median of 5)."""
    import socket
    import subprocess
    import urllib.request

    from playwright.sync_api import expect, sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MTREVIEW_DB": f"sqlite:///{tmp / 'browser.db'}"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/?batch={tmp / 'batch'}&article=bench"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            out = []
            for _ in range(2):
                t = time.perf_counter()
                page.goto(base)
                expect(page.locator("table.mtr-table tr[id^=seg-]")).to_have_count(100, timeout=120_000)
                out.append(time.perf_counter() - t)
            clicks = []
            for _ in range(5):
                before = page.locator("tr.selected").get_attribute("id")
                t = time.perf_counter()
                page.get_by_role("button", name="Next flagged").click()
                expect(page.locator("tr.selected")).not_to_have_id(before, timeout=30_000)
                clicks.append(time.perf_counter() - t)
            browser.close()
        return out[0], out[1], statistics.median(clicks)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
                    help="also time a real page load in headless chromium (/usr/bin/chromium)")
    ap.add_argument("--segments", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    review = article(args.segments)
    flagged = sum(1 for s in review.segments if s.flags)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        table = bench_table(review, args.repeat)
        first, warm = bench_app(review, tmp, args.repeat)
        save = bench_save(tmp, args.repeat)
        browser = bench_browser(tmp) if args.browser else None
    print(f"article: {len(review.segments)} segments, {flagged} flagged")
    print(f"render table (pure HTML, median of {args.repeat}): {table * 1000:.1f} ms")
    print(f"render app script, first run incl. model/DB setup: {first:.2f} s")
    print(f"render app script, warm rerun (median):            {warm:.2f} s   target < 1.5 s")
    if browser is not None:
        print(f"browser: page load to 100-row table visible (first session):         {browser[0]:.2f} s")
        print(f"browser: reload to table visible (warm):                              {browser[1]:.2f} s")
        print(f"browser: 'Next flagged' click to new selection shown (median of 5):   {browser[2]:.2f} s")
    print(f"save segment + decision (SQLite WAL, median of {args.repeat}): {save * 1000:.1f} ms"
          "   target < 200 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
