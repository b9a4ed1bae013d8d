"""The `leakdesk` command: each subcommand is a thin call into the rooms of the app."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.settings import Settings, SettingsError, load_settings

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"leakdesk: {message}", err=True)
    return typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc)) from None


def database_problem(url: str, exc: Exception) -> str:
    where = make_url(url)
    target = (
        where.database
        if where.drivername.startswith("sqlite")
        else f"{where.host}:{where.port or 5432}"
    )
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return (
        f"cannot reach the database at {target} ({reason}). "
        "Check DATABASE_URL and that the server is running."
    )


def run(coro: Any, url: str | None = None) -> Any:
    try:
        return asyncio.run(coro)
    except OperationalError as exc:
        raise fail(database_problem(url or "sqlite://", exc)) from None


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the HTTP server: Slack events, Teams messages, ops pages and API, and the worker."""
    import uvicorn

    from app.logs import configure
    from app.main import create_app, prepare_database
    from app.runtime import build_runtime

    config = settings()
    configure(config.log_format, production=config.environment == "production")

    async def check() -> None:
        runtime = build_runtime(config)
        try:
            await prepare_database(runtime, auto_migrate=config.is_sqlite)
        finally:
            await runtime.close()

    from app.main import SchemaBehind

    try:
        run(check(), config.database_url)
    except SchemaBehind as exc:
        raise fail(str(exc)) from None
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_keep_alive=config.keepalive_seconds,
    )


@cli.command()
def worker() -> None:
    """Run the worker alone, without HTTP: Slack and Teams calls, follow-ups, the digest.

    Pair it with `LEAKDESK_WORKER=false leakdesk serve` so that acknowledgements never share a
    process (or its CPU) with the work they start; any number of each share the work table."""
    import signal

    from app.logs import configure
    from app.main import SchemaBehind, create_app

    config = settings()
    configure(config.log_format, production=config.environment == "production")
    if config.is_sqlite:
        logging.getLogger("leakdesk").warning(
            "leakdesk worker on SQLite: it shares the database's one write lock with the web "
            "process, and acknowledgements wait for it; on SQLite run one `leakdesk serve`, "
            "and split web and worker processes on PostgreSQL (docs/operations.md)"
        )
    app = create_app(config, start_worker=True)

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with app.router.lifespan_context(app):
            await stop.wait()

    try:
        run(go(), config.database_url)
    except SchemaBehind as exc:
        raise fail(str(exc)) from None


@cli.command()
def socket() -> None:
    """Run the Slack app over Socket Mode (no public URL needed), with the worker."""
    from app.logs import configure
    from app.main import SchemaBehind, prepare_database
    from app.runtime import build_runtime
    from app.slack.app import build_bolt_app, socket_mode_handler
    from app.work.scheduler import start_scheduler

    config = settings()
    if config.slack_app_token is None:
        raise fail(
            "SLACK_APP_TOKEN is needed for Socket Mode (an xapp-… token with connections:write)"
        )
    if not config.slack_enabled:
        raise fail("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are needed for Socket Mode")
    configure(config.log_format, production=config.environment == "production")
    app_token = config.slack_app_token.get_secret_value()

    async def go() -> None:
        runtime = build_runtime(config)
        try:
            await prepare_database(runtime, auto_migrate=config.is_sqlite)
            bolt = build_bolt_app(runtime)
            scheduler = start_scheduler(runtime.queue, interval=config.worker_interval)
            try:
                await socket_mode_handler(bolt, runtime, app_token).start_async()
            finally:
                scheduler.shutdown(wait=False)
        finally:
            await runtime.close()

    try:
        run(go(), config.database_url)
    except SchemaBehind as exc:
        raise fail(str(exc)) from None


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic upgrade head)."""
    from app.migrate import upgrade

    config = settings()
    try:
        upgrade(config.database_url)
    except OperationalError as exc:
        raise fail(database_problem(config.database_url, exc)) from None
    typer.echo("database schema is up to date")


@cli.command()
def verify(
    incident: Annotated[str, typer.Argument(help="Incident key (LEAK-2026-0001) or id.")],
) -> None:
    """Recompute an incident's timeline hash chain; exit 1 at the first event that does not match."""
    from app.incidents.service import NotFound
    from app.runtime import build_runtime

    config = settings()

    async def go() -> tuple[str, int, Any]:
        runtime = build_runtime(config)
        try:
            found = await runtime.service.find(incident)
            events = await runtime.service.timeline(found.id)
            return found.key, len(events), await runtime.service.verify(found.id)
        finally:
            await runtime.close()

    try:
        key, count, broken = run(go(), config.database_url)
    except NotFound:
        raise fail(f"no incident {incident}") from None
    if broken is not None:
        typer.echo(f"{key}: chain BROKEN at event #{broken.seq}: {broken.reason}")
        raise typer.Exit(1)
    typer.echo(f"{key}: chain intact ({count} events)")


@cli.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt stored free text with the first key of LEAKDESK_ENCRYPTION_KEY."""
    from app.incidents.crypto import reseal_all
    from app.runtime import build_runtime

    config = settings()
    if config.encryption_key is None:
        raise fail("LEAKDESK_ENCRYPTION_KEY is not set: nothing to rotate to")

    async def go() -> int:
        runtime = build_runtime(config)
        try:
            return await reseal_all(runtime.sessions)
        finally:
            await runtime.close()

    typer.echo(f"re-encrypted {run(go(), config.database_url)} rows with the newest key")


@cli.command("rekey-chains")
def rekey_chains() -> None:
    """Move every timeline's hash chain to the first key of LEAKDESK_CHAIN_KEY (verified first)."""
    from app.runtime import build_runtime

    config = settings()
    if config.chain_key is None:
        raise fail("LEAKDESK_CHAIN_KEY is not set: nothing to key the chains with")

    async def go() -> tuple[int, list[str]]:
        runtime = build_runtime(config)
        try:
            return await runtime.service.rekey_chains()
        finally:
            await runtime.close()

    done, refused = run(go(), config.database_url)
    typer.echo(f"re-keyed {done} timelines with the newest chain key")
    if refused:
        raise fail(f"left as they are, their chains do not verify: {', '.join(refused)}")


@cli.command()
def purge(
    days: Annotated[int | None, typer.Option(help="Closed for more than this many days.")] = None,
) -> None:
    """Drop the free text of incidents closed longer ago than the retention period."""
    from datetime import timedelta

    from app.runtime import build_runtime

    config = settings()
    days = days or config.retention_days
    if not days:
        raise fail("give --days or set LEAKDESK_RETENTION_DAYS")

    async def go() -> int:
        runtime = build_runtime(config)
        try:
            return await runtime.service.purge_closed(timedelta(days=days))
        finally:
            await runtime.close()

    typer.echo(f"purged the free text of {run(go(), config.database_url)} incidents")


def read_json(path: str) -> dict[str, Any]:
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise fail(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise fail(f"{path} must hold one JSON object of triage answers")
    return data


def parsed_answers(path: str):  # type: ignore[no-untyped-def]
    from app.triage import AnswersError, parse_answers

    try:
        return parse_answers(read_json(path))
    except AnswersError as exc:
        raise fail("invalid answers:\n  " + "\n  ".join(exc.errors)) from None


@cli.command()
def assess(
    file: Annotated[str, typer.Argument(help="Answers JSON file, or - for stdin.")],
    format: Annotated[str, typer.Option("--format", help="json or text")] = "json",
    lang: Annotated[str | None, typer.Option(help="ja or en (text format)")] = None,
) -> None:
    """Print the verdict for one set of triage answers."""
    from app.triage import PolicyError, load_policy, render
    from app.triage import assess as run_assess

    config = settings()
    answers = parsed_answers(file)
    try:
        policy = load_policy(config.policy_file) if config.policy_file else None
    except PolicyError as exc:
        raise fail(str(exc)) from None
    verdict = run_assess(answers, policy, tz=config.timezone)
    if format == "text":
        typer.echo(render.format_text(verdict, lang or config.language))
    elif format == "json":
        typer.echo(json.dumps(verdict.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        raise fail("--format must be json or text")


@cli.command()
def draft(
    file: Annotated[str, typer.Argument(help="Answers JSON file, or - for stdin.")],
    lang: Annotated[str, typer.Option(help="ja or en")] = "ja",
    check: Annotated[bool, typer.Option(help="Also print the checker's findings.")] = True,
) -> None:
    """Print the holding statement for one set of triage answers."""
    from datetime import datetime

    from app.statements import Company, check_statement, draft_statement
    from app.triage import assess as run_assess
    from app.triage import load_policy

    if lang not in ("ja", "en"):
        raise fail("--lang must be ja or en")
    config = settings()
    answers = parsed_answers(file)
    policy = load_policy(config.policy_file) if config.policy_file else None
    verdict = run_assess(answers, policy, tz=config.timezone).model_dump(mode="json")
    raw = answers.model_dump(mode="json", exclude_none=True)
    now = answers.discovered_at if answers.discovered_at else datetime.now(config.tz)
    statement = draft_statement(
        raw,
        verdict,
        lang,
        now=now,
        tz=config.timezone,
        company=Company(config.company_name, config.contact_point),
        template_dir=config.templates_dir,
    )
    typer.echo(statement.text)
    if check:
        for finding in check_statement(statement.text, lang, answers=raw, verdict=verdict):
            typer.echo(f"! {finding.code}: {finding.message(lang)}", err=True)


@cli.command()
def export(
    incident: Annotated[str, typer.Argument(help="Incident key (LEAK-2026-0001) or id.")],
    format: Annotated[
        str, typer.Option("--format", help="json, csv, md, ppc (PPC report) or ppc.json")
    ] = "json",
) -> None:
    """Print an incident's export: JSON (complete), CSV (timeline), Markdown, or the PPC report."""
    from app.incidents.service import NotFound
    from app.models import utcnow
    from app.ops.exports import FORMATS, load_bundle, render_text
    from app.runtime import build_runtime

    if format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    config = settings()

    async def go() -> list[str]:
        runtime = build_runtime(config)
        try:
            found = await runtime.service.find(incident)
            bundle = await load_bundle(runtime.service, found.id)
            return list(render_text(bundle, format, config.timezone, utcnow()))
        finally:
            await runtime.close()

    try:
        chunks = run(go(), config.database_url)
    except NotFound:
        raise fail(f"no incident {incident}") from None
    for chunk in chunks:
        typer.echo(chunk, nl=False)


@cli.command("teams-package")
def teams_package(
    out: Annotated[Path, typer.Option("--out", help="Where to write the zip.")] = Path(
        "leakdesk-teams.zip"
    ),
    version: Annotated[str, typer.Option(help="The app's version (raise it on each upload).")] = (
        "1.0.0"
    ),
    website: Annotated[str, typer.Option(help="Developer website (https).")] = (
        "https://github.com/leakdesk/leakdesk"
    ),
    privacy: Annotated[str | None, typer.Option(help="Privacy statement URL (https).")] = None,
    terms: Annotated[str | None, typer.Option(help="Terms of use URL (https).")] = None,
    developer: Annotated[str | None, typer.Option(help="Developer name.")] = None,
) -> None:
    """Write the Teams app package (manifest.json and icons) for TEAMS_APP_ID, ready to upload."""
    from app.teams.package import manifest, write_package

    config = settings()
    try:
        data = manifest(
            config,
            version=version,
            website=website,
            privacy=privacy or website,
            terms=terms or website,
            developer=developer or config.company_name or "leakdesk",
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"wrote {write_package(out, data)}")


@cli.command()
def drill(
    scenario: Annotated[
        str | None, typer.Argument(help="A built-in scenario id (see --list).")
    ] = None,
    answers: Annotated[
        str | None, typer.Option(help="Answers JSON (the assess contract): no prompts.")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="ja or en")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the built-in scenarios.")] = False,
) -> None:
    """Rehearse a leak on the embedded database: questions, verdicts, statement, follow-ups."""
    from app.drills.catalog import UnknownScenario, list_scenarios, load_scenario

    config = settings()
    lang = lang or config.language
    if lang not in ("ja", "en"):
        raise fail("--lang must be ja or en")
    if list_:
        typer.echo(t_("drill.list", lang))
        for item in list_scenarios():
            typer.echo(f"  {item.id:28} {item.title.get(lang)}")
        return
    try:
        chosen = load_scenario(scenario) if scenario else None
    except UnknownScenario as exc:
        raise fail(str(exc)) from None
    given = (
        dict(parsed_answers(answers).model_dump(mode="json", exclude_none=True))
        if answers
        else None
    )
    run(_drill(config, lang, chosen, given), config.database_url)


def t_(key: str, lang: str, **values: Any) -> str:
    from app.i18n import t

    return t(key, lang, **values)


async def _drill(config: Settings, lang: str, scenario: Any, given: dict[str, Any] | None) -> None:
    from datetime import datetime

    from app.drills.runner import DrillResult, DrillRunner
    from app.main import prepare_database
    from app.runtime import build_runtime

    runtime = build_runtime(config)
    try:
        await prepare_database(runtime, auto_migrate=config.is_sqlite)
        runner = DrillRunner(runtime.service, lang=lang, tz=config.timezone, say=typer.echo)
        if scenario is not None:
            typer.echo(f"{scenario.title.get(lang)}\n{scenario.narrative.get(lang)}")
            result = DrillResult(await runner.open(scenario.title.get(lang)))
            for step in scenario.steps:
                typer.echo(
                    "\n"
                    + t_(
                        "drill.reveal",
                        lang,
                        minutes=step.after_minutes,
                        text=step.narrative.get(lang),
                    )
                )
                await runner.answer(result, step.answers, say_unchanged=True)
        elif given is not None:
            aware = given.pop("discovered_at", None)
            result = DrillResult(await runner.open(t_("shortcut.title", lang)))
            if aware:
                await runner.discovered(result, datetime.fromisoformat(aware))
            await runner.answer(result, given)
        else:
            result = DrillResult(await runner.open(t_("shortcut.title", lang)))
            await runner.interview(result, _ask_in_terminal)
        await runner.finish(result)
    finally:
        await runtime.close()


def _ask_in_terminal(question: Any, lang: str) -> Any:
    """One question at a time, with its help text, as a person in the room would see it."""
    from rich.console import Console
    from rich.prompt import Prompt

    console = Console()

    def ask(key: str, **values: Any) -> str:
        # Input that ends (a pipe, /dev/null) leaves the remaining facts unknown.
        try:
            return Prompt.ask(t_(key, lang, **values), default="", show_default=False)
        except EOFError:
            return ""

    console.print(f"\n[bold]{question.text.get(lang)}[/bold]")
    console.print(f"[dim]{question.help.get(lang)}[/dim]")
    if question.kind == "number":
        raw = ask("drill.prompt_number")
        digits = raw.replace(",", "").strip()
        return int(digits) if digits.isdigit() else None
    if question.kind == "bool":
        raw = ask("drill.prompt_bool").strip().lower()
        return {"y": True, "yes": True, "n": False, "no": False}.get(raw)
    for number, option in enumerate(question.options, start=1):
        console.print(f"  {number}. {option.label.get(lang)}")
    multi = question.kind == "multi"
    while True:
        raw = ask("drill.prompt", multi=", …" if multi else "")
        picks = [p.strip() for p in raw.replace("、", ",").split(",") if p.strip()]
        if not picks:
            return None
        if all(p.isdigit() and 1 <= int(p) <= len(question.options) for p in picks):
            values = [question.options[int(p) - 1].value for p in picks]
            return values if multi else values[0]
        console.print(t_("drill.invalid", lang))


@cli.command()
def report(
    incident: Annotated[str, typer.Argument(help="Incident key (LEAK-2026-0001) or id.")],
    lang: Annotated[str | None, typer.Option(help="ja or en")] = None,
) -> None:
    """Print the after-action report of an incident or drill (Markdown)."""
    from app.drills.report import after_action_report
    from app.incidents.service import NotFound
    from app.runtime import build_runtime

    config = settings()

    async def go() -> str:
        runtime = build_runtime(config)
        try:
            found = await runtime.service.find(incident)
            return await after_action_report(
                runtime.service, found.id, lang=lang or found.language, tz=config.timezone
            )
        finally:
            await runtime.close()

    try:
        typer.echo(run(go(), config.database_url))
    except NotFound:
        raise fail(f"no incident {incident}") from None


token_cli = typer.Typer(help="API tokens for the ops API (stored as SHA-256 digests).")
cli.add_typer(token_cli, name="token")


@token_cli.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    workspace: Annotated[
        str | None, typer.Option(help="Limit it to one workspace's incidents.")
    ] = None,
) -> None:
    """Create an API token and print it once (only its digest is stored)."""
    import secrets

    from app.db import transaction
    from app.models import ApiToken, utcnow
    from app.ops.auth import token_digest
    from app.runtime import build_runtime

    config = settings()
    token = "ldk_" + secrets.token_urlsafe(32)

    async def go() -> None:
        runtime = build_runtime(config)
        try:
            async with transaction(runtime.sessions) as session:
                session.add(
                    ApiToken(
                        name=name,
                        digest=token_digest(token),
                        workspace_id=workspace,
                        created_at=utcnow(),
                    )
                )
        finally:
            await runtime.close()

    run(go(), config.database_url)
    typer.echo(token)


@token_cli.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The name given at creation.")]) -> None:
    """Revoke every token with this name."""
    from sqlalchemy import update

    from app.db import transaction
    from app.models import ApiToken, utcnow
    from app.runtime import build_runtime

    config = settings()

    async def go() -> int:
        runtime = build_runtime(config)
        try:
            async with transaction(runtime.sessions) as session:
                result = await session.execute(
                    update(ApiToken)
                    .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow())
                )
                return int(result.rowcount)
        finally:
            await runtime.close()

    count = run(go(), config.database_url)
    if not count:
        raise fail(f"no active token named {name!r}")
    typer.echo(f"revoked {count} token(s) named {name!r}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
