"""Bring a review database to the newest schema with Alembic, under a lock, on open.

:func:`upgrade` runs the migrations of ``mtreview/migrations`` in one transaction that holds
a database-wide lock, so that two processes opening a brand-new (or old) database at once
never race: the second waits, then finds the schema current. The lock is
``BEGIN EXCLUSIVE`` on SQLite and ``pg_advisory_xact_lock`` on PostgreSQL (other databases
get the transaction only). A database made before migrations existed (tables but no
``alembic_version``) is recognised and stamped as revision ``0001`` before upgrading; one written
by a newer mtreview (a revision not known here) is refused with a :class:`StoreError` that says so.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect

from .store_records import StoreError

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
BASE_REVISION = "0001"
_PG_LOCK = 0x6D747276  # "mtrv": the advisory lock id of mtreview's migrations
_SQLITE_WAIT_MS = 60_000


def _config(connection: Connection | None = None):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision id."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def revisions() -> set[str]:
    """Every revision id this mtreview has a migration for."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(connection: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _locking_engine(url: str) -> Engine:
    """An engine whose transactions take the migration lock first."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _manual_tx(dbapi_conn, _rec):  # let SQLAlchemy's BEGIN below be the real one
            dbapi_conn.isolation_level = None
            dbapi_conn.execute(f"PRAGMA busy_timeout={_SQLITE_WAIT_MS}")

        @event.listens_for(engine, "begin")
        def _exclusive(conn):
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
    return engine


def upgrade(url: str, revision: str = "head") -> str:
    """Migrate the database at ``url`` to ``revision`` under the lock; returns the revision reached."""
    from alembic import command

    engine = _locking_engine(url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            cfg = _config(conn)
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables and "articles" in tables:
                command.stamp(cfg, BASE_REVISION)  # made before migrations: that schema is 0001
            rev = current(conn)
            if rev is not None and rev not in revisions():
                raise StoreError(f"its schema revision {rev!r} is not one this mtreview knows (newest: {head()!r}):"
                                 " the database was written by a newer mtreview; upgrade mtreview to open it")
            command.upgrade(cfg, revision)
            return current(conn) or ""
    finally:
        engine.dispose()
