from __future__ import annotations

import re

import pytest
from stutter_check import STUTTER_ID, registered_stutter

from mtreview import pipeline
from mtreview.checks import suppression_key
from mtreview.config import Config
from mtreview.errors import InputError
from mtreview.io.load import load_document
from mtreview.ui.store import FlagDecision, StaleWriteError, Store, article_id

EN = "Palestinian health officials said 24 people were killed."
JA = "パレスチナの保健当局者は、24人が死亡したと述べたと述べた。"


@pytest.fixture(scope="module")
def postgres():
    """One private PostgreSQL server for this module; in CI its absence fails, never skips."""
    import os

    import postgres_server

    if postgres_server.binaries() is None and not os.environ.get("CI"):
        pytest.skip("PostgreSQL server binaries not installed (scripts/install-system.sh installs them)")
    with postgres_server.postgres_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """Every store test runs on SQLite and on PostgreSQL (a fresh database each time)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    base = request.getfixturevalue("postgres")
    drop_all(base)
    return base


def drop_all(url):
    """An empty PostgreSQL database again: every table, the migration version included."""
    from sqlalchemy import create_engine, text

    from mtreview.ui.store_schema import Base

    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture
def store(url):
    s = Store(url)
    yield s
    s.close()


@pytest.fixture
def stutter_config():
    with registered_stutter():
        yield Config().replace(checks__enabled=(STUTTER_ID,))


def test_article_id_is_stable_and_content_based():
    assert article_id("seed", EN, JA) == article_id("seed", EN, JA)
    assert article_id("seed", EN, JA) != article_id("seed", EN, JA + "。")
    assert article_id("seed", EN, JA) != article_id("other", EN, JA)
    assert len(article_id("seed", EN, JA)) == 16


def test_open_article_is_idempotent(store):
    a = store.open_article("seed", EN, JA, source="upload")
    b = store.open_article("seed", EN, JA)
    assert a.id == b.id and (a.status, a.version, a.source) == ("in_progress", 0, "upload")
    assert [x.id for x in store.articles()] == [a.id]


def test_roundtrip_and_restart(url):
    store = Store(url)
    art = store.open_article("seed", EN, JA)
    st = store.save_segment(art.id, 3, "Aiko", 0, edit="パレスチナの保健当局者は、24人が死亡したと述べた。",
                            comment="stutter fixed", reviewed=True,
                            decisions=(FlagDecision("rep:1", "repetition", "述べたと述べた", "accept"),))
    assert (st.version, st.reviewed, st.updated_by) == (1, True, "Aiko")
    store.set_status(art.id, "done", "Aiko", 0)
    store.close()

    again = Store(url)  # a restart: new engine on the same file
    st = again.segment_state(art.id, 3)
    assert st.edit == "パレスチナの保健当局者は、24人が死亡したと述べた。"
    assert (st.comment, st.reviewed, st.version) == ("stutter fixed", True, 1)
    assert st.decision("rep:1") == "accept"
    assert (again.article(art.id).status, again.article(art.id).reviewer) == ("done", "Aiko")
    assert again.segment_state(art.id, 4).version == 0  # never saved
    actions = [(a["action"], a["seg_id"]) for a in again.audit(art.id)]
    assert actions == [("segment", 3), ("decision", 3), ("status", None)]
    again.close()


def test_partial_save_keeps_other_fields(store):
    art = store.open_article("seed", EN, JA)
    store.save_segment(art.id, 0, "Aiko", 0, edit="修正", comment="c1")
    st = store.save_segment(art.id, 0, "Aiko", 1, reviewed=True)
    assert (st.edit, st.comment, st.reviewed, st.version) == ("修正", "c1", True, 2)
    st = store.save_segment(art.id, 0, "Aiko", 2, edit=None, keep_edit=False)
    assert (st.edit, st.comment) == (None, "c1")


@pytest.mark.parametrize("base, message", [
    (0, "segment 1 was saved by Aiko at "),  # Ben opened it before Aiko's save
    (2, "(version 1, yours was based on 2)"),  # a version that never existed
])
def test_stale_write_names_who_and_never_overwrites(store, base, message):
    art = store.open_article("seed", EN, JA)
    store.save_segment(art.id, 1, "Aiko", 0, edit="first")
    with pytest.raises(StaleWriteError) as exc:
        store.save_segment(art.id, 1, "Ben", base, edit="second")
    assert message in str(exc.value) and "reload" in str(exc.value)
    st = store.segment_state(art.id, 1)
    assert (st.edit, st.updated_by, st.version) == ("first", "Aiko", 1)


def test_stale_status_write(store):
    art = store.open_article("seed", EN, JA)
    store.set_status(art.id, "done", "Aiko", 0)
    with pytest.raises(StaleWriteError, match="saved by Aiko"):
        store.set_status(art.id, "in_progress", "Ben", 0)
    assert store.article(art.id).status == "done"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s, a: s.save_segment(a, 0, "  ", 0, comment="x"), "reviewer's name"),
        (lambda s, a: s.save_segment("nope", 0, "Aiko", 0, comment="x"), "no article 'nope'"),
        (lambda s, a: s.set_status(a, "finished", "Aiko", 0), "unknown article status 'finished'"),
        (lambda s, a: s.decide(a, 0, "Aiko", 0, FlagDecision("k", "c", "t", "maybe")), "unknown decision"),
    ],
)
def test_bad_saves_are_input_errors(store, call, message):
    art = store.open_article("seed", EN, JA)
    with pytest.raises(InputError, match=message):
        call(store, art.id)
    assert store.audit(art.id) == []


def test_reject_adds_suppression_and_accept_removes_it(store):
    art = store.open_article("seed", EN, JA)
    st = store.decide(art.id, 2, "Aiko", 0, FlagDecision("addition:1", "addition", "return to top", "reject"))
    assert store.suppressed_keys() == {"addition:1"}
    assert store.suppressed_keys(exclude_article=art.id) == frozenset()
    undo = FlagDecision("addition:1", "addition", "return to top", "accept")
    store.decide(art.id, 2, "Aiko", st.version, undo)
    assert store.suppressed_keys() == frozenset()
    assert store.segment_state(art.id, 2).decisions == (("addition:1", "accept"),)


def test_suppression_keys_feed_back_into_a_new_review(store, seed_paths, stutter_config):
    src, tgt = (load_document(p) for p in seed_paths)
    review = pipeline.review(src, tgt, stutter_config)
    flagged = [s for s in review.segments if s.flags]
    assert [s.flags[0].text for s in flagged] == ["述べたと述べた"]
    seg, flag = flagged[0], flagged[0].flags[0]
    key = suppression_key(flag, seg.tgt)
    art = store.open_article("seed", src.text, tgt.text)
    store.decide(art.id, seg.id, "Aiko", 0, FlagDecision(key, flag.check, flag.text, "reject"))
    assert store.suppressed_keys() == {key}

    again = pipeline.review(src, tgt, stutter_config, suppressed=store.suppressed_keys())
    assert [f.text for s in again.segments for f in s.flags] == []
    # the article's own reviewer still sees the flag (marked rejected) when reopening it
    own = pipeline.review(src, tgt, stutter_config, suppressed=store.suppressed_keys(exclude_article=art.id))
    assert [f.text for s in own.segments for f in s.flags] == ["述べたと述べた"]


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'review.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_two_engines_on_one_database_cannot_overwrite_each_other(url):
    a, b = Store(url), Store(url)  # two app processes on the same database
    art = a.open_article("seed", EN, JA)
    seen_by_b = b.segment_state(art.id, 5).version
    a.save_segment(art.id, 5, "Aiko", 0, comment="Aiko's")
    with pytest.raises(StaleWriteError, match="segment 5 was saved by Aiko"):
        b.save_segment(art.id, 5, "Ben", seen_by_b, comment="Ben's")
    assert b.segment_state(art.id, 5).comment == "Aiko's"
    a.close()
    b.close()


def test_saved_texts_reveal_a_realignment(store):
    art = store.open_article("seed", EN, JA)
    st = store.save_segment(art.id, 0, "Aiko", 0, reviewed=True, texts=(EN, JA))
    assert (st.src, st.tgt) == (EN, JA)
    assert st.matches(EN, JA) and not st.matches(EN, "別の訳文。")
    assert store.save_segment(art.id, 1, "Aiko", 0, comment="x").matches("any", "thing")  # no texts given


# Three segments of the seed; a re-alignment that merges the first two shifts the third to id 1.
SEGS = [(0, "North Korea stresses cooperation with Russia.", "北朝鮮、ロシアとの協力を強調"),
        (1, "Putin may visit at an early date.", "プーチン氏が早期に訪問する可能性"),
        (2, "The statement did not give a date.", "声明は日付を明らかにしなかった。")]
REALIGNED = [(0, SEGS[0][1] + " " + SEGS[1][1], SEGS[0][2] + SEGS[1][2]), (1, SEGS[2][1], SEGS[2][2])]


def _save(store, aid, seg, comment, reject=None):
    decisions = (FlagDecision(reject, "quotes", "”", "reject"),) if reject else ()
    return store.save_segment(aid, seg[0], "Aiko", 0, comment=comment, texts=(seg[1], seg[2]),
                              decisions=decisions)


@pytest.mark.parametrize(("segments", "expected"), [
    (REALIGNED, {2: 1}),  # segment 2's texts now sit at id 1: its work follows them
    (SEGS, {}),  # nothing moved
    ([(0, SEGS[2][1], SEGS[2][2]), (1, SEGS[2][1], SEGS[2][2])], {}),  # two holders: ambiguous, stays
    ([(0, "x", "y")], {}),  # texts gone from the article: stays (the UI warns)
])
def test_relocate_moves_saved_work_to_the_segment_that_now_holds_its_texts(store, segments, expected):
    aid = store.open_article("seed", EN, JA).id
    _save(store, aid, SEGS[2], "check the date", reject="k1")
    assert store.relocate(aid, segments) == expected
    states = store.segment_states(aid)
    new = expected.get(2, 2)
    assert set(states) == {new}
    assert (states[new].comment, states[new].decisions) == ("check the date", (("k1", "reject"),))
    assert [a["detail"] for a in store.audit(aid) if a["action"] == "relocate"] == (
        [{"before": 2, "after": 1}] if expected else [])
    assert store.suppressed_keys() == {"k1"}


def test_relocate_follows_a_chain_and_never_overwrites_work_that_stays(store):
    aid = store.open_article("seed", EN, JA).id
    _save(store, aid, SEGS[0], "a")
    _save(store, aid, SEGS[1], "b")
    # a 0-1 segment inserted at the top shifts both down by one: 0 -> 1 -> 2 is a chain
    shifted = [(0, "", "追加された文。")] + [(i + 1, src, tgt) for i, src, tgt in SEGS[:2]]
    assert store.relocate(aid, shifted) == {0: 1, 1: 2}
    assert {k: v.comment for k, v in store.segment_states(aid).items()} == {1: "a", 2: "b"}
    # segment 0's new texts belong to saved work elsewhere, but 0 keeps its own work: nothing moves
    aid2 = store.open_article("other", EN, JA).id
    _save(store, aid2, SEGS[0], "stays")
    _save(store, aid2, (1, SEGS[1][1], SEGS[1][2]), "wants 0")
    assert store.relocate(aid2, [(0, SEGS[1][1], SEGS[1][2]), (1, "z", "z")]) == {}
    assert {k: v.comment for k, v in store.segment_states(aid2).items()} == {0: "stays", 1: "wants 0"}


@pytest.mark.parametrize(("url", "message"), [
    ("not a url", "bad database URL 'not a url'"),
    ("mysql://a@localhost/reviews", "its driver is not installed (No module named 'MySQLdb')"),
    ("postgresql+psycopg://a@/nodb?host=/nonexistent", "cannot open database postgresql+psycopg://"),
])
def test_a_bad_database_url_is_a_clear_error(url, message):
    from mtreview.errors import MtreviewError

    with pytest.raises(MtreviewError, match=re.escape(message)):
        Store(url)
