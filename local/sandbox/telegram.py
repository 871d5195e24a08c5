"""Telegram Bot API (`/telegram/bot<token>/<method>`), posting to channels.

Works with python-telegram-bot: `Bot(token, base_url="http://127.0.0.1:8001/telegram/bot")`.
Real behaviour kept: GET or POST, query / form / JSON, nested parameters JSON-encoded in forms;
a malformed token is 404 "Not Found", a well-formed unknown one 401 "Unauthorized"; the
4096 limit is counted in UTF-16 code units AFTER entity parsing; HTML parse_mode refuses
unsupported tags; pinning posts a service message (it takes a message id) and a channel may
have several pinned messages; 429 carries `parameters.retry_after`.
"""
from __future__ import annotations

import math
import re
import time
from html.parser import HTMLParser
from typing import Any

from flask import Response

from local.sandbox import accounts
from local.sandbox.accounts import BOTS, Account
from local.sandbox.core import Platform, as_bool, json_response, maybe_json, params
from local.sandbox.readiness import NO_PIN
from local.sandbox.state import AccountState, Post
from local.sandbox.text import utf16_len

TOKEN_RE = re.compile(r"^\d+:[\w-]+$")
MAX_TEXT = 4096
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
             "pre", "blockquote", "tg-emoji", "br"}
MDV2_ALWAYS_ESCAPED = "#+-=|{}.!"


def tg_error(code: int, description: str, **parameters: Any) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json_response(body, code)


def bad_request(description: str) -> Response:
    return tg_error(400, f"Bad Request: {description}")


def ok(result: Any) -> Response:
    return json_response({"ok": True, "result": result})


class EntityError(ValueError):
    pass


class _HtmlText(HTMLParser):
    """Telegram's HTML parse mode: the plain text, or the error Telegram gives for bad markup."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source, self.parts, self.open = source, [], []  # type: ignore[var-annotated]
        self.lines = source.splitlines(keepends=True)

    def _byte_offset(self) -> int:
        line, col = self.getpos()
        return len("".join(self.lines[: line - 1]).encode()) + len(self.lines[line - 1][:col].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise EntityError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise EntityError(f'Unmatched end tag at byte offset {self._byte_offset()}, expected '
                              f'"</{self.open[-1] if self.open else ""}>", found "</{tag}>"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def plain(self) -> str:
        self.feed(self.source)
        self.close()
        if self.open:
            raise EntityError(f'Can\'t find end tag corresponding to start tag "{self.open[-1]}"')
        return "".join(self.parts)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram keeps after parsing entities (what the 4096 limit applies to)."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _HtmlText(text).plain()
    if mode == "markdownv2":
        for i, ch in enumerate(text):
            if ch in MDV2_ALWAYS_ESCAPED and (i == 0 or text[i - 1] != "\\"):
                raise EntityError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_~`|\[\]()]", "", text))
    return text


class Telegram(Platform):
    name = "telegram"

    def routes(self) -> None:
        self.handlers = {"getme": self.get_me, "getchat": self.get_chat, "getchatmember": self.get_chat_member,
                         "sendmessage": self.send_message,
                         "editmessagetext": self.edit_message_text, "deletemessage": self.delete_message,
                         "pinchatmessage": self.pin_chat_message, "unpinchatmessage": self.unpin_chat_message,
                         "unpinallchatmessages": self.unpin_all}
        self.route("/bot<token>/<method>", self.dispatch, ["GET", "POST"])

    def reset(self) -> None:
        self.message_ids: dict[str, int] = {}  # chat key -> last message id (posts and service messages)

    def server_error(self) -> Response:
        return tg_error(500, "Internal Server Error")

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        seconds = max(1, math.ceil(retry_after_s))
        return tg_error(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    def not_found(self) -> Response:
        return tg_error(404, "Not Found")

    def token_revoked(self) -> Response:
        return tg_error(401, "Unauthorized")  # a revoked bot token is an unknown one

    def method_not_allowed(self) -> Response:
        return tg_error(404, "Not Found")

    def dispatch(self, token: str, method: str) -> Response:
        if not TOKEN_RE.match(token):
            return self.not_found()
        chats = accounts.by_token(self.name, token)
        if not chats:
            return tg_error(401, "Unauthorized")
        handler = self.handlers.get(method.lower())
        if handler is None:
            return self.not_found()
        given = {k: maybe_json(v) for k, v in params().items()}
        return handler(chats, given)

    # ------------------------------------------------------------------ objects

    @staticmethod
    def _chat_json(chat: Account) -> dict[str, Any]:
        return {"id": int(chat.user_id), "title": chat.display_name, "username": chat.username, "type": "channel"}

    def _message_json(self, chat: Account, post: Post, state: AccountState, depth: int = 0) -> dict[str, Any]:
        out: dict[str, Any] = {"message_id": int(post.id), "sender_chat": self._chat_json(chat),
                               "chat": self._chat_json(chat), "date": int(post.created_at), "text": post.text}
        if post.data.get("link_preview_options"):
            out["link_preview_options"] = post.data["link_preview_options"]
        if post.edited_at:
            out["edit_date"] = int(post.edited_at)
        parent = state.get(post.reply_to) if post.reply_to else None
        if parent is not None and depth == 0:
            out["reply_to_message"] = self._message_json(chat, parent, state, depth + 1)
        return out

    def _chat(self, chats: list[Account], given: dict[str, Any]) -> tuple[Account | None, Response | None]:
        if "chat_id" not in given:
            return None, bad_request("chat_id is empty")
        chat = accounts.find(chats, str(given["chat_id"]))
        return (chat, None) if chat else (None, bad_request("chat not found"))

    def _message(self, chats: list[Account], given: dict[str, Any], action: str
                 ) -> tuple[Any, Any, Any, Response | None]:
        chat, problem = self._chat(chats, given)
        if problem or chat is None:
            return None, None, None, problem
        state = self.store.account(self.name, chat.key)
        post = state.get(str(given.get("message_id", "")))
        if post is None:
            return None, None, None, bad_request(f"message to {action} not found")
        return chat, state, post, None

    def _next_id(self, chat: Account) -> str:
        self.message_ids[chat.key] = self.message_ids.get(chat.key, 0) + 1
        return str(self.message_ids[chat.key])

    def _text(self, given: dict[str, Any]) -> tuple[str, Response | None]:
        text = str(given.get("text", ""))
        try:
            plain = plain_text(text, given.get("parse_mode"))
        except EntityError as exc:
            return "", bad_request(f"can't parse entities: {exc}")
        if not plain.strip():
            return "", bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            return "", bad_request("message is too long")
        return plain, None

    # ------------------------------------------------------------------ methods

    def get_me(self, chats: list[Account], given: dict[str, Any]) -> Response:
        bot = BOTS[self.name]
        return ok({"id": int(bot["id"]), "is_bot": True, "first_name": bot["name"], "username": bot["username"],
                   "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False,
                   "can_connect_to_business": False, "has_main_web_app": False})

    def get_chat(self, chats: list[Account], given: dict[str, Any]) -> Response:
        chat, problem = self._chat(chats, given)
        if problem or chat is None:
            return problem or self.not_found()
        state = self.store.account(self.name, chat.key)
        info = {**self._chat_json(chat), "description": f"Advisories from {chat.display_name}",
                "accent_color_id": 0, "max_reaction_count": 11, "has_visible_history": True,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                                        "premium_subscription": False, "gifts_from_channels": False}}
        if state.pinned and state.get(state.pinned[-1]):
            info["pinned_message"] = self._message_json(chat, state.get(state.pinned[-1]), state)  # type: ignore[arg-type]
        return ok(info)

    def get_chat_member(self, chats: list[Account], given: dict[str, Any]) -> Response:
        """The bot is an administrator of each sandbox channel, allowed to post, edit and delete
        messages (in a channel `can_edit_messages` is also what lets it pin); readiness mode
        `no_pin` takes that right away. Anyone else has `left`."""
        chat, problem = self._chat(chats, given)
        if problem or chat is None:
            return problem or self.not_found()
        bot, user_id = BOTS[self.name], str(given.get("user_id", ""))
        if user_id != bot["id"]:
            return ok({"user": {"id": int(user_id) if user_id.isdigit() else 0, "is_bot": False,
                                "first_name": "Someone"}, "status": "left"})
        pin = self.ctx.modes.get(self.name) != NO_PIN
        user = {"id": int(bot["id"]), "is_bot": True, "first_name": bot["name"], "username": bot["username"]}
        return ok({"user": user,
                   "status": "administrator", "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                   "can_delete_messages": True, "can_manage_video_chats": False, "can_restrict_members": True,
                   "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                   "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
                   "can_post_messages": True, "can_edit_messages": pin})

    def _may_pin(self) -> Response | None:
        if self.ctx.modes.get(self.name) == NO_PIN:
            return bad_request("not enough rights to manage pinned messages in the chat")
        return None

    def send_message(self, chats: list[Account], given: dict[str, Any]) -> Response:
        chat, problem = self._chat(chats, given)
        if problem or chat is None:
            return problem or self.not_found()
        plain, problem = self._text(given)
        if problem:
            return problem
        state = self.store.account(self.name, chat.key)
        reply = given.get("reply_parameters") if isinstance(given.get("reply_parameters"), dict) else {}
        reply_to = str(reply.get("message_id") or given.get("reply_to_message_id") or "") or None
        parent = state.get(reply_to) if reply_to else None
        if reply_to and parent is None and not as_bool(reply.get("allow_sending_without_reply", False)):
            return bad_request("message to be replied not found")
        preview = given.get("link_preview_options")
        if as_bool(given.get("disable_web_page_preview", False)):
            preview = {"is_disabled": True}
        post_id = self._next_id(chat)
        post = Post(id=post_id, text=plain, reply_to=parent.id if parent else None,
                    thread_root=(parent.thread_root or parent.id) if parent else None,
                    url=self.open_url(post_id),
                    data={"source": given.get("text"), "parse_mode": given.get("parse_mode"),
                          "link_preview_options": preview if isinstance(preview, dict) else None})
        state.add(post)
        return ok(self._message_json(chat, post, state))

    def edit_message_text(self, chats: list[Account], given: dict[str, Any]) -> Response:
        chat, state, post, problem = self._message(chats, given, "edit")
        if problem:
            return problem
        plain, problem = self._text(given)
        if problem:
            return problem
        if plain == post.text:
            return bad_request("message is not modified: specified new message content and reply markup are "
                               "exactly the same as a current content and reply markup of the message")
        state.edit(post, plain)
        post.data.update({"source": given.get("text"), "parse_mode": given.get("parse_mode")})
        return ok(self._message_json(chat, post, state))

    def delete_message(self, chats: list[Account], given: dict[str, Any]) -> Response:
        _chat, state, post, problem = self._message(chats, given, "delete")
        if problem:
            return problem
        if time.time() - post.created_at > 48 * 3600:
            return bad_request("message can't be deleted")
        state.delete(post)
        return ok(True)

    def pin_chat_message(self, chats: list[Account], given: dict[str, Any]) -> Response:
        refused = self._may_pin()
        if refused:
            return refused
        chat, state, post, problem = self._message(chats, given, "pin")
        if problem:
            return problem
        if state.pin(post.id):
            self._next_id(chat)  # the "pinned a message" service message takes an id
        return ok(True)

    def unpin_chat_message(self, chats: list[Account], given: dict[str, Any]) -> Response:
        refused = self._may_pin()
        if refused:
            return refused
        chat, problem = self._chat(chats, given)
        if problem or chat is None:
            return problem or self.not_found()
        state = self.store.account(self.name, chat.key)
        target = str(given["message_id"]) if given.get("message_id") else (state.pinned or [None])[-1]
        if target is not None:
            state.unpin(target)
        return ok(True)

    def unpin_all(self, chats: list[Account], given: dict[str, Any]) -> Response:
        chat, problem = self._chat(chats, given)
        if problem or chat is None:
            return problem or self.not_found()
        state = self.store.account(self.name, chat.key)
        for post_id in list(state.pinned):
            state.unpin(post_id)
        return ok(True)
