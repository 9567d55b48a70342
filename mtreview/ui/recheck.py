"""Re-check a reviewer's edit: the flags and quality of the segment's current text.

:func:`recheck` puts the edited translation into its segment, runs the article's checks again
as :func:`pipeline.review` does (document context included: the other segments as saved, their
edits in place of their original texts;
the page debris removed from the Japanese side; suppression keys taken on the real text) and
scores the pair, and
compares the new flags with the old ones: an old flag of the translation whose words the edit
removed (``store_records.edit_removes``, the rule by which the progress line, J/K, the exports and
MQM count it as fixed once saved) is *resolved by the edit*; a new flag is *introduced by the edit*. Pure: no streamlit,
no store; the caller passes the models it already holds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..checks import Article, build_checks, load_glossary, run_checks
from ..config import Config
from ..io import cat
from ..pipeline import real_flags
from ..records import Flag, Review, Segment, Severity
from .store_records import edit_removes


@dataclass(frozen=True)
class Recheck:
    """The checks of one segment's current (edited) text against those of its original text."""

    seg_id: int
    text: str
    flags: tuple[Flag, ...]  # of the current text (offsets into ``text``)
    quality: float | None
    resolved: tuple[Flag, ...]  # old flags (offsets into the original) whose words the edit removed
    introduced: tuple[Flag, ...]  # flags of ``text`` the original did not have

    def blocking(self, at_least: Severity = Severity.MAJOR) -> tuple[Flag, ...]:
        """Introduced flags of ``at_least`` this severity: confirm before saving as reviewed."""
        return tuple(f for f in self.introduced if f.severity >= at_least)


def _same(flag: Flag) -> tuple[str, str, str]:
    """What makes two flags 'the same problem' across an edit: check, side and flagged words."""
    return flag.check, flag.side, " ".join(flag.text.split())


def recheck(review: Review, seg_id: int, text: str, config: Config, models: Any,
            suppressed: Collection[str] = (), edits: Mapping[int, str] | None = None) -> Recheck:
    """The flags and quality of segment ``seg_id`` when its translation reads ``text``.

    ``edits``: the saved translations of other segments (by id), which the article-wide checks
    (variants, inconsistency, width, quotes across segments) read instead of the originals.
    """
    from ..score import quality

    edits = edits or {}
    segments = tuple(dataclasses.replace(s, tgt=text, flags=()) if s.id == seg_id else
                     dataclasses.replace(s, tgt=edits.get(s.id, s.tgt), flags=()) for s in review.segments)
    idx = next(i for i, s in enumerate(segments) if s.id == seg_id)
    encode = getattr(getattr(models, "embedder", None), "encode", None)
    masked = tuple(dataclasses.replace(s, src=cat.mask(s.src), tgt=cat.mask(s.tgt)) for s in segments)  # as pipeline
    article = Article(segments=masked, removed_tgt=tuple(review.removed.get("tgt", ())),
                      glossary=load_glossary(config.checks.glossary), encode=encode)
    found = run_checks(article, build_checks(config.checks), config.checks.allow)[idx]
    flags = real_flags(found, segments[idx], suppressed)
    seg: Segment = dataclasses.replace(segments[idx], flags=flags)
    scored = quality.score_segments((seg,), models, config)
    old = review.segments[idx].flags
    new_keys, old_keys = {_same(f) for f in flags}, {_same(f) for f in old}
    return Recheck(seg_id, text, flags, scored.quality[0],
                   tuple(f for f in old if _same(f) not in new_keys and edit_removes(text, f.side, f.text)),
                   tuple(f for f in flags if _same(f) not in old_keys))
