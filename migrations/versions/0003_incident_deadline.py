"""incidents.deadline_at: the earliest legal clock not yet met, for sorting the ops list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

import app.models
from app.triage.clocks import legal_clocks

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.add_column(
            sa.Column("deadline_at", app.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_incidents_deadline", ["deadline_at", "id"], unique=False)
    _backfill()


def _backfill() -> None:
    """Open incidents get their earliest clock whose prompt is not marked done (a note naming a
    clock also counts once the service sees the incident's next event)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT i.id, v.data FROM incidents i JOIN verdicts v ON v.incident_id = i.id "
            "WHERE i.status = 'open' AND v.version = "
            "(SELECT max(version) FROM verdicts WHERE incident_id = i.id)"
        )
    ).all()
    for incident_id, data in rows:
        verdict = data if isinstance(data, dict) else _json(data)
        done = {
            kind
            for (kind,) in bind.execute(
                sa.text("SELECT kind FROM followups WHERE incident_id = :id AND state = 'done'"),
                {"id": incident_id},
            )
        }
        due: datetime | None = next(
            (c.due for c in legal_clocks(verdict) if c.name not in done), None
        )
        if due is not None:
            bind.execute(
                sa.table(
                    "incidents",
                    sa.column("id"),
                    sa.column("deadline_at", app.models.UTCDateTime(timezone=True)),
                )
                .update()
                .where(sa.column("id") == incident_id)
                .values(deadline_at=due)
            )


def _json(raw: object) -> dict:
    import json

    return json.loads(raw) if isinstance(raw, str | bytes) else {}


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_index("ix_incidents_deadline")
        batch_op.drop_column("deadline_at")
