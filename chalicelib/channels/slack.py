"""Slack Web API: chat.postMessage with blocks, thread_ts for threads, pins.add/remove.

Slack answers HTTP 200 with `{"ok": false, "error": "msg_too_long"}` for most failures, so the
class comes from the error code; 429 carries Retry-After. `internal_error` and `fatal_error`
mean "some of it may have happened" (Slack's own wording): ambiguous for a write.
"""
from __future__ import annotations

import re
from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, error_field, json_list, json_object
from chalicelib.channels.port import (Capabilities, ChannelError, GoneError, PermanentError,
                                      PostRef, RetryableError, ready, unready)
from chalicelib.domain.models import ChannelAccount, Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec
from chalicelib.rendering import measure as m
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile, fixed

_AUTH = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
         "missing_scope", "no_permission", "not_allowed_token_type", "ekm_access_denied"}
_TRANSIENT = {"ratelimited", "rate_limited", "service_unavailable", "request_timeout"}
# Of the above, the codes that mean the token itself is dead (not merely short of a scope).
_TOKEN_REFUSED = re.compile(r"\b(invalid_auth|not_authed|account_inactive|token_revoked|token_expired)\b")
_DONE = {"already_pinned", "no_pin"}  # pins.add / pins.remove: the wanted state holds
_HINTS = {"not_in_channel": "invite the Clarion app to the channel",
          "channel_not_found": "check the account's `channel` setting",
          "msg_too_long": "the text is over Slack's limit"}


def inspect_reply(reply: Reply) -> Complaint | None:
    data = reply.data if isinstance(reply.data, dict) else {}
    code = error_field(reply, "error")
    if 200 <= reply.status < 300 and (data.get("ok") is True or code in _DONE):
        return None
    if not code:
        return Complaint("an answer without `ok`" if reply.json_ok else "")
    text = f"{code} ({_HINTS[code]})" if code in _HINTS else code
    if code in _AUTH:
        return Complaint(f"{text}: the bot token was refused", None, PermanentError)
    if code in _TRANSIENT:
        return Complaint(text, None, RetryableError)
    if code == "message_not_found":
        return Complaint(text, None, GoneError)
    if code in ("internal_error", "fatal_error"):
        return Complaint(text)  # class from the status: 2xx write -> ambiguous
    return Complaint(text, None, PermanentError)


class SlackChannel(HttpChannel):
    platform = "Slack"
    default_base_url = "https://slack.com"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, threads=True,
                                max_pins=100, can_find=True)
    inspect = staticmethod(inspect_reply)

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret(credentials, 'bot_token')}"}

    def api(self, name: str, what: str, **params: Any) -> Reply:
        return self.http.call("POST", f"/api/{name}", what=what, json_body=params)

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        params = self._content(rendering, part, index)
        params.update(channel=self.setting("channel"), unfurl_links=False, unfurl_media=False)
        if root is not None:
            params["thread_ts"] = root.post_id  # Slack threads hang off the first message
        ts = str(self.api("chat.postMessage", "post", **params).need("ts"))
        # no link yet: chat.getPermalink is a second call, made once the post is recorded (permalink)
        return PostRef(post_id=ts, extra={"channel": str(self.setting("channel"))})

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        self.api("chat.update", "edit", channel=self.setting("channel"), ts=part_id,
                 **self._content(rendering, part, index))
        return PostRef(post_id=part_id, url=post.url if index == 0 else None, extra=dict(post.extra))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.api("chat.delete", "delete", channel=self.setting("channel"), ts=part_id)

    def _pin(self, post: PostRef) -> None:
        self.api("pins.add", "pin", channel=self.setting("channel"), timestamp=post.post_id)

    def _unpin(self, post: PostRef) -> None:
        self.api("pins.remove", "unpin", channel=self.setting("channel"), timestamp=post.post_id)

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"channel": self.setting("channel"), "limit": self.timeline_page}
        if since is not None:  # Slack leaves older messages out itself
            query["oldest"] = f"{since:.6f}"
        if older:
            query["cursor"] = older
        reply = self.http.call("GET", "/api/conversations.history", what="timeline", query=query)
        data = reply.data if isinstance(reply.data, dict) else {}
        messages = json_list(data, "messages")
        cursor = (data.get("response_metadata") or {}).get("next_cursor") if data.get("has_more") else None
        return TimelinePage([(PostRef(post_id=str(m["ts"])), str(m.get("text", "")), epoch(m.get("ts")))
                             for m in messages if isinstance(m, dict) and m.get("ts")],
                            older=str(cursor) if cursor else None)

    def _check(self) -> Readiness:
        """`auth.test` proves the token (Slack refuses one with `invalid_auth`, `token_revoked`...
        inside an HTTP 200), and every Web API answer's `x-oauth-scopes` header lists the token's
        scopes: `chat:write` to post, `pins:write` to pin. `conversations.info` says the channel
        exists, is not archived, and has the app in it (`is_member`; a public channel also takes
        `chat:write.public` instead). Bot tokens do not expire (token rotation is not used)."""
        auth = self.api("auth.test", "readiness check")
        header = {k.lower(): v for k, v in auth.headers.items()}.get("x-oauth-scopes")
        scopes = {s.strip() for s in header.split(",") if s.strip()} if header is not None else None
        can_pin = None if scopes is None else "pins:write" in scopes
        if scopes is not None and "chat:write" not in scopes:
            return unready(ReadinessProblem.PERMISSION, "the token lacks chat:write: Clarion cannot post",
                           can_pin=can_pin)
        note = "" if can_pin is not False else "ready; the token lacks pins:write: advisories are not pinned"
        try:
            info = self.http.call("GET", "/api/conversations.info", what="channel check",
                                  query={"channel": self.setting("channel")})
        except PermanentError as error:
            if "missing_scope" not in error.message:
                raise
            return ready(can_pin=can_pin, note=f"{note or 'ready'}; the channel itself was not looked at "
                                               "(the token lacks channels:read)")
        channel = json_object(info.data, "channel") if isinstance(info.data, dict) else {}
        if channel.get("is_archived"):
            return unready(ReadinessProblem.CONFIGURATION, "the channel is archived", can_pin=can_pin)
        public_post = bool(scopes and "chat:write.public" in scopes and not channel.get("is_private"))
        if channel.get("is_member") is False and not public_post:
            return unready(ReadinessProblem.PERMISSION, "the app is not in the channel: invite it to it",
                           can_pin=can_pin)
        return ready(can_pin=can_pin, note=note)

    def _refused(self, error: ChannelError) -> bool:
        return super()._refused(error) or _TOKEN_REFUSED.search(error.message) is not None

    @staticmethod
    def _content(rendering: Rendering, part: Part, index: int) -> dict[str, Any]:
        """`text` is the notification fallback; the blocks, when rendered, go with the first part."""
        content: dict[str, Any] = {"text": part.text}
        if index == 0 and rendering.blocks:
            content["blocks"] = rendering.blocks
        return content

    def permalink(self, post: PostRef) -> str | None:
        """A link is nice to have; failing to get one must not fail the post."""
        if post.url:
            return post.url
        try:
            reply = self.http.call("GET", "/api/chat.getPermalink", what="permalink",
                                   query={"channel": self.setting("channel"), "message_ts": post.post_id})
            return str(reply.need("permalink"))
        except ChannelError:
            return None


# -- rendering: mrkdwn, escaped; Block Kit sections of at most 3000 characters -------------------------
SECTION_LIMIT = 3000
TEXT_LIMIT = 40000


def escape(text: str) -> str:
    """Slack mrkdwn control characters, so advisory text can form neither links nor mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(text: str) -> list[dict[str, Any]]:
    """Section blocks of at most 3000 characters, split between paragraphs, else between words."""
    found, current = [], ""
    for paragraph in text.split("\n\n"):
        for piece in _pieces(paragraph, SECTION_LIMIT):
            candidate = f"{current}\n\n{piece}" if current else piece
            if m.utf16_units(candidate) <= SECTION_LIMIT:
                current = candidate
            else:
                found.append(current)
                current = piece
    if current:
        found.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": b}} for b in found]


def _pieces(paragraph: str, limit: int) -> list[str]:
    if m.utf16_units(paragraph) <= limit:
        return [paragraph]
    pieces, current = [], ""
    for word in paragraph.split(" "):
        candidate = f"{current} {word}" if current else word
        if m.utf16_units(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word[:limit]
    return [*pieces, current] if current else pieces


def _with_blocks(rendering: Rendering, account: ChannelAccount) -> Rendering:
    rendering.blocks = blocks(rendering.parts[0].text)
    return rendering


# -- an account's settings and credentials, as SlackChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret  # noqa: E402


class SlackSettings(HttpSettings):
    """The conversation posted to (required): its id (C…, G… or D…), not its name."""

    channel: str = Field(pattern=r"^[CGD][A-Z0-9]{2,20}$")


class SlackCredentials(PlatformCredentials):
    """A bot token (xoxb-…) with chat:write, pins:write and channels:history."""

    bot_token: Secret


SPECS = (PlatformSpec(
    "slack", adapter=SlackChannel, grants=(Grant.SECRETS,),
    settings=SlackSettings, credentials=SlackCredentials,
    profile=PostProfile(template="channels/slack.j2", unit="UTF-16 code units", escape=escape,
                        finish=_with_blocks, limits=fixed(TEXT_LIMIT, m.utf16_units))),)
