"""Roles, action items and a human severity call (issue 21, items 1-3)

incidents.roles (who holds each role), incidents.severity_call (the incident lead's call beside
the policy's verdict, with its reason) and the action_items table.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models  # noqa: F401

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = app.models.UTCDateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.add_column(sa.Column("roles", JSON, nullable=True))
        batch_op.add_column(sa.Column("severity_call", JSON, nullable=True))
    op.create_table(
        "action_items",
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "incident_id",
            ID,
            sa.ForeignKey(
                "incidents.id",
                ondelete="CASCADE",
                name="fk_action_items_incident_id_incidents",
            ),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.String(64), nullable=True),
        sa.Column("owner", sa.String(128), nullable=True),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("done_by", sa.String(128), nullable=True),
        sa.Column("done_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_items"),
        sa.UniqueConstraint("incident_id", "number", name="uq_action_items_number"),
        sa.UniqueConstraint("incident_id", "source", name="uq_action_items_source"),
    )


def downgrade() -> None:
    op.drop_table("action_items")
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_column("severity_call")
        batch_op.drop_column("roles")
