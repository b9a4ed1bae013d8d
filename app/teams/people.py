"""Who an Azure AD object id is in Teams: display names learned from what leakdesk already sees
(every activity's `from`, the conversation members it reads) or read once from the Bot Connector,
and the room's messages with people written as those names instead of their ids."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from app.work.queue import Retry

log = logging.getLogger(__name__)

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_USER = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")
_AT = re.compile(r"<at>([^<]+)</at>")
LIMIT = 5000  # people kept in memory (a tenant's incident responders fit many times over)


@dataclass(frozen=True)
class Person:
    name: str
    # The Teams user id (`29:…`): what a bot's Adaptive Card mention names ("Mention support
    # within Adaptive Cards", Teams docs: `mentioned.id` is "the Teams user id of the user being
    # mentioned"; Azure AD object ids and UPNs are documented for incoming webhooks).
    teams_id: str
    # An Azure AD group (PR leads may be one, docs/teams.md): named by its display name, never
    # @mentioned (a card's mention names one user).
    group: bool = False


Lookup = Callable[[str], Awaitable[dict[str, Any]]]


class People:
    """Azure AD object id → `Person`, bounded (least recently used go first). A look-up Teams
    refused is remembered as unknown, so it is not asked again until the person is seen."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._known: OrderedDict[str, Person | None] = OrderedDict()

    def learn(self, aad: Any, name: Any, teams_id: Any) -> None:
        if not (isinstance(aad, str) and GUID.match(aad) and isinstance(name, str)):
            return
        if name.strip():  # (a blank name would show the id)
            self._keep(aad, Person(name.strip(), str(teams_id or aad)))

    def learn_account(self, account: Mapping[str, Any] | None) -> None:
        """A Bot Framework channel account: an activity's `from`, or a conversation member."""
        account = account or {}
        self.learn(account.get("aadObjectId"), account.get("name"), account.get("id"))

    def learn_group(self, aad: str, name: Any) -> None:
        """An Azure AD group by its display name (Graph's group, read once)."""
        if GUID.match(aad) and isinstance(name, str) and name.strip():
            self._keep(aad, Person(name.strip(), aad, group=True))

    def known(self, aad: str) -> Person | None:
        return self._known.get(aad)

    async def find(self, ids: set[str], lookup: Lookup | None) -> dict[str, Person | None]:
        """The people these ids are; one not known yet is looked up once (`lookup` reads the
        conversation member by Azure AD object id; None: only who is known already). A refused
        or failed look-up is no error: that person is unknown (None), and the text says a
        neutral word instead."""
        unknown = [aad for aad in ids if aad not in self._known and GUID.match(aad)]
        if lookup is not None and unknown:  # side by side: one round trip, not one each
            await asyncio.gather(*(self._look_up(aad, lookup) for aad in unknown))
        found: dict[str, Person | None] = {}
        for aad in ids:
            found[aad] = self._known.get(aad)
            if aad in self._known:
                self._known.move_to_end(aad)
        return found

    async def _look_up(self, aad: str, lookup: Lookup) -> None:
        try:
            self.learn_account(await lookup(aad))
        except (Retry, httpx.HTTPError) as exc:  # throttled or unreachable: asked again next time
            log.info("member %s not read now: %s", aad, exc)
            return
        except Exception as exc:  # noqa: BLE001 - refused (404: not in the room): unknown
            log.info("member %s not known: %s", aad, exc)
        if aad not in self._known:
            self._keep(aad, None)

    def _keep(self, aad: str, person: Person | None) -> None:
        self._known[aad] = person
        self._known.move_to_end(aad)
        while len(self._known) > self.limit:
            self._known.popitem(last=False)


def people_in(payload: Any) -> set[str]:
    """The ids a message names (`<@id>`) or @mentions (`<at>id</at>`)."""
    raw = json.dumps(payload, ensure_ascii=False)
    return set(_USER.findall(raw)) | {i for i in _AT.findall(raw) if GUID.match(i)}


def named(payload: Any, people: Mapping[str, Person | None], someone: str) -> Any:
    """The message with `<@id>` as the person's name (plain text) and `<at>id</at>` as
    `<at>Name</at>` with its mention entity (Teams shows the text between the tags); a group is
    its name and is not @mentioned; someone unknown is `someone` (a neutral word), never their
    id, and is not @mentioned."""

    def plain(match: re.Match[str]) -> str:
        person = people.get(match.group(1))
        return person.name if person else someone

    def at(match: re.Match[str]) -> str:
        if not GUID.match(match.group(1)):
            return match.group(0)  # already a name
        person = people.get(match.group(1))
        if person is None:
            return someone
        return person.name if person.group else f"<at>{person.name}</at>"

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return _AT.sub(at, _USER.sub(plain, node))
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items() if k != "msteams"} | (
                {"msteams": _entities(node["msteams"], people)} if "msteams" in node else {}
            )
        return node

    return walk(payload)


def _entities(msteams: dict[str, Any], people: Mapping[str, Person | None]) -> dict[str, Any]:
    """A card's mention entities for the people it names: the entity's text is exactly the
    card's `<at>Name</at>`; someone unknown has no entity (their mention became a plain word)."""
    entities = []
    for entity in msteams.get("entities") or []:
        aad = str((entity.get("mentioned") or {}).get("id", ""))
        if entity.get("type") != "mention" or not GUID.match(aad):
            entities.append(entity)
        elif (person := people.get(aad)) and not person.group:
            mentioned = {"id": person.teams_id, "name": person.name}
            text = f"<at>{person.name}</at>"
            entities.append({"type": "mention", "text": text, "mentioned": mentioned})
    rest = {k: v for k, v in msteams.items() if k != "entities"}
    return rest | ({"entities": entities} if entities else {})
