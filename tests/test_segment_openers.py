"""Sentence starts with no end mark before them (round 6): a possessive or "Upon" opener after a
finished clause (review titles, chat). Every example is invented; each rule has positive and
negative cases.
"""

from __future__ import annotations

import pytest

from mtreview import segment
from mtreview.io.load import load_text


def _texts(text: str, lang: str) -> list[str]:
    return [s.text for s in segment.split(load_text(text, lang))]


@pytest.mark.parametrize("text, expected", [
    # a review title run into its text
    ("The lid fits well and looks great My cat has not opened it yet.",
     ["The lid fits well and looks great", "My cat has not opened it yet."]),
    ("Nothing was said about the waiting time Upon arrival the box was empty.",
     ["Nothing was said about the waiting time", "Upon arrival the box was empty."]),
])
def test_my_and_upon_open_a_sentence_after_a_finished_clause(text, expected):
    assert _texts(text, "en") == expected


@pytest.mark.parametrize("text", [
    "Songs From My Childhood In The Valley",  # a Title Case title
    "Once Upon A Time In The West",
    "He read my letter aloud.",  # lower case: no opener
    "Call My Office now.",  # too short to be a finished clause
])
def test_my_and_upon_inside_a_title_or_a_sentence_are_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1
