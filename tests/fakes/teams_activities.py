"""Activities shaped as Teams sends them to a bot (Bot Framework schema, Teams channelData)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

BOT_ID = "28:leakdesk-bot"
_ids = itertools.count(1)


@dataclass(frozen=True)
class User:
    aad: str
    name: str

    @property
    def teams_id(self) -> str:
        return f"29:{self.aad}"


@dataclass
class Activities:
    service_url: str
    tenant: str
    team: str

    def _base(self, user: User, conversation: str, **extra: Any) -> dict[str, Any]:
        personal = not conversation.startswith("19:")
        channel_data: dict[str, Any] = {"tenant": {"id": self.tenant}}
        if conversation.startswith("19:") and conversation.split(";")[0].endswith("tacv2"):
            channel_data["team"] = {"id": self.team}
            channel_data["channel"] = {"id": conversation.split(";")[0]}
        return {
            "id": f"f:{next(_ids)}",
            "timestamp": "2026-11-28T10:00:00.000Z",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": user.teams_id, "name": user.name, "aadObjectId": user.aad},
            "conversation": {
                "id": conversation,
                "conversationType": "personal" if personal else "channel",
                "tenantId": self.tenant,
                "isGroup": not personal,
            },
            "recipient": {"id": BOT_ID, "name": "leakdesk"},
            "channelData": channel_data,
            "locale": "en-US",
            **extra,
        }

    def personal(self, user: User) -> str:
        return f"a:{uuid.uuid5(uuid.NAMESPACE_URL, user.aad).hex}"

    def message(self, text: str, user: User, conversation: str | None = None) -> dict[str, Any]:
        conversation = conversation or self.personal(user)
        mention = conversation.startswith("19:")
        body = f"<at>leakdesk</at> {text}" if mention else text
        extra: dict[str, Any] = {"type": "message", "text": body, "textFormat": "plain"}
        if mention:
            extra["entities"] = [
                {
                    "type": "mention",
                    "text": "<at>leakdesk</at>",
                    "mentioned": {"id": BOT_ID, "name": "leakdesk"},
                }
            ]
        return self._base(user, conversation, **extra)

    def execute(
        self, verb: str, data: dict[str, Any], user: User, conversation: str
    ) -> dict[str, Any]:
        """An Action.Execute press: Teams merges the card's inputs into `data`."""
        return self._base(
            user,
            conversation,
            type="invoke",
            name="adaptiveCard/action",
            value={
                "action": {"type": "Action.Execute", "verb": verb, "data": data},
                "trigger": "manual",
            },
        )

    def report_message(self, content: str, user: User, conversation: str) -> dict[str, Any]:
        """The message action "Report a possible leak" on someone's message."""
        payload = {
            "id": "1700000000123",
            "body": {"contentType": "html", "content": content},
            "linkToMessage": "https://teams.microsoft.com/l/message/19:x/1700000000123",
        }
        return self.message_action("reportLeak", payload, user, conversation)

    def timeline_message(
        self, content: str, user: User, conversation: str, *, author: User, message_id: str
    ) -> dict[str, Any]:
        """The message action "Add to timeline" on `author`'s message (Teams' messagePayload)."""
        payload = {
            "id": message_id,
            "messageType": "message",
            "createdDateTime": "2026-12-04T01:02:03.000Z",
            "from": {"user": {"id": author.aad, "displayName": author.name}},
            "body": {"contentType": "html", "content": content},
            "linkToMessage": f"https://teams.microsoft.com/l/message/{conversation}/{message_id}",
        }
        return self.message_action("addToTimeline", payload, user, conversation)

    def message_action(
        self, command: str, payload: dict[str, Any], user: User, conversation: str
    ) -> dict[str, Any]:
        """A message extension action command run on a message (`composeExtension/submitAction`)."""
        return self._base(
            user,
            conversation,
            type="invoke",
            name="composeExtension/submitAction",
            value={"commandId": command, "commandContext": "message", "messagePayload": payload},
        )
