"""Cutting a headline glued to its first sentence on both sides of a 1-1 bead (mtreview.refine_heads).

Every sentence here is invented: rules of English and Japanese headlines, not of the dev files.
"""

from __future__ import annotations

import pytest

from mtreview import refine_heads
from mtreview.records import Bead, Sentence
from tests.conftest import TableEncoder


def _en(text: str) -> list[str]:
    return [f"{text[:o].split()[-1]}|{text[o:].split()[0]}" for o in refine_heads.en_head_ends(text)]


def _ja(text: str) -> list[str]:
    return [f"{text[max(0, o - 3):o]}|{text[o:o + 3]}" for o in refine_heads.ja_head_ends(text)]


@pytest.mark.parametrize("text, expected", [
    # a headline with no end mark before its first sentence
    ("Mayor unveils new tax plan for the city London councillors will debate it next month.", ["city|London"]),
    ("Heavy snow disrupts travel across the Midwest The storm closed hundreds of schools.", ["Midwest|The"]),
    # an acronym ends the headline before a capitalised word
    ("Talks collapse over the EU Germany wants a smaller fund.", ["EU|Germany"]),
    ("Leaders meet at the G20 Protesters filled the streets.", ["G20|Protesters"]),
    # a review title before "I"
    ("Fans cheer as team wins I could not believe it.", ["wins|I"]),
    # two capitalised words of a name, a number, a function word: never
    ("The deputy director of the German Institute for Polish Affairs spoke.", []),
    ("He spoke with Chicago Police Superintendent David Brown on Friday.", []),
    ("The price rose in 2020 Officials said nothing.", []),
    ("Prices rose to 2020 levels in the spring.", []),
    ("They met in the Bank of England offices.", []),
    # inside a quotation in single marks, after a bracket or a site separator: never
    ("She wrote 'We Hope They Win The Cup' on the sign.", []),
    ("Storm warning issued (update) Residents were told to stay home.", []),
    ("Storm warning issued | Residents were told to stay home.", []),
])
def test_en_head_ends(text, expected):
    assert _en(text) == expected


@pytest.mark.parametrize("left, right, expected", [
    ("city", "London", True),
    ("Midwest", "The", True),  # a sentence opener after a capitalised word
    ("G7", "Pope", True),  # an acronym with a digit
    ("NATO", "Leaders", True),  # an acronym in capitals
    ("Royal", "Navy", False),  # a name
    ("42", "Ending", False),  # a bare number
    ("'Lender", "Watch'", False),  # a quoted name
    ("the", "Senate", False),  # a function word
    ("wins", "I", True),
    ("Ltd", "I", False),  # two capitals: "I" is no sentence opener after a name
    ("wins", "2020", False),
])
def test_en_head_end(left, right, expected):
    assert refine_heads.en_head_end(left, right) is expected


@pytest.mark.parametrize("text, expected", [
    # a verbal noun after a case particle (体言止め) before a name, a pronoun / adnominal, 「 or a subject
    ("市長が新たな税制案を発表ロンドン市議会は、来月から審議を始める。", ["を発表|ロンド"]),
    ("新型ワクチンの治験を開始この試験には三千人が参加する。", ["を開始|この試"]),
    ("首相がアジア各国と会談「協力を深めたい」と述べた。", ["と会談|「協力"]),
    ("大雪で交通が混乱東京都は、臨時の対策本部を設けた。", ["が混乱|東京都"]),
    ("議会が予算案を可決この予算は過去最大となる。", ["を可決|この予"]),
    # a closing quotation mark before a subject
    ("市民「もう限界だ」市長は、対策を急ぐと述べた。", ["界だ」|市長は"]),
    ("「もう限界だ」農家の声が広がる。", []),  # a quotation that modifies the next noun (の)
    # a review title ending on a verb or an adjective before a pronoun, an adnominal or a conjunction
    ("毎晩インターネット接続が切れるこのモデムは二年前に買った。", ["切れる|このモ"]),
    ("思ったより小さい私は返品した。", ["小さい|私は返"]),
    ("すぐに壊れるしかし値段は安い。", ["壊れる|しかし"]),
    # ... never before a noun the verb could modify (even one a comma closes), a name or a quotation it names
    ("思ったより小さい商品、値段も安い。", []),
    ("要件をクリアしている選手はネトらだ。", []),
    ("延期された東京五輪について語った。", []),
    ("会談ができることは、重要だ。", []),
    ("彼が解説した「ほっとセミナー」は好評だった。", []),
    # a verbal noun compound, a plain noun, a comma before the verbal noun, a noun phrase with の: never
    ("市が新しい図書館を公開謝罪した市長は辞任を否定した。", []),
    ("地元の警察署長ジョン・スミスが会見した。", []),
    ("ATPは今回、落札者はコーチと練習できると発表した。", []),
    ("今年3月3日に認証機関の審査を受けた。", []),
    ("彼は試合に出場する選手を発表した。", []),
])
def test_ja_head_ends(text, expected):
    assert _ja(text) == expected


# an invented headline glued to its first sentence on both sides
EN_HEAD, EN_BODY = "Mayor unveils new tax plan for the city", "London councillors will debate it next month."
JA_HEAD, JA_BODY = "市長が新たな税制案を発表", "ロンドン市議会は、来月から審議を始める。"


def _one(text: str) -> list[Sentence]:
    return [Sentence(0, 0, len(text), text, 0)]


def test_split_heads_cuts_both_sides():
    en, ja = f"{EN_HEAD} {EN_BODY}", JA_HEAD + JA_BODY
    encoder = TableEncoder([(EN_HEAD, JA_HEAD), (EN_BODY, JA_BODY)])
    src, tgt, beads = refine_heads.split_heads(_one(en), _one(ja), [Bead((0,), (0,))], encoder.encode)
    assert [s.text for s in src] == [EN_HEAD, EN_BODY]
    assert [t.text for t in tgt] == [JA_HEAD, JA_BODY]
    assert [(b.src_ids, b.tgt_ids) for b in beads] == [((0,), (0,)), ((1,), (1,))]
    assert all(en[s.start:s.end] == s.text for s in src) and all(ja[t.start:t.end] == t.text for t in tgt)


def test_split_heads_keeps_a_sentence_whose_halves_do_not_match():
    """Both sides have a headline-shaped end, but the halves are not each other's translation
    (each half matches the whole sentence only): no cut."""
    en, ja = f"{EN_HEAD} {EN_BODY}", JA_HEAD + JA_BODY
    encoder = TableEncoder([(en, ja)])  # only the whole pair is known: the halves carry no signal
    src, tgt, beads = refine_heads.split_heads(_one(en), _one(ja), [Bead((0,), (0,))], encoder.encode)
    assert [s.text for s in src] == [en] and [t.text for t in tgt] == [ja] and len(beads) == 1


def test_split_heads_needs_both_sides():
    """The English has a headline end, the Japanese none (a plain noun before a name): no cut."""
    en, ja = f"{EN_HEAD} {EN_BODY}", "市長の新税制案ロンドン市議会は、来月から審議を始める。"
    encoder = TableEncoder([(EN_HEAD, "市長の新税制案"), (EN_BODY, "ロンドン市議会は、来月から審議を始める。")])
    src, tgt, beads = refine_heads.split_heads(_one(en), _one(ja), [Bead((0,), (0,))], encoder.encode)
    assert len(src) == len(tgt) == len(beads) == 1


@pytest.mark.slow
@pytest.mark.parametrize("split_heads, first", [
    (True, ("China and India agree on border talks", "中国とインドが国境協議で合意")),
    (False, ("China and India agree on border talks Indian Prime Minister Modi met President Xi in Delhi on Monday.",
             "中国とインドが国境協議で合意インドのモディ首相は月曜日、デリーで習主席と会談した。")),
])
def test_pipeline_cuts_a_headline_glued_on_both_sides(split_heads, first):
    """Invented running text, the sentence encoder of the default config: ``align.split_heads``
    cuts the headline off on both sides; without it the headline stays in the first bead."""
    from mtreview import pipeline
    from mtreview.config import Config
    from mtreview.io.load import load_text

    en = ("China and India agree on border talks Indian Prime Minister Modi met President Xi in Delhi on Monday. "
          "The talks will continue next month.")
    ja = "中国とインドが国境協議で合意インドのモディ首相は月曜日、デリーで習主席と会談した。協議は来月も続くという。"
    config = Config().replace(align__split_heads=split_heads)
    src, tgt, beads = pipeline.align_documents(load_text(en, "en"), load_text(ja, "ja"), config,
                                               pipeline.load_models(config))
    bead = beads[0]
    assert (" ".join(src[i].text for i in bead.src_ids), "".join(tgt[j].text for j in bead.tgt_ids)) == first
    assert all(en[s.start:s.end] == s.text for s in src) and all(ja[t.start:t.end] == t.text for t in tgt)
