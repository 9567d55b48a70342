from __future__ import annotations

import pytest

from mtreview.checks import Article
from mtreview.checks.boilerplate import Boilerplate, debris_spans, is_debris
from mtreview.records import Segment


@pytest.mark.parametrize("text, expected", [
    ("Short Url:", ["Short Url:"]),
    ("21 Jan 2024 11:01:28 GMT9", ["21 Jan 2024 11:01:28 GMT9"]),
    ("return to top", ["return to top"]),
    ("topics", ["topics"]),
    ("特に人気", ["特に人気"]),
    ("  • facebook", ["• facebook"]),
    ("シェア ツイート", ["シェア ツイート"]),
    ("2021年7月24日 18:30", ["2021年7月24日 18:30"]),
    ("Updated 2021-07-24 18:30", ["Updated 2021-07-24 18:30"]),
    ("(AFP=時事)\nShort Url:\n21 Jan 2024 11:01:28 GMT9", ["Short Url:", "21 Jan 2024 11:01:28 GMT9"]),
    ("首脳会談を行ったことで注目された。Short Url:", ["Short Url:"]),
    # prose that mentions the words is not debris
    ("ウェストはツイッターで、妻に謝罪したいと述べた。", []),
    ("この記事をシェアした人は、ホームページで意見を述べた。", []),
    ("2021年7月24日、福井市で花火が打ち上げられた。", []),
    ("AP", []),
])
def test_debris_spans(text, expected):
    assert [text[s:e] for s, e in debris_spans(text)] == expected


def test_check_flags_debris_lines_major_with_empty_suggestion():
    art = Article(segments=(Segment(0, "(AFP/Jiji)", "(AFP=時事)\nShort Url:", (0,), (0,)),))
    [(i, flag)] = Boilerplate().run(art)
    assert (i, flag.start, flag.end, flag.text, flag.severity.label, flag.suggestion) == (
        0, 9, 19, "Short Url:", "major", "")


@pytest.mark.parametrize("text, expected", [("topics\n特に人気\nオススメ", True), ("AP", False), ("", False)])
def test_is_debris(text, expected):
    assert is_debris(text) is expected
