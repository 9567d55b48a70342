# ruff: noqa: E501  (literal sentences from the data are kept whole)
"""Sentence splitting on real news text: the seed article and the align-dev documents."""

from __future__ import annotations

import pytest

from mtreview import segment
from mtreview.config import SegmentConfig
from mtreview.io.load import load_text

EN_CASES = [
    (
        'VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument from public grounds on Saturday, less than two days after the City Council voted unanimously to do so. Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning, media outlets reported.',
        [
            'VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument from public grounds on Saturday, less than two days after the City Council voted unanimously to do so.',
            'Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning, media outlets reported.',
        ],
    ),
    (
        'ISLAMABAD -- A U.N. report says more than 6,000 Pakistani insurgents are hiding in Afghanistan. The ministry said the Jan. 14 launch was part of routine efforts to strengthen its defensive capabilities.',
        [
            'ISLAMABAD -- A U.N. report says more than 6,000 Pakistani insurgents are hiding in Afghanistan.',
            'The ministry said the Jan. 14 launch was part of routine efforts to strengthen its defensive capabilities.',
        ],
    ),
    (
        'The Chief Minister also repeated his warnings from yesterday, when he urged people to follow guidelines, such as social distancing and the use of face masks. "I am fine, my friends. The dedication of coronavirus warriors, who selflessly risk their lives, is praiseworthy. I salute all coronavirus warriors of the state," Mr Chouhan tweeted from Bhopal\'s Chirayu Hospital, where he was admitted yesterday.',
        [
            'The Chief Minister also repeated his warnings from yesterday, when he urged people to follow guidelines, such as social distancing and the use of face masks.',
            '"I am fine, my friends. The dedication of coronavirus warriors, who selflessly risk their lives, is praiseworthy. I salute all coronavirus warriors of the state," Mr Chouhan tweeted from Bhopal\'s Chirayu Hospital, where he was admitted yesterday.',
        ],
    ),
    (
        'The protest in Oakland began peacefully, but turned violent later into the night. An "unlawful assembly" was declared by police around 11:30 p.m. and officers asked the crowd to disperse.',
        [
            'The protest in Oakland began peacefully, but turned violent later into the night.',
            'An "unlawful assembly" was declared by police around 11:30 p.m. and officers asked the crowd to disperse.',
        ],
    ),
    (
        'Now leader Keir Starmer is under pressure to expel Mr Corbyn. Last night ex-party staff said they would drop the legal action if Mr Corbyn was ejected from the party.',
        [
            'Now leader Keir Starmer is under pressure to expel Mr Corbyn.',
            'Last night ex-party staff said they would drop the legal action if Mr Corbyn was ejected from the party.',
        ],
    ),
    (
        'However, Labour MP Jon Trickett said: "It is a ridiculous demand." Supporters of Mr Corbyn said Mr Starmer needs to focus on tackling the Tories handling on coronavirus.',
        [
            'However, Labour MP Jon Trickett said: "It is a ridiculous demand."',
            'Supporters of Mr Corbyn said Mr Starmer needs to focus on tackling the Tories handling on coronavirus.',
        ],
    ),
    (
        'The law passed with a two-thirds majority, with the objection of four MPs The Senate will consist of 300 members, 100 of whom are elected by a closed list system.',
        [
            'The law passed with a two-thirds majority, with the objection of four MPs',
            'The Senate will consist of 300 members, 100 of whom are elected by a closed list system.',
        ],
    ),
    (  # guardian.306645 and cnbc.com.58093 with no paragraph breaks: a headline glued to "It" / "As"
        'Be wary of gardening gimmicks that look too good It might be an embarrassing thing for a plant scientist to admit, but I am a total sucker for a garden gimmick.',
        [
            'Be wary of gardening gimmicks that look too good',
            'It might be an embarrassing thing for a plant scientist to admit, but I am a total sucker for a garden gimmick.',
        ],
    ),
    (
        'Police try new, less-lethal tools as protests continue As violent clashes continue between law enforcement and protesters in Portland and around the country, departments are looking for new tools.',
        [
            'Police try new, less-lethal tools as protests continue',
            'As violent clashes continue between law enforcement and protesters in Portland and around the country, departments are looking for new tools.',
        ],
    ),
    (  # bbc.500856: a headline in (mostly) Title Case, then prose ("A bridge linking")
        'Scotland-England Union Chain Bridge is 200 years old A bridge linking Scotland and England has turned 200 years old ahead of a £10m renovation.',
        [
            'Scotland-England Union Chain Bridge is 200 years old',
            'A bridge linking Scotland and England has turned 200 years old ahead of a £10m renovation.',
        ],
    ),
    (  # en.ndtv.com.75227: "A" and a number after a capitalised word starts prose
        'Man Arrested For Allegedly Killing Alcoholic Brother In Greater Noida: Police A 37-year-old man was arrested on Sunday for allegedly killing his brother.',
        [
            'Man Arrested For Allegedly Killing Alcoholic Brother In Greater Noida: Police',
            'A 37-year-old man was arrested on Sunday for allegedly killing his brother.',
        ],
    ),
    (  # guardian.306625: a headline ending in a quotation
        'Sunday with Oliver Spencer: "I won\'t get dressed up, Sundays are for loungewear" How does Sunday start?',
        [
            'Sunday with Oliver Spencer: "I won\'t get dressed up, Sundays are for loungewear"',
            'How does Sunday start?',
        ],
    ),
    (  # "Serie A" stays whole even before lower-case words
        'He joined the Italian giants from Serie A rivals Roma last summer for a fee.',
        ['He joined the Italian giants from Serie A rivals Roma last summer for a fee.'],
    ),
    (  # a Title Case run is no missing stop
        'Made In China: How It Works In Practice',
        ['Made In China: How It Works In Practice'],
    ),
    (
        'Car drives through crowd, protester shot in Colorado AURORA, Colo. (AP) - A car drove through a crowd and a protester was shot in the suburban Denver suburb of Aurora.',
        [
            'Car drives through crowd, protester shot in Colorado',
            'AURORA, Colo. (AP) - A car drove through a crowd and a protester was shot in the suburban Denver suburb of Aurora.',
        ],
    ),
    (
        'Russia and China, both permanent members of the council, have blocked U.S.-led efforts to tighten sanctions. The United States, South Korea and Japan have responded by expanding their combined military exercises.',
        [
            'Russia and China, both permanent members of the council, have blocked U.S.-led efforts to tighten sanctions.',
            'The United States, South Korea and Japan have responded by expanding their combined military exercises.',
        ],
    ),
    (
        'The momentum of No. 4 continues. The ball soared and landed in the stands.',
        [
            'The momentum of No. 4 continues.',
            'The ball soared and landed in the stands.',
        ],
    ),
    (
        'Read more at https://www.rt.com/usa/495787-kanye-west-biden/ today. Write to news@example.com. Thanks.',
        [
            'Read more at https://www.rt.com/usa/495787-kanye-west-biden/ today.',
            'Write to news@example.com.',
            'Thanks.',
        ],
    ),
    (
        'Virginia Beach takes down Confederate monument\n\nVIRGINIA BEACH, Va. -- The city removed it.',
        [
            'Virginia Beach takes down Confederate monument',
            'VIRGINIA BEACH, Va. -- The city removed it.',
        ],
    ),
]

JA_CASES = [
    (
        '北朝鮮はロシアとの関係を積極的に強化しており、金正恩委員長が9月にプーチン大統領との首脳会談のためにロシアを訪問したことで注目された。金正恩氏は外交的孤立と、ワシントン、ソウル、東京との核の対立が深まる中で足場を固めようとしている。',
        [
            '北朝鮮はロシアとの関係を積極的に強化しており、金正恩委員長が9月にプーチン大統領との首脳会談のためにロシアを訪問したことで注目された。',
            '金正恩氏は外交的孤立と、ワシントン、ソウル、東京との核の対立が深まる中で足場を固めようとしている。',
        ],
    ),
    (
        '先週モスクワで行われた、崔善姫(チェ・ソンヒ)外相とプーチン大統領、ラブロフ外相との会談について、北の外務省は、プーチン大統領は平壌訪問の意志を再び示し、それは “早い時期 “に実現する可能性があると述べたと述べた。',
        [
            '先週モスクワで行われた、崔善姫(チェ・ソンヒ)外相とプーチン大統領、ラブロフ外相との会談について、北の外務省は、プーチン大統領は平壌訪問の意志を再び示し、それは “早い時期 “に実現する可能性があると述べたと述べた。',
        ],
    ),
    (
        '北朝鮮外務省は、国営メディアに掲載されたコメントの中で、崔氏とロシア政府高官は会談で、”両国の核心的利益を守り、新しい多極化された国際秩序を確立するために、戦略的・戦術的協力をさらに強化する強い意志 “を表明したと述べた。',
        [
            '北朝鮮外務省は、国営メディアに掲載されたコメントの中で、崔氏とロシア政府高官は会談で、”両国の核心的利益を守り、新しい多極化された国際秩序を確立するために、戦略的・戦術的協力をさらに強化する強い意志 “を表明したと述べた。',
        ],
    ),
    (
        '同州首相はまた、前日にソーシャルディスタンシングやマスク使用などのガイドラインに従うよう訴えた自身の忠告を繰り返した。「友人たちよ、私は元気だ。私心なく自らの命をかけてコロナウイルスと戦う人々の献身は、称賛に値する。この州のコロナウイルス戦士全員に敬意を表する」とチョーハン氏は昨日入院したボパールのチラユ病院からツイートした。',
        [
            '同州首相はまた、前日にソーシャルディスタンシングやマスク使用などのガイドラインに従うよう訴えた自身の忠告を繰り返した。',
            '「友人たちよ、私は元気だ。私心なく自らの命をかけてコロナウイルスと戦う人々の献身は、称賛に値する。この州のコロナウイルス戦士全員に敬意を表する」とチョーハン氏は昨日入院したボパールのチラユ病院からツイートした。',
        ],
    ),
    (
        '上で「ワイリーの反ユダヤ主義のツイートを受けて、われわれA-List Management社は今日、彼とは手を切りました。社会には反ユダヤ主義が存在する余地はない。」と述べた。彼は以前、ワイリーの投稿を支持することも許すこともないと語った。',
        [
            '上で「ワイリーの反ユダヤ主義のツイートを受けて、われわれA-List Management社は今日、彼とは手を切りました。社会には反ユダヤ主義が存在する余地はない。」と述べた。',
            '彼は以前、ワイリーの投稿を支持することも許すこともないと語った。',
        ],
    ),
    (
        '「友人たちよ、私は元気だ。私心なく自らの命をかけてコロナウイルスと戦う人々の献身は、称賛に値する。この州のコロナウイルス戦士全員に敬意を表する。',
        [
            '「友人たちよ、私は元気だ。',
            '私心なく自らの命をかけてコロナウイルスと戦う人々の献身は、称賛に値する。',
            'この州のコロナウイルス戦士全員に敬意を表する。',
        ],
    ),
    (
        'バージニア・ビーチ 南軍記念碑を撤去\nバージニア州バージニア・ビーチ -- バージニアビーチ市は土曜、南部連合記念碑を撤去した。',
        [
            'バージニア・ビーチ 南軍記念碑を撤去',
            'バージニア州バージニア・ビーチ -- バージニアビーチ市は土曜、南部連合記念碑を撤去した。',
        ],
    ),
    (
        '中島翔哉、優勝セレモニー欠席は自らの選択？現地メディア報じる（フットボールチャンネル） - Yahoo!ニュース',
        [
            '中島翔哉、優勝セレモニー欠席は自らの選択？',
            '現地メディア報じる（フットボールチャンネル） - Yahoo!ニュース',
        ],
    ),
    (
        '本当に？！「うちんち」……知らなかった？地元でも使ってるよ。',
        [
            '本当に？！',
            '「うちんち」……知らなかった？',
            '地元でも使ってるよ。',
        ],
    ),
    (
        '同法は3分の2の賛成多数で通過、国会議院４名の反対があった。上院は議員300名で構成される！',
        [
            '同法は3分の2の賛成多数で通過、国会議院４名の反対があった。',
            '上院は議員300名で構成される！',
        ],
    ),
]


def _split(text: str, lang: str, config: SegmentConfig | None = None):
    doc = load_text(text, lang)
    sents = segment.split(doc, config)
    for k, s in enumerate(sents):
        assert s.id == k
        assert doc.text[s.start : s.end] == s.text
    return doc, sents


@pytest.mark.parametrize("text, expected", EN_CASES)
def test_english(text, expected):
    _, sents = _split(text, "en")
    assert [s.text for s in sents] == expected


@pytest.mark.parametrize("text, expected", JA_CASES)
def test_japanese(text, expected):
    _, sents = _split(text, "ja")
    assert [s.text for s in sents] == expected


def test_blocks_and_offsets_follow_paragraphs():
    text = (
        "Virginia Beach takes down Confederate monument\n\n"
        "VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument. "
        "It was installed in 1905.\n\n"
        "The monument will be stored for now.\n"
    )
    _, sents = _split(text, "en")
    assert [(s.block, s.start, s.end) for s in sents] == [(0, 0, 46), (1, 48, 142), (1, 143, 168), (2, 170, 206)]


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        # an extra abbreviation from the config
        ("The talks with Amb. Smith ended. Both sides agreed.", "en",
         ["The talks with Amb. Smith ended.", "Both sides agreed."]),
        # a quotation longer than max_quote_chars no longer protects its full stops
        ("「友人たちよ、私は元気だ。私心なく自らの命をかけてコロナウイルスと戦う人々の献身は、称賛に値する」と述べた。", "ja",
         ["「友人たちよ、私は元気だ。", "私心なく自らの命をかけてコロナウイルスと戦う人々の献身は、称賛に値する」と述べた。"]),
    ],
)
def test_config(text, lang, expected):
    config = SegmentConfig(en_abbreviations=("Amb.",), max_quote_chars=20)
    _, sents = _split(text, lang, config)
    assert [s.text for s in sents] == expected


def test_runaway_sentence_is_hard_split():
    text = "、".join(["北朝鮮はロシアとの関係を積極的に強化しており"] * 30) + "。"
    _, sents = _split(text, "ja", SegmentConfig(max_sentence_chars=100))
    assert all(len(s.text) <= 100 for s in sents)
    assert "".join(s.text for s in sents) == text


def test_hard_wrapped_lines_are_joined_but_short_lines_are_not():
    wrapped = (
        "North Korea said Sunday it had agreed with Russia to step up strategic and\n"
        "tactical cooperation in order to build a new multipolar international order,\n"
        "as the two countries try to present a united front against the United States\n"
        "amid their separate, deepening standoffs with Washington.\n"
    )
    _, sents = _split(wrapped, "en")
    assert len(sents) == 1
    _, sents = _split("ソウル\n北朝鮮は日曜日、ロシアと協力を進めることで合意したと発表した。", "ja")
    assert [s.text for s in sents] == ["ソウル", "北朝鮮は日曜日、ロシアと協力を進めることで合意したと発表した。"]


@pytest.mark.parametrize("text, n", [
    ("Shares of Yahoo! Japan rose on Monday. Analysts were surprised.", 2),
    ("A win (Sankei Sports) --Yahoo! News", 1),  # no cut at "Yahoo!" (a page title's end after News:
    # see test_a_page_title_ends_with_its_news_site)
    ("She won on Jeopardy! Last week she lost.", 1),  # the show's name keeps its mark
    ("The deal values oOh! Media at $1 billion. It was announced today.", 2),
])
def test_names_with_exclamation_marks_are_not_cut(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, n", [
    ("We won! The crowd cheered.", 2),
    ("Did they win? Nobody knows.", 2),
    ("Look at oOh! it was a typo.", 1),
    ("It is cheaper on eBay! and it ships fast.", 1),
    ("Yahoo. The company said so.", 2),
])
def test_ordinary_exclamations_still_end_sentences(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, n", [
    ("-Helps maintain the coat. -Provides 22 active nutrients.", 2),
    ("Fast shipping. •Free returns.", 2),
    ("He paused. - and then he left.", 1),  # a dash before a lower-case word continues
    ("Prices rose 5 per cent. – A spokesman declined to comment.", 1),  # a spaced dash is not a bullet
])
def test_bullets_glued_to_a_capital_start_items(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, n", [
    ('"We ended up back in bounds," DeBerry said In addition, the resort closed the gondola.', 2),
    ('“It is over,” the coach told The players went home.', 1),  # "told The ..." is an object, no cut
    ('"Yes," she added It was late.', 2),
    ('He said The Guardian had the story first.', 1),  # no quotation before: "said" keeps its object
])
def test_attribution_after_a_quotation_ends_the_sentence(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, n", [
    ("Avalanche at Washington state ski resort kills 1, traps 5 An avalanche swept through the resort.", 2),
    ("Please check your mail moment please We will wait here for you.", 2),
    ("I sent the link to your address yesterday Please check your mail.", 2),
    ("Tell me what you want and how much you need He will bring it tomorrow.", 2),
])
def test_a_pronoun_or_request_after_a_finished_clause_starts_a_sentence(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text", [
    "Shares of Apple and Microsoft rose on news that We Work had filed for bankruptcy.",  # a name
    "The film You Were Never Really Here opens on Friday.",  # a Title Case title
    "Reporters asked whether the minister and He Jiankui had met.",  # a name after "and" (glue)
])
def test_capitalised_pronouns_inside_names_are_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1


@pytest.mark.parametrize("text, n", [
    ("2 bad lemons in a row :( I ordered from this company before.", 2),
    ("Great service :) Will buy again.", 2),
    ("Call me (at home :) or at work) tomorrow.", 1),  # inside brackets, before a lower-case word
    ("He typed :D into the chat box.", 1),  # an emoticon before a lower-case word
])
def test_emoticons_end_sentences(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, n", [
    ("論文を掲載してくれるのなら。というわけで、厳しい条件がある。", 2),
    ("値上げは避けられない。とはいえ、影響は小さい。", 2),
    ("雨が降った。ところが、試合は続いた。", 2),
    ("「計画はない。」と述べた。", 1),  # a quoting particle continues
    ("彼は「行く」と言った。", 1),
])
def test_japanese_conjunctions_with_to_start_a_sentence(text, n):
    assert len(segment.split(load_text(text, "ja"))) == n


@pytest.mark.parametrize("text, n", [
    ("I sent another link. please check your mail.", 2),
    ("did you receive the link? are you there?", 2),
    ("Your account is ready. for quality purposes I will close this chat.", 2),
    ("It is 5 in. long and heavy.", 1),  # a unit before the full stop
    ("Prices rose approx. for the third time.", 1),  # an abbreviation
    ('"Is it over?" she asked.', 1),  # a closing quote after the mark
    ("He left the house. then he came back.", 1),  # "then" does not open a clause here
])
def test_lower_case_sentence_starts_in_chat(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


def test_split_quotes_cuts_inside_quotations_but_not_brackets():
    text = '"I am fine, my friends. I salute the doctors," he said. The visit (as planned. Or not.) ended.'
    whole = [s.text for s in segment.split(load_text(text, "en"))]
    split = [s.text for s in segment.split(load_text(text, "en"), SegmentConfig(split_quotes=True))]
    assert whole == ['"I am fine, my friends. I salute the doctors," he said.',
                     "The visit (as planned. Or not.) ended."]
    assert split == ['"I am fine, my friends.', 'I salute the doctors," he said.',
                     "The visit (as planned. Or not.) ended."]
    ja = "「元気です。医師に感謝します」と述べた。訪問（予定通り。延期なし）は終わった。"
    parts = [s.text for s in segment.split(load_text(ja, "ja"), SegmentConfig(split_quotes=True))]
    assert parts == ["「元気です。", "医師に感謝します」と述べた。", "訪問（予定通り。延期なし）は終わった。"]


@pytest.mark.parametrize("text, expected", [
    ("設定を開いてくださいお名前を入力します", ["設定を開いてください", "お名前を入力します"]),
    ("ご連絡ありがとうございます当社では返品を受け付けています",
     ["ご連絡ありがとうございます", "当社では返品を受け付けています"]),
    ("明日は休みですまた来週お会いしましょう", ["明日は休みです", "また来週お会いしましょう"]),
    ("荷物は届きませんでしたサポートに連絡しました", ["荷物は届きませんでした", "サポートに連絡しました"]),
    ("画面を確認しました「保存」を押してください", ["画面を確認しました", "「保存」を押してください"]),
    ("毎朝見ますテレビのニュース", ["毎朝見ます", "テレビのニュース"]),  # a one-kanji stem
])
def test_japanese_polite_end_without_stop_ends_the_sentence(text, expected):
    assert [s.text for s in segment.split(load_text(text, "ja"))] == expected


@pytest.mark.parametrize("text", [
    "価格は今後ますます上がる見込みです。",  # ますます is an adverb
    "友人を励ます手紙を書いた。",  # 励ます is a plain verb, no polite stem before ます
    "熱を冷ます薬を飲んだ。",
    "確認しましたが、問題はありませんでした。",  # が continues the clause
    "届きましたら、ご連絡ください。",  # a conditional
    "お待ちしていますね。",
    "必要ですか。",
    "くださいませ。",
])
def test_japanese_polite_forms_inside_a_sentence_are_not_cut(text):
    assert len(segment.split(load_text(text, "ja"))) == 1


@pytest.mark.parametrize("text, n", [
    ("Please follow the steps to create a new password Let me know if it worked", 2),
    ("You can sign in with it now Great!! See you soon.", 3),
    ("The parcel arrived this morning Thanks, it looks fine.", 2),
    ("I checked your order Sorry, it has not shipped yet.", 2),
])
def test_a_request_or_interjection_after_a_finished_clause_starts_a_sentence(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text", [
    "According to the English magazine Hello!, the couple will give funding.",  # a name, not a greeting
    "She told them to Let it go, and they did.",  # no me/us after Let
    "The band played Yes, No and Maybe at the show.",  # too short to be a finished clause
    "They sang Thank you for the music at the end.",
])
def test_clause_openers_inside_a_sentence_are_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1


@pytest.mark.parametrize("text, expected", [
    ("To reset the reader, do one of the following: Press the button for ten seconds.",
     ["To reset the reader, do one of the following:", "Press the button for ten seconds."]),
    ("We offer three sizes of frames: Please choose one from the menu.",
     ["We offer three sizes of frames:", "Please choose one from the menu."]),
    ("Before you start, check the connection (you need a cable): Open the settings.",
     ["Before you start, check the connection (you need a cable):", "Open the settings."]),
    ("To charge it, use one of these ways: -Plug in the cable.",
     ["To charge it, use one of these ways:", "-Plug in the cable."]),
])
def test_a_colon_after_a_finished_clause_ends_the_sentence(text, expected):
    assert [s.text for s in segment.split(load_text(text, "en"))] == expected


@pytest.mark.parametrize("text", [
    "Harry Styles and Taylor Swift: Best Moments Of The Year",  # a Title Case headline
    "Summary: Hamamatsu won the game.",  # a label, not a clause
    "The minister said on Monday: We will act.",  # the word before the colon is a name
    "There were three options: two were cheap.",  # lower case after the colon
    "The train leaves at 10:30 Tuesday morning.",
    "He wrote to the board of: Acme Corp.",  # a function word cannot end a clause
    "A new plan to cut traffic accidents in town: Police and schools join forces",  # no instruction
    "The mayor had one message for the crowd: \"We will rebuild.\"",  # a quotation
])
def test_a_colon_inside_a_sentence_or_a_label_is_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1


@pytest.mark.parametrize("text, expected", [
    ("次の手順を実行してください：ホーム画面を開きます。", ["次の手順を実行してください：", "ホーム画面を開きます。"]),
    ("当店では三種類の額縁を取り揃えております：お好きなものをお選びください。",
     ["当店では三種類の額縁を取り揃えております：", "お好きなものをお選びください。"]),
])
def test_japanese_colon_after_a_predicate_ends_the_sentence(text, expected):
    assert [s.text for s in segment.split(load_text(text, "ja"))] == expected


@pytest.mark.parametrize("text", [
    "フォントの調整：書体を選んでください。",  # after a noun: a label
    "試合結果：浜松が勝った。",
    "開始は10:30です。",  # a time
    "彼は「次の通りにしてください：まず電源を切る」と言った。",  # inside a quotation
    "比率は３：１だった。",
    "首相は記者団にこう語りました：「必ず実行する。」",  # a quotation stays with its attribution
    "熱戦で観客を魅了する：県民新聞デジタル",  # a plain verb: a headline and its site
])
def test_japanese_colon_after_a_noun_or_in_a_quotation_is_not_cut(text):
    assert len(segment.split(load_text(text, "ja"))) == 1


@pytest.mark.parametrize("text, expected", [
    ("お届けは十日ほどです（遅れることもございます。）。次にお支払いです。",
     ["お届けは十日ほどです（遅れることもございます。）。", "次にお支払いです。"]),
    ("（ストローだったかな？）。それから帰った。", ["（ストローだったかな？）。", "それから帰った。"]),
    ("彼は「行く。」と言った。「待て。」。次の話。", ["彼は「行く。」と言った。", "「待て。」。", "次の話。"]),
])
def test_a_full_stop_after_a_closed_bracket_is_not_a_sentence_of_its_own(text, expected):
    assert [s.text for s in segment.split(load_text(text, "ja"))] == expected


@pytest.mark.parametrize("text, n", [
    ("The owner says no. I asked again.", 2),  # "no" the word, not No. 5
    ("He first discovered art. When he visited the museum, he was moved.", 2),
    ("We ate a fig. Then we left.", 2),
    ("The owner says no. (Edit: he agreed later.)", 2),
    ("See No. 10 Downing Street today.", 1),  # a number follows: the abbreviation
    ("It is in Vol. II of the series.", 1),
    ("Read Art. 9 of the constitution.", 1),
    ("The chart is on p. 12 of the report.", 1),
])
def test_numbering_abbreviations_hold_the_sentence_only_before_a_number(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, n", [
    ("We send alerts when fares go on sale. - We provide links to book. - More details are online.", 3),
    ("It was a long day. • The list follows.", 2),
    ("It was a long day. – The list follows.", 1),  # a spaced en dash is prose punctuation
    ("The office is in Washington, D.C. - The mayor said so.", 1),  # an abbreviation, not a plain word
    ("He left at noon. - and then he came back.", 1),  # lower case after the dash
    ("Charge your eReader. - Plug the cable into the port.", 2),  # a brand with an inner capital
    ("Call Mr. - Smith will answer.", 1),  # a title starts with a capital: not a plain word
])
def test_a_bulleted_item_after_a_plain_word_starts_a_sentence(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, expected", [
    ("監督は「狙い球を絞ってスイングができました」０－２の四回、打席に入った。",
     ["監督は「狙い球を絞ってスイングができました」", "０－２の四回、打席に入った。"]),
    ("「いち早く知りたい！」これは誰もが思うことだ。", ["「いち早く知りたい！」", "これは誰もが思うことだ。"]),
    ("「気持ちが入った」１回から打った。", ["「気持ちが入った」", "１回から打った。"]),
    ("「詳細を発表する」ただし時期は未定だ。", ["「詳細を発表する」", "ただし時期は未定だ。"]),
])
def test_a_whole_sentence_quotation_without_a_stop_ends_the_sentence(text, expected):
    assert [s.text for s in segment.split(load_text(text, "ja"))] == expected


@pytest.mark.parametrize("text", [
    "「脱炭素」社会を目指す。",  # a quoted word before a noun
    "ワイリーの「憎しみに満ちた」投稿を削除した。",  # a quoted clause modifying a noun
    "「子供を愛する」「素晴らしい母親」だった。",
    "彼は「行きます」と言った。",  # the quoting particle
    "「ありがとう」って言われた。",
    "「元気です」が口癖だ。",
    "彼は「（彼を）勝たせたい」と語った。",
])
def test_a_quotation_inside_a_sentence_is_not_cut(text):
    assert len(segment.split(load_text(text, "ja"))) == 1


@pytest.mark.parametrize("text, lang, expected", [
    ("Star finally wins (Tokyo Sports) -- Yahoo! News (Pacific League, 24th) The game ended.", "en",
     ["Star finally wins (Tokyo Sports) -- Yahoo! News", "(Pacific League, 24th) The game ended."]),
    ("Mayor says he can win - City Daily News Fresh from the debate, he spoke.", "en",
     ["Mayor says he can win - City Daily News", "Fresh from the debate, he spoke."]),
    ("ついに勝利（東京スポーツ） - Yahoo!ニュース（パ・リーグ、24日）試合が終わった。", "ja",
     ["ついに勝利（東京スポーツ） - Yahoo!ニュース", "（パ・リーグ、24日）試合が終わった。"]),
    ("市長が勝利を宣言−シティ 日刊ニュース討論を終えた市長は語った。", "ja",
     ["市長が勝利を宣言−シティ 日刊ニュース", "討論を終えた市長は語った。"]),
])
def test_a_page_title_ends_with_its_news_site(text, lang, expected):
    assert [s.text for s in segment.split(load_text(text, lang))] == expected


@pytest.mark.parametrize("text, lang", [
    ("He told Sky News that he will stay.", "en"),  # the site inside a sentence
    ("He spoke on Fox News Sunday about it.", "en"),
    ("Results - see the local news for details.", "en"),
    ("彼はスカイニュースで語った。", "ja"),
    ("気温は−5度でニュースになった。", "ja"),  # a minus sign, and a particle after ニュース
    ("まちの話題｜佐賀新聞ニュース｜佐賀新聞LiVE", "ja"),  # a title that goes on
])
def test_news_inside_a_sentence_is_not_a_page_title_end(text, lang):
    assert len(segment.split(load_text(text, lang))) == 1


@pytest.mark.parametrize("text, lang, expected", [
    ("執念の勝利だ ！ ！次の試合も勝つ。", "ja", ["執念の勝利だ ！ ！", "次の試合も勝つ。"]),
    ("Really?! It was ... ... I never knew.", "en", ["Really?!", "It was ... ...", "I never knew."]),
    ("We won! ! Next game soon.", "en", ["We won! !", "Next game soon."]),
])
def test_a_piece_of_marks_only_ends_the_sentence_before_it(text, lang, expected):
    assert [s.text for s in segment.split(load_text(text, lang))] == expected


def test_marks_on_a_line_of_their_own_stay_a_line():
    assert [s.text for s in segment.split(load_text("First line.\n***\nSecond line.", "en"))] == [
        "First line.", "***", "Second line."]


def test_a_colon_before_a_long_run_of_spaces_does_not_break_the_splitter():
    text = "Please follow these steps:" + " " * 60 + "Log in now."
    assert [s.text for s in segment.split(load_text(text, "en"))] == ["Please follow these steps:", "Log in now."]
    # the next word lies beyond the window that is read: no cut, and no error
    assert len(segment.split(load_text("Please follow these steps:" + " " * 700 + "Log in.", "en"))) == 1
