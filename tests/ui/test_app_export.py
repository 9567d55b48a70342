"""The Export buttons of the review view (AppTest, one media file manager kept across runs, as the
server keeps one): a click gives a file, and the file holds what is saved at the click.

The buttons build the file when clicked (Streamlit's deferred download: a callable), so that a save,
which reruns only the grid and panel (a fragment) and not the Export box, is in it. Streamlit keeps
such a callable until the end of the next full page run. A click that reruns the page (the default
``on_click="rerun"``) started that run itself, and the browser's request for the file raced it: a click
while a save's run was still going gave no file (a second click worked).
"""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from mtreview.registry import EXPORT_FORMATS
from mtreview.ui.store import Store
from tests.ui.test_app import _app, env  # noqa: F401  (the fixture; another file: by its package path)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def media(monkeypatch):
    """One media file manager for every run of the test, as a server has (AppTest makes a new one per run)."""
    mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    monkeypatch.setattr(app_test, "MediaFileManager", lambda storage: mgr)
    return mgr


def _fetch(mgr: MediaFileManager, button) -> bytes:
    """What the browser gets for a click on ``button``: the deferred callable's file (or the eager file)."""
    proto = button.proto
    url = mgr.execute_deferred(proto.deferred_file_id) if proto.deferred_file_id else proto.url
    file = mgr.read_file(url.rsplit("/", 1)[-1].split(".")[0])
    assert file is not None, f"no file at {url}"
    return file.content


def test_export_click_gives_a_file_with_the_save_made_after_the_box_was_drawn(env, media):  # noqa: F811
    url, review, aid = env
    seg = review.segments[0]
    at = _app()
    at.session_state["x_export"] = True  # the Export box opened
    at.run()
    assert not at.exception
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert set(buttons) == {fmt.upper() for fmt in EXPORT_FORMATS}
    # a save made in the grid and panel's fragment: the Export box is not drawn again
    store = Store(url)
    store.save_segment(aid, seg.id, "Aiko", 0, comment="checked by Aiko")
    store.close()
    for label, button in buttons.items():
        if not button.proto.ignore_rerun:  # the click reruns the whole page before the browser asks for the file
            at.run()
        data = _fetch(media, button)
        assert data, label
    got = _fetch(media, buttons["CSV"]).decode("utf-8")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(got))}
    assert (rows[seg.id]["comment"], rows[seg.id]["commented_by"]) == ("checked by Aiko", "Aiko")
