"""The Streamlit app through AppTest: loads the sample, shows segments, saves decisions to the DB."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import picker
from stutter_check import STUTTER, STUTTER_ID, registered_stutter

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io.load import load_document
from mtreview.ui.render import flag_key, md_escape
from mtreview.ui.store import Store, article_id

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def env(tmp_path, monkeypatch, seed_paths):
    """A tmp database and a config enabling only the test check; yields (db url, expected review)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    cfg = tmp_path / "ui.toml"
    cfg.write_text(f'[checks]\nenabled = ["{STUTTER_ID}"]\n', encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_DB", url)
    monkeypatch.setenv("MTREVIEW_CONFIG", str(cfg))
    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(tmp_path))  # as `mtreview app --batch-root tmp_path`
    with registered_stutter():
        src, tgt = (load_document(p) for p in seed_paths)
        review = pipeline.review(src, tgt, Config().replace(checks__enabled=(STUTTER_ID,)))
        yield url, review, article_id("seed (sample)", src.text, tgt.text)


def _app(script: str = "app.py"):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / script), default_timeout=120)
    return at.run()


def test_the_packaged_page_runs_as_streamlit_runs_it(env):
    """`mtreview app` runs mtreview/ui/streamlit_app.py itself (no checkout needed): same page."""
    at = _app("mtreview/ui/streamlit_app.py")
    assert not at.exception and not at.error
    assert "述べたと述べた" in _table(at)


def field(widgets, key: str):
    """The editor's field ``key`` (its widget key carries a generation: ``key#N``)."""
    [w] = [w for w in widgets if (w.key or "").split("#")[0] == key]
    return w


def _table(at) -> str:
    """The grid's rows: its blocks of rows (render.segments_grid), joined."""
    marker = 'class="mtr-table"><colgroup><col class="id"><col><col>'
    return "".join(h.value for h in at.html if marker in h.value)


def _title(at) -> str:
    return re.search(r'<div class="mtr-header"><h3[^>]*>(.*?)</h3>', "".join(h.value for h in at.html))[1]


def test_page_loads_sample_and_shows_segments(env):
    _, review, _ = env
    at = _app()
    assert not at.exception
    table = _table(at)
    assert len(re.findall(r'<tr id="seg-\d+"', table)) == len(review.segments)
    flagged = [s for s in review.segments if s.flags]
    assert [s.flags[0].text for s in flagged] == [STUTTER]
    assert f'title="{STUTTER_ID} (minor): repeated reporting verb">{STUTTER}</mark>' in table
    assert picker(at).value == flagged[0].id  # opens on the first flagged segment
    assert _title(at) == "seed (sample)"


def test_decision_and_edit_are_saved_and_survive_reload(env):
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _app()
    at.text_input(key="reviewer").input("Aiko")
    at.button(key=f"rej:0:{aid}:{seg.id}").click().run()
    assert not at.exception
    store = Store(url)
    key = flag_key(seg.flags[0], seg)
    assert store.segment_state(aid, seg.id).decision(key) == "reject"
    assert store.suppressed_keys() == {key}

    fixed = seg.tgt.replace(STUTTER, "述べた")
    field(at.text_area, f"edit:{aid}:{seg.id}").input(fixed)
    field(at.text_input, f"comment:{aid}:{seg.id}").input("stutter")
    at.button(key=f"FormSubmitter:form:{aid}:{seg.id}-Save").click().run()
    assert not at.exception
    st = store.segment_state(aid, seg.id)
    assert (st.edit, st.comment, st.updated_by, st.version) == (fixed, "stutter", "Aiko", 2)

    again = _app()  # a new session: everything comes back from the database
    table = _table(again)
    assert "edited; was:" in table and fixed in table
    assert f'<mark class="mtr minor rejected" data-check="{STUTTER_ID}"' in table  # still shown, as rejected
    assert again.button(key=f"rej:0:{aid}:{seg.id}").proto.type == "primary"
    store.close()


def test_saving_without_a_reviewer_name_is_refused(env):
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _app()
    at.button(key=f"acc:0:{aid}:{seg.id}").click().run()
    assert [e.value for e in at.error] == ["enter the reviewer's name before saving"]
    assert Store(url).segment_state(aid, seg.id).version == 0


def test_stale_save_shows_who_saved_in_between(env):
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _app()  # Aiko opens the article (sees version 0)
    at.text_input(key="reviewer").input("Aiko").run()
    Store(url).save_segment(aid, seg.id, "Ben", 0, comment="Ben was here")  # Ben saves first
    at.button(key=f"acc:0:{aid}:{seg.id}").click().run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(f"segment {seg.id} was saved by Ben at ")
    st = Store(url).segment_state(aid, seg.id)
    assert (st.comment, st.decisions, st.version) == ("Ben was here", (), 1)  # nothing overwritten
    at.button(key=f"reload:{aid}:{seg.id}").click().run()
    at.button(key=f"acc:0:{aid}:{seg.id}").click().run()
    assert not at.error
    assert Store(url).segment_state(aid, seg.id).decision(flag_key(seg.flags[0], seg)) == "accept"


def test_article_from_batch_result_via_query_params(env, tmp_path):
    _, review, _ = env
    art_dir = tmp_path / "batch" / "articles"
    art_dir.mkdir(parents=True)
    data = review.to_dict()
    data["meta"]["article"] = {"id": "seed-0001", "src_path": None, "tgt_path": None, "date": None,
                               "desk": "world", "translator": None}
    data["removed"] = [{"side": "tgt", "start": 0, "end": 13, "text": "return to top",
                        "reason": "navigation"}]
    (art_dir / "seed-0001.review.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"view": "review", "batch": str(tmp_path / "batch"), "article": "seed-0001"})
    at.run()
    assert not at.exception
    assert _title(at) == "seed-0001"
    assert "desk world" in "".join(h.value for h in at.html)
    assert f">{STUTTER}</mark>" in _table(at)
    assert not at.dataframe  # drawn only once its expander is opened
    at.session_state["x_removed"] = True
    at.run()
    removed = at.dataframe[0].value
    assert list(removed["text"]) == ["return to top"] and list(removed["reason"]) == ["navigation"]


def test_html_in_an_article_is_shown_as_text(env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil.en.txt").write_text("<script>alert(1)</script> North Korea said Sunday it agreed.\n",
                                        encoding="utf-8")
    (folder / "evil.ja.txt").write_text("<img src=x onerror=alert(1)>北朝鮮は日曜日に合意したと発表した。\n",
                                        encoding="utf-8")
    at = _app()
    at.sidebar.radio(key="open_choice").set_value("Folder").run()
    at.sidebar.text_input(key="folder").input(str(folder)).run()
    at.sidebar.button[0].click().run()
    assert not at.exception and not at.error
    table = _table(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table and "&lt;img src=x onerror=alert(1)&gt;" in table
    assert "<script" not in table and "<img" not in table


def test_cli_app_runs_streamlit_on_the_packaged_page(monkeypatch):
    from conftest import ROOT

    from mtreview.cli.main import main

    calls = []
    monkeypatch.setattr("mtreview.procs.run_child", lambda cmd, env: calls.append((cmd, env)) or 0)
    assert main(["app", "--port", "8765", "--db", "sqlite:///x.db", "--headless"]) == 0
    cmd, env = calls[0]
    page = ROOT / "mtreview" / "ui" / "streamlit_app.py"
    assert page.is_file()
    assert cmd[1:] == ["-m", "streamlit", "run", str(page), "--server.port", "8765",
                       "--server.address", "127.0.0.1",  # this machine only unless --host says otherwise
                       "--browser.gatherUsageStats", "false", "--server.headless", "true"]
    assert env["MTREVIEW_DB"] == "sqlite:///x.db"
    assert env["MTREVIEW_BATCH_ROOTS"] == str(Path.cwd().resolve())  # default root: the working directory


def test_cli_app_host_and_batch_roots(monkeypatch, tmp_path):
    import os

    from mtreview.cli.main import main

    calls = []
    monkeypatch.setattr("mtreview.procs.run_child", lambda cmd, env: calls.append((cmd, env)) or 0)
    (tmp_path / "b").mkdir()
    assert main(["app", "--host", "0.0.0.0", "--batch-root", str(tmp_path), "--batch-root",
                 str(tmp_path / "b" / ".." / "b")]) == 0
    cmd, env = calls[0]
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert env["MTREVIEW_BATCH_ROOTS"].split(os.pathsep) == [str(tmp_path.resolve()), str((tmp_path / "b").resolve())]
    assert main(["app", "--batch-root", str(tmp_path / "missing")]) != 0  # one-line error, nothing started
    assert len(calls) == 1


def test_a_url_cannot_open_a_batch_folder_outside_the_roots(env, tmp_path, monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(tmp_path / "allowed"))
    (tmp_path / "elsewhere" / "articles").mkdir(parents=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"view": "review", "batch": str(tmp_path / "elsewhere"), "article": "x"})
    at.run()
    assert not at.exception
    assert any("outside the folders this app may open" in e.value for e in at.error)
    assert any("Open an article" in i.value for i in at.info)  # nothing from the other folder was opened


def test_save_as_reviewed_moves_to_the_next_segment(env):
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _app()
    at.text_input(key="reviewer").input("Aiko").run()
    at.button(key=f"FormSubmitter:form:{aid}:{seg.id}-Reviewed, next").click().run()
    assert not at.exception and not at.error
    st = Store(url).segment_state(aid, seg.id)
    assert (st.reviewed, st.edit, st.version) == (True, None, 1)
    assert picker(at).value == seg.id + 1
    assert field(at.checkbox, f"reviewed:{aid}:{seg.id + 1}").value is False


@pytest.mark.parametrize(
    "ja_bytes, error",
    [
        ("北朝鮮は日曜日、ロシアと協力を進めることで合意したと述べたと述べた。".encode("shift_jis"), None),
        (b"North Korea said Sunday.", "up.ja.txt: expected Japanese text but this looks English"),
    ],
)
def test_upload_a_pair(env, ja_bytes, error):
    at = _app()
    at.sidebar.radio(key="open_choice").set_value("Upload a pair").run()
    en = b"North Korea said Sunday it agreed with Russia."
    at.sidebar.file_uploader(key="up_en").upload("up.en.txt", en)
    at.sidebar.file_uploader(key="up_ja").upload("up.ja.txt", ja_bytes).run()
    next(b for b in at.sidebar.button if b.label == "Open uploaded pair").click().run()
    assert not at.exception
    if error:
        assert [e.value for e in at.error] == [md_escape(error)]  # shown as plain text
        assert _title(at) == "seed (sample)"  # the open article stays open
    else:
        assert _title(at) == "up"
        assert f">{STUTTER}</mark>" in _table(at)


def test_history_lists_the_audit_log(env):
    _, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _app()
    at.session_state["x_history"] = True  # the History expander opened
    at.run()
    assert [c.value for c in at.caption if c.value == "Nothing saved yet."]
    at.text_input(key="reviewer").input("Aiko")
    at.button(key=f"acc:0:{aid}:{seg.id}").click().run()
    frame = next(d.value for d in at.dataframe if "action" in d.value.columns)
    assert list(frame["action"]) == ["decision"]
    assert list(frame["reviewer"]) == ["Aiko"] and list(frame["seg_id"]) == [seg.id]


def test_saved_work_follows_its_segment_after_a_realignment(env):
    url, review, aid = env
    seg = next(s for s in review.segments if s.flags)
    at = _app()
    assert not at.info
    # work saved when this text was segment 999 (an earlier alignment of the article)
    Store(url).save_segment(aid, 999, "Aiko", 0, comment="moved with its text", texts=(seg.src, seg.tgt))
    at.run()
    assert not at.exception and not at.error
    assert any(f"999→{seg.id}" in i.value for i in at.info)
    states = Store(url).segment_states(aid)
    assert 999 not in states and states[seg.id].comment == "moved with its text"
