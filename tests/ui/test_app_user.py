"""A newcomer's pass over the review UI and its exports: defects a translator or QA lead hit.

Each test drives the real page (AppTest) or the real store and commands, on the bundled sample.
"""

from __future__ import annotations

import pytest
from conftest import picker

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io.load import load_document
from mtreview.ui.render import flag_key
from mtreview.ui.store import FlagDecision, Store, article_id

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CHECKS = ("repetition", "quotes")  # real checks; repetition flags 「と述べたと述べた」 as major


@pytest.fixture
def env(tmp_path, monkeypatch, seed_paths):
    """A tmp database, a config with two real checks; yields (db url, review of the sample, its article id)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    cfg = tmp_path / "ui.toml"
    cfg.write_text(f"[checks]\nenabled = {list(CHECKS)!r}\n".replace("'", '"'), encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_DB", url)
    monkeypatch.setenv("MTREVIEW_CONFIG", str(cfg))
    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(tmp_path))
    src, tgt = (load_document(p) for p in seed_paths)
    review = pipeline.review(src, tgt, Config().replace(checks__enabled=CHECKS))
    return url, review, article_id("seed (sample)", src.text, tgt.text), (src.text, tgt.text)


def _app(query: dict[str, str] | None = None):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query or {})
    return at.run()


def field(widgets, key: str):
    [w] = [w for w in widgets if (w.key or "").split("#")[0] == key]
    return w


def test_a_flag_silenced_elsewhere_is_not_new_in_the_recheck_of_an_edit(env):
    """Aiko rejected 「と述べたと述べた」 for every article (in a copy of the article); Ben, in the
    sample, fixes the quotes of the same segment: the hidden repetition flag must not come back as
    *(new)* in his re-check, nor hold his save as reviewed for confirmation."""
    url, review, aid, (src_text, tgt_text) = env
    seg = next(s for s in review.segments if any(f.check == "repetition" for f in s.flags))
    rep = next(f for f in seg.flags if f.check == "repetition")
    store = Store(url)
    other = store.open_article("seed copy", src_text, tgt_text, "upload")
    store.decide(other.id, seg.id, "Aiko", 0, FlagDecision(flag_key(rep, seg), rep.check, rep.text, "reject", "global"))
    store.close()

    at = _app({"seg": str(seg.id), "reviewer": "Ben"})
    assert not at.exception
    assert at.session_state["cur"] == seg.id
    fixed = seg.tgt.replace("“早い時期 “", "「早い時期」")
    assert fixed != seg.tgt
    field(at.text_area, f"edit:{aid}:{seg.id}").input(fixed)
    at.button(key=f"FormSubmitter:form:{aid}:{seg.id}-Save").click().run()
    assert not at.exception
    shown = "".join(h.value for h in at.html)
    assert "(new)" not in shown
    field(at.checkbox, f"reviewed:{aid}:{seg.id}").check()
    at.button(key=f"FormSubmitter:form:{aid}:{seg.id}-Save").click().run()
    assert [w.value for w in at.warning if "new major flag" in w.value] == []
    state = Store(url).segment_state(aid, seg.id)
    assert (state.edit, state.reviewed) == (fixed, True)


def test_a_worst_segment_link_of_the_dashboard_opens_that_segment(env, tmp_path, seed_paths):
    """The QA lead clicks *open* on a row of "Worst segments": the review view opens at that
    segment, not at the article's first flagged one."""
    import html
    import re
    import shutil
    from urllib.parse import parse_qsl

    from mtreview.batch import runner as batch
    from mtreview.ui import dashboard

    (tmp_path / "in").mkdir()
    for p in seed_paths:
        shutil.copy(p, tmp_path / "in" / p.name)
    batch.run_batch(tmp_path / "in", tmp_path / "out", Config().replace(checks__enabled=CHECKS), workers=1,
                    quiet=True)
    worst = dashboard.worst_segments(dashboard.load_batch(tmp_path / "out"))
    first_flagged = next(s.id for s in env[1].segments if s.flags)
    pos, seg_id = next((i, r) for i, r in enumerate(worst["segment_id"]) if r != first_flagged)  # else: no proof
    page = _app({"view": "dashboard", "batch": str(tmp_path / "out"), "reviewer": "Ben"})
    [table] = [h.value for h in page.html if "mtr-dash" in h.value and "<th>segment_id</th>" in h.value]
    links = re.findall(r'<a href="\?([^"]+)"', table)
    query = dict(parse_qsl(html.unescape(links[pos])))
    assert query["article"] == "seed" and "reviewer" not in query  # a link is passed on: it names nobody
    at = _app(query)
    assert not at.exception and not at.error
    assert at.session_state["cur"] == seg_id


@pytest.mark.parametrize(("en", "ja", "name"), [
    ("abcnews.420102.en.txt", "abcnews.420102.ja.txt", "abcnews.420102"),  # WMT document ids hold a dot
    ("seed.en.txt", "seed.ja.txt", "seed"),
    ("2024-01-21_korea_en.txt", "2024-01-21_korea_ja.txt", "2024-01-21_korea"),
    ("story.txt", "story-jp.txt", "story"),
])
def test_an_uploaded_pair_is_named_after_its_files(seed_paths, en, ja, name):
    """Two uploads abcnews.420102 and abcnews.420117 were both called "abcnews" (in the title, the
    saved-article list and the export's file name)."""
    from mtreview.ui import sources

    en_bytes, ja_bytes = (p.read_bytes() for p in seed_paths)
    assert sources.open_upload((en, en_bytes), (ja, ja_bytes)).name == name


def test_the_review_view_exports_the_numbers_of_the_review_record(env, tmp_path, seed_paths):
    """The CSV of the export buttons (a review computed in the app) and the CSV of `mtreview export`
    on the saved review record of the same article: the same quality figures (64.27554384098781
    against 64.28)."""
    import csv
    import io

    from mtreview.io.output import dumps, read_review, review_record, write_atomic
    from mtreview.ui.export import export

    review = env[1]
    path = tmp_path / "seed.review.json"
    write_atomic(path, dumps(review_record(review)))
    in_app = list(csv.DictReader(io.StringIO(export("csv", review, {}).decode("utf-8"))))
    from_record = list(csv.DictReader(io.StringIO(export("csv", read_review(path), {}).decode("utf-8"))))
    assert [r["quality"] for r in in_app] == [r["quality"] for r in from_record]
    assert in_app == from_record


def test_a_project_rejection_reaches_the_folder_however_its_path_was_typed(env, tmp_path, seed_paths):
    """Aiko opens story-a from the folder typed ``in`` and rejects a flag for *this project*; Ben
    types the same folder as ``./in/`` and opens story-b, which has the same sentence: the flag is
    silenced there too (the project was the folder's path as typed)."""
    import shutil

    url, review, _, _ = env
    (tmp_path / "in").mkdir()
    for name in ("story-a", "story-b"):
        for p, lang in zip(seed_paths, ("en", "ja"), strict=True):
            shutil.copy(p, tmp_path / "in" / f"{name}.{lang}.txt")
    seg = next(s for s in review.segments if any(f.check == "repetition" for f in s.flags))

    def open_folder(typed: str, pick: str, reviewer: str):
        at = _app({"reviewer": reviewer})
        at.sidebar.radio(key="open_choice").set_value("Folder").run()
        at.sidebar.text_input(key="folder").input(typed).run()
        at.sidebar.selectbox(key="folder_pick").select(pick).run()
        next(b for b in at.sidebar.button if b.label == "Open from folder").click().run()
        assert not at.exception and not at.error
        return at

    at = open_folder("in", "story-a", "Aiko")
    [art] = [a for a in Store(url).articles() if a.name == "story-a"]
    at.session_state["cur"] = seg.id
    at.run()
    at.radio(key="reject_scope").set_value("project").run()
    i = next(i for i, f in enumerate(seg.flags) if f.check == "repetition")
    at.button(key=f"rej:{i}:{art.id}:{seg.id}").click().run()
    assert Store(url).suppressions()[0].scope == "project"

    at = open_folder("./in/", "story-b", "Ben")
    shown = [c.value for c in at.caption if "suppressed by rejections in other articles" in c.value]
    assert shown and shown[0].startswith("1 flag suppressed")


def test_the_first_choice_after_the_app_opens_is_kept(env):
    """`mtreview app` opens the sample at its first flagged segment and writes the article into
    the URL; the reviewer's first action (pick a segment) reopened the article from the URL and
    threw the selection back to the first flagged segment."""
    at = _app()
    first = at.session_state["cur"]
    other = next(s.id for s in env[1].segments if s.id != first and s.flags)
    picker(at).select(other).run()
    assert not at.exception
    assert at.session_state["cur"] == other


def test_a_colleagues_save_before_my_first_decision_shows_the_conflict(env):
    """Ben's first action is Accept on a segment Aiko saved meanwhile: the save is refused (stale)
    and the conflict must be on screen; the page jumped to another segment and his accept was
    neither saved nor reported."""
    url, review, aid, _ = env
    first = next(s.id for s in review.segments if s.flags)
    seg = next(s for s in review.segments if s.flags and s.id != first)
    ben = _app({"seg": str(seg.id), "reviewer": "Ben"})
    aiko = _app({"seg": str(seg.id), "reviewer": "Aiko"})
    field(aiko.text_input, f"comment:{aid}:{seg.id}").input("mine")
    aiko.button(key=f"FormSubmitter:form:{aid}:{seg.id}-Save").click().run()
    assert Store(url).segment_state(aid, seg.id).comment == "mine"

    ben.button(key=f"acc:0:{aid}:{seg.id}").click().run()
    assert ben.session_state["cur"] == seg.id
    assert any("was saved by Aiko" in e.value for e in ben.error)
    assert any((b.key or "").startswith("reload:") for b in ben.button)


def test_an_article_whose_input_left_the_batch_does_not_open_its_old_review(env, tmp_path, seed_paths):
    """The batch reran after an article's files were taken out of its input folder: the tables,
    the summary and the dashboard no longer count it, but its review record of the earlier run
    stayed in articles/, and the review view still listed it and opened it for review."""
    import shutil

    from mtreview.batch import runner as batch
    from mtreview.errors import InputError
    from mtreview.ui import dashboard, sources

    (tmp_path / "in").mkdir()
    for name in ("a", "b"):
        for p, lang in zip(seed_paths, ("en", "ja"), strict=True):
            shutil.copy(p, tmp_path / "in" / f"{name}.{lang}.txt")
    config = Config().replace(checks__enabled=CHECKS)
    batch.run_batch(tmp_path / "in", tmp_path / "out", config, workers=1, quiet=True)
    for lang in ("en", "ja"):
        (tmp_path / "in" / f"b.{lang}.txt").unlink()
    batch.run_batch(tmp_path / "in", tmp_path / "out", config, workers=1, quiet=True)
    assert list(dashboard.load_batch(tmp_path / "out").articles["article_id"]) == ["a"]

    assert sources.batch_articles(tmp_path / "out") == ["a"]
    with pytest.raises(InputError, match="'b' is not among this batch's results"):
        sources.open_batch(tmp_path / "out", "b")
    at = _app({"view": "review", "batch": str(tmp_path / "out"), "article": "b"})
    assert not at.exception
    assert any("is not among this batch" in e.value for e in at.error)


@pytest.mark.parametrize(("choice", "key"), [("Folder", "folder"), ("Batch result", "batch_dir")])
def test_a_folder_error_in_the_sidebar_is_plain_text(env, choice, key):
    """A folder name with underscores (``/srv/news_2024_jan``) was read as Markdown in the sidebar's
    error: 'news2024jan' with '2024' in italics."""
    from mtreview.ui.render import md_escape

    at = _app()
    at.sidebar.radio(key="open_choice").set_value(choice).run()
    at.sidebar.text_input(key=key).input("/srv/news_2024_jan").run()
    [error] = [e.value for e in at.sidebar.error]
    assert error.startswith(md_escape("/srv/news_2024_jan: outside the folders"))


def test_a_folder_without_pairs_says_so_in_plain_text(env, tmp_path):
    """'no NAME.en.* / NAME.ja.* pairs here': the two asterisks made Markdown italics of ' / NAME.ja.'."""
    (tmp_path / "empty").mkdir()
    at = _app()
    at.sidebar.radio(key="open_choice").set_value("Folder").run()
    at.sidebar.text_input(key="folder").input("empty").run()
    [note] = [c.value for c in at.sidebar.caption if "pairs here" in c.value]
    assert "*" not in note.replace("`NAME.en.*`", "").replace("`NAME.ja.*`", "")


def test_the_saved_article_picked_is_the_one_opened_when_a_colleague_saves_meanwhile(env):
    """The Saved article list is newest first and its choice was a position in it: Ben's save on
    another article moved that one to the top, and Aiko's 'Open saved article' opened the wrong one."""
    import time

    url, _, _, _ = env
    store = Store(url)
    arts = {n: store.open_article(n, f"{n} police said 12 people died.", f"{n}警察によると12人が死亡した。", "upload")
            for n in ("alpha", "bravo", "charlie")}
    at = _app({"reviewer": "Aiko"})
    at.sidebar.radio(key="open_choice").set_value("Saved article").run()
    pick = at.sidebar.selectbox(key="saved_pick")
    label = next(o for o in pick.options if o.startswith("bravo ·"))
    pick.select_index(pick.options.index(label)).run()
    time.sleep(1.1)  # the store keeps seconds: Ben's save is newer than everything above
    store.save_segment(arts["charlie"].id, 0, "Ben", 0, comment="checked")
    store.close()
    at.run()  # any rerun (Aiko types, clicks): the list is read again, charlie now first
    next(b for b in at.sidebar.button if b.label == "Open saved article").click().run()
    assert not at.exception
    assert at.session_state["opened"].name == "bravo"


def test_a_project_rejection_on_an_uploaded_article_stays_in_that_article(tmp_path):
    """'This project' means the articles opened from the same folder or batch (docs/ui.md); every
    uploaded pair had the project "upload", so such a rejection silenced the flag in every other
    upload of anyone."""
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    texts = ("Police said 12 people died.", "警察によると12人が死亡したと述べたと述べた。")
    mine = store.open_article("my-upload", *texts, "upload")
    theirs = store.open_article("their-upload", *texts, "upload")
    folder_a = store.open_article("a", *texts, "folder:/srv/news")
    folder_b = store.open_article("b", *texts, "folder:/srv/news")
    d = FlagDecision("repetition:k", "repetition", "と述べたと述べた", "reject", "project")
    store.decide(mine.id, 0, "Aiko", 0, d)
    store.decide(folder_a.id, 0, "Aiko", 0, d)
    assert store.suppressed_keys(theirs.id) == frozenset()  # another upload: not silenced
    assert store.suppressed_keys(folder_b.id) == {"repetition:k"}  # the folder's other article: silenced
    store.close()


KIDS_EN = "\n\n".join(["The children went to school in the morning.", "Many children like the new library.",
                       "The children played football after lunch.", "Parents picked the children up at five."])
KIDS_JA = "\n\n".join(["子供たちは朝、学校へ行った。", "多くの子供が新しい図書館を気に入っている。",
                       "子供たちは昼食後にサッカーをした。", "親たちは5時に子どもたちを迎えに来た。"])


def test_the_recheck_of_an_edit_reads_the_other_segments_as_saved(tmp_path, monkeypatch):
    """House style is 子ども: Aiko corrected 子供 in segments 0 and 1 (saved) and now types the
    correction of segment 2. Its re-check read the other segments as they were before her fixes,
    so her 子ども counted as the odd spelling out and came back as a *(new)* variants flag."""
    from mtreview.io.load import load_text

    url = f"sqlite:///{tmp_path / 'k.db'}"
    cfg = tmp_path / "k.toml"
    cfg.write_text('[checks]\nenabled = ["variants"]\n', encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_DB", url)
    monkeypatch.setenv("MTREVIEW_CONFIG", str(cfg))
    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(tmp_path))
    review = pipeline.review(load_text(KIDS_EN, "en"), load_text(KIDS_JA, "ja"),
                             Config().replace(checks__enabled=("variants",)))
    assert [len(s.flags) for s in review.segments] == [0, 0, 0, 1]
    store = Store(url)
    art = store.open_article("kids", KIDS_EN, KIDS_JA, "upload")
    for seg in review.segments[:2]:
        store.save_segment(art.id, seg.id, "Aiko", 0, edit=seg.tgt.replace("子供", "子ども"), texts=(seg.src, seg.tgt))
    store.close()

    seg = review.segments[2]
    at = _app({"aid": art.id, "seg": str(seg.id), "reviewer": "Aiko"})
    assert not at.exception and at.session_state["cur"] == seg.id
    field(at.text_area, f"edit:{art.id}:{seg.id}").input(seg.tgt.replace("子供", "子ども"))
    at.button(key=f"FormSubmitter:form:{art.id}:{seg.id}-Save").click().run()
    assert not at.exception
    recheck = "".join(h.value for h in at.html if "mtr-recheck" in h.value)
    assert "Edited text re-checked" in recheck and "(new)" not in recheck and "variants" not in recheck


def test_a_recovered_draft_can_be_discarded(env):
    """Aiko typed into segment A's box, opened segment B, came back: her unsaved text is back with
    a note. She no longer wants it: **Discard the draft** puts the saved translation back in the
    box, and the draft does not come back the next time she opens the segment."""
    url, review, aid, _ = env
    a, b = review.segments[1], review.segments[2]
    at = _app({"seg": str(a.id), "reviewer": "Aiko"})
    box = next(w for w in at.text_area if (w.key or "").startswith(f"edit:{aid}:{a.id}#"))
    at.session_state["live_text"] = (box.key, "下書きの訳文。")  # what the box's watcher sends as she types
    picker(at).select(b.id).run()
    picker(at).select(a.id).run()
    box = next(w for w in at.text_area if (w.key or "").startswith(f"edit:{aid}:{a.id}#"))
    assert box.value == "下書きの訳文。"
    assert any("unsaved edit of this segment is back" in i.value for i in at.info)

    at.button(key=f"discard:{aid}:{a.id}").click().run()
    box = next(w for w in at.text_area if (w.key or "").startswith(f"edit:{aid}:{a.id}#"))
    assert box.value == a.tgt
    assert not any("unsaved edit" in i.value for i in at.info)
    picker(at).select(b.id).run()
    picker(at).select(a.id).run()
    box = next(w for w in at.text_area if (w.key or "").startswith(f"edit:{aid}:{a.id}#"))
    assert box.value == a.tgt and not any("unsaved edit" in i.value for i in at.info)
    store = Store(url)
    assert store.segment_state(aid, a.id).version == 0  # nothing was saved
    store.close()


def test_a_link_copied_from_the_address_bar_does_not_credit_the_colleague_s_saves_to_the_sender(env):
    """Aiko types her name and sends Ben the page's address: the URL does not carry her name, so
    Ben's page asks for his name instead of saving as Aiko."""
    review = env[1]
    seg = next(s for s in review.segments if s.flags)
    aiko = _app({"seg": str(seg.id)})
    aiko.text_input(key="reviewer").input("Aiko").run()
    assert not aiko.exception
    link = {k: aiko.query_params[k] for k in aiko.query_params}
    assert link.get("seg") == str(seg.id) and "reviewer" not in link
    ben = _app(link)
    assert ben.text_input(key="reviewer").value == ""
    assert any("Enter your name" in w.value for w in ben.warning)
    # a name typed into the address on purpose still names the session, and leaves the URL
    carol = _app({**link, "reviewer": "Carol"})
    assert carol.text_input(key="reviewer").value == "Carol" and "reviewer" not in carol.query_params
