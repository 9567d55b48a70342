"""Two reviewers in the app (AppTest): nothing lost, no false conflicts, suppressions and 'done' visible.

Issue 12 items 1, 2, 4, 5 and issue 13.2 (a reviewer's name is plain text), through the real
review page with two sessions on one database.
"""

from __future__ import annotations

import pytest
from conftest import picker
from test_app import _app, env, field  # noqa: F401  (the env fixture: tmp database + stutter check)

from mtreview.ui.render import flag_key, md_escape
from mtreview.ui.store import FlagDecision, Store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _session(name: str):
    at = _app()
    at.text_input(key="reviewer").input(name).run()
    return at


def _form(at, aid, seg_id):
    return (field(at.text_area, f"edit:{aid}:{seg_id}"), field(at.text_input, f"comment:{aid}:{seg_id}"),
            field(at.checkbox, f"reviewed:{aid}:{seg_id}"))


def _submit(at, aid, seg_id, label="Save"):
    at.button(key=f"FormSubmitter:form:{aid}:{seg_id}-{label}").click().run()
    assert not at.exception


@pytest.fixture
def two(env):  # noqa: F811
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    a, b = _session("A"), _session("B")  # both open the article on the first flagged segment
    for at in (a, b):
        assert picker(at).value == seg.id
    edit, comment, _ = _form(a, aid, seg.id)
    edit.input("A訳")
    comment.input("A版")
    _submit(a, aid, seg.id)
    return url, aid, seg, b


def test_a_refused_save_then_reload_puts_their_version_in_every_field(two):
    url, aid, seg, b = two
    edit, comment, _ = _form(b, aid, seg.id)
    edit.input("B訳")
    _submit(b, aid, seg.id)
    [error] = b.error
    assert error.value.startswith(f"segment {seg.id} was saved by A at ")
    diff = next(h.value for h in b.html if "mtr-diff" in h.value)
    assert "A訳" in diff and "B訳" in diff and "A版" in diff  # theirs against mine
    b.button(key=f"reload:{aid}:{seg.id}").click().run()
    edit, comment, reviewed = _form(b, aid, seg.id)
    assert (edit.value, comment.value, reviewed.value) == ("A訳", "A版", False)
    reviewed.check()
    _submit(b, aid, seg.id)  # B's next save is based on A's version and keeps A's work
    assert not b.error
    st = Store(url).segment_state(aid, seg.id)
    assert (st.edit, st.comment, st.reviewed, st.edited_by, st.reviewed_by) == ("A訳", "A版", True, "A", "B")


def test_overwrite_with_mine_is_an_explicit_choice_after_the_diff(two):
    url, aid, seg, b = two
    edit, comment, _ = _form(b, aid, seg.id)
    edit.input("B訳")
    comment.input("B版")
    _submit(b, aid, seg.id)
    st = Store(url).segment_state(aid, seg.id)
    assert (st.edit, st.comment) == ("A訳", "A版")  # refused: nothing of B's written yet
    b.button(key=f"overwrite:{aid}:{seg.id}").click().run()
    assert not b.error
    st = Store(url).segment_state(aid, seg.id)
    assert (st.edit, st.comment, st.edited_by, st.version) == ("B訳", "B版", "B", 2)
    assert _form(b, aid, seg.id)[0].value == "B訳"


def test_returning_to_a_segment_bases_the_save_on_the_version_shown(env):  # noqa: F811
    """Item 2: B looks at a segment, moves on, A saves it, B comes back: no false conflict."""
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    other = next(s.id for s in review.segments if s.id != seg.id)
    b = _session("B")
    picker(b).set_value(other).run()
    Store(url).save_segment(aid, seg.id, "A", 0, edit="A訳", comment="A版")
    picker(b).set_value(seg.id).run()
    edit, comment, _ = _form(b, aid, seg.id)
    assert (edit.value, comment.value) == ("A訳", "A版")  # the form shows A's saved version
    comment.input("A版, checked by B")
    _submit(b, aid, seg.id)
    assert not b.error
    st = Store(url).segment_state(aid, seg.id)
    assert (st.edit, st.comment, st.version) == ("A訳", "A版, checked by B", 2)


def test_flags_suppressed_elsewhere_are_counted_and_listed_with_who_when_scope(env):  # noqa: F811
    url, review, _ = env
    seg = next(s for s in review.segments if s.flags)
    key = flag_key(seg.flags[0], seg)
    store = Store(url)
    elsewhere = store.open_article("another article", "x", "y", source="upload").id
    store.decide(elsewhere, 0, "Ben", 0, FlagDecision(key, seg.flags[0].check, seg.flags[0].text, "reject",
                                                      "global"))
    at = _session("A")
    assert any("1 flag suppressed by rejections in other articles" in c.value for c in at.caption)
    assert not [h for h in at.html if "mtr-suppressed" in h.value]
    at.toggle(key="show_suppressed").set_value(True).run()
    listing = next(h.value for h in at.html if "mtr-suppressed" in h.value)
    assert "Ben" in listing and "global" in listing and seg.flags[0].text in listing
    # an article-scoped reject elsewhere hides nothing here
    st = store.segment_state(elsewhere, 0)
    store.decide(elsewhere, 0, "Ben", st.version, FlagDecision(key, seg.flags[0].check, seg.flags[0].text,
                                                                "reject", "article"))
    at.run()
    assert not any("suppressed" in c.value for c in at.caption)


def test_marking_done_with_open_work_warns_and_asks_for_confirmation(env):  # noqa: F811
    url, _, aid = env
    at = _session("A")
    at.sidebar.selectbox(key=f"status:{aid}").set_value("done").run()
    [warning] = at.sidebar.warning
    assert "1 of 1 flags undecided" in warning.value and "segments not reviewed" in warning.value
    assert at.sidebar.button(key=f"save_status:{aid}").disabled
    at.sidebar.checkbox(key=f"done_anyway:{aid}").check().run()
    at.sidebar.button(key=f"save_status:{aid}").click().run()
    assert Store(url).article(aid).status == "done"


def test_a_reviewer_name_is_plain_text_in_the_conflict_message(env):  # noqa: F811
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _session("A")
    Store(url).save_segment(aid, seg.id, "**Ben** :red[x]", 0, comment="c")
    at.button(key=f"acc:0:{aid}:{seg.id}").click().run()
    [error] = at.error
    assert md_escape("saved by **Ben** :red[x] at") in error.value


@pytest.fixture
def real_checks(env, tmp_path, monkeypatch):  # noqa: F811
    """The app with the real repetition and numbers checks (both major)."""
    cfg = tmp_path / "real.toml"
    cfg.write_text('[checks]\nenabled = ["repetition", "numbers"]\n', encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_CONFIG", str(cfg))
    return env[0], env[2]


def test_an_edit_is_rechecked_and_a_new_major_flag_asks_before_save_as_reviewed(real_checks):
    url, aid = real_checks
    at = _session("A")
    seg_id = picker(at).value  # the first flagged segment: the reporting-verb stutter
    flagged = _form(at, aid, seg_id)[0].value
    assert "述べたと述べた" in flagged
    fixed = flagged.replace("述べたと述べた", "述べた")
    _form(at, aid, seg_id)[0].input(fixed)
    _submit(at, aid, seg_id)
    panel = next(h.value for h in at.html if "mtr-recheck" in h.value)
    assert "resolved by the edit: repetition" in panel and "no flags on the edited text" in panel

    other = next(i for i in picker(at).options if int(i.split()[0].lstrip("#")) != seg_id)
    other_id = int(other.split()[0].lstrip("#"))
    picker(at).set_value(other_id).run()
    edit = _form(at, aid, other_id)[0]
    broken = edit.value.rstrip("。") + "と述べたと述べた。"
    edit.input(broken)
    _submit(at, aid, other_id, "Reviewed, next")
    [warning] = [w for w in at.warning if "new major flag" in w.value]
    assert "repetition (major)" in warning.value
    assert Store(url).segment_state(aid, other_id).version == 0  # held back, not saved
    at.button(key=f"anyway:{aid}:{other_id}").click().run()
    st = Store(url).segment_state(aid, other_id)
    assert (st.edit, st.reviewed) == (broken, True)


def _reopen_with(at):
    """A page reload: a new session started from the URL the old one left."""
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.query_params.update({k: v for k, v in at.query_params.items()})
    return again.run()


def test_a_reload_keeps_the_article_segment_filters_and_reviewer(env, monkeypatch):  # noqa: F811
    """The URL keeps the place; the name comes back from this browser's cookie (set by the page's
    script, which AppTest does not run: tests/e2e/test_e2e_browser.py reloads a real browser), not
    from the URL, which is what a reviewer sends to colleagues."""
    from mtreview.ui import reviewer

    _, review, aid = env
    at = _session("Aiko")
    other = review.segments[-1].id
    picker(at).set_value(other).run()
    at.toggle(key="f_worst").set_value(True).run()
    qp = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert (qp["aid"], qp["seg"], qp["f_worst"]) == (aid, str(other), "1") and "reviewer" not in qp
    monkeypatch.setattr(reviewer, "browser_cookie", lambda: "Aiko")
    again = _reopen_with(at)
    assert not again.exception
    assert picker(again).value == other
    assert again.toggle(key="f_worst").value is True
    assert again.text_input(key="reviewer").value == "Aiko"


def test_an_uploaded_article_comes_back_after_a_reload(env):  # noqa: F811
    at = _session("Aiko")
    at.sidebar.radio(key="open_choice").set_value("Upload a pair").run()
    at.sidebar.file_uploader(key="up_en").upload("up.en.txt", b"North Korea said Sunday it agreed with Russia.")
    at.sidebar.file_uploader(key="up_ja").upload(
        "up.ja.txt", "北朝鮮は日曜日、ロシアと協力を進めることで合意したと述べたと述べた。".encode()).run()
    next(b for b in at.sidebar.button if b.label == "Open uploaded pair").click().run()
    again = _reopen_with(at)
    assert not again.exception
    title = next(h.value for h in again.html if "mtr-header" in h.value)
    assert ">up</h3>" in title
