"""Sentence alignment: dynamic programming over beads. Never loads a model.

``align(src, tgt, encode, config, src_blocks=, tgt_blocks=)`` takes the sentence texts of both
sides (English, Japanese) and an ``encode`` function (texts -> L2-normalised embeddings) and
returns beads in document order, covering every sentence exactly once.

A bead of ``a`` source and ``b`` target sentences (1-1, 1-2, 2-1, 2-2, up to ``max_bead``;
1-0 and 0-1 for omissions and additions) costs

    (1 - cosine) * (1 + size_scale * ((a + b) / 2 - 1))   # meaning: a window embeds its joined
                                                          # text (long documents: summed sentences)
    + length_weight * min(z**2 / 2, length_cap)           # z: log(JA/EN chars) vs the document's
                                                          # own ratio; short texts vary more
    - anchor_weight * dice(numbers, Latin names)          # lexical anchors, see ``anchors``
    + merge_cost * (a + b - 2)                            # prefer small beads when equally good
    + dilution_weight * max(0, best 1-1 cosine inside the bead - cosine)   # a merge must not dilute
                                                          # the match (an omitted sentence does)

and ``skip_cost`` for a 1-0 / 0-1 bead. An optional margin (``margin_weight``, as in vecalign /
LASER mining) subtracts from the cosine the mean cosine of each side to its ``knn`` best
candidates; it did not help on the dev data and is off by default.

When both sides have the same number of paragraph blocks, sentences are aligned inside each
pair of blocks. Otherwise (page debris, a merged caption, no paragraphs at all) the whole
document is aligned at once, with ``block_cross_cost`` added to any bead that joins sentences
of two paragraphs. A long region is aligned in a band around the diagonal that widens until
the best path no longer touches its edge, so time and memory stay near-linear.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import align_windows
from .align_long import dilution
from .anchors import anchor_sets
from .config import AlignConfig
from .records import Bead

log = logging.getLogger(__name__)

Encode = Callable[[Sequence[str]], np.ndarray]
Shape = tuple[int, int]

SKIP_SHAPES: tuple[Shape, ...] = ((1, 0), (0, 1))
SEPARATOR = {"src": " ", "tgt": ""}  # English sentences join with a space, Japanese with nothing
LONG_CELLS = 4_000_000  # sentence pairs above which ``align_long`` aligns in a band (time and memory ~linear)


def bead_shapes(max_sents: int) -> tuple[Shape, ...]:
    """1-1, 1-2, 2-1, 2-2 ... up to ``max_sents`` sentences on one side, then the skips."""
    shapes = [(a, b) for a in range(1, max_sents + 1) for b in range(1, max_sents + 1)
              if min(a, b) == 1 or (a == 2 and b == 2)]
    return (*sorted(shapes, key=lambda s: (s[0] + s[1], s)), *SKIP_SHAPES)


@dataclass
class Scores:
    """Bead costs of every window pair: ``cost[(a, b)][i, j]`` for src[i:i+a] with tgt[j:j+b]."""

    cost: dict[Shape, np.ndarray]
    cos: dict[Shape, np.ndarray]
    skip: float
    src_emb: np.ndarray  # one row per source sentence
    tgt_emb: np.ndarray


def _windows(texts: Sequence[str], k: int, sep: str) -> list[str]:
    return [sep.join(texts[i : i + k]) for i in range(len(texts) - k + 1)]


def _topk_mean(sim: np.ndarray, k: int, axis: int) -> np.ndarray:
    if sim.shape[axis] == 0:
        return np.zeros(sim.shape[1 - axis], dtype=np.float32)
    k = min(k, sim.shape[axis])
    part = -np.partition(-sim, k - 1, axis=axis)
    part = part[:k] if axis == 0 else part[:, :k]
    return part.mean(axis=axis)


def _window_mean(values: np.ndarray, ks: range) -> dict[int, np.ndarray]:
    n = len(values)
    return {k: sum(values[d : n - k + 1 + d] for d in range(k)) / k for k in ks}


def _incidence(sets: list[set[str]], vocab: dict[str, int]) -> np.ndarray:
    out = np.zeros((len(sets), max(1, len(vocab))), dtype=np.float32)
    for i, s in enumerate(sets):
        for w in s:
            out[i, vocab[w]] = 1.0
    return out


def score(src: Sequence[str], tgt: Sequence[str], encode: Encode, config: AlignConfig,
          src_blocks: Sequence[int] | None = None, tgt_blocks: Sequence[int] | None = None,
          windows: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] | None = None) -> Scores:
    """Embed every window of up to ``config.max_bead`` sentences and cost every bead shape.

    Windows inside one paragraph (per ``*_blocks``) embed their joined text when the document
    has at most ``window_encode_limit`` sentences a side and the window has at most
    ``window_encode_max`` sentences, or more but a text no longer than ``window_encode_short`` x
    the side's median sentence (fragments: a caption, a headline, a cut quotation); other
    windows sum their sentences' embeddings. ``windows`` (source, target: window size -> one
    vector per window) replaces that embedding step (``align_windows`` encodes windows on demand).
    """
    shapes = bead_shapes(config.max_bead)
    n, m = len(src), len(tgt)
    ks = range(1, config.max_bead + 1)
    src_win = {k: _windows(src, k, SEPARATOR["src"]) for k in ks}
    tgt_win = {k: _windows(tgt, k, SEPARATOR["tgt"]) for k in ks}
    if windows is None:
        full, short = align_windows.encode_limits(config, n, m)
        src_emb = align_windows.embed(src, src_blocks, encode, ks, SEPARATOR["src"], full, short)
        tgt_emb = align_windows.embed(tgt, tgt_blocks, encode, ks, SEPARATOR["tgt"], full, short)
    else:
        src_emb, tgt_emb = windows

    # margin: mean cosine of each sentence to its knn nearest sentences on the other side;
    # a window takes the mean over its sentences, so joining sentences does not change it
    one = src_emb[1] @ tgt_emb[1].T  # the 1-1 cosines (margin, dilution, the 1-1 beads)
    if config.margin_weight:
        src_knn = _window_mean(_topk_mean(one, config.knn, 1), ks)
        tgt_knn = _window_mean(_topk_mean(one, config.knn, 0), ks)

    src_len = {k: np.array([len(t) for t in w], dtype=np.float64) for k, w in src_win.items()}
    tgt_len = {k: np.array([len(t) for t in w], dtype=np.float64) for k, w in tgt_win.items()}
    mu = math.log((sum(map(len, tgt)) + 10.0) / (sum(map(len, src)) + 10.0))

    src_anchor, tgt_anchor = anchor_sets(src, tgt, config.punctuation_anchors)
    vocab = {w: i for i, w in enumerate(sorted(set().union(*src_anchor, *tgt_anchor)))}
    src_inc = {1: _incidence(src_anchor, vocab)}
    tgt_inc = {1: _incidence(tgt_anchor, vocab)}
    for k in ks[1:]:
        src_inc[k] = np.clip(sum(src_inc[1][d : n - k + 1 + d] for d in range(k)), 0, 1)
        tgt_inc[k] = np.clip(sum(tgt_inc[1][d : m - k + 1 + d] for d in range(k)), 0, 1)

    cost, cos = {}, {}
    for a, b in shapes:
        if a == 0 or b == 0 or a > n or b > m:
            continue
        c = one if (a, b) == (1, 1) else src_emb[a] @ tgt_emb[b].T
        sim = c
        if config.margin_weight:
            sim = c - config.margin_weight * 0.5 * (src_knn[a][:, None] + tgt_knn[b][None, :])
        # the log ratio of short texts varies more (Gale-Church: variance ~ 1 / length)
        sigma = config.length_sigma * np.sqrt(1.0 + 100.0 / (src_len[a][:, None] + 1.0))
        z = (np.log((tgt_len[b][None, :] + 10.0) / (src_len[a][:, None] + 10.0)) - mu) / sigma
        inter = src_inc[a] @ tgt_inc[b].T
        size = src_inc[a].sum(1)[:, None] + tgt_inc[b].sum(1)[None, :]
        dice = np.where(size > 0, 2 * inter / np.maximum(size, 1), 0.0)
        total = ((1.0 - sim) * (1.0 + config.size_scale * ((a + b) / 2 - 1.0))
                 + config.length_weight * np.minimum(z * z / 2, config.length_cap)
                 - config.anchor_weight * dice + config.merge_cost * (a + b - 2))
        if config.dilution_weight and a + b > 2:  # a merge must not dilute the match
            total = total + config.dilution_weight * dilution(one, c, a, b)
        cost[(a, b)] = total.astype(np.float32)
        cos[(a, b)] = c.astype(np.float32)
    return Scores(cost=cost, cos=cos, skip=config.skip_cost, src_emb=src_emb[1], tgt_emb=tgt_emb[1])


def dp(scores: Scores, i0: int, i1: int, j0: int, j1: int, band: int | None = None) -> list[Shape]:
    """Best bead path from (i0, j0) to (i1, j1); ``band`` limits |j - diagonal(i)| (None = full)."""
    shapes = [s for s in scores.cost if s[0] <= i1 - i0 and s[1] <= j1 - j0]
    rows, cols = i1 - i0 + 1, j1 - j0 + 1
    inf = np.inf
    acc = np.full((rows, cols), inf)
    back = np.full((rows, cols), -1, dtype=np.int8)
    all_shapes = [*shapes, (1, 0), (0, 1)]
    slope = (cols - 1) / (rows - 1) if rows > 1 else 0.0
    width = cols if band is None else band
    for r in range(rows):
        centre = r * slope
        lo, hi = max(0, int(centre - width)), min(cols - 1, math.ceil(centre + width))
        js = np.arange(lo, hi + 1)
        best = np.full(js.shape, inf)
        arg = np.full(js.shape, -1, dtype=np.int8)
        if r == 0 and lo == 0:
            best[0] = 0.0
        for s, (a, b) in enumerate(all_shapes):
            first = max(lo, b)  # the first column of the row with a predecessor (j - b >= 0)
            if a == 0 or r - a < 0 or first > hi:
                continue
            prev = acc[r - a, first - b : hi - b + 1]
            if b == 0:
                cand = prev + scores.skip
            else:
                cand = prev + scores.cost[(a, b)][i0 + r - a, j0 + first - b : j0 + hi - b + 1]
            tail, tail_arg = best[first - lo :], arg[first - lo :]  # views: the columns before have no candidate
            better = cand < tail
            tail[better] = cand[better]
            tail_arg[better] = s
        # 0-1 beads along the row: acc[j] = min_k<=j best[k] + (j - k) * skip
        idx = np.arange(len(js)) * scores.skip
        shifted = best - idx
        run = np.minimum.accumulate(shifted)
        row_skip = run < shifted  # compared in the shifted space: no rounding can flip it
        arg[row_skip] = len(all_shapes) - 1
        acc[r, lo : hi + 1] = np.where(row_skip, run + idx, best)
        back[r, lo : hi + 1] = arg
    if not np.isfinite(acc[rows - 1, cols - 1]):
        raise ValueError("alignment band does not reach the end")
    path, r, c = [], rows - 1, cols - 1
    while r > 0 or c > 0:
        a, b = all_shapes[back[r, c]]
        path.append((a, b))
        r, c = r - a, c - b
    path.reverse()
    return path


def _banded(scores: Scores, i0: int, i1: int, j0: int, j1: int, band: int) -> list[Shape]:
    """DP in a band that doubles while the best path runs along its edge (or cannot reach the end)."""
    rows, cols = i1 - i0, j1 - j0
    while True:
        if (rows + 1) * (cols + 1) <= (2 * band + 1) ** 2 or band >= max(rows, cols):
            return dp(scores, i0, i1, j0, j1, None)
        try:
            path = dp(scores, i0, i1, j0, j1, band)
        except ValueError:
            band *= 2
            continue
        slope = cols / rows if rows else 0.0
        r = c = 0
        edge = False
        for a, b in path:
            r, c = r + a, c + b
            if abs(c - r * slope) > band - 3 and 0 < c < cols:
                edge = True
                break
        if not edge:
            return path
        log.debug("alignment path touches the band edge at %d; widening to %d", band, band * 2)
        band *= 2


def _groups(blocks: Sequence[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i, b in enumerate(blocks):
        if out and blocks[i - 1] == b:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _penalise_crossing(scores: Scores, src_blocks: Sequence[int], tgt_blocks: Sequence[int],
                       penalty: float) -> None:
    """Add ``penalty`` to every bead whose sentences on one side come from two paragraphs."""
    sb, tb = np.asarray(src_blocks), np.asarray(tgt_blocks)
    for (a, b), cost in scores.cost.items():
        src_cross = sb[a - 1 :] != sb[: len(sb) - a + 1]
        tgt_cross = tb[b - 1 :] != tb[: len(tb) - b + 1]
        cost += penalty * (src_cross[:, None] | tgt_cross[None, :])


def align(src: Sequence[str], tgt: Sequence[str], encode: Encode, config: AlignConfig | None = None,
          src_blocks: Sequence[int] | None = None, tgt_blocks: Sequence[int] | None = None) -> list[Bead]:
    """Align sentences ``src`` (English) and ``tgt`` (Japanese); blocks are paragraph ids per sentence."""
    config = config or AlignConfig()
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    if n * m > LONG_CELLS:  # long documents: costs only in a band around a coarse diagonal (linear memory)
        from . import align_long

        return align_long.align(src, tgt, encode, config, src_blocks, tgt_blocks,
                                shapes=bead_shapes(config.max_bead), separator=SEPARATOR)
    use_blocks = config.use_paragraphs and src_blocks is not None and tgt_blocks is not None
    if not use_blocks:
        src_blocks = tgt_blocks = None
    if config.window_on_demand and max(n, m) <= config.window_encode_limit:
        scores, regions, paths = _on_demand(src, tgt, encode, config, src_blocks, tgt_blocks)
    else:
        scores = score(src, tgt, encode, config, src_blocks, tgt_blocks)
        regions, paths, _ = decide(scores, n, m, src_blocks, tgt_blocks, config)
    beads: list[Bead] = []
    for (i, _, j, _), path in zip(regions, paths, strict=True):
        for a, b in path:
            cos = float(scores.cos[(a, b)][i, j]) if a and b else 0.0
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), round(cos, 6)))
            i, j = i + a, j + b
    return beads


Region = tuple[int, int, int, int]


def decide(scores: Scores, n: int, m: int, src_blocks: Sequence[int] | None, tgt_blocks: Sequence[int] | None,
           config: AlignConfig) -> tuple[list[Region], list[list[Shape]], list[Region]]:
    """The regions aligned, their best paths, and every region whose path the choice compared.

    Adds ``block_cross_cost`` to ``scores.cost`` of beads crossing paragraphs when it compares the
    whole document (blocks None: the whole document, no paragraphs)."""
    use_blocks = src_blocks is not None and tgt_blocks is not None
    sg = _groups(src_blocks) if use_blocks else [(0, n)]
    tg = _groups(tgt_blocks) if use_blocks else [(0, m)]
    if len(sg) == len(tg):  # shared paragraphs: align inside each pair of blocks
        regions = [(a, b, c, d) for (a, b), (c, d) in zip(sg, tg, strict=True)]
    else:  # paragraphs differ (debris, merged captions): the whole document, beads kept inside blocks
        if use_blocks:
            _penalise_crossing(scores, src_blocks, tgt_blocks, config.block_cross_cost)
        regions = [(0, n, 0, m)]
    paths = [_region_path(scores, region, config.band) for region in regions]
    compared = list(regions)
    if len(regions) > 1:
        # as many paragraphs on both sides need not mean the same paragraphs (one dropped and
        # another split): keep the pairing unless the whole document aligns far more cheaply
        _penalise_crossing(scores, src_blocks, tgt_blocks, config.block_cross_cost)
        whole = _region_path(scores, (0, n, 0, m), config.band)
        compared.append((0, n, 0, m))
        paired = sum(_path_cost(scores, r, p) for r, p in zip(regions, paths, strict=True))
        gain = paired - _path_cost(scores, (0, n, 0, m), whole)
        if gain > config.unpaired_margin:
            log.info("paragraphs do not correspond (whole-document alignment %.2f cheaper): aligning "
                     "across them", gain)
            regions, paths = [(0, n, 0, m)], [whole]
    return regions, paths, compared


def _region_path(scores: Scores, region: Region, band: int) -> list[Shape]:
    i0, i1, j0, j1 = region
    if i0 == i1 or j0 == j1:
        return [(1, 0)] * (i1 - i0) + [(0, 1)] * (j1 - j0)
    return _banded(scores, i0, i1, j0, j1, band)


def _path_cost(scores: Scores, region: Region, path: list[Shape]) -> float:
    """Total cost of the beads of ``path`` starting at the region's first sentences."""
    i, j = region[0], region[2]
    total = 0.0
    for a, b in path:
        total += float(scores.cost[(a, b)][i, j]) if a and b else scores.skip
        i, j = i + a, j + b
    return total


def _on_demand(src: Sequence[str], tgt: Sequence[str], encode: Encode, config: AlignConfig,
               src_blocks: Sequence[int] | None, tgt_blocks: Sequence[int] | None
               ) -> tuple[Scores, list[Region], list[list[Shape]]]:
    """:func:`score` + :func:`decide` with summed windows first, then encoding only the joined
    windows the decision can hinge on, until none is left (``mtreview.align_windows``)."""
    n, m = len(src), len(tgt)
    ks = range(1, config.max_bead + 1)
    full, short = align_windows.encode_limits(config, n, m)
    sides = []
    for texts, blocks, name in ((src, src_blocks, "src"), (tgt, tgt_blocks, "tgt")):
        sep = SEPARATOR[name]
        summed = align_windows.summed(np.asarray(encode(list(texts)), dtype=np.float32), ks)
        sides.append((texts, sep, summed, set(align_windows.encodable(texts, blocks, ks, sep, full, short))))
    while True:
        scores = score(src, tgt, encode, config, src_blocks, tgt_blocks, windows=(sides[0][2], sides[1][2]))
        regions, paths, compared = decide(scores, n, m, src_blocks, tgt_blocks, config)
        wanted = align_windows.near_windows(scores.cost, scores.skip, compared,
                                            align_windows.room(scores.cos, config))
        on_path = align_windows.path_windows(regions, paths)
        new = [sorted((want | pw) & side[3]) for side, want, pw in zip(sides, wanted, on_path, strict=True)]
        if not any(new):
            return scores, regions, paths
        for (texts, sep, emb, todo), windows in zip(sides, new, strict=True):
            align_windows.encode_windows(emb, texts, sep, windows, encode)
            todo.difference_update(windows)
