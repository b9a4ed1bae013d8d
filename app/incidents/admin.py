"""Administration: API tokens for the ops API (stored as digests) and re-sealing every stored
value after a key rotation — the rows that are not an incident's, written here all the same."""

from __future__ import annotations

from sqlalchemy import select, update

from app.incidents.crypto import reseal_all
from app.incidents.ledger import Ledger
from app.models import ApiToken


class Admin:
    """API tokens and key rotation; adapters (cli, ops) never write these rows themselves."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def create_api_token(self, name: str, digest: str, workspace_id: str | None) -> None:
        """Stores a token's digest (the token itself is shown once and never stored)."""
        async with self.ledger.write() as session:
            session.add(
                ApiToken(
                    name=name,
                    digest=digest,
                    workspace_id=workspace_id,
                    created_at=self.ledger.clock(),
                )
            )

    async def revoke_api_tokens(self, name: str) -> int:
        """Revokes every active token with this name; how many there were."""
        async with self.ledger.write() as session:
            result = await session.execute(
                update(ApiToken)
                .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
                .values(revoked_at=self.ledger.clock())
            )
            return int(result.rowcount)

    async def api_token(self, digest: str) -> ApiToken | None:
        """The active token with this digest, or None."""
        async with self.ledger.reads() as session:
            return (
                await session.execute(
                    select(ApiToken).where(ApiToken.digest == digest, ApiToken.revoked_at.is_(None))
                )
            ).scalar_one_or_none()

    async def reseal(self) -> int:
        """Re-encrypts every sealed value with the newest key (after adding one in front)."""
        return await reseal_all(self.ledger.sessions)
