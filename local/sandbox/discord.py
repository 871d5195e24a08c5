"""Discord REST API v10 (`/discord/api/v10/...`) for a bot posting to guild text channels.

Real behaviour kept: `nonce` + `enforce_nonce: true` returns the earlier message (and creates
nothing) when the same author sent the same nonce in the last few minutes; 2000 characters
is a 50035 "Invalid Form Body" with per-field `errors`; a channel the bot may not post to is
50013; pinning answers 204, adds a "pinned a message" system message to the channel, and
stops at 50 pins; the pins list is `{"items": [{"pinned_at", "message"}], "has_more"}` (the
older `/channels/{c}/pins` still answers a bare array); 429 has `retry_after` in the body and
a `Retry-After` header.
"""
from __future__ import annotations

import json
import math
import time
from datetime import datetime, UTC
from typing import Any

from flask import Response, request

from local.sandbox import accounts
from local.sandbox.accounts import BOTS, Account
from local.sandbox.core import Platform, bearer, json_response
from local.sandbox.readiness import NO_PIN
from local.sandbox.state import AccountState, Post

DISCORD_EPOCH_MS = 1420070400000
MAX_CONTENT = 2000
MAX_NONCE = 25
MAX_PINS = 50
NONCE_WINDOW_S = 5 * 60
API = "/api/v<int:version>"
# Permission bits (Discord's topics/permissions) the sandbox server's roles hold.
VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, EMBED_LINKS = 1 << 10, 1 << 11, 1 << 13, 1 << 14
READ_MESSAGE_HISTORY, ADD_REACTIONS, PIN_MESSAGES = 1 << 16, 1 << 6, 1 << 51
EVERYONE = VIEW_CHANNEL | READ_MESSAGE_HISTORY | ADD_REACTIONS
BOT_ROLE = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | PIN_MESSAGES | MANAGE_MESSAGES


def discord_error(status: int, message: str, code: int, errors: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return json_response(body, status)


def form_error(field: str, code: str, message: str) -> Response:
    return discord_error(400, "Invalid Form Body", 50035, {field: {"_errors": [{"code": code, "message": message}]}})


def discord_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


class Discord(Platform):
    name = "discord"

    def routes(self) -> None:
        self.route(f"{API}/users/@me", self.me, ["GET"])
        self.route(f"{API}/channels/<channel_id>", self.channel, ["GET"])
        self.route(f"{API}/guilds/<guild_id>", self.guild, ["GET"])
        self.route(f"{API}/guilds/<guild_id>/members/<user_id>", self.member, ["GET"])
        self.route(f"{API}/channels/<channel_id>/messages", self.create, ["POST"])
        self.route(f"{API}/channels/<channel_id>/messages", self.list_messages, ["GET"])
        self.route(f"{API}/channels/<channel_id>/messages/pins", self.list_pins, ["GET"])
        self.route(f"{API}/channels/<channel_id>/pins", self.list_pins_old, ["GET"])
        self.route(f"{API}/channels/<channel_id>/messages/<message_id>", self.get_message, ["GET"])
        self.route(f"{API}/channels/<channel_id>/messages/<message_id>", self.edit, ["PATCH"])
        self.route(f"{API}/channels/<channel_id>/messages/<message_id>", self.delete, ["DELETE"])
        for rule in ("/channels/<channel_id>/messages/pins/<message_id>", "/channels/<channel_id>/pins/<message_id>"):
            self.route(API + rule, self.pin, ["PUT"])
            self.route(API + rule, self.unpin, ["DELETE"])

    def reset(self) -> None:
        self.nonces: dict[tuple[str, str], tuple[float, str]] = {}  # (channel, nonce) -> (when, message id)
        self.system: dict[str, list[dict[str, Any]]] = {}           # channel -> system messages
        self.pinned_at: dict[str, float] = {}

    # ------------------------------------------------------------------ errors and auth

    def server_error(self) -> Response:
        return discord_error(500, "500: Internal Server Error", 0)

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        response = json_response({"message": "You are being rate limited.", "retry_after": retry_after_s,
                                  "global": False}, 429)
        response.headers.update({"Retry-After": str(max(1, math.ceil(retry_after_s))), "X-RateLimit-Limit": "5",
                                 "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": f"{retry_after_s:.3f}",
                                 "X-RateLimit-Reset": f"{time.time() + retry_after_s:.3f}",
                                 "X-RateLimit-Bucket": "sandbox-channel-messages", "X-RateLimit-Scope": "user"})
        return response

    def not_found(self) -> Response:
        return discord_error(404, "404: Not Found", 0)

    def method_not_allowed(self) -> Response:
        return discord_error(405, "405: Method Not Allowed", 0)

    def token_revoked(self) -> Response:
        return discord_error(401, "401: Unauthorized", 0)  # a reset bot token is an unknown one

    def _auth(self, channel_id: str | None = None) -> tuple[Account | None, Response | None]:
        channels = accounts.by_token(self.name, bearer("Bot"))
        if not channels:
            return None, discord_error(401, "401: Unauthorized", 0)
        if channel_id is None:
            return channels[0], None
        channel = next((c for c in channels if c.user_id == channel_id), None)
        return (channel, None) if channel else (None, discord_error(404, "Unknown Channel", 10003))

    # ------------------------------------------------------------------ objects

    @staticmethod
    def _author() -> dict[str, Any]:
        bot = BOTS["discord"]
        return {"id": bot["id"], "username": bot["username"], "avatar": None, "discriminator": "0",
                "public_flags": 0, "flags": 0, "bot": True, "global_name": None}

    def _message_json(self, channel: Account, post: Post, state: AccountState, nonce: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": 19 if post.reply_to else 0, "content": post.text, "mentions": [],
                               "mention_roles": [], "attachments": [], "embeds": post.data.get("embeds", []),
                               "timestamp": discord_time(post.created_at),
                               "edited_timestamp": discord_time(post.edited_at) if post.edited_at else None,
                               "flags": 0, "components": [], "id": post.id, "channel_id": channel.user_id,
                               "author": self._author(), "pinned": post.id in state.pinned,
                               "mention_everyone": False, "tts": False}
        if post.reply_to:
            out["message_reference"] = {"type": 0, "channel_id": channel.user_id, "message_id": post.reply_to,
                                        "guild_id": BOTS["discord"]["guild_id"]}
        if nonce is not None:
            out["nonce"] = nonce
        return out

    def _body(self) -> dict[str, Any]:
        if request.form.get("payload_json"):  # multipart: the JSON rides in a form field
            body = json.loads(request.form["payload_json"])
        else:
            body = request.get_json(silent=True, force=True)
        return body if isinstance(body, dict) else {}

    # ------------------------------------------------------------------ endpoints

    def me(self, version: int) -> Response:
        _, problem = self._auth()
        return problem or json_response({**self._author(), "mfa_enabled": False, "locale": "en-US",
                                         "verified": True, "email": None, "premium_type": 0})

    def channel(self, version: int, channel_id: str) -> Response:
        channel, problem = self._auth(channel_id)
        if problem or channel is None:
            return problem or self.not_found()
        state = self.store.account(self.name, channel.key)
        live = state.live()
        # the read-only channel denies Send Messages to the bot's role (an overwrite, as servers do it)
        overwrites = [] if channel.can_post else [{"id": BOTS["discord"]["role_id"], "type": 0, "allow": "0",
                                                   "deny": str(SEND_MESSAGES)}]
        return json_response({"id": channel.user_id, "type": 0, "guild_id": BOTS["discord"]["guild_id"],
                              "name": channel.username, "position": 0, "permission_overwrites": overwrites,
                              "topic": channel.display_name, "nsfw": False,
                              "last_message_id": live[0].id if live else None, "rate_limit_per_user": 0,
                              "parent_id": None, "flags": 0})

    def guild(self, version: int, guild_id: str) -> Response:
        """The sandbox server: @everyone may read, the bot's role posts and pins (readiness mode
        `no_pin`: neither Pin Messages nor Manage Messages); someone else owns it."""
        _, problem = self._auth()
        if problem:
            return problem
        bot = BOTS["discord"]
        if guild_id != bot["guild_id"]:
            return discord_error(404, "Unknown Guild", 10004)
        role = BOT_ROLE if self.ctx.modes.get(self.name) != NO_PIN else BOT_ROLE & ~(PIN_MESSAGES | MANAGE_MESSAGES)
        roles = [{"id": guild_id, "name": "@everyone", "permissions": str(EVERYONE), "position": 0, "color": 0,
                  "hoist": False, "managed": False, "mentionable": False, "flags": 0},
                 {"id": bot["role_id"], "name": "Clarion", "permissions": str(role), "position": 1, "color": 0,
                  "hoist": False, "managed": True, "mentionable": False, "flags": 0, "tags": {"bot_id": bot["id"]}}]
        return json_response({"id": guild_id, "name": "Clarion Sandbox", "icon": None, "owner_id": bot["owner_id"],
                              "roles": roles, "emojis": [], "features": [], "verification_level": 1,
                              "default_message_notifications": 1, "explicit_content_filter": 2,
                              "mfa_level": 0, "premium_tier": 0, "preferred_locale": "en-US"})

    def member(self, version: int, guild_id: str, user_id: str) -> Response:
        _, problem = self._auth()
        if problem:
            return problem
        bot = BOTS["discord"]
        if guild_id != bot["guild_id"]:
            return discord_error(404, "Unknown Guild", 10004)
        if user_id != bot["id"]:
            return discord_error(404, "Unknown Member", 10007)
        return json_response({"user": self._author(), "nick": None, "avatar": None, "roles": [bot["role_id"]],
                              "joined_at": "2024-01-15T00:00:00.000000+00:00", "premium_since": None,
                              "deaf": False, "mute": False, "flags": 0, "pending": False,
                              "communication_disabled_until": None})

    def create(self, version: int, channel_id: str) -> Response:
        channel, problem = self._auth(channel_id)
        if problem or channel is None:
            return problem or self.not_found()
        if not channel.can_post:
            return discord_error(403, "Missing Permissions", 50013)
        body = self._body()
        content, nonce = str(body.get("content") or ""), body.get("nonce")
        problem = self._check(body, content, nonce)
        if problem:
            return problem
        state = self.store.account(self.name, channel.key)
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self.nonces.get((channel.key, str(nonce)))
            if earlier and time.time() - earlier[0] < NONCE_WINDOW_S and state.get(earlier[1]):
                return json_response(self._message_json(channel, state.get(earlier[1]), state, nonce))  # type: ignore[arg-type]
        reference = body.get("message_reference") or {}
        parent = state.get(str(reference.get("message_id"))) if reference.get("message_id") else None
        if reference.get("message_id") and parent is None and reference.get("fail_if_not_exists", True):
            return form_error("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        post_id = self.ctx.ids.snowflake(DISCORD_EPOCH_MS)
        post = Post(id=post_id, text=content,
                    reply_to=parent.id if parent else None,
                    thread_root=(parent.thread_root or parent.id) if parent else None,
                    url=self.open_url(post_id), data={"nonce": nonce, "embeds": body.get("embeds") or []})
        state.add(post)
        if nonce is not None:
            self.nonces[(channel.key, str(nonce))] = (time.time(), post.id)
        return json_response(self._message_json(channel, post, state, nonce))

    @staticmethod
    def _check(body: dict[str, Any], content: str, nonce: Any) -> Response | None:
        if not content and not body.get("embeds") and not body.get("sticker_ids"):
            return discord_error(400, "Cannot send an empty message", 50006)
        if len(content) > MAX_CONTENT:
            return form_error("content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
        if nonce is not None and len(str(nonce)) > MAX_NONCE:
            return form_error("nonce", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_NONCE} or fewer in length.")
        return None

    def _message(self, channel_id: str, message_id: str) -> tuple[Any, Any, Any, Response | None]:
        channel, problem = self._auth(channel_id)
        if problem or channel is None:
            return None, None, None, problem
        state = self.store.account(self.name, channel.key)
        post = state.get(message_id)
        if post is None:
            return None, None, None, discord_error(404, "Unknown Message", 10008)
        return channel, state, post, None

    def get_message(self, version: int, channel_id: str, message_id: str) -> Response:
        channel, state, post, problem = self._message(channel_id, message_id)
        return problem or json_response(self._message_json(channel, post, state))

    def list_messages(self, version: int, channel_id: str) -> Response:
        channel, problem = self._auth(channel_id)
        if problem or channel is None:
            return problem or self.not_found()
        state = self.store.account(self.name, channel.key)
        limit = int(request.args.get("limit", 50))
        if not 1 <= limit <= 100:
            return form_error("limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")
        messages = [self._message_json(channel, p, state) for p in state.live()] + self.system.get(channel.key, [])
        messages.sort(key=lambda m: int(m["id"]), reverse=True)
        if request.args.get("before"):
            messages = [m for m in messages if int(m["id"]) < int(request.args["before"])]
        if request.args.get("after"):
            messages = [m for m in messages if int(m["id"]) > int(request.args["after"])]
        return json_response(messages[:limit])

    def edit(self, version: int, channel_id: str, message_id: str) -> Response:
        channel, state, post, problem = self._message(channel_id, message_id)
        if problem:
            return problem
        body = self._body()
        if "content" in body:
            content = str(body.get("content") or "")
            if len(content) > MAX_CONTENT:
                return form_error("content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
            state.edit(post, content)
        if "embeds" in body:
            post.data["embeds"] = body["embeds"] or []
        return json_response(self._message_json(channel, post, state))

    def delete(self, version: int, channel_id: str, message_id: str) -> Response:
        _channel, state, post, problem = self._message(channel_id, message_id)
        if problem:
            return problem
        state.delete(post)
        return json_response(None, 204)

    def pin(self, version: int, channel_id: str, message_id: str) -> Response:
        channel, state, post, problem = self._message(channel_id, message_id)
        if problem:
            return problem
        if self.ctx.modes.get(self.name) == NO_PIN:
            return discord_error(403, "Missing Permissions", 50013)
        if post.id not in state.pinned and len(state.pinned) >= MAX_PINS:
            return discord_error(400, f"Maximum number of pins reached ({MAX_PINS})", 30003)
        if state.pin(post.id):
            self.pinned_at[post.id] = time.time()
            self._system_pin_message(channel, post)
        return json_response(None, 204)

    def _system_pin_message(self, channel: Account, post: Post) -> None:
        now = time.time()
        self.system.setdefault(channel.key, []).append({
            "type": 6, "content": "", "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "timestamp": discord_time(now), "edited_timestamp": None, "flags": 0, "components": [],
            "id": self.ctx.ids.snowflake(DISCORD_EPOCH_MS), "channel_id": channel.user_id,
            "author": self._author(), "pinned": False, "mention_everyone": False, "tts": False,
            "message_reference": {"type": 0, "channel_id": channel.user_id, "message_id": post.id,
                                  "guild_id": BOTS["discord"]["guild_id"]}})

    def unpin(self, version: int, channel_id: str, message_id: str) -> Response:
        _channel, state, post, problem = self._message(channel_id, message_id)
        if problem:
            return problem
        if self.ctx.modes.get(self.name) == NO_PIN:
            return discord_error(403, "Missing Permissions", 50013)
        state.unpin(post.id)
        return json_response(None, 204)

    def _pinned(self, channel: Account) -> list[tuple[float, dict[str, Any]]]:
        state = self.store.account(self.name, channel.key)
        out = [(self.pinned_at.get(pid, 0.0), self._message_json(channel, state.get(pid), state))  # type: ignore[arg-type]
               for pid in state.pinned if state.get(pid)]
        return sorted(out, key=lambda item: item[0], reverse=True)

    def list_pins(self, version: int, channel_id: str) -> Response:
        channel, problem = self._auth(channel_id)
        if problem or channel is None:
            return problem or self.not_found()
        items = [{"pinned_at": discord_time(at), "message": msg} for at, msg in self._pinned(channel)]
        return json_response({"items": items, "has_more": False})

    def list_pins_old(self, version: int, channel_id: str) -> Response:
        channel, problem = self._auth(channel_id)
        if problem or channel is None:
            return problem or self.not_found()
        return json_response([msg for _, msg in self._pinned(channel)])
