"""Regenerate the review UI screenshots in docs/screenshots/ (and say how many segments show).

    python scripts/ui_screenshots.py

Opens two articles in headless chromium at 1366×768 and 1920×1080 on their first flagged
segment: the bundled seed article (long wire-story paragraphs) and a WMT21 news document of
../shared/data/align-dev/en-ja (one sentence per segment, the common case), and writes
``review-<article>-<W>x<H>.png``; prints, for each, the number of segments fully visible in
the grid without scrolling and whether the first flag's Accept button and the Translation box
are inside the window (no page scroll).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from ui_server import CHROMIUM, CHROMIUM_ARGS, VISIBLE_ROWS_JS, serve  # noqa: E402

SIZES = ((1366, 768), (1920, 1080))
WMT = ROOT.parent / "shared" / "data" / "align-dev" / "en-ja" / "guardian.306645"  # 26 segments, 117 chars each


def _inside(page, locator) -> bool | None:
    """Whether the element lies inside the window (None: there is no such element)."""
    if not locator.count():
        return None
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def main() -> int:
    from playwright.sync_api import expect, sync_playwright

    from mtreview.ui.store import Store

    out = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as d, serve(f"sqlite:///{Path(d) / 'shots.db'}", Path(d) / "log") as base:
        store = Store(f"sqlite:///{Path(d) / 'shots.db'}")
        en, ja = (Path(f"{WMT}.{lang}.txt").read_text(encoding="utf-8") for lang in ("en", "ja"))
        wmt = store.open_article(WMT.name, en, ja, source=f"folder:{WMT.parent}").id
        store.close()
        articles = {"seed": "", "wmt": f"&aid={wmt}"}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for (width, height), (name, query) in ((s, a) for s in SIZES for a in articles.items()):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{base}/?reviewer=Aiko{query}", timeout=60_000)
                expect(page.locator(".st-key-grid tr.selected")).to_have_count(1, timeout=120_000)
                expect(page.get_by_label("Translation")).to_have_count(1, timeout=60_000)
                page.wait_for_timeout(1500)
                shown = page.evaluate(VISIBLE_ROWS_JS)
                total = page.locator(".st-key-grid tr[data-seg]").count()
                accept = _inside(page, page.get_by_role("button", name=re.compile(r"^Accept")).first)
                editor = _inside(page, page.get_by_label("Translation"))
                path = out / f"review-{name}-{width}x{height}.png"
                page.screenshot(path=str(path), full_page=False)
                print(f"{name} {width}x{height}: {shown} of {total} segments fully visible; first flag's Accept"
                      f" in window: {accept}; Translation box in window: {editor} -> {path.relative_to(ROOT)}")
                page.close()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
