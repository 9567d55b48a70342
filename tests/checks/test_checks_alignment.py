from __future__ import annotations

import numpy as np
import pytest

from mtreview.checks import Article
from mtreview.checks.alignment import Addition, Omission, length_residuals, sentences, whole_cycles
from mtreview.checks.clauses import clause_gains, en_clauses, uncovered_clauses, without
from mtreview.records import Segment

# four professional pairs (align-dev en-ja, abcnews.420102) to set the article's length norm
PAIRS = [
    ("Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning, media outlets reported.",
     "高さ27フィート（8.2メートル）の記念碑は土曜日の朝に作業員によって撤去された、と報道各社が報じた。"),
    ("It was installed in 1905 and stood outside the old Princess Anne County courthouse, in the same place that "
     "slave auctions were once held.",
     "この記念碑は1905年に建立され、プリンセス・アン郡裁判所の外、かつて奴隷競売が行われたのと同じ場所に建っていた。"),
    ("VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument from public "
     "grounds on Saturday, less than two days after the City Council voted unanimously to do so.",
     "バージニア州バージニア・ビーチ -- バージニアビーチ市は土曜、市議会が全会一致で撤去案の可決後二日足らずで、"
     "建立115年の南部連合記念碑を公共グラウンドより撤去した。"),
    ("The monument will be put in storage until the city decides where it should go.",
     "この記念碑は、市が移設先を決定するまで保管される。"),
]
LONG_EN = ("Describing Foreign Minister Choe Son Hui's talks in Moscow last week with President Vladimir Putin and "
           "Foreign Minister Sergey Lavrov, the North's Foreign Ministry said Putin had again expressed his intention "
           "to visit Pyongyang.")
LONG_JA = ("先週モスクワで行われた、崔善姫外相とプーチン大統領、ラブロフ外相との会談について、北朝鮮外務省は、"
           "プーチン大統領は平壌訪問の意志を再び示したと述べた。")


def _run(check, pairs):
    art = Article(segments=tuple(Segment(k, s, t, (k,) if s else (), (k,) if t else ())
                                 for k, (s, t) in enumerate(pairs)))
    return [(i, f.check, f.side, f.start, f.end, f.severity.label) for i, f in check.run(art)]


@pytest.mark.parametrize("extra, expected", [
    ((LONG_EN, LONG_JA), []),
    ((LONG_EN, ""), [(4, "omission", "src", 0, 228, "major")]),  # 1-0 bead
    # the clause "崔善姫外相とプーチン大統領、ラブロフ外相との会談について、" dropped: 40% shorter
    ((LONG_EN, "先週モスクワで行われた、北朝鮮外務省は、プーチン大統領は平壌訪問の意志を再び示したと述べた。"),
     [(4, "omission", "src", 0, 228, "minor")]),
    ((LONG_EN, "北朝鮮外務省は述べた。"), [(4, "omission", "src", 0, 228, "major")]),  # most of it missing
    # a quotation of the source with no quotation in the translation
    (('Russia expressed "deep gratitude" to North Korea for its support of the war, the ministry said.',
      "ロシアは北朝鮮に対し、戦争への支援に深い感謝を表明したと、同省は伝えた。"), [(4, "omission", "src", 17, 33, "minor")]),
    (('Russia expressed "deep gratitude" to North Korea for its support of the war, the ministry said.',
      "ロシアは北朝鮮に対し、戦争への支援に「深い感謝」を表明したと、同省は伝えた。"), []),
])
def test_omission(extra, expected):
    assert _run(Omission(), [*PAIRS, extra]) == expected


KIM_EN = ("North Korea has been actively expanding its relations with Russia, most visibly when leader Kim Jong Un "
          "traveled to Russia in September 2023 for a summit with Putin.")


@pytest.mark.parametrize("ja, expected", [
    # 37% shorter and "2023" (with "September") is gone: a dropped clause
    ("北朝鮮はロシアとの関係を積極的に強化しており、金正恩委員長がプーチン大統領と会談した。",
     ["The translation is about 37% shorter than expected and lacks 2023: a clause may be missing."]),
    # as short, but the year is there: not enough evidence
    ("北朝鮮はロシアとの関係を強化しており、2023年に金正恩委員長がプーチン大統領と会談した。", []),
])
def test_omission_shorter_and_a_number_lost(ja, expected):
    art = Article(segments=tuple(Segment(k, s, t, (k,), (k,)) for k, (s, t) in enumerate([*PAIRS, (KIM_EN, ja)])))
    assert [f.message for _, f in Omission().run(art)] == expected


SHELTERS_EN = ("The city opened {} new shelters for evacuees on Monday, and officials said that more would follow "
               "next month.")
SHELTERS_JA = "市は月曜日、避難者のための新たな避難所を開設し、当局は来月にも増設すると述べた。"
OPEN_EN = "The shelters for evacuees will stay open {} until the end of the month, officials said on Monday."
OPEN_JA = "避難者のための避難所は今月末まで{}開設される予定だと、当局は月曜日に述べた。"


@pytest.mark.parametrize("en, ja, expected", [
    # mildly short (residual -0.23: between anchored_ten_log and anchored_log) and "14" is gone
    (SHELTERS_EN.format(14), SHELTERS_JA,
     ["The translation is about 21% shorter than expected and lacks 14: a clause may be missing."]),
    # as short, but the lost number is a small one, often carried by a word: not enough evidence
    (SHELTERS_EN.format(4), SHELTERS_JA, []),
    # the number is there
    (SHELTERS_EN.format(14), SHELTERS_JA.replace("避難所を", "避難所14カ所を"), []),
    # "24 hours a day" means all day (終日): its number is no anchor; 18 hours a day is one
    (OPEN_EN.format("24 hours a day"), OPEN_JA.format("終日"), []),
    (OPEN_EN.format("18 hours a day"), OPEN_JA.format("終日"),
     ["The translation is about 21% shorter than expected and lacks 18: a clause may be missing."]),
    (OPEN_EN.format("24/7"), OPEN_JA.format("終日"), []),
])
def test_a_mildly_short_translation_that_lacks_a_number_of_ten_or_more(en, ja, expected):
    art = Article(segments=(Segment(0, en, ja, (0,), (0,)),))
    check = Omission(min_segments=99)  # one pair: no article median
    r = length_residuals(art, check.params.length_a, check.params.length_b, 99)[0]
    assert check.params.anchored_ten_log > r  # short enough for a lost number of ten or more
    assert [f.message for _, f in check.run(art)] == expected
    # the rule off: only a residual below anchored_log reports a lost number
    off = Omission(min_segments=99, anchored_ten_log=-1.0).run(art)
    assert bool(off) == bool(expected and r < check.params.anchored_log)


@pytest.mark.parametrize("hours, expected", [
    ("24 hours a day", []),
    ("18 hours a day", ["The translation is about 27% shorter than expected and lacks 18: a clause may be missing."]),
])
def test_a_whole_cycle_is_no_anchor_for_a_shorter_translation_either(hours, expected):
    # residual -0.32, below anchored_log: any lost number but a whole cycle's is reported
    ja = OPEN_JA.format("終日").replace("予定だ", "")
    art = Article(segments=(Segment(0, OPEN_EN.format(hours), ja, (0,), (0,)),))
    assert [f.message for _, f in Omission(min_segments=99).run(art)] == expected


@pytest.mark.parametrize("text, spans", [
    ("open 24 hours a day, 7 days a week, 365 days a year", ["24 hours a day", "7 days a week", "365 days a year"]),
    ("staffed 24/7 and 12 Months a year, 60 minutes an hour", ["24/7", "12 Months a year", "60 minutes an hour"]),
    ("he works 50 hours a week, 25 hours a day at times, 7 days after the storm", []),
    ("they won 24-7 on Sunday", []),  # a score, not "always"
])
def test_whole_cycles(text, spans):
    assert [text[a:b] for a, b in whole_cycles(text)] == spans


@pytest.mark.parametrize("extra, expected", [
    (("", "関係者によると、交渉は難航しているという。"), [(4, "addition", "tgt", 0, 21, "major")]),
    (("", "return to top"), []),  # page debris: the boilerplate check's
    ((LONG_EN, LONG_JA + "関係者によると、交渉は難航しており、両国の外相は来月にも再び会談する予定で、"
      "その際には経済協力や軍事協力についても話し合われる見通しだという。ロシア側は、北朝鮮との協力関係を"
      "今後も一層強化していく考えを示している。"), [(4, "addition", "tgt", 0, 182, "minor")]),
])
def test_addition(extra, expected):
    assert _run(Addition(), [*PAIRS, extra]) == expected


@pytest.mark.parametrize("text, clauses", [
    ("It certainly paid off, since he played splendidly in a different role from normal, and was able to score "
     "15 points.",
     ["It certainly paid off", "since he played splendidly in a different role from normal",
      "and was able to score 15 points."]),
    ("The monument will be put in storage until the city decides where it should go.",
     ["The monument will be put in storage until the city decides", "where it should go."]),
    ("Not now, he said.", []),
])
def test_en_clauses(text, clauses):
    assert [text[a:b] for a, b in en_clauses(text)] == clauses


def test_clause_evidence_needs_the_embedder_and_a_short_translation():
    # the second source clause ("and was able to score many points") was cut from the translation
    src = ("It certainly paid off, since he played splendidly in a different role from normal, "
           "and was able to score many points.")
    tgt = "その甲斐あって、いつもとは違う役割で見事にプレーした。"

    def encode(texts):  # a stand-in embedder: the cut clause resembles nothing, the rest matches
        return np.array([[0.0, 1.0] if "score" in t else [1.0, 0.0] for t in texts])

    seg = Segment(0, src, tgt, (0,), (0,))
    on = Omission(clause_sim=0.3, short_log=-1.0, min_segments=99, ablation_gain=0)
    assert uncovered_clauses(encode, [(src, tgt)]) == [((83, 117), 0.0)]
    flags = on.run(Article(segments=(seg,), encode=encode))
    assert [(f.start, f.end, f.text, f.severity.label) for _, f in flags] == [
        (83, 117, "and was able to score many points.", "minor")]
    assert on.run(Article(segments=(seg,))) == []  # no embedder: no clause evidence
    off = Omission(min_segments=99, short_log=-1.0, ablation_gain=0)
    assert off.run(Article(segments=(seg,), encode=encode)) == []  # off


def _facts(texts):
    """A stand-in embedder: one dimension per fact, found in either language."""
    keys = [("paid off", "甲斐"), ("splendidly", "見事"), ("score", "得点")]
    rows = np.array([[1.0 if en in t or ja in t else 0.0 for en, ja in keys] + [0.3] for t in texts])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


ABLATION_EN = ("It certainly paid off, since he played splendidly in a different role from normal, "
               "and was able to score many points.")


@pytest.mark.parametrize("ja, expected", [
    # the last clause ("and was able to score many points") is cut: the source matches better without it
    ("その甲斐あって、いつもとは違う役割で見事にプレーした。", [(83, 117, "and was able to score many points.")]),
    # the whole translation (as short for the length model, nothing missing)
    ("その甲斐あって、いつもと違う役割で見事にプレーし、得点も重ねた。", []),
])
def test_a_clause_the_source_matches_better_without(ja, expected):
    seg = Segment(0, ABLATION_EN, ja, (0,), (0,))
    check = Omission(min_segments=99, short_log=-1.0)  # judged by the clauses, not by length alone
    flags = check.run(Article(segments=(seg,), encode=_facts))
    assert [(f.start, f.end, f.text) for _, f in flags] == expected
    assert check.run(Article(segments=(seg,))) == []  # no embedder


def test_clause_gains():
    pairs = [(ABLATION_EN, "その甲斐あって、いつもとは違う役割で見事にプレーした。"),  # the last clause cut
             (ABLATION_EN, "その甲斐あって、いつもと違う役割で見事にプレーし、得点も重ねた。"),  # whole
             ("Not now, he said.", "今は駄目だ、と彼は言った。")]  # one clause of three words or more
    got = [(g[0], round(g[1], 3)) if g else None for g in clause_gains(_facts, pairs)]
    assert got == [((83, 117), 0.178), ((0, 21), -0.178), None]


@pytest.mark.parametrize("text, span, rest", [
    (ABLATION_EN, (83, 117), "It certainly paid off, since he played splendidly in a different role from normal"),
    (ABLATION_EN, (23, 81), "It certainly paid off, and was able to score many points."),
    (ABLATION_EN, (0, 21), "since he played splendidly in a different role from normal, and was able to score many points."),
])
def test_without(text, span, rest):
    assert without(text, span) == rest


@pytest.mark.parametrize("text, side, expected", [
    ('He said so. "It was good," she added. The U.S. team won 2-0.', "src",
     ["He said so.", '"It was good," she added.', "The U.S. team won 2-0."]),
    ("政府は来週にも新たな対策を発表する見通しだ。「よかった。」と述べた。", "tgt",
     ["政府は来週にも新たな対策を発表する見通しだ。", "「よかった。」と述べた。"]),
])
def test_sentences(text, side, expected):
    assert [text[a:b] for a, b in sentences(text, side)] == expected


def test_a_sentence_folded_into_a_bead():
    # the aligner joined an added sentence (bench/inject.py) with a real translation in a 1-2 bead
    src = PAIRS[3][0]
    tgt = PAIRS[3][1] + "政府は来週にも新たな対策を発表する見通しだ。"

    def encode(texts):  # a stand-in embedder: the added sentence resembles nothing
        return np.array([[0.0, 1.0] if "政府" in t else [1.0, 0.0] for t in texts])

    bead = Segment(0, src, tgt, (0,), (0, 1))
    flags = Addition().run(Article(segments=(bead,), encode=encode))
    assert [(f.start, f.end, f.text, f.severity.label) for _, f in flags] == [
        (25, 47, "政府は来週にも新たな対策を発表する見通しだ。", "minor")]
    assert Addition().run(Article(segments=(bead,))) == []  # no embedder
    one = Segment(0, src, tgt, (0,), (0,))  # one target sentence by the aligner's count: not judged
    assert Addition().run(Article(segments=(one,), encode=encode)) == []
    # the same on the source side: a source sentence folded into a 2-1 bead
    bead = Segment(0, src + " The government will announce new measures next week.", PAIRS[3][1], (0, 1), (0,))
    flags = Omission().run(Article(segments=(bead,), encode=lambda ts: np.array(
        [[0.0, 1.0] if "government" in t else [1.0, 0.0] for t in ts])))
    assert [(f.text, f.severity.label) for _, f in flags] == [
        ("The government will announce new measures next week.", "minor")]


def test_a_very_short_translation_is_major_only_in_a_one_to_one_bead():
    src = PAIRS[2][0]
    tgt = "バージニアビーチ市は記念碑を撤去した。"
    one = Omission(min_segments=99).run(Article(segments=(Segment(0, src, tgt, (0,), (0,)),)))
    two = Omission(min_segments=99).run(Article(segments=(Segment(0, src, tgt, (0, 1), (0,)),)))
    assert [f.severity.label for _, f in one] == ["major"]
    assert [f.severity.label for _, f in two] == ["minor"]


STORAGE_EN, STORAGE_JA = PAIRS[3]
INSTALLED_EN, INSTALLED_JA = PAIRS[1]


def _concepts(texts):
    """A stand-in embedder: one dimension per fact (storage / 1905 / workers), found in either language."""
    keys = [("storage", "保管"), ("1905", "1905"), ("Workers", "作業員")]
    rows = np.array([[1.0 if en in t or ja in t else 0.0 for en, ja in keys] + [0.01] for t in texts])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize("beads, expected", [
    # the aligner left STORAGE_EN alone (1-0) although the next bead's translation covers it too
    ([(STORAGE_EN, ""), (INSTALLED_EN, STORAGE_JA + INSTALLED_JA)], [(0, "omission", "minor")]),
    # the same 1-0 bead when the next translation covers only its own source: a real omission
    ([(STORAGE_EN, ""), (INSTALLED_EN, INSTALLED_JA)], [(0, "omission", "major")]),
    # a 1-0 bead beside the 0-1 bead that translates it
    ([(STORAGE_EN, ""), ("", STORAGE_JA)], [(0, "omission", "minor"), (1, "addition", "minor")]),
    # a 0-1 bead whose source is folded into the previous bead's source
    ([(STORAGE_EN + " " + INSTALLED_EN, INSTALLED_JA), ("", STORAGE_JA)], [(1, "addition", "minor")]),
    # a 0-1 bead unrelated to both neighbours: a real addition
    ([(PAIRS[0][0], PAIRS[0][1]), ("", STORAGE_JA), (INSTALLED_EN, INSTALLED_JA)], [(1, "addition", "major")]),
    # a stray quotation mark cut off as a sentence adds nothing
    ([(INSTALLED_EN, INSTALLED_JA), ("", "“")], []),
])
def test_a_lone_sentence_a_neighbour_translates_is_minor(beads, expected):
    segs = tuple(Segment(k, s, t, (k,) if s else (), (k,) if t else ()) for k, (s, t) in enumerate(beads))
    art = Article(segments=segs, encode=_concepts, document_level=False)
    flags = [(i, f.check, f.severity.label) for check in (Omission(), Addition()) for i, f in check.run(art)
             if not segs[i].src or not segs[i].tgt]  # the 1-0 / 0-1 beads
    assert flags == expected


@pytest.mark.parametrize("src, tgt, severity", [
    # a sentence three quarters shorter than expected: major
    (PAIRS[2][0], "バージニアビーチ市は記念碑を撤去した。", "major"),
    # a Japanese headline (no closing 。) is telegraphic: minor (yahoo-ja.977696, align-dev ja-en)
    ("PSG achieved second national title, defeating Saint-Étienne with Neymar's winning goal.", "PSGが国内2冠を達成",
     "minor"),
])
def test_a_very_short_headline_is_minor(src, tgt, severity):
    flags = Omission(min_segments=99).run(Article(segments=(Segment(0, src, tgt, (0,), (0,)),)))
    assert [f.severity.label for _, f in flags] == [severity]


@pytest.mark.parametrize("ja, params, expected", [
    # 25 characters for a 117-character source: short enough for the length rule, but every fact
    # of the source is there (cutting any clause lowers the similarity): not reported
    ("その甲斐あって、見事なプレーで多くの得点を挙げた。", {}, []),
    ("その甲斐あって、見事なプレーで多くの得点を挙げた。", {"covered_gain": -1},  # veto off
     [(0, 117, "The translation is about 53% shorter than expected: a clause may be missing.")]),
    # as short, the last clause missing: reported on that clause
    ("その甲斐あって、いつもとは違う役割で見事にプレーした。", {},
     [(83, 117, "The translation is about 50% shorter than expected and matches the source better "
                "without this clause (similarity +0.18): it may be missing.")]),
])
def test_a_short_translation_that_renders_every_clause(ja, params, expected):
    seg = Segment(0, ABLATION_EN, ja, (0,), (0,))
    flags = Omission(min_segments=99, **params).run(Article(segments=(seg,), encode=_facts))
    assert [(f.start, f.end, f.message) for _, f in flags] == expected


@pytest.mark.parametrize("gate, ablated", [
    ({"gate_log": -0.1, "gate_sim": 1.0}, True),  # gate off: every pair of the band (the old behaviour)
    ({"gate_log": -1.0, "gate_sim": 0.9}, True),  # mildly short and less similar (0.82) than the gate: ablated
    ({"gate_log": -1.0, "gate_sim": 0.8}, False),  # mildly short but already similar enough: skipped
    ({"gate_log": -0.6, "gate_sim": 0.5}, True),  # shorter than gate_log (residual -0.68): ablated whatever the similarity
])
def test_the_gate_skips_the_ablation_of_mildly_short_pairs_that_already_match(gate, ablated):
    seg = Segment(0, ABLATION_EN, "その甲斐あって、いつもとは違う役割で見事にプレーした。", (0,), (0,))  # last clause cut
    seen: list[str] = []

    def encode(texts):
        seen.extend(texts)
        return _facts(texts)

    flags = Omission(min_segments=99, short_log=-1.0, **gate).run(Article(segments=(seg,), encode=encode))
    assert [(f.start, f.end) for _, f in flags] == ([(83, 117)] if ablated else [])
    cuts = {without(ABLATION_EN, c) for c in en_clauses(ABLATION_EN)}
    assert bool(cuts & set(seen)) == ablated  # the clause cuts reach the encoder only when ablated


NUMBER_EN = ("It certainly paid off in 2023, since he played splendidly in a different role from normal, "
             "and was able to score many points.")


@pytest.mark.parametrize("ja, message, ablated", [
    # mildly short and the year is gone: the lost-number rule reports it before the ablation's gains
    # would be read, so the clause cuts never reach the encoder
    ("その甲斐あって、いつもとは違う役割で見事にプレーした。",
     "The translation is about 52% shorter than expected and lacks 2023: a clause may be missing.", False),
    # the year is there: only the ablation can tell, and it does (the last clause)
    ("2023年、その甲斐あって、違う役割で見事にプレーした。",
     "The translation is about 51% shorter than expected and matches the source better without this clause "
     "(similarity +0.18): it may be missing.", True),
])
def test_no_ablation_for_a_pair_an_earlier_rule_already_reports(ja, message, ablated):
    seg = Segment(0, NUMBER_EN, ja, (0,), (0,))
    seen: list[str] = []

    def encode(texts):
        seen.extend(texts)
        return _facts(texts)

    flags = Omission(min_segments=99, short_log=-1.0, gate_sim=1.0).run(Article(segments=(seg,), encode=encode))
    assert [f.message for _, f in flags] == [message]
    cuts = {without(NUMBER_EN, c) for c in en_clauses(NUMBER_EN)}
    assert bool(cuts & set(seen)) == ablated


@pytest.mark.parametrize("share, cut_first", [(0.0, True), (0.15, True), (0.2, False)])
def test_clause_gains_skips_clauses_below_a_share_of_the_source(share, cut_first):
    # ABLATION_EN's clauses: 21, 59 and 34 of 117 characters (0.18, 0.50, 0.29 of the source)
    first = without(ABLATION_EN, en_clauses(ABLATION_EN)[0])
    seen: list[str] = []

    def encode(texts):
        seen.extend(texts)
        return _facts(texts)

    pair = (ABLATION_EN, "その甲斐あって、いつもとは違う役割で見事にプレーした。")  # the last clause missing
    got = clause_gains(encode, [pair], min_share=share)
    assert (first in seen) == cut_first
    assert got == clause_gains(_facts, [pair])  # the clause that matters is still the one found, same gain
    # every clause under the share: nothing to cut
    assert clause_gains(encode, [pair], min_share=0.6) == [None]


@pytest.mark.parametrize("share, expected", [
    (0.15, []),  # every clause cut, each lowers the similarity: the veto holds
    # the first clause (0.18 of the source) is not cut: taken to leave the similarity as it is, so
    # not every cut is known to lower it and the length rule's flag stands
    (0.2, [(0, 117, "The translation is about 53% shorter than expected: a clause may be missing.")]),
])
def test_an_uncut_clause_lifts_the_veto(share, expected):
    seg = Segment(0, ABLATION_EN, "その甲斐あって、見事なプレーで多くの得点を挙げた。", (0,), (0,))
    flags = Omission(min_segments=99, ablation_share=share).run(Article(segments=(seg,), encode=_facts))
    assert [(f.start, f.end, f.message) for _, f in flags] == expected
