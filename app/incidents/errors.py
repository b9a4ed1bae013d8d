"""What the incident service refuses: stable codes that adapters translate for people."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service refuses; `code` is stable for adapters to translate."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class NotFound(ServiceError):
    def __init__(self, what: str) -> None:
        super().__init__("not_found", what)
