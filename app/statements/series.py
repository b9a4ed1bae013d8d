"""The notice series (第1報, 第2報, …): what changed since the last report, as a short
「前回からの更新点」 list that opens the next one.

Pure: the answers and verdict the last approved report was written from, and the current ones,
in; plain lines out — counts, items, dates, the cause, how sure we are, the legal outcomes and
what people should do. Nothing the room did not answer is said to have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.statements.reading import (
    advice_for,
    categories_of,
    cause_of,
    certainty,
    count_of,
    parse_moment,
    period_of,
)
from app.statements.wording import approximate_count, format_date, format_period

__all__ = ["UPDATES_HEADING", "update_points", "with_updates"]

UPDATES_HEADING = {
    "ja": "【前回からの更新点（{date}のお知らせ以降）】",
    "en": "What has changed since our last update ({date})",
}
NO_CHANGE = {
    "ja": "・前回のお知らせから、判明している事実に変更はありません。調査の進捗をお知らせします。",
    "en": "- No known fact has changed since our last update; this is a progress report.",
}

WORDS: dict[str, dict[str, str]] = {
    "ja": {
        "count": "対象となる方の人数：{before} → {after}",
        "added": "対象となる情報に追加：{items}",
        "removed": "対象となる情報から除外：{items}",
        "period": "対象期間：{before} → {after}",
        "discovered": "当社が事態を把握した日：{before} → {after}",
        "cause": "原因：{before} → {after}",
        "certainty": "漏えいの状況：{before} → {after}",
        "secondary_damage": "二次被害：{after}",
        "published": "情報の外部掲載：{after}",
        "contained": "被害拡大の防止：{after}",
        "ppc": "個人情報保護委員会への報告：{before} → {after}",
        "individuals": "対象となる方へのご連絡：{before} → {after}",
        "gdpr": "EU・英国の監督機関への通知：{before} → {after}",
        "advice": "新たにお願いしたいこと：{items}",
        "unknown": "調査中",
        "sep": "、",
        "bullet": "・",
    },
    "en": {
        "count": "People affected: {before} → {after}",
        "added": "Information now known to be involved: {items}",
        "removed": "Information no longer believed to be involved: {items}",
        "period": "Period affected: {before} → {after}",
        "discovered": "When we became aware: {before} → {after}",
        "cause": "Cause: {before} → {after}",
        "certainty": "What we know about the leak: {before} → {after}",
        "secondary_damage": "Misuse of the information: {after}",
        "published": "Information posted online: {after}",
        "contained": "Stopping further damage: {after}",
        "ppc": "Report to the Personal Information Protection Commission: {before} → {after}",
        "individuals": "Contacting the people affected: {before} → {after}",
        "gdpr": "Notification to EU/UK supervisory authorities: {before} → {after}",
        "advice": "What we now ask you to do: {items}",
        "unknown": "under investigation",
        "sep": ", ",
        "bullet": "- ",
    },
}

ITEMS = {
    "ja": {
        "special_care": "要配慮個人情報",
        "financial": "クレジットカード情報",
        "credentials": "ログインID・パスワード等の認証情報",
        "my_number": "マイナンバー（個人番号）",
        "identity": "氏名・住所等のご本人を特定する情報",
        "contact": "メールアドレス・電話番号等のご連絡先",
        "other_personal": "ご利用履歴等の個人に関する情報",
        "business_contact": "お取引先ご担当者様の氏名・ご連絡先等",
        "trade_secret": "当社の技術情報・営業情報の一部",
        "national_security": "機密性の高い業務情報",
    },
    "en": {
        "special_care": "sensitive personal information",
        "financial": "credit card information",
        "credentials": "login details such as IDs and passwords",
        "my_number": "Individual Numbers (My Number)",
        "identity": "names, addresses and other identifying details",
        "contact": "e-mail addresses, phone numbers and other contact details",
        "other_personal": "other personal information such as usage history",
        "business_contact": "names and work contact details of business contacts",
        "trade_secret": "some of our technical and business information",
        "national_security": "highly confidential business information",
    },
}

STATES = {
    "ja": {
        "certainty.confirmed": "外部への漏えいを確認",
        "certainty.suspected": "漏えいのおそれ",
        "certainty.unknown": "調査中",
        "certainty.ruled_out": "外部からの閲覧はないことを確認",
        "secondary_damage.true": "本件に起因するとみられる不正利用等が確認されました",
        "secondary_damage.false": "現時点で確認されておりません",
        "published.true": "情報が外部のサイトに掲載されていることを確認しました",
        "published.false": "現時点で確認されておりません",
        "contained.true": "被害拡大を防ぐ措置を完了しました",
        "contained.false": "措置を継続しています",
        "ppc.true": "報告対象",
        "ppc.conditional": "報告対象となる可能性あり（確認中）",
        "ppc.false": "報告対象外",
        "individuals.required": "個別にご連絡します",
        "individuals.recommended": "個別にご連絡します",
        "individuals.conditional": "確認中",
        "individuals.not_required": "個別のご連絡は予定していません",
        "gdpr.true": "通知します",
        "gdpr.false": "対象外",
        "gdpr.unknown": "確認中",
        "advice.leak_site": "掲載された情報をダウンロード・拡散しないでください",
        "advice.card": "カードのご利用明細をご確認ください",
        "advice.password": "パスワードを変更してください",
        "advice.phishing": "不審なメール・電話にご注意ください",
        "advice.special_care": "不審な問い合わせにご注意ください",
        "advice.precaution": "念のため不審な連絡にご注意ください",
    },
    "en": {
        "certainty.confirmed": "a leak has been confirmed",
        "certainty.suspected": "the information may have leaked",
        "certainty.unknown": "under investigation",
        "certainty.ruled_out": "we have confirmed nobody outside viewed it",
        "secondary_damage.true": "misuse that appears to result from this incident has been seen",
        "secondary_damage.false": "none seen so far",
        "published.true": "the information has been found posted on an outside site",
        "published.false": "none found so far",
        "contained.true": "the measures to stop further damage are complete",
        "contained.false": "the measures continue",
        "ppc.true": "required",
        "ppc.conditional": "may be required (being confirmed)",
        "ppc.false": "not required",
        "individuals.required": "we will contact each of you",
        "individuals.recommended": "we will contact each of you",
        "individuals.conditional": "being confirmed",
        "individuals.not_required": "no individual contact is planned",
        "gdpr.true": "we will notify them",
        "gdpr.false": "not required",
        "gdpr.unknown": "being confirmed",
        "advice.leak_site": "please do not download or share the posted information",
        "advice.card": "please check your card statements",
        "advice.password": "please change your password",
        "advice.phishing": "please beware of suspicious e-mails and calls",
        "advice.special_care": "please beware of suspicious enquiries",
        "advice.precaution": "please stay alert to suspicious contact, as a precaution",
    },
}


def update_points(
    before: Mapping[str, Any],
    before_verdict: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    after_verdict: Mapping[str, Any] | None,
    lang: str,
    tz: str = "Asia/Tokyo",
) -> list[str]:
    """What a reader of the last report should know changed, one line each (no bullet)."""
    words, states = WORDS[lang], STATES[lang]
    old, new = dict(before), dict(after)
    lines: list[str] = []

    def changed(key: str, was: str | None, now: str | None) -> None:
        if was != now and now is not None:
            unknown = words["unknown"]
            lines.append(words[key].format(before=was or unknown, after=now))

    count = _fmt(count_of, lambda n: approximate_count(n, lang))
    changed("count", count(_numbered(old)), count(_numbered(new)))
    was, now = set(categories_of(old) or ()), categories_of(new) or []
    if added := [c for c in now if c not in was and c in ITEMS[lang]]:
        lines.append(words["added"].format(items=words["sep"].join(ITEMS[lang][c] for c in added)))
    if was and (removed := [c for c in sorted(was - set(now)) if c in ITEMS[lang]]) and now:
        gone = words["sep"].join(ITEMS[lang][c] for c in removed)
        lines.append(words["removed"].format(items=gone))
    changed("period", _period_text(old, lang), _period_text(new, lang))
    changed("discovered", _day(old, tz, lang), _day(new, tz, lang))
    changed("cause", cause_of(old), cause_of(new))
    changed(
        "certainty", states[f"certainty.{certainty(old)}"], states[f"certainty.{certainty(new)}"]
    )
    for key in ("secondary_damage", "published", "contained"):
        if new.get(key) is True and old.get(key) is not True:
            lines.append(words[key].format(after=states[f"{key}.true"]))
    lines += _outcomes(before_verdict or {}, after_verdict or {}, lang)
    advice = [a for a in advice_for(new) if a not in advice_for(old) and f"advice.{a}" in states]
    if advice:
        asked = words["sep"].join(states[f"advice.{a}"] for a in advice)
        lines.append(words["advice"].format(items=asked))
    return lines


def _outcomes(old: Mapping[str, Any], new: Mapping[str, Any], lang: str) -> list[str]:
    """The legal outcomes a reader is told about: the PPC report, individual notices, GDPR."""
    words, states = WORDS[lang], STATES[lang]
    lines = []
    reads: tuple[tuple[str, str, str, Callable[[Any], str]], ...] = (
        ("ppc", "appi", "report_required", _yes_no),
        ("individuals", "appi", "notify_individuals", str),
        ("gdpr", "gdpr", "relevant", _yes_no),
    )
    for key, section, field, read in reads:
        was, now = (old.get(section) or {}).get(field), (new.get(section) or {}).get(field)
        if now is None or was == now:
            continue
        before = states.get(f"{key}.{read(was)}") if was is not None else None
        after = states.get(f"{key}.{read(now)}")
        if after is not None and before != after:
            lines.append(words[key].format(before=before or words["unknown"], after=after))
    return lines


def _yes_no(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _numbered(answers: dict[str, Any]) -> dict[str, Any]:
    """The count as the draft reads it (a room's answer may be digits in a string)."""
    value = answers.get("affected_count")
    if isinstance(value, str) and value.strip().replace(",", "").isdigit():
        return {**answers, "affected_count": int(value.strip().replace(",", ""))}
    return answers


def _fmt(read: Callable[[dict[str, Any]], Any], show: Callable[[Any], str]):  # type: ignore[no-untyped-def]
    def shown(answers: dict[str, Any]) -> str | None:
        value = read(answers)
        return None if value is None else show(value)

    return shown


def _period_text(answers: dict[str, Any], lang: str) -> str | None:
    start, end = period_of(answers)
    return format_period(start, end, lang)


def _day(answers: dict[str, Any], tz: str, lang: str) -> str | None:
    moment = parse_moment(answers.get("discovered_at"), ZoneInfo(tz))
    return format_date(moment.date(), lang) if moment else None


def with_updates(
    text: str, points: list[str], since: datetime | date, lang: str, tz: str = "Asia/Tokyo"
) -> str:
    """The next report's text with 「前回からの更新点」 after its title and date lines."""
    day = since.astimezone(ZoneInfo(tz)).date() if isinstance(since, datetime) else since
    words = WORDS[lang]
    body = [words["bullet"] + line for line in points] or [NO_CHANGE[lang]]
    block = "\n".join([UPDATES_HEADING[lang].format(date=format_date(day, lang)), *body])
    paragraphs = text.split("\n\n")
    head = 2 if len(paragraphs) > 2 else len(paragraphs)
    return "\n\n".join([*paragraphs[:head], block, *paragraphs[head:]])
