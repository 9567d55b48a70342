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
