"""Runs a drill through the real incident service: the same questions, verdicts and statements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.i18n import format_time, t
from app.incidents.service import IncidentService, ServiceError
from app.models import Incident
from app.statements import check_statement
from app.triage import Question, next_question, parse_answers, render
from app.triage.followups import plan

SHOWN_FOLLOWUPS = 20  # the rest are more of the same status checks
Say = Callable[[str], None]
Ask = Callable[[Question, str], Any]  # returns the answer value, or None for unknown


@dataclass
class DrillResult:
    incident: Incident
    severities: list[str] = field(default_factory=list)


class DrillRunner:
    def __init__(self, service: IncidentService, *, lang: str, tz: str, say: Say) -> None:
        self.service = service
        self.lang = lang
        self.tz = tz
        self.say = say

    async def open(self, title: str) -> Incident:
        incident, _ = await self.service.open_incident(
            title=title, reporter_id="drill", platform="cli", is_drill=True, language=self.lang
        )
        self.say(t("drill.opened", self.lang, key=incident.key, title=incident.title))
        return incident

    async def discovered(self, result: DrillResult, when: datetime) -> None:
        """The awareness time an answers file gives: the legal clocks start there."""
        await self.service.set_discovered_at(result.incident.id, when, "drill")

    async def answer(
        self, result: DrillResult, values: dict[str, Any], *, say_unchanged: bool = False
    ) -> None:
        """Records answers one by one, as people in the room would, then shows the verdict if the
        answers changed it (once per batch of facts, in the drill's language)."""
        latest = None
        for field_name, value in values.items():
            outcome = await self.service.record_answer(
                result.incident.id, field_name, value, "drill"
            )
            if outcome.verdict_changed and outcome.verdict is not None:
                latest = outcome.verdict
        if latest is not None:
            result.severities.append(latest.severity)
            # As the room shows it: as it reads with the answers that came after it.
            snapshot = await self.service.snapshot(result.incident.id)
            answers = self.service.answers_model(snapshot.incident, snapshot.values)
            reading = self.service.reading_now(answers, latest.data)
            verdict = _verdict(reading)
            text = render.format_text(verdict, self.lang, both=False)
            self.say("\n" + text.rstrip())
        elif say_unchanged and result.severities:
            self.say(t("drill.unchanged", self.lang, severity=result.severities[-1]))

    async def interview(self, result: DrillResult, ask: Ask) -> None:
        """Asks the question bank one at a time, skipping what can no longer change the verdict.
        Awareness is asked before the interview (the terminal reads a time like "昨日15時")."""
        asked: set[str] = {"discovered_at"}
        while True:
            snapshot = await self.service.snapshot(result.incident.id)
            answers = self.service.answers_model(snapshot.incident, snapshot.values)
            question = next_question(answers, asked)
            if question is None:
                return
            asked.add(question.id)
            value = ask(question, self.lang)
            try:
                await self.answer(result, {question.id: value})
            except ServiceError as exc:
                self.say(t(f"error.{exc.code}", self.lang, detail=exc.detail))

    async def finish(self, result: DrillResult) -> None:
        """The draft statement in both languages with the checker's findings, the follow-ups that
        would be scheduled, and the timeline's proof."""
        incident = result.incident
        statement = await self.service.latest_statement(incident.id)
        verdicts = await self.service.verdicts(incident.id)
        if statement is not None and verdicts and statement.verdict_version != verdicts[-1].version:
            statement = await self.service.redraft(
                incident.id, "drill", system=True
            )  # the facts moved on
        if statement is not None:
            snapshot = await self.service.snapshot(incident.id)
            answers = {**snapshot.values, "discovered_at": incident.discovered_at.isoformat()}
            verdict = snapshot.verdict.data if snapshot.verdict else None
            for lang in (self.lang, "en" if self.lang == "ja" else "ja"):
                text = statement.texts.get(lang, "")
                self.say(f"\n{t('drill.statement', self.lang, lang=lang.upper())}\n{text}")
                for finding in check_statement(text, lang, answers=answers, verdict=verdict):
                    self.say(f"  ! {finding.code}: {finding.message(self.lang)}")
        # What the room would be prompted with (a terminal drill has no room to prompt).
        planned = (
            plan(
                verdicts[-1].data,
                severity=verdicts[-1].severity,
                discovered_at=incident.discovered_at,
                next_update_at=statement.next_update_at if statement else None,
                actions_done=(),
                policy=self.service.policy,
                now=self.service.clock(),
                tz=self.tz,
            )
            if verdicts
            else []
        )
        self.say(f"\n{t('drill.followups', self.lang, count=len(planned))}")
        for row in planned[:SHOWN_FOLLOWUPS]:
            self.say(f"  {format_time(row.due_at, self.lang, self.tz)}  {row.key}")
        if len(planned) > SHOWN_FOLLOWUPS:
            self.say(f"  … (+{len(planned) - SHOWN_FOLLOWUPS})")
        broken = await self.service.verify(incident.id)
        events = await self.service.timeline(incident.id)
        self.say(
            "\n"
            + t(
                "drill.chain_ok" if broken is None else "drill.chain_broken",
                self.lang,
                key=incident.key,
                events=len(events),
            )
        )


def _verdict(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    from app.triage import Verdict

    return Verdict.model_validate(data)


def step_time(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


__all__ = ["DrillResult", "DrillRunner", "parse_answers"]
