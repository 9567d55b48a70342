from __future__ import annotations

import pytest

from mtreview.checks import Article
from mtreview.checks.punctuation import Punctuation, Quotes
from mtreview.records import Segment


def _article(*tgts: str) -> Article:
    return Article(segments=tuple(Segment(k, "x", t, (k,), (k,)) for k, t in enumerate(tgts)))


def _flags(check, *tgts: str):
    return [(i, f.start, f.end, f.text, f.severity.label, f.suggestion) for i, f in check.run(_article(*tgts))]


@pytest.mark.parametrize("tgts, expected", [
    (["それは “早い時期 “に実現する可能性があると述べた。"],
     [(0, 4, 11, "“早い時期 “", "major", "「早い時期」")]),
    (["崔氏とロシア政府高官は会談で、”両国の核心的利益を守る強い意志 “を表明したと述べた。"],
     [(0, 15, 33, "”両国の核心的利益を守る強い意志 “", "major", "「両国の核心的利益を守る強い意志」")]),
    (["韓国は安保理に「沈黙を破る」よう求めた。"], []),
    (["韓国は安保理に「沈黙を破るよう求めた。"], [(0, 7, 8, "「", "major", None)]),
    (["韓国は安保理に沈黙を破る」よう求めた。"], [(0, 12, 13, "」", "major", None)]),
    (["高さ27フィート（8.2メートルの記念碑。"], [(0, 8, 9, "（", "major", None)]),
    (["理由は次の通り。1) 予算 2) 人員"], []),  # list numbering, not a stray bracket
    # a quotation that runs over two segments, and a Japanese multi-paragraph quote
    (["彼は「これは", "重要だ」と述べた。"], []),
    (["彼は、「プライベートな事柄を公にしたことを妻に謝罪したい。", "俺は妻をかばえなかった。", "「許してくれ」と書いた。"], []),
    (["「我々は祝典を予定していた", "a", "b", "c", "d"], [(0, 0, 1, "「", "major", None)]),
    # a new quotation mid-sentence while one from an earlier segment is open: 「 does not nest in 「
    (["しかし、この物議をかもす政治家は「これを観ているたくさんの人が、私がしゃべるのをやめるべきだと思っているかもしれないことを認めた。",
      "ソフィー・リッジはトニー・ブレアに告げた: 「政治から身を振りほどくことがおできにならないんだと、いつも感じています。」",
      "「常にコロナウイルスの報告書を発表していらっしゃいますね。」"],
     [(0, 16, 17, "「", "major", None)]),
])
def test_quotes(tgts, expected):
    assert _flags(Quotes(), *tgts) == expected


@pytest.mark.parametrize("tgt, expected", [
    ("ソウル:北朝鮮は日曜日、合意したと発表した。", [(0, 3, 4, ":", "minor", "：")]),
    ("グレーター・ノイダで男を逮捕: 警察", [(0, 14, 15, ":", "minor", "：")]),
    ("本当か?そうだ!", [(0, 3, 4, "?", "minor", "？"), (0, 7, 8, "!", "minor", "！")]),
    ("金正恩(キム・ジョンウン)総書記が訪問した。", [(0, 3, 13, "(キム・ジョンウン)", "minor", "（キム・ジョンウン）")]),
    ('来年の夏までに"完全版"を仕上げる。', [(0, 7, 12, '"完全版"', "minor", "「完全版」")]),
    ("会談は終わった。。次に、、移る。", [(0, 7, 9, "。。", "minor", "。"), (0, 11, 13, "、、", "minor", "、")]),
    ("21 Jan 2024 11:01:28 GMT9", []),
    ("（AFP=時事）、午前11:30に開始。", []),
    ("声明は（AFP/Jiji）と伝えた。", []),
])
def test_punctuation(tgt, expected):
    assert _flags(Punctuation(), tgt) == expected


def test_punctuation_params_switch_rules_off():
    check = Punctuation(parentheses=False, latin_quotes=False)
    assert _flags(check, '金正恩(キム・ジョンウン)総書記が"完全版"を') == []


HOUSE_STYLE = [
    "ただＥＵ圏外枠の関係で\"保有権\"を持つ同１部レアル・マドリードへの帰還は困難とあって来季も他クラブでプレーする予定。",
    "果たして世界ナンバーワンのビッグクラブは\"日本の至宝\"の去就にどのような決断を下すか。",
]


@pytest.mark.parametrize("tgts, expected", [
    # "…" in two segments of one article is its house style (a Japanese-original sports page)
    (HOUSE_STYLE, []),
    (HOUSE_STYLE[1:], [(0, 20, 27, '"日本の至宝"')]),
])
def test_latin_quotes_house_style(tgts, expected):
    art = Article(segments=tuple(Segment(k, "s", t, (k,), (k,)) for k, t in enumerate(tgts)))
    assert [(i, f.start, f.end, f.text) for i, f in Punctuation().run(art)] == expected


CANCAM = ["ほのかが【田中みな実さん風ヘア】になる！カットの全貌をレポート(CanCam.jp ) - Yahoo!ニュース",
          "人気ヘアサロン（東京・表参道）でカットした。"]
RYANPI = ["中国で、夏を感じる麺料理といえば「涼皮 (リャンピー) 」 ではないだろうか。",
          "涼皮は、陕西 (シャンシー) 省発祥の平打ち麺。",
          "価格は10～20元 (150～300円) 前後と、非常にリーズナブルだ。"]


@pytest.mark.parametrize("tgts, expected", [
    # in an article with full-width （…）, a half-width (…) after Japanese counts whatever it holds,
    # also in a headline with much Latin text
    (CANCAM, [(0, 31, 43, "(CanCam.jp )")]),
    (CANCAM[:1], []),
    # after a Japanese closing bracket or full-width letters, spaces aside
    (["矢野監督「見ていて風格ある 」 ( サンケイスポーツ ) - Yahoo!ニュース", "（セ・リーグ、中日２－５阪神）"],
     [(0, 16, 28, "( サンケイスポーツ )")]),
    (["ブランビーズ、フォースに貫録勝ちで首位に／ＳＲ(サンケイスポーツ ) - Yahoo!ニュース",
      "スーパーラグビー（ＳＲ）のオーストラリア大会は２４日、シドニーで第４節最終日を行い、ウェスタンフォースとブランビーズが対戦。"],
     [(0, 23, 34, "(サンケイスポーツ )")]),
    # ... not in an article that writes (…) more often than （…） (its house style), unless glued into Japanese
    (RYANPI, []),
    ([*RYANPI, "金正恩(キム・ジョンウン)総書記が訪問した。"], [(3, 3, 13, "(キム・ジョンウン)")]),
])
def test_half_width_parentheses_in_the_article(tgts, expected):
    art = Article(segments=tuple(Segment(k, "s", t, (k,), (k,)) for k, t in enumerate(tgts)))
    assert [(i, f.start, f.end, f.text) for i, f in Punctuation().run(art)] == expected
