"""The fine-tuned top of the joint e5 encoder with a sentence head and a token head (bench side).

``Kiwi``: layers L+1..12 of multilingual-e5-small (``mtreview.models.e5_torch``, initialised from
the shipped weights) over cached layer-L states of ``<s> src </s></s> tgt </s>``; a sentence head
on [first token, mean of translation tokens, mean of source tokens] of layer 12 (Linear -> tanh ->
Linear: one score, trained on the rows' ``target``) and a token head (Linear on each token's
layer-12 state -> error logit, trained on the translation tokens' tags from the ESA annotators'
spans and the synthetic errors' known spans). ``Batch`` builds a padded batch of cached rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mtreview.models.e5_torch import E5Torch, from_e5


@dataclass
class Row:
    """One cached row: layer-L states (T, H) float16, positions, tags (-1: untagged), target, weight."""

    h: np.ndarray
    src: tuple[int, int]
    tgt: tuple[int, int]
    tags: np.ndarray  # (n_tgt,) 1 error / 0 fine / -1 not trained on
    target: float
    weight: float  # of the sentence loss (0: no sentence label)


class Kiwi(nn.Module):
    def __init__(self, top: E5Torch, hidden: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        H = top.blocks[0].ao.out_features
        self.top = top
        self.drop = nn.Dropout(dropout)
        self.sent = nn.Sequential(nn.Linear(3 * H, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.tok = nn.Linear(H, 1)
        # per-feature standardisation of the heads' inputs (set by ``standardise``; identity until then):
        # the pooled last-layer features vary little around shared means (standard deviation ~0.1,
        # measured on 200 DA rows), so an unscaled head starts with almost no signal
        for name, n in (("s_mu", 3 * H), ("t_mu", H)):
            self.register_buffer(name, torch.zeros(n))
        for name, n in (("s_sd", 3 * H), ("t_sd", H)):
            self.register_buffer(name, torch.ones(n))

    @classmethod
    def from_e5(cls, model, layer: int) -> Kiwi:
        torch.manual_seed(0)
        return cls(from_e5(model, layer, 12))

    def forward(self, x: torch.Tensor, mask: torch.Tensor, src_m: torch.Tensor,
                tgt_m: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(sentence scores (B,), token logits (B, T), layer-12 states (B, T, H))."""
        y, _ = self.top(x, mask)
        tm, sm = tgt_m.unsqueeze(-1).float(), src_m.unsqueeze(-1).float()
        mt = (y * tm).sum(1) / tm.sum(1).clamp(min=1)
        ms = (y * sm).sum(1) / sm.sum(1).clamp(min=1)
        pooled = (torch.cat([y[:, 0], mt, ms], dim=1) - self.s_mu) / self.s_sd
        score = self.sent(self.drop(pooled)).squeeze(-1)
        return score, self.tok(self.drop((y - self.t_mu) / self.t_sd)).squeeze(-1), y

    def standardise(self, rows: list[Row], size: int = 32) -> None:
        """Set the heads' input means / standard deviations from ``rows`` (the initial top, no grad)."""
        self.eval()
        feats, toks = [], []
        with torch.no_grad():
            for idx in batches(rows, size):
                b = batch([rows[i] for i in idx])
                y, _ = self.top(b["x"], b["mask"])
                tm, sm = b["tgt_m"].unsqueeze(-1).float(), b["src_m"].unsqueeze(-1).float()
                feats.append(torch.cat([y[:, 0], (y * tm).sum(1) / tm.sum(1).clamp(min=1),
                                        (y * sm).sum(1) / sm.sum(1).clamp(min=1)], dim=1))
                toks.append(y[b["tgt_m"]])
        f, t = torch.cat(feats), torch.cat(toks)
        self.s_mu.copy_(f.mean(0))
        self.s_sd.copy_(f.std(0) + 1e-4)
        self.t_mu.copy_(t.mean(0))
        self.t_sd.copy_(t.std(0) + 1e-4)


def batch(rows: list[Row]) -> dict[str, torch.Tensor]:
    """Padded tensors: x (B,T,H) float32, mask, src_m, tgt_m, tags (B,T) (-1 outside tagged tokens),
    target, weight."""
    T = max(len(r.h) for r in rows)
    H = rows[0].h.shape[1]
    x = np.zeros((len(rows), T, H), np.float32)
    mask = np.zeros((len(rows), T), bool)
    src_m, tgt_m = mask.copy(), mask.copy()
    tags = np.full((len(rows), T), -1, np.float32)
    for i, r in enumerate(rows):
        x[i, :len(r.h)] = r.h
        mask[i, :len(r.h)] = True
        src_m[i, r.src[0]:r.src[1]] = True
        tgt_m[i, r.tgt[0]:r.tgt[1]] = True
        tags[i, r.tgt[0]:r.tgt[0] + len(r.tags)] = r.tags
    t = torch.from_numpy
    return {"x": t(x), "mask": t(mask), "src_m": t(src_m), "tgt_m": t(tgt_m), "tags": t(tags),
            "target": torch.tensor([r.target for r in rows], dtype=torch.float32),
            "weight": torch.tensor([r.weight for r in rows], dtype=torch.float32)}


def batches(rows: list[Row], size: int, rng: np.random.Generator | None = None) -> list[list[int]]:
    """Index batches of rows of similar length; batch order shuffled when ``rng`` is given."""
    order = np.argsort([len(r.h) for r in rows], kind="stable")
    out = [order[i:i + size].tolist() for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(out)
    return out


def loss(model: Kiwi, b: dict[str, torch.Tensor], pos_weight: float, tok_w: float) -> tuple[torch.Tensor, float, float]:
    score, logits, _ = model(b["x"], b["mask"], b["src_m"], b["tgt_m"])
    w = b["weight"]
    sent = (w * (score - b["target"]) ** 2).sum() / w.sum().clamp(min=1e-6)
    known = b["tags"] >= 0
    if known.any():
        tok = nn.functional.binary_cross_entropy_with_logits(
            logits[known], b["tags"][known], pos_weight=torch.tensor(pos_weight))
    else:
        tok = torch.zeros(())
    return sent + tok_w * tok, sent.item(), tok.item()


def predict(model: Kiwi, rows: list[Row], size: int = 32) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sentence scores and per-row translation-token error probabilities (eval mode, no grad)."""
    model.eval()
    scores = np.zeros(len(rows))
    probs: list[np.ndarray] = [np.zeros(0)] * len(rows)
    with torch.no_grad():
        for idx in batches(rows, size):
            b = batch([rows[i] for i in idx])
            s, lg, _ = model(b["x"], b["mask"], b["src_m"], b["tgt_m"])
            p = torch.sigmoid(lg).numpy()
            for j, i in enumerate(idx):
                r = rows[i]
                scores[i] = float(s[j])
                probs[i] = p[j, r.tgt[0]:r.tgt[0] + len(r.tags)]
    return scores, probs


def frozen_features(top: E5Torch, rows: list[Row], size: int = 32) -> list[dict[str, np.ndarray]]:
    """Per row, from the frozen top (the shipped weights, no fine-tuning): the layer-12 means over
    translation / source tokens (``p12t`` / ``p12s``), the translation tokens' layer-12 states
    (``tok12``), each translation token's best cosine with any source token at layers L, L+1 .. 12
    (``align``, (n_tgt, 3) for the last three) and the source tokens' best cosine with any
    translation token (mean / 10th percentile / minimum per layer: ``salign`` (3, 3))."""
    top.eval()
    out: list[dict[str, np.ndarray]] = [{}] * len(rows)
    keep = (top.first, *range(top.first + 1, top.last + 1))
    with torch.no_grad():
        for idx in batches(rows, size):
            b = batch([rows[i] for i in idx])
            _, kept = top(b["x"], b["mask"], keep=keep)
            for j, i in enumerate(idx):
                r = rows[i]
                (s0, s1), (t0, t1) = r.src, r.tgt
                y12 = kept[top.last][j].numpy()
                al, sal = [], []
                for layer in keep[-3:]:
                    st = kept[layer][j].numpy()
                    a = st[t0:t1] / np.linalg.norm(st[t0:t1], axis=1, keepdims=True)
                    c = st[s0:s1] / np.linalg.norm(st[s0:s1], axis=1, keepdims=True)
                    cos = a @ c.T if len(a) and len(c) else np.zeros((len(a), 1))
                    al.append(cos.max(axis=1) if cos.size else np.zeros(len(a)))
                    best = cos.max(axis=0) if cos.size else np.zeros(1)
                    sal.append([best.mean(), np.percentile(best, 10), best.min()])
                out[i] = {"p12t": y12[t0:t1].mean(axis=0) if t1 > t0 else np.zeros(y12.shape[1]),
                          "p12s": y12[s0:s1].mean(axis=0) if s1 > s0 else np.zeros(y12.shape[1]),
                          "tok12": y12[t0:t1].astype(np.float16), "align": np.stack(al, axis=1),
                          "salign": np.array(sal, np.float32)}
    return out
