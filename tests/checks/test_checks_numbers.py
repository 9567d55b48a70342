from __future__ import annotations

import pytest

from mtreview.checks.numbers import Numbers
from mtreview.lang.numbers import english_numbers, japanese_numbers


@pytest.mark.parametrize("text, expected", [
    # (written form, sorted values)
    ("Workers took down the 27-foot (8.2-meter) tall monument on Saturday",
     [("27", [27.0]), ("8.2", [8.2]), ("Saturday", [6.0])]),
    ("The ministry said the Jan. 14 launch", [("Jan.", [1.0]), ("14", [14.0])]),
    ("Sales rose to $3 billion, twice the forecast, on Jan. 14, 2024",
     [("3 billion", [3e9]), ("twice", [2.0]), ("Jan.", [1.0]), ("14", [14.0]), ("2024", [2024.0])]),
    ("15,000 people and $1.5 billion", [("15,000", [15000.0]), ("1.5 billion", [1.5e9])]),
    ("one-third of a 115-year-old monument", [("one-third", [0.333333]), ("115", [115.0])]),
    ("at 3 p.m. on September 9", [("3 p.m.", [3.0, 15.0]), ("September", [9.0]), ("9", [9.0])]),
    ("COVID-19 hit the G7 and F-35 makers", [("19", [19.0]), ("7", [7.0]), ("35", [35.0])]),  # weak: names
    ("A£10m repair of the bridge", [("10m", [1e7])]),
    ("more than 4.67 lakh are active cases", [("4.67 lakh", [467000.0])]),
    ("one of two men in their fifties", [("one", [1.0]), ("two", [2.0]), ("fifties", [50.0])]),
    ("you may march on", []),
    # a range's second end ("1825-1869", a score "1-0"); a phone number is no number
    ("a bronze statue of Omura Masujiro (1825-1869)", [("1825", [1825.0]), ("1869", [1869.0])]),
    ("(Central League, 25th, Nagoya Dome: Chunichi 1-0 Hanshin", [("25", [25.0]), ("1", [1.0]), ("0", [0.0])]),
    ("apply to Sugawara Toshikazu (090-8859-5928), chairman", []),
    # "and 3 others" is four people in Japanese (正代ら４人); 50/50 = 半々; midnight = 午前0時 or 12時
    ("Only 1 Loss for Shodai and 3 Others", [("1", [1.0]), ("3", [3.0, 4.0])]),
    ("a 50/50 chance at the end of June", [("50/50", [0.5, 50.0]), ("June", [6.0])]),
    ("as of midnight that day", [("midnight", [0.0, 12.0, 24.0])]),
    # amounts with a unit glued on; words that stand for a number (200周年, 過去5年, 10代)
    ("sixty 500ml bottles of dilluted hypochlorite solution", [("sixty", [60.0]), ("500", [500.0])]),
    ("a whitebait kettle-frying experience for 1,500 yen per 200g", [("1,500", [1500.0]), ("200", [200.0])]),
    ("the crossing's bicentennial over the last half-decade", [("bicentennial", [200.0]), ("half-decade", [5.0])]),
    ("and moved overseas as a teenager", [("teenager", [10.0])]),
])
def test_english_numbers(text, expected):
    assert [(text[n.start : n.end], sorted(n.values)) for n in english_numbers(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("高さ27フィート（8.2メートル）の記念碑は土曜日の朝に", [("27", [27.0]), ("8.2", [8.2]), ("土曜日", [6.0])]),
    ("1万5000人、15億ドル、5千万円", [("1万5000", [15000.0]), ("15億", [1.5e9]), ("5千万", [5e7])]),
    ("3分の1、5割、令和3年", [("3分の1", [0.333333]), ("5割", [50.0]), ("令和3", [3.0, 2021.0])]),
    ("７月２４日夜、前日比１８２・４４ドル安", [("７", [7.0]), ("２４", [24.0]), ("１８２・４４", [44.0, 182.0, 182.44])]),  # or a time, 3・48
    ("１８年の知事選、０４～０５年の事件", [("１８", [18.0, 1918.0, 2018.0]), ("０４", [4.0, 1904.0, 2004.0]),
                                        ("０５", [5.0, 1905.0, 2005.0])]),
    ("午後3時、COVID-19、G7", [("3", [3.0, 15.0]), ("19", [19.0]), ("7", [7.0])]),
    ("二日足らず", [("二", [2.0])]),
    ("午後 6 時 30 分", [("6", [6.0]), ("30", [30.0])]),  # tokenised MT output: no space in the span
    # a year range written short; a season 2019/20
    ("大村益次郎（１８２５～６９年）", [("１８２５", [1825.0]), ("６９", [69.0, 1869.0, 1969.0, 2069.0])]),
    ("2019/20シーズンのポルトガルリーグ", [("2019", [2019.0]), ("20", [20.0, 2020.0])]),
    # race numbers glued to Japanese (１１Ｒ); ２台おき = every third; 半々; アラフィフ = around 50
    ("続く１１Ｒは大外枠の徳増秀樹", [("１１", [11.0])]),
    ("1台または2台おきの稼動", [("1", [1.0]), ("2", [2.0, 3.0])]),
    ("「プロか進学か半々」と語った", [("半々", [0.5, 50.0])]),
    ("アラフィフのワーママです", [("アラフィフ", [50.0])]),
])
def test_japanese_numbers(text, expected):
    assert [(text[n.start : n.end], sorted(n.values)) for n in japanese_numbers(text)] == expected


@pytest.mark.parametrize("en, ja, expected", [
    # (side, start, end, text, severity, suggestion)
    ("Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning, media outlets reported.",
     "高さ27フィート（8.2メートル）の記念碑は土曜日の朝に作業員によって撤去された、と報道各社が報じた。", []),
    ("The city removed a 115-year-old Confederate monument on Saturday, less than two days after the vote.",
     "市は土曜、可決後二日足らずで、建立115年の南部連合記念碑を撤去した。", []),
    ("Leader Kim Jong Un traveled to Russia in September.", "金正恩総書記が9月にロシアを訪問した。", []),
    ("The ministry said the Jan. 14 launch was part of routine efforts.",
     "同省は、1月14日の発射実験は定期的な活動のひとつであると述べた。", []),
    ("The ministry said the Jan. 14 launch was part of routine efforts.",
     "同省は、1月15日の発射実験は定期的な活動のひとつであると述べた。", [("tgt", 6, 8, "15", "major", "14")]),
    ("North Korea said Sunday it had agreed with Russia.", "北朝鮮は土曜日、ロシアと合意したと発表した。",
     [("tgt", 4, 7, "土曜日", "major", "日曜日")]),
    ("In Madhya Pradesh, 799 people have died.", "マディヤ・プラデーシュ州では、779人が亡くなった。",
     [("tgt", 15, 18, "779", "major", "799")]),
    ("Sales rose 50 percent to $1.5 billion.", "売上高は5割増の15億ドルとなった。", []),
    ("About one-third of 15,000 residents left.", "住民1万5000人の約3分の1が去った。", []),
    ("The bridge costs £10m.", "橋には1,000 万ポンドがかかる。", []),
    ("Sales rose to $3 billion, twice the forecast.", "売上高は30億ドルとなり、予想の2倍だった。", []),
    ("Two men and two women were hurt.", "男性2人と女性二人がけがをした。", []),
    ("The ATP 1000 event lasted an hour.", "ATP1000の大会は1時間続いた。", []),
    # an ordinal word stands for a Japanese ordinal (N例目, 第N) only
    ("The city confirmed its second infection case.", "市で２例目の感染者が確認された。", []),
    ("The city confirmed its second infection case.", "市で３例目の感染者が確認された。", [("tgt", 2, 3, "３", "major", "2")]),
    # 二 in the name 剛二 is no match for "second"
    ("Mayor Fujita Koji released a message on the 23rd after the second COVID-19 infection in Sanyo Onoda city "
     "was confirmed.",
     "山陽小野田市で３例目となる新型コロナウイルスの感染者が確認されたのを受けて、藤田剛二市長は２３日、メッセージを発表した。",
     [("tgt", 7, 8, "３", "major", "2")]),
    ("In the ninth race, Chihara won.", "第１弾・９Ｒは茅原悠紀が逃げ切り快勝！", []),
    ("It was installed in 1905 and stood outside the old courthouse.",
     "この記念碑は建立され、裁判所の外に建っていた。", [("src", 20, 24, "1905", "minor", "1905")]),
    ("Two new cases were found in Sendai, a man in his fifties and a man in his sixties.",
     "仙台市で新たに５０代と６０代の男性の感染が分かった。", []),
    # a value written more often than the source has it, while another source number is missing
    ("It is, until 8am when two or three of our boys bang on the door demanding breakfast.",
     "そうです、３人、いや３人の息子たちが朝食を要求してドアをバンバン叩く午前８時までは。",
     [("tgt", 5, 6, "３", "major", "2"), ("tgt", 10, 11, "３", "major", "2")]),
    ("It is, until 8am when two or three of our boys bang on the door demanding breakfast.",
     "そうです、２人、いや３人の息子たちが朝食を要求してドアをバンバン叩く午前８時までは。", []),
    # "one" counts only against a number with a counter
    ("Rajasthan Governor Kalraj Mishra has turned down one proposal to start an assembly session.",
     "ラジャスタン州のカルラージ・ミシュラ知事は、議会を開始するという３つの提案を拒否。",
     [("tgt", 32, 33, "３", "major", "1")]),
    ("It wasn't just one time.", "１回だけじゃない。", []),
    ("One of them scored 3 goals.", "そのうちの一人が3得点を挙げた。", []),
    ("The team will return as one of the top groups at the Sevens World Series.",
     "代表は７人制ワールドシリーズの上位グループに復帰する。", []),
    # an ordinal counter (５部リーグ) stands for an ordinal word
    ("nor do the foundations put in place by the Pozzo family offer any guarantee they will sail straight back "
     "up from the second tier.", "財団はチームが５部リーグからすぐに浮上できる保証を提供してくれるわけでもない。",
     [("tgt", 7, 8, "５", "major", "2")]),
    # school years: 高校3年生 for "a senior"
    ("a working mother around 50 who has two daughters, a freshman and a senior, in high school.",
     "A子さんは、高校3年生と高校1年生の娘がいるアラフィフのワーママです。", []),
    ("Only 1 Loss for Shodai and 3 Others| Shizuoka Shimbun At-S", "１敗に正代ら４人｜静岡新聞アットエス", []),
    # a value written fewer times than the source has it: "midnight ... midnight" -> 午前1時, 午前0時
    ("the number of infected people as of midnight that day had increased by 113 from midnight the day before.",
     "この日午前1時現在の感染者数は前日午前0時の時点から113人増えた。", [("tgt", 5, 6, "1", "major", "0")]),
    ("the number of infected people as of midnight that day had increased by 113 from midnight the day before.",
     "この日午前0時現在の感染者数は前日午前0時の時点から113人増えた。", []),
    # ... also when the target writes another value more often than the source (７勝 for "4 wins")
    ("(Central League, Nagoya D on the 24th, Chunichi 2-5 Hanshin, seventh game, Hanshin 4 wins, 3 losses) "
     "The momentum of No. 4 continues.", "（セ・リーグ、中日２－５阪神、７回戦、阪神７勝３敗、２４日、ナゴヤＤ）４番の勢いが止まらない。",
     [("tgt", 15, 16, "７", "major", "4"), ("tgt", 21, 22, "７", "major", "4")]),
    ("(Central League, Nagoya D on the 24th, Chunichi 2-5 Hanshin, seventh game, Hanshin 4 wins, 3 losses) "
     "The momentum of No. 4 continues.", "（セ・リーグ、中日２－５阪神、７回戦、阪神４勝３敗、２４日、ナゴヤＤ）４番の勢いが止まらない。", []),
    # "one" before a noun against a number before a katakana noun; 冠 counts titles
    ("it left him one goal short of the golden boot", "自身のゴールデンブーツ賞まであと４ゴールに迫り", [("tgt", 16, 17, "４", "major", "1")]),
    ("PSG achieved second national title", "PSGが国内3冠を達成", [("tgt", 6, 7, "3", "major", "2")]),
    # value-level rules of the fourth pass (tune-half misses): "No.5" glued to its number; "March" after "and";
    # "one of / for" another number is a count; "one person" = １名, "an hour" = １時間; a month for any month;
    # 約 rounds only towards a rounder number
    ("Milner, a left-handed reliever, was homered off by the No.5 hitter, Olson, with a walk-off home run.",
     "代わった左腕のミルナーが、8番・オルソンにサヨナラとなる満塁弾を右翼席へ運ばれ勝負が決した。",
     [("tgt", 13, 14, "8", "major", "5")]),
    ("Herro missed 15 games in February and March due to an ankle injury.",
     "ヒーローは足首のケガにより2月から5月にかけての15試合を欠場し、", [("tgt", 17, 18, "5", "major", "3")]),
    ("Herro missed 15 games in February and March due to an ankle injury.",
     "ヒーローは足首のケガにより2月から3月にかけての15試合を欠場し、", []),
    ("One of the 34 soldiers who made it back alive from Peleliu Island, Palau.",
     "パラオのペリリュー島から生還した３４人のうちの３人。", [("tgt", 23, 24, "３", "major", "1")]),
    ("One of the 34 soldiers who made it back alive from Peleliu Island, Palau.",
     "パラオのペリリュー島から生還した３４人のうちの１人。", []),
    ("Angels lose the opening game ... Otani, one for five, strikes out in the 9th inning, on three pitches with the "
     "bases loaded", "エンゼルス、開幕戦はサヨナラ負け...大谷は5の2、9回は満塁で3球三振", [("tgt", 24, 25, "2", "major", "1")]),
    ("Police said a protester fired a weapon, striking at least one person who was taken to a hospital.",
     "警察発表では、一人のデモ参加者が発砲、少なくとも2名に当たり病院に運ばれた。", [("tgt", 24, 25, "2", "major", "1")]),
    ("successful bidders will also be able to join Dimitrov and his coaching team for an hour of practice",
     "落札者はディミトロフとコーチングチームによる4時間の練習に参加することができ", [("tgt", 22, 23, "4", "major", "1")]),
    ("The lighting of the bonbori lanterns is planned to last through the end of November.",
     "ぼんぼりの点灯は１月末までを予定する。", [("tgt", 8, 9, "１", "major", "11")]),
    ("applications will be accepted until reaching roughly 350 lanterns.", "ぼんぼり全約３４７基に達するまで応募を受け付ける。",
     [("tgt", 6, 9, "３４７", "major", "350")]),
    ("applications will be accepted until reaching 347 lanterns.", "ぼんぼり全約３５０基に達するまで応募を受け付ける。", []),
    # "A and B have both" = ２名; "one year" = １年 (a duration; ２４日 stays a date)
    ("Coutinho and Umtiti have both been linked with moves to Arsenal, with the Brazilian also being eyed up by Chelsea.",
     "アーセナルへの移籍にはコウチーニョとユムティティの5名が挙がっており、コウチーニョにはチェルシーFCも注目。",
     [("tgt", 25, 26, "5", "major", "2")]),
    ("Coutinho and Umtiti have both been linked with moves to Arsenal, with the Brazilian also being eyed up by Chelsea.",
     "アーセナルへの移籍にはコウチーニョとユムティティの2名が挙がっており、コウチーニョにはチェルシーFCも注目。", []),
    ("On the night of July 24th, which marks one year until the opening of the Tokyo Olympic Games",
     "東京五輪開幕まで２年を切った７月２４日夜", [("tgt", 8, 9, "２", "major", "1")]),
    # digits glued to a name (乃木坂46 for Nogizaka46); rugby sevens = ７人制; a hedged source ("roughly 350")
    # leaves 約 no tolerance; "one minute" = １分
    ("Nogizaka46 Yamashita Mizuki, her first cover with her new, short look!", "乃木坂48 山下美月、ショートヘアになって初表紙！",
     [("tgt", 3, 5, "48", "major", "46")]),
    ("Nogizaka46 Yamashita Mizuki, her first cover with her new, short look!", "乃木坂46 山下美月、ショートヘアになって初表紙！", []),
    ("Iwabuchi HC \"Unite for medals\" Men's Rugby Sevens, training camp for the first time in 4 months",
     "岩渕ＨＣ「メダルへ団結」 ラグビー８人制男子、４カ月ぶり合宿", [("tgt", 17, 18, "８", "major", "7")]),
    ("Papers inscribed by local residents and fans from all over the country will be attached to roughly 350 lanterns.",
     "全国のファンや地元住民が書き込んだ用紙をぼんぼり約３４０基に張り付けて、", [("tgt", 25, 28, "３４０", "major", "350")]),
    ("Papers inscribed by local residents and fans from all over the country will be attached to roughly 350 lanterns.",
     "全国のファンや地元住民が書き込んだ用紙をぼんぼり約３５０基に張り付けて、", []),
    ("Winger Tom Wright scored an early try for Brumbies one minute into the game",
     "ブランビーズは試合開始３分過ぎにＷＴＢトム・ライトが先制トライをあげる", [("tgt", 11, 12, "３", "major", "1")]),
    # "both" only ever matches a number
    ("an unidentified body, both age and gender unclear, was discovered on the 25th",
     "県は２５日、性別、年齢ともに不詳の１人の遺体を発見した。", []),
])
def test_numbers_compare(en, ja, expected):
    flags = Numbers().compare(en, ja)
    assert [(f.side, f.start, f.end, f.text, f.severity.label, f.suggestion) for f in flags] == expected


@pytest.mark.parametrize("text, lang, strengths", [
    ("COVID-19 hit the G7 in 2021", "en", [0, 0, 2]),  # numbers inside names only ever match
    ("after Ligue 1 ended on Jan. 14, 2024", "en", [1, 1, 2, 2]),  # "Ligue 1": a name; "14," a date
    ("one of them and two men", "en", [0, 1]),  # "one" is weak, "two" a word
    ("one of two men, one for five", "en", [1, 1, 1, 1]),  # "one of / for" another number is a count
    ("ATP1000の大会、二日、統一", "ja", [0, 0]),  # kanji numerals only match; 統一 is no number at all
])
def test_strength(text, lang, strengths):
    found = english_numbers(text) if lang == "en" else japanese_numbers(text)
    assert [n.strength for n in found] == strengths


@pytest.mark.parametrize("rows, expected", [
    # (src, tgt) rows of one article; the middle one is checked
    # a misaligned segment: the target number belongs to the next source, the source number to the last target
    ([("Hakuho won on the 23rd.", "白鵬は２３日に勝った。"),
      ("He had 7 straight wins.", "８連勝は朝乃山。"),
      ("Asanoyama made it 8.", "朝乃山は７連勝。")], []),
    # the neighbours' numbers that their own pairs match are no evidence of a misalignment
    ([("In the 8th inning, he faced Diekman, the No. 5 left-hander.", "8回の第4打席は5番手左腕のディークマンと対戦。"),
      ("He hit the second pitch straight to the opposite field.", "5球目の真っ直ぐを逆方向へ弾き返した。"),
      ("The Angels gave up two runs.", "エンゼルスは2点を失った。")], [("tgt", "5", "major")]),
    # the same segment alone is a substitution
    ([("He had 7 straight wins.", "８連勝は朝乃山。")], [("tgt", "８", "major")]),
    # a number missing here but present in the neighbouring translation: no omission flag
    ([("The monument was unveiled.", "記念碑は1905年に建立され、除幕された。"),
      ("It was installed in 1905 outside the court.", "裁判所の外に設置された。"),
      ("It stood there.", "そこに建っていた。")], []),
    ([("The monument was unveiled.", "記念碑は除幕された。"),
      ("It was installed in 1905 outside the court.", "裁判所の外に設置された。"),
      ("It stood there.", "そこに建っていた。")], [("src", "1905", "minor")]),
])
def test_neighbouring_segments(rows, expected):
    from mtreview.checks import Article
    from mtreview.records import Segment

    segs = tuple(Segment(k, s, t, (k,), (k,)) for k, (s, t) in enumerate(rows))
    flags = Numbers().run(Article(segments=segs))
    mid = len(rows) // 2
    assert [(f.side, f.text, f.severity.label) for i, f in flags if i == mid] == expected


def test_missing_numbers_can_be_switched_off():
    assert Numbers(report_missing=False).compare("It was installed in 1905.", "建立された。") == []


@pytest.mark.parametrize("en, ja, expected", [
    # a year is only ever replaced by a year; other numbers keep their order of magnitude unless a unit slipped
    ("The sequel of Avatar is expected to be released in December 2022, followed by the third installment in 2024.",
     "『スター・ウォーズ』の新たな3部作についても1年先送りとなった。", []),
    ("The sequel is expected in 2022.", "続編は2023年に公開の見込み。", [("tgt", 3, 7, "2023", "major", "2022")]),
    ("NHK first used Spectee at the time of the Kumamoto earthquake in April 2016.",
     "国内350社以上が現在スペクティを導入している。", []),
    ("About 15,000 people attended.", "約1500人が参加した。", [("tgt", 1, 5, "1500", "major", "15000")]),
])
def test_substitutions_keep_their_magnitude(en, ja, expected):
    flags = [f for f in Numbers().compare(en, ja) if f.side == "tgt"]
    assert [(f.side, f.start, f.end, f.text, f.severity.label, f.suggestion) for f in flags] == expected


TENTH = "In the top of the 10th inning, the Angels first batter, Walsh, hit a strong grounder to first base."


@pytest.mark.parametrize("rows, threshold, expected", [
    # (src, tgt) of one segment; the toy embedder knows which texts translate each other
    ([(TENTH, "大谷は9回最後の打者だったため、二塁走者に。")], 0.25, []),  # unlike: a misaligned segment
    ([(TENTH, "大谷は9回最後の打者だったため、二塁走者に。")], 0.0, [1]),  # rule off
    ([("The ministry said the Jan. 14 launch was routine.", "同省は、1月15日の発射実験は定期的な活動だと述べた。")], 0.25,
     [1]),
])
def test_misaligned_segments_are_not_compared(rows, threshold, expected):
    from conftest import TableEncoder

    from mtreview.checks import Article
    from mtreview.records import Segment

    enc = TableEncoder([("The ministry said the Jan. 14 launch was routine.", "同省は、1月15日の発射実験は定期的な活動だと述べた。"),
                        (TENTH, "(its translation)"), ("(its source)", "大谷は9回最後の打者だったため、二塁走者に。")])
    segs = tuple(Segment(k, s, t, (k,), (k,)) for k, (s, t) in enumerate(rows))
    flags = Numbers(misaligned_sim=threshold).run(Article(segments=segs, encode=enc.encode))
    assert [f.severity.value for _, f in flags if f.side == "tgt"] == [x * 2 for x in expected]
