"""The model bundle a review uses: one embedder and the optional translators and language model.

Built once by ``load_models(config)`` and passed to ``pipeline.review`` and ``quality``; the
steps never load a model themselves. ``describe()`` is what a review's meta records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import Config
from .embed import Embedder, get_embedder

if TYPE_CHECKING:
    from .lm import LogProbScorer
    from .translate import Translator


@dataclass(frozen=True)
class Models:
    """The models a review uses; built once and passed in (never loaded by the steps)."""

    embedder: Embedder
    translator: Translator | None = None  # EN -> JA ([models] translator)
    back_translator: Translator | None = None  # JA -> EN ([models] back_translator)
    lm: LogProbScorer | None = None  # language-model log-probabilities ([models] lm)

    def describe(self) -> dict[str, Any]:
        out = {"embedder": {"name": self.embedder.name, "version": self.embedder.version}}
        for key in ("back_translator", "lm", "translator"):
            model = getattr(self, key)
            if model is not None:
                out[key] = {"name": getattr(model, "name", str(model)), "version": getattr(model, "version", "")}
        return out


def load_models(config: Config) -> Models:
    """Build the models the configuration asks for (cached per process)."""
    lm = translator = back_translator = None
    if config.models.lm:
        from .lm import load_lm

        lm = load_lm(config.models.lm, config.models)  # the model itself loads on first use
    if config.models.translator or config.models.back_translator:
        from .translate import load_translator

        if config.models.translator:
            translator = load_translator(config.models.translator, config.models, "en", "ja")
        if config.models.back_translator:
            back_translator = load_translator(config.models.back_translator, config.models, "ja", "en")
    return Models(embedder=get_embedder(config.align.embedder), translator=translator,
                  back_translator=back_translator, lm=lm)
