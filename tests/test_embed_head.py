"""The embedding QE head's bench pieces (bench/embed_head.py, bench/embed_cache.py) on tiny synthetic data."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import embed_cache as ec
import embed_head as eh


def test_ridge_from_summed_blocks_equals_one_fit():
    rng = np.random.default_rng(0)
    F = rng.normal(size=(200, 5))
    y = F @ np.array([1.0, -2.0, 0.0, 0.5, 0.0]) + 3.0 + rng.normal(scale=0.01, size=200)
    w = np.ones(200)
    r = eh.Ridge(F.mean(axis=0), F.std(axis=0))
    G, b = r.stats(F, y, w)
    G1, b1 = r.stats(F[:80], y[:80], w[:80])
    G2, b2 = r.stats(F[80:], y[80:], w[80:])
    np.testing.assert_allclose(r.solve(G1 + G2, b1 + b2, 1.0), r.solve(G, b, 1.0))
    pred = r.predict(F, r.solve(G, b, 1e-6))
    assert np.abs(pred - y).max() < 0.1  # recovers a linear rule, intercept unshrunk
    flat = r.predict(F, r.solve(G, b, 1e9))  # heavy shrinkage: the mean, not the rule
    assert np.abs(flat - y.mean()).max() < 0.05


def test_pair_features_shape_and_cosine_column():
    u = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 0.0], [1.0, 0.0]])
    P = eh.pair_features(u, v, np.array([10.0, 10.0]), np.array([5.0, 20.0]))
    assert P.shape == (2, 4 * 2 + 3)
    assert P[:, -3].tolist() == [1.0, 0.0]  # cosine of unit vectors
    assert P[0, -2] < 0 < P[1, -2]  # log length ratio: shorter / longer translation
    S = eh.source_features(u, np.array([10.0, 10.0]))
    assert S.shape == (2, 3)


def test_embed_texts_caches_and_resumes(tmp_path, monkeypatch):
    calls = []

    class Fake:
        def encode(self, texts):
            calls.append(list(texts))
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr(ec, "CACHE", tmp_path)
    monkeypatch.setattr(ec, "_embedder", lambda name: Fake())
    monkeypatch.setitem(ec.DIMS, "fake", 2)
    missing = ec.embed_texts(["ab", "c"], "fake", cached_only=True)
    assert np.isnan(missing).all() and not calls
    got = ec.embed_texts(["ab", "c", "ab"], "fake")
    assert got[:, 0].tolist() == [2.0, 1.0, 2.0]
    assert calls == [["ab", "c"]]  # each distinct text once
    again = ec.embed_texts(["c", "xyz"], "fake")
    assert calls[-1] == ["xyz"] and again[:, 0].tolist() == [1.0, 3.0]  # "c" came from the cache
