# ruff: noqa: E501  (literal sentences from the data are kept whole)
"""Cutting a Japanese sentence that holds a glued headline (mtreview.refine), on align-dev text."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mtreview import pipeline, refine
from mtreview.config import Config
from mtreview.io.load import load_text
from mtreview.records import Bead
from tests.conftest import TableEncoder, sentences

ALIGN_DATA = Path(__file__).resolve().parent / "data" / "align"

# abcnews.420102 (en-ja, WMT21 newstest): headline and first sentence, JA paragraphs joined with nothing
EN_HEAD = "Virginia Beach takes down Confederate monument"
EN_BODY = "VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument from public grounds on Saturday, less than two days after the City Council voted unanimously to do so."
JA_HEAD = "バージニア・ビーチ 南軍記念碑を撤去"
JA_BODY = "バージニア州バージニア・ビーチ -- バージニアビーチ市は土曜、市議会が全会一致で撤去案の可決後二日足らずで、建立115年の南部連合記念碑を公共グラウンドより撤去した。"
EN_NEXT = "Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning, media outlets reported."
JA_NEXT = "高さ27フィート（8.2メートル）の記念碑は土曜日の朝に作業員によって撤去された、と報道各社が報じた。"


def _marks(text: str) -> list[str]:
    return [f"{text[max(0, c - 3):c]}|{text[c:c + 3]}" for c, _ in refine.boundaries(text)]


@pytest.mark.parametrize("text, present, absent", [
    # a headline ending in a verbal noun before a dateline place name
    (JA_HEAD + JA_BODY, ["を撤去|バージ"], ["ビーチ |南軍", "州バージ|ニア"]),
    ("カリフォルニアのデモで裁判所放火カリフォルニア州オークランド市 -- オークランド警察によると",
     ["所放火|カリフ"], ["のデモで|裁判所"]),
    # a quotation closing a headline, a conjunction starting the next sentence
    ("「例年よりも遅い時期に開催する」ただし、「詳細はまもなく発表する」",
     ["する」|ただし"], []),
    # a full stop the segmenter kept inside a quotation, a colon before a quotation (rt.com.131263, sky.com.33889)
    ("「US DOJ（米国司法省）からの情報要請に応え、HSBCグループは客観的な事実を提供したに過ぎない。HSBCは証拠の『捏造』あるいは事実の『隠蔽』をしていない。」",
     ["ない。|HSB"], ["ない。|」"]),
    ("労働党の国会議員ジェス・フィリップス氏は土曜日にこう語った：「ワイリーの投稿を全部見たところだ。」", ["った：|「ワイ"], []),
    # inside a compound, a counter, a verb stem, a katakana name: never a cut
    ("車が群衆に突っ込み、デモ参加者撃たれるコロラド州オーロラ市", ["たれる|コロラ"], ["、デモ|参加者"]),
    ("もうだめだと思ったことが８回くらいあった", [], ["とが８|回くら"]),
    ("冒頭に述べたように、冷やし中華は", [], ["冷やし|中華は"]),
    ("ペレイラとトロイ・ディーニーを擁して", [], ["・ディー|ニーを"]),
    # an ellipsis after a Japanese word trails off a sentence before the next one's start (invented)
    ("これでは困るよな…私は別の店に行く", ["よな…|私は別"], []),
    ("もう一度買います・・・Bright社の製品", ["・・・|Bri"], []),
    ("待っていたのに...駅前の店は閉まった", ["...|駅前の"], []),
    # ... not after a digit or a Latin word, nor before a particle, and a lone ・ joins a name
    ("1…10まで数える", [], ["1…|10ま"]),
    ("ABC...の一部だ", [], ["...|の一部"]),
    ("アストン・ヴィラが勝った", [], ["ン・|ヴィラ"]),
    # a time word opens a sentence before a comma or a particle (invented headlines glued to their text)
    ("警察が男を逮捕今回の事件は市内で起きた", ["を逮捕|今回の"], []),
    ("大雪で交通が混乱土曜日、市内では", ["が混乱|土曜日"], []),
    # ... not a one-character counter, nor a time word that the next word continues
    ("入場時の混雑が続いた", [], ["入場|時の混"]),
    ("警察が男を逮捕今回限りの措置", [], ["を逮捕|今回限"]),
])
def test_boundaries(text, present, absent):
    marks = _marks(text)
    for m in present:
        assert m in marks
    for m in absent:
        assert m not in marks


@pytest.mark.parametrize("text, expected", [
    ('"Although in territorial retreat, (the Islamic State) remains capable of carrying out high-profile attacks in various parts of the country, including Kabul. It also aims to attract Taliban fighters who oppose the agreement with the United States," the report said.',
     ["Kabul.|It"]),
    ('Labour MP Jess Phillips said on Saturday: "Just seen all the Wiley stuff. Why on earth have @Twitter left up such blatant antisemitism and hatred?"',
     ["Saturday:|\"Just", "stuff.|Why"]),
    ("Mr. Smith went to Washington with the U.S. Navy.", []),
    ("The resort closed the Mt. Rainier Gondola and Gov. Inslee spoke. Skiers left.", ["spoke.|Skiers"]),
    ("Winds hit the mountain. Rainier stayed closed.", ["mountain.|Rainier"]),
])
def test_en_stops(text, expected):
    assert [f"{text[:c].split()[-1]}|{text[c:].split()[0]}" for c in refine.en_stops(text)] == expected


@pytest.mark.parametrize("text, cut, typical", [
    (JA_HEAD + JA_BODY, len(JA_HEAD), True),  # a place name follows
    ("見かけが良すぎるガーデニングギミックにご用心植物学者が白状するには", 22, False),
])
def test_boundary_typical_flags(text, cut, typical):
    assert dict(refine.boundaries(text))[cut] is typical


ENCODER = TableEncoder([(EN_HEAD, JA_HEAD), (EN_BODY, JA_BODY), (EN_NEXT, JA_NEXT)])


@pytest.mark.parametrize("beads, expected", [
    # 2-1 then 1-1: the JA sentence is cut after the headline, the next ids shift by one
    ([Bead((0, 1), (0,)), Bead((2,), (1,))], [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]),
    # nothing to cut: 1-1 beads are left as they are
    ([Bead((0, 1, 2), (0, 1))], [((0,), (0,)), ((1, 2), (1, 2))]),
])
def test_split_glued_cuts_the_headline(beads, expected):
    src = sentences([EN_HEAD, EN_BODY, EN_NEXT], " ")
    tgt = sentences([JA_HEAD + JA_BODY, JA_NEXT], "")
    new_src, new_tgt, new_beads = refine.split_glued(src, tgt, beads, ENCODER.encode)
    assert [(b.src_ids, b.tgt_ids) for b in new_beads] == expected
    assert [t.text for t in new_tgt] == [JA_HEAD, JA_BODY, JA_NEXT]
    assert [(t.start, t.end) for t in new_tgt] == [(0, 18), (18, 102), (102, 153)]
    assert new_src == src


@pytest.mark.parametrize("beads", [
    [Bead((0,), (0,)), Bead((1,), ()), Bead((2,), (1,))],  # no bead has more EN than JA sentences
    [Bead((0, 1), (0,)), Bead((2,), (1,))],  # ... or the cut does not beat the margin (below)
])
def test_split_glued_leaves_beads_alone(beads):
    src = sentences([EN_HEAD, EN_BODY, EN_NEXT], " ")
    tgt = sentences([JA_HEAD + JA_BODY, JA_NEXT], "")
    _, new_tgt, new_beads = refine.split_glued(src, tgt, beads, ENCODER.encode, refine.RefineConfig(margin=5.0))
    assert new_beads == beads
    assert new_tgt == tgt


@pytest.mark.slow
@pytest.mark.parametrize("doc, gold_head", [
    ("abcnews.420102", (EN_HEAD, JA_HEAD)),
])
def test_joined_document_headline_is_cut(doc, gold_head):
    """No paragraph breaks at all: the headline and the dateline sentence are two beads again."""
    config = Config()
    en = (ALIGN_DATA / f"{doc}.en.txt").read_text(encoding="utf-8")
    ja = (ALIGN_DATA / f"{doc}.ja.txt").read_text(encoding="utf-8")
    src = load_text(" ".join(p.strip() for p in en.split("\n\n") if p.strip()), "en")
    tgt = load_text("".join(p.strip() for p in ja.split("\n\n") if p.strip()), "ja")
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, pipeline.load_models(config))
    first = [(" ".join(ssents[i].text for i in b.src_ids), "".join(tsents[j].text for j in b.tgt_ids))
             for b in beads[:2]]
    assert first == [gold_head, (EN_BODY, JA_BODY)]
    assert all(tgt.text[t.start:t.end] == t.text for t in tsents)
    assert sorted(j for b in beads for j in b.tgt_ids) == list(range(len(tsents)))


# rt.com.131263: the EN quotation is one sentence, the JA side has two
EN_QUOTE = ['"In response to US DOJ\'s [US Justice Department] requests for information, HSBC Group simply presented the objective facts.',
            'HSBC did not "fabricate" evidence or "hide" facts."']
JA_QUOTE = ["「US DOJ（米国司法省）からの情報要請に応え、HSBCグループは客観的な事実を提供したに過ぎない。",
            "HSBCは証拠の『捏造』あるいは事実の『隠蔽』をしていない。」"]


def test_split_glued_cuts_an_english_quotation():
    src = sentences([" ".join(EN_QUOTE)], " ")
    tgt = sentences(JA_QUOTE, "")
    encoder = TableEncoder(list(zip(EN_QUOTE, JA_QUOTE, strict=True)))
    new_src, new_tgt, beads = refine.split_glued(src, tgt, [Bead((0,), (0, 1))], encoder.encode)
    assert [s.text for s in new_src] == EN_QUOTE
    assert [(s.start, s.end) for s in new_src] == [(0, 123), (124, 175)]
    assert [(b.src_ids, b.tgt_ids) for b in beads] == [((0,), (0,)), ((1,), (1,))]
    assert new_tgt == tgt


def _heads(text: str) -> list[str]:
    return [f"{text[:c].split()[-1]}|{text[c:].split()[0]}" for c in refine.en_heads(text)]


@pytest.mark.parametrize("text, present, absent", [
    # a headline without an end mark before its article (invented text)
    ("Storm floods the valley Heavy rain fell on Sunday", ["valley|Heavy"], ["the|valley"]),
    ("Broken zipper I returned the bag after a week", ["zipper|I"], []),
    ("Ferry Service Resumes After Strike 12 boats sailed today", ["Strike|12"], []),
    # after a function word, a comma or a colon, inside a quotation or a bracket: never
    ("They met the President and the Minister in Rome", [], ["the|President", "the|Minister"]),
    ("Turnout rose, Officials said, to a record: Voters queued", [], ["rose,|Officials", "record:|Voters"]),
    ('He called it "a Free Image Host" and left', [], ["Free|Image", "Image|Host"]),
    ("The team (Red Star Belgrade) won again", [], ["Star|Belgrade"]),
    # the first word, or a last word alone: not a cut
    ("Pope Francis", [], ["Pope|Francis"]),
])
def test_en_heads(text, present, absent):
    heads = _heads(text)
    for m in present:
        assert m in heads
    for m in absent:
        assert m not in heads


# invented: an English review title glued to its first sentence, the Japanese title on its own
EN_TITLE, EN_REVIEW = "Drops the connection every night", "I bought this router two years ago and it still fails."
JA_TITLE, JA_REVIEW = "毎晩接続が切れる", "このルーターは二年前に買いましたが、今も不具合があります。"


@pytest.mark.parametrize("margin, expected", [
    (0.1, [EN_TITLE, EN_REVIEW]),  # the title's end before a capital is a cut the JA side confirms
    (5.0, [f"{EN_TITLE} {EN_REVIEW}"]),  # ... kept only when it beats the margin
])
def test_split_glued_cuts_an_english_title(margin, expected):
    src = sentences([f"{EN_TITLE} {EN_REVIEW}"], " ")
    tgt = sentences([JA_TITLE, JA_REVIEW], "")
    encoder = TableEncoder([(EN_TITLE, JA_TITLE), (EN_REVIEW, JA_REVIEW)])
    new_src, _, beads = refine.split_glued(src, tgt, [Bead((0,), (0, 1))], encoder.encode,
                                           refine.RefineConfig(margin=margin))
    assert [s.text for s in new_src] == expected
    assert all(src[0].text[s.start:s.end] == s.text for s in new_src)
    assert len(beads) == len(expected)


@pytest.mark.parametrize("text, expected", [
    ("The bag is great. totally worth the price", ["great.|totally"]),
    ("I asked twice? no answer came back", ["twice?|no"]),
    ("Delivered in 3 days (by courier). your order number is 5", ["courier).|your"]),
    # an abbreviation, a single letter or a capital after the mark: not these cuts
    ("It weighs approx. the same as a cat", []),
    ("We met on Jan. to talk it over", []),
    ("Use e.g. the blue one", []),
    ("Take plan B. he said nothing", []),
    ("The bag is great. Totally worth it", []),
])
def test_en_lower_stops(text, expected):
    assert [f"{text[:c].split()[-1]}|{text[c:].split()[0]}" for c in refine.en_lower_stops(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("Change your settings with the menu at the bottom: Adjust font style first", ["bottom:|Adjust"]),
    ("Do one of the following: - Turn it off", ["following:|-"]),
    # a time, a capital label, a lower-case word after the colon: not these cuts
    ("The train left at 10:30 Tokyo time", []),
    ("WARNING: Hot surface inside", []),
    ("One thing is clear: prices rose", []),
])
def test_en_colons(text, expected):
    assert [f"{text[:c].split()[-1]}|{text[c:].split()[0]}" for c in refine.en_colons(text)] == expected


def test_candidates_per_sentence_are_bounded():
    """A long run of names has a candidate before every capital: only the ``max_cuts`` nearest the
    length the other side predicts are scored (the encoder sees a bounded number of pieces)."""
    names = " ".join(f"Anna Berg{i} Carl Dahl{i}" for i in range(40))
    src = sentences([f"The list reads {names} and more"], " ")
    tgt = sentences(["名簿は次の通り。", "アンナ・ベルクほか多数。"], "")
    mu = math.log(len(tgt[0].text) / (len(src[0].text) / 2))  # the JA first sentence predicts half the EN
    cands = list(refine._candidates(src, tgt, [Bead((0,), (0, 1))], mu, refine.RefineConfig(max_cuts=5)))
    assert len(refine.en_heads(src[0].text)) > 100
    assert 0 < len(cands) <= 5
    wide = list(refine._candidates(src, tgt, [Bead((0,), (0, 1))], mu, refine.RefineConfig(max_cuts=1000)))
    assert len(wide) > 50
    half = len(src[0].text) / 2
    assert all(abs(c[1][1] - half) < 40 for c in cands)  # the kept ones are near the predicted length
