"""The two heads on cached joint e5 states (bench/kiwi_cache.py): token tagging and sentence score.

Token head: class-balanced logistic regression on the translation tokens' states (a layer mix,
``MIXES``) -> error probability per token; tokens at or above a threshold become character
spans (``mtreview.score.meaning.spans``: runs merged, kanji / katakana words widened). The
threshold is the best character F1 on the head's own training ESA rows. Tokens made only of
the word-boundary marker (no character) are left out. With the cache's ``align`` column, each
token also carries its best cosine with any source token (layers 6 / 9 / 12).
Sentence head: ridge regression on pooled states, one eigendecomposition per training set so
that every alpha costs nothing more.
"""

from __future__ import annotations

import itertools

import numpy as np

MIXES = {"l12": [2], "l9": [1], "mean": [0, 1, 2]}  # indices into kiwi_cache.TOK_LAYERS (6, 9, 12)
MAX_TOKENS = 120_000  # training tokens per fit (negatives subsampled, seeded, then re-weighted)
SEED = 7


def japanese(text: str) -> bool:
    """Mostly Japanese (as bench/train_meaning.py): under 20% Latin letters."""
    return sum(c.isascii() and c.isalpha() for c in text) < 0.2 * max(1, len(text))


def token_rows(rows, cache: dict, mix: str) -> list[dict]:
    """Per row: X (n_tok, 384) float32, y (token overlaps a gold span), starts/ends, text, gold mask."""
    out = []
    pick = MIXES[mix]
    for i in range(len(rows["tgt"])):
        a, b = cache["off"][i], cache["off"][i + 1]
        chars = cache["chars"][a:b]
        keep = chars[:, 1] > chars[:, 0]
        X = cache["tok"][a:b][keep][:, pick].astype(np.float32).mean(axis=1)
        if "align" in cache:  # each token's best cosine with a source token, layers 6 / 9 / 12
            X = np.hstack([X, cache["align"][a:b][keep].astype(np.float32)])
        text = rows["tgt"][i]
        gold = np.zeros(len(text), bool)
        for s, e, _major in rows["spans"][i]:
            gold[s:e] = True
        st, en = chars[keep, 0], chars[keep, 1]
        y = np.array([gold[s:e].any() for s, e in zip(st, en, strict=True)], bool)
        out.append({"X": X, "y": y, "starts": st.tolist(), "ends": en.tolist(), "text": text, "gold": gold})
    return out


class TokenHead:
    """``kind`` "lr": logistic regression (inverse regularisation ``C``); "mlp": one hidden layer
    of 64 ReLU units (L2 ``1 / C``, early stopping on a seeded 10% of the training tokens)."""

    def __init__(self, C: float = 0.1, kind: str = "lr") -> None:
        self.C = C
        self.kind = kind
        self.threshold = 0.5

    def fit(self, rows: list[dict], tune_rows: list[dict]) -> TokenHead:
        from sklearn.linear_model import LogisticRegression

        X = np.concatenate([r["X"] for r in rows])
        y = np.concatenate([r["y"] for r in rows])
        w = np.ones(len(y))
        neg = np.flatnonzero(~y)
        room = MAX_TOKENS - int(y.sum())
        if 0 < room < len(neg):
            rng = np.random.default_rng(SEED)
            keep = np.sort(np.concatenate([np.flatnonzero(y), rng.choice(neg, size=room, replace=False)]))
            w[~y] = len(neg) / room
            X, y, w = X[keep], y[keep], w[keep]
        self.mean, self.scale = X.mean(axis=0), X.std(axis=0) + 1e-6
        w = w * np.where(y, 0.5 / max(w[y].sum(), 1), 0.5 / max(w[~y].sum(), 1)) * len(y)  # balanced
        if self.kind == "mlp":
            from sklearn.neural_network import MLPClassifier

            self.model = MLPClassifier((64,), alpha=1.0 / self.C / len(y), early_stopping=True,
                                       max_iter=60, random_state=SEED)
        else:
            self.model = LogisticRegression(C=self.C, max_iter=300)
        self.model.fit((X - self.mean) / self.scale, y, sample_weight=w)
        if not tune_rows:
            return self
        probs = [self.probs(r["X"]) for r in tune_rows]
        grid = np.round(np.arange(0.30, 0.96, 0.025), 3)
        f1s = [char_f1(tune_rows, [mask(r, p, t) for r, p in zip(tune_rows, probs, strict=True)])["micro"]
               for t in grid]
        self.threshold = float(grid[int(np.nanargmax(f1s))])
        return self

    def probs(self, X: np.ndarray) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        return self.model.predict_proba((X - self.mean) / self.scale)[:, 1]


def mask(r: dict, probs: np.ndarray, threshold: float) -> np.ndarray:
    from mtreview.score import meaning

    m = np.zeros(len(r["text"]), bool)
    for a, b, _p in meaning.spans(probs, r["starts"], r["ends"], threshold, r["text"]):
        m[a:b] = True
    return m


def f1(tp: int, pred: int, gold: int) -> float:
    return 2 * tp / (pred + gold) if pred + gold else float("nan")


def char_f1(rows: list[dict], masks: list[np.ndarray]) -> dict[str, float]:
    """Character F1 as docs/quality-model.md: micro (all characters pooled), macro (mean over rows
    with a gold or predicted character), ja (micro over the mostly-Japanese rows)."""
    def pooled(keep) -> float:
        tp = sum(int((m & r["gold"]).sum()) for r, m, k in zip(rows, masks, keep, strict=True) if k)
        return f1(tp, sum(int(m.sum()) for m, k in zip(masks, keep, strict=True) if k),
                  sum(int(r["gold"].sum()) for r, k in zip(rows, keep, strict=True) if k))

    per = [f1(int((m & r["gold"]).sum()), int(m.sum()), int(r["gold"].sum()))
           for r, m in zip(rows, masks, strict=True) if m.any() or r["gold"].any()]
    return {"micro": pooled([True] * len(rows)), "macro": float(np.mean(per)) if per else float("nan"),
            "ja": pooled([japanese(r["text"]) for r in rows])}


def aggregates(probs: list[np.ndarray], threshold: float) -> np.ndarray:
    """Per row: mean, max, top-3 mean and share at/above threshold of the token probabilities."""
    out = []
    for p in probs:
        if not len(p):
            out.append([0.0, 0.0, 0.0, 0.0])
            continue
        top = np.sort(p)[-3:]
        out.append([float(p.mean()), float(p.max()), float(top.mean()), float((p >= threshold).mean())])
    return np.array(out)


def align_features(cache: dict) -> np.ndarray:
    """Per row: the translation tokens' mean and minimum best cosine with a source token (3 layers)
    and the source tokens' mean / 10th percentile / minimum best cosine with a translation token."""
    off, al = cache["off"], cache["align"].astype(np.float32)
    tg = np.array([np.r_[al[a:b].mean(axis=0), al[a:b].min(axis=0)] if b > a else np.zeros(6)
                   for a, b in itertools.pairwise(off)])
    return np.hstack([tg, cache["salign"].reshape(len(tg), -1)])


class Ridge:
    """Weighted ridge on standardised features; ``predict(X, alpha)`` for any alpha after one fit."""

    def fit(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Ridge:
        self.mean, self.scale = X.mean(axis=0), X.std(axis=0) + 1e-6
        Z = (X - self.mean) / self.scale
        self.y0 = float(np.average(y, weights=w))
        G = (Z * w[:, None]).T @ Z
        self.evals, self.evecs = np.linalg.eigh(G)
        self.proj = self.evecs.T @ ((Z * w[:, None]).T @ (y - self.y0))
        self.n = float(w.sum())
        return self

    def predict(self, X: np.ndarray, alpha: float) -> np.ndarray:
        coef = self.evecs @ (self.proj / (self.evals + alpha * self.n))
        return (X - self.mean) / self.scale @ coef + self.y0
