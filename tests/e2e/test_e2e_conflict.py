"""Two reviewers in two real browser pages (headless chromium): issue 12 item 1 and 13.2.

A and B open the same segment; A saves an edit and a comment; B's save is refused with a diff
and A's name shown as typed (Markdown in it stays text); "Reload their version" puts A's
translation and comment in B's form; B's next save (as reviewed) keeps A's work, after B
confirms the new major flag the re-check found on A's text.
"""

from __future__ import annotations

import re
import sys

from conftest import ROOT
from test_e2e_browser import ARGS, CHROMIUM, GRID, live, pytestmark  # noqa: F401  (slow; chromium present)

sys.path.insert(0, str(ROOT / "bench"))

from ui_server import serve

from mtreview.ui.store import Store


def _open(browser, base, name):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{base}/?reviewer={name}", timeout=60_000)
    expect(live(page, "Translation")).to_have_count(1, timeout=120_000)
    return page


def _save(page):
    page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()


def test_reload_their_version_fills_every_field_and_keeps_their_work(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'conflict.db'}"
    with serve(db, tmp_path / "streamlit.log") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            a, b = _open(browser, base, "**Aiko**"), _open(browser, base, "Ben")
            seg = a.locator(f"{GRID} tr.selected").get_attribute("data-seg")
            assert b.locator(f"{GRID} tr.selected").get_attribute("data-seg") == seg
            live(a, "Translation").fill("A訳です。")
            # as a reviewer would: the typed text is re-checked (item 9) before the next action
            expect(a.locator(".mtr-recheck")).to_contain_text("A訳です。", timeout=30_000)
            live(a, "Comment").fill("A版")
            _save(a)
            expect(a.get_by_text(f"segment {seg} saved")).to_be_visible(timeout=30_000)

            live(b, "Translation").fill("B訳です。")
            expect(b.locator(".mtr-recheck")).to_contain_text("B訳です。", timeout=30_000)
            _save(b)
            alert = b.get_by_text(f"segment {seg} was saved by **Aiko** at")  # the name as typed
            expect(alert).to_be_visible(timeout=30_000)
            assert b.locator("[data-testid=stAlert] strong").count() == 0  # no Markdown rendered
            diff = b.locator("table.mtr-diff")
            expect(diff).to_contain_text("A訳です。")
            expect(diff).to_contain_text("B訳です。")
            b.get_by_role("button", name="Reload their version").click()
            expect(b.locator("table.mtr-diff")).to_have_count(0, timeout=30_000)
            expect(b.locator("textarea", has_text="B訳です。")).to_have_count(0, timeout=30_000)  # old field gone
            expect(live(b, "Translation")).to_have_value("A訳です。", timeout=30_000)
            expect(live(b, "Comment")).to_have_value("A版")
            b.get_by_label("Reviewed").check(force=True)  # its label covers the box
            _save(b)
            # item 9: A's short text re-checked leaves most of the source untranslated: asked first
            expect(b.get_by_text("new major flag(s): omission (major)")).to_be_visible(timeout=30_000)
            b.get_by_role("button", name="Save as reviewed anyway").click()
            expect(b.get_by_text(f"segment {seg} saved as reviewed")).to_be_visible(timeout=30_000)
        finally:
            browser.close()
    store = Store(db)
    [state] = store.segment_states(next(iter(store.articles())).id).values()
    assert (state.edit, state.comment, state.reviewed) == ("A訳です。", "A版", True)
    assert (state.edited_by, state.commented_by, state.reviewed_by) == ("**Aiko**", "**Aiko**", "Ben")
    store.close()


def test_a_refused_decision_shows_its_conflict_in_view(tmp_path):
    """Ben saved the segment; Aiko, whose panel was scrolled down to the re-check of her typing,
    clicks Accept: the decision is refused, and the conflict was drawn at the top of the panel, out
    of view (the click seemed to do nothing). The panel now scrolls up to it."""
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'conflict.db'}"
    with serve(db, tmp_path / "streamlit.log") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            a, b = _open(browser, base, "Aiko"), _open(browser, base, "Ben")
            a.set_viewport_size({"width": 1366, "height": 600})  # a short window: the panel scrolls
            seg = a.locator(f"{GRID} tr.selected").get_attribute("data-seg")
            live(b, "Comment").fill("Ben's note")
            _save(b)
            expect(b.get_by_text(f"segment {seg} saved")).to_be_visible(timeout=30_000)

            box = live(a, "Translation")
            box.click()
            box.press("Control+End")
            box.press_sequentially("（追記）", delay=30)
            expect(a.locator(".mtr-recheck")).to_contain_text("（追記）", timeout=30_000)
            a.wait_for_timeout(800)  # the panel scrolls down to the re-check
            assert a.evaluate("() => document.querySelector('.st-key-editor').scrollTop") > 0
            a.get_by_role("button", name=re.compile(r"^Accept")).first.click()
            alert = a.get_by_text(f"segment {seg} was saved by Ben at")
            expect(alert).to_be_visible(timeout=30_000)
            expect(alert).to_be_in_viewport(timeout=10_000)
            expect(a.get_by_role("button", name="Reload their version")).to_be_in_viewport()
        finally:
            browser.close()
