"""The two bare slack-bolt baselines that leakdesk's acknowledgement is measured against.

Same stack as leakdesk: slack-bolt's AsyncApp with `process_before_response=True`, mounted on
FastAPI through bolt's adapter, served by uvicorn (same loop and HTTP parser) in one process.

- `bare`: `/leak` only acknowledges: the floor of the stack.
- `durable`: `/leak` acknowledges after one committed INSERT into the same database leakdesk
  uses (same engine settings, from app.db): the floor for an acknowledgement that loses nothing.

Run: `python -m bench.baselines bare|durable --port N` with SLACK_SIGNING_SECRET, and
DATABASE_URL for `durable` (SLACK_API_URL/SLACK_BOT_TOKEN optional, as for leakdesk).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert

TABLE = "bench_ack_reports"
metadata = MetaData()
reports = Table(
    TABLE,
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32)),
    Column("user_id", String(32)),
    Column("channel_id", String(32)),
    Column("text", Text),
    Column("created_at", DateTime(timezone=True)),
)


def create_app(kind: str) -> FastAPI:
    if kind not in ("bare", "durable"):
        raise ValueError(kind)
    engine = None
    if kind == "durable":
        from app.db import create_engine, normalize_database_url

        engine = create_engine(normalize_database_url(os.environ["DATABASE_URL"]))

    client = AsyncWebClient(
        token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-bench"),
        base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
        timeout=10,
    )
    bolt = AsyncApp(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    @bolt.command("/leak")
    async def leak(ack: Any, command: dict[str, Any]) -> None:
        if engine is not None:
            async with engine.begin() as connection:
                await connection.execute(
                    insert(reports).values(
                        team_id=command.get("team_id"),
                        user_id=command.get("user_id"),
                        channel_id=command.get("channel_id"),
                        text=command.get("text", ""),
                        created_at=datetime.now(UTC),
                    )
                )
        await ack(text="Recorded.", response_type="ephemeral")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if engine is not None:
            async with engine.begin() as connection:
                await connection.run_sync(metadata.create_all)
        try:
            yield
        finally:
            if engine is not None:
                await engine.dispose()

    app = FastAPI(lifespan=lifespan)
    handler = AsyncSlackRequestHandler(bolt)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/slack/events")
    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["bare", "durable"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.kind), host="127.0.0.1", port=args.port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
