"""Block Kit as Slack checks it: the documented limits of blocks, elements and views.

Every rule names the page of Slack's reference it comes from (RULES below). The fake Slack
answers `invalid_blocks` (messages, response_url) or `invalid_arguments` (views) with these
messages, in Slack's `[ERROR] … [json-pointer:…]` form. The types that `@slack/types` can express
(field names, enums, required fields) are also checked by `tsc` (tests/slack/slack_types.py); the
rules here are the ones types cannot say: lengths, counts and uniqueness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DOCS = "https://docs.slack.dev/reference/block-kit"


@dataclass(frozen=True)
class Rule:
    """One documented constraint and the page that documents it."""

    text: str
    source: str


RULES: dict[str, Rule] = {
    "message.blocks": Rule("at most 50 blocks in a message", f"{DOCS}/blocks"),
    "view.blocks": Rule("at most 100 blocks in a modal or Home tab", f"{DOCS}/blocks"),
    "block.type": Rule("a known block type", f"{DOCS}/blocks"),
    "block.block_id": Rule(
        "block_id at most 255 characters, unique within a message or view", f"{DOCS}/blocks"
    ),
    "text.object": Rule(
        "text objects: type plain_text or mrkdwn, text 1-3000 characters; emoji only on "
        "plain_text, verbatim only on mrkdwn",
        f"{DOCS}/composition-objects/text-object",
    ),
    "section": Rule(
        "section: text or fields; text ≤ 3000; at most 10 fields of ≤ 2000 characters each",
        f"{DOCS}/blocks/section-block",
    ),
    "header": Rule("header: plain_text, at most 150 characters", f"{DOCS}/blocks/header-block"),
    "context": Rule(
        "context: 1-10 elements, each an image or a text object", f"{DOCS}/blocks/context-block"
    ),
    "actions": Rule(
        "actions: 1-25 interactive elements; action_id unique within the block",
        f"{DOCS}/blocks/actions-block",
    ),
    "input": Rule(
        "input: an element; label and hint plain_text ≤ 2000 characters",
        f"{DOCS}/blocks/input-block",
    ),
    "image": Rule(
        "image: image_url ≤ 3000, alt_text ≤ 2000, title plain_text ≤ 2000",
        f"{DOCS}/blocks/image-block",
    ),
    "element.action_id": Rule(
        "action_id at most 255 characters, unique among the action_ids of its block",
        f"{DOCS}/block-elements/button-element",
    ),
    "button": Rule(
        "button: text plain_text ≤ 75, value ≤ 2000, url ≤ 3000, style primary or danger, "
        "accessibility_label ≤ 75",
        f"{DOCS}/block-elements/button-element",
    ),
    "select": Rule(
        "select menus: placeholder plain_text ≤ 150; options or option_groups (not both), "
        "at most 100 of either; initial options among the options; max_selected_items ≥ 1",
        f"{DOCS}/block-elements/select-menu-element",
    ),
    "overflow": Rule("overflow: 1-5 options", f"{DOCS}/block-elements/overflow-menu-element"),
    "checkboxes": Rule(
        "checkboxes and radio buttons: 1-10 options",
        f"{DOCS}/block-elements/checkboxes-element",
    ),
    "plain_text_input": Rule(
        "plain-text input: placeholder ≤ 150; 0 ≤ min_length ≤ max_length ≤ 3000",
        f"{DOCS}/block-elements/plain-text-input-element",
    ),
    "number_input": Rule(
        "number input: is_decimal_allowed given; min_value ≤ max_value; placeholder ≤ 150",
        f"{DOCS}/block-elements/number-input-element",
    ),
    "datepicker": Rule(
        "date picker: initial_date YYYY-MM-DD; placeholder ≤ 150",
        f"{DOCS}/block-elements/date-picker-element",
    ),
    "option": Rule(
        "option: text ≤ 75 (plain_text except in checkboxes and radio buttons), value ≤ 150 "
        "and unique within its element, description ≤ 75, url ≤ 3000",
        f"{DOCS}/composition-objects/option-object",
    ),
    "option_group": Rule(
        "option group: label plain_text ≤ 75, 1-100 options",
        f"{DOCS}/composition-objects/option-group-object",
    ),
    "confirm": Rule(
        "confirmation dialog: title ≤ 100, text ≤ 300, confirm and deny ≤ 30 (plain_text), "
        "style primary or danger",
        f"{DOCS}/composition-objects/confirmation-dialog-object",
    ),
    "modal": Rule(
        "modal: title plain_text ≤ 24 (required), submit and close plain_text ≤ 24, submit "
        "required with an input block, private_metadata ≤ 3000, callback_id ≤ 255",
        "https://docs.slack.dev/reference/views/modal-views",
    ),
    "home": Rule(
        "Home tab: private_metadata ≤ 3000, callback_id ≤ 255, external_id unique per team",
        "https://docs.slack.dev/reference/views/home-tab-views",
    ),
}

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
SELECTS = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
INPUTS = frozenset(
    {
        "plain_text_input",
        "number_input",
        "email_text_input",
        "url_text_input",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "checkboxes",
        "radio_buttons",
        "file_input",
        "rich_text_input",
        *SELECTS,
    }
)
ACTION_ELEMENTS = frozenset(
    {"button", "overflow", "workflow_button", *INPUTS} - {"file_input", "rich_text_input"}
)
ACCESSORIES = frozenset(
    {"button", "overflow", "image", "workflow_button", *INPUTS} - {"file_input"}
)
PLACEHOLDER = 150
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Errors = list[str]


def _error(message: str, at: str) -> str:
    return f"[ERROR] {message} [json-pointer:{at}]"


def _too_long(value: Any, most: int, at: str) -> Errors:
    if isinstance(value, str) and len(value) > most:
        return [_error(f"must be less than {most + 1} characters", at)]
    return []


def text_errors(
    obj: Any, at: str, most: int = 3000, *, plain: bool = False, required: bool = True
) -> Errors:
    """A text object: its type, its length and the flags its type allows."""
    if obj is None:
        return [_error("missing required field: text", at)] if required else []
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [_error("must be a text object", at)]
    if plain and obj["type"] != "plain_text":
        return [_error("must be a plain_text text object", f"{at}/type")]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [_error("must be more than 0 characters", f"{at}/text")]
    errors = _too_long(text, min(most, 3000), f"{at}/text")
    if "emoji" in obj and obj["type"] != "plain_text":
        errors.append(_error("emoji is only for plain_text", f"{at}/emoji"))
    if "verbatim" in obj and obj["type"] != "mrkdwn":
        errors.append(_error("verbatim is only for mrkdwn", f"{at}/verbatim"))
    return errors


def confirm_errors(obj: Any, at: str) -> Errors:
    if obj is None:
        return []
    if not isinstance(obj, dict):
        return [_error("must be a confirmation dialog object", at)]
    errors = text_errors(obj.get("title"), f"{at}/title", 100, plain=True)
    errors += text_errors(obj.get("text"), f"{at}/text", 300)
    errors += text_errors(obj.get("confirm"), f"{at}/confirm", 30, plain=True)
    errors += text_errors(obj.get("deny"), f"{at}/deny", 30, plain=True)
    if obj.get("style") not in (None, "primary", "danger"):
        errors.append(_error("must be primary or danger", f"{at}/style"))
    return errors


def options_errors(options: Any, at: str, least: int, most: int, *, mrkdwn: bool = False) -> Errors:
    """A list of option objects: how many, each one's fields, values unique."""
    if not isinstance(options, list) or len(options) < least:
        return [_error(f"must have at least {least} items", at)]
    errors = [] if len(options) <= most else [_error(f"no more than {most} items allowed", at)]
    values: set[str] = set()
    for i, option in enumerate(options):
        here = f"{at}/{i}"
        if not isinstance(option, dict):
            errors.append(_error("must be an option object", here))
            continue
        errors += text_errors(option.get("text"), f"{here}/text", 75, plain=not mrkdwn)
        errors += text_errors(
            option.get("description"), f"{here}/description", 75, plain=not mrkdwn, required=False
        )
        value = option.get("value")
        if not isinstance(value, str) or not value:
            errors.append(_error("missing required field: value", here))
        elif value in values:
            errors.append(_error(f"duplicate option value: {value}", f"{here}/value"))
        errors += _too_long(value, 150, f"{here}/value")
        errors += _too_long(option.get("url"), 3000, f"{here}/url")
        values.add(str(value))
    return errors


def _select_errors(element: dict[str, Any], at: str) -> Errors:
    errors: Errors = []
    kind = element["type"]
    if kind in ("static_select", "multi_static_select"):
        options, groups = element.get("options"), element.get("option_groups")
        if (options is None) == (groups is None):
            errors.append(_error("must provide either options or option_groups", at))
        elif options is not None:
            errors += options_errors(options, f"{at}/options", 1, 100)
        else:
            errors += _groups_errors(groups, f"{at}/option_groups")
        given = [o for g in groups or [] if isinstance(g, dict) for o in g.get("options") or []]
        given += options or []
        initial = element.get("initial_options") or []
        if element.get("initial_option") is not None:
            initial = [element["initial_option"]]
        if any(o not in given for o in initial):
            errors.append(_error("initial options must be among the options", at))
    most = element.get("max_selected_items")
    if most is not None and (not isinstance(most, int) or most < 1):
        errors.append(_error("must be at least 1", f"{at}/max_selected_items"))
    return errors


def _groups_errors(groups: Any, at: str) -> Errors:
    if not isinstance(groups, list) or not groups:
        return [_error("must have at least 1 items", at)]
    errors = [] if len(groups) <= 100 else [_error("no more than 100 items allowed", at)]
    for i, group in enumerate(groups):
        here = f"{at}/{i}"
        group = group if isinstance(group, dict) else {}
        errors += text_errors(group.get("label"), f"{here}/label", 75, plain=True)
        errors += options_errors(group.get("options"), f"{here}/options", 1, 100)
    return errors


def _input_errors(element: dict[str, Any], at: str) -> Errors:
    kind, errors = element["type"], []
    if kind == "plain_text_input":
        low, high = element.get("min_length", 0), element.get("max_length", 3000)
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= 3000):
            errors.append(_error("must satisfy 0 <= min_length <= max_length <= 3000", at))
        if high == 0:
            errors.append(_error("must be at least 1", f"{at}/max_length"))
    elif kind == "number_input":
        if not isinstance(element.get("is_decimal_allowed"), bool):
            errors.append(_error("missing required field: is_decimal_allowed", at))
        low, high = element.get("min_value"), element.get("max_value")
        if low is not None and high is not None and float(low) > float(high):
            errors.append(_error("min_value cannot be greater than max_value", at))
    elif kind == "datepicker":
        date = element.get("initial_date")
        if date is not None and not DATE.fullmatch(str(date)):
            errors.append(_error("must be YYYY-MM-DD", f"{at}/initial_date"))
    elif kind == "overflow":
        errors += options_errors(element.get("options"), f"{at}/options", 1, 5)
    elif kind in ("checkboxes", "radio_buttons"):
        errors += options_errors(element.get("options"), f"{at}/options", 1, 10, mrkdwn=True)
    return errors


def element_errors(element: Any, at: str, allowed: frozenset[str]) -> Errors:
    """One block element: its type where it stands, and its documented limits."""
    if not isinstance(element, dict) or not element.get("type"):
        return [_error("missing required field: type", at)]
    kind = element["type"]
    if kind not in allowed:
        return [_error(f"unsupported type: {kind}", f"{at}/type")]
    if kind == "image":
        return image_errors(element, at)
    errors = _too_long(element.get("action_id"), 255, f"{at}/action_id")
    errors += confirm_errors(element.get("confirm"), f"{at}/confirm")
    errors += text_errors(
        element.get("placeholder"), f"{at}/placeholder", PLACEHOLDER, plain=True, required=False
    )
    if kind == "button":
        errors += text_errors(element.get("text"), f"{at}/text", 75, plain=True)
        errors += _too_long(element.get("value"), 2000, f"{at}/value")
        errors += _too_long(element.get("url"), 3000, f"{at}/url")
        errors += _too_long(element.get("accessibility_label"), 75, f"{at}/accessibility_label")
        if element.get("style") not in (None, "primary", "danger"):
            errors.append(_error("must be primary or danger", f"{at}/style"))
    elif kind in SELECTS:
        errors += _select_errors(element, at)
    else:
        errors += _input_errors(element, at)
    return errors


def image_errors(image: dict[str, Any], at: str) -> Errors:
    errors = _too_long(image.get("image_url"), 3000, f"{at}/image_url")
    if not image.get("image_url") and not image.get("slack_file"):
        errors.append(_error("must provide either image_url or slack_file", at))
    if not isinstance(image.get("alt_text"), str) or not image["alt_text"]:
        errors.append(_error("missing required field: alt_text", at))
    errors += _too_long(image.get("alt_text"), 2000, f"{at}/alt_text")
    if image.get("type") == "image" and "title" in image:
        errors += text_errors(image["title"], f"{at}/title", 2000, plain=True)
    return errors


def _unique_action_ids(elements: list[Any], at: str) -> Errors:
    seen: set[str] = set()
    errors = []
    for i, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is None:
            continue
        if action_id in seen:
            errors.append(_error(f"duplicate action_id: {action_id}", f"{at}/{i}/action_id"))
        seen.add(action_id)
    return errors


def _elements(block: dict[str, Any], at: str, least: int, most: int) -> tuple[list[Any], Errors]:
    elements = block.get("elements")
    if not isinstance(elements, list) or len(elements) < least:
        return [], [_error("missing required field: elements", at)]
    if len(elements) > most:
        return elements, [_error(f"no more than {most} items allowed", f"{at}/elements")]
    return elements, []


def block_errors(block: Any, at: str) -> Errors:
    """One layout block by its type (blocks the bot never sends are checked for type only)."""
    kind = block.get("type")
    if kind == "section":
        return _section_errors(block, at)
    if kind == "header":
        return text_errors(block.get("text"), f"{at}/text", 150, plain=True)
    if kind == "context":
        elements, errors = _elements(block, at, 1, 10)
        for i, element in enumerate(elements):
            here = f"{at}/elements/{i}"
            if isinstance(element, dict) and element.get("type") == "image":
                errors += image_errors(element, here)
            else:
                errors += text_errors(element, here)
        return errors
    if kind == "actions":
        elements, errors = _elements(block, at, 1, 25)
        for i, element in enumerate(elements):
            errors += element_errors(element, f"{at}/elements/{i}", ACTION_ELEMENTS)
        return errors + _unique_action_ids(elements, f"{at}/elements")
    if kind == "input":
        errors = text_errors(block.get("label"), f"{at}/label", 2000, plain=True)
        errors += text_errors(block.get("hint"), f"{at}/hint", 2000, plain=True, required=False)
        if not isinstance(block.get("element"), dict):
            return [*errors, _error("missing required field: element", at)]
        return errors + element_errors(block["element"], f"{at}/element", INPUTS)
    if kind == "image":
        return image_errors(block, at)
    return []


def _section_errors(block: dict[str, Any], at: str) -> Errors:
    fields = block.get("fields")
    if block.get("text") is None and not fields:
        return [_error("must provide either text or fields", at)]
    errors = text_errors(block.get("text"), f"{at}/text", required=False)
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > 10:
            errors.append(_error("no more than 10 items allowed", f"{at}/fields"))
        for i, item in enumerate(fields if isinstance(fields, list) else []):
            errors += text_errors(item, f"{at}/fields/{i}", 2000)
    if block.get("accessory") is not None:
        errors += element_errors(block["accessory"], f"{at}/accessory", ACCESSORIES)
    return errors


def blocks_errors(blocks: Any, most: int, at: str = "/blocks") -> Errors:
    """A list of blocks: how many, each block, block_ids unique."""
    if not isinstance(blocks, list):
        return [_error("must be an array", at)]
    errors = [] if len(blocks) <= most else [_error(f"no more than {most} items allowed", at)]
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{at}/{i}"
        if not isinstance(block, dict) or not block.get("type"):
            errors.append(_error("missing required field: type", here))
            continue
        if block["type"] not in BLOCK_TYPES:
            errors.append(_error(f"unsupported type: {block['type']}", f"{here}/type"))
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen:
                errors.append(_error(f"duplicate block_id: {block_id}", f"{here}/block_id"))
            errors += _too_long(block_id, 255, f"{here}/block_id")
            seen.add(block_id)
        errors += block_errors(block, here)
    return errors


def message_errors(blocks: Any) -> Errors:
    return blocks_errors(blocks, 50)


def view_errors(view: Any, kind: str) -> Errors:
    """A modal or Home tab view."""
    if not isinstance(view, dict):
        return [_error("failed to match all allowed schemas", "/view")]
    errors = []
    if view.get("type") != kind:
        errors.append(_error(f"must be {kind}", "/view/type"))
    if kind == "modal":
        errors += text_errors(view.get("title"), "/view/title", 24, plain=True)
        for key in ("submit", "close"):
            errors += text_errors(view.get(key), f"/view/{key}", 24, plain=True, required=False)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and not view.get("submit"):
            errors.append(_error("missing required field: submit", "/view"))
    errors += blocks_errors(view.get("blocks", []), 100, "/view/blocks")
    errors += _too_long(str(view.get("private_metadata") or ""), 3000, "/view/private_metadata")
    errors += _too_long(str(view.get("callback_id") or ""), 255, "/view/callback_id")
    return errors
