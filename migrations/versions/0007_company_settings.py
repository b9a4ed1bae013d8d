"""Company facts as workspace settings (issue 25, item 3): controller or processor by default,
listed company, public body — set once, applied to every new incident's triage.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models  # noqa: F401

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = app.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "company_settings",
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_company_settings"),
    )


def downgrade() -> None:
    op.drop_table("company_settings")
