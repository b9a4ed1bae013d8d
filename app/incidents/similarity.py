"""Is a new report probably the same leak as an open incident? (pure)"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(hours=2)
THRESHOLD = 0.4  # a false match only costs the reporter one click ("open a separate one")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "was",
        "were",
        "is",
        "and",
        "or",
        "our",
        "we",
        "i",
        "it",
        "by",
        "for",
        "with",
        "from",
        "at",
        "may",
        "have",
        "has",
    }
)


@dataclass(frozen=True)
class Candidate:
    incident_id: int
    title: str
    opened_at: datetime
    link: str | None = None
    features: frozenset[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", features(self.title))


class CandidateCache:
    """Recent incidents' features, computed once per process (bounded, oldest dropped first)."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._items: OrderedDict[int, Candidate] = OrderedDict()

    def __contains__(self, incident_id: int) -> bool:
        return incident_id in self._items

    def get(self, incident_id: int) -> Candidate | None:
        return self._items.get(incident_id)

    def put(self, incident_id: int, candidate: Candidate) -> None:
        self._items[incident_id] = candidate
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def features(text: str) -> frozenset[str]:
    """English words (minus stop words) and CJK character bigrams, so ja and en both compare."""
    normal = unicodedata.normalize("NFKC", text).lower()
    words = {w for w in _WORD.findall(normal) if w not in _STOP}
    cjk = "".join(ch for ch in normal if ord(ch) > 0x2E80 and not ch.isspace())
    bigrams = {cjk[i : i + 2] for i in range(len(cjk) - 1)}
    return frozenset(words | bigrams)


def similarity(a: str | frozenset[str], b: str | frozenset[str]) -> float:
    fa = features(a) if isinstance(a, str) else a
    fb = features(b) if isinstance(b, str) else b
    if not fa or not fb:
        return 0.0
    return len(fa & fb) / len(fa | fb)


def same_leak(
    title: str,
    link: str | None,
    candidates: Iterable[Candidate],
    now: datetime,
    *,
    window: timedelta = WINDOW,
    threshold: float = THRESHOLD,
) -> Candidate | None:
    """The open incident this report most likely repeats: the same linked message, or a
    similar summary reported within the window; None when it looks new."""
    best, best_score = None, threshold
    wanted = features(title)
    for candidate in candidates:
        if now - candidate.opened_at > window:
            continue
        if link and candidate.link and link == candidate.link:
            return candidate
        score = similarity(wanted, candidate.features)
        if score >= best_score:
            best, best_score = candidate, score
    return best
