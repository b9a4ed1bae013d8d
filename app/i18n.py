"""The message catalogue (one YAML file per language, same keys) and time formatting."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

import yaml

LANGUAGES = ("ja", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    text = files("app.locales").joinpath(f"{lang}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def t(name: str, lang: str, /, **values: Any) -> str:
    """The text for `name` in `lang`, falling back to English, formatted with `values`."""
    lang = lang if lang in LANGUAGES else "en"
    template = catalogue(lang).get(name) or catalogue("en").get(name) or name
    return template.format(**values) if values else template


def masked_notice(kinds: Sequence[str], lang: str) -> str:
    """The line that tells someone what the masker took out of their words ("" if nothing)."""
    if not kinds:
        return ""
    names = (t(f"masked.{kind}", lang) for kind in dict.fromkeys(kinds))
    return "\n" + t("command.masked", lang, kinds=("、" if lang == "ja" else ", ").join(names))


def storm_offer(lang: str) -> str:
    """What a later reporter of what is probably the same leak is told: nothing of the incident
    (its key and title are for the people in its room), only that the room has been asked."""
    return t("storm.similar", lang)


def published_line(
    version: int, approvers: Sequence[str], at: datetime, lang: str, tz: str, series: int = 1
) -> str:
    """Which version of the holding statement (which report) was approved, by whom, when."""
    return t(
        "statement.published",
        lang,
        report=report_label(series, lang),
        version=version,
        names=listing(approvers, lang),
        at=format_time(at, lang, tz),
    )


def listing(names: Iterable[str], lang: str) -> str:
    """Names one after another as the language lists them (「山田、佐藤」, "Lee, Kai"): in Teams
    a name is plain text, and two side by side read as one."""
    return ("、" if lang == "ja" else ", ").join(names)


def report_label(series: int, lang: str) -> str:
    """「（第2報）」/ " (update 2)" for a later report of the notice series; nothing for the first."""
    return t("statement.report", lang, series=series) if series > 1 else ""


def other(lang: str) -> str:
    return "en" if lang == "ja" else "ja"


def format_time(value: datetime | str | None, lang: str, tz: str) -> str:
    """A time as people read it, in the configured timezone."""
    if value is None:
        return "—"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = when.astimezone(ZoneInfo(tz))
    if lang == "ja":
        weekday = "月火水木金土日"[local.weekday()]
        return f"{local:%Y年%-m月%-d日}({weekday}) {local:%H:%M}"
    return f"{local:%a %-d %b %Y %H:%M} {local.tzname()}"
