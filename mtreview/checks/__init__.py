"""QA checks: one family per file, registered in ``CHECKS`` by a stable id.

Every check is a small class with ``id``, ``category`` (MQM-style), ``severity``,
``description`` and ``run(article) -> list[(segment index, Flag)]``. Checks never
mutate their input. ``run_checks`` runs the enabled ones and returns flags per segment,
sorted by position.
"""

from __future__ import annotations

from .base import CHECKS, Article, Check, build_checks, run_checks, suppression_key, unsuppressed
from .glossary import load_glossary

__all__ = ["CHECKS", "Article", "Check", "build_checks", "load_glossary", "run_checks", "suppression_key",
           "unsuppressed"]
