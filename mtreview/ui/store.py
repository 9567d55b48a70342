"""Review decisions in a database (SQLAlchemy 2.x ORM): they must never be lost.

Tables: ``articles`` (stable id from a hash of name + both texts, status, reviewer),
``segment_states`` (edited translation, comment, reviewed, version, and who did each),
``flag_decisions`` (accept = real problem, reject = false positive, and who decided),
``suppressions`` (keys of rejected flags with their scope, fed back to
``pipeline.review(..., suppressed=...)``) and ``audit_log`` (every change).

Optimistic concurrency: every save names the version it was based on; if someone saved
in between, :class:`StaleWriteError` says who and when, carries the stored state (for a
diff), and nothing is overwritten. Each save is one transaction. SQLite runs in WAL mode.
The schema is brought up to date by Alembic migrations on open (:mod:`store_migrate`).
The URL comes from the caller, else ``MTREVIEW_DB``, else ``StoreConfig.url``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..config import StoreConfig
from ..errors import ConfigError, InputError
from ..io.output import dumps
from .store_records import ArticleState, FlagDecision, SegmentState, StaleWriteError, StoreError, Suppression
from .store_schema import ArticleRow, AuditRow, DecisionRow, SegmentRow, SuppressionRow

log = logging.getLogger(__name__)

ENV_URL = "MTREVIEW_DB"
STATUSES = ("in_progress", "done")
DECISIONS = ("accept", "reject")
SCOPES = ("article", "project", "global")  # how far a rejected flag is silenced
__all__ = ["ArticleState", "FlagDecision", "SegmentState", "StaleWriteError", "Store", "StoreError", "Suppression",
           "article_id", "resolve_url", "shown_url"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)


def article_id(name: str, src_text: str, tgt_text: str) -> str:
    """A stable article id: hash of the name and both texts."""
    blob = "\x1f".join((name, src_text, tgt_text)).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def resolve_url(url: str | None = None, config: StoreConfig | None = None) -> str:
    return url or os.environ.get(ENV_URL) or (config or StoreConfig()).url


def shown_url(url: str) -> str:
    """``url`` as it may be shown (a page, a log): its password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


def _reviewer(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InputError("enter the reviewer's name before saving")
    return name


class Store:
    """Pure-Python access to the review database (no streamlit here)."""

    def __init__(self, url: str | None = None, config: StoreConfig | None = None) -> None:
        self.url = resolve_url(url, config)
        shown = shown_url(self.url)
        try:
            self.engine = create_engine(self.url)
        except (SQLAlchemyError, ValueError) as exc:
            raise ConfigError(f"bad database URL {shown!r}: {exc}") from None
        except ImportError as exc:
            raise ConfigError(f"database URL {shown!r}: its driver is not installed ({exc}); install it, e.g."
                              " pip install 'mtreview[postgres]' for postgresql+psycopg://") from None
        if self.engine.dialect.name == "sqlite":
            if self.engine.url.database in (None, "", ":memory:"):
                raise ConfigError(f"database URL {shown!r}: an in-memory database would lose every decision;"
                                  " name a file (sqlite:///reviews.db)")
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            from . import store_migrate

            store_migrate.upgrade(self.url)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {shown}: {_first_line(exc)}") from None
        except StoreError as exc:
            raise StoreError(f"cannot open database {shown}: {exc}") from None
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        session = self._session()
        try:
            with session.begin():
                yield session
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {_first_line(exc)}") from None
        finally:
            session.close()

    # ---- articles ---------------------------------------------------------------------
    def open_article(self, name: str, src_text: str, tgt_text: str, source: str = "") -> ArticleState:
        """Register an article (idempotent) and return its state."""
        aid = article_id(name, src_text, tgt_text)
        try:
            with self._tx() as s:
                if s.get(ArticleRow, aid) is None:
                    now = _now()
                    s.add(ArticleRow(id=aid, name=name, src_text=src_text, tgt_text=tgt_text, source=source,
                                     status="in_progress", reviewer="", version=0, created_at=now,
                                     updated_at=now))
        except IntegrityError:
            pass  # opened concurrently by someone else: same content, same id
        return self.article(aid)

    def article(self, aid: str) -> ArticleState:
        with self._tx() as s:
            row = s.get(ArticleRow, aid)
            if row is None:
                raise InputError(f"no article {aid!r} in the review database")
            return _article_state(row)

    def articles(self) -> list[ArticleState]:
        with self._tx() as s:
            rows = s.scalars(select(ArticleRow).order_by(ArticleRow.updated_at.desc(), ArticleRow.id))
            return [_article_state(r) for r in rows]

    def set_status(self, aid: str, status: str, reviewer: str, base_version: int) -> ArticleState:
        if status not in STATUSES:
            raise InputError(f"unknown article status {status!r} (expected one of: {', '.join(STATUSES)})")
        who = _reviewer(reviewer)
        with self._tx() as s:
            row = s.get(ArticleRow, aid)
            if row is None:
                raise InputError(f"no article {aid!r} in the review database")
            before = row.status
            res = s.execute(
                update(ArticleRow).where(ArticleRow.id == aid, ArticleRow.version == base_version)
                .values(status=status, reviewer=who, version=base_version + 1, updated_at=_now())
            )
            if res.rowcount != 1:
                s.refresh(row)
                raise _stale(f"article {row.name!r}", row.reviewer, row.updated_at, row.version, base_version)
            _audit(s, who, aid, None, "status", {"before": before, "after": status})
        return self.article(aid)

    # ---- segments ---------------------------------------------------------------------
    def segment_states(self, aid: str) -> dict[int, SegmentState]:
        with self._tx() as s:
            rows = s.scalars(select(SegmentRow).where(SegmentRow.article_id == aid)).all()
            decs = s.scalars(select(DecisionRow).where(DecisionRow.article_id == aid)).all()
        by_seg: dict[int, list[DecisionRow]] = {}
        for d in decs:
            by_seg.setdefault(d.seg_id, []).append(d)
        return {r.seg_id: _segment_state(r, by_seg.get(r.seg_id, [])) for r in rows}

    def relocate(self, aid: str, segments: Sequence[tuple[int, str, str]], reviewer: str = "") -> dict[int, int]:
        """Move saved work to the segment that now holds its texts (the article was re-aligned).

        ``segments`` = (id, source, translation) of the current review. Saved work moves from id
        a to id b when the texts it was saved on are no longer a's but are exactly b's (and no
        other segment's), and b holds no saved work that stays. Edits, comments, decisions and
        suppressions move together in one transaction, audited. Returns {old id: new id}.
        """
        current = {sid: (src, tgt) for sid, src, tgt in segments}
        holders: dict[tuple[str, str], list[int]] = {}
        for sid, src, tgt in segments:
            holders.setdefault((src, tgt), []).append(sid)
        with self._tx() as s:
            rows = s.scalars(select(SegmentRow).where(SegmentRow.article_id == aid)).all()
            moves = {
                r.seg_id: holders[(r.src, r.tgt)][0] for r in rows
                if r.src is not None and current.get(r.seg_id) != (r.src, r.tgt)
                and len(holders.get((r.src, r.tgt), ())) == 1
            }
            while True:  # drop moves onto a segment whose own work stays or that two rows want
                staying = {r.seg_id for r in rows} - set(moves)
                wanted = Counter(moves.values())
                kept = {a: b for a, b in moves.items() if b not in staying and wanted[b] == 1}
                if kept == moves:
                    break
                moves = kept
            if not moves:
                return {}
            who = _reviewer(reviewer) if reviewer.strip() else "mtreview"
            for a in moves:  # first to a free negative id, so that a chain a -> b -> c never collides
                _move_segment(s, aid, a, -1 - a)
            for a, b in moves.items():
                _move_segment(s, aid, -1 - a, b)
            for a, b in sorted(moves.items()):
                _audit(s, who, aid, b, "relocate", {"before": a, "after": b})
        log.info("article %s: saved work of %d segment(s) moved after re-alignment", aid, len(moves))
        return moves

    def segment_state(self, aid: str, seg_id: int) -> SegmentState:
        return self.segment_states(aid).get(seg_id, SegmentState(seg_id))

    def save_segment(self, aid: str, seg_id: int, reviewer: str, base_version: int, *,
                     edit: str | None = None, comment: str | None = None, reviewed: bool | None = None,
                     decisions: tuple[FlagDecision, ...] = (), keep_edit: bool = True,
                     texts: tuple[str, str] | None = None) -> SegmentState:
        """Save a segment's edit / comment / reviewed mark and flag decisions in one transaction.

        Arguments left as None keep their stored value (``edit=None`` keeps the stored edit unless
        ``keep_edit`` is False). ``texts`` = (source, translation) of the segment as the reviewer
        saw it, recorded so that a later re-alignment can be noticed. ``base_version`` is the version
        the reviewer saw; if the stored version moved on, :class:`StaleWriteError` is raised and
        nothing is written.
        """
        who = _reviewer(reviewer)
        for d in decisions:
            if d.decision is not None and d.decision not in DECISIONS:
                raise InputError(f"unknown decision {d.decision!r} (expected accept or reject)")
            if d.scope not in SCOPES:
                raise InputError(f"unknown suppression scope {d.scope!r} (expected one of: {', '.join(SCOPES)})")
        now = _now()
        try:
            with self._tx() as s:
                if s.get(ArticleRow, aid) is None:
                    raise InputError(f"no article {aid!r} in the review database")
                row = s.get(SegmentRow, (aid, seg_id))
                if row is None:
                    if base_version != 0:
                        raise StaleWriteError(
                            f"segment {seg_id}: expected saved version {base_version} but it was never saved")
                    row = SegmentRow(article_id=aid, seg_id=seg_id, edit=None, comment="", reviewed=False,
                                     version=0, updated_by=who, updated_at=now)
                    s.add(row)
                    s.flush()
                before = {"edit": row.edit, "comment": row.comment, "reviewed": row.reviewed}
                after = {
                    "edit": edit if (edit is not None or not keep_edit) else row.edit,
                    "comment": row.comment if comment is None else comment,
                    "reviewed": row.reviewed if reviewed is None else bool(reviewed),
                }
                changes = {k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v}
                credits = {f"{_CREDIT[k]}_{x}": v for k in changes for x, v in (("by", who), ("at", now))}
                res = s.execute(
                    update(SegmentRow)
                    .where(SegmentRow.article_id == aid, SegmentRow.seg_id == seg_id,
                           SegmentRow.version == base_version)
                    .values(**after, **credits, version=base_version + 1, updated_by=who, updated_at=now,
                            **({"src": texts[0], "tgt": texts[1]} if texts else {}))
                )
                if res.rowcount != 1:
                    s.refresh(row)
                    decs = s.scalars(select(DecisionRow).where(DecisionRow.article_id == aid,
                                                               DecisionRow.seg_id == seg_id)).all()
                    raise _stale(f"segment {seg_id}", row.updated_by, row.updated_at, row.version,
                                 base_version, _segment_state(row, decs))
                if changes:
                    _audit(s, who, aid, seg_id, "segment", changes)
                project = _project(s.get(ArticleRow, aid))
                for d in decisions:
                    self._decide(s, aid, seg_id, d, who, now, project)
                s.execute(update(ArticleRow).where(ArticleRow.id == aid).values(updated_at=now))
        except IntegrityError as exc:
            raise StaleWriteError(f"segment {seg_id} was saved by someone else at the same time; reload "
                                  f"({exc.__class__.__name__})") from None
        return self.segment_state(aid, seg_id)

    def decide(self, aid: str, seg_id: int, reviewer: str, base_version: int, decision: FlagDecision,
               texts: tuple[str, str] | None = None) -> SegmentState:
        """Accept / reject / clear one flag (bumps the segment's version)."""
        return self.save_segment(aid, seg_id, reviewer, base_version, decisions=(decision,), texts=texts)

    def _decide(self, s: Session, aid: str, seg_id: int, d: FlagDecision, who: str, now: dt.datetime,
                project: str) -> None:
        row = s.get(DecisionRow, (aid, seg_id, d.flag_key))
        before = row.decision if row else None
        sup = s.get(SuppressionRow, (d.flag_key, aid, seg_id))
        if before == d.decision and (sup is None or sup.scope == d.scope):
            return
        if d.decision is None:
            s.delete(row)
        elif row is None:
            s.add(DecisionRow(article_id=aid, seg_id=seg_id, flag_key=d.flag_key, check=d.check, text=d.text,
                              decision=d.decision, reviewer=who, decided_at=now))
        else:
            row.decision, row.reviewer, row.decided_at = d.decision, who, now
        if d.decision == "reject" and sup is None:
            s.add(SuppressionRow(key=d.flag_key, article_id=aid, seg_id=seg_id, check=d.check, text=d.text,
                                 reviewer=who, created_at=now, scope=d.scope, project=project))
        elif d.decision == "reject":
            sup.scope, sup.reviewer, sup.created_at, sup.project = d.scope, who, now, project
        elif sup is not None:
            s.delete(sup)
        _audit(s, who, aid, seg_id, "decision",
               {"flag": d.flag_key, "check": d.check, "text": d.text, "before": before, "after": d.decision,
                **({"scope": d.scope} if d.decision == "reject" else {})})

    # ---- suppressions and audit -------------------------------------------------------
    def suppressions(self, for_article: str | None = None, project: str | None = None) -> list[Suppression]:
        """Rejections that silence flags in ``for_article`` (all of them when None and no ``project``).

        An article is silenced by other articles' rejections of scope ``global``, and of scope
        ``project`` made in an article opened from the same folder or batch (``ArticleState.source``;
        an uploaded article is a project of its own).
        Its own rejections are not returned: its reviewer sees those flags marked rejected.
        ``project`` without ``for_article``: those that reach an article not stored yet that would be
        opened from that source (``batch:<resolved folder>``; the dashboard's figures).
        """
        q = select(SuppressionRow).order_by(SuppressionRow.created_at, SuppressionRow.key)
        with self._tx() as s:
            if for_article is not None or project is not None:
                art = s.get(ArticleRow, for_article) if for_article is not None else None
                project = _project(art) if art is not None else project
                if for_article is not None:
                    q = q.where(SuppressionRow.article_id != for_article)
                q = q.where(or_(
                    SuppressionRow.scope == "global",
                    (SuppressionRow.scope == "project") & (SuppressionRow.project == project)))
            return [Suppression(r.key, r.check, r.text, r.article_id, r.seg_id, r.scope, r.project, r.reviewer,
                                r.created_at) for r in s.scalars(q)]

    def suppressed_keys(self, exclude_article: str | None = None) -> frozenset[str]:
        """Keys of rejected flags, for ``pipeline.review(..., suppressed=...)``.

        With ``exclude_article``: the keys that silence flags in that article (see
        :meth:`suppressions`); without: every rejected key, whatever its scope.
        """
        return frozenset(x.key for x in self.suppressions(exclude_article))

    def audit(self, aid: str | None = None) -> list[dict[str, Any]]:
        q = select(AuditRow).order_by(AuditRow.id)
        if aid is not None:
            q = q.where(AuditRow.article_id == aid)
        with self._tx() as s:
            return [
                {"at": r.at.isoformat(), "reviewer": r.reviewer, "article_id": r.article_id,
                 "seg_id": r.seg_id, "action": r.action, "detail": json.loads(r.detail)}
                for r in s.scalars(q)
            ]


def _project(art: ArticleRow) -> str:
    """The project a 'this project' rejection reaches: the folder or batch the article was opened
    from; an upload or the sample belongs to no project but itself."""
    if art.source.startswith(("folder:", "batch:")):
        return art.source
    return f"article:{art.id}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _move_segment(s: Session, aid: str, old: int, new: int) -> None:
    for table in (SegmentRow, DecisionRow, SuppressionRow):
        s.execute(update(table).where(table.article_id == aid, table.seg_id == old).values(seg_id=new))


_CREDIT = {"edit": "edited", "comment": "commented", "reviewed": "reviewed"}  # field -> credit column


def _segment_state(r: SegmentRow, decs: Sequence[DecisionRow]) -> SegmentState:
    return SegmentState(r.seg_id, r.edit, r.comment, r.reviewed, r.version, r.updated_by, r.updated_at,
                        tuple(sorted((d.flag_key, d.decision) for d in decs)), r.src, r.tgt,
                        r.edited_by, r.commented_by, r.reviewed_by,
                        tuple(sorted((d.flag_key, d.reviewer) for d in decs)),
                        tuple(sorted((d.flag_key, d.decided_at) for d in decs)))


def _article_state(r: ArticleRow) -> ArticleState:
    return ArticleState(r.id, r.name, r.src_text, r.tgt_text, r.source, r.status, r.reviewer, r.version,
                        r.updated_at)


def _stale(what: str, who: str, when: dt.datetime, version: int, base: int,
           current: SegmentState | None = None) -> StaleWriteError:
    return StaleWriteError(
        f"{what} was saved by {who or 'someone'} at {when:%Y-%m-%d %H:%M:%S} UTC after you opened it "
        f"(version {version}, yours was based on {base}); reload to see their change before saving",
        current)


def _audit(s: Session, who: str, aid: str, seg_id: int | None, action: str, detail: dict[str, Any]) -> None:
    s.add(AuditRow(at=_now(), reviewer=who, article_id=aid, seg_id=seg_id, action=action,
                   detail=dumps(detail)))


def _first_line(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
