from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from mtreview.records import Sentence

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest leaves ``sys.modules['__main__']`` pointing at its page script; a later
    multiprocessing "spawn" child would run that script (AppTest.from_function's fails there).
    Put the real one back after every test."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def seed_paths() -> tuple[Path, Path]:
    return SAMPLES / "seed.en.txt", SAMPLES / "seed.ja.txt"


class TableEncoder:
    """Toy embedder for alignment tests: one dimension per known translation pair; a text
    holding a part of pair k (a sentence, or a joined text) gets dimension k."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.parts = [(s, k) for k, pair in enumerate(pairs) for s in pair]
        self.dim = len(pairs) + 1

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for s, k in self.parts:
                if s in text:
                    out[i, k] += 1.0
            out[i, -1] += 0.05
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def sentences(texts: list[str], sep: str) -> list[Sentence]:
    """``texts`` as the sentences of one paragraph, joined by ``sep`` (character offsets as the
    segmenter gives them)."""
    out, pos = [], 0
    for t in texts:
        out.append(Sentence(len(out), pos, pos + len(t), t, 0))
        pos += len(t) + len(sep)
    return out


def picker(at):
    """The review page's segment picker in an AppTest run (its key is ``sel:<selected id>``)."""
    return next(w for w in at.selectbox if (w.key or "").startswith("sel:"))
