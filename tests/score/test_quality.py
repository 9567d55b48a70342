from __future__ import annotations

import random

import numpy as np
import pytest
from tiny_marian import read_pairs

from mtreview import pipeline
from mtreview.config import Config
from mtreview.errors import ModelError
from mtreview.score import features as qf
from mtreview.score import quality

PAIRS = read_pairs()[:24]  # real dev sentences with their professional translations
SRC = [p[0] for p in PAIRS]
TGT = [p[1] for p in PAIRS]


@pytest.fixture(scope="module")
def models():
    return pipeline.load_models(Config())


def test_shipped_model_loads():
    qm = quality.load_quality_model()
    assert qm.features == qf.FEATURES
    assert qm.embedder == "usem3"
    assert qm.version.startswith("gbdt-")
    assert qm.knots.shape == (101,)
    assert np.all(np.diff(qm.knots) > 0)
    assert "qe-dev" in qm.meta["trained_on"]


def test_missing_model_file_is_a_model_error():
    with pytest.raises(ModelError, match="quality model not found"):
        quality.load_quality_model("/nonexistent/quality.npz")


def test_range_and_keys(models):
    scored = quality.score_pairs(SRC, TGT, models, Config())
    assert len(scored.quality) == len(SRC)
    assert all(0.0 <= q <= 100.0 for q in scored.quality)
    assert all(set(s) == {"cosine"} for s in scored.scores)
    assert scored.meta["quality_model"]["version"].startswith("gbdt-")
    assert scored.meta["signatures"] == {}


def test_good_translation_beats_garbled_and_mismatched(models):
    rnd = random.Random(0)
    garbled = ["".join(rnd.sample(t, len(t))) for t in TGT]
    mismatched = TGT[1:] + TGT[:1]
    good = quality.score_pairs(SRC, TGT, models, Config()).quality
    bad = quality.score_pairs(SRC, garbled, models, Config()).quality
    other = quality.score_pairs(SRC, mismatched, models, Config()).quality
    assert sum(g > b for g, b in zip(good, bad, strict=True)) >= 22
    assert sum(g > o for g, o in zip(good, other, strict=True)) >= 22
    assert np.mean(good) > np.mean(bad) + 20


@pytest.mark.parametrize(("src", "tgt", "expected"), [
    (SRC[0], "", 0.0),  # omission
    ("", TGT[0], 0.0),  # addition
    ("", "", None),
])
def test_empty_sides(models, src, tgt, expected):
    scored = quality.score_pairs([src], [tgt], models, Config())
    assert scored.quality == (expected,)
    assert scored.scores == ({},)


def test_a_copy_of_the_source_scores_zero_however_close_its_embedding(models):
    """A target that is the source copied (the untranslated check flags it whole) is no
    translation: quality 0, as an empty target. Its cosine is 1.0, so the model alone rated it
    ~98. A kept name, or a target the check does not flag, keeps the model's score."""
    src = [SRC[0], SRC[1], "AP"]
    tgt = [SRC[0], TGT[1], "AP"]
    flags = pipeline.check_rows(src, tgt, Config())
    assert [any(f.check == "untranslated" for f in fl) for fl in flags] == [True, False, False]
    scored = quality.score_pairs(src, tgt, models, Config(), flags=flags)
    assert scored.quality[0] == 0.0
    assert scored.scores[0]["cosine"] == pytest.approx(1.0, abs=1e-4)
    assert scored.quality[1:] == quality.score_pairs(src[1:], tgt[1:], models, Config()).quality
    assert quality.score_pairs(src[:1], tgt[:1], models, Config()).quality[0] > 50  # without the flags


@pytest.mark.parametrize(("tgt", "spans", "expected"), [
    ("The talks ended.", [(0, 15)], True),  # all but the stop
    ("協議は終わった。The talks ended.", [(8, 23)], False),  # 13 of 22 non-space characters: below 0.8
    ("Reuters によると協議は終わった。", [(0, 7)], False),
    ("The talks ended.", [], False),
])
def test_not_translated_share(tgt, spans, expected):
    from mtreview.records import Flag, Severity

    flags = [Flag("untranslated", "accuracy/untranslated", Severity.MAJOR, "tgt", a, b, "copied", tgt[a:b])
             for a, b in spans]
    assert quality.not_translated(tgt, flags) is expected


def test_batch_equals_single(models):
    batch = quality.score_pairs(SRC[:8], TGT[:8], models, Config())
    for k in range(8):
        one = quality.score_pairs([SRC[k]], [TGT[k]], models, Config())
        assert one.quality[0] == pytest.approx(batch.quality[k], abs=1e-6)
        assert one.scores[0]["cosine"] == pytest.approx(batch.scores[k]["cosine"], abs=1e-6)


def test_reference_metrics_and_signatures(models):
    refs = [TGT[0], None]
    scored = quality.score_pairs(SRC[:2], TGT[:2], models, Config(), refs=refs)
    assert scored.scores[0]["chrf_ref"] == 100.0
    assert scored.scores[0]["ter_ref"] == 0.0
    assert "chrf_ref" not in scored.scores[1]
    assert "tok:ja-mecab" in scored.meta["signatures"]["bleu_ref"]


@pytest.mark.parametrize(("src", "tgt", "feature", "expected"), [
    ("It was installed in 1905.", "この記念碑は1905年に建立された。", "num_missing", 0.0),
    ("It was installed in 1905.", "この記念碑は1950年に建立された。", "num_missing", 1.0),
    ("It cost 1,200 dollars.", "費用は１２００ドルだった。", "num_missing", 0.0),
    ("The NATO summit.", "NATO首脳会議。", "name_missing", 0.0),
    ("The NATO summit.", "首脳会議。", "name_missing", 1.0),
    ("Is it true?", "本当ですか？", "punct_q_mismatch", 0.0),
    ("Is it true?", "本当です。", "punct_q_mismatch", 1.0),
    ("The monument was removed.", "The monument was removed.", "copied_words", 1.0),
    ("It may happen early, he said.", "それは早い時期に実現する可能性があると述べたと述べた。",
     "tgt_rep", 0.08),
    ("It may happen early, he said.", "それは早い時期に実現する可能性があると述べた。", "tgt_rep", 0.0),
])
def test_text_features(src, tgt, feature, expected):
    assert qf.text_features(src, tgt)[feature] == pytest.approx(expected, abs=0.01)


# Real MLQE-PE critical-error rows (ERR): the translation drops an insult or a negation.
@pytest.mark.parametrize(("src", "tgt", "expected"), [
    ("bastards, i said nothing about changing it! that was not a complaint!",
     "バッカーズ変えるなんて何も言ってない ! それは苦情じゃない !",
     {"neg_src": 2.0, "neg_tgt": 2.0, "neg_diff": 0.0, "prof_src": 1.0, "prof_tgt": 0.0, "prof_diff": -1.0}),
    ("No one is vandalizing assholes, so get it straight!!!",
     "誰もアショルズを破壊していないので、まっすぐにそれを得る ! ! !",
     {"neg_src": 1.0, "neg_tgt": 1.0, "neg_diff": 0.0, "prof_src": 1.0, "prof_tgt": 0.0, "prof_diff": -1.0}),
    ("OK ill respect your decision, i dont like or understand it but i wont complain anymore.",
     "OK あなたの決定を尊重しない、私はそれを好きまたは理解していないが、私はもう苦情することはありません。",
     {"neg_src": 2.0, "neg_tgt": 3.0, "neg_diff": 1.0, "prof_src": 0.0, "prof_tgt": 0.0, "prof_diff": 0.0}),
    ("Is it true?", "本当ですか？",
     {"neg_src": 0.0, "neg_tgt": 0.0, "neg_diff": 0.0, "prof_src": 0.0, "prof_tgt": 0.0, "prof_diff": 0.0}),
])
def test_cue_features(src, tgt, expected):
    assert qf.cue_features(src, tgt) == expected


def test_tree_evaluation_in_numpy():
    # One stump on feature 0 (x <= 0.5 -> 0.2 else 0.8; NaN goes right) plus baseline 0.1.
    m = quality.QualityModel(
        version="t", embedder="usem3", features=("a", "b"), baseline=0.1,
        feature=np.array([[0, 0, 0]]), threshold=np.array([[0.5, 0.0, 0.0]]),
        missing_left=np.array([[False, False, False]]), left=np.array([[1, 1, 2]]),
        right=np.array([[2, 1, 2]]), value=np.array([[0.0, 0.2, 0.8]]), depth=1, meta={},
        knots=np.array([0.0, 1.0]),
    )
    X = np.array([[0.3, 9.0], [0.7, 9.0], [np.nan, 9.0]])
    assert m.raw(X).tolist() == pytest.approx([0.3, 0.9, 0.9])
    assert m.predict(X).tolist() == pytest.approx([30.0, 90.0, 90.0])
    with pytest.raises(ValueError, match="feature matrix"):
        m.raw(np.zeros((2, 3)))


def test_shipped_model_walks_its_trees_as_one_tree_at_a_time_would():
    m = quality.load_quality_model()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, len(m.features))) * 3
    X[rng.random(X.shape) < 0.1] = np.nan  # missing features take the trained side
    total = np.full(len(X), m.baseline)
    for t in range(m.feature.shape[0]):  # the plain walk: one row, one tree, one level at a time
        leaves = []
        for row in X:
            k = 0
            for _ in range(m.depth):
                x = row[m.feature[t, k]]
                left = m.missing_left[t, k] if np.isnan(x) else x <= m.threshold[t, k]
                k = m.left[t, k] if left else m.right[t, k]
            leaves.append(m.value[t, k])
        total += np.array(leaves)
    assert m.raw(X).tolist() == total.tolist()  # bit for bit: same leaves, summed in the same order


def test_review_fills_scores_and_quality(seed_paths, models):
    from mtreview.io.load import load_document

    config = Config()
    src = load_document(seed_paths[0], "en", config.load)
    tgt = load_document(seed_paths[1], "ja", config.load)
    review = pipeline.review(src, tgt, config, models)
    for seg in review.segments:
        if seg.src and seg.tgt:
            assert 0.0 <= seg.quality <= 100.0
            assert "cosine" in seg.scores
        else:
            assert seg.quality == 0.0
    assert review.meta["quality_model"]["version"] == quality.load_quality_model().version
    assert review.meta["signatures"] == {}



def _flags_of(srcs, tgts, config):
    return pipeline.check_rows(list(srcs), list(tgts), config)


def test_severity_override_does_not_shift_the_quality_score(models):
    srcs, tgts = SRC[:6], [t.replace("。", "。。") for t in TGT[:6]]  # punctuation flags on every row
    plain = _flags_of(srcs, tgts, Config())
    louder = Config().replace(checks__severity={"punctuation": "major", "repetition": "major"})
    loud = _flags_of(srcs, tgts, louder)
    assert [f.severity.label for fs in loud for f in fs] != [f.severity.label for fs in plain for f in fs]
    base = quality.score_pairs(srcs, tgts, models, Config(), flags=plain).quality
    assert quality.score_pairs(srcs, tgts, models, louder, flags=loud).quality == base


def test_a_check_the_model_was_not_trained_on_does_not_shift_the_quality_score(models):
    from mtreview.records import Flag, Severity

    new = Flag("new_check", "fluency/style", Severity.MAJOR, "tgt", 0, 1, "a check added after training")
    flags = _flags_of(SRC[:6], TGT[:6], Config())
    base = quality.score_pairs(SRC[:6], TGT[:6], models, Config(), flags=flags).quality
    more = [(*fs, new, new) for fs in flags]
    assert quality.score_pairs(SRC[:6], TGT[:6], models, Config(), flags=more).quality == base
    assert quality.load_quality_model().flag_checks == quality.TRAINED_CHECKS


@pytest.mark.parametrize(("model", "loads"), [("usem3", []), (None, ["usem3"])])
def test_an_embedder_of_the_quality_models_vectors_is_used_as_it_is(monkeypatch, model, loads):
    # usem3-int8 / usem3-bf16 are the usem3 model (model = "usem3"): no second usem3 to load and run
    from mtreview.models import bundle, embed

    class Fast(embed.HashingEmbedder):
        name = "usem3-fast"

    if model:
        monkeypatch.setattr(Fast, "model", model, raising=False)
    loaded: list[str] = []
    monkeypatch.setattr(embed, "get_embedder", lambda name: loaded.append(name) or embed.HashingEmbedder())
    scored = quality.score_pairs(SRC[:3], TGT[:3], bundle.Models(embedder=embed.CachedEmbedder(Fast())), Config())
    assert loaded == loads and len(scored.quality) == 3
