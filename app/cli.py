"""The `leakdesk` command: each subcommand is a thin call into the rooms of the app.

Long because every command's options and help text live in its signature (Typer reads them
there); the work each one does is a call into the service, triage or statements."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from typer.core import TyperArgument

from app.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from app.runtime import Runtime

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, rich_markup_mode=None)


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
    except ProgrammingError:  # a table missing although the schema's revision looked current
        raise fail(
            f"{where(url or 'sqlite://')} lacks leakdesk's tables: run `leakdesk migrate`"
        ) from None


def where(url: str) -> str:
    """The database as a person would name it: its file, or host:port/name."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return f"the database file {parsed.database}"
    return f"the database {parsed.host}:{parsed.port or 5432}/{parsed.database}"


def schema_refusal(url: str, behind: Exception) -> str:
    """A schema that is behind, said of the database it is in."""
    detail, place = str(behind), where(url)
    if detail.startswith("the database "):  # "the database has no leakdesk schema yet"
        return f"{place} {detail.removeprefix('the database ')}"
    return f"{place}: {detail}"


def refuse_missing_file(config: Settings) -> None:
    file = make_url(config.database_url).database if config.is_sqlite else None
    if file and file != ":memory:" and not Path(file).exists():
        raise fail(
            f"no leakdesk database at {Path(file).resolve()}: run this where it is, set "
            "DATABASE_URL, or create it with `leakdesk migrate`"
        )


@asynccontextmanager
async def opened(config: Settings, *, migrate_sqlite: bool = False) -> AsyncIterator[Runtime]:
    """The runtime on a database that exists and whose schema is current; otherwise one line
    saying what to run. Commands that only read never create a SQLite file."""
    if not migrate_sqlite:
        refuse_missing_file(config)
    # Imported once the file is known to be there: refusing a missing one needs neither.
    from app.migrate import SchemaBehind, prepare_database
    from app.runtime import build_runtime

    runtime = build_runtime(config)
    try:
        try:
            auto = migrate_sqlite and config.is_sqlite
            await prepare_database(runtime.engine, config.database_url, auto_migrate=auto)
        except SchemaBehind as exc:
            raise fail(schema_refusal(config.database_url, exc)) from None
        yield runtime
    finally:
        await runtime.close()


# 0.25 ms, not 1 (issue 24, docs/performance-history.md, session 18): paced at 20 reports a second on
# SQLite, the acknowledgement's p99 over the durable bolt app's was 1.08-1.32 in four probes of
# five rounds each, against 0.98-1.59 at 1 ms and 1.19-1.41 at Python's default 5 ms.
SWITCH_INTERVAL_S = 0.00025


@cli.command()
def serve(
    host: Annotated[str, typer.Option(metavar="HOST", help="Interface to listen on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8000,
) -> None:
    """Run the HTTP server: Slack events, Teams messages, ops pages and API, and the worker."""
    import uvicorn

    from app.logs import configure
    from app.main import create_app
    from app.ops.auth import KeyboardSignIn

    config = settings()
    configure(config.log_format, production=config.environment == "production")
    # The worker's SQLite reads run in aiosqlite's threads, and the event loop waits for the GIL
    # to come back from them: up to one switch interval each time (Python's default is 5 ms),
    # which an acknowledgement in progress waits with it.
    sys.setswitchinterval(SWITCH_INTERVAL_S)

    async def check() -> None:
        async with opened(config, migrate_sqlite=True):
            pass

    run(check(), config.database_url)
    keyboard, token = None, ""
    if KeyboardSignIn.wanted(config):
        config, keyboard, token = KeyboardSignIn.start(config)
    app = create_app(config)
    if keyboard is not None:
        app.state.keyboard_sign_in = keyboard
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        typer.echo(
            f"Ops pages: open http://{shown}:{port}/login/once/{token} in this machine's browser "
            "(a one-time link for the person at this keyboard; lasting sign-in: docs/ops.md)",
            err=True,
        )
    # The modules and the app built above are most of the heap, and live as long as the
    # process: each full collection walked them all, 100-130 ms in which the event loop (and any
    # acknowledgement arriving) waited. Frozen, the collector never walks them again.
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
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
    from app.main import create_app
    from app.migrate import SchemaBehind

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
        raise fail(schema_refusal(config.database_url, exc)) from None


@cli.command()
def socket() -> None:
    """Run the Slack app over Socket Mode (no public URL needed), with the worker."""
    from app.logs import configure
    from app.slack.app import build_bolt_app, socket_mode_handler
    from app.work.scheduler import schedule_housekeeping, start_scheduler, tick_interval

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
        async with opened(config, migrate_sqlite=True) as runtime:
            bolt = build_bolt_app(runtime)
            # (Socket Mode does not LISTEN: only its tick finds rows other processes write.)
            interval = tick_interval(config.worker_interval, told=False)
            scheduler = start_scheduler(runtime.queue, interval=interval)
            schedule_housekeeping(scheduler, runtime.service.forget_deliveries)
            try:
                await socket_mode_handler(bolt, runtime, app_token).start_async()
            finally:
                scheduler.shutdown(wait=False)

    run(go(), config.database_url)


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
    incident: Annotated[
        str, typer.Argument(metavar="ID", help="Incident key (LEAK-2026-0001) or id.")
    ],
) -> None:
    """Recompute an incident's timeline hash chain; exit 1 at the first event that does not match."""
    from app.incidents.service import NotFound

    config = settings()

    async def go() -> tuple[str, int, Any]:
        async with opened(config) as runtime:
            found = await runtime.service.find(incident)
            events = await runtime.service.timeline(found.id)
            return found.key, len(events), await runtime.service.verify(found.id)

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

    config = settings()
    if config.encryption_key is None:
        raise fail("LEAKDESK_ENCRYPTION_KEY is not set: nothing to rotate to")

    async def go() -> int:
        async with opened(config) as runtime:
            return await runtime.service.reseal()

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
    days: Annotated[
        int | None, typer.Option(metavar="DAYS", help="Closed for more than this many days.")
    ] = None,
) -> None:
    """Drop the free text of incidents closed longer ago than the retention period."""
    from datetime import timedelta

    config = settings()
    days = days or config.retention_days
    if not days:
        raise fail("give --days or set LEAKDESK_RETENTION_DAYS")

    async def go() -> int:
        async with opened(config) as runtime:
            return await runtime.service.purge_closed(timedelta(days=days))

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
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="Answers JSON file (docs/answers.md), or - for stdin."),
    ],
    format: Annotated[str, typer.Option("--format", metavar="json|text", help="json or text")] = (
        "json"
    ),
    lang: Annotated[
        str | None,
        typer.Option(metavar="ja|en", help="Text in this language only (default: both)."),
    ] = None,
) -> None:
    """Print the verdict for one set of triage answers."""
    from app.triage import PolicyError, load_policy, render
    from app.triage import assess as run_assess

    if format not in ("json", "text"):
        raise fail("--format must be json or text")
    if lang is not None:
        language(lang)
    config = settings()
    answers = parsed_answers(file)
    try:
        policy = load_policy(config.policy_file) if config.policy_file else None
    except PolicyError as exc:
        raise fail(str(exc)) from None
    verdict = run_assess(answers, policy, tz=config.timezone)
    if format == "text":
        typer.echo(render.format_text(verdict, lang or config.language, both=lang is None))
    else:
        typer.echo(json.dumps(verdict.model_dump(mode="json"), ensure_ascii=False, indent=2))


@cli.command()
def draft(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="Answers JSON file (docs/answers.md), or - for stdin."),
    ],
    lang: Annotated[str, typer.Option(metavar="ja|en", help="ja or en")] = "ja",
    kind: Annotated[
        str,
        typer.Option(
            metavar="notice|social|letter|qa",
            help="The notice (default), or a piece of the pack drafted from it.",
        ),
    ] = "notice",
    format: Annotated[
        str, typer.Option(metavar="md|html", help="Markdown (default) or HTML for a CMS.")
    ] = "md",
    url: Annotated[
        str | None, typer.Option(metavar="URL", help="The notice's address (social post).")
    ] = None,
    check: Annotated[bool, typer.Option(help="Also print the checker's findings.")] = True,
) -> None:
    """Print the holding statement, or a piece of the pack, for one set of triage answers."""
    from datetime import datetime

    from app.statements import Company, check_statement, draft_statement
    from app.statements.pack import PIECES, check_piece, draft_piece, render_html
    from app.triage import assess as run_assess
    from app.triage import load_policy

    language(lang)
    if kind not in ("notice", *PIECES):
        raise fail(f"--kind must be one of notice, {', '.join(PIECES)}")
    if format not in ("md", "html"):
        raise fail("--format must be md or html")
    config = settings()
    answers = parsed_answers(file)
    policy = load_policy(config.policy_file) if config.policy_file else None
    verdict = run_assess(answers, policy, tz=config.timezone).model_dump(mode="json")
    raw = answers.model_dump(mode="json", exclude_none=True)
    # Written now, not at discovery: a draft dated at discovery promises updates already past.
    now = datetime.now(config.tz)
    company = Company(config.company_name, config.contact_point)
    notice = draft_statement(
        raw,
        verdict,
        lang,
        now=now,
        tz=config.timezone,
        company=company,
        template_dir=config.templates_dir,
    ).text
    if kind == "notice":
        text = notice
        findings = check_statement(
            text, lang, answers=raw, verdict=verdict, now=now, tz=config.timezone
        )
    else:
        text = draft_piece(
            kind,
            notice=notice,
            answers=raw,
            verdict=verdict,
            company=company,
            lang=lang,
            now=now,
            tz=config.timezone,
            notice_url=url,
        )
        findings = check_piece(kind, text, notice=notice, answers=raw, lang=lang, now=now)
    typer.echo(render_html(text) if format == "html" else text)
    if check:
        for finding in findings:
            typer.echo(f"! {finding.code}: {finding.message(lang)}", err=True)


@cli.command()
def export(
    incident: Annotated[
        str, typer.Argument(metavar="ID", help="Incident key (LEAK-2026-0001) or id.")
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="json|csv|md|ppc|ppc.json|pdf",
            help="json, csv, md, ppc (PPC report), ppc.json, or pdf (PPC + after-action report)",
        ),
    ] = "json",
) -> None:
    """Print an incident's export: JSON (complete), CSV (timeline), Markdown, the PPC report, or
    a PDF of the PPC report and the after-action report (redirect it to a file)."""
    from app.incidents.service import NotFound
    from app.models import utcnow
    from app.ops.exports import FORMATS, load_bundle, render_text
    from app.ops.pdf import NoFont, incident_pdf

    if format != "pdf" and format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, pdf")
    if format == "pdf" and sys.stdout.isatty():
        raise fail(f"a PDF is binary: send it to a file, e.g. > {incident.upper()}.pdf")
    config = settings()

    async def go() -> list[str] | bytes:
        async with opened(config) as runtime:
            found = await runtime.service.find(incident)
            if format == "pdf":
                return await incident_pdf(
                    runtime.service, found.id, tz=config.timezone, now=utcnow()
                )
            bundle = await load_bundle(runtime.service, found.id)
            return list(render_text(bundle, format, config.timezone, utcnow()))

    try:
        out = run(go(), config.database_url)
    except NotFound:
        raise fail(f"no incident {incident}") from None
    except NoFont as exc:
        raise fail(str(exc)) from None
    if isinstance(out, bytes):
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
        return
    for chunk in out:
        typer.echo(chunk, nl=False)


@cli.command("teams-package")
def teams_package(
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write the zip.")
    ] = Path("leakdesk-teams.zip"),
    version: Annotated[
        str, typer.Option(metavar="X.Y.Z", help="The app's version (raise it on each upload).")
    ] = ("1.0.0"),
    website: Annotated[str, typer.Option(metavar="URL", help="Developer website (https).")] = (
        "https://github.com/leakdesk/leakdesk"
    ),
    privacy: Annotated[
        str | None, typer.Option(metavar="URL", help="Privacy statement URL (https).")
    ] = None,
    terms: Annotated[
        str | None, typer.Option(metavar="URL", help="Terms of use URL (https).")
    ] = None,
    developer: Annotated[str | None, typer.Option(metavar="NAME", help="Developer name.")] = None,
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
        str | None,
        typer.Argument(metavar="SCENARIO|close", help="A built-in scenario id (see --list)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="With close: the drill's key.", show_default=False),
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="Answers JSON (docs/answers.md): no prompts."),
    ] = None,
    lang: Annotated[str | None, typer.Option(metavar="ja|en", help="ja or en")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the built-in scenarios.")] = False,
) -> None:
    """Rehearse a leak on the embedded database: questions, verdicts, statement, follow-ups.

    `leakdesk drill close DRILL-2026-0001` closes a drill."""
    from app.drills.catalog import UnknownScenario, list_scenarios, load_scenario

    config = settings()
    lang = language(lang or config.language)
    if list_:
        typer.echo(t_("drill.list", lang))
        for item in list_scenarios():
            typer.echo(f"  {item.id:28} {item.title.get(lang)}")
        return
    if scenario == "close":
        if not target:
            raise fail(t_("drill.close_usage", lang))
        typer.echo(run(_close_drill(config, lang, target), config.database_url))
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


def language(lang: str) -> str:
    if lang not in ("ja", "en"):
        raise fail("--lang must be ja or en")
    return lang


def t_(key: str, lang: str, /, **values: Any) -> str:
    from app.i18n import t

    return t(key, lang, **values)


async def _close_drill(config: Settings, lang: str, key: str) -> str:
    from app.incidents.service import NotFound

    async with opened(config) as runtime:
        try:
            incident = await runtime.service.find(key)
        except NotFound:
            raise fail(f"no incident {key}") from None
        if not incident.is_drill:
            raise fail(t_("drill.not_a_drill", lang, key=incident.key))
        if incident.status == "closed":
            return t_("command.closed_already", lang, key=incident.key).replace("*", "")
        await runtime.service.close(incident.id, "drill")
        return t_("drill.closed", lang, key=incident.key)


async def _drill(config: Settings, lang: str, scenario: Any, given: dict[str, Any] | None) -> None:
    from datetime import datetime

    from app.drills.runner import DrillResult, DrillRunner
    from app.triage.typed import read_time

    async with opened(config, migrate_sqlite=True) as runtime:
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
                await runner.answer(result, step.answers_in(lang), say_unchanged=True)
        elif given is not None:
            aware = given.pop("discovered_at", None)
            result = DrillResult(await runner.open(t_("shortcut.title", lang)))
            if aware:
                await runner.discovered(result, datetime.fromisoformat(aware))
            await runner.answer(result, given)
        else:
            terminal = Terminal(lang)
            title = terminal.line(t_("drill.prompt_summary", lang))
            result = DrillResult(await runner.open(title or t_("shortcut.title", lang)))
            now = runtime.service.clock()
            when = terminal.read(
                t_("drill.prompt_discovered", lang),
                lambda raw: read_time(raw, now=now, tz=config.timezone),
                "drill.unreadable.time",
            )
            if when is not None:
                await runner.discovered(result, when)
            await runner.interview(result, terminal.ask)
        await runner.finish(result)


class Terminal:
    """Asks in the terminal, one question at a time, as a person in the room would see it; reads
    what people type (app.triage.typed) and asks again, with an example, when it cannot."""

    def __init__(self, lang: str) -> None:
        from rich.console import Console

        self.lang = lang
        self.console = Console()

    def line(self, prompt: str) -> str | None:
        from rich.prompt import Prompt

        # Input that ends (a pipe, /dev/null) leaves the remaining facts unknown.
        try:
            return Prompt.ask(prompt, default="", show_default=False).strip()
        except EOFError:
            return None

    def read(self, prompt: str, read: Any, unreadable: str) -> Any:
        from app.triage.typed import Unreadable

        while True:
            raw = self.line(prompt)
            if raw is None:
                return None
            try:
                return read(raw)
            except Unreadable:
                self.console.print(t_(unreadable, self.lang, text=raw), markup=False)

    def ask(self, question: Any, lang: str) -> Any:
        from app.triage.typed import read_answer

        self.console.print(f"\n[bold]{question.text.get(lang)}[/bold]")
        self.console.print(f"[dim]{question.help.get(lang)}[/dim]")
        if question.kind == "number":
            prompt, unreadable = t_("drill.prompt_number", lang), "drill.unreadable.number"
        elif question.kind == "bool":
            prompt, unreadable = t_("drill.prompt_bool", lang), "drill.unreadable.bool"
        else:
            for number, option in enumerate(question.options, start=1):
                self.console.print(f"  {number}. {option.label.get(lang)}", markup=False)
            multi = ", …" if question.kind == "multi" else ""
            prompt, unreadable = t_("drill.prompt", lang, multi=multi), "drill.unreadable.choice"
        return self.read(
            prompt, lambda raw: read_answer(question.kind, raw, question.options), unreadable
        )


@cli.command()
def report(
    incident: Annotated[
        str, typer.Argument(metavar="ID", help="Incident key (LEAK-2026-0001) or id.")
    ],
    lang: Annotated[str | None, typer.Option(metavar="ja|en", help="ja or en")] = None,
) -> None:
    """Print the after-action report of an incident or drill (Markdown)."""
    from app.drills.report import after_action_report
    from app.incidents.service import NotFound

    if lang is not None:
        language(lang)
    config = settings()

    async def go() -> str:
        async with opened(config) as runtime:
            found = await runtime.service.find(incident)
            return await after_action_report(
                runtime.service, found.id, lang=lang or found.language, tz=config.timezone
            )

    try:
        typer.echo(run(go(), config.database_url))
    except NotFound:
        raise fail(f"no incident {incident}") from None


token_cli = typer.Typer(help="API tokens for the ops API (stored as SHA-256 digests).")
cli.add_typer(token_cli, name="token")


@token_cli.command("create")
def token_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Who or what the token is for.")],
    workspace: Annotated[
        str | None, typer.Option(metavar="TEAM_ID", help="Limit it to one workspace's incidents.")
    ] = None,
) -> None:
    """Create an API token and print it once (only its digest is stored)."""
    import secrets

    from app.ops.auth import token_digest

    config = settings()
    token = "ldk_" + secrets.token_urlsafe(32)

    async def go() -> None:
        async with opened(config) as runtime:
            await runtime.service.create_api_token(name, token_digest(token), workspace)

    run(go(), config.database_url)
    typer.echo(token)


@token_cli.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The name given at creation.")],
) -> None:
    """Revoke every token with this name."""

    config = settings()

    async def go() -> int:
        async with opened(config) as runtime:
            return await runtime.service.revoke_api_tokens(name)

    count = run(go(), config.database_url)
    if not count:
        raise fail(f"no active token named {name!r}")
    typer.echo(f"revoked {count} token(s) named {name!r}")


class _NamedArgument(TyperArgument):
    """An argument shown by its metavar alone (`ID`, `FILE`): Typer's help adds `{name}` and
    `<str>`, which tell a person nothing."""

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"

    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None


def command() -> click.Command:
    built = typer.main.get_command(cli)
    stack = [built]
    while stack:
        current = stack.pop()
        for param in current.params:
            if isinstance(param, TyperArgument) and param.metavar is not None:
                param.__class__ = _NamedArgument
        stack.extend(getattr(current, "commands", {}).values())
    return built


def main() -> None:
    command()(prog_name="leakdesk")


if __name__ == "__main__":
    main()
