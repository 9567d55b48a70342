from __future__ import annotations

import pytest

from mtreview.checks import Article
from mtreview.checks.consistency import Inconsistency
from mtreview.records import Segment


def _flags(tgts, srcs=None, **params):
    srcs = srcs or [f"s{k}" for k in range(len(tgts))]
    art = Article(segments=tuple(Segment(k, s, t, (k,), (k,)) for k, (s, t) in enumerate(zip(srcs, tgts, strict=True))))
    return [(i, f.start, f.end, f.text, f.severity.label, f.suggestion) for i, f in Inconsistency(**params).run(art)]


SEED_KIM = [
    "北朝鮮はロシアとの関係を積極的に強化しており、金正恩(キム・ジョンウン)総書記が9月にロシアを訪問した。",
    "北朝鮮はロシアとの関係を積極的に強化しており、金正恩委員長が9月にプーチン大統領との首脳会談のためにロシアを訪問した。",
    "金正恩氏は外交的孤立から脱しようとしている。",
    "金委員長は先週、平壌で開かれた総会で宣言した。",
]
SEED_MINISTRY = [
    "会談について、北の外務省は、プーチン大統領は平壌訪問の意志を再び示したと述べた。",
    "日曜日に発表された別の声明では、北の外務省は、国連安全保障理事会を非難した。同省は述べた。",
    "北朝鮮外務省は、国営メディアに掲載されたコメントの中で述べた。",
    "ロシアは「深い感謝」を表明したと、北朝鮮省は伝えた。",
]


@pytest.mark.parametrize("tgts, expected", [
    # (segment, start, end, text, severity, suggestion)
    (SEED_KIM, [(0, 36, 39, "総書記", "major", "委員長")]),
    (SEED_MINISTRY, [(0, 7, 12, "北の外務省", "minor", "北朝鮮外務省"), (1, 16, 21, "北の外務省", "minor", "北朝鮮外務省"),
                     (3, 17, 21, "北朝鮮省", "minor", "北朝鮮外務省")]),
    (["バージニア州バージニア・ビーチ -- バージニアビーチ市は土曜、記念碑を撤去した。",
      "バージニア・ビーチ市議会は全会一致で可決した。"],
     [(0, 19, 27, "バージニアビーチ", "minor", "バージニア・ビーチ")]),
    # a tie broken by spelling: ー after ン, ・ before ン, ー before a small kana are not Japanese
    (["リャンーピーを食べた。", "夏の定番はリャンピーだ。"], [(0, 0, 6, "リャンーピー", "minor", "リャンピー")]),
    (["ウスマン・デンベレが出場。", "ウスマ・ン・デンベレも。"], [(1, 0, 10, "ウスマ・ン・デンベレ", "minor", "ウスマン・デンベレ")]),
    (["ラウンジウーェアの日", "ラウンジウェアを着る"], [(0, 0, 8, "ラウンジウーェア", "minor", "ラウンジウェア")]),
    # 吉村 is a surname, not a village (2 kanji ending in 村)
    (["吉村洋文知事が出演した。", "吉村知事は説明した。", "そこで吉村大統領は述べた。"], [(2, 5, 8, "大統領", "major", "知事")]),
    # a tie of ranks with no evidence: minor, not major
    (["金正恩総書記が訪問した。", "金正恩委員長が述べた。"], [(1, 3, 6, "委員長", "minor", "総書記")]),
    # 氏 is not a rank; 前大統領 is another rank; two countries' leaders are two people
    (["トランプ大統領は述べた。", "トランプ氏は語った。", "トランプ大統領が来日した。"], []),
    (["バイデン大統領とトランプ前大統領が討論した。", "トランプ前大統領は反論した。"], []),
    (["ロシア大統領と中国国家主席が会談した。", "ロシア外相も同席した。"], []),
    (["米国防総省は発表した。", "国防総省は述べた。"], []),
    # bodies and titles that legitimately change are not people with two ranks
    (["同社社長は述べた。", "同社会長も出席した。"], []),
    (["大久保容疑者が逮捕された。", "大久保被告は起訴内容を認めた。"], []),
    (["自民党幹事長が会見した。", "自民党総裁も出席した。"], []),
])
def test_inconsistency(tgts, expected):
    assert _flags(tgts) == expected


def test_tie_broken_by_the_source():
    # Amabie is one word in the source, so アマ・ビエ is the odd form (align-dev ja-en, first form or not)
    srcs = ["Bringing Joy with Bizen Ware Amabie Ornaments", "They are making Bizen ware Amabie ornaments."]
    tgts = ["「アマ・ビエ」備前焼置物で元気に", "妖怪「アマビエ」の備前焼の置物を作っている。"]
    assert _flags(tgts, srcs) == [(0, 1, 6, "アマ・ビエ", "minor", "アマビエ")]


def test_same_source_sentence_translated_two_ways():
    src = "Heavy rain is expected through Monday, so caution against landslides is needed."
    flags = _flags(["月曜にかけて雨量が増えるため土砂災害に警戒が必要です。", "別の文です。",
                    "さらに月曜にかけて雨量が増えるため土砂災害などに警戒が必要です。"], [src, "Other.", src])
    assert flags == [(2, 0, 32, "さらに月曜にかけて雨量が増えるため土砂災害などに警戒が必要です。", "minor",
                      "月曜にかけて雨量が増えるため土砂災害に警戒が必要です。")]


def test_rank_severity_param_and_sentence_level_mode():
    assert _flags(SEED_KIM, rank_severity="minor")[0][4] == "minor"
    art = Article(segments=tuple(Segment(k, "s", t, (k,), (k,)) for k, t in enumerate(SEED_KIM)),
                  document_level=False)
    assert Inconsistency().run(art) == []


@pytest.mark.parametrize("srcs, tgts, expected", [
    # the ・ between two words the source writes apart, in an article that writes ・ between name words
    (["In March, it lost the Kamal Nath-led government in Madhya Pradesh.",
      "It has done the same in Madhya Pradesh, the Congress said."],
     ["3月にはマディヤ・プラデーシュ州でカマル・ナート氏率いる政権を失った。",
      "インド人民党がマディヤプラデーシュ州でも同様のことを行ったと議会は主張。"],
     [(1, 7, 17, "マディヤプラデーシュ", "minor", "マディヤ・プラデーシュ")]),
    # ... whichever comes first
    (["It has done the same in Madhya Pradesh, the Congress said.",
      "In March, it lost the Kamal Nath-led government in Madhya Pradesh."],
     ["インド人民党がマディヤプラデーシュ州でも同様のことを行ったと議会は主張。",
      "3月にはマディヤ・プラデーシュ州でカマル・ナート氏率いる政権を失った。"],
     [(0, 7, 17, "マディヤプラデーシュ", "minor", "マディヤ・プラデーシュ")]),
    # a short word is compared when one form breaks katakana spelling (ー after ッ)
    (["Mayor Fujita Koji released a message on the 23rd.", "The message reads as follows."],
     ["藤田剛二市長は２３日、メッーセージを発表した。", "メッセージは次の通り。"],
     [(0, 11, 17, "メッーセージ", "minor", "メッセージ")]),
    (["He sent a message.", "The message was short."], ["メッセージを送った。", "メッセージは短かった。"], []),
    # a tie with no evidence: the first form is the reference, the later one is flagged (minor)
    (["Tony Blair said.", "Sophy Ridge told Mr Blair:"], ["トニー・ブレアは述べた。", "ソフィー・リッジはトニーブレアに告げた:"],
     [(1, 9, 15, "トニーブレア", "minor", "トニー・ブレア")]),
    # a ・ in a word no source names is a loanword's (ホームページ), whichever comes first
    (["According to the official homepage of the National Election Authority (NEA), the NEA began registering.",
      "Voters must register their data on the NEA's website from July 25."],
     ["全国選挙管理局（NEA）の公式ホーム・ページによると、NEAは登録を開始した。", "投票者は7月25日からNEAのホームページで登録する必要がある。"],
     [(0, 15, 22, "ホーム・ページ", "minor", "ホームページ")]),
    # MeCab reads ファウル as one word, ファーウル as two pieces
    (["He swung from the first pitch, and after a foul, the second pitch.", "Even his fouls have an air."],
     ["初球から積極的に振っていき、ファーウルの後の２球目。", "ファウルでも雰囲気がある。"],
     [(0, 14, 19, "ファーウル", "minor", "ファウル")]),
    # MeCab cuts リャンピー in two known pieces but does not know リャーンピー at all: no evidence against リャンピー;
    # the unknown word is the odd one, whichever comes first
    (["The summer staple is \"Liangpi\".", "In China, the noodle dish of summer is \"Liangpi\"."],
     ["夏の定番は「涼皮（リャーンピー）」", "中国で、夏を感じる麺料理といえば「涼皮 (リャンピー) 」"],
     [(0, 9, 15, "リャーンピー", "minor", "リャンピー")]),
    (["Sundays are for loungewear.", "Sundays are for loungewear, half-length tracksuit bottoms."],
     ["日曜日はラウーンジウェアの日", "日曜日はラウンジウェアの日、ハーフ丈のトラックスーツの下。"],
     [(0, 4, 12, "ラウーンジウェア", "minor", "ラウンジウェア")]),
    # two ・ in a row is no spelling
    (["Home Secretary Priti Patel demands explanation.", "Priti Patel has demanded answers."],
     ["内務大臣プリティ・・パテル、説明要求", "プリティ・パテル氏は説明を求めている。"],
     [(0, 4, 13, "プリティ・・パテル", "minor", "プリティ・パテル")]),
    # MeCab does not know the name キムカーダシアン: its cuts say nothing about the ・; the source writes two words
    (["he has been trying to divorce his wife Kim Kardashian", "Kanye West plans to divorce Kim Kardashian"],
     ["この2年間妻のキムカーダシアンと離婚しようとしている", "カニエ・ウェストがキム・カーダシアンとの離婚を計画"],
     [(0, 7, 15, "キムカーダシアン", "minor", "キム・カーダシアン")]),
])
def test_katakana_variants_with_source(srcs, tgts, expected):
    assert _flags(tgts, srcs) == expected


def test_same_source_sentence_differing_only_in_punctuation():
    src = "The amount of precipitation is expected to further increase into the 27th (Mon)."
    tgts = ["さらに27日（月）にかけて雨量が増えるため、土砂災害などに警戒が必要です。", "別の文です。",
            "さらに27日（月）にかけて雨量が増えるため土砂災害などに警戒が必要です。"]
    assert _flags(tgts, [src, "Other.", src]) == []


# -- the reverse direction: one translation for two sources --------------------------------


def _reverse(tgts, srcs, **params):
    return [(i, t) for i, _, _, t, sev, _ in _flags(tgts, srcs, **params) if sev == "minor"]


def test_same_translation_for_two_different_source_sentences():
    srcs = ["The ministry said 3,126 patients were in intensive care.", "Other news.",
            "The ministry said 2,237 patients had received a booster."]
    tgts = ["保健省によると、3,126人が集中治療室に入っている。", "別のニュース。", "保健省によると、3,126人が集中治療室に入っている。"]
    assert _reverse(tgts, srcs) == [(2, tgts[2])]
    flags = Inconsistency().run(Article(segments=tuple(
        Segment(k, s, t, (k,), (k,)) for k, (s, t) in enumerate(zip(srcs, tgts, strict=True)))))
    assert "segment 1" in flags[0][1].message and flags[0][1].severity.label == "minor"


@pytest.mark.parametrize("srcs, tgts", [
    # the same source (case, spaces and punctuation aside): the forward direction's business
    (["The ministry said 3,126 patients were in intensive care.", "the ministry said 3,126 patients were in intensive care"],
     ["保健省によると、3,126人が集中治療室に入っている。", "保健省によると、3,126人が集中治療室に入っている。"]),
    # short translations repeat legitimately (ありがとうございます for Thanks / Thank you)
    (["Thanks.", "Thank you very much."], ["ありがとうございます。", "ありがとうございます。"]),
    # a translation with no source (an added line) is the alignment's business
    (["", "The ministry said 3,126 patients were in intensive care."],
     ["保健省によると、3,126人が集中治療室に入っている。", "保健省によると、3,126人が集中治療室に入っている。"]),
])
def test_same_translation_not_reported(srcs, tgts):
    assert _reverse(tgts, srcs) == []


@pytest.mark.parametrize("srcs, tgts, expected", [
    # one katakana name for two names of the source that sound alike
    (["Austria will host the talks.", "Austria's chancellor agreed.", "Australia sent a delegation."],
     ["オーストリアが協議を主催する。", "オーストリア首相も同意した。", "オーストリアも代表団を送った。"], [(2, "オーストリア")]),
    (["Colombia holds elections.", "Voters in Colombia queued.", "A professor at Columbia University said so."],
     ["コロンビアで選挙が行われる。", "コロンビアの有権者が並んだ。", "コロンビア大学の教授はそう述べた。"], [(2, "コロンビア")]),
    # forms of one name: a part of it, a possessive, a derived word, a source typo of two swapped letters
    (["Joe Biden won.", "Biden's team celebrated.", "President Biden spoke."], ["ジョー・バイデンが勝った。", "バイデン陣営は祝った。",
                                                                                "バイデン大統領が演説した。"], []),
    (["Ukraine was attacked.", "Ukrainians lost heat and water."], ["ウクライナが攻撃された。", "ウクライナ国民は暖房と水を失った。"], []),
    (["Talks with Greece.", "We signed with the Greeks."], ["ギリシャとの協議。", "ギリシャと契約した。"], []),
    (["Alerts from Sepctee.", "Spectee detects disasters.", "Spectee is used by 350 firms."],
     ["スペクティからの警報。", "スペクティは災害を検知する。", "スペクティは350社が使う。"], []),
    # two names of one source sentence sound alike (Japan, Spain for スペイン): no evidence which it renders
    (["Japan's Kubo played in Spain.", "Spain is next.", "Spain again."], ["久保はスペインでプレーした。", "次はスペイン。", "またスペイン。"], []),
    # different katakana for different names: nothing to say in this direction
    (["Iran and Iraq met.", "Iran said no."], ["イランとイラクが会談した。", "イランは拒否した。"], []),
])
def test_one_katakana_for_two_names(srcs, tgts, expected):
    assert _reverse(tgts, srcs) == expected
