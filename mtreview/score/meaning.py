"""The meaning model: which characters of a translation may not say what the source says.

It reads token-level evidence from the opt-in causal LM (``mtreview.models.lm.token_logprobs``):
each translation token's log-probability after the source (``cond``) and alone (``prior``). A
token the model finds unlikely even with the source in view, and which the source does not make
more likely than it is alone, is evidence of a mistranslation there. A small logistic head
(``MeaningModel``, trained by ``bench/train_meaning.py`` on WMT24 ESA error spans and synthetic
errors with known spans; shipped as ``resources/meaning_head.npz``) turns per-token features
(``token_features``) into a probability of "inside an error span"; runs of tokens above
``threshold`` become character spans (``spans``), severity from the probability.

Pure numpy at inference; the LM runs in ``models/lm.py`` (and is cached there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..io.output import dumps

DEFAULT_HEAD = Path(__file__).resolve().parents[1] / "resources" / "meaning_head.npz"

# Column order of ``token_features``; the shipped head stores the same list.
TOKEN_FEATURES: tuple[str, ...] = (
    "cond", "prior", "gain", "cond_w", "gain_w", "cond_min_w", "cond_z", "gain_z",
    "sent_cond", "sent_gain", "pos", "n_log", "latin", "digit", "kata", "kanji", "hira", "punct",
)
WINDOW = 2  # tokens either side for the windowed columns


def _char_class(piece: str) -> list[float]:
    def has(lo: int, hi: int) -> float:
        return float(any(lo <= ord(c) <= hi for c in piece))

    latin = float(any(c.isascii() and c.isalpha() for c in piece))
    digit = float(any(c.isdigit() for c in piece))
    punct = float(bool(piece.strip()) and all(not c.isalnum() for c in piece.strip()))
    return [latin, digit, has(0x30A0, 0x30FF), has(0x4E00, 0x9FFF), has(0x3040, 0x309F), punct]


def _window(x: np.ndarray, fn: Any) -> np.ndarray:
    n = len(x)
    return np.array([fn(x[max(0, i - WINDOW) : i + WINDOW + 1]) for i in range(n)])


def token_features(text: str, cond: Sequence[float], prior: Sequence[float],
                   starts: Sequence[int], ends: Sequence[int]) -> np.ndarray:
    """(n tokens, len(TOKEN_FEATURES)) features of one translation's tokens."""
    c = np.asarray(cond, dtype=np.float64)
    p = np.asarray(prior, dtype=np.float64)
    n = len(c)
    if n == 0:
        return np.zeros((0, len(TOKEN_FEATURES)))
    if len(p) != n:
        raise ValueError(f"{n} conditional but {len(p)} prior token log-probs")
    g = c - p
    cw, gw, cmin = _window(c, np.mean), _window(g, np.mean), _window(c, np.min)
    cz = (c - c.mean()) / (c.std() + 1.0)
    gz = (g - g.mean()) / (g.std() + 1.0)
    cls = np.array([_char_class(text[a:b]) for a, b in zip(starts, ends, strict=True)])
    pos = np.arange(n) / max(1, n - 1)
    cols = [c, p, g, cw, gw, cmin, cz, gz, np.full(n, c.mean()), np.full(n, g.mean()), pos,
            np.full(n, np.log1p(n))]
    return np.column_stack([*cols, cls])


@dataclass(frozen=True)
class MeaningModel:
    """A logistic head over standardised ``TOKEN_FEATURES``; ``threshold`` / ``major`` cut its
    probability into flagged / major tokens."""

    version: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    major: float
    meta: dict[str, Any]

    def token_probs(self, X: np.ndarray) -> np.ndarray:
        if X.shape[0] == 0:
            return np.zeros(0)
        z = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(z @ self.coef + self.intercept)))


def _script(ch: str) -> str:
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or ch in "々〆ヶ":
        return "kanji"
    if 0x30A0 <= o <= 0x30FF:
        return "kata"
    return ""


def _widen(text: str, a: int, b: int) -> tuple[int, int]:
    """Extend a span that cuts into a run of kanji or katakana to the whole run (a word the
    LM's tokenizer split: 正 of 金正恩 -> 金正恩, プ of プーチン -> プーチン)."""
    while a > 0 and _script(text[a - 1]) and _script(text[a - 1]) == _script(text[a]):
        a -= 1
    while b < len(text) and _script(text[b]) and _script(text[b]) == _script(text[b - 1]):
        b += 1
    return a, b


def spans(probs: np.ndarray, starts: Sequence[int], ends: Sequence[int], threshold: float,
          text: str = "") -> list[tuple[int, int, float]]:
    """Runs of consecutive tokens with probability >= ``threshold`` as (start, end, max prob)
    character spans; leading / trailing white space of a span is trimmed, and a span that cuts
    into a kanji or katakana word is widened to the whole word (``_widen``; with ``text``).
    Overlapping spans after widening are merged."""
    out: list[tuple[int, int, float]] = []
    run: list[int] = []
    for i in [*range(len(probs)), -1]:
        if i >= 0 and probs[i] >= threshold:
            run.append(i)
            continue
        if run:
            a, b = starts[run[0]], ends[run[-1]]
            while text and a < b and text[a].isspace():
                a += 1
            while text and b > a and text[b - 1].isspace():
                b -= 1
            if text and b > a:
                a, b = _widen(text, a, b)
            if b > a:
                p = float(max(probs[run]))
                if out and a <= out[-1][1]:  # widened into the previous span
                    out[-1] = (out[-1][0], max(b, out[-1][1]), max(p, out[-1][2]))
                else:
                    out.append((a, b, p))
            run = []
    return out


def save_head(path: Path, model: MeaningModel) -> None:
    meta = {**model.meta, "version": model.version, "features": list(model.features),
            "intercept": model.intercept, "threshold": model.threshold, "major": model.major}
    np.savez_compressed(path, meta=np.array(dumps(meta)),
                        mean=model.mean, scale=model.scale, coef=model.coef)


@functools.cache
def load_head(path: str = "") -> MeaningModel:
    """The head at ``path`` ("" = the one shipped in the package), loaded once."""
    p = Path(path) if path else DEFAULT_HEAD
    if not p.is_file():
        raise ModelError(f"meaning model not found: {p}")
    try:
        z = np.load(p, allow_pickle=False)
        meta = json.loads(str(z["meta"]))
        model = MeaningModel(
            version=meta["version"], features=tuple(meta["features"]), mean=z["mean"].astype(np.float64),
            scale=z["scale"].astype(np.float64), coef=z["coef"].astype(np.float64),
            intercept=float(meta["intercept"]), threshold=float(meta["threshold"]),
            major=float(meta["major"]), meta=meta)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"cannot read meaning model {p}: {exc}") from None
    if model.features != TOKEN_FEATURES:
        raise ModelError(f"meaning model {p} was trained on other features; retrain it with bench/train_meaning.py")
    return model


def find_spans(lm: Any, srcs: Sequence[str], tgts: Sequence[str], head: MeaningModel
               ) -> list[list[tuple[int, int, float]]]:
    """Per pair, the (start, end, probability) character spans of the translation the head flags
    (``lm`` is a ``CausalLMScorer``; empty sides give no spans)."""
    both = [i for i, (s, t) in enumerate(zip(srcs, tgts, strict=True)) if s.strip() and t.strip()]
    out: list[list[tuple[int, int, float]]] = [[] for _ in srcs]
    if not both:
        return out
    sub_s, sub_t = [srcs[i] for i in both], [tgts[i] for i in both]
    cond = lm.token_logprobs("cond", sub_s, sub_t)
    prior = lm.token_logprobs("prior", [None] * len(sub_t), sub_t)
    for k, i in enumerate(both):
        text = tgts[i].strip()
        lead = len(tgts[i]) - len(tgts[i].lstrip())  # the LM scored the stripped text
        c, p = cond[k], prior[k]
        X = token_features(text, c.logprob, p.logprob, c.start, c.end)
        probs = head.token_probs(X)
        out[i] = [(a + lead, b + lead, pr) for a, b, pr in spans(probs, c.start, c.end, head.threshold, text)]
    return out
