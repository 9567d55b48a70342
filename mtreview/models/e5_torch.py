"""The multilingual-e5-small encoder of ``e5_tokens`` rebuilt in torch, batched and trainable.

Contract:
- ``E5Torch(weights, first, last)`` holds the encoder layers ``first+1 .. last`` (1-based; layer
  0 is the embedding output) as torch modules initialised from ``E5Tokens.layer_weights``
  (dequantised float32 arrays) or from a state dict; ``embed=True`` adds the embedding layer
  (word rows, positions, type 0, layer norm) so ``first`` must then be 0.
- ``forward(x, mask, keep=())`` runs a padded batch: ``x`` (B, T) token ids when the embedding is
  held, else (B, T, H) states of layer ``first``; ``mask`` (B, T) bool, True on real tokens (the
  padding is never attended to). Returns the states of layer ``last`` and a dict of the kept
  intermediate layers. Post-norm BERT blocks with exact (erf) GELU, as ``E5Tokens.forward``.
- ``from_e5(model, first, last, embed)`` builds it from a loaded ``E5Tokens`` (all word rows are
  dequantised: 250k x 384 float32, ~0.4 GB, only with ``embed=True``).
- torch is imported when this module is used; nothing is downloaded.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

LAYER_KEYS = ("qkv", "qkv_b", "ao", "ao.b", "aln.w", "aln.b", "fi", "fi.b", "fo", "fo.b", "oln.w", "oln.b")


class Block(nn.Module):
    """One post-norm BERT encoder layer (fused q/k/v projection)."""

    def __init__(self, H: int, NH: int, FF: int, eps: float) -> None:
        super().__init__()
        self.NH, self.hd = NH, H // NH
        self.qkv = nn.Linear(H, 3 * H)
        self.ao = nn.Linear(H, H)
        self.aln = nn.LayerNorm(H, eps=eps)
        self.fi = nn.Linear(H, FF)
        self.fo = nn.Linear(FF, H)
        self.oln = nn.LayerNorm(H, eps=eps)

    def load_arrays(self, w: dict[str, np.ndarray]) -> None:
        """Copy ``E5Tokens`` layer arrays (weights stored (in, out)) into the modules."""
        t = {k: torch.from_numpy(np.ascontiguousarray(w[k], dtype=np.float32)) for k in LAYER_KEYS}
        with torch.no_grad():
            for name in ("qkv", "ao", "fi", "fo"):
                getattr(self, name).weight.copy_(t[name].T)
            self.qkv.bias.copy_(t["qkv_b"])
            for name in ("ao", "fi", "fo"):
                getattr(self, name).bias.copy_(t[f"{name}.b"])
            for name in ("aln", "oln"):
                getattr(self, name).weight.copy_(t[f"{name}.w"])
                getattr(self, name).bias.copy_(t[f"{name}.b"])

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        B, T, H = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.NH, self.hd).permute(2, 0, 3, 1, 4)
        ctx = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(B, T, H)))
        return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))


class E5Torch(nn.Module):
    """Layers ``first+1 .. last`` of multilingual-e5-small (see the module docstring)."""

    def __init__(self, H: int, NH: int, FF: int, eps: float, first: int, last: int,
                 vocab: int = 0, max_pos: int = 514, embed: bool = False) -> None:
        super().__init__()
        if embed and first != 0:
            raise ValueError("the embedding layer only goes with first=0")
        if not 0 <= first < last:
            raise ValueError(f"need 0 <= first < last, got {first}, {last}")
        self.first, self.last = first, last
        self.blocks = nn.ModuleList(Block(H, NH, FF, eps) for _ in range(first, last))
        if embed:
            self.word = nn.Embedding(vocab, H)
            self.pos = nn.Embedding(max_pos, H)
            self.type0 = nn.Parameter(torch.zeros(H))
            self.eln = nn.LayerNorm(H, eps=eps)
        self.embed = embed

    def forward(self, x: torch.Tensor, mask: torch.Tensor,
                keep: tuple[int, ...] = ()) -> tuple[torch.Tensor, dict[int, torch.Tensor]]:
        if self.embed:
            pos = torch.arange(x.shape[1], device=x.device)
            x = self.eln(self.word(x) + self.pos(pos)[None] + self.type0)
        # additive mask: a padded key gets -inf-like weight; padded queries still see real keys
        bias = torch.zeros(mask.shape, dtype=x.dtype, device=x.device).masked_fill(~mask, -1e9)[:, None, None, :]
        kept = {self.first: x} if self.first in keep else {}
        for li, block in enumerate(self.blocks, start=self.first + 1):
            x = block(x, bias)
            if li in keep:
                kept[li] = x
        return x, kept


def from_e5(model, first: int, last: int, embed: bool = False) -> E5Torch:
    """``E5Torch`` with the weights of a loaded ``mtreview.models.e5_tokens.E5Tokens``."""
    net = E5Torch(model.H, model.NH, model.FF, model.eps, first, last,
                  vocab=model.VOC, max_pos=len(model.pos), embed=embed)
    for block, w in zip(net.blocks, model.layer_weights[first:last], strict=True):
        block.load_arrays(w)
    if embed:
        with torch.no_grad():
            net.word.weight.copy_(torch.from_numpy(model._word(np.arange(model.VOC))))
            net.pos.weight.copy_(torch.from_numpy(model.pos))
            net.type0.copy_(torch.from_numpy(model.type0))
            net.eln.weight.copy_(torch.from_numpy(model.eln[0]))
            net.eln.bias.copy_(torch.from_numpy(model.eln[1]))
    return net.eval()


def pad(seqs: list[np.ndarray], value: float = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad a list of (T_i, ...) arrays into one batch and its (B, T) mask of real positions."""
    T = max(len(s) for s in seqs)
    out = np.full((len(seqs), T, *seqs[0].shape[1:]), value, dtype=seqs[0].dtype)
    mask = np.zeros((len(seqs), T), bool)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = s
        mask[i, :len(s)] = True
    return torch.from_numpy(out), torch.from_numpy(mask)
