from __future__ import annotations

import pytest

from mtreview.checks.numbers import Numbers
from mtreview.checks.tags import Tags, codes


@pytest.mark.parametrize("src, tgt, expected", [
    # (side, flagged text, severity, message start)
    ("You have {0} new messages.", "新着メッセージが件あります。",
     [("src", "{0}", "major", "Placeholder {0} is missing")]),
    ("Hello, %s! Your order %d has shipped.", "%sさん、ご注文%dを発送しました。", []),
    ("Hello, %s! Your order %d has shipped.", "%sさん、ご注文%sを発送しました。",
     [("src", "%d", "major", "Placeholder %d is missing"), ("tgt", "%s", "major", "Placeholder %s is not in")]),
    ("Welcome back, {{user_name}}.", "おかえりなさい、{{userName}}さん。",
     [("src", "{{user_name}}", "major", "Placeholder"), ("tgt", "{{userName}}", "major", "Placeholder")]),
    ("Click <b>Save</b> to continue.", "続けるには<b>保存</b>をクリックしてください。", []),
    ("Click <b>Save</b> to continue.", "続けるには保存</b>をクリックしてください。",
     [("src", "<b>", "major", "Tag <b> is missing")]),
    ("Click <b>Save</b> to continue.", "続けるには</b>保存<b>をクリックしてください。",
     [("tgt", "</b>", "major", "Tag </b> is out of order")]),
    ('Press <g id="1">OK</g> and <x id="2"/>.', '<x id="2"/>と<g id="1">OK</g>を押します。', []),
    ('Press <g id="1">OK</g> and <x id="2"/>.', '<g id="2">OK</g>を押します。',
     [("src", '<g id="1">', "major", "Tag"), ("src", '<x id="2"/>', "major", "Tag"),
      ("tgt", '<g id="2">', "major", "Tag")]),
    ("Details at https://example.com/news/2024/01/.", "詳細はhttps://example.com/news/2024/01をご覧ください。", []),
    ("Details at https://example.com/news/2024/01.", "詳細はhttps://example.com/news/2023/01をご覧ください。",
     [("src", "https://example.com/news/2024/01", "major", "Url"),
      ("tgt", "https://example.com/news/2023/01", "major", "Url")]),
    ("Write to press@example.org for details.", "詳細はpress@example.orgまでお問い合わせください。", []),
    ("Write to press@example.org for details.", "詳細は報道担当までお問い合わせください。",
     [("src", "press@example.org", "major", "E-mail address")]),
    ("Follow @NHK_PR and use #Tokyo2020.", "@NHK_PRをフォローし、#Tokyo2020を付けて投稿を。", []),
    ("Follow @NHK_PR and use #Tokyo2020.", "NHK広報をフォローし、#東京五輪を付けて投稿を。",
     [("src", "@NHK_PR", "minor", "@handle")]),
    # not codes: a percentage, a ranking, a comparison, prices
    ("Prices rose 50% d uring the #1 quarter; 3 < 5.", "価格は第1四半期に50%上昇した。3 < 5。", []),
    ("The index rose 5.2% on Monday.", "指数は月曜日に5.2％上昇した。", []),
])
def test_tags_and_placeholders(src, tgt, expected):
    flags = Tags().compare(src, tgt)
    got = [(f.side, f.text, f.severity.label, f.message[: len(m)]) for f, (*_, m) in zip(flags, expected, strict=False)]
    assert len(flags) == len(expected), [f.message for f in flags]
    assert got == expected
    for f in flags:
        assert (src if f.side == "src" else tgt)[f.start : f.end] == f.text


def test_hashtags_can_be_switched_off():
    src, tgt = "So I finally watched #Heartstopper today.", "今日やっとハートストッパーを見たよ。"
    assert [(f.text, f.severity.label) for f in Tags().compare(src, tgt)] == [("#Heartstopper", "minor")]
    assert Tags(hashtags=False).compare(src, tgt) == []


@pytest.mark.parametrize("src, tgt, expected", [
    # a translated hashtag pairs with the one it replaces
    ("Using hashtag #SpeakUpForDemocracy, he urged people to unite.", "#民主主義主張のハッシュタグを使い、団結を訴えた。", []),
    # anonymised names of WMT test sets are placeholders, not hashtags
    ("Books from #PRS_ORG# can be re-downloaded from the #PRS_ORG# #PRS_ORG#.",
     "#PRS_ORG#から購入された本は#PRS_ORG##PRS_ORG#から再度ダウンロードできます。", []),
    # a closing tag written as an opening one (seen in a professional WMT23 reference)
    ("So, <parallel_talk> both need manually created references. </parallel_talk>",
     "で、<parallel_talk>両方とも手作業で作った参照が要る。<parallel_talk>",
     ["</parallel_talk>", "<parallel_talk>"]),
])
def test_real_world_shapes(src, tgt, expected):
    assert [f.text for f in Tags().compare(src, tgt)] == expected


def test_codes_do_not_overlap_and_url_drops_trailing_punctuation():
    text = "Mail a.b@example.com or see https://example.com/a.)"
    assert [(c.kind, text[c.start : c.end]) for c in codes(text)] == [
        ("email", "a.b@example.com"), ("url", "https://example.com/a")]


@pytest.mark.parametrize("src, tgt", [
    ("You have {0} new messages.", "新着メッセージが{0}件あります。"),
    ("Step %1$s of 3 done.", "3段階中%1$s段階が完了しました。"),
    ('See <x id="7"/> below.', '下の<x id="7"/>を参照。'),
])
def test_numbers_inside_placeholders_are_not_numbers(src, tgt):
    assert Numbers().compare(src, tgt) == []


def test_a_missing_placeholder_is_a_tags_flag_not_a_number_flag():
    assert Numbers().compare("You have {0} new messages.", "新着メッセージがあります。") == []
    assert [f.check for f in Tags().compare("You have {0} new messages.", "新着メッセージがあります。")] == ["tags"]
