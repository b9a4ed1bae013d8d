"""statements.kind, series and facts: the notice series (第1報, 第2報, …) and the pieces drafted
from the approved notice (social post, letter to the people concerned, internal Q&A)

Existing rows are the notice's first report. Versions now count per kind.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("statements") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="notice", nullable=False)
        )
        batch_op.add_column(sa.Column("series", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("facts", JSON, nullable=True))
        batch_op.drop_constraint("uq_statements_incident_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_statements_kind_version", ["incident_id", "kind", "version"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM statements WHERE kind <> 'notice'")
    with op.batch_alter_table("statements") as batch_op:
        batch_op.drop_constraint("uq_statements_kind_version", type_="unique")
        batch_op.create_unique_constraint("uq_statements_incident_id", ["incident_id", "version"])
        batch_op.drop_column("facts")
        batch_op.drop_column("series")
        batch_op.drop_column("kind")
