"""slack_sdk's `to_dict()` for Block Kit objects, byte for byte, without its per-render overhead.

`JsonObject.to_dict()` looks up each object's validators anew (its attribute names, sorted,
each tested for being one), builds its sorted attribute set, and walks every child's dict twice;
a triage card spent four fifths of its render there. Here what depends only on the class (the
keys in slack_sdk's order, the validators) is found once per class, each object is walked once,
and slack_sdk's own validators still run, so a block_id, action_id or button value too long (our
code cuts texts, not ids) fails as it did. A class that serialises itself (its own `to_dict`:
`Option`, `ConfirmObject`, …) is left to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

# The JsonObject methods that decide an object's JSON: a class overriding any serialises itself.
_SHAPING = ("to_dict", "validate_json", "get_non_null_attributes", "get_object_attribute")
_EMPTY_ALLOWED = frozenset(rule["type"] for rule in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST)


@dataclass(frozen=True)
class _Shape:
    """What JsonObject.to_dict() does for every object of one class."""

    keys: tuple[str, ...]  # sorted, as get_non_null_attributes writes them
    checks: tuple[Callable[[Any], None], ...]  # the validators, in validate_json's order


_SHAPES: dict[type, _Shape | None] = {}


def _shape(obj: JsonObject) -> _Shape | None:
    """The class's shape, None when slack_sdk's own to_dict must write it."""
    cls = type(obj)
    if cls not in _SHAPES:
        own = any(getattr(cls, name) is not getattr(JsonObject, name) for name in _SHAPING)
        if own or getattr(obj, "type", None) in _EMPTY_ALLOWED:
            _SHAPES[cls] = None
        else:
            names = sorted(n for n in dir(cls) if not n.startswith("__"))
            checks = [getattr(cls, n, None) for n in names]
            _SHAPES[cls] = _Shape(
                keys=tuple(sorted(obj.attributes)),
                checks=tuple(c for c in checks if callable(c) and hasattr(c, "validator")),
            )
    return _SHAPES[cls]


def as_dict(obj: JsonObject) -> dict[str, Any]:
    """`obj.to_dict()`: validated, keys sorted, None and empty values left out."""
    shape = _shape(obj)
    if shape is None:
        return obj.to_dict()
    for check in shape.checks:
        check(obj)
    out = {}
    for key in shape.keys:
        value = getattr(obj, key, None)
        if isinstance(value, str):  # most values: nothing to walk
            if value:
                out[key] = value
        elif value is not None and not (hasattr(value, "__len__") and not len(value)):
            out[key] = _compatible(value)
    return out


def _compatible(value: Any) -> Any:
    """A child as get_non_null_attributes writes it: objects as dicts, tuples as lists."""
    if isinstance(value, str):  # most values; JsonObject's isinstance (an ABC's) costs more
        return value
    if isinstance(value, (list, tuple)):
        return [_compatible(v) for v in value]
    if isinstance(value, JsonObject) and _shape(value):
        return as_dict(value)
    if callable(getattr(value, "to_dict", None)):
        return {k: _compatible(v) for k, v in value.to_dict().items()}
    return value
