"""The review database's tables (SQLAlchemy 2.x ORM), used by :mod:`mtreview.ui.store`.

``articles`` (stable id from a hash of name + both texts, status, reviewer), ``segment_states``
(edited translation, comment, reviewed, version, and the texts it was saved on),
``flag_decisions`` (accept = real problem, reject = false positive), ``suppressions`` (keys of
rejected flags, with the scope they silence: article / project / global) and ``audit_log``
(every change, as JSON before/after). Who did what is kept per action: ``edited_by``,
``commented_by``, ``reviewed_by`` on a segment, ``reviewer`` on a decision.

These classes describe the newest schema; the database gets there through the Alembic
migrations in ``mtreview/migrations/versions`` (run on open by :mod:`mtreview.ui.store_migrate`).
A change here needs a new migration there (``tests/ui/test_store_migrate.py`` compares them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    src_text: Mapped[str] = mapped_column(Text)
    tgt_text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(1024), default="")  # where it was opened from
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    reviewer: Mapped[str] = mapped_column(String(128), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SegmentRow(Base):
    __tablename__ = "segment_states"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    seg_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edit: Mapped[str | None] = mapped_column(Text, nullable=True)  # None = translation unchanged
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    src: Mapped[str | None] = mapped_column(Text, nullable=True)  # the segment's texts when saved, to
    tgt: Mapped[str | None] = mapped_column(Text, nullable=True)  # notice a re-alignment moved them
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str] = mapped_column(String(128), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    edited_by: Mapped[str] = mapped_column(String(128), default="", server_default="")
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    commented_by: Mapped[str] = mapped_column(String(128), default="", server_default="")
    commented_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reviewed_by: Mapped[str] = mapped_column(String(128), default="", server_default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DecisionRow(Base):
    __tablename__ = "flag_decisions"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    seg_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_key: Mapped[str] = mapped_column(String(128), primary_key=True)  # checks.suppression_key
    check: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(8))
    reviewer: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SuppressionRow(Base):
    __tablename__ = "suppressions"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seg_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    scope: Mapped[str] = mapped_column(String(16), default="article", server_default="global")
    project: Mapped[str] = mapped_column(String(1024), default="", server_default="")


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    reviewer: Mapped[str] = mapped_column(String(128))
    article_id: Mapped[str] = mapped_column(String(64))
    seg_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: before/after values
