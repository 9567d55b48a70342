from __future__ import annotations

import pytest

from mtreview.records import Bead, Flag, Review, Segment, Severity, review_from_dict


def test_severity_order_and_parse():
    assert Severity.CRITICAL > Severity.MAJOR > Severity.MINOR
    assert Severity.parse("Major") is Severity.MAJOR
    with pytest.raises(ValueError, match="unknown severity"):
        Severity.parse("fatal")


def test_bead_kind_and_validation():
    assert Bead((0,), (0, 1)).kind == "1-2"
    assert Bead((), (3,)).kind == "0-1"
    with pytest.raises(ValueError):
        Bead((), ())


def test_flag_span_validation():
    with pytest.raises(ValueError):
        Flag("x", "c", Severity.MINOR, "tgt", 5, 2, "m")
    with pytest.raises(ValueError):
        Flag("x", "c", Severity.MINOR, "both", 0, 2, "m")


def test_review_roundtrip():
    tgt = "と述べたと述べた。"
    flag = Flag("repetition", "fluency/repetition", Severity.MAJOR, "tgt", 1, 5, "stutter", text=tgt[1:5])
    seg = Segment(0, "He said.", tgt, (0,), (0,), 0.8, {"chrf": 50.0}, 70.0, (flag,))
    review = Review(meta={"a": 1}, segments=(seg,))
    again = review_from_dict(review.to_dict())
    assert again.to_dict() == review.to_dict()
