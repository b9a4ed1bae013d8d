"""schemathesis against the ops API's own OpenAPI schema: no 5xx, and every answer as documented."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.db import transaction
from app.incidents import schedule as followups
from app.main import create_app
from app.models import ApiToken, utcnow
from app.ops.auth import SESSION_COOKIE, Throttle, token_digest
from app.runtime import Runtime, build_runtime
from app.settings import Settings
from tests.conftest import make_settings
from tests.ops.conftest import AUTH, OPS_TOKEN, seed_incident

# SCHEMATHESIS_EXAMPLES=1000 for a longer run (docs/security.md, "Testing").
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one seeded app per operation, shared by its examples
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
SEEDED = [1, 2, 3, 4, 5]
REVOKED = "a-revoked-token"
FORGED = URLSafeTimedSerializer("not-our-secret", salt="leakdesk.ops.session").dumps(
    {"user": "ops-token"}
)
# What schemathesis draws for the security schemes (random bearer tokens and session cookies,
# or none), and a few refusals it would not think of.
REFUSED: dict[str, dict[str, str] | None] = {
    "generated": None,
    "none": {},
    "a revoked token": {"Authorization": f"Bearer {REVOKED}"},
    "another scheme": {"Authorization": f"Basic {OPS_TOKEN}"},
    "a session signed with another secret": {"Cookie": f"{SESSION_COOKIE}={FORGED}"},
}
SENT: Counter[tuple[str, int]] = Counter()


@dataclass
class Api:
    """The app on an event loop of its own: schemathesis drives plain (sync) test functions, and
    the database's connections must stay on the loop that opened them."""

    runner: asyncio.Runner
    client: httpx.AsyncClient

    def send(self, case: schemathesis.Case, credentials: dict[str, str] | None) -> httpx.Response:
        """The case as generated, its credentials replaced unless `credentials` is None."""
        kwargs = case.as_transport_kwargs(base_url="http://test")
        headers, cookies = dict(kwargs["headers"]), dict(kwargs["cookies"])
        if credentials is not None:
            headers.pop("Authorization", None)
            cookies.pop(SESSION_COOKIE, None)
            headers.update(credentials)
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        request = self.client.request(
            kwargs["method"], kwargs["url"], params=kwargs["params"], headers=headers
        )
        response = self.runner.run(request)
        SENT[case.operation.label, response.status_code] += 1
        return response


async def seed(runtime: Runtime) -> list[int]:
    """Incidents in every state the API can show: approved, drill, closed and purged, bare."""
    service = runtime.service
    followups.register(
        runtime.reactions, policy=lambda: service.policy, tz=runtime.settings.timezone
    )
    approved = await seed_incident(runtime)
    await service.approve(approved.id, 1, "U0LEAD1")
    drill = await seed_incident(
        runtime,
        note="カード 4242 4242 4242 4242 が添付されていた",
        title="<script>alert(1)</script> | ＤＲＩＬＬ",
        is_drill=True,
        workspace_id="T0001",
    )
    purged = await seed_incident(runtime, note="to be purged")
    await service.close(purged.id, "U0RESP1", "resolved: false alarm")
    real_clock = service.clock
    service.clock = lambda: real_clock() + timedelta(days=1)
    await service.purge_closed(timedelta(hours=1))
    service.clock = real_clock
    closed = await seed_incident(runtime, note="closed, kept")
    await service.close(closed.id, "U0RESP1", "")
    bare, _ = await service.open_incident(
        title="nothing answered yet", reporter_id="U2", platform="teams"
    )
    async with transaction(runtime.sessions) as session:
        digest = token_digest(REVOKED)
        session.add(ApiToken(name="old", digest=digest, created_at=utcnow(), revoked_at=utcnow()))
    return [approved.id, drill.id, purged.id, closed.id, bare.id]


@pytest.fixture(scope="module", autouse=True)
def request_counts(pytestconfig: pytest.Config) -> Iterator[None]:
    """The number of requests sent, by operation and status, after the module's tests."""
    started = time.perf_counter()
    yield
    by_operation: dict[str, Counter[int]] = {}
    for (label, status), count in sorted(SENT.items()):
        by_operation.setdefault(label, Counter())[status] += count
    lines = [f"schemathesis: {SENT.total()} requests in {time.perf_counter() - started:.1f} s"]
    lines += [f"  {label}: {dict(statuses)}" for label, statuses in by_operation.items()]
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + "\n".join(lines))


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    with asyncio.Runner() as runner:
        runtime = build_runtime(settings)
        app = create_app(settings, runtime=runtime, start_worker=False)
        # Hundreds of wrong tokens from one address would be throttled (429, tests/ops/
        # test_trust.py): here each must reach the check itself.
        app.state.auth_throttle = Throttle(limit=10**9)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        try:
            assert runner.run(seed(runtime)) == SEEDED, "a fresh database numbers incidents from 1"
            yield Api(runner, client)
        finally:
            runner.run(client.aclose())
            runner.run(runtime.close())


def served_schema() -> dict[str, object]:
    """The app's own /openapi.json, fetched in-process (no database is touched)."""

    async def fetch() -> dict[str, object]:
        settings = make_settings("sqlite+aiosqlite://", ops_token=OPS_TOKEN)
        runtime = build_runtime(settings)
        app = create_app(settings, runtime=runtime, start_worker=False)
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test"
            ) as client:
                document: dict[str, object] = (
                    await client.get("/openapi.json", headers=AUTH)
                ).json()
                return document
        finally:
            await runtime.close()

    return asyncio.run(fetch())


# Loaded at import, not with schemathesis.pytest.from_fixture: that loader sets
# `node._nodeid`, which pytest 9.2 no longer has (schemathesis 4.32).
DOCUMENT = served_schema()
schema = schemathesis.openapi.from_dict(DOCUMENT).include(path_regex="^/api/v1/")


@schema.hook
def before_generate_path_parameters(context, strategy):  # type: ignore[no-untyped-def]
    # Mostly incidents that exist, so answers are not all 404; generated ids still come too.
    if context.operation is None or "{incident_id}" not in context.operation.path:
        return strategy
    seeded = st.sampled_from([*SEEDED, len(SEEDED) + 1])
    # The operation's other path parameters (a statement's kind and version) as generated.
    existing = st.tuples(strategy, seeded).map(
        lambda drawn: (
            {**drawn[0], "incident_id": drawn[1]} if isinstance(drawn[0], dict) else drawn[0]
        )
    )
    return st.one_of(existing, strategy)


@schema.parametrize()
@FUZZ
def test_every_generated_request_is_answered_as_documented(
    case: schemathesis.Case, api: Api
) -> None:
    response = api.send(case, AUTH)
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@schema.given(refusal=st.sampled_from(list(REFUSED)))
@FUZZ
def test_every_request_without_valid_credentials_is_401(
    case: schemathesis.Case, api: Api, refusal: str
) -> None:
    response = api.send(case, REFUSED[refusal])
    assert response.status_code == 401, (refusal, response.status_code, response.text[:200])
    assert response.headers["www-authenticate"] == "Bearer"
    case.validate_response(response, checks=CHECKS)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "0", "2026-01-01T00:00:00"])
@pytest.mark.parametrize("param", ["opened_from", "opened_to"])
async def test_days_outside_the_calendar_or_not_iso_are_422(
    client: httpx.AsyncClient, param: str, day: str
) -> None:
    # 9999-12-31 and 0001-01-01 were a 500 (the local day's range overflowed datetime); 0 was
    # taken as 1970-01-01.
    response = await client.get("/api/v1/incidents", params={param: day}, headers=AUTH)
    assert response.status_code == 422, response.text
