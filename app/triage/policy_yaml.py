"""Where in a policy file a problem is: the line of a key path, duplicate keys, one-line messages."""

from __future__ import annotations

from typing import Any

import yaml


def duplicate_keys(
    node: yaml.Node | None, path: tuple[str | int, ...] = ()
) -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                found.append((dotted((*path, key.value)), key.start_mark.line + 1, "duplicate key"))
            seen.add(key.value)
            found += duplicate_keys(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += duplicate_keys(item, (*path, index))
    return found


def line_of(root: yaml.Node | None, path: tuple[str | int, ...]) -> int:
    """The line of the deepest node of the file on `path` (1 when the file lacks it)."""
    node, line = root, (root.start_mark.line + 1) if root else 1
    for part in path:
        child = _child(node, part)
        if child is None:
            break
        node, line = child[1], child[0].start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part], node.value[part]
    return None


def dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path) or "(top)"


def problem_line(name: str, root: yaml.Node | None, error: Any) -> str:
    path = tuple(p for p in error["loc"] if p != "[key]")
    if error["type"] == "extra_forbidden":
        msg = "unknown key"
    elif error["type"] == "missing":
        msg = "required key is missing"
    else:
        msg = f"{error['msg']} (got {error.get('input')!r})"
    return f"{name}:{line_of(root, path)}: {dotted(path)}: {msg}"
