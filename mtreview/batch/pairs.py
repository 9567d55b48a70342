"""The articles of a batch: ``Pair`` (one article: its id, both sides and its metadata), its ``Side``
(a file path or the text itself), the ``Problem`` of an article that could not be paired, and
``safe_name``, the file-name stem of an article's result files.

Made by ``inputs.discover`` (folders) and ``manifests`` (manifest rows); read by the runner and the tables.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io.output import dumps

META_FIELDS = ("date", "desk", "translator")
_UNSAFE = re.compile(r"[^\w.\-]")
MAX_NAME_BYTES = 120  # longer ids become a truncated name + a hash (file names stop at 255 bytes)


@dataclass(frozen=True)
class Side:
    """One side of an article: a file to load or the text itself."""

    path: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.text is None):
            raise ValueError("a side is either a path or a text")

    def read_bytes(self) -> bytes:
        if self.path is not None:
            try:
                return Path(self.path).read_bytes()
            except OSError as exc:
                raise InputError(f"{self.path}: cannot read ({exc.strerror})") from None
        return (self.text or "").encode("utf-8")

    def hash_into(self, h: Any) -> None:
        """Feed the length and the bytes of this side to ``h``, reading a file in chunks (flat memory)."""
        if self.path is None:
            data = (self.text or "").encode("utf-8")
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
            return
        try:
            with Path(self.path).open("rb") as fh:
                h.update(os.fstat(fh.fileno()).st_size.to_bytes(8, "little"))
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read ({exc.strerror})") from None


@dataclass(frozen=True)
class Pair:
    """One article of a batch: id, English source, Japanese translation and metadata."""

    id: str
    src: Side
    tgt: Side
    meta: dict[str, str | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The file-system safe name of the article's result files."""
        return safe_name(self.id)

    def describe(self) -> dict[str, Any]:
        """The ``meta["article"]`` record of the contract (missing metadata = None)."""
        return {"id": self.id, "src_path": self.src.path, "tgt_path": self.tgt.path,
                **{k: self.meta.get(k) for k in META_FIELDS}}

    def input_hash(self) -> str:
        """A hash of everything the article's review depends on besides the configuration."""
        h = hashlib.sha256()
        self.src.hash_into(h)
        self.tgt.hash_into(h)
        Side(text=dumps(self.describe())).hash_into(h)
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Problem:
    """An article that could not even be paired (missing side, duplicate id ...)."""

    id: str
    reason: str
    src_path: str | None = None
    tgt_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "error": "InputError", "reason": self.reason,
                "src_path": self.src_path, "tgt_path": self.tgt_path}


def safe_name(article_id: str) -> str:
    """The file-name stem of an article: unsafe characters become ``_``; a name over
    ``MAX_NAME_BYTES`` (UTF-8) is cut and ends in ``~`` + a hash of the whole id, so it stays unique."""
    name = _UNSAFE.sub("_", article_id)
    name = "_" + name if name.startswith(".") or not name else name
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:16]
    head = name.encode("utf-8")[: MAX_NAME_BYTES - len(digest) - 1].decode("utf-8", errors="ignore")
    return f"{head}~{digest}"

