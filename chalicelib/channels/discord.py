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
from chalicelib.channels.port import Capabilities, GoneError, PostRef, ready, unready
from chalicelib.domain.models import Readiness, ReadinessProblem
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

    def _check(self) -> Readiness:
        """`GET /users/@me` proves the token (401) and names the bot; `GET /channels/{id}` that
        the bot sees the channel (403 Missing Access, 404 Unknown Channel) and its permission
        overwrites; `GET /guilds/{guild}` (roles, owner) and `GET /guilds/{guild}/members/{bot}`
        (the bot's roles) give the rest of what Discord's documented computation needs: see
        `channel_permissions`. Posting needs View Channel and Send Messages; pinning
        Pin Messages, or Manage Messages, which Discord still honours for pins. Bot tokens do
        not expire."""
        bot = str(self.http.call("GET", f"{API}/users/@me", what="readiness check").need("id"))
        reply = self.http.call("GET", f"{API}/channels/{seg(self.setting('channel_id'))}", what="channel check")
        channel = reply.data if isinstance(reply.data, dict) else {}
        guild_id = str(channel.get("guild_id") or self.settings.get("guild_id") or "")
        if not guild_id:
            return ready(can_pin=None, note="ready; not a server channel, so no permissions to compute")
        guild = self.http.call("GET", f"{API}/guilds/{seg(guild_id)}", what="server check").data
        member = self.http.call("GET", f"{API}/guilds/{seg(guild_id)}/members/{seg(bot)}", what="bot roles check").data
        allowed = channel_permissions(guild if isinstance(guild, dict) else {}, guild_id,
                                      member.get("roles") if isinstance(member, dict) else [], bot,
                                      channel.get("permission_overwrites"))
        can_pin = bool(allowed & (PIN_MESSAGES | MANAGE_MESSAGES))
        if not allowed & VIEW_CHANNEL or not allowed & SEND_MESSAGES:
            return unready(ReadinessProblem.PERMISSION, "the bot may not post in the channel: it needs the "
                           "View Channel and Send Messages permissions there", can_pin=can_pin)
        notes = ([] if can_pin else ["the bot may not pin: give it Pin Messages (or Manage Messages)"]) + (
            [] if allowed & READ_MESSAGE_HISTORY else ["without Read Message History a lost post cannot be found"])
        return ready(can_pin=can_pin, note="; ".join(["ready", *notes]) if notes else "")

    def _ref(self, message_id: str) -> PostRef:
        guild, channel = self.settings.get("guild_id"), self.setting("channel_id")
        url = f"https://discord.com/channels/{guild}/{channel}/{message_id}" if guild else None
        return PostRef(post_id=message_id, url=self.post_url(url, message_id), extra={"channel_id": str(channel)})


# Discord's permission bits (topics/permissions): Pin Messages is the newer right pins need;
# Manage Messages, which used to cover pins, still does.
ADMINISTRATOR, VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES = 1 << 3, 1 << 10, 1 << 11, 1 << 13
READ_MESSAGE_HISTORY, PIN_MESSAGES = 1 << 16, 1 << 51
ALL_PERMISSIONS = (1 << 64) - 1


def channel_permissions(guild: Mapping[str, Any], guild_id: str, member_roles: Any, user_id: str,
                        overwrites: Any) -> int:
    """A member's permissions in a channel, as Discord documents the computation: the owner has
    all; else @everyone's role (its id is the guild's) OR the member's roles, all if that has
    Administrator; then the channel's overwrites: @everyone's, the member's roles' (denies,
    then allows, each OR-ed together), the member's own."""
    if str(guild.get("owner_id") or "") == user_id:
        return ALL_PERMISSIONS
    roles = {str(r.get("id")): _bits(r.get("permissions")) for r in guild.get("roles") or [] if isinstance(r, dict)}
    mine = [str(r) for r in member_roles or []]
    base = roles.get(guild_id, 0)
    for role in mine:
        base |= roles.get(role, 0)
    if base & ADMINISTRATOR:
        return ALL_PERMISSIONS
    by_id = {str(o.get("id")): (_bits(o.get("allow")), _bits(o.get("deny")))
             for o in overwrites or [] if isinstance(o, dict)}

    def apply(permissions: int, allow: int, deny: int) -> int:
        return (permissions & ~deny) | allow

    allowed = apply(base, *by_id.get(guild_id, (0, 0)))
    role_allow = role_deny = 0
    for role in mine:
        allow, deny = by_id.get(role, (0, 0))
        role_allow, role_deny = role_allow | allow, role_deny | deny
    allowed = apply(allowed, role_allow, role_deny)
    return apply(allowed, *by_id.get(user_id, (0, 0)))


def _bits(value: Any) -> int:
    """Discord sends permissions as decimal strings (they outgrew 53 bits)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


_MARKDOWN = re.compile(r"(?m)([\\*_~`|>\[\]<])|^\s*([#-])")


def escape(text: str) -> str:
    """Markdown characters escaped, masked links `[text](url)`, `<@id>` mentions, headings
    and subtext included; @everyone / @here broken with a zero-width space (and the webhook
    sends allowed_mentions none, so nothing in the text can ping)."""
    text = _MARKDOWN.sub(lambda found: "\\" + found.group(0) if found.group(1) else
                         found.group(0)[:-1] + "\\" + found.group(2), text)
    return re.sub(r"@(everyone|here)", "@\u200b\\1", text)


# -- an account's settings and credentials, as DiscordChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret  # noqa: E402


class DiscordSettings(HttpSettings):
    """The channel posted to (required) and its server (`guild_id`: without it posts have no link)."""

    channel_id: str = Field(pattern=r"^[0-9]{15,21}$")
    guild_id: str | None = Field(default=None, pattern=r"^[0-9]{15,21}$")


class DiscordCredentials(PlatformCredentials):
    """The bot's token; the bot may send messages and manage messages (pins) in the channel."""

    bot_token: Secret


SPECS = (PlatformSpec(
    "discord", adapter=DiscordChannel, grants=(Grant.SECRETS,),
    settings=DiscordSettings, credentials=DiscordCredentials,
    profile=PostProfile(template="channels/discord.j2", unit="UTF-16 code units", escape=escape,
                        limits=fixed(2000, m.utf16_units))),)
