"""The timeline's hash chain: canonical encoding, hashing and verification (pure)."""

from __future__ import annotations

import hashlib
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
) -> str:
    """The event's own hash; `data_digest` stands for the data so purged text stays verifiable."""
    body = {
        "incident": incident_key,
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "kind": kind,
        "data": data_digest,
        "prev": prev_hash,
    }
    return hashlib.sha256(canonical(body)).hexdigest()


class ChainLink(Protocol):
    seq: int
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any] | None
    data_hash: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify_chain(incident_key: str, events: Iterable[ChainLink]) -> Break | None:
    """Returns the first event that does not match its chain, or None when the chain is intact."""
    expected_prev, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            return Break(event.seq, f"sequence {event.seq} where {expected_seq} was expected")
        if event.prev_hash != expected_prev:
            return Break(event.seq, "prev_hash does not match the previous event's hash")
        if event.data is not None and data_hash(event.data) != event.data_hash:
            return Break(event.seq, "data was changed after it was recorded")
        recomputed = event_hash(
            incident_key=incident_key,
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            kind=event.kind,
            data_digest=event.data_hash,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return Break(event.seq, "hash does not match the event's contents")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return None
