"""Export right after a save (headless chromium): the first click on an Export button gives a file,
and that file holds the save.

A click on CSV while the save's run was still going gave no file (a second click worked): the file is
built at the click (Streamlit's deferred download), and the click also reran the whole page, whose end
dropped the callable the browser was about to ask for. tests/ui/test_app_export.py shows that race
deterministically; this test is the reviewer's view of it: Save, then at once CSV, no waiting.
"""

from __future__ import annotations

import re
from pathlib import Path

from test_e2e_browser import ARGS, CHROMIUM, pytestmark, server  # noqa: F401  (slow; chromium present; fixture)


def test_export_clicked_right_after_save_has_the_save(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base, _ = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
            page.goto(f"{base}/?reviewer=Aiko", timeout=30_000)
            expect(page.get_by_label("Comment")).to_have_count(1, timeout=60_000)
            page.get_by_text("Export the reviewed article").click()
            csv = page.get_by_role("button", name="CSV")
            expect(csv).to_be_visible(timeout=20_000)
            csv.scroll_into_view_if_needed()
            page.get_by_label("Comment").fill("checked by Aiko")
            page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
            with page.expect_download(timeout=30_000) as got:  # at once: the save's run still going
                csv.click()
            assert "checked by Aiko" in Path(got.value.path()).read_text(encoding="utf-8")
        finally:
            browser.close()
