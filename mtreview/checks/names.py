"""Moved to ``mtreview.lang.names``; a re-export for branches written against the old name
(``scripts/relayout.py`` rewrites their imports and deletes this file)."""

from ..lang.names import en_skeleton, kata_skeleton, katakana_words, latin_names, similar, spells

__all__ = ["en_skeleton", "kata_skeleton", "katakana_words", "latin_names", "similar", "spells"]
