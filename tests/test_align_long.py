"""Long documents: the banded path of ``align_long`` finds the beads of the dense DP, in a band whose
size grows linearly with the document."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mtreview import align, align_long
from mtreview.config import AlignConfig

LATIN = "bcdfghklmnprstvz"
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねの"


def _word(i: int, letters: str) -> str:
    return "".join(letters[(i // len(letters) ** d) % len(letters)] for d in range(4))


def synthetic(n: int, seed: int = 0, dim: int = 48):
    """``n`` English sentences and their translation with merges (2-1), omissions and additions,
    and an encoder giving each translation its source's vector plus noise."""
    rng, pick = np.random.default_rng(seed), random.Random(seed)
    src = [f"the {_word(i, LATIN)} said it was here" + " again" * pick.randrange(8) for i in range(n)]
    svec = rng.normal(size=(n, dim))
    vec = dict(zip(src, svec, strict=True))
    tgt: list[str] = []
    i = 0
    while i < n:
        x = pick.random()
        if x < 0.05 and i + 1 < n:  # two sentences in one
            text, v, i = _word(i, KANA) + "と" + "の" * ((len(src[i]) + len(src[i + 1])) // 3) + "。", \
                svec[i] + svec[i + 1] + 0.3 * rng.normal(size=dim), i + 2
        elif x < 0.07:  # omitted
            i += 1
            continue
        else:
            text, v = _word(i, KANA) + "は" + "の" * (len(src[i]) // 3) + "。", svec[i] + 0.5 * rng.normal(size=dim)
            i += 1
        tgt.append(text)
        vec[text] = v
        if pick.random() < 0.02:  # added
            text = "余計" + _word(len(tgt) + 9999, KANA) + "。"
            tgt.append(text)
            vec[text] = rng.normal(size=dim)

    def encode(texts):
        out = np.stack([vec[t] for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return src, tgt, encode


def _ids(beads):
    return [(b.src_ids, b.tgt_ids) for b in beads]


@pytest.mark.parametrize("with_blocks", [False, True])
def test_banded_path_finds_the_dense_beads(with_blocks):
    src, tgt, encode = synthetic(700)
    # the dense path sums sentence embeddings too (window_encode_limit 0): the same costs
    config = AlignConfig(window_encode_limit=0, block_cross_cost=1.0)
    blocks = ([i // 9 for i in range(len(src))], [j // 7 for j in range(len(tgt))]) if with_blocks else (None, None)
    if with_blocks:  # as many paragraphs would align pairwise; these align whole, with a crossing cost
        assert len(set(blocks[0])) != len(set(blocks[1]))
    dense = align.align(src, tgt, encode, config, *blocks)
    banded = align_long.align(src, tgt, encode, config, *blocks, shapes=align.bead_shapes(config.max_bead),
                              separator=align.SEPARATOR)
    assert _ids(banded) == _ids(dense)
    assert max(abs(a.score - b.score) for a, b in zip(banded, dense, strict=True)) < 1e-5
    assert sum(1 for b in dense if len(b.src_ids) == 2) > 10 and sum(1 for b in dense if not b.tgt_ids) > 10


def test_long_documents_take_the_banded_path(monkeypatch):
    src, tgt, encode = synthetic(120, seed=3)
    calls = []
    banded = align_long.align

    def spy(*args, **kwargs):
        calls.append(len(args[0]))
        return banded(*args, **kwargs)

    monkeypatch.setattr(align_long, "align", spy)
    short = align.align(src, tgt, encode, AlignConfig(window_encode_limit=0))
    assert calls == []
    monkeypatch.setattr(align, "LONG_CELLS", 100)
    beads = align.align(src, tgt, encode, AlignConfig(window_encode_limit=0))
    assert calls == [120]
    assert _ids(beads) == _ids(short)


def test_band_grows_linearly_with_the_document():
    cells = {}
    for n in (3000, 6000):
        src, tgt, encode = synthetic(n, seed=1, dim=16)
        lo, hi = align_long.coarse_band(encode(src), encode(tgt), 0.55, 30)
        assert lo[0] == 0 and hi[-1] == len(tgt) and (np.diff(lo) >= 0).all() and (np.diff(hi) >= 0).all()
        cells[n] = int((hi - lo + 1).sum())
    assert cells[6000] < 2.5 * cells[3000]  # quadratic would be 4x
    assert cells[6000] < 6000 * 200
