"""Sentence alignment: dynamic programming over beads. Never loads a model.

``align(src, tgt, encode, config)`` takes the sentence texts of both sides and an
``encode`` function (texts -> L2-normalised embeddings) and returns beads in
document order. First slice: full DP over 1-1, 1-2, 2-1, 1-0, 0-1 with cosine cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .config import AlignConfig
from .records import Bead

Encode = Callable[[Sequence[str]], np.ndarray]

BEAD_SHAPES = ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1))


def _join(texts: Sequence[str], lang_sep: str = " ") -> str:
    return lang_sep.join(texts)


def align(src: Sequence[str], tgt: Sequence[str], encode: Encode, config: AlignConfig | None = None) -> list[Bead]:
    config = config or AlignConfig()
    n, m = len(src), len(tgt)
    if n == 0 and m == 0:
        return []
    se = encode(list(src)) if n else np.zeros((0, 1))
    te = encode(list(tgt)) if m else np.zeros((0, 1))
    sim = se @ te.T if n and m else np.zeros((n, m))
    inf = float("inf")
    cost = np.full((n + 1, m + 1), inf)
    back = np.zeros((n + 1, m + 1, 2), dtype=np.int32)
    cost[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, arg = inf, (0, 0)
            for di, dj in BEAD_SHAPES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or cost[pi, pj] == inf:
                    continue
                if di == 0 or dj == 0:
                    c = config.skip_cost
                elif di == 1 and dj == 1:
                    c = 1.0 - sim[pi, pj]
                else:
                    c = 1.0 - float(sim[pi : i, pj : j].mean()) + 0.1
                total = cost[pi, pj] + c
                if total < best:
                    best, arg = total, (di, dj)
            cost[i, j] = best
            back[i, j] = arg
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = back[i, j]
        src_ids = tuple(range(i - di, i))
        tgt_ids = tuple(range(j - dj, j))
        score = float(sim[src_ids[0], tgt_ids[0]]) if src_ids and tgt_ids else 0.0
        beads.append(Bead(src_ids, tgt_ids, score))
        i, j = i - di, j - dj
    beads.reverse()
    return beads
