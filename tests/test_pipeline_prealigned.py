"""Pre-aligned inputs (one segment file) skip the aligner: one bead per unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io.load import load_document
from mtreview.io.segment_files import load_pairs
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


@pytest.mark.parametrize("name", ["pairs.tsv", "pairs.jsonl", "pairs.xlf", "pairs.tmx"])
def test_review_keeps_the_units_ids(name):
    """A reviewer finds the segment file's units in the review record by their ids."""
    from mtreview.records import review_from_dict

    review = pipeline.review(*load_pairs(DATA / name), Config(), pipeline.Models(embedder=get_embedder("hashing")))
    ids = [seg["unit_id"] for seg in review.to_dict()["segments"]]
    assert ids[:3] == ["s1", "s2", "s3"]
    assert review_from_dict(review.to_dict()).to_dict() == review.to_dict()  # read back with them


def test_unit_ids_follow_units_and_skip_empty_ones(tmp_path):
    pairs = tmp_path / "p.tsv"
    pairs.write_text("id\tsrc\ttgt\nA-7\tHello world.\tこんにちは世界。\nB-1\t\t\n"
                     "C-2\tIt rains today.\t\nD-3\tThe bus is late.\tバスが遅れている。\n", encoding="utf-8")
    review = pipeline.review(*load_pairs(pairs), Config(), pipeline.Models(embedder=get_embedder("hashing")))
    assert [(s.kind, s.unit_id) for s in review.segments] == [("1-1", "A-7"), ("1-0", "C-2"), ("1-1", "D-3")]
    noid = tmp_path / "n.tsv"  # no id column: the unit's line in the file
    noid.write_text("src\ttgt\nHello world.\tこんにちは世界。\nThe bus is late.\tバスが遅れている。\n",
                    encoding="utf-8")
    review = pipeline.review(*load_pairs(noid), Config(), pipeline.Models(embedder=get_embedder("hashing")))
    assert [s.unit_id for s in review.segments] == ["2", "3"]


def test_an_article_review_has_no_unit_ids():
    src = load_document(SAMPLES / "seed.en.txt", "en")
    tgt = load_document(SAMPLES / "seed.ja.txt", "ja")
    review = pipeline.review(src, tgt, Config(), pipeline.Models(embedder=get_embedder("hashing")))
    assert all("unit_id" not in seg for seg in review.to_dict()["segments"])
