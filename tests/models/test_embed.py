from __future__ import annotations

import numpy as np

from mtreview.models.embed import CachedEmbedder, HashingEmbedder


class Counting(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return super().encode(texts)


def test_cached_embedder_encodes_each_text_once_and_stays_bounded():
    inner = Counting()
    cached = CachedEmbedder(inner, size=3)
    a = cached.encode(["北朝鮮は日曜日", "Seoul", "北朝鮮は日曜日"])
    assert inner.seen == ["北朝鮮は日曜日", "Seoul"]
    np.testing.assert_array_equal(a, HashingEmbedder().encode(["北朝鮮は日曜日", "Seoul", "北朝鮮は日曜日"]))
    cached.encode(["Seoul", "Pyongyang", "Moscow", "Tokyo"])
    assert inner.seen[2:] == ["Pyongyang", "Moscow", "Tokyo"]
    assert len(cached._cache) == 3
    assert cached.encode([]).shape == (0, 256)
