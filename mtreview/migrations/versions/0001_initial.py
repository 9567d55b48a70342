"""The schema before migrations existed (mtreview up to the first Alembic release).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("src_text", sa.Text, nullable=False),
        sa.Column("tgt_text", sa.Text, nullable=False),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "segment_states",
        sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("seg_id", sa.Integer, primary_key=True),
        sa.Column("edit", sa.Text, nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewed", sa.Boolean, nullable=False),
        sa.Column("src", sa.Text, nullable=True),
        sa.Column("tgt", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "flag_decisions",
        sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("seg_id", sa.Integer, primary_key=True),
        sa.Column("flag_key", sa.String(128), primary_key=True),
        sa.Column("check", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "suppressions",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("seg_id", sa.Integer, primary_key=True),
        sa.Column("check", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("article_id", sa.String(64), nullable=False),
        sa.Column("seg_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_log", "suppressions", "flag_decisions", "segment_states", "articles"):
        op.drop_table(table)
