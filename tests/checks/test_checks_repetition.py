from __future__ import annotations

import pytest

from mtreview.checks.repetition import Repetition

SEED = ("先週モスクワで行われた、崔善姫(チェ・ソンヒ)外相とプーチン大統領、ラブロフ外相との会談について、北の外務省は、"
        "プーチン大統領は平壌訪問の意志を再び示し、それは “早い時期 “に実現する可能性があると述べたと述べた。")


@pytest.mark.parametrize("text, expected", [
    # (start, end, flagged text, severity, suggestion)
    (SEED, [(99, 107, "と述べたと述べた", "major", "と述べた")]),
    ("同社によると、同社は新製品を発表した発表した。", [(14, 22, "発表した発表した", "major", "発表した")]),
    ("彼は「これは重要重要だ」と語った。", [(6, 10, "重要重要", "major", "重要")]),
])
def test_japanese_stutter_is_flagged_with_its_span(text, expected):
    flags = Repetition().japanese(text)
    assert [(f.start, f.end, f.text, f.severity.label, f.suggestion) for f in flags] == expected
    assert all(text[f.start : f.end] == f.text for f in flags)


@pytest.mark.parametrize("text", [
    "一つ一つ丁寧に確認した。",
    "時々、様々な人々が次々と訪れ、ますます賑わい、いろいろな店が並ぶ。",
    "少しずつ日々の暮らしが戻り、我々は色々な方法を試した。",
    "岩がゴロゴロと転がり、ドンドン進んだ。",
    "人口は１０００人を超えた。",
    "それぞれの地域で、もっともっと頑張りたい。",
    "暑くて暑くて、冷房すら効きが悪くなるくらいの灼熱の日々。",
    "北朝鮮はロシアとの協調を米国に対して強調、プーチン大統領が「早期に」訪問する可能性があると述べた",
])
def test_japanese_reduplication_is_quiet(text):
    assert Repetition().japanese(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Organized by the the Yuwaku Tourism Bureau, Bonbori Festival is a reenactment.",
     [("the the", "minor", "the")]),
    ("He went to to the store.", [("to to", "minor", "to")]),
    ("She had had enough of it.", [("had had", "minor", "had")]),
    ("He said that that was wrong.", [("that that", "minor", "that")]),
    ("The Union Chain Bridge crosses the River Tweed.", []),
    ("Scores were 1 1 and 2 2.", []),
])
def test_english_doubles_are_minor(text, expected):
    flags = Repetition().english(text)
    assert [(f.text, f.severity.label, f.suggestion) for f in flags] == expected
    assert all(f.side == "src" for f in flags)


def test_missing_mecab_is_a_model_error_with_a_hint(monkeypatch):
    import sys

    from mtreview.errors import ModelError
    from mtreview.lang import mecab

    mecab.tagger.cache_clear()
    mecab.tokens.cache_clear()
    monkeypatch.setitem(sys.modules, "fugashi", None)  # import fugashi -> ImportError
    try:
        with pytest.raises(ModelError, match="pip install fugashi unidic-lite"):
            Repetition().japanese("述べたと述べた")
    finally:
        mecab.tagger.cache_clear()


@pytest.mark.parametrize("text, flagged, suggestion", [
    # stutters that restart inside a word: the word pass cannot see them
    ("調査団は事故の原因を明らかにしたらかにした。", "らかにしたらかにした", "らかにした"),
    ("大統領は結んだ領は結んだ協定の見直しを求めた。", "領は結んだ領は結んだ", "領は結んだ"),
    ("同社はまだ正式な発表をやっていないっていないという。", "っていないっていない", "っていない"),
    ("首相は来月、訪米するとのことるとのこと。", "るとのことるとのこと", "るとのこと"),
])
def test_character_stutter_across_word_boundaries(text, flagged, suggestion):
    flags = Repetition().japanese(text)
    assert [(f.text, f.suggestion, f.severity.label) for f in flags] == [(flagged, suggestion, "major")]
    assert all(text[f.start : f.end] == f.text for f in flags)


@pytest.mark.parametrize("text", [
    "タンザニアのンゴロンゴロ保全地域を訪れた。",  # a name that is itself doubled (one token)
    "毛先をちょんちょんと切ります。",  # mimetic word, one token
    "アプリをちょくちょく更新している。",
    "気を付けて！！！！！！！！！！！",  # a run of one character
    "松城北工 ０００００００―０ ４",  # digits, no Japanese
    "品質が ... ... このような状態では困る。",
    "マディヤ・プラデーシュ州、ウルタ・プラデーシュ州、ウルタラカンド州を構成する。",  # a list of names (MLQE-PE MT)
    "チェック。チェック。チョキはパーに勝ちます。",  # sentences repeated on purpose (WMT24 MT)
])
def test_character_pass_leaves_words_that_double_alone(text):
    assert Repetition().japanese(text) == []


def test_character_pass_can_be_switched_off():
    assert Repetition(min_chars=99).japanese("調査団は原因を明らかにしたらかにした。") == []
