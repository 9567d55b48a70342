"""Alembic environment: runs on the connection :func:`mtreview.ui.store_migrate.upgrade` hands over.

The caller holds the lock and the transaction (the "sharing a connection" recipe of the
Alembic cookbook), so this file only configures the context and runs the migrations.
"""

from __future__ import annotations

from alembic import context

from mtreview.ui.store_schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
