"""News page shapes: a note in brackets that closes a photo caption, a page title that ends before a
section mark, a headline run into its article before an opener (On / At / What / Why).

Every example is invented (not from the dev data); each rule has positive and negative cases.
"""

from __future__ import annotations

import pytest

from mtreview import segment
from mtreview.io.load import load_text


def _texts(text: str, lang: str) -> list[str]:
    return [s.text for s in segment.split(load_text(text, lang))]


@pytest.mark.parametrize("text, expected", [
    # a credit after a "＝place" caption
    ("稲刈りをする児童たち＝長野市（提供）長野市の小学校で２日、稲刈りが行われた。",
     ["稲刈りをする児童たち＝長野市（提供）", "長野市の小学校で２日、稲刈りが行われた。"]),
    # a wire credit with the agency's partner
    ("首都の広場に集まった市民（ロイター＝共同）【パリ共同】フランス政府は３日、新たな対策を発表した。",
     ["首都の広場に集まった市民（ロイター＝共同）", "【パリ共同】フランス政府は３日、新たな対策を発表した。"]),
    # where the person stands in the photo
    ("記者会見で質問に答える佐藤市長（左）市は１日、新しい計画をまとめた。",
     ["記者会見で質問に答える佐藤市長（左）", "市は１日、新しい計画をまとめた。"]),
    # a note on the photo itself
    ("雪に覆われた山道＝５日午前、高山市（写真は画像を加工しています）カメラが捉えた。",
     ["雪に覆われた山道＝５日午前、高山市（写真は画像を加工しています）", "カメラが捉えた。"]),
    # a page reference standing after a sentence
    ("決勝は３日に行われた。（５面に詳報）監督は「よく戦った」と話した。",
     ["決勝は３日に行われた。", "（５面に詳報）", "監督は「よく戦った」と話した。"]),
])
def test_a_japanese_caption_note_ends_the_caption(text, expected):
    assert _texts(text, "ja") == expected


@pytest.mark.parametrize("text", [
    "握手する佐藤市長（左）と田中社長。",  # a particle after the note: the clause goes on
    "会見する佐藤市長（左）、田中社長らが出席した。",
    "農業協同組合（長野市）の新商品が選ばれた。",  # a place in brackets is no caption note
    "ロンドン（共同）英政府は２日、新たな規制を発表した。",  # a dateline starts its sentence
    "パリ（ＡＰ）ー仏政府は２日、対策を発表した。",  # a dash after the credit: a dateline
    "（写真）港に着いた大型客船",  # a bare label opens the caption
])
def test_a_japanese_bracket_that_is_no_caption_end_is_not_cut(text):
    assert len(segment.split(load_text(text, "ja"))) == 1


@pytest.mark.parametrize("text, expected", [
    ("Students harvesting rice in Nagano (Provided by the school) The harvest began on the 2nd.",
     ["Students harvesting rice in Nagano (Provided by the school)", "The harvest began on the 2nd."]),
    ("A snowy mountain road in Takayama (Photo partially edited) Cameras caught the scene.",
     ["A snowy mountain road in Takayama (Photo partially edited)", "Cameras caught the scene."]),
    ("The final was played on the 3rd. (Details on page 5) The coach said he was proud.",
     ["The final was played on the 3rd.", "(Details on page 5)", "The coach said he was proud."]),
])
def test_an_english_caption_note_ends_the_caption(text, expected):
    assert _texts(text, "en") == expected


@pytest.mark.parametrize("text", [
    "(Photo) A team checks the posts before they go out.",  # a bare label opens the caption
    "The mayor (Photo: Reuters), smiling, greeted the crowd.",  # an aside inside the sentence
    "More figures are given in the report (see page 4) for each town.",  # lower case goes on
    "LONDON (Reuters) The government announced new rules on Tuesday.",  # a wire dateline
])
def test_an_english_bracket_that_is_no_caption_end_is_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1


@pytest.mark.parametrize("text, lang, expected", [
    ("西武が逆転勝利（スポーツ報知） - Yahoo!ニュース◆山田が先発へ",
     "ja", ["西武が逆転勝利（スポーツ報知） - Yahoo!ニュース", "◆山田が先発へ"]),
    ("西武が逆転勝利（スポーツ報知） - Yahoo!ニュース ○西武5－3ロッテ●",
     "ja", ["西武が逆転勝利（スポーツ報知） - Yahoo!ニュース", "○西武5－3ロッテ●"]),
    ("Seibu come from behind (Sports Hochi) -- Yahoo! News [Tokyo Kyodo] Seibu won on Sunday.",
     "en", ["Seibu come from behind (Sports Hochi) -- Yahoo! News", "[Tokyo Kyodo] Seibu won on Sunday."]),
    ("Seibu come from behind (Sports Hochi) -- Yahoo! News ○Seibu 5-3 Lotte●",
     "en", ["Seibu come from behind (Sports Hochi) -- Yahoo! News", "○Seibu 5-3 Lotte●"]),
])
def test_a_page_title_ends_before_a_section_mark_or_a_bracketed_dateline(text, lang, expected):
    assert _texts(text, lang) == expected


@pytest.mark.parametrize("text, lang", [
    ("彼はYahoo!ニュース◆の記事を読んだ。", "ja"),  # no separator before the site: not a page title
    ("He read it on Yahoo! News ◆ every morning.", "en"),
    ("A quote from the show - Fox News [sic] was wrong.", "en"),  # "[sic]" after a site inside a sentence
])
def test_a_site_name_inside_a_sentence_is_not_a_title_end(text, lang):
    assert len(segment.split(load_text(text, lang))) == 1


@pytest.mark.parametrize("text, expected", [
    # a headline run into the article: a dateline-like opener starts the first sentence
    ("Local farmers celebrate a record harvest On the 3rd, the cooperative said prices would rise.",
     ["Local farmers celebrate a record harvest", "On the 3rd, the cooperative said prices would rise."]),
    ("Students try a new safety class in the city At the school, officers showed a crash test.",
     ["Students try a new safety class in the city", "At the school, officers showed a crash test."]),
    ("Regulators look again at the rules for phone contracts What will happen to the fees is unclear.",
     ["Regulators look again at the rules for phone contracts", "What will happen to the fees is unclear."]),
    ("Fewer tourists came to the island this summer Why this happened is still debated.",
     ["Fewer tourists came to the island this summer", "Why this happened is still debated."]),
])
def test_on_at_what_why_open_a_sentence_after_a_finished_clause(text, expected):
    assert _texts(text, "en") == expected


@pytest.mark.parametrize("text", [
    "Ten Places To Eat On A Budget In Tokyo",  # a Title Case headline
    "What To Do If You Are Stuck At The Airport",
    "Turn it On now.",  # too short to be a finished clause
    "He waited for the bus at the corner of the street.",  # lower case: no opener
])
def test_on_at_what_why_inside_a_title_or_a_sentence_are_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1


@pytest.mark.parametrize("text", [
    "The secret of a small town's success... What visitors found in the hills",
    "Rescue teams search the coast... Dozens still missing (Kyodo) -- Yahoo! News",
])
def test_an_ellipsis_joining_the_halves_of_a_headline_is_not_cut(text):
    assert len(segment.split(load_text(text, "en"))) == 1


@pytest.mark.parametrize("text, n", [
    ("We waited for hours... Then the rain stopped.", 2),  # the line goes on to a full stop
    ("The secret of a small town's success... What visitors found.\n\nNext line here", 3),
    ("I tried again... It worked! Thanks for the help", 3),
])
def test_an_ellipsis_before_a_sentence_with_an_end_mark_still_cuts(text, n):
    assert len(segment.split(load_text(text, "en"))) == n


@pytest.mark.parametrize("text, expected", [
    ("【写真】新作映画も公開延期に...12日（現地時間）、配給会社が発表した。",
     ["【写真】新作映画も公開延期に...", "12日（現地時間）、配給会社が発表した。"]),
    ("大会は中止に…２０２１年の開催を目指す。", ["大会は中止に…", "２０２１年の開催を目指す。"]),
])
def test_a_japanese_ellipsis_before_a_number_that_opens_a_sentence_ends_the_headline(text, expected):
    assert _texts(text, "ja") == expected


@pytest.mark.parametrize("text", [
    "日本の強さの正体...アジアで見た意外な現実",  # the halves of a headline: no number follows
    "数字を1...10と数えた。",  # a count: a digit before the ellipsis
    "新作映画も公開延期に...12日",  # no end mark after the number: one headline
    "それは…わからない。",  # a pause inside a sentence
])
def test_a_japanese_ellipsis_inside_a_headline_or_a_sentence_is_not_cut(text):
    assert len(segment.split(load_text(text, "ja"))) == 1
