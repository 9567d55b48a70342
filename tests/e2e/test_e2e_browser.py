"""End to end in a real headless browser: Debian's chromium driven by playwright.

Starts ``streamlit run app.py`` on a free port with a tmp database, opens the seed article,
sees the stutter 「…と述べたと述べた」 highlighted, accepts that flag, edits the translation,
reloads and sees both persisted. Set ``MTREVIEW_SCREENSHOT=path.png`` to also save a screenshot
of the review view (docs/screenshots/ is made by scripts/ui_screenshots.py).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mtreview import pipeline
from mtreview.io.load import load_document
from mtreview.ui.render import flag_key
from mtreview.ui.store import Store, article_id

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# the elements of the run on screen: while a rerun draws, Streamlit keeps the last run's elements,
# marked stale, beside the new ones (two Translation boxes for a moment, or longer on a slow machine)
LIVE = '[data-testid="stElementContainer"]:not([data-stale="true"])'
GRID = f".st-key-grid {LIVE}"  # the segment grid of the run on screen (a stale copy may sit beside it)


def live(page, label: str):
    """The field labelled ``label`` of the run on screen, never its stale copy."""
    return page.locator(LIVE).get_by_label(label)


pytestmark = [
    pytest.mark.slow,
    # In CI a missing browser is a failure, never a silent skip.
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium") and not os.environ.get("CI"),
                       reason="chromium not installed (scripts/install-system.sh)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(tmp_path, extra_env=None):
    """The app served by `streamlit run app.py` on a free port with its own SQLite database: (base, url)."""
    port = _free_port()
    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    env = {**os.environ, "MTREVIEW_DB": url, **(extra_env or {})}
    env.pop("MTREVIEW_CONFIG", None)
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 40
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start: " + (tmp_path / "streamlit.log").read_text())
            time.sleep(0.3)
        yield base, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def server(tmp_path):
    with serve(tmp_path) as running:
        yield running


def _norm(s: str) -> str:
    return " ".join(s.split())


def test_review_accept_edit_reload(server, seed_paths):
    from playwright.sync_api import expect, sync_playwright

    base, db_url = server
    src, tgt = (load_document(p) for p in seed_paths)
    review = pipeline.review(src, tgt)  # what the app will show (no decisions yet)
    # the seed's stutter 「…と述べたと述べた」 must be flagged; that is the flag this test decides
    seg, flag = next((s, f) for s in review.segments for f in s.flags if f.check == "repetition")
    assert flag.text == "と述べたと述べた"
    k = seg.flags.index(flag)
    first_flagged = next(s for s in review.segments if s.flags)
    aid = article_id("seed (sample)", src.text, tgt.text)
    fixed = seg.tgt.replace("述べたと述べた", "述べた") + "（校正済み）"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(base, timeout=30_000)
            first_mark = page.locator(f"tr#seg-{first_flagged.id}").locator("mark.mtr").first
            expect(first_mark).to_be_visible(timeout=60_000)
            assert first_mark.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
            stutter = page.locator(f"tr#seg-{seg.id}").locator("mark.mtr", has_text="述べたと述べた").first
            expect(stutter).to_be_visible()
            assert stutter.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
            for _ in range(len(review.segments)):  # "Next flagged" until the stutter's segment is open
                if page.get_by_text(f"Segment {seg.id} ·").count():
                    break
                page.get_by_role("button", name="Next ▼").click()
                page.wait_for_timeout(700)
            expect(page.get_by_text(f"Segment {seg.id} ·")).to_be_visible(timeout=20_000)

            reviewer = page.get_by_label("Reviewer")
            reviewer.fill("Aiko")
            reviewer.press("Enter")
            expect(live(page, "Translation")).to_have_count(1, timeout=20_000)
            page.get_by_role("button", name=re.compile(r"^Accept")).nth(k).click()
            expect(page.get_by_text(f"segment {seg.id}: repetition flag accepted")).to_be_visible(timeout=20_000)
            # the decision reruns only the grid and panel (a fragment); the progress line follows it
            n_flags = sum(len(s.flags) for s in review.segments)
            header = page.locator(".mtr-header")
            expect(header).to_contain_text(f"{n_flags - 1} of {n_flags} flags left to decide", timeout=20_000)
            expect(page.locator(f"tr#seg-{seg.id}")).to_contain_text(f"1/{len(seg.flags)} decided")

            box = live(page, "Translation")
            expect(box).to_have_count(1, timeout=20_000)  # a rerun may briefly show the old editor too
            box.fill(fixed)
            expect(page.locator(".mtr-recheck")).to_contain_text(fixed, timeout=30_000)  # re-checked as typed
            page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
            expect(page.get_by_text(f"segment {seg.id} saved")).to_be_visible(timeout=20_000)
            expect(header).to_contain_text("· 1 edited")

            shot = os.environ.get("MTREVIEW_SCREENSHOT")
            page.reload()
            row = page.locator(f"tr#seg-{seg.id}")
            expect(row).to_contain_text("edited; was:", timeout=60_000)
            expect(row).to_contain_text(fixed)
            expect(row).to_contain_text(f"1/{len(seg.flags)} decided")
            # the name is kept in this browser (a cookie), not in the URL that is sent to colleagues
            expect(page.get_by_label("Reviewer")).to_have_value("Aiko")
            assert "reviewer" not in page.url
            expect(page.get_by_role("button", name=re.compile(r"^Accept")).first).to_be_visible()
            if shot:  # flagged rows on top, so that the picture shows highlights
                page.get_by_text("Filter and sort").click()
                page.get_by_text("Worst first").click()
                top = page.locator("table.mtr-table tbody tr").first
                expect(top).to_have_class(re.compile(r"\bflagged\b"), timeout=20_000)
                page.wait_for_timeout(800)
                page.screenshot(path=shot, full_page=False)
        finally:
            browser.close()

    store = Store(db_url)
    state = store.segment_state(aid, seg.id)
    assert (state.edit, state.updated_by) == (fixed, "Aiko")
    assert state.decision(flag_key(flag, seg)) == "accept"
    store.close()


@contextmanager
def export_open(base: str, stream: Callable[[Any], None] | None = None) -> Iterator[tuple[Any, Any]]:
    """A browser on the app (reviewer Aiko) with the Export expander open: (the page, its CSV
    button). ``stream``: a handler of the app's websocket (``page.route_web_socket``), set before
    the page loads."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
            if stream is not None:
                page.route_web_socket(re.compile(r"/_stcore/stream"), stream)
            page.goto(f"{base}/?reviewer=Aiko", timeout=30_000)
            expect(live(page, "Comment")).to_have_count(1, timeout=60_000)
            page.get_by_text("Export the reviewed article").click()
            csv = page.get_by_role("button", name="CSV")
            expect(csv).to_be_visible(timeout=20_000)
            yield page, csv
        finally:
            browser.close()


def test_export_after_a_save_has_the_save(server):
    """A save reruns only the grid and panel (a fragment), not the Export expander drawn before it:
    its download must still work and hold what is saved now, not what was saved when it was drawn."""
    from playwright.sync_api import expect

    base, _ = server
    with export_open(base) as (page, csv):  # opened before the save
        seg = page.locator(f"{GRID} tr.selected").get_attribute("data-seg")
        live(page, "Comment").fill("checked by Aiko")
        page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
        expect(page.get_by_text(f"segment {seg} saved")).to_be_visible(timeout=20_000)
        # the save's run over (a click during it: tests/e2e/test_e2e_export.py)
        app = page.locator("[data-testid='stApp']")
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=30_000)
        with page.expect_download(timeout=30_000) as got:
            csv.click()
        assert "checked by Aiko" in Path(got.value.path()).read_text(encoding="utf-8")
