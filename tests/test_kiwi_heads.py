"""The joint-encoder heads' bench pieces (bench/kiwi_heads.py) on tiny synthetic data."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import kiwi_heads as kh


def test_ridge_recovers_a_linear_target_and_alpha_shrinks_it():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + 3.0
    r = kh.Ridge().fit(X, y, np.ones(300))
    np.testing.assert_allclose(r.predict(X, 1e-9), y, atol=1e-6)
    assert np.std(r.predict(X, 100.0)) < 0.2 * np.std(y)


def _cache(texts_tokens):
    """A fake cache: per row a list of (start, end) token character ranges."""
    chars = np.array([c for row in texts_tokens for c in row], dtype=np.int32).reshape(-1, 2)
    n = np.array([len(row) for row in texts_tokens])
    return {"tok": np.zeros((len(chars), 3, 4), np.float16), "chars": chars, "n_tok": n,
            "off": np.concatenate([[0], np.cumsum(n)])}


def test_token_labels_come_from_the_gold_character_spans_and_marker_tokens_are_dropped():
    rows = {"tgt": ["金正恩氏が来た"], "spans": [[[0, 4, 1]]]}
    cache = _cache([[(0, 0), (0, 3), (3, 4), (4, 5), (5, 7)]])  # (0, 0): a bare word-boundary marker
    (r,) = kh.token_rows(rows, cache, "mean")
    assert r["y"].tolist() == [True, True, False, False]
    assert r["starts"] == [0, 3, 4, 5] and r["X"].shape == (4, 4)
    assert r["gold"].sum() == 4


def test_char_f1_micro_macro_and_ja():
    rows = [{"text": "あいうえお", "gold": np.array([1, 1, 0, 0, 0], bool)},
            {"text": "hello there", "gold": np.zeros(11, bool)}]
    masks = [np.array([1, 0, 0, 0, 0], bool), np.zeros(11, bool)]
    f = kh.char_f1(rows, masks)
    assert f["micro"] == pytest.approx(2 / 3) and f["macro"] == pytest.approx(2 / 3)
    masks[1][:5] = True  # five false-positive characters on the English row
    f = kh.char_f1(rows, masks)
    assert f["micro"] == pytest.approx(2 / 8) and f["ja"] == pytest.approx(2 / 3)
    assert f["macro"] == pytest.approx((2 / 3 + 0) / 2)


def test_token_head_separates_planted_error_tokens_and_sets_a_threshold():
    rng = np.random.default_rng(1)
    rows = []
    for _ in range(40):
        y = rng.random(12) < 0.25
        X = rng.normal(size=(12, 6)) + y[:, None] * 2.0
        text = "あ" * 12
        rows.append({"X": X, "y": y, "starts": list(range(12)), "ends": list(range(1, 13)), "text": text,
                     "gold": y.copy()})
    head = kh.TokenHead(C=1.0).fit(rows[:30], rows[:30])
    p = np.concatenate([head.probs(r["X"]) for r in rows[30:]])
    y = np.concatenate([r["y"] for r in rows[30:]])
    assert p[y].mean() > p[~y].mean() + 0.3
    f = kh.char_f1(rows[30:], [kh.mask(r, head.probs(r["X"]), head.threshold) for r in rows[30:]])
    assert f["micro"] > 0.7
