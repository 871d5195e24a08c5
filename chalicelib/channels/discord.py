"""Discord (bot, REST API v10): channel messages, replies for threads, pins.

Messages are sent with `nonce` + `enforce_nonce: true`: a repeat with the same nonce within a
few minutes returns the first message instead of posting again. Errors are
`{"message", "code", "errors"}`; 429 is `{"message", "retry_after" (seconds), "global"}`;
code 10008 is Unknown Message. Pins use the current `/messages/pins/{id}` routes.
"""
from __future__ import annotations

import re
from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch, short_nonce
from chalicelib.channels.http import Complaint, Reply, error_field, seg
from chalicelib.channels.port import Capabilities, GoneError, PostRef
from chalicelib.platforms import Grant, PlatformSpec
from chalicelib.rendering import measure as m
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile, fixed

API = "/api/v10"
USER_AGENT = "DiscordBot (https://clarion.invalid, 1.0)"  # the format Discord requires of bots


def inspect_reply(reply: Reply) -> Complaint | None:
    if 200 <= reply.status < 300:
        return None
    data = reply.data if isinstance(reply.data, dict) else {}
    fields = "; ".join(_field_errors(data.get("errors")))
    text = ": ".join(t for t in (error_field(reply, "message"), fields) if t)
    wait = data.get("retry_after")
    return Complaint(text, float(wait) if isinstance(wait, (int, float)) else None,
                     GoneError if data.get("code") == 10008 else None)


def _field_errors(tree: Any, path: str = "") -> list[str]:
    """Discord nests validation errors by field: {"content": {"_errors": [{"message"}]}}."""
    if not isinstance(tree, dict):
        return []
    out = [f"{path or 'body'}: {e.get('message')}" for e in tree.get("_errors", []) if isinstance(e, dict)]
    for key, sub in tree.items():
        if key != "_errors":
            out += _field_errors(sub, f"{path}.{key}" if path else str(key))
    return out


class DiscordChannel(HttpChannel):
    platform = "Discord"
    default_base_url = "https://discord.com"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True,
                                threads=True, max_pins=50, can_find=True)
    inspect = staticmethod(inspect_reply)

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bot {self.secret(credentials, 'bot_token')}", "User-Agent": USER_AGENT}

    def _messages(self, suffix: str = "") -> str:
        return f"{API}/channels/{seg(self.setting('channel_id'))}/messages{suffix}"

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        body: dict[str, Any] = {"content": part.text, "nonce": short_nonce(key), "enforce_nonce": True,
                                "allowed_mentions": {"parse": []}}
        if parent is not None:
            body["message_reference"] = {"message_id": parent.post_id, "fail_if_not_exists": False}
        reply = self.http.call("POST", self._messages(), what="post", json_body=body)
        return self._ref(str(reply.need("id")))

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        reply = self.http.call("PATCH", self._messages(f"/{seg(part_id)}"), what="edit",
                               json_body={"content": part.text})
        return self._ref(str(reply.need("id")))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.http.call("DELETE", self._messages(f"/{seg(part_id)}"), what="delete")

    def _pin(self, post: PostRef) -> None:
        self.http.call("PUT", self._messages(f"/pins/{seg(post.post_id)}"), what="pin")

    def _unpin(self, post: PostRef) -> None:
        self.http.call("DELETE", self._messages(f"/pins/{seg(post.post_id)}"), what="unpin")

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"limit": self.timeline_page}
        if older:
            query["before"] = older
        reply = self.http.call("GET", self._messages(), what="timeline", query=query)
        messages = [m for m in (reply.data if isinstance(reply.data, list) else [])
                    if isinstance(m, dict) and m.get("id")]
        return TimelinePage([(self._ref(str(m["id"])), str(m.get("content", "")), epoch(m.get("timestamp")))
                             for m in messages],
                            older=str(messages[-1]["id"]) if len(messages) >= self.timeline_page else None)

    def _ref(self, message_id: str) -> PostRef:
        guild, channel = self.settings.get("guild_id"), self.setting("channel_id")
        url = f"https://discord.com/channels/{guild}/{channel}/{message_id}" if guild else None
        return PostRef(post_id=message_id, url=self.post_url(url, message_id), extra={"channel_id": str(channel)})


_MARKDOWN = re.compile(r"(?m)([\\*_~`|>\[\]<])|^\s*([#-])")


def escape(text: str) -> str:
    """Markdown characters escaped, masked links `[text](url)`, `<@id>` mentions, headings
    and subtext included; @everyone / @here broken with a zero-width space (and the webhook
    sends allowed_mentions none, so nothing in the text can ping)."""
    text = _MARKDOWN.sub(lambda found: "\\" + found.group(0) if found.group(1) else
                         found.group(0)[:-1] + "\\" + found.group(2), text)
    return re.sub(r"@(everyone|here)", "@\u200b\\1", text)


SPECS = (PlatformSpec(
    "discord", adapter=DiscordChannel, grants=(Grant.SECRETS,),
    profile=PostProfile(template="channels/discord.j2", unit="UTF-16 code units", escape=escape,
                        limits=fixed(2000, m.utf16_units))),)
