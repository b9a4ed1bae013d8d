"""Sealed column types: free text at rest, sealed with Fernet keys from LEAKDESK_ENCRYPTION_KEY
(newest first). Next to db.py: the models use them, and they know nothing of the models."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import JSON, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

SEALED = "$sealed"
TEXT_PREFIX = "sealed:"


class KeyError_(ValueError):
    pass


class Vault:
    """Holds the process's keys; with none, values pass through unchanged."""

    def __init__(self) -> None:
        self._fernet: MultiFernet | None = None

    def configure(self, keys: str | None) -> None:
        if not keys:
            self._fernet = None
            return
        try:
            self._fernet = MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])
        except ValueError:
            raise KeyError_(
                "LEAKDESK_ENCRYPTION_KEY must be Fernet keys, comma-separated, newest first "
                '(make one: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())")'
            ) from None

    @property
    def active(self) -> bool:
        return self._fernet is not None

    def seal(self, plaintext: str) -> str:
        assert self._fernet is not None
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        if self._fernet is None:
            raise KeyError_("this database holds encrypted text: set LEAKDESK_ENCRYPTION_KEY")
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise KeyError_(
                "no key in LEAKDESK_ENCRYPTION_KEY opens this text (was a key removed "
                "before `leakdesk rotate-keys` ran?)"
            ) from None


vault = Vault()


class SealedJSON(TypeDecorator[Any]):
    """JSON that is stored as {"$sealed": token} when a key is configured."""

    impl = JSON().with_variant(JSONB(), "postgresql")
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None or not vault.active:
            return value
        return {SEALED: vault.seal(json.dumps(value, ensure_ascii=False, sort_keys=True))}

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, dict) and set(value) == {SEALED}:
            return json.loads(vault.open(value[SEALED]))
        return value


class SealedText(TypeDecorator[str]):
    """Text that is stored as `sealed:<token>` when a key is configured."""

    impl = Text()
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or not vault.active:
            return value
        return TEXT_PREFIX + vault.seal(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is not None and value.startswith(TEXT_PREFIX):
            return vault.open(value.removeprefix(TEXT_PREFIX))
        return value
