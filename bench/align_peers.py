"""Peer aligners for ``eval_align.py``: Gale-Church and a Vecalign-style DP.

Both take the same sentences as mtreview's aligner (its segmenter's output, before
``refine``) and return beads as ``(src_ids, tgt_ids)`` tuples in document order. When both
sides have as many paragraphs, they align inside each pair of paragraphs, as mtreview does;
otherwise the whole document at once.

- ``gale_church``: lengths only (Gale & Church 1993). The cost of a bead is
  ``-log P(shape) - log P(|delta|)`` with ``delta = (l_ja - c * l_en) / sqrt(s2 * l_en)``,
  ``c`` the document's JA/EN character ratio and ``s2 = 6.8 * c`` (the paper's variance,
  scaled to the ratio); shape priors 1-1 .89, 1-0/0-1 .0099, 2-1/1-2 .089, 2-2 .011.
- ``vecalign``: Thompson & Koehn (2019) with the same encoder as mtreview: windows of up to
  ``max_size`` sentences in total (1-1 ... 3-1) embed their joined text; the cost is
  ``(1 - cos(x, y)) * n_x * n_y`` divided by the mean ``1 - cos`` of each side against the
  other side's sentences (so a generic sentence is not cheap everywhere), and a skip costs the
  ``skip_quantile`` quantile of all 1-1 costs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]
Cost = Callable[[int, int, int, int], float]  # (i, a, j, b) -> cost of src[i:i+a] with tgt[j:j+b]

_GC_PRIOR = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2,
             (1, 2): 0.089 / 2, (2, 2): 0.011}


def _groups(blocks: Sequence[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i, b in enumerate(blocks):
        if out and blocks[i - 1] == b:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _regions(src_blocks: Sequence[int], tgt_blocks: Sequence[int]) -> list[tuple[int, int, int, int]]:
    sg, tg = _groups(src_blocks), _groups(tgt_blocks)
    if len(sg) == len(tg):
        return [(a, b, c, d) for (a, b), (c, d) in zip(sg, tg, strict=True)]
    return [(0, len(src_blocks), 0, len(tgt_blocks))]


def _dp(i0: int, i1: int, j0: int, j1: int, shapes: Sequence[tuple[int, int]], cost: Cost) -> Beads:
    rows, cols = i1 - i0 + 1, j1 - j0 + 1
    acc = np.full((rows, cols), np.inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    acc[0, 0] = 0.0
    for r in range(rows):
        for c in range(cols):
            for a, b in shapes:
                if r - a < 0 or c - b < 0 or not np.isfinite(acc[r - a, c - b]):
                    continue
                v = acc[r - a, c - b] + cost(i0 + r - a, a, j0 + c - b, b)
                if v < acc[r, c]:
                    acc[r, c], back[(r, c)] = v, (a, b)
    out: Beads = []
    r, c = rows - 1, cols - 1
    while r or c:
        a, b = back[(r, c)]
        r, c = r - a, c - b
        out.append((tuple(range(i0 + r, i0 + r + a)), tuple(range(j0 + c, j0 + c + b))))
    return out[::-1]


def gale_church(src: Sequence[str], tgt: Sequence[str], src_blocks: Sequence[int],
                tgt_blocks: Sequence[int]) -> Beads:
    """Length-based alignment (Gale & Church 1993), character lengths, ratio from the document."""
    ls = [len(s) for s in src]
    lt = [len(t) for t in tgt]
    ratio = (sum(lt) + 1.0) / (sum(ls) + 1.0)
    s2 = 6.8 * ratio

    def cost(i: int, a: int, j: int, b: int) -> float:
        l1, l2 = sum(ls[i : i + a]), sum(lt[j : j + b])
        mean = (l1 + l2 / ratio) / 2
        delta = (l2 - ratio * mean) / math.sqrt(max(s2 * mean, 1e-9)) if mean else 0.0
        tail = max(math.erfc(abs(delta) / math.sqrt(2)), 1e-300)  # two-sided P(|Z| >= |delta|)
        return -math.log(_GC_PRIOR[(a, b)]) - math.log(tail)

    beads: Beads = []
    for i0, i1, j0, j1 in _regions(src_blocks, tgt_blocks):
        beads += _dp(i0, i1, j0, j1, list(_GC_PRIOR), cost)
    return beads


def vecalign(src: Sequence[str], tgt: Sequence[str], src_blocks: Sequence[int], tgt_blocks: Sequence[int],
             encode: Callable[[Sequence[str]], np.ndarray], max_size: int = 4,
             skip_quantile: float = 0.2) -> Beads:
    """Vecalign-style DP: window embeddings, normalised cosine cost, quantile skip cost."""
    shapes = [(a, b) for a in range(1, max_size) for b in range(1, max_size) if a + b <= max_size]
    ks = range(1, max_size)
    src_win = {(i, k): " ".join(src[i : i + k]) for k in ks for i in range(len(src) - k + 1)}
    tgt_win = {(j, k): "".join(tgt[j : j + k]) for k in ks for j in range(len(tgt) - k + 1)}
    s_keys, t_keys = list(src_win), list(tgt_win)
    s_emb = dict(zip(s_keys, np.asarray(encode([src_win[k] for k in s_keys]), dtype=np.float64), strict=True))
    t_emb = dict(zip(t_keys, np.asarray(encode([tgt_win[k] for k in t_keys]), dtype=np.float64), strict=True))
    s_one = np.stack([s_emb[(i, 1)] for i in range(len(src))])
    t_one = np.stack([t_emb[(j, 1)] for j in range(len(tgt))])
    # normaliser: the mean 1 - cos of a window against every sentence of the other side
    s_norm = {k: float(np.mean(1 - t_one @ v)) for k, v in s_emb.items()}
    t_norm = {k: float(np.mean(1 - s_one @ v)) for k, v in t_emb.items()}

    def pair(i: int, a: int, j: int, b: int) -> float:
        x, y = s_emb[(i, a)], t_emb[(j, b)]
        norm = (s_norm[(i, a)] + t_norm[(j, b)]) / 2 or 1.0
        return float((1 - x @ y) * a * b / norm)

    ones = [pair(i, 1, j, 1) for i in range(len(src)) for j in range(len(tgt))]
    skip = float(np.quantile(ones, skip_quantile)) if ones else 1.0

    def cost(i: int, a: int, j: int, b: int) -> float:
        return skip if a == 0 or b == 0 else pair(i, a, j, b)

    beads: Beads = []
    for i0, i1, j0, j1 in _regions(src_blocks, tgt_blocks):
        beads += _dp(i0, i1, j0, j1, [*shapes, (1, 0), (0, 1)], cost)
    return beads
