"""Speed of the review UI: page ready and save latency for 25- and 200-segment articles.

    python bench/bench_ui.py [--segments 25 200] [--repeat 20] [--browser [--baseline /work/main]]

Builds reviews of N segments from the seed article (its segments repeated with their flags,
plus a flag on every fifth segment), stores them as a batch result, then times
  * render: the pure table render (render.segments_table) and a full Streamlit script run
    of app.py through AppTest on that article (models warm, review cached);
  * save: Store.save_segment with a flag decision on a SQLite file (WAL), median of N;
  * with --browser, in headless chromium at 1366×768: page ready (the N-row grid shown, first
    load and warm reload) and save latency (Save clicked until the table shows the comment),
    and, where the checkout has it, typing to re-check (text typed into the Translation box until
    its re-check is shown, the 400 ms pause included), for this checkout and, with --baseline DIR,
    for another checkout (e.g. the main branch) in the same run, one after the other on the same
    articles.
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
    rows = next(h.value for h in at.html if "mtr-table" in h.value and "<thead>" in h.value).count("<tr id=")
    assert rows == len(review.segments), rows
    warm = []
    for _ in range(max(3, repeat // 4)):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    return first, statistics.median(warm)


def bench_browser(checkout: Path, tmp: Path, n: int, repeat: int) -> dict[str, float]:
    """Seconds in headless chromium (1366×768) on the batch article ``bench`` of ``n`` segments,
    served from ``checkout``: page ready (the n-row grid shown; first load, then median of warm
    reloads) and save latency (comment typed, Save clicked, until the table shows the comment;
    median of ``repeat``)."""
    import re

    from playwright.sync_api import expect, sync_playwright
    from ui_server import CHROMIUM, CHROMIUM_ARGS, serve

    db = f"sqlite:///{tmp / f'browser-{checkout.name}-{n}.db'}"
    with serve(db, tmp / f"log-{checkout.name}-{n}", roots=tmp, checkout=checkout) as base, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        url = f"{base}/?view=review&batch={tmp / 'batch'}&article=bench-{n}&reviewer=bench"
        rows = page.locator("table.mtr-table tr[id^=seg-]")
        ready = []
        for _ in range(4):
            t = time.perf_counter()
            page.goto(url)
            expect(rows).to_have_count(n, timeout=180_000)
            ready.append(time.perf_counter() - t)
        expect(page.get_by_label("Comment")).to_have_count(1, timeout=60_000)
        seg = page.locator("tr.selected").get_attribute("id")
        saves = []
        for k in range(repeat):
            page.get_by_label("Comment").fill(f"bench {k}")
            t = time.perf_counter()
            page.get_by_role("button", name=re.compile(r"^Save( segment)? Shortcut")).click()
            expect(page.locator(f'tr#{seg} span[title="bench {k}"]')).to_have_count(1, timeout=60_000)
            saves.append(time.perf_counter() - t)
            expect(page.get_by_label("Comment")).to_have_count(1, timeout=60_000)
        out = {"ready_first": ready[0], "ready_warm": statistics.median(ready[1:]), "save": statistics.median(saves)}
        if (checkout / "mtreview/ui/live_edit.py").is_file():  # re-check as you type (not in older checkouts)
            box, live = page.get_by_label("Translation"), []
            original = box.input_value()
            for k in range(repeat):
                t = time.perf_counter()
                box.fill(f"{original}{k}人が死亡したと述べたと述べた。")
                expect(page.locator(".mtr-recheck")).to_contain_text(f"{k}人が死亡したと述べたと述べた",
                                                                     timeout=60_000)
                live.append(time.perf_counter() - t)
            out["live"] = statistics.median(live)
        browser.close()
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
    ap.add_argument("--baseline", type=Path,
                    help="another checkout (e.g. /work/main) to time in the browser in the same run")
    ap.add_argument("--segments", type=int, nargs="+", default=[25, 200])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    checkouts = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
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
            for checkout in checkouts:
                b = bench_browser(checkout, tmp, n, min(args.repeat, 7))
                print(f"  browser [{checkout}]: ready first {b['ready_first']:.2f} s, ready warm (median of 3)"
                      f" {b['ready_warm']:.2f} s, save to visible update (median) {b['save'] * 1000:.0f} ms"
                      + (f", typed text re-checked on screen (median, 400 ms pause included) {b['live'] * 1000:.0f} ms"
                         if "live" in b else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
