"""Telegram Bot API, posting to a channel: sendMessage, replies for threads, pins, edits.

Every method is `POST /bot<token>/<method>` and answers `{"ok": true, "result": ...}` or
`{"ok": false, "error_code", "description", "parameters": {"retry_after"}}`. The token is in
the URL path, so it is registered for redaction like every credential. A wrong token gives
401, a malformed one 404. Editing to identical text is an error ("message is not modified")
that means the edit is already done.

A bot cannot read a channel's history (there is no such Bot API method, and bots get no
updates for their own posts), so `find` cannot reconcile an ambiguous post: `can_find` is
False and the delivery must be checked by a person before anything is re-sent.
"""
from __future__ import annotations

import contextlib

from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel
from chalicelib.channels.http import Complaint, Reply, json_object
from chalicelib.channels.port import (Capabilities, ChannelError, GoneError, PermanentError, PostRef,
                                      ready, unready)
from chalicelib.domain.models import Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec
from chalicelib.rendering import measure as m
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile, fixed


class NotModified(PermanentError):
    pass


_GONE = ("message to delete not found", "message to unpin not found", "message to edit not found",
         "message_id_invalid")


def inspect_reply(reply: Reply) -> Complaint | None:
    data = reply.data if isinstance(reply.data, dict) else {}
    if 200 <= reply.status < 300 and data.get("ok") is True:
        return None
    text = str(data.get("description") or "")
    params = json_object(data, "parameters")
    wait = params.get("retry_after")
    if reply.status in (401, 404):
        return Complaint(f"{text or 'Unauthorized'}: the bot token was refused", None, PermanentError)
    lowered = text.lower()
    if "message is not modified" in lowered:
        return Complaint(text, None, NotModified)
    if any(g in lowered for g in _GONE):
        return Complaint(text, None, GoneError)
    return Complaint(text, float(wait) if isinstance(wait, (int, float)) else None)


class TelegramChannel(HttpChannel):
    platform = "Telegram"
    default_base_url = "https://api.telegram.org"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, threads=True)
    inspect = staticmethod(inspect_reply)

    def __init__(self, account_id: str, settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
        super().__init__(account_id, settings, credentials)
        self._prefix = f"/bot{self.secret(credentials, 'bot_token')}/"

    def method(self, name: str, what: str, **params: Any) -> Reply:
        return self.http.call("POST", self._prefix + name, what=what, json_body=params)

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        params: dict[str, Any] = {"chat_id": self.setting("chat_id"), "text": part.text,
                                  "link_preview_options": {"is_disabled": index > 0}}
        if parent is not None:
            params["reply_parameters"] = {"message_id": int(parent.post_id),
                                          "allow_sending_without_reply": True}
        reply = self.method("sendMessage", "post", **params)
        reply.need("result", "message_id")
        return self._ref(reply.data["result"])

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        with contextlib.suppress(NotModified):  # already says this
            self.method("editMessageText", "edit", chat_id=self.setting("chat_id"),
                        message_id=int(part_id), text=part.text)
        return PostRef(post_id=part_id, url=self._url(part_id, None))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.method("deleteMessage", "delete", chat_id=self.setting("chat_id"), message_id=int(part_id))

    def _pin(self, post: PostRef) -> None:
        self.method("pinChatMessage", "pin", chat_id=self.setting("chat_id"),
                    message_id=int(post.post_id), disable_notification=True)

    def _unpin(self, post: PostRef) -> None:
        self.method("unpinChatMessage", "unpin", chat_id=self.setting("chat_id"),
                    message_id=int(post.post_id))

    def _ref(self, message: Mapping[str, Any]) -> PostRef:
        mid = str(message["message_id"])
        return PostRef(post_id=mid, url=self._url(mid, message.get("chat")),
                       extra={"chat_id": str(self.setting("chat_id"))})

    def _check(self) -> Readiness:
        """`getMe` proves the token (401: revoked; 404: malformed) and names the bot, `getChat`
        that the chat exists (400 "chat not found") and its type, `getChatMember` the bot's own
        rights there: see `bot_readiness`. Bot tokens do not expire."""
        bot = self.method("getMe", "readiness check").need("result", "id")
        chat_id = self.setting("chat_id")
        chat_type = str(self.method("getChat", "chat check", chat_id=chat_id).need("result", "type"))
        member = self.method("getChatMember", "bot rights check", chat_id=chat_id, user_id=bot).need("result")
        return bot_readiness(member if isinstance(member, dict) else {}, chat_type)

    def _refused(self, error: ChannelError) -> bool:
        return error.status in (401, 404)  # Telegram: unknown token 401, malformed token 404

    def _url(self, message_id: str, chat: Any) -> str | None:
        """t.me/<username>/<id> for public channels, t.me/c/<id>/<id> for private ones."""
        chat = chat if isinstance(chat, dict) else {}
        username = chat.get("username") or str(self.setting("chat_id")).removeprefix("@")
        if not username.lstrip("-").isdigit():
            return self.post_url(f"https://t.me/{username}/{message_id}", message_id)
        internal = str(chat.get("id") or username).removeprefix("-100")
        return self.post_url(f"https://t.me/c/{internal}/{message_id}", message_id)


# -- an account's settings and credentials, as TelegramChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret  # noqa: E402


class TelegramSettings(HttpSettings):
    """The chat posted to (required): a public channel's @username or a chat's numeric id."""

    chat_id: str = Field(pattern=r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?[0-9]{1,20})$")


class TelegramCredentials(PlatformCredentials):
    """The bot's token from @BotFather (`<bot id>:<secret>`); the bot is an admin of the chat."""

    bot_token: Secret


def bot_readiness(member: Mapping[str, Any], chat_type: str) -> Readiness:
    """The bot's ChatMember in the chat. In a channel only an administrator posts, and needs
    `can_post_messages`; pinning there is `can_edit_messages` ("edit messages of other users and
    pin messages": channels have no `can_pin_messages`, which is the groups' right). In a group
    any member not restricted posts, and pins with `can_pin_messages`. The creator may do all."""
    status, channel = str(member.get("status") or "unknown"), chat_type == "channel"
    if status == "creator":
        return ready(can_pin=True)
    admin = status == "administrator"
    if status in ("left", "kicked") or (channel and not admin) or member.get("can_send_messages") is False:
        return unready(ReadinessProblem.PERMISSION, f"the bot is {status} in the {chat_type} and cannot post: "
                       "make it an administrator allowed to post messages", can_pin=False)
    if channel and member.get("can_post_messages") is not True:
        return unready(ReadinessProblem.PERMISSION, "the bot is an administrator of the channel without the "
                       "right to post messages (can_post_messages)", can_pin=False)
    right = "can_edit_messages" if channel else "can_pin_messages"
    if admin and member.get(right) is True:
        return ready(can_pin=True)
    return ready(can_pin=False, note=f"ready; the bot may not pin in this {chat_type}: give it the {right} right")


SPECS = (PlatformSpec(
    "telegram", adapter=TelegramChannel, grants=(Grant.SECRETS,),
    settings=TelegramSettings, credentials=TelegramCredentials,
    profile=PostProfile(template="channels/telegram.j2", unit="UTF-16 code units", threads=True,
                        limits=fixed(4096, m.utf16_units))),)
