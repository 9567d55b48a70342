"""Schema migrations (issue 13.6): an old database upgrades and keeps its data; no race on a new one."""

from __future__ import annotations

import multiprocessing
import shutil

import pytest
from conftest import ROOT
from test_store import drop_all, postgres, url  # noqa: F401  (fixtures: SQLite and PostgreSQL)

from mtreview.ui import store_migrate
from mtreview.ui.store import Store

# Made by mtreview before migrations existed (git 5d41a6a, store.py with create_all): one article
# "seed", segment 0 edited/commented/reviewed by Aiko with an accepted omission flag, segment 1
# with a flag Ben rejected, status done.
OLD_DB = ROOT / "tests" / "data" / "review_db_v0.sqlite"
OLD_ID = "f4a223be0ee9d726"


def test_an_old_database_upgrades_and_its_data_reads_back(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(OLD_DB, db)
    store = Store(f"sqlite:///{db}")
    art = store.article(OLD_ID)
    assert (art.name, art.status, art.reviewer, art.source) == ("seed", "done", "Aiko", "upload")
    states = store.segment_states(OLD_ID)
    s0, s1 = states[0], states[1]
    assert (s0.edit, s0.comment, s0.reviewed, s0.version) == (
        "プーチン氏が早期に訪問する可能性。", "早期 missing", True, 1)
    assert (s0.edited_by, s0.commented_by, s0.reviewed_by) == ("Aiko", "Aiko", "Aiko")  # the old saver
    assert s0.decision("omission:abc") == "accept" and s0.decided_by("omission:abc") == "Aiko"
    assert (s1.decision("addition:def"), s1.edited_by) == ("reject", "")
    [sup] = store.suppressions()
    assert (sup.key, sup.scope, sup.reviewer) == ("addition:def", "global", "Ben")  # old reach kept
    assert [a["action"] for a in store.audit(OLD_ID)] == ["segment", "decision", "decision", "status"]
    # and it works on: a save after the upgrade
    st = store.save_segment(OLD_ID, 0, "Ben", s0.version, comment="ok")
    assert (st.comment, st.commented_by, st.edited_by) == ("ok", "Ben", "Aiko")
    store.close()
    with Store(f"sqlite:///{db}").engine.connect() as conn:
        assert store_migrate.current(conn) == store_migrate.head()


def test_the_migrated_schema_matches_the_models(url):  # noqa: F811
    """A model change without its migration fails here (alembic's autogenerate comparison)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mtreview.ui.store_schema import Base

    store = Store(url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []


def _open(db_url: str, start, out) -> None:
    start.wait()
    try:
        s = Store(db_url)
        s.open_article("seed", "a", "b")
        s.close()
        out.put("ok")
    except Exception as exc:  # reported to the parent test
        out.put(f"{exc.__class__.__name__}: {exc}")


@pytest.mark.parametrize("trial", range(2))
def test_processes_opening_a_new_database_at_once_do_not_race(url, trial):  # noqa: F811
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(url, start, out)) for _ in range(3)]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
    assert results == ["ok"] * 3
    store = Store(url)
    assert [a.name for a in store.articles()] == ["seed"]
    store.close()
    if url.startswith("postgresql"):
        drop_all(url)
