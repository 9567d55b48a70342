"""What the review store hands out: frozen records of articles, segments, decisions, suppressions.

Plain data (no SQLAlchemy here), re-exported by :mod:`mtreview.ui.store`, which builds them from
its tables; the UI and the exports read them.

A flag's *outcome* (:meth:`SegmentState.outcome`) is the reviewer's decision (accept / reject)
or, undecided, ``fixed`` when the saved edit no longer holds the flagged words of the
translation (:func:`edit_removes`): the progress line, J/K, the exports and MQM all read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import MtreviewError


class StaleWriteError(MtreviewError):
    """Someone else saved the same item after the version this save was based on.

    ``current`` is the stored segment state that won (None for an article status), so that
    the caller can show a diff before offering to overwrite it.
    """

    exit_code = 6

    def __init__(self, message: str, current: SegmentState | None = None) -> None:
        super().__init__(message)
        self.current = current


class StoreError(MtreviewError):
    """The database cannot be opened or written."""

    exit_code = 7


@dataclass(frozen=True)
class ArticleState:
    id: str
    name: str
    src_text: str
    tgt_text: str
    source: str
    status: str
    reviewer: str
    version: int
    updated_at: dt.datetime


FIXED = "fixed"  # the outcome of an undecided flag whose words the saved edit removed (never stored)
OUTCOME_LABELS = {"accept": "accepted", "reject": "rejected", FIXED: "fixed by the edit"}


def edit_removes(edit: str | None, side: str, text: str) -> bool:
    """An edit of the translation fixes a flag of it when the flagged words are no longer in it
    (spaces aside). A flag of the source, an empty one, or one whose words the edit kept is not fixed."""
    words = " ".join(text.split())
    return edit is not None and side == "tgt" and bool(words) and words not in " ".join(edit.split())


@dataclass(frozen=True)
class SegmentState:
    """What a reviewer did to one segment. ``version`` 0 = never saved."""

    seg_id: int
    edit: str | None = None
    comment: str = ""
    reviewed: bool = False
    version: int = 0
    updated_by: str = ""
    updated_at: dt.datetime | None = None
    decisions: tuple[tuple[str, str], ...] = ()  # (flag_key, accept|reject), sorted
    src: str | None = None  # the segment's source and translation as they were when saved
    tgt: str | None = None
    edited_by: str = ""  # who did each action last ("" = nobody)
    commented_by: str = ""
    reviewed_by: str = ""
    deciders: tuple[tuple[str, str], ...] = ()  # (flag_key, reviewer), sorted
    decided_times: tuple[tuple[str, dt.datetime], ...] = ()  # (flag_key, when decided), sorted

    def matches(self, src: str, tgt: str) -> bool:
        """False if this state was saved on other texts (the article was re-aligned since)."""
        return self.src is None or (self.src, self.tgt) == (src, tgt)

    def decision(self, flag_key: str) -> str | None:
        return dict(self.decisions).get(flag_key)

    def decided_by(self, flag_key: str) -> str | None:
        return dict(self.deciders).get(flag_key)

    def decided_at(self, flag_key: str) -> dt.datetime | None:
        return dict(self.decided_times).get(flag_key)

    def outcome(self, flag_key: str, side: str, text: str) -> str | None:
        """accept / reject as a reviewer decided; else ``fixed`` if the saved edit removed the flag's
        words (``side``, ``text``: the flag's); else None (still to decide)."""
        return self.decision(flag_key) or (FIXED if edit_removes(self.edit, side, text) else None)

    def outcome_by(self, flag_key: str, side: str, text: str) -> str | None:
        """Who decided the flag, or who made the edit that fixed it."""
        if self.decision(flag_key):
            return self.decided_by(flag_key)
        return (self.edited_by or self.updated_by or None) if edit_removes(self.edit, side, text) else None


@dataclass(frozen=True)
class FlagDecision:
    """One decision to save with a segment: ``decision`` None clears an earlier one."""

    flag_key: str
    check: str
    text: str
    decision: str | None
    scope: str = "article"  # for a reject: silence the flag in this article, its project, or everywhere


@dataclass(frozen=True)
class Suppression:
    """A rejected flag silenced beyond its own segment: who, when, and how far."""

    key: str
    check: str
    text: str
    article_id: str
    seg_id: int
    scope: str
    project: str
    reviewer: str
    created_at: dt.datetime
