"""The dashboard's flags after review: the checks' flags beside what reviewers made of them (accepted,
fixed by an edit, rejected as false positives, undecided), from the decisions the review view saved
on the batch's articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtreview.checks import suppression_key
from mtreview.records import flag_from_dict
from mtreview.ui import dashboard
from mtreview.ui.store import FlagDecision, Store
from tests.ui.test_dashboard import batch_dir  # noqa: F401  (the module's batch: 2 minor flags, 5 major)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

COLUMNS = ["severity", "found", "accepted", "fixed", "rejected", "undecided", "after_review"]


def _segment(folder: Path, aid: str, seg_id: int) -> tuple[dict, dict, str]:
    """(segment of the article's record, its first flag, the flag's key)."""
    record = json.loads((folder / "articles" / f"{aid}.review.json").read_text(encoding="utf-8"))
    seg = next(s for s in record["segments"] if s["id"] == seg_id)
    f = seg["flags"][0]
    return seg, f, suppression_key(flag_from_dict(f), seg["src"] if f["side"] == "src" else seg["tgt"])


@pytest.fixture
def reviewed(batch_dir, tmp_path):  # noqa: F811
    """A review database where Tanaka rejected abcnews' minor flag, Sato accepted a major flag of
    `padded` and edited another one's added words away; plus decisions outside this batch."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    store = Store(url)
    seg, f, key = _segment(batch_dir, "abcnews.420102", 1)
    art = store.open_article("abcnews.420102", "s", "t", f"batch:{batch_dir}")
    store.decide(art.id, 1, "tanaka", 0, FlagDecision(key, f["check"], f["text"], "reject"))
    padded = store.open_article("padded", "s", "t", f"batch:{batch_dir}")
    seg, f, key = _segment(batch_dir, "padded", 9)
    store.decide(padded.id, 9, "sato", 0, FlagDecision(key, f["check"], f["text"], "accept"))
    seg, f, _ = _segment(batch_dir, "padded", 10)
    store.save_segment(padded.id, 10, "sato", 0, edit=seg["tgt"].replace(f["text"], ""))
    # the same article name from an upload, and from another batch folder: not this batch's
    for source in ("upload", f"batch:{tmp_path / 'other'}"):
        other = store.open_article("padded", f"s {source}", "t", source)
        seg, f, key = _segment(batch_dir, "padded", 11)
        store.decide(other.id, 11, "ben", 0, FlagDecision(key, f["check"], f["text"], "reject"))
    yield store, url
    store.close()


def test_flags_after_review_count_each_decision_once(batch_dir, reviewed):  # noqa: F811
    store, _ = reviewed
    data = dashboard.load_batch(batch_dir)
    decided = dashboard.decisions(data, store)
    assert sorted((r["article_id"], r["segment_id"], r["decision"], r["reviewer"]) for r in decided) == [
        ("abcnews.420102", 1, "reject", "tanaka"), ("padded", 9, "accept", "sato"), ("padded", 10, "fixed", "sato")]
    table = dashboard.review_outcomes(data, decided)
    assert list(table.columns) == COLUMNS
    assert table.values.tolist() == [
        ["minor", 2, 0, 0, 1, 1, 1],
        ["major", 5, 1, 1, 0, 3, 5],
        ["critical", 0, 0, 0, 0, 0, 0],
        ["all", 7, 1, 1, 1, 4, 6],
    ]


def test_no_decisions_leave_every_flag_undecided(batch_dir, tmp_path):  # noqa: F811
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    data = dashboard.load_batch(batch_dir)
    assert dashboard.decisions(data, store) == []
    table = dashboard.review_outcomes(data, [])
    assert table[table["severity"] == "all"].values.tolist() == [["all", 7, 0, 0, 0, 7, 7]]
    store.close()


def _app(folder: str, url: str) -> None:
    from mtreview.ui.dashboard_view import render
    from mtreview.ui.store import Store

    render(folder, Store(url))


def test_view_shows_flags_after_review_when_opened(batch_dir, reviewed, monkeypatch):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    _, url = reviewed
    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(batch_dir.parent))
    at = AppTest.from_function(_app, args=(str(batch_dir), url), default_timeout=60).run()
    assert not at.exception
    assert not at.dataframe  # closed: nothing read from the database
    at.session_state["dashboard_after_review"] = True
    at.run()
    assert not at.exception
    assert any(c.value.startswith("Decisions on 2 of 4 articles.") for c in at.caption)
    shown = at.dataframe[0].value
    assert list(shown.columns) == COLUMNS
    assert shown[shown["severity"] == "all"].values.tolist() == [["all", 7, 1, 1, 1, 4, 6]]


def test_view_without_decisions_says_so(batch_dir, tmp_path, monkeypatch):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(batch_dir.parent))
    at = AppTest.from_function(_app, args=(str(batch_dir), f"sqlite:///{tmp_path / 'e.db'}"), default_timeout=60)
    at.session_state["dashboard_after_review"] = True
    at.run()
    assert not at.exception and not at.dataframe
    assert any(c.value.startswith("No decisions saved on this batch's articles yet") for c in at.caption)


def test_the_app_gives_the_dashboard_its_review_database(batch_dir, reviewed, monkeypatch):  # noqa: F811
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    _, url = reviewed
    monkeypatch.setenv("MTREVIEW_DB", url)
    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(batch_dir.parent))
    monkeypatch.delenv("MTREVIEW_CONFIG", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"view": "dashboard", "batch": str(batch_dir)})
    at.session_state["dashboard_after_review"] = True
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown[shown["severity"] == "all"].values.tolist() == [["all", 7, 1, 1, 1, 4, 6]]


@pytest.mark.parametrize("scope, where, silenced", [
    ("article", "batch", []),  # the article's own flag only (counted from its own decision)
    ("project", "batch", [("padded", 1)]),  # this batch's other articles: `padded` repeats the segment
    ("project", "other", []),  # a project of its own: another batch folder
    ("global", "other", [("abcnews.420102", 1), ("padded", 1)]),  # every article, opened or not
])
def test_scoped_rejections_count_wherever_they_apply(batch_dir, tmp_path, scope, where, silenced):  # noqa: F811
    """A rejection scoped to "this project" or "every article" silences the flag in the other articles it
    reaches, as the review view hides it there: the figures count it there too, once per flag."""
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    _, f, key = _segment(batch_dir, "abcnews.420102", 1)
    source = f"batch:{batch_dir}" if where == "batch" else f"batch:{tmp_path / 'other'}"
    art = store.open_article("abcnews.420102", "s", "t", source)
    store.decide(art.id, 1, "tanaka", 0, FlagDecision(key, f["check"], f["text"], "reject", scope))
    padded = store.open_article("padded", "s", "t", f"batch:{batch_dir}")  # opened, with an own decision
    _, f1, key1 = _segment(batch_dir, "padded", 1)
    store.decide(padded.id, 1, "sato", 0, FlagDecision(key1, f1["check"], f1["text"], "accept"))
    data = dashboard.load_batch(batch_dir)
    decided = dashboard.decisions(data, store)
    own = [("abcnews.420102", 1, "reject", "tanaka")] if where == "batch" else []
    expected = {*own, *((a, s, "reject", "tanaka") for a, s in silenced)}
    if ("padded", 1) not in silenced:  # sato's accept stands where no rejection reaches
        expected.add(("padded", 1, "accept", "sato"))
    assert sorted((r["article_id"], r["segment_id"], r["decision"], r["reviewer"]) for r in decided) == sorted(expected)
    rejected = sum(e[2] == "reject" for e in expected)
    accepted = sum(e[2] == "accept" for e in expected)
    assert dashboard.review_outcomes(data, decided).values.tolist()[0] == [  # the batch's two minor flags
        "minor", 2, accepted, 0, rejected, 2 - accepted - rejected, 2 - rejected]
    store.close()
