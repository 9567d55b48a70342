from __future__ import annotations

import pytest

from mtreview.checks.base import Article
from mtreview.checks.orthography import Variants, Width, width_class
from mtreview.checks.style import DoubledParticle, RaNuki, SentenceLength, StyleMix, aside, ending, sentences
from mtreview.records import Segment


def _article(*tgts: str, document_level: bool = True) -> Article:
    return Article(segments=tuple(Segment(k, "x", t, (k,), (k,)) for k, t in enumerate(tgts)),
                   document_level=document_level)


def _flags(check, *tgts: str) -> list[tuple[int, str]]:
    return [(i, f.text) for i, f in check.run(_article(*tgts))]


PLAIN = [
    "政府は２０日、新たな経済対策を発表した。",
    "対策の規模は約１０兆円に上る。",
    "首相は記者会見で「景気の下支えに全力を尽くします」と述べた。",  # polite inside quotes: not narrative
    "野党は財源の説明が不十分だと批判している。",
    "与党内にも慎重な意見がある。",
    "市場関係者は効果を見極めたいとしている。",
    "株価は小幅に上昇した。",
    "詳しくは政府のウェブサイトをご覧ください。",  # a request to the reader
    "経済対策の柱",  # a headline: no style
]


@pytest.mark.parametrize("odd, expected", [
    ("対策は来月から実施される予定です。", [(9, "です")]),
    ("財務省は国債を追加で発行します。", [(9, "します")]),
    ("政府は年内の成立を目指す考えだ。", []),  # plain like the rest
    ("本当にそれでいいのかな。", []),  # casual speech ending on a particle
    ("- 申請書を提出します。", []),  # a list item
])
def test_style_mix_reports_the_odd_sentence_out(odd, expected):
    got = _flags(StyleMix(), *PLAIN, odd)
    assert [(i, t) for i, t in got] == expected


def test_style_mix_polite_article_with_one_plain_sentence():
    polite = ["本日はご来店いただき、ありがとうございます。", "新商品は来週発売されます。", "価格は税込み３０００円です。",
              "ご予約も承っております。", "在庫には限りがあります。", "お早めにお求めいただけると幸いです。",
              "なお、一部店舗では取り扱いがない。"]
    assert _flags(StyleMix(), *polite) == [(6, "ない")]


def test_style_mix_needs_a_settled_style_and_an_article():
    two_each = ["雨が降った。", "風も強かった。", "明日は晴れます。", "気温も上がります。"]
    assert _flags(StyleMix(), *two_each) == []  # no settled style: nothing to compare with
    mixed = [*PLAIN, "対策は来月から実施される予定です。"]
    assert StyleMix().run(_article(*mixed, document_level=False)) == []  # independent rows


@pytest.mark.parametrize("text, expected", [
    ("政府は発表した。", ("plain", "した")),
    ("調査は続いている。", ("plain", "いる")),
    ("それが問題である。", ("plain", "ある")),
    ("来週発表します。", ("polite", "します")),
    ("結果は来月出るでしょう。", ("polite", "出るでしょう")),
    ("見ませんでした。", ("polite", "見ませんでした")),
    ("首相の発言", None),
    ("「ありがとうございます」", None),
    ("これはめったにございませんので。", None),
])
def test_ending(text, expected):
    got = ending(text, 0, len(text))
    assert (got if got is None else (got[0], text[got[1] : got[2]])) == expected


def test_sentences_cut_outside_brackets():
    text = "彼は「行く。すぐ行く。」と言った。本当だ。"
    assert [text[s:e] for s, e in sentences(text)] == ["彼は「行く。すぐ行く。」と言った。", "本当だ。"]


@pytest.mark.parametrize("text, expected", [
    ("東京のの天気は晴れ。", ["のの"]),
    ("彼がが来たと聞いた。", ["がが"]),
    ("資料をを確認した。", ["をを"]),
    ("あなたははこの件でとても忙しいでしょう。", ["はは"]),  # seen in a professional WMT23 reference
    ("全国１１７カ所でで一斉にスタートした。", ["でで"]),  # MeCab: 助動詞 + 接続詞
    ("高畠町ででも日暈が見られた。", ["でで"]),
    ("雨で、でも試合は続いた。", []),  # not adjacent
    ("観客は選手をののしった。", []),  # 罵る
    ("準備がととのう。", []),  # 整う
    ("行きたいものの、時間がない。", []),  # もの + の
    ("ははは、と笑った。", []),  # laughter, no particle
    ("母は「はは」と呼ばれた。", []),
])
def test_doubled_particle(text, expected):
    assert [t for _, t in _flags(DoubledParticle(), text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("ここから富士山が見れる。", [("見れる", "見られる")]),
    ("明日は来れない人もいる。", [("来れ", "来られ")]),
    ("このキノコは食べれるのか。", [("食べれる", "食べられる")]),
    ("朝早く起きれなかった。", [("起きれ", "起きられ")]),
    ("時期は来年以降とみれる。", [("みれる", "みられる")]),  # kana
    ("価格は１万円とみれている。", [("みれ", "みられ")]),
    ("手をいれる。", []),  # 居る left out: いれる is usually 入れる
    ("ここから富士山が見られる。", []),
    ("明日なら来られる。", []),
    ("彼は速く走れる。", []),  # 五段 potential: standard
    ("今日は早く帰れる。", []),
    ("窓から光が入れる。", []),  # 入れる is its own verb
    ("新しい法律が施行される。", []),  # passive of a サ変 verb
])
def test_ra_nuki(text, expected):
    flags = RaNuki().run(_article(text))
    assert [(f.text, f.suggestion) for _, f in flags] == expected


def test_sentence_length():
    long = "政府は" + "、".join(["新たな経済対策として大規模な財政出動を行う方針を示し"] * 6) + "た。"
    assert len(long) > 150
    assert [t for _, t in _flags(SentenceLength(), long + "短い文だ。")] == [long]
    assert _flags(SentenceLength(max_chars=400), long) == []
    assert _flags(SentenceLength(), "短い文だ。" * 40) == []  # many short sentences


@pytest.mark.parametrize("tgts, expected", [
    # digits half-width three times, one full-width number of the same kind
    (["2024年の売上高は350億円。", "前年比12%増えた。", "社員は1200人。", "新工場は２０２６年に稼働する。"], [(3, "２０２６")]),
    # single digits full-width, longer numbers half-width: a common house style, not reported
    (["参加者は５人。", "会議は３日に開く。", "予算は2000万円。", "期間は２週間、費用は150万円。"], []),
    # a single full-width digit among half-width single digits
    (["第1四半期は好調。", "第2四半期も増収。", "第3四半期は横ばい。", "第４四半期は減収。"], [(3, "４")]),
    # letters: NATO three times, ＮＡＴＯ once
    (["NATOは声明を出した。", "NATO加盟国は協議した。", "NATO事務総長が会見。", "ＮＡＴＯは結束を示した。"], [(3, "ＮＡＴＯ")]),
    # no settled usage (2 and 2): nothing
    (["2024年。", "350億円。", "２０２６年。", "１２００人。"], []),
    # decimals are one run (not the single digits 0, 2, 5); URLs do not count
    (["金利は0.25%。", "成長率は1.5%。", "物価は2.8%上昇。", "失業率は３%。"], []),
    (["売上は２０２４年に増えた。", "社員は１２００人。", "拠点は３５０か所。", "詳細はhttps://example.com/news/2024を参照。"], []),
])
def test_width(tgts, expected):
    assert _flags(Width(), *tgts) == expected


def test_width_is_quiet_on_independent_rows():
    tgts = ["2024年の売上高は350億円。", "前年比12%増えた。", "社員は1200人。", "新工場は２０２６年に稼働する。"]
    assert Width().run(_article(*tgts, document_level=False)) == []


@pytest.mark.parametrize("tgts, expected", [
    (["子供の数が減っている。", "子供の貧困も深刻だ。", "子どもの権利を守る。"], [(2, "子ども", "子供")]),
    (["この作業は出来ない。", "誰でもできる。", "すぐにできた。"], [(0, "出来", None)]),  # inflected: no suggestion
    (["全ての国が参加した。", "すべての会員に通知した。"], [(1, "すべて", "全て")]),  # a tie: the first spelling wins
    (["子供の数が減っている。", "子供の貧困も深刻だ。"], []),
    (["大事なことを話した。", "その事について説明した。"], []),  # 事/こと: formal noun, not in the table
])
def test_variants(tgts, expected):
    flags = Variants().run(_article(*tgts))
    assert [(i, f.text, f.suggestion) for i, f in flags] == expected


@pytest.mark.parametrize("odd", [
    "対策は来月から実施される予定です！",  # an exclamation
    "皆さんもぜひ参加しましょう。",  # a call to act
    "ご不便をおかけして申し訳ございません。",  # humble language: an apology quoted without brackets
    "早期の解決を願っております。",
    "情報提供をお願いいたします。",
])
def test_style_mix_leaves_asides_in_a_plain_article(odd):
    assert _flags(StyleMix(), *PLAIN, odd) == []


def test_style_mix_asides_in_a_polite_article():
    polite = ["新商品は来週発売されます。", "価格は税込み３０００円です。", "在庫には限りがあります。",
              "店舗での受け取りもできます。", "詳細は店頭でご確認いただけます。", "予約も可能です。"]
    for odd in ["みんなで手に入れよう。", "ついに発売になる！", "売り切れていましたよ、信じられなかった。"]:
        assert _flags(StyleMix(), *polite, odd) == []
    assert _flags(StyleMix(), *polite, "ついに発売になる。") == [(6, "なる")]  # the same, narrated


@pytest.mark.parametrize("text, expected", [
    ("家に帰ろう！", True), ("対策を講じよう。", True), ("一緒に行きましょう。", True),
    ("そうでしたよ、彼は来た。", True), ("願っております。", True),
    ("雨が降るだろう。", False), ("明日は晴れるでしょう。", False), ("彼はそういう。", False),
    ("お金をもらう。", False), ("彼は責任を負う。", False), ("彼は「そうだよ、行く」と言った。", False),
])
def test_aside(text, expected):
    assert aside(text, 0, len(text)) is expected


HALF = ["2024年の売上高は350億円。", "前年比12%増えた。", "社員は1200人。"]  # longer numbers half-width


@pytest.mark.parametrize("tgts, expected", [
    # a full-width number among half-width ones, its thousands separator half-width: still a number
    ([*HALF, "新工場に６,５００人。"], [(3, "６,５００")]),
    # letters mixed with digits (G7, COVID-19, 5G, Ｊ１) and a number with its unit keep their own width
    ([*HALF, "Ｇ７サミットが開かれた。"], []),
    ([*HALF, "ＣＯＶＩＤ－１９の影響。"], []),
    ([*HALF, "通信は５Ｇに移行し、容量は１０ＧＢになった。"], []),
    # a range is two numbers: 3-5 are single digits, not a longer number
    ([*HALF, "納期は３-５日。"], []),
    # list item numbers are their own class: （１） among half-width numbers is the list's style
    ([*HALF, "（１）返品の手順", "（２）返金の時期"], []),
    (["1) 申請書を出す", "2) 審査を受ける", "3) 結果を待つ", "４) 受け取る"], [(3, "４")]),
])
def test_width_token_classes_for_digits(tgts, expected):
    assert _flags(Width(), *tgts) == expected


ACRONYMS = ["ＪＲ東日本は発表した。", "ＮＨＫによると、", "ＷＨＯは警告した。"]  # acronyms full-width


@pytest.mark.parametrize("tgts, expected", [
    ([*ACRONYMS, "ICUは満床だ。"], [(3, "ICU")]),  # an acronym of the other width
    ([*ACRONYMS, "岩渕HC「団結」 - Yahoo!ニュース"], [(3, "HC")]),  # the acronym, not the brand name
    ([*ACRONYMS, "記事はYahoo!ニュースで読める。"], []),  # a word with lower case: another class
    ([*ACRONYMS, "バンクシーのTシャツが売れた。"], []),  # a letter that is part of a katakana word
    ([*ACRONYMS, "ビタミンCを含む。"], []),
    ([*ACRONYMS, "U.S.の報道、rt.comでも。"], []),  # abbreviations with dots, a domain
    ([*ACRONYMS, "重さは5 kg、容量は100 MB。"], []),  # units after a number
    # words: Ｍａｘ among half-width brand names
    (["Netflixで配信。", "Googleが発表。", "Appleも参入。", "ＨＢＯ Ｍａｘで配信開始。"], [(3, "Ｍａｘ")]),
])
def test_width_token_classes_for_letters(tgts, expected):
    assert _flags(Width(), *tgts) == expected


@pytest.mark.parametrize("text, start, end, expected", [
    ("２０２４年", 0, 4, "digits"), ("５人", 0, 1, "single digits"), ("Ａ社", 0, 1, "single letters"),
    ("NATOは", 0, 4, "acronyms"), ("iPhoneを", 0, 6, "words"), ("G7で", 0, 2, None), ("Ｇ7で", 0, 2, None),
    ("Ｔシャツ", 0, 1, None), ("（１）手順", 1, 2, "item numbers"), ("年齢（３２）", 3, 5, "digits"),
])
def test_width_class(text, start, end, expected):
    assert width_class(text, start, end) == expected
