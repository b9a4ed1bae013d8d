"""Block Kit messages as HTML that looks like Slack's client, for the room's screenshots.

Only what leakdesk posts is drawn (header, section with text/fields/accessory, context, actions,
divider, input, image, rich_text as plain text), and mrkdwn's marks as Slack documents them
(https://api.slack.com/reference/surfaces/formatting): *bold*, _italic_, ~strike~, `code`,
```preformatted```, > quotes, <url|text> links, <@U…> mentions, <!here>. A block type it does not
know is shown as a red box, so a screenshot never hides what the bot sent.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

Names = Callable[[str], str]

CSS = """
body { font: 15px/1.46668 -apple-system, "Hiragino Sans", "Noto Sans CJK JP", "IPAexGothic",
       "Segoe UI", sans-serif; color: #1d1c1d; margin: 0; background: #fff; }
.pane { width: 760px; padding: 8px 0 16px; }
.pane h1 { font-size: 18px; margin: 0; padding: 12px 20px; border-bottom: 1px solid #ddd; }
.pane h1 small { display: block; font-weight: 400; font-size: 13px; color: #616061; }
.msg { display: flex; padding: 8px 20px; }
.msg:hover { background: #f8f8f8; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #611f69; color: #fff;
          font-weight: 700; display: flex; align-items: center; justify-content: center;
          flex: none; margin-right: 8px; }
.body { flex: 1; min-width: 0; }
.who { font-weight: 900; } .who .app { font-size: 10px; background: #e8e8e8; color: #616061;
       padding: 1px 3px; border-radius: 2px; margin-left: 4px; font-weight: 700; }
.who time { font-weight: 400; color: #616061; font-size: 12px; margin-left: 6px; }
.edited { color: #616061; font-size: 12px; }
.block { margin: 4px 0; } .header { font-size: 18px; font-weight: 900; margin: 6px 0; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; }
.section { display: flex; gap: 12px; } .section > .text { flex: 1; }
.context { font-size: 12px; color: #616061; display: flex; gap: 8px; flex-wrap: wrap; }
.divider { border: 0; border-top: 1px solid #ddd; margin: 10px 0; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
.button { border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; font-size: 13px;
          font-weight: 700; background: #fff; white-space: nowrap; }
.button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.button.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
.select { border: 1px solid #bbb; border-radius: 4px; padding: 3px 10px; font-size: 13px; }
.select::after { content: " ▾"; }
.input label { font-weight: 700; display: block; margin-bottom: 4px; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
code { background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; color: #e01e5a;
       padding: 0 3px; font-size: 12px; }
pre { background: #f6f6f6; border: 1px solid #ddd; border-radius: 4px; padding: 8px;
      white-space: pre-wrap; font-size: 12px; }
blockquote { border-left: 4px solid #ddd; margin: 0; padding-left: 12px; }
a { color: #1264a3; text-decoration: none; }
.replies { color: #1264a3; font-size: 13px; font-weight: 700; margin-top: 4px; }
.unknown { border: 2px solid #e01e5a; padding: 4px; }
.system { color: #616061; font-size: 13px; padding: 2px 20px 2px 64px; }
"""

# The shortcodes leakdesk's texts use (Slack draws them as emoji); an unknown one stays as typed.
EMOJI = {
    "white_check_mark": "✅",
    "alarm_clock": "⏰",
    "warning": "⚠️",
    "rotating_light": "🚨",
    "lock": "🔒",
    "mag": "🔍",
    "loudspeaker": "📢",
    "hourglass": "⌛",
    "handshake": "🤝",
    "zzz": "💤",
    "wave": "👋",
    "sunrise": "🌅",
    "speech_balloon": "💬",
    "raising_hand": "🙋",
    "performing_arts": "🎭",
    "pencil2": "✏️",
    "no_entry": "⛔",
    "memo": "📝",
    "hourglass_flowing_sand": "⏳",
    "heavy_multiplication_x": "✖️",
    "heavy_minus_sign": "➖",
    "clipboard": "📋",
    "ballot_box_with_check": "☑️",
    "pushpin": "📌",
    "bell": "🔔",
}
_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]+))?>")
_MARKS = (
    (re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])"), r"<b>\1</b>"),
    (re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])"), r"<i>\1</i>"),
    (re.compile(r"(?<![\w~])~([^~\n]+)~(?![\w~])"), r"<s>\1</s>"),
)


def mrkdwn(text: str, names: Names) -> str:
    """Slack's mrkdwn as HTML (escaped first; links and mentions kept)."""
    pieces: list[str] = []
    for index, part in enumerate(text.split("```")):
        if index % 2:
            pieces.append(f"<pre>{html.escape(part.strip(chr(10)))}</pre>")
        else:
            pieces.append(_inline(part, names))
    return "".join(pieces)


def _inline(text: str, names: Names) -> str:
    lines = []
    for line in text.split("\n"):
        quoted = line.startswith("&gt; ") or line.startswith("> ")
        body = _marks(line[2:] if quoted else line, names)
        lines.append(f"<blockquote>{body}</blockquote>" if quoted else body + "<br>")
    return "".join(lines).removesuffix("<br>")


def _marks(line: str, names: Names) -> str:
    out, last = [], 0
    for found in _LINK.finditer(line):
        out.append(_plain(line[last : found.start()]))
        target, label = found.group(1), found.group(2)
        if target.startswith("@"):
            out.append(f'<span class="mention">@{html.escape(names(target[1:]))}</span>')
        elif target.startswith("#"):
            out.append(f'<span class="mention">#{html.escape(label or target[1:])}</span>')
        elif target.startswith("!"):
            out.append(f'<span class="mention">@{html.escape(target[1:].split("^")[0])}</span>')
        else:
            out.append(f'<a href="{html.escape(target)}">{html.escape(label or target)}</a>')
        last = found.end()
    out.append(_plain(line[last:]))
    return "".join(out)


def _plain(text: str) -> str:
    escaped = _SHORTCODE.sub(
        lambda m: EMOJI.get(m.group(1), m.group(0)), html.escape(text, quote=False)
    )
    parts = escaped.split("`")
    for index, part in enumerate(parts):
        if index % 2 == 0:
            for pattern, replacement in _MARKS:
                part = pattern.sub(replacement, part)
            parts[index] = part
        else:
            parts[index] = f"<code>{part}</code>"
    return "".join(parts) if len(parts) % 2 else "`".join(parts)


def _text(obj: dict[str, Any] | None, names: Names) -> str:
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")), names)
    return html.escape(str(obj.get("text", "")))


def _element(element: dict[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        style = element.get("style", "")
        return f'<span class="button {style}">{_text(element.get("text"), names)}</span>'
    if kind in (
        "static_select",
        "users_select",
        "multi_static_select",
        "overflow",
        "multi_users_select",
        "conversations_select",
        "radio_buttons",
        "checkboxes",
    ):
        chosen = element.get("initial_option") or {}
        label = element.get("placeholder") or chosen.get("text") or {"text": "…"}
        if kind == "overflow":
            return '<span class="button">⋯</span>'
        return f'<span class="select">{_text(label, names)}</span>'
    if kind == "datepicker":
        return f'<span class="select">📅 {html.escape(element.get("initial_date", "日付"))}</span>'
    if kind == "timepicker":
        return f'<span class="select">🕘 {html.escape(element.get("initial_time", "時刻"))}</span>'
    if kind == "image":
        return f'<img src="{html.escape(element.get("image_url", ""))}" width="16" height="16">'
    if kind in ("mrkdwn", "plain_text"):
        return f"<span>{_text(element, names)}</span>"
    if kind == "plain_text_input":
        return '<span class="select" style="display:block;min-height:1.5em"></span>'
    return f'<span class="unknown">{html.escape(str(kind))}</span>'


def _rich_text(block: dict[str, Any]) -> str:
    words: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "text" in node and isinstance(node["text"], str):
                words.append(node["text"])
            for child in node.get("elements", []):
                walk(child)

    walk(block)
    return html.escape("".join(words)).replace("\n", "<br>")


def block(item: dict[str, Any], names: Names) -> str:
    """One block as HTML."""
    kind = item.get("type")
    if kind == "header":
        return f'<div class="block header">{_text(item.get("text"), names)}</div>'
    if kind == "divider":
        return '<hr class="divider">'
    if kind == "context":
        inner = "".join(_element(e, names) for e in item.get("elements", []))
        return f'<div class="block context">{inner}</div>'
    if kind == "actions":
        inner = "".join(_element(e, names) for e in item.get("elements", []))
        return f'<div class="block actions">{inner}</div>'
    if kind == "section":
        text = f'<div class="text">{_text(item.get("text"), names)}'
        if item.get("fields"):
            fields = "".join(f"<div>{_text(f, names)}</div>" for f in item["fields"])
            text += f'<div class="fields">{fields}</div>'
        text += "</div>"
        accessory = _element(item["accessory"], names) if item.get("accessory") else ""
        return f'<div class="block section">{text}{accessory}</div>'
    if kind == "input":
        label = _text(item.get("label"), names)
        return (
            f'<div class="block input"><label>{label}</label>'
            f"{_element(item.get('element', {}), names)}</div>"
        )
    if kind == "image":
        return f'<div class="block"><img src="{html.escape(item.get("image_url", ""))}"></div>'
    if kind == "rich_text":
        return f'<div class="block">{_rich_text(item)}</div>'
    return f'<div class="block unknown">{html.escape(str(kind))}</div>'


def message(
    item: dict[str, Any], names: Names, *, replies: int = 0, edited: bool = False, time: str = ""
) -> str:
    """A message as Slack lists it: avatar, name, time, its blocks (or text), the reply count."""
    who = names(str(item.get("user") or item.get("bot_id") or ""))
    blocks = item.get("blocks") or []
    body = (
        "".join(block(b, names) for b in blocks)
        if blocks
        else f'<div class="block">{mrkdwn(str(item.get("text", "")), names)}</div>'
    )
    mark = ' <span class="edited">(編集済み)</span>' if edited else ""
    thread = f'<div class="replies">{replies} 件の返信</div>' if replies else ""
    return (
        f'<div class="msg"><div class="avatar">{html.escape(who[:1].upper())}</div>'
        f'<div class="body"><div class="who">{html.escape(who)}<span class="app">APP</span>'
        f"<time>{html.escape(time)}</time>{mark}</div>{body}{thread}</div></div>"
    )


def page(title: str, subtitle: str, messages: Iterable[str]) -> str:
    """A pane of messages under a channel (or thread) heading."""
    return (
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{CSS}</style></head>'
        f'<body><div class="pane"><h1>{html.escape(title)}<small>{html.escape(subtitle)}</small>'
        f"</h1>{''.join(messages)}</div></body></html>"
    )
