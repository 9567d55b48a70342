"""Joined-window embeddings on demand: encode only the windows an alignment can hinge on.

``align.score`` embeds the joined text of every window of 2 sentences (and of short longer ones,
see ``align.encodable``) before the DP: about half of the tokens a review sends to the encoder.
With ``[align] window_on_demand`` on, ``align.align`` calls :func:`on_demand` instead, which

1. embeds the sentences once; every window starts as the normalised sum of its sentences' vectors;
2. costs the beads with those vectors and aligns (``align.score``, ``align.decide``);
3. takes, in every region the alignment compared, each merge bead (1-2, 2-1, 2-2, ...) whose best
   path (forward + bead + backward DP cost) exceeds the region's best path by less than the bead
   could gain were its cosine ``window_encode_gain`` higher (:func:`room`: the ``(1 - cos)`` term
   and the dilution term both shrink), and the merge beads of the chosen paths, and encodes the
   joined text of each of their windows that full encoding would encode (``align.encodable``);
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

from collections.abc import Sequence

import numpy as np

from . import align
from .align_long import dilution
from .config import AlignConfig

EPS = 1e-6  # the chosen path's own beads exceed the best path by 0, up to float rounding

Window = tuple[int, int]  # (sentences k, start i)


def on_demand(src: Sequence[str], tgt: Sequence[str], encode: align.Encode, config: AlignConfig,
              src_blocks: Sequence[int] | None, tgt_blocks: Sequence[int] | None
              ) -> tuple[align.Scores, list[align.Region], list[list[align.Shape]]]:
    """``align.score`` + ``align.decide`` of both sides' sentences, encoding windows on demand."""
    n, m = len(src), len(tgt)
    ks = range(1, config.max_bead + 1)
    full, short = align.encode_limits(config, n, m)
    sides = []
    for texts, blocks, name in ((src, src_blocks, "src"), (tgt, tgt_blocks, "tgt")):
        sep = align.SEPARATOR[name]
        one = np.asarray(encode(list(texts)), dtype=np.float32)
        todo = set(align.encodable(texts, blocks, ks, sep, full, short))
        sides.append((texts, sep, align._summed(one, ks), todo))
    while True:
        scores = align.score(src, tgt, encode, config, src_blocks, tgt_blocks, windows=(sides[0][2], sides[1][2]))
        regions, paths, compared = align.decide(scores, n, m, src_blocks, tgt_blocks, config)
        wanted = near_windows(scores, compared, room(scores, config))
        on_path = path_windows(regions, paths)
        new = [sorted((want | pw) & side[3]) for side, want, pw in zip(sides, wanted, on_path, strict=True)]
        if not any(new):
            return scores, regions, paths
        for (texts, sep, emb, todo), windows in zip(sides, new, strict=True):
            if not windows:
                continue
            vecs = np.asarray(encode([sep.join(texts[i : i + k]) for k, i in windows]), dtype=np.float32)
            for (k, i), vec in zip(windows, vecs, strict=True):
                emb[k][i] = vec
            todo.difference_update(windows)


def path_windows(regions: Sequence[align.Region], paths: Sequence[Sequence[align.Shape]]
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


def room(scores: align.Scores, config: AlignConfig) -> dict[align.Shape, np.ndarray]:
    """How much cheaper each merge bead could become if its windows' joined texts were encoded:
    their cosine rising by ``window_encode_gain`` lowers ``(1 - cos) * size`` by ``gain * size``
    and the dilution term by ``dilution_weight * min(gain, dilution)``."""
    one = scores.cos[(1, 1)]
    out = {}
    for (a, b), cos in scores.cos.items():
        if a + b <= 2:
            continue
        gain = config.window_encode_gain
        size = 1.0 + config.size_scale * ((a + b) / 2 - 1.0)
        drop = np.full(cos.shape, gain * size, dtype=np.float64)
        if config.dilution_weight:
            drop += config.dilution_weight * np.minimum(gain, dilution(one, cos, a, b))
        out[(a, b)] = drop
    return out


def near_windows(scores: align.Scores, regions: Sequence[align.Region], slack: dict[align.Shape, np.ndarray]
                 ) -> tuple[set[Window], set[Window]]:
    """Source and target windows of the merge beads whose best path costs less than their
    ``slack`` (plus rounding) more than the best path of their region."""
    src: set[Window] = set()
    tgt: set[Window] = set()
    for i0, i1, j0, j1 in regions:
        rows, cols = i1 - i0, j1 - j0
        if rows == 0 or cols == 0:
            continue
        local = {(a, b): c[i0 : i1 - a + 1, j0 : j1 - b + 1] for (a, b), c in scores.cost.items()
                 if a <= rows and b <= cols}
        fwd = forward(local, scores.skip, rows, cols)
        bwd = forward({s: c[::-1, ::-1] for s, c in local.items()}, scores.skip, rows, cols)[::-1, ::-1]
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


def forward(cost: dict[align.Shape, np.ndarray], skip: float, rows: int, cols: int) -> np.ndarray:
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
