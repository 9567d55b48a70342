from __future__ import annotations

import pytest

from mtreview.checks import Article
from mtreview.checks.alignment import Omission
from mtreview.lang.names import en_skeleton, kata_skeleton, latin_names, spells
from mtreview.records import Segment


@pytest.mark.parametrize("name, kata, en_skel, kata_skel", [
    # names from the align-dev articles and their renderings in the professional translations
    ("Lingard", "リンガード", "rnkt", "rnkt"),  # the English r before a consonant is silent
    ("Putin", "プーチン", "btn", "btn"),
    ("Leicester", "レスター", "rst", "rst"),
    ("Watford", "ワトフォード", "tht", "tht"),
    ("Trump", "トランプ", "trmb", "trmb"),  # ン before プ is m
    ("Virginia", "バージニア", "bsn", "bsn"),  # v = b, g before i = j = s
])
def test_skeletons(name, kata, en_skel, kata_skel):
    assert (en_skeleton(name), kata_skeleton(kata)) == (en_skel, kata_skel)


@pytest.mark.parametrize("name, words, expected", [
    ("Fernandes", ["ブルーノ", "フェルナンデス"], True),
    ("Solskjaer", ["オーレ", "グンナー", "スールシャール"], False),  # too far from its spelling
    ("Lavrov", ["ラブロフ"], True),
    ("Tokyo", ["ロンドン"], False),
    ("Blair", ["トニー", "ブレア"], True),
])
def test_spells(name, words, expected):
    assert spells(name, words) is expected


@pytest.mark.parametrize("text, names", [
    ("United won 2-0 at Leicester through goals by Bruno Fernandes and Jesse Lingard.",
     ["Leicester", "Bruno", "Fernandes", "Jesse", "Lingard"]),
    ("Virginia Beach Takes Down Confederate Monument", []),  # a Title Case headline
])
def test_latin_names(text, names):
    assert [m.group() for m in latin_names(text)] == names


def test_omission_sees_a_name_the_article_spells_elsewhere():
    # align-dev en-ja: the clause with Lingard's name dropped from the second pair
    pairs = [
        ("Jesse Lingard scored the second goal in stoppage time for the visitors on Sunday.",
         "日曜日、ジェシー・リンガードがアディショナルタイムにアウェーチームの2点目を決めた。"),
        ("United won 2-0 at Leicester through goals by Bruno Fernandes and Jesse Lingard to secure third place.",
         "ブルーノ・フェルナンデスのゴールでレスターに2対0で勝利し、3位を確保した。"),
    ]
    segs = tuple(Segment(k, s, t, (k,), (k,)) for k, (s, t) in enumerate(pairs))
    flags = Omission(min_segments=99, short_log=-2.0, length_a=-0.1).run(Article(segments=segs))
    assert [(i, f.text, f.severity.label) for i, f in flags] == [(1, "Lingard", "minor")]
