"""Pre-aligned inputs (one segment file) skip the aligner: one bead per unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io.load import load_document, load_pairs
from mtreview.models.embed import get_embedder
from mtreview.records import Sentence

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _sents(blocks: list[int]) -> list[Sentence]:
    return [Sentence(i, 0, 1, "x", b) for i, b in enumerate(blocks)]


def _same(texts):
    return np.tile(np.array([[0.6, 0.8]], dtype=np.float32), (len(texts), 1))


@pytest.mark.parametrize(
    "src_blocks, tgt_blocks, units, expected",
    [
        ([0, 1, 2], [0, 1, 2], 3, [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]),
        ([0, 0, 1], [0, 1, 1], 2, [((0, 1), (0,)), ((2,), (1, 2))]),  # 2-1 and 1-2 units
        ([0, 1], [0], 2, [((0,), (0,)), ((1,), ())]),  # the second unit has no translation
        ([1], [0, 1], 3, [((), (0,)), ((0,), (1,))]),  # unit 2 is empty on both sides: no bead
    ],
)
def test_unit_beads(src_blocks, tgt_blocks, units, expected):
    beads = pipeline.unit_beads(_sents(src_blocks), _sents(tgt_blocks), units, _same)
    assert [(b.src_ids, b.tgt_ids) for b in beads] == expected
    assert [b.score for b in beads] == [pytest.approx(1.0) if s and t else 0.0 for s, t in expected]


def test_pair_file_skips_the_aligner():
    src, tgt = load_pairs(DATA / "pairs.csv")
    assert pipeline.is_prealigned(src, tgt)
    models = pipeline.Models(embedder=get_embedder("hashing"))
    ssents, _tsents, beads = pipeline.align_documents(src, tgt, Config(), models)
    assert [b.kind for b in beads] == ["1-1", "1-0"]
    assert ssents[beads[1].src_ids[0]].text.startswith("ISLAMABAD -- A U.N. report says")


def test_articles_are_not_prealigned():
    src = load_document(SAMPLES / "seed.en.txt", "en")
    tgt = load_document(SAMPLES / "seed.ja.txt", "ja")
    assert not pipeline.is_prealigned(src, tgt)
