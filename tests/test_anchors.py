"""Lexical anchors: numbers in any script and Latin names shared by both sides (real dev-set phrases)."""

from __future__ import annotations

import pytest

from mtreview import anchors
from mtreview.anchors import anchor_sets, latin_words, numbers


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("１万５０００人が参加した。", "ja", {"15000"}),
        ("more than 15,000 people took part", "en", {"15000"}),
        ("７月２４日夜", "ja", {"7", "24"}),
        ("On the night of July 24th", "en", {"7", "24"}),
        ("3億2000万円", "ja", {"320000000"}),
        ("$3.2 million", "en", {"3200000"}),
        ("300万ポンドから800万ポンドの損害賠償金", "ja", {"3000000", "8000000"}),
        ("damages of between £3million and £8million", "en", {"3000000", "8000000"}),
        ("高さ27フィート（8.2メートル）の記念碑", "ja", {"27", "8.2"}),
        ("the 27-foot (8.2-meter) tall monument", "en", {"27", "8.2"}),
        ("the Jan. 14 launch", "en", {"1", "14"}),
        ("You may go in May.", "en", {"5"}),
        ("50％", "ja", {"50"}),
        ("no numbers here", "en", set()),
    ],
)
def test_numbers(text, lang, expected):
    assert numbers(text, lang) == expected


def test_latin_words_skip_function_words_and_possessives():
    assert latin_words("HSBC did not fabricate evidence or hide Huawei’s facts") == {
        "hsbc", "did", "fabricate", "evidence", "hide", "huawei", "facts"}


def test_anchor_sets_keep_only_latin_words_the_japanese_side_uses():
    src, tgt = anchor_sets(
        ["In response to US DOJ's requests for information, HSBC Group simply presented the facts."],
        ["US DOJ（米国司法省）からの情報要請に応え、HSBCグループは客観的な事実を提供したに過ぎない。"],
    )
    assert src == [{"us", "doj", "hsbc"}]
    assert tgt == [{"us", "doj", "hsbc"}]


@pytest.mark.parametrize("text, lang, expected", [
    ('"We are leaving today," he said.', "en", {anchors.QUOTE}),
    ("“Peace be upon him.”", "en", {anchors.QUOTE}),
    ("Is it a danger?", "en", {anchors.QUESTION}),
    ("「結果」を伴うと警告", "ja", {anchors.QUOTE}),
    ("危険だろうか？", "ja", {anchors.QUESTION}),
    ("Russia warned of 'consequences' if it attacked.", "en", set()),  # single quotes: not a quotation
    ("The 5'11\" guard scored.", "en", set()),  # inches, not a quotation
    ("He doesn't know.", "en", set()),
    ("危険だろうか。", "ja", set()),
])
def test_punctuation_marks(text, lang, expected):
    assert anchors.marks(text, lang) == expected


def test_punctuation_anchors_only_when_asked():
    src, tgt = anchor_sets(['"Yes," he said.'], ["「はい」と彼は言った。"])
    assert src == [set()] and tgt == [set()]
    src, tgt = anchor_sets(['"Yes," he said.'], ["「はい」と彼は言った。"], punctuation=True)
    assert src == [{anchors.QUOTE}] and tgt == [{anchors.QUOTE}]


def test_anchor_sets_equal_the_anchors_of_each_text_and_are_the_callers_own():
    """``anchor_sets`` keeps each text's anchors between calls (the aligner rescoring its sentences):
    the same sets as ``numbers`` and ``latin_words`` give, and sets a caller may change freely."""
    src = ["HSBC lost $3.2 million on July 24.", "The COVID rules of HSBC", "No anchors here"]
    tgt = ["ＨＳＢＣは７月２４日に３２０万ドルを失った。", "HSBCのCOVID規則", "錨なし"]
    vocab = set().union(*(latin_words(t) for t in tgt))
    want_src = [numbers(s, "en") | (latin_words(s) & vocab) for s in src]
    want_tgt = [numbers(t, "ja") | latin_words(t) for t in tgt]
    for _ in range(2):  # the second call is served from the kept anchors
        got_src, got_tgt = anchor_sets(src, tgt)
        assert (got_src, got_tgt) == (want_src, want_tgt)
        assert all(type(a) is set for a in (*got_src, *got_tgt))
        got_src[0].add("changed")
        got_tgt[1].clear()
    assert want_src[0] == {"3200000", "7", "24", "hsbc"} and "covid" in want_tgt[1]
