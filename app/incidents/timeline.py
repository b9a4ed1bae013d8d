"""The timeline's hash chain: canonical encoding, hashing and verification (pure)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def data_hash(data: dict[str, Any] | None) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def event_hash(
    *,
    incident_key: str,
    seq: int,
    at: datetime,
    actor: str,
    kind: str,
    data_digest: str,
    prev_hash: str,
    key: bytes | None = None,
) -> str:
    """The event's own hash; `data_digest` stands for the data so purged text stays verifiable.
    With a chain key it is an HMAC-SHA256 under that key: whoever can write the database but
    does not hold the key (it lives in the settings, never in the database) cannot recompute a
    chain they altered."""
    body = {
        "incident": incident_key,
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "kind": kind,
        "data": data_digest,
        "prev": prev_hash,
    }
    if key is not None:
        return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical(body)).hexdigest()


def chain_keys(setting: str | None) -> tuple[bytes, ...]:
    """LEAKDESK_CHAIN_KEY: comma-separated keys, newest first (new events use the first)."""
    return tuple(k.strip().encode() for k in (setting or "").split(",") if k.strip())


class ChainLink(Protocol):
    seq: int
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any] | None
    data_hash: str
    prev_hash: str
    hash: str


def rechain(incident_key: str, events: Iterable[ChainLink], key: bytes | None) -> str:
    """Recomputes every event's links and hash, in order, under `key`; returns the new head."""
    prev = GENESIS
    for event in events:
        event.prev_hash = prev
        event.hash = prev = event_hash(
            incident_key=incident_key,
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            kind=event.kind,
            data_digest=event.data_hash,
            prev_hash=prev,
            key=key,
        )
    return prev


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify_chain(
    incident_key: str,
    events: Iterable[ChainLink],
    keys: tuple[bytes, ...] = (),
    *,
    legacy: bool = False,
) -> Break | None:
    """Returns the first event that does not match its chain, or None when the chain is intact.
    With chain keys, every event must be keyed by one of them (a chain recomputed without the
    key is refused: `leakdesk rekey-chains` moves a verified older chain to the key)."""
    expected_prev, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            return Break(event.seq, f"sequence {event.seq} where {expected_seq} was expected")
        if event.prev_hash != expected_prev:
            return Break(event.seq, "prev_hash does not match the previous event's hash")
        if event.data is not None and data_hash(event.data) != event.data_hash:
            return Break(event.seq, "data was changed after it was recorded")
        fields = {
            "incident_key": incident_key,
            "seq": event.seq,
            "at": event.at,
            "actor": event.actor,
            "kind": event.kind,
            "data_digest": event.data_hash,
            "prev_hash": event.prev_hash,
        }
        # `legacy`: also unkeyed events (a chain written before the key, being moved to it)
        candidates: tuple[bytes | None, ...] = (*keys, None) if legacy or not keys else keys
        if not any(
            hmac.compare_digest(event_hash(**fields, key=k), event.hash) for k in candidates
        ):
            if keys and event_hash(**fields) == event.hash:
                return Break(event.seq, "not keyed with the chain key (run leakdesk rekey-chains)")
            return Break(event.seq, "hash does not match the event's contents")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return None
