"""Moved to ``mtreview.lang.numbers``; a re-export for branches written against the old name
(``scripts/relayout.py`` rewrites their imports and deletes this file)."""

from ..lang.numbers import HARD, ORDINALS, WEAK, WORD, Num, english_numbers, japanese_numbers, kanji_value

__all__ = ["HARD", "ORDINALS", "WEAK", "WORD", "Num", "english_numbers", "japanese_numbers", "kanji_value"]
