"""The learned cut judge experiment (bench/split_judge.py, bench/fit_split_cuts.py): labels on gold
boundaries, the hand formula's replica, features, choice and threshold, on invented text."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from mtreview import refine
from mtreview.records import Bead
from tests.conftest import TableEncoder, sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import fit_split_cuts as fit
import split_judge as sj

# invented: a headline glued to its first sentence on the Japanese side only
EN_HEAD = "Storm floods coastal towns"
EN_BODY = "Heavy rain flooded three towns on the coast on Sunday, officials said."
EN_NEXT = "Schools will stay closed until Wednesday."
JA_HEAD = "嵐で沿岸の町が浸水"
JA_BODY = "日曜日、大雨で沿岸の３つの町が浸水したと当局が発表した。"
JA_NEXT = "学校は水曜日まで休校となる。"
GOLD = [(EN_HEAD, JA_HEAD), (EN_BODY, JA_BODY), (EN_NEXT, JA_NEXT)]
ENCODER = TableEncoder(GOLD)


SRC = sentences([EN_HEAD, EN_BODY, EN_NEXT], " ")
TGT = sentences([JA_HEAD + JA_BODY, JA_NEXT], "")
BEADS = [Bead((0, 1), (0,)), Bead((2,), (1,))]


def _job(ja_off: int) -> tuple:
    ja = JA_HEAD + JA_BODY
    return (0, (1, 0), (0, ja_off), False, (EN_HEAD, EN_BODY, ja[:ja_off], ja[ja_off:]))


def test_a_cut_is_labelled_right_only_on_the_same_gold_boundary_on_both_sides():
    jobs = [_job(len(JA_HEAD)), _job(len(JA_HEAD) + 4), _job(3)]
    assert fit.labels(SRC, TGT, BEADS, GOLD, jobs).tolist() == [1.0, 0.0, 0.0]


def test_a_cut_on_two_different_gold_boundaries_is_wrong():
    """The English cut after the headline, the Japanese one after the body: both are gold boundaries,
    but not the same one."""
    tgt = sentences([JA_HEAD + JA_BODY + JA_NEXT], "")
    ja = tgt[0].text
    jobs = [(0, (1, 0), (0, off), False, ("", "", ja[:off], ja[off:]))
            for off in (len(JA_HEAD), len(JA_HEAD + JA_BODY))]
    assert fit.labels(SRC, tgt, [Bead((0, 1, 2), (0,))], GOLD, jobs).tolist() == [1.0, 0.0]


def test_labels_refuse_a_text_that_differs_from_its_gold_pairs():
    gold = [(EN_HEAD, JA_HEAD), (EN_BODY, JA_BODY + "追加"), (EN_NEXT, JA_NEXT)]
    with pytest.raises(SystemExit, match="differs from its gold"):
        fit.labels(SRC, TGT, BEADS, gold, [_job(len(JA_HEAD))])


@pytest.mark.parametrize("margin, cut", [(0.1, True), (0.3, None), (0.5, None), (0.7, None), (0.9, None),
                                         (1.2, None), (5.0, False)])
def test_the_formula_replica_cuts_where_refine_split_glued_does(margin, cut):
    """The bench compares the model with ``refine.split_glued``: its replica must choose the same,
    at every margin (None: either way, as long as both agree)."""
    config = refine.RefineConfig(margin=margin)
    jobs, mu = sj.cut_jobs(SRC, TGT, BEADS, config)
    vec = refine.piece_vectors(ENCODER.encode, (t for *_, p in jobs for t in p))
    chosen = sj.formula(jobs, vec, mu, config)
    got = refine.apply_cuts(SRC, TGT, BEADS, sj.job_cuts(jobs, chosen, vec))
    assert got == refine.split_glued(SRC, TGT, BEADS, ENCODER.encode, config)
    if cut is not None:
        assert (len(got[2]) == 3) is cut
    if cut:
        assert [t.text for t in got[1]] == [JA_HEAD, JA_BODY, JA_NEXT]


def test_features_rank_the_candidates_of_a_bead():
    config = refine.RefineConfig()
    jobs, mu = sj.cut_jobs(SRC, TGT, BEADS, config)
    vec = refine.piece_vectors(ENCODER.encode, (t for *_, p in jobs for t in p))
    x = sj.features(jobs, vec, mu, BEADS, SRC, TGT)
    assert x.shape == (len(jobs), len(sj.FEATURES)) and np.isfinite(x).all()
    rank, behind, gain = (x[:, sj.FEATURES.index(n)] for n in ("rank", "behind", "gain"))
    best = int(np.argmax(gain))
    assert rank[best] == 0 and behind[best] == 0
    assert sorted(rank.tolist()) == list(range(len(jobs)))
    assert (behind >= 0).all()


def test_choose_takes_the_most_probable_cut_of_each_bead_above_the_threshold():
    jobs = [(0,), (0,), (1,), (2,)]
    probs = np.array([0.3, 0.8, 0.6, 0.1])
    assert sj.choose(jobs, probs, 0.5) == {0: 1, 1: 2}
    assert sj.choose(jobs, probs, 0.9) == {}


def _rows(y: list[float], beads: list[int]) -> fit.Rows:
    jobs = [(b,) for b in beads]
    return fit.Rows([], [], [], jobs, {}, np.zeros((len(jobs), 1)), np.asarray(y))


def test_the_threshold_keeps_the_cuts_that_pay():
    # bead 0: a right cut (p 0.9); bead 1: a wrong cut in a bead with no true boundary (p 0.2)
    held = [(_rows([1.0, 0.0], [0, 1]), np.array([0.9, 0.2]))]
    assert fit._threshold(held) == pytest.approx(0.55)
    # only wrong cuts: none pays, nothing is cut
    held = [(_rows([0.0, 0.0], [0, 1]), np.array([0.9, 0.2]))]
    assert fit._threshold(held) == 1.0
