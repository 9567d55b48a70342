"""A tiny check registered only inside a test, so UI/store tests do not depend on which checks exist.

It flags the seed article's stuttering reported speech 「述べたと述べた」.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mtreview.checks.base import Check
from mtreview.registry import CHECKS

STUTTER_ID = "test_stutter"
STUTTER = "述べたと述べた"


@contextmanager
def registered_stutter() -> Iterator[str]:
    class Stutter(Check):
        id = STUTTER_ID
        category = "fluency/repetition"
        description = "The reporting verb is said twice."

        def run(self, article):
            out = []
            for i, seg in enumerate(article.segments):
                at = seg.tgt.find(STUTTER)
                if at >= 0:
                    out.append((i, self.flag("tgt", seg.tgt, at, at + len(STUTTER), "repeated reporting verb",
                                             suggestion="述べた")))
            return out

    CHECKS.add(STUTTER_ID, Stutter)
    try:
        yield STUTTER_ID
    finally:
        CHECKS.remove(STUTTER_ID)
