"""An unsaved edit survives a look at another segment (headless chromium).

The translator types into the Translation box, clicks another row to check its wording, and comes
back: what was typed is in the box again (it was lost: the box was reloaded from the database),
still unsaved until Save.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from conftest import ROOT
from test_e2e_browser import ARGS, CHROMIUM, GRID, live, pytestmark  # noqa: F401  (slow; chromium present)

sys.path.insert(0, str(ROOT / "bench"))

from ui_server import serve

from mtreview.ui.store import Store

TYPED = "（追記）"
SELECTED = re.compile(r"\bselected\b")


@contextmanager
def _draft_typed(db: str, log: Path) -> Iterator[tuple[Any, Any, str]]:
    """A browser on the app at segment 4, with TYPED added to its Translation box and not saved:
    (page, the box, the box's text before typing)."""
    from playwright.sync_api import expect, sync_playwright

    with serve(db, log) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{base}/?reviewer=Aiko&seg=4", timeout=60_000)
            box = live(page, "Translation")
            expect(box).to_have_count(1, timeout=120_000)
            expect(page.locator(f'{GRID} tr[data-seg="4"]')).to_have_class(SELECTED, timeout=60_000)
            original = box.input_value()
            box.click()
            box.press("Control+End")
            box.press_sequentially(TYPED, delay=30)
            expect(page.locator(".mtr-recheck")).to_contain_text(TYPED, timeout=30_000)  # the watcher sent it
            yield page, box, original
        finally:
            browser.close()


def _open(page: Any, box: Any, seg: int) -> None:
    """Click segment ``seg`` in the grid and wait until it is the one in the box."""
    from playwright.sync_api import expect

    page.locator(f'{GRID} tr[data-seg="{seg}"] td.src').click()
    expect(page.locator(f'{GRID} tr[data-seg="{seg}"]')).to_have_class(SELECTED, timeout=30_000)
    expect(box).to_have_count(1, timeout=120_000)


def test_an_unsaved_edit_comes_back_after_opening_another_segment(tmp_path):
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'draft.db'}"
    with _draft_typed(db, tmp_path / "streamlit.log") as (page, box, original):
        _open(page, box, 7)
        expect(box).not_to_have_value(original + TYPED, timeout=30_000)  # segment 7's text now
        _open(page, box, 4)
        expect(box).to_have_value(original + TYPED, timeout=30_000)
        expect(page.get_by_text("Your unsaved edit of this segment is back")).to_be_visible()
        store = Store(db)
        assert all(s.edit is None for a in store.articles() for s in store.segment_states(a.id).values())
        store.close()
        page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
        expect(page.get_by_text("segment 4 saved")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Your unsaved edit of this segment is back")).to_have_count(0)
    store = Store(db)
    [state] = store.segment_states(next(iter(store.articles())).id).values()
    assert (state.seg_id, state.edit, state.edited_by) == (4, original + TYPED, "Aiko")
    store.close()


def test_a_recovered_draft_can_be_discarded(tmp_path):
    """The draft is back, but the reviewer does not want it: **Discard the draft** puts the saved
    translation back in the box, and the draft does not return on the next visit."""
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'discard.db'}"
    with _draft_typed(db, tmp_path / "streamlit.log") as (page, box, original):
        for seg in (7, 4):
            _open(page, box, seg)
        expect(box).to_have_value(original + TYPED, timeout=30_000)
        page.get_by_role("button", name="Discard the draft").click()
        expect(box).to_have_value(original, timeout=120_000)
        expect(page.get_by_text("Your unsaved edit of this segment is back")).to_have_count(0)
        for seg in (7, 4):
            _open(page, box, seg)
        expect(box).to_have_value(original, timeout=30_000)
        expect(page.get_by_text("Your unsaved edit of this segment is back")).to_have_count(0)
    store = Store(db)
    assert all(s.edit is None for a in store.articles() for s in store.segment_states(a.id).values())
    store.close()


def test_an_unsaved_comment_comes_back_after_opening_another_segment(tmp_path):
    """A comment typed and not saved was lost when another row was clicked (only the Translation box
    was followed): it comes back with the typed translation, and Save saves both."""
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'comment.db'}"
    with _draft_typed(db, tmp_path / "streamlit.log") as (page, box, original):
        comment = live(page, "Comment")
        comment.click()
        comment.press_sequentially("固有名詞を確認", delay=30)
        page.wait_for_timeout(1500)  # the typing pause (400 ms) sends the comment's text
        _open(page, box, 7)
        expect(comment).to_have_value("", timeout=30_000)  # segment 7's (empty) comment now
        _open(page, box, 4)
        expect(comment).to_have_value("固有名詞を確認", timeout=30_000)
        expect(box).to_have_value(original + TYPED, timeout=30_000)
        expect(page.get_by_text("Your unsaved edit and comment of this segment are back")).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
        expect(page.get_by_text("segment 4 saved")).to_be_visible(timeout=30_000)
    store = Store(db)
    [state] = store.segment_states(next(iter(store.articles())).id).values()
    assert (state.seg_id, state.edit, state.comment) == (4, original + TYPED, "固有名詞を確認")
    assert state.commented_by == "Aiko"
    store.close()


def test_a_reload_with_unsaved_typed_text_asks_first_and_not_once_it_is_saved(tmp_path):
    """A reload starts a new session: the typed, unsaved text would be gone without a word. The
    page now asks first (the browser's *Leave site?*); once the text is saved, a reload asks nothing."""
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'unload.db'}"
    with _draft_typed(db, tmp_path / "streamlit.log") as (page, box, original):
        asked: list[str] = []

        def stay(dialog: Any) -> None:
            asked.append(dialog.type)
            dialog.dismiss()  # stay on the page

        page.on("dialog", stay)
        page.evaluate("() => window.location.reload()")
        page.wait_for_timeout(1500)
        assert asked == ["beforeunload"]
        expect(box).to_have_value(original + TYPED)  # still on the page, the text still there
        page.get_by_role("button", name=re.compile(r"^Save Shortcut")).click()
        expect(page.get_by_text("segment 4 saved")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1000)
        page.reload()
        expect(box).to_have_value(original + TYPED, timeout=120_000)  # saved: the new session shows it
        assert asked == ["beforeunload"]  # not asked again


def test_text_typed_just_before_a_row_is_clicked_comes_back_whole(tmp_path):
    """The box's text was sent after a 400 ms pause in typing; a row clicked sooner replaced the box,
    and the letters typed since the last pause were lost from the draft. Leaving the box sends them."""
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'quick.db'}"
    with _draft_typed(db, tmp_path / "streamlit.log") as (page, box, original):
        box.press_sequentially("追加", delay=20)
        page.locator(f'{GRID} tr[data-seg="7"] td.src').click()  # at once, no pause
        expect(page.locator(f'{GRID} tr[data-seg="7"]')).to_have_class(SELECTED, timeout=30_000)
        _open(page, box, 4)
        expect(box).to_have_value(original + TYPED + "追加", timeout=30_000)
