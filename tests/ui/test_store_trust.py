"""Nothing lost between two reviewers (issue 12 items 1-4), at the store level, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from test_store import EN, JA, postgres, url  # noqa: F401  (fixtures: SQLite and PostgreSQL)

from mtreview.errors import InputError
from mtreview.records import Flag, Review, Segment, Severity
from mtreview.ui import export
from mtreview.ui.store import FlagDecision, StaleWriteError, Store

STUTTER = Flag("repetition", "fluency/repetition", Severity.MAJOR, "tgt", 22, 29,
               "The reporting verb is repeated.", "述べたと述べた")


@pytest.fixture
def store(url):  # noqa: F811
    s = Store(url)
    yield s
    s.close()


def test_a_refused_save_carries_the_stored_version_for_reload_and_diff(store):
    """Item 1: B's refused save gets A's text, comment and version, so the form can show them."""
    aid = store.open_article("seed", EN, JA).id
    store.save_segment(aid, 5, "A", 0, edit="A訳", comment="A版", reviewed=True)
    with pytest.raises(StaleWriteError) as exc:
        store.save_segment(aid, 5, "B", 0, edit="B訳", comment="", keep_edit=False)
    current = exc.value.current
    assert (current.edit, current.comment, current.reviewed, current.version, current.updated_by) == (
        "A訳", "A版", True, 1, "A")
    kept = store.segment_state(aid, 5)
    assert (kept.edit, kept.comment) == ("A訳", "A版")  # nothing of B's written
    # "overwrite with mine", chosen after seeing the diff: based on the version the diff showed
    mine = store.save_segment(aid, 5, "B", current.version, edit="B訳", comment="A版 + B", keep_edit=False)
    assert (mine.edit, mine.comment, mine.version) == ("B訳", "A版 + B", 2)
    audit = [a["detail"] for a in store.audit(aid) if a["action"] == "segment"]
    assert audit[-1]["comment"] == {"before": "A版", "after": "A版 + B"}


def test_each_action_is_credited_to_who_did_it(store):
    """Item 3: A edits and comments, B only rejects a flag: the edit stays A's."""
    aid = store.open_article("seed", EN, JA).id
    st = store.save_segment(aid, 0, "A", 0, edit="直した", comment="A版")
    key = "repetition:k"
    st = store.save_segment(aid, 0, "B", st.version, decisions=(FlagDecision(key, "repetition", "x", "reject"),))
    st = store.save_segment(aid, 0, "C", st.version, reviewed=True)
    assert (st.edited_by, st.commented_by, st.reviewed_by, st.decided_by(key), st.updated_by) == (
        "A", "A", "C", "B", "C")


def test_export_credits_the_editor_not_the_last_saver(store):
    aid = store.open_article("seed", EN, JA).id
    review = Review(meta={}, segments=(Segment(0, EN, JA, (0,), (0,), 0.8, flags=(STUTTER,)),))
    from mtreview.checks import suppression_key

    key = suppression_key(STUTTER, JA)
    st = store.save_segment(aid, 0, "Aiko", 0, edit="直した", comment="A版")
    store.save_segment(aid, 0, "Ben", st.version, decisions=(FlagDecision(key, "repetition", "x", "reject"),))
    states = store.segment_states(aid)
    row = next(csv.DictReader(io.StringIO(export.to_csv(review, states))))
    assert (row["edited_by"], row["commented_by"], row["reviewer"]) == ("Aiko", "Aiko", "Ben")
    assert row["flags"] == "repetition/major:述べたと述べた=reject by Ben"
    from translate.storage import xliff

    unit = xliff.xlifffile.parsestring(export.export("xliff", review, states)).units[0]
    notes = unit.getnotes("mtreview").splitlines()
    assert notes[0].startswith("edited by Aiko;")
    assert "comment by Aiko" in notes and "edited by Ben" not in unit.getnotes("mtreview")
    assert notes[-1].startswith("repetition (major, reject by Ben):")


@pytest.mark.parametrize(("scope", "silenced"), [
    ("article", set()),  # the default: no other article loses the flag
    ("project", {"same project"}),
    ("global", {"same project", "elsewhere"}),
])
def test_a_reject_silences_only_its_scope(store, scope, silenced):
    """Item 4: a reject reaches as far as its scope, and says who and when."""
    here = store.open_article("here", EN, JA, source="batch:/news/0601").id
    others = {"same project": store.open_article("p", EN, JA + "。", source="batch:/news/0601").id,
              "elsewhere": store.open_article("e", EN, JA + "！", source="upload").id}
    d = FlagDecision("addition:k", "addition", "return to top", "reject", scope)
    store.decide(here, 2, "Aiko", 0, d)
    assert {name for name, aid in others.items() if "addition:k" in store.suppressed_keys(aid)} == silenced
    assert store.suppressed_keys(here) == frozenset()  # its own reviewer sees the flag, marked rejected
    [sup] = store.suppressions()
    assert (sup.scope, sup.reviewer, sup.article_id, sup.seg_id, sup.project) == (
        scope, "Aiko", here, 2, "batch:/news/0601")
    assert sup.created_at is not None


def test_changing_a_rejects_scope_is_saved_and_audited(store):
    aid = store.open_article("here", EN, JA).id
    st = store.decide(aid, 1, "Aiko", 0, FlagDecision("k", "c", "t", "reject", "article"))
    store.decide(aid, 1, "Ben", st.version, FlagDecision("k", "c", "t", "reject", "global"))
    [sup] = store.suppressions()
    assert (sup.scope, sup.reviewer) == ("global", "Ben")
    assert [a["detail"].get("scope") for a in store.audit(aid)] == ["article", "global"]
    with pytest.raises(InputError, match="unknown suppression scope 'everywhere'"):
        store.decide(aid, 1, "Ben", 2, FlagDecision("k", "c", "t", "reject", "everywhere"))
