"""Window embeddings for ``align.score``, encoded up front or on demand (only the windows an
alignment can hinge on).

A window of k sentences is embedded as the normalised sum of its sentences' vectors
(:func:`summed`) or, for the :func:`encodable` windows, as its joined text encoded
(:func:`embed`, :func:`encode_windows`). ``align.score`` embeds the joined text of every window of
2 sentences (and of short longer ones, see :func:`encodable`) before the DP: about half of the
tokens a review sends to the encoder.
With ``[align] window_on_demand`` on, ``align.align`` runs ``align._on_demand`` instead, which

1. embeds the sentences once; every window starts as the normalised sum of its sentences' vectors;
2. costs the beads with those vectors and aligns (``align.score``, ``align.decide``);
3. takes, in every region the alignment compared, each merge bead (1-2, 2-1, 2-2, ...) whose best
   path (forward + bead + backward DP cost) exceeds the region's best path by less than the bead
   could gain were its cosine ``window_encode_gain`` higher (:func:`room`: the ``(1 - cos)`` term
   and the dilution term both shrink), and the merge beads of the chosen paths, and encodes the
   joined text of each of their windows that full encoding would encode (:func:`encodable`);
4. aligns again with those vectors in place, repeating 3-4 until no new window qualifies.

A summed window's cosine differs from its joined text's (the text of two sentences is not the sum
of their meanings). A bead left summed could only join the best path if its encoded cosine rose
more than ``window_encode_gain`` above the summed one (or several such beads moved at once). Every
merge bead of the returned path is encoded whenever full encoding would encode it, so its
reported cosine is the one full encoding gives; 1-1 beads and skips never change. On the dev sets
(``bench/window_demand.py``) a gain of 0.2 or more aligned every document as full encoding does
while asking the encoder for 0.40-0.41 of its characters. Never loads a model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .align_long import dilution
from .config import AlignConfig

EPS = 1e-6  # the chosen path's own beads exceed the best path by 0, up to float rounding

Window = tuple[int, int]  # (sentences k, start i)
Shape = tuple[int, int]  # as ``align.Shape`` (this module is imported by ``align``, never the reverse)
Region = tuple[int, int, int, int]  # as ``align.Region``: i0, i1, j0, j1
Encode = Callable[[Sequence[str]], np.ndarray]  # as ``align.Encode``: texts -> L2-normalised rows


# --- window embeddings: summed sentences, or the joined text encoded -------------------------------

def summed(one: np.ndarray, ks: range) -> dict[int, np.ndarray]:
    """Window size k -> one row per window of k sentences: the normalised sum of rows of ``one``."""
    out = {}
    n = len(one)
    for k in ks:
        if n < k:
            out[k] = np.zeros((0, one.shape[1]), np.float32)
            continue
        v = sum(one[d : n - k + 1 + d] for d in range(k))
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        out[k] = (v / np.where(norms == 0, 1, norms)).astype(np.float32)
    return out


def encode_limits(config: AlignConfig, n: int, m: int) -> tuple[int, float]:
    """(``full``, ``short``) of :func:`encodable` for a document of ``n`` x ``m`` sentences."""
    if max(n, m) > config.window_encode_limit:
        return 1, 0.0
    return config.window_encode_max, config.window_encode_short


def encodable(texts: Sequence[str], blocks: Sequence[int] | None, ks: range, sep: str,
              full: int, short: float) -> list[tuple[int, int]]:
    """Windows (size k >= 2, start i) whose joined text is embedded: inside one block, of at most
    ``full`` sentences, or longer with a text at most ``short`` x the median sentence length."""
    most = short * float(np.median([len(t) for t in texts])) if texts else 0.0
    return [(k, i) for k in ks[1:] for i in range(len(texts) - k + 1)
            if (blocks is None or blocks[i] == blocks[i + k - 1])
            and (k <= full or len(sep.join(texts[i : i + k])) <= most)]


def embed(texts: Sequence[str], blocks: Sequence[int] | None, encode: Encode, ks: range, sep: str,
           full: int, short: float) -> dict[int, np.ndarray]:
    """Window embeddings of ``ks`` sentences: summed sentence embeddings, replaced by the joined
    text's own for the :func:`encodable` windows."""
    out = summed(np.asarray(encode(list(texts)), dtype=np.float32), ks)
    encode_windows(out, texts, sep, encodable(texts, blocks, ks, sep, full, short), encode)
    return out


def encode_windows(out: dict[int, np.ndarray], texts: Sequence[str], sep: str, windows: Sequence[tuple[int, int]],
                    encode: Encode) -> None:
    """Put the embedding of each window's joined text (size k, start i) in ``out[k][i]``: one encoder call."""
    if windows:
        emb = np.asarray(encode([sep.join(texts[i : i + k]) for k, i in windows]), dtype=np.float32)
        for (k, i), vec in zip(windows, emb, strict=True):
            out[k][i] = vec


# --- on demand: the windows an alignment can hinge on ------------------------------------------

def path_windows(regions: Sequence[Region], paths: Sequence[Sequence[Shape]]
                 ) -> tuple[set[Window], set[Window]]:
    """The source and target windows of more than one sentence on the chosen paths."""
    src: set[Window] = set()
    tgt: set[Window] = set()
    for (i, _, j, _), path in zip(regions, paths, strict=True):
        for a, b in path:
            if a and b and a + b > 2:
                if a > 1:
                    src.add((a, i))
                if b > 1:
                    tgt.add((b, j))
            i, j = i + a, j + b
    return src, tgt


def room(cos_by_shape: dict[Shape, np.ndarray], config: AlignConfig) -> dict[Shape, np.ndarray]:
    """How much cheaper each merge bead could become if its windows' joined texts were encoded:
    their cosine rising by ``window_encode_gain`` lowers ``(1 - cos) * size`` by ``gain * size``
    and the dilution term by ``dilution_weight * min(gain, dilution)``."""
    one = cos_by_shape[(1, 1)]
    out = {}
    for (a, b), cos in cos_by_shape.items():
        if a + b <= 2:
            continue
        gain = config.window_encode_gain
        size = 1.0 + config.size_scale * ((a + b) / 2 - 1.0)
        drop = np.full(cos.shape, gain * size, dtype=np.float64)
        if config.dilution_weight:
            drop += config.dilution_weight * np.minimum(gain, dilution(one, cos, a, b))
        out[(a, b)] = drop
    return out


def near_windows(cost: dict[Shape, np.ndarray], skip: float, regions: Sequence[Region],
                 slack: dict[Shape, np.ndarray]) -> tuple[set[Window], set[Window]]:
    """Source and target windows of the merge beads whose best path costs less than their
    ``slack`` (plus rounding) more than the best path of their region."""
    src: set[Window] = set()
    tgt: set[Window] = set()
    for i0, i1, j0, j1 in regions:
        rows, cols = i1 - i0, j1 - j0
        if rows == 0 or cols == 0:
            continue
        local = {(a, b): c[i0 : i1 - a + 1, j0 : j1 - b + 1] for (a, b), c in cost.items()
                 if a <= rows and b <= cols}
        fwd = forward(local, skip, rows, cols)
        bwd = forward({s: c[::-1, ::-1] for s, c in local.items()}, skip, rows, cols)[::-1, ::-1]
        best = fwd[rows, cols]
        for (a, b), c in local.items():
            if a + b <= 2:
                continue
            near = (fwd[: rows - a + 1, : cols - b + 1] + c + bwd[a:, b:] - best
                    < slack[(a, b)][i0 : i1 - a + 1, j0 : j1 - b + 1] + EPS)
            if a > 1:
                src.update((a, i0 + int(p)) for p in np.flatnonzero(near.any(axis=1)))
            if b > 1:
                tgt.update((b, j0 + int(q)) for q in np.flatnonzero(near.any(axis=0)))
    return src, tgt


def forward(cost: dict[Shape, np.ndarray], skip: float, rows: int, cols: int) -> np.ndarray:
    """Least cost of a bead path from node (0, 0) to every node (r, c) of a ``rows`` x ``cols``
    region; ``cost[(a, b)][r, c]`` is the bead of shape (a, b) starting at node (r, c)."""
    acc = np.full((rows + 1, cols + 1), np.inf)
    idx = np.arange(cols + 1) * skip
    for r in range(rows + 1):
        best = np.full(cols + 1, np.inf)
        if r == 0:
            best[0] = 0.0
        else:
            best = acc[r - 1] + skip  # 1-0
        for (a, b), c in cost.items():
            if r >= a:
                np.minimum(best[b:], acc[r - a, : cols - b + 1] + c[r - a], out=best[b:])
        acc[r] = np.minimum.accumulate(best - idx) + idx  # 0-1 beads along the row
    return acc
