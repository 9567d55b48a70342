"""A translator working through a reviewed article (AppTest): the place, decisions and edits are kept.

Round 9 new-user pass: each test is a defect a translator hit, through the real review page.
"""

from __future__ import annotations

import pytest
from conftest import picker
from test_app import env, field  # noqa: F401  (the env fixture: tmp database + stutter check)
from test_app_trust import _form, _session, _submit

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_saving_as_reviewed_with_reviewed_hidden_opens_the_next_segment_not_the_first(env):  # noqa: F811
    """With *Hide reviewed* on, a segment saved as reviewed (Reviewed ticked, Save) leaves the rows
    shown: the selection goes on to the segment after it, as *Reviewed, next* does, not back to the
    article's first flagged segment (on a long article, pages away from where the work was)."""
    _, review, aid = env
    ids = [s.id for s in review.segments]
    first_flagged = next(s.id for s in review.segments if s.flags)
    at = _session("Aiko")
    at.toggle(key="f_open").set_value(True).run()
    here = next(i for i in ids[len(ids) // 2:] if i > first_flagged)
    picker(at).set_value(here).run()
    _, _, reviewed = _form(at, aid, here)
    reviewed.check()
    _submit(at, aid, here)
    assert picker(at).value == ids[ids.index(here) + 1]
    assert f"#{here}" not in [o.split()[0] for o in picker(at).options]  # hidden: reviewed
    # the last segment saved as reviewed: the one before it (nothing follows)
    last = ids[-1]
    picker(at).set_value(last).run()
    _, _, reviewed = _form(at, aid, last)
    reviewed.check()
    _submit(at, aid, last)
    assert picker(at).value == ids[-2]


def _box(widgets, aid: str, seg_id: int, name: str):
    return next(w for w in widgets if (w.key or "").startswith(f"{name}:{aid}:{seg_id}#"))


def test_an_unsaved_comment_comes_back_after_opening_another_segment(env):  # noqa: F811
    """Aiko writes a comment on segment A (not saved), clicks segment B to compare its wording and
    comes back: her comment is in the Comment box again, with a note, as an unsaved translation
    is (it was lost: the box was reloaded from the database). Save then saves it."""
    url, review, aid = env
    a, b = review.segments[1], review.segments[2]
    at = _session("Aiko")
    picker(at).set_value(a.id).run()
    box = _box(at.text_input, aid, a.id, "comment")
    at.session_state["live_comment"] = (box.key, "固有名詞を確認")  # what the box's watcher sends as she types
    picker(at).set_value(b.id).run()
    assert _box(at.text_input, aid, b.id, "comment").value == ""
    picker(at).set_value(a.id).run()
    assert _box(at.text_input, aid, a.id, "comment").value == "固有名詞を確認"
    assert _box(at.text_area, aid, a.id, "edit").value == a.tgt  # the translation was not touched
    assert any("unsaved comment of this segment is back" in i.value for i in at.info)
    from mtreview.ui.store import Store

    store = Store(url)
    assert store.segment_state(aid, a.id).version == 0  # nothing saved yet
    _submit(at, aid, a.id)
    saved = store.segment_state(aid, a.id)
    store.close()
    assert (saved.comment, saved.edit) == ("固有名詞を確認", None)
    assert not any("unsaved" in i.value for i in at.info)
    # leaving and coming back again: no draft left
    picker(at).set_value(b.id).run()
    picker(at).set_value(a.id).run()
    assert _box(at.text_input, aid, a.id, "comment").value == "固有名詞を確認"
    assert not any("unsaved" in i.value for i in at.info)


def _mark(at, aid: str, status: str) -> None:
    at.sidebar.selectbox(key=f"status:{aid}").set_value(status).run()
    if status == "done":
        at.sidebar.checkbox(key=f"done_anyway:{aid}").check().run()
    at.sidebar.button(key=f"save_status:{aid}").click().run()
    assert not at.exception


def test_the_article_status_follows_a_colleague_and_a_refused_save_can_be_retried(env):  # noqa: F811
    """Ben marked the article done while Aiko had it open: her sidebar kept showing *in_progress*
    (the header said done), and her status saves were refused again and again until a browser
    reload. Now her sidebar shows the stored status; a save refused because Ben changed it in
    between says so in one line, shows his status, and her next save works."""
    from mtreview.ui.store import Store

    url, _, aid = env
    aiko, ben = _session("Aiko"), _session("Ben")
    _mark(ben, aid, "done")
    aiko.run()
    assert aiko.sidebar.selectbox(key=f"status:{aid}").value == "done"  # as stored
    aiko.sidebar.selectbox(key=f"status:{aid}").set_value("in_progress").run()  # her choice, not saved
    _mark(ben, aid, "in_progress")
    ben.sidebar.selectbox(key=f"status:{aid}").set_value("done").run()
    ben.sidebar.checkbox(key=f"done_anyway:{aid}").check().run()
    ben.sidebar.button(key=f"save_status:{aid}").click().run()  # done again, version 3
    aiko.run()
    assert aiko.sidebar.selectbox(key=f"status:{aid}").value == "in_progress"  # her pending choice is kept
    aiko.sidebar.button(key=f"save_status:{aid}").click().run()
    [error] = aiko.error
    assert "Ben set the article's status to done after you opened it" in error.value and "\n" not in error.value
    assert aiko.sidebar.selectbox(key=f"status:{aid}").value == "done"
    _mark(aiko, aid, "in_progress")
    store = Store(url)
    art = store.article(aid)
    store.close()
    assert (art.status, art.reviewer) == ("in_progress", "Aiko")


def test_the_header_names_who_set_the_status_not_a_last_save_that_was_someone_else_s(env):  # noqa: F811
    """The header said "last saved by Ben" (Ben had marked the article done) after Aiko's own
    saves: the name is whoever set the status, and it now says so."""
    _, review, aid = env
    ben, aiko = _session("Ben"), _session("Aiko")
    _mark(ben, aid, "done")
    seg = review.segments[0].id
    picker(aiko).set_value(seg).run()
    _, comment, _ = _form(aiko, aid, seg)
    comment.input("checked")
    _submit(aiko, aid, seg)
    header = "".join(h.value for h in aiko.html if 'class="mtr-header"' in h.value)
    assert "status done (set by Ben)" in header
    assert "last saved by" not in header


def test_an_article_opened_by_a_link_is_the_one_the_sidebar_names(env, tmp_path):  # noqa: F811
    """A dashboard link opened article *bravo* of a batch; the sidebar's Article picker showed the
    batch's first article (*alpha*), so its Open button opened another article than the one under
    review. The picker now names the article open."""
    import json

    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    _, review, _ = env
    art_dir = tmp_path / "batch" / "articles"
    art_dir.mkdir(parents=True)
    for name in ("alpha", "bravo", "charlie"):
        (art_dir / f"{name}.review.json").write_text(json.dumps(review.to_dict(), ensure_ascii=False),
                                                     encoding="utf-8")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"view": "review", "batch": str(tmp_path / "batch"), "article": "bravo"})
    at.run()
    assert not at.exception and at.session_state["opened"].name == "bravo"
    assert at.sidebar.selectbox(key="batch_pick").value == "bravo"
    [open_it] = [b for b in at.sidebar.button if b.label == "Open from batch"]
    open_it.click().run()
    assert at.session_state["opened"].name == "bravo"


def test_the_watcher_s_late_message_after_a_save_leaves_no_draft(env):  # noqa: F811
    """Ctrl+Enter right after typing: the box's watcher sends its text 400 ms later, after the save,
    under the reloaded form's key. Opening another segment then kept that saved text as a "draft",
    and the page took it for unsaved work (a reload asked *Leave site?* for nothing)."""
    _, review, aid = env
    a, b = review.segments[1], review.segments[2]
    at = _session("Aiko")
    picker(at).set_value(a.id).run()
    _, comment, _ = _form(at, aid, a.id)
    comment.input("固有名詞を確認")
    _submit(at, aid, a.id)
    edit, comment, _ = _form(at, aid, a.id)  # the reloaded form (new keys)
    at.session_state["live_comment"] = (comment.key, "固有名詞を確認")  # the late message: the saved text
    at.session_state["live_text"] = (edit.key, a.tgt)
    picker(at).set_value(b.id).run()
    assert (aid, a.id) not in at.session_state["drafts"]
    picker(at).set_value(a.id).run()
    assert not any("unsaved" in i.value for i in at.info)


def test_a_wide_reject_scope_does_not_follow_into_the_next_article(env, tmp_path):  # noqa: F811
    """Aiko rejected a false positive for *this project* in one article, then opened another: the
    scope was still the wider one, so her next Alt+X there silenced a flag beyond that article.
    Each article opened starts at *this article*; within one article the choice stays."""
    import json

    _, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    art_dir = tmp_path / "batch" / "articles"
    art_dir.mkdir(parents=True)
    (art_dir / "other.review.json").write_text(json.dumps(review.to_dict(), ensure_ascii=False), encoding="utf-8")
    at = _session("Aiko")
    at.radio(key="reject_scope").set_value("project").run()
    at.button(key=f"rej:0:{aid}:{seg.id}").click().run()
    assert at.radio(key="reject_scope").value == "project"  # kept within the article
    at.sidebar.radio(key="open_choice").set_value("Batch result").run()
    at.sidebar.text_input(key="batch_dir").input(str(tmp_path / "batch")).run()
    [open_it] = [b for b in at.sidebar.button if b.label == "Open from batch"]
    open_it.click().run()
    assert not at.exception and at.session_state["opened"].name == "other"
    assert at.radio(key="reject_scope").value == "article"
