"""One review embeds each distinct text once (sentences, windows, clauses), and the cache that
makes it so changes nothing: the review equals the one made with the bare embedder."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mtreview import pipeline
from mtreview.config import Config
from mtreview.io.load import load_document
from mtreview.models.bundle import Models
from mtreview.models.embed import CachedEmbedder, HashingEmbedder

SAMPLES = Path(__file__).resolve().parents[1] / "mtreview" / "resources" / "samples"


class CountingEmbedder(HashingEmbedder):
    """A batch-independent fake encoder that records every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.seen.update(texts)
        return super().encode(texts)


def _review(embedder) -> pipeline.Review:
    src = load_document(SAMPLES / "seed.en.txt", "en")
    tgt = load_document(SAMPLES / "seed.ja.txt", "ja")
    return pipeline.review(src, tgt, Config(), Models(embedder=embedder))


def test_review_embeds_each_text_once_and_equals_the_uncached_review():
    bare = CountingEmbedder()
    uncached = _review(bare)
    inner = CountingEmbedder()
    cached = _review(CachedEmbedder(inner))

    assert inner.seen, "the review embedded nothing: the test would prove nothing"
    assert max(inner.seen.values()) == 1, [t for t, n in inner.seen.items() if n > 1][:3]
    # the steps ask for some texts more than once (the scorer re-reads the aligned sentences),
    # so the cache is what keeps them to one encoding each
    assert max(bare.seen.values()) > 1
    assert set(inner.seen) == set(bare.seen)
    assert inner.calls <= bare.calls
    assert cached.segments == uncached.segments
    assert cached.meta == uncached.meta


def test_a_second_review_of_the_same_article_embeds_nothing_new():
    inner = CountingEmbedder()
    embedder = CachedEmbedder(inner)
    first = _review(embedder)
    calls = inner.calls
    second = _review(embedder)
    assert inner.calls == calls
    assert max(inner.seen.values()) == 1
    assert second.segments == first.segments
