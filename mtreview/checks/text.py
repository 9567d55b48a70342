"""Moved to ``mtreview.lang`` (``lang.ja``: scripts and width; ``lang.mecab``: MeCab tokens).

A re-export kept only so that branches written against the old name still import;
``scripts/relayout.py`` rewrites their imports and deletes this file.
"""

from ..lang.ja import JA_CHAR, JA_RE, KATAKANA_RUN, fold_width, is_ja, ja_ratio
from ..lang.mecab import Token, tokens, word_pieces

__all__ = ["JA_CHAR", "JA_RE", "KATAKANA_RUN", "Token", "fold_width", "is_ja", "ja_ratio", "tokens", "word_pieces"]
