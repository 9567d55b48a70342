"""Imports every check family so that each registers itself in CHECKS."""

from . import (  # noqa: F401
    alignment,
    boilerplate,
    consistency,
    glossary,
    numbers,
    orthography,
    punctuation,
    repetition,
    rules,
    style,
    tags,
    untranslated,
)
