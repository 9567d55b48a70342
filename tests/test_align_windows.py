"""Joined windows encoded on demand (``[align] window_on_demand``, mtreview.align_windows)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mtreview import align, align_windows
from mtreview.config import AlignConfig
from mtreview.errors import ConfigError
from tests.conftest import TableEncoder

ON = AlignConfig(window_on_demand=True)
FULL = AlignConfig(window_on_demand=False)  # every window encoded up front


class CountingEncoder:
    """Records every text it embeds; vectors from ``inner`` (default: a fixed pseudo-random vector
    per text, or ``table``'s)."""

    def __init__(self, table: dict[str, list[float]] | None = None, inner=None, dim: int = 12) -> None:
        self.table, self.inner, self.dim, self.seen = table or {}, inner, dim, []

    def encode(self, texts):
        self.seen.extend(texts)
        if self.inner is not None:
            return self.inner(texts)
        out = []
        for t in texts:
            if t in self.table:
                v = np.asarray(self.table[t], dtype=np.float64)
            else:
                seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:4], "little")
                v = np.random.default_rng(seed).normal(size=self.dim)
            out.append(v / np.linalg.norm(v))
        return np.array(out, dtype=np.float32)


def _beads(beads):
    return [(b.src_ids, b.tgt_ids, b.score) for b in beads]


def _parallel(n: int) -> tuple[list[str], list[str], TableEncoder]:
    pairs = [(f"Sentence number {k} says thing{k}.", f"第{k}文は事柄{k}を述べる。") for k in range(n)]
    return [p[0] for p in pairs], [p[1] for p in pairs], TableEncoder(pairs)


def test_forward_gives_the_cost_of_the_best_dp_path():
    rng = np.random.default_rng(3)
    n, m = 9, 7
    shapes = align.bead_shapes(3)
    cost = {(a, b): rng.uniform(0, 2, (n - a + 1, m - b + 1)).astype(np.float32)
            for a, b in shapes if a and b}
    scores = align.Scores(cost=cost, cos=cost, skip=0.55, src_emb=np.zeros(1), tgt_emb=np.zeros(1))
    path = align.dp(scores, 0, n, 0, m)
    acc = align_windows.forward(cost, 0.55, n, m)
    assert acc[n, m] == pytest.approx(align._path_cost(scores, (0, n, 0, m), path), abs=1e-5)
    # the backward pass of near_windows: the same total from the far corner
    back = align_windows.forward({s: c[::-1, ::-1] for s, c in cost.items()}, 0.55, n, m)
    assert back[n, m] == pytest.approx(acc[n, m], abs=1e-5)


@pytest.mark.parametrize("seed", range(8))
def test_with_an_unbounded_gain_the_result_equals_full_encoding(seed):
    # pseudo-random vectors: a joined window's vector is unrelated to its sentences' (the worst case
    # for summed windows); with every near bead encoded, pass 2 must find the full-encoding path
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 14)), int(rng.integers(1, 14))
    src, tgt = [f"S{seed}x{i}." for i in range(n)], [f"T{seed}x{j}。" for j in range(m)]
    blocks = (sorted(rng.integers(0, 3, n).tolist()), sorted(rng.integers(0, 3, m).tolist()))
    for src_blocks, tgt_blocks in ((None, None), blocks):
        full = align.align(src, tgt, CountingEncoder().encode, FULL, src_blocks, tgt_blocks)
        lazy = align.align(src, tgt, CountingEncoder().encode,
                           AlignConfig(window_on_demand=True, window_encode_gain=2.0), src_blocks, tgt_blocks)
        assert _beads(lazy) == _beads(full)


def test_a_parallel_document_embeds_few_windows_and_aligns_the_same():
    src, tgt, table = _parallel(14)
    full_enc, lazy_enc = CountingEncoder(inner=table.encode), CountingEncoder(inner=table.encode)
    full = align.align(src, tgt, full_enc.encode, FULL)
    lazy = align.align(src, tgt, lazy_enc.encode, ON)
    assert _beads(lazy) == _beads(full)
    assert [len(b.src_ids) for b in full] == [1] * 14  # 1-1 throughout
    sentences = set(src + tgt)
    full_windows = [t for t in full_enc.seen if t not in sentences]
    lazy_windows = [t for t in lazy_enc.seen if t not in sentences]
    assert len(full_windows) == 13 + 13  # every 2-window of both sides
    assert len(lazy_windows) < len(full_windows) / 2
    assert lazy_enc.seen[:28] == src + tgt  # the sentences first, each once
    assert len(lazy_enc.seen) == len(set(lazy_enc.seen))  # no text embedded twice


def _merge_table() -> dict[str, list[float]]:
    # 甲乙 says what "A. B." says (cosine 0.99); "A." alone is at 0.8 and "B." at 0.1 (the rest of its
    # meaning only shows in the joined text): the normalised sum of "A." and "B." falls to 0.75,
    # below "A." alone, so summed windows prefer 1-1 + 1-0 and the encoded window the 2-1 merge
    return {"A.": [0.8, 0.6, 0.0], "B.": [0.1, -0.6, 0.79], "A. B.": [0.99, 0.14, 0.0],
            "甲乙。": [1.0, 0.0, 0.0], "C.": [0.0, 0.0, 1.0], "丙。": [0.0, 0.1, 0.99]}


def test_a_merge_the_summed_windows_hide_is_found_within_the_gain():
    src, tgt = ["A.", "B.", "C."], ["甲乙。", "丙。"]
    full = align.align(src, tgt, CountingEncoder(_merge_table(), dim=3).encode, FULL)
    assert _beads(full)[0][:2] == ((0, 1), (0,))  # encoded: the merge wins
    blind = align.align(src, tgt, CountingEncoder(_merge_table(), dim=3).encode,
                        AlignConfig(window_on_demand=True, window_encode_gain=0.0))
    assert _beads(blind)[0][:2] != ((0, 1), (0,))  # summed only on the path: the merge is missed
    enc = CountingEncoder(_merge_table(), dim=3)
    lazy = align.align(src, tgt, enc.encode, AlignConfig(window_on_demand=True, window_encode_gain=0.3))
    assert _beads(lazy) == _beads(full)  # within the gain (0.75 -> 0.99): encoded, and the cosine is the joined text's
    assert "A. B." in enc.seen


def test_on_demand_is_off_above_the_encode_limit_and_on_the_long_path(monkeypatch):
    src, tgt, table = _parallel(12)
    config = AlignConfig(window_on_demand=True, window_encode_limit=5)
    assert _beads(align.align(src, tgt, table.encode, config)) == _beads(
        align.align(src, tgt, table.encode, AlignConfig(window_on_demand=False, window_encode_limit=5)))
    monkeypatch.setattr(align, "LONG_CELLS", 50)  # 12 x 12 sentences: the banded long path
    beads = align.align(src, tgt, table.encode, AlignConfig(window_on_demand=True))
    assert [(b.src_ids, b.tgt_ids) for b in beads] == [((k,), (k,)) for k in range(12)]


def test_on_demand_is_the_default():
    assert AlignConfig().window_on_demand is True


def test_a_negative_gain_is_a_config_error():
    with pytest.raises(ConfigError, match="window_encode_gain"):
        AlignConfig(window_encode_gain=-0.1)
    with pytest.raises(ConfigError, match="window_encode_gain"):
        AlignConfig(window_encode_gain=float("nan"))
