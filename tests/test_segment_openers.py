"""Sentence ends with no end mark (round 6): a possessive or "Upon" opener after a finished English
clause (review titles, chat), an emoticon after Japanese text. Every example is invented; each
rule has positive and negative cases. A zero-width space after an English stop keeps the stop an end.
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


@pytest.mark.parametrize("text, expected", [
    ("届いた箱がつぶれていた :(中身は無事でした。", ["届いた箱がつぶれていた :(", "中身は無事でした。"]),
    ("もう使えない！:(新しいのを買います。", ["もう使えない！:(", "新しいのを買います。"]),
    ("楽しかった :)また行きたい。", ["楽しかった :)", "また行きたい。"]),
])
def test_a_japanese_emoticon_ends_the_sentence(text, expected):
    assert _texts(text, "ja") == expected


@pytest.mark.parametrize("text", [
    "受付時間:(午前10時から)です。",  # a colon before a bracket that closes
    "駐車場：P1をご利用ください。",  # a label, not an emoticon
    "比率は3:(1+2)になる。",  # a digit before the colon
    "楽しかった :)ね。",  # a particle after it continues
])
def test_a_japanese_colon_before_a_bracket_is_no_emoticon(text):
    assert len(segment.split(load_text(text, "ja"))) == 1


@pytest.mark.parametrize("text, expected", [
    # a zero-width space after the stop (copied web text) does not hide the sentence end
    ("Give it once a day.\u200b -For more support, add a second dose.",
     ["Give it once a day.\u200b", "-For more support, add a second dose."]),
    ("It works.\u200b It is great.", ["It works.\u200b", "It is great."]),
    # ... nor make an abbreviation end one
    ("Ask Mr.\u200b Smith about it.", ["Ask Mr.\u200b Smith about it."]),
    ("It went on.\u200b and on.", ["It went on.\u200b and on."]),
])
def test_a_zero_width_space_after_the_stop(text, expected):
    assert _texts(text, "en") == expected
