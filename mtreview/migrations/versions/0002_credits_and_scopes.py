"""Who did each action (edit, comment, reviewed mark) and the scope of a suppression.

Rows saved before this version credit every action to the segment's last saver
(``updated_by``), the only name the old schema kept. Old suppressions keep their old reach
(``global``); new ones default to the article they were made in.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CREDITS = ("edited", "commented", "reviewed")


def upgrade() -> None:
    with op.batch_alter_table("segment_states") as batch:
        for action in CREDITS:
            batch.add_column(sa.Column(f"{action}_by", sa.String(128), nullable=False, server_default=""))
            batch.add_column(sa.Column(f"{action}_at", sa.DateTime, nullable=True))
    seg = sa.table("segment_states", sa.column("edit"), sa.column("comment"), sa.column("reviewed", sa.Boolean),
                   sa.column("updated_by"), sa.column("updated_at"),
                   *(sa.column(f"{a}_{x}") for a in CREDITS for x in ("by", "at")))
    conditions = {"edited": seg.c.edit.is_not(None), "commented": seg.c.comment != "",
                  "reviewed": seg.c.reviewed.is_(True)}
    for action in CREDITS:
        op.execute(seg.update().where(conditions[action])
                   .values({f"{action}_by": seg.c.updated_by, f"{action}_at": seg.c.updated_at}))
    with op.batch_alter_table("suppressions") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="global"))
        batch.add_column(sa.Column("project", sa.String(1024), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("suppressions") as batch:
        batch.drop_column("project")
        batch.drop_column("scope")
    with op.batch_alter_table("segment_states") as batch:
        for action in CREDITS:
            batch.drop_column(f"{action}_at")
            batch.drop_column(f"{action}_by")
