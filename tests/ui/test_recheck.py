"""Edits are re-checked (issue 12 item 9): the flags and quality shown are those of the current text."""

from __future__ import annotations

import pytest

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io.load import load_text
from mtreview.ui.recheck import recheck

EN = "Palestinian health officials said 24 people were killed. The army did not comment."
JA = "パレスチナの保健当局者は、24人が死亡したと述べた。軍はコメントしなかった。"
STUTTERED = "パレスチナの保健当局者は、24人が死亡したと述べたと述べた。"


@pytest.fixture(scope="module")
def setup():
    config = Config()
    models = pipeline.load_models(config)
    review = pipeline.review(load_text(EN, "en"), load_text(JA, "ja"), config, models)
    assert [s.flags for s in review.segments] == [(), ()]
    return review, config, models


@pytest.mark.parametrize(("text", "introduced"), [
    (STUTTERED, [("repetition", "たと述べたと述べ")]),
    ("パレスチナの保健当局者は、42人が死亡したと述べた。", [("numbers", "42")]),
    (JA.split("。")[0] + "。", []),  # unchanged text: nothing new
])
def test_an_edit_gets_the_flags_of_its_text(setup, text, introduced):
    review, config, models = setup
    rc = recheck(review, 0, text, config, models)
    assert [(f.check, f.text) for f in rc.introduced] == introduced
    assert [(f.check, f.text) for f in rc.flags] == introduced
    assert [f.check for f in rc.blocking()] == [c for c, _ in introduced]  # both are major
    assert all(text[f.start:f.end] == f.text for f in rc.flags)  # spans index the edited text
    assert rc.resolved == ()


def test_old_flags_the_edit_removes_are_resolved_and_quality_follows_the_text(setup):
    review, config, models = setup
    bad = recheck(review, 0, STUTTERED, config, models)
    stuttered = review.__class__(review.meta, (review.segments[0].__class__(
        **{**review.segments[0].__dict__, "tgt": STUTTERED, "flags": bad.flags}), review.segments[1]))
    fixed = recheck(stuttered, 0, JA.split("。")[0] + "。", config, models)
    assert [(f.check, f.text) for f in fixed.resolved] == [("repetition", "たと述べたと述べ")]
    assert fixed.flags == () and fixed.introduced == ()
    assert fixed.quality > bad.quality  # the score is the current text's, not the original's


def test_only_a_flag_whose_words_the_edit_removed_is_resolved_as_the_progress_line_counts_it(setup):
    """The panel's "resolved by the edit" is the rule by which a saved edit counts a flag fixed
    (progress line, J/K, exports, MQM): a flag the re-check no longer reports, but whose words
    are still in the edit, is not resolved: it still waits for accept or reject."""
    import dataclasses

    from mtreview.records import Flag, Severity

    review, config, models = setup
    seg = review.segments[0]
    start = seg.tgt.index("死亡した")
    old = Flag("repetition", "fluency/repetition", Severity.MAJOR, "tgt", start, start + 4, "made up", "死亡した")
    flagged = dataclasses.replace(review, segments=(dataclasses.replace(seg, flags=(old,)), review.segments[1]))
    kept = recheck(flagged, 0, seg.tgt.replace("パレスチナの", "パレスチナ自治区の"), config, models)
    assert kept.flags == () and kept.resolved == ()
    removed = recheck(flagged, 0, seg.tgt.replace("死亡した", "亡くなった"), config, models)
    assert removed.flags == () and [f.text for f in removed.resolved] == ["死亡した"]


def test_the_checks_of_a_recheck_see_the_page_debris_removed_from_the_japanese_side(setup, monkeypatch):
    """As in pipeline.review: checks get ``Article.removed_tgt`` (what was cut from the page)."""
    import dataclasses

    from mtreview.records import Removed
    from mtreview.ui import recheck as recheck_module

    review, config, models = setup
    debris = (Removed(0, 13, "return to top", "navigation"),)
    seen = []

    class Probe:
        id = "probe"

        def run(self, article):
            seen.append(article.removed_tgt)
            return []

    monkeypatch.setattr(recheck_module, "build_checks", lambda _cfg: [Probe()])
    recheck(dataclasses.replace(review, removed={"src": (), "tgt": debris}), 0, STUTTERED, config, models)
    assert seen == [debris]


TAGGED = "パレスチナの保健当局者は、24人が死亡したと述べたと述べた⟨1/⟩。軍はコメントしなかった。"


def test_a_rejected_flag_next_to_an_inline_tag_stays_silenced(setup):
    """The key a Reject stores is computed on the real text (tags included); the next review and
    the re-check must compute it there too, not on the text with the tags blanked out."""
    from mtreview.ui.render import flag_key

    _, config, models = setup
    src, tgt = load_text(EN, "en"), load_text(TAGGED, "ja")
    review = pipeline.review(src, tgt, config, models)
    seg = next(s for s in review.segments if s.flags)
    flag = next(f for f in seg.flags if f.check == "repetition")
    assert "⟨1/⟩" in seg.tgt[flag.end:flag.end + 12]  # the tag is inside the key's context
    key = flag_key(flag, seg)
    again = pipeline.review(src, tgt, config, models, suppressed=frozenset({key}))
    assert [f.check for s in again.segments for f in s.flags] == []
    rc = recheck(review, seg.id, seg.tgt + " ", config, models, suppressed=frozenset({key}))
    assert [f.check for f in rc.flags] == []
