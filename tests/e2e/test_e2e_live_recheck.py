"""Edits re-checked as the translator types (issue 12 item 9, headless chromium).

Typing a stutter 「…と述べたと述べた」 and a year into the Translation box shows the new flags
under the editor without pressing Save (the watcher sends the text once typing pauses); the
box keeps what was typed through the reruns; deleting the stutter again removes its flag; nothing
is saved until Save, and Save then stores exactly the typed text.
"""

from __future__ import annotations

import re
import sys

from conftest import ROOT
from test_e2e_browser import ARGS, CHROMIUM, GRID, live, pytestmark  # noqa: F401  (slow; chromium present)

sys.path.insert(0, str(ROOT / "bench"))

from ui_server import serve

from mtreview.ui.store import Store

TYPED = "2099年に死亡したと述べたと述べた。"
FIXED = "2099年に死亡したと述べた。"


def test_typing_shows_the_new_flags_before_saving(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'live.db'}"
    with serve(db, tmp_path / "streamlit.log") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{base}/?reviewer=Aiko", timeout=60_000)
            box = live(page, "Translation")
            expect(box).to_have_count(1, timeout=120_000)
            expect(page.locator(".mtr-recheck")).to_have_count(0)  # nothing edited yet
            original = box.input_value()
            box.click()
            box.press("Control+End")
            box.press_sequentially(TYPED, delay=30)
            recheck = page.locator(".mtr-recheck")
            expect(recheck).to_contain_text("repetition (major)", timeout=30_000)
            expect(recheck).to_contain_text("(new)")
            expect(recheck).to_be_in_viewport()  # under the box, seen while typing at 1366×768
            expect(recheck.locator("mark", has_text="述べたと述べ")).to_have_count(1)
            expect(box).to_have_value(original + TYPED)  # the reruns kept what was typed
            for _ in "と述べた。":  # undo the stutter: the flag goes as the text changes
                box.press("Backspace")
            box.press_sequentially("。")
            expect(recheck).not_to_contain_text("repetition", timeout=30_000)
            expect(recheck).to_contain_text("2099年に死亡したと述べた。")
            expect(page.get_by_text(re.compile(r"^segment \d+ saved"))).to_have_count(0)
            seg = page.locator(f"{GRID} tr.selected").get_attribute("data-seg")
            store = Store(db)
            assert all(s.edit is None for a in store.articles() for s in store.segment_states(a.id).values())
            store.close()
            page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
            expect(page.get_by_text(f"segment {seg} saved")).to_be_visible(timeout=30_000)
        finally:
            browser.close()
    store = Store(db)
    [state] = store.segment_states(next(iter(store.articles())).id).values()
    assert (state.edit, state.edited_by, state.reviewed) == (original + FIXED, "Aiko", False)
    store.close()
