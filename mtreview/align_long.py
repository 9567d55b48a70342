"""Alignment of long documents in time and memory about linear in their length.

``align.align`` costs every bead shape on dense sentence x sentence matrices: right for articles,
quadratic for books (20,000 sentences a side would need tens of GB). Above ``align.LONG_CELLS``
sentence pairs it calls ``align(src, tgt, encode, config, src_blocks, tgt_blocks)`` here, which
returns beads the same way, in two passes (as Vecalign and Bertalign do for long documents):

1. coarse: each side is cut into at most ``COARSE_BLOCKS`` runs of consecutive sentences; a run is
   the normalised sum of its sentence embeddings, and a small DP (1-1, 1-2, 2-1, skips on
   ``1 - cosine``) aligns the runs; its path is a coarse diagonal;
2. fine: the bead costs of ``align.score`` (same formula, same window embeddings: summed sentence
   embeddings, as ``align`` does above ``window_encode_limit``) are computed only in a band of
   ``config.band`` sentences around that diagonal, stored row by row, and the bead DP runs inside
   it. When the best path touches the band's edge, the band doubles (up to ``MAX_WIDENINGS`` times).

Each sentence is embedded once. Paragraph blocks, when given, add ``block_cross_cost`` to a bead
joining two paragraphs (the whole document is aligned at once). The knn margin, when switched on,
is computed in row chunks: memory stays linear, its time does not.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np

from .anchors import anchor_sets
from .config import AlignConfig
from .records import Bead

log = logging.getLogger(__name__)

COARSE_BLOCKS = 1000  # runs of sentences per side in the coarse pass (its DP has at most 1e6 cells)
CHUNK = 256  # rows of the band whose costs are computed at once
MAX_WIDENINGS = 3
EDGE = 3  # a path this close to a band edge (not the document's) widens the band

Shape = tuple[int, int]


def _summed(one: np.ndarray, k: int) -> np.ndarray:
    n = len(one)
    if n < k:
        return np.zeros((0, one.shape[1]), np.float32)
    v = sum(one[d : n - k + 1 + d] for d in range(k))
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return (v / np.where(norms == 0, 1, norms)).astype(np.float32)


def _window_lengths(texts: Sequence[str], k: int, sep: str) -> np.ndarray:
    lens = np.array([len(t) for t in texts], dtype=np.float64)
    n = len(lens)
    if n < k:
        return np.zeros(0)
    return sum(lens[d : n - k + 1 + d] for d in range(k)) + len(sep) * (k - 1)


def _incidence(sets: list[set[str]], k: int, vocab: dict[str, int]):
    """Sparse (windows x vocabulary) 0/1 matrix of the anchors of each window of ``k`` sentences."""
    from scipy.sparse import csr_matrix

    n = len(sets)
    rows, cols = [], []
    for i in range(max(0, n - k + 1)):
        for w in set().union(*sets[i : i + k]):
            rows.append(i)
            cols.append(vocab[w])
    data = np.ones(len(rows), dtype=np.float32)
    return csr_matrix((data, (rows, cols)), shape=(max(0, n - k + 1), max(1, len(vocab))))


def dilution(one: np.ndarray, cos: np.ndarray, a: int, b: int) -> np.ndarray:
    """How far each a-b bead's cosine (``cos``, one row per start sentence) falls below the best
    cosine of a sentence pair inside it (``one``: the 1-1 cosines of the same rows, ``a - 1`` and
    ``b - 1`` longer). Merging a fragment keeps the cosine; merging an omitted or added sentence
    lowers it. Shared by ``align.score`` and :class:`BandCosts`."""
    h, w = cos.shape
    best = np.max([one[d : d + h, e : e + w] for d in range(a) for e in range(b)], axis=0)
    return np.maximum(0.0, best - cos)


def _knn(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Mean cosine of each row of ``a`` to its ``k`` best rows of ``b``, in row chunks."""
    out = np.zeros(len(a), dtype=np.float32)
    k = min(k, len(b))
    for r0 in range(0, len(a), CHUNK):
        sim = a[r0 : r0 + CHUNK] @ b.T
        out[r0 : r0 + CHUNK] = -np.partition(-sim, k - 1, axis=1)[:, :k].mean(axis=1)
    return out


class BandCosts:
    """Bead costs of every shape for the start nodes (i, j) with lo[i] <= j <= hi[i]."""

    def __init__(self, src: Sequence[str], tgt: Sequence[str], one_src: np.ndarray, one_tgt: np.ndarray,
                 config: AlignConfig, src_blocks: Sequence[int] | None, tgt_blocks: Sequence[int] | None,
                 shapes: Sequence[Shape], separator: dict[str, str]):
        self.n, self.m, self.config = len(src), len(tgt), config
        self.shapes = [s for s in shapes if s[0] and s[1] and s[0] <= self.n and s[1] <= self.m]
        ks = sorted({a for a, _ in self.shapes} | {b for _, b in self.shapes})
        self.src_emb = {k: _summed(one_src, k) for k in ks}
        self.tgt_emb = {k: _summed(one_tgt, k) for k in ks}
        self.src_len = {k: _window_lengths(src, k, separator["src"]) for k in ks}
        self.tgt_len = {k: _window_lengths(tgt, k, separator["tgt"]) for k in ks}
        self.mu = math.log((sum(map(len, tgt)) + 10.0) / (sum(map(len, src)) + 10.0))
        src_anchor, tgt_anchor = anchor_sets(src, tgt)
        vocab = {w: i for i, w in enumerate(sorted(set().union(*src_anchor, *tgt_anchor)))}
        self.src_inc = {k: _incidence(src_anchor, k, vocab) for k in ks}
        self.tgt_inc = {k: _incidence(tgt_anchor, k, vocab) for k in ks}
        self.src_size = {k: np.asarray(v.sum(1)).ravel() for k, v in self.src_inc.items()}
        self.tgt_size = {k: np.asarray(v.sum(1)).ravel() for k, v in self.tgt_inc.items()}
        self.src_knn = self.tgt_knn = None
        if config.margin_weight:
            src_one, tgt_one = _knn(one_src, one_tgt, config.knn), _knn(one_tgt, one_src, config.knn)
            self.src_knn = {k: sum(src_one[d : self.n - k + 1 + d] for d in range(k)) / k for k in ks}
            self.tgt_knn = {k: sum(tgt_one[d : self.m - k + 1 + d] for d in range(k)) / k for k in ks}
        self.src_blocks = None if src_blocks is None else np.asarray(src_blocks)
        self.tgt_blocks = None if tgt_blocks is None else np.asarray(tgt_blocks)

    def block(self, a: int, b: int, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """Dense float32 costs of shape (a, b) for start rows i0..i1-1 and columns j0..j1-1 (inf off the end)."""
        c = self.config
        out = np.full((i1 - i0, j1 - j0), np.inf, dtype=np.float32)
        ie, je = min(i1, self.n - a + 1), min(j1, self.m - b + 1)
        if ie <= i0 or je <= j0:
            return out
        sim = cos = self.src_emb[a][i0:ie] @ self.tgt_emb[b][j0:je].T
        if self.src_knn is not None:
            sim = sim - c.margin_weight * 0.5 * (self.src_knn[a][i0:ie, None] + self.tgt_knn[b][None, j0:je])
        slen, tlen = self.src_len[a][i0:ie, None], self.tgt_len[b][None, j0:je]
        sigma = c.length_sigma * np.sqrt(1.0 + 100.0 / (slen + 1.0))
        z = (np.log((tlen + 10.0) / (slen + 10.0)) - self.mu) / sigma
        inter = (self.src_inc[a][i0:ie] @ self.tgt_inc[b][j0:je].T).toarray()
        size = self.src_size[a][i0:ie, None] + self.tgt_size[b][None, j0:je]
        dice = np.where(size > 0, 2 * inter / np.maximum(size, 1), 0.0)
        total = ((1.0 - sim) * (1.0 + c.size_scale * ((a + b) / 2 - 1.0))
                 + c.length_weight * np.minimum(z * z / 2, c.length_cap)
                 - c.anchor_weight * dice + c.merge_cost * (a + b - 2))
        if c.dilution_weight and a + b > 2:
            one = self.src_emb[1][i0 : ie + a - 1] @ self.tgt_emb[1][j0 : je + b - 1].T
            total = total + c.dilution_weight * dilution(one, cos, a, b)
        total = total.astype(np.float32)
        if self.src_blocks is not None and self.tgt_blocks is not None:
            sb, tb = self.src_blocks, self.tgt_blocks
            src_cross = sb[i0 + a - 1 : ie + a - 1] != sb[i0:ie]
            tgt_cross = tb[j0 + b - 1 : je + b - 1] != tb[j0:je]
            total += np.float32(c.block_cross_cost) * (src_cross[:, None] | tgt_cross[None, :])
        out[: ie - i0, : je - j0] = total
        return out

    def cos(self, a: int, b: int, i: int, j: int) -> float:
        return float(np.float32(self.src_emb[a][i] @ self.tgt_emb[b][j]))


def band_dp(costs: dict[Shape, np.ndarray], lo: np.ndarray, hi: np.ndarray, skip: float,
            shapes: Sequence[Shape]) -> list[Shape]:
    """Best path from (0, 0) to (len(lo) - 1, hi[-1]) through nodes lo[r] <= c <= hi[r].

    ``costs[s][i, t]`` is the cost of a bead of shape ``s`` starting at node (i, lo[i] + t);
    ``lo`` and ``hi`` never decrease. Ties go to the earlier shape, then to skips, as in ``align.dp``.
    """
    rows = len(lo)
    width = int((hi - lo).max()) + 1
    acc = np.full((rows, width), np.inf)
    back = np.full((rows, width), -1, dtype=np.int8)
    all_shapes = [*shapes, (1, 0), (0, 1)]
    for r in range(rows):
        js = np.arange(lo[r], hi[r] + 1)
        best = np.full(js.shape, np.inf)
        arg = np.full(js.shape, -1, dtype=np.int8)
        if r == 0 and lo[0] == 0:
            best[0] = 0.0
        for s, (a, b) in enumerate(all_shapes):
            p = r - a
            if a == 0 or p < 0:
                continue
            t = js - b - lo[p]
            ok = (t >= 0) & (js - b <= hi[p])
            if not ok.any():
                continue
            cand = np.full(js.shape, np.inf)
            prev = acc[p, t[ok]]
            cand[ok] = prev + (skip if b == 0 else costs[(a, b)][p, t[ok]])
            better = cand < best
            best[better] = cand[better]
            arg[better] = s
        idx = np.arange(len(js)) * skip
        shifted = best - idx
        run = np.minimum.accumulate(shifted)
        row_skip = run < shifted
        arg[row_skip] = len(all_shapes) - 1
        acc[r, : len(js)] = np.where(row_skip, run + idx, best)
        back[r, : len(js)] = arg
    r, c = rows - 1, int(hi[-1])
    if not np.isfinite(acc[r, c - lo[r]]):
        raise ValueError("the band does not reach the end of the documents")
    path = []
    while r > 0 or c > 0:
        a, b = all_shapes[back[r, c - lo[r]]]
        path.append((a, b))
        r, c = r - a, c - b
    path.reverse()
    return path


def _runs(n: int, k: int) -> np.ndarray:
    """Start of each of ``k`` runs of consecutive sentences out of ``n`` (as even as possible), then ``n``."""
    return np.linspace(0, n, k + 1).round().astype(int)


def coarse_band(one_src: np.ndarray, one_tgt: np.ndarray, skip: float, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Node windows (lo, hi) of every fine row: the coarse path's runs plus ``width`` sentences."""
    n, m = len(one_src), len(one_tgt)
    k = max(1, min(COARSE_BLOCKS, n, m))
    sb, tb = _runs(n, k), _runs(m, k)
    src = _summed(np.add.reduceat(one_src, sb[:-1]), 1)
    tgt = _summed(np.add.reduceat(one_tgt, tb[:-1]), 1)
    shapes = [(1, 1), (1, 2), (2, 1)]
    lo_c, hi_c = np.zeros(k + 1, dtype=int), np.full(k + 1, k)
    sim = src @ tgt.T
    costs = {}
    for a, b in shapes:
        c = np.full((k + 1, k + 1), np.inf, dtype=np.float32)
        win_s = sum(sim[d : k - a + 1 + d] for d in range(a)) / a
        win = sum(win_s[:, d : k - b + 1 + d] for d in range(b)) / b
        c[: k - a + 1, : k - b + 1] = (1.0 - win) * (a + b) / 2
        costs[(a, b)] = c
    path = band_dp(costs, lo_c, hi_c, skip, shapes)
    lo, hi = np.full(n + 1, m), np.zeros(n + 1, dtype=int)
    ci = cj = 0
    for a, b in [(0, 0), *path]:
        ci, cj = ci + a, cj + b
        r0, r1 = sb[max(ci - 1, 0)], sb[min(ci + 1, k)]  # the rows of the runs on either side of the node
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], tb[max(cj - 1, 0)])
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], tb[min(cj + 1, k)])
    lo = np.clip(lo - width, 0, m)
    hi = np.clip(hi + width, 0, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # windows never move back
    hi = np.maximum.accumulate(hi)
    lo[0], hi[-1] = 0, m
    return lo, hi


def _band_costs(bc: BandCosts, lo: np.ndarray, hi: np.ndarray) -> dict[Shape, np.ndarray]:
    width = int((hi - lo).max()) + 1
    out = {}
    for a, b in bc.shapes:
        cost = np.full((len(lo), width), np.inf, dtype=np.float32)
        for r0 in range(0, len(lo), CHUNK):
            r1 = min(len(lo), r0 + CHUNK)
            j0, j1 = int(lo[r0]), int(hi[r1 - 1]) + 1
            dense = bc.block(a, b, r0, r1, j0, j1 + width)
            t = (lo[r0:r1] - j0)[:, None] + np.arange(width)[None, :]
            rows = np.arange(r1 - r0)[:, None]
            cost[r0:r1] = np.where(t + j0 <= hi[r0:r1, None], dense[rows, t], np.inf)
        out[(a, b)] = cost
    return out


def _touches_edge(path: list[Shape], lo: np.ndarray, hi: np.ndarray, m: int) -> bool:
    r = c = 0
    for a, b in path:
        r, c = r + a, c + b
        if (lo[r] > 0 and c - lo[r] < EDGE) or (hi[r] < m and hi[r] - c < EDGE):
            return True
    return False


def align(src: Sequence[str], tgt: Sequence[str], encode, config: AlignConfig,
          src_blocks: Sequence[int] | None = None, tgt_blocks: Sequence[int] | None = None, *,
          shapes: Sequence[Shape], separator: dict[str, str]) -> list[Bead]:
    """Beads of ``src`` and ``tgt`` (both non-empty) in a band around a coarse diagonal; see the module doc.

    ``shapes`` and ``separator`` are ``align.bead_shapes(config.max_bead)`` and ``align.SEPARATOR``
    (passed in by ``align.align``, which imports this module)."""
    one_src = np.asarray(encode(list(src)), dtype=np.float32)
    one_tgt = np.asarray(encode(list(tgt)), dtype=np.float32)
    use_blocks = config.use_paragraphs and src_blocks is not None and tgt_blocks is not None
    bc = BandCosts(src, tgt, one_src, one_tgt, config, src_blocks if use_blocks else None,
                   tgt_blocks if use_blocks else None, shapes, separator)
    width = config.band
    for attempt in range(MAX_WIDENINGS + 1):
        lo, hi = coarse_band(one_src, one_tgt, config.skip_cost, width)
        path = band_dp(_band_costs(bc, lo, hi), lo, hi, config.skip_cost, bc.shapes)
        if attempt == MAX_WIDENINGS or not _touches_edge(path, lo, hi, len(tgt)):
            break
        log.debug("long alignment touches the band edge at width %d; widening", width)
        width *= 2
    beads, i, j = [], 0, 0
    for a, b in path:
        cos = bc.cos(a, b, i, j) if a and b else 0.0
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), round(cos, 6)))
        i, j = i + a, j + b
    return beads
