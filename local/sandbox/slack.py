"""Slack Web API (`/slack/api/<method>`), enough for slack_sdk's WebClient.

Real behaviour kept: method errors are HTTP 200 `{"ok": false, "error": "..."}` (only rate
limits and outages use other statuses); the token comes as a Bearer header or a `token`
parameter; Block Kit is validated (3000 characters per section text, 50 blocks) with Slack's
`invalid_blocks` detail; messages are identified by channel + `ts`; replies only show in
`conversations.replies`; 429 carries `Retry-After` in whole seconds.
"""
from __future__ import annotations

import math
from typing import Any

from flask import Response, request

from local.sandbox import accounts
from local.sandbox.accounts import BOTS, Account
from local.sandbox.core import Platform, as_bool, bearer, json_response, maybe_json, paged, params
from local.sandbox.readiness import NO_PIN, REVOKED
from local.sandbox.state import AccountState, Post

MAX_TEXT = 40000
MAX_BLOCKS = 50
MAX_PINS = 100
# The sandbox bot token's scopes, as `x-oauth-scopes` lists them.
BOT_SCOPES = ("chat:write", "pins:write", "pins:read", "channels:read", "channels:history", "groups:read",
              "groups:history")
BLOCK_TYPES = {"section", "header", "divider", "context", "actions", "image", "rich_text", "markdown", "file",
               "input", "video"}


def slack_error(error: str, status: int = 200, **extra: Any) -> Response:
    return json_response({"ok": False, "error": error, **extra}, status)


def ok(**body: Any) -> Response:
    return json_response({"ok": True, **body})


def block_errors(blocks: Any) -> list[str]:
    """Slack's messages for blocks it refuses (empty when the blocks are fine)."""
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    errors: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        errors.append(f"must provide an array with no more than {MAX_BLOCKS} items [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_TYPES:
            errors.append(f"failed to match all allowed schemas [json-pointer:/blocks/{i}]")
            continue
        text = block.get("text") if isinstance(block.get("text"), dict) else {}
        limit = 150 if kind == "header" else 3000
        if kind in ("section", "header") and len(str(text.get("text", ""))) > limit:
            errors.append(f"must be less than {limit + 1} characters [json-pointer:/blocks/{i}/text/text]")
        if kind == "section" and not text and not block.get("fields"):
            errors.append(f"must provide either text or fields [json-pointer:/blocks/{i}]")
    return errors


class Slack(Platform):
    name = "slack"

    def routes(self) -> None:
        self.handlers = {"auth.test": self.auth_test, "chat.postMessage": self.post_message,
                         "chat.update": self.update, "chat.delete": self.delete,
                         "chat.getPermalink": self.permalink, "pins.add": self.pins_add,
                         "pins.remove": self.pins_remove, "pins.list": self.pins_list,
                         "conversations.history": self.history, "conversations.replies": self.replies,
                         "conversations.info": self.info}
        self.route("/api/<method>", self.dispatch, ["GET", "POST"])
        self.blueprint.after_request(self._scope_header)

    def server_error(self) -> Response:
        return slack_error("service_unavailable", 503)

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        response = slack_error("ratelimited", 429)
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after_s)))
        return response

    def not_found(self) -> Response:
        return slack_error("unknown_method", 404, req_method=request.path.rsplit("/", 1)[-1])

    def token_revoked(self) -> Response:
        return slack_error("token_revoked")  # inside an HTTP 200, as Slack says most things

    def _scopes(self) -> list[str]:
        """The bot token's scopes; readiness mode `no_pin`: without pins:write."""
        return [s for s in BOT_SCOPES if not (s == "pins:write" and self.ctx.modes.get(self.name) == NO_PIN)]

    def _scope_header(self, response: Response) -> Response:
        """Slack lists the token's scopes on every Web API answer to an authenticated call."""
        token = bearer() or params().get("token")
        if response.status_code == 200 and self.ctx.modes.get(self.name) != REVOKED \
                and accounts.by_token(self.name, str(token) if token else None):
            response.headers["x-oauth-scopes"] = ",".join(self._scopes())
        return response

    def dispatch(self, method: str) -> Response:
        handler = self.handlers.get(method)
        if handler is None:
            return self.not_found()
        given = {k: maybe_json(v) for k, v in params().items()}
        token = bearer() or given.get("token")
        if not token:
            return slack_error("not_authed")
        channels = accounts.by_token(self.name, str(token))
        if not channels:
            return slack_error("invalid_auth")
        return handler(channels, given)

    # ------------------------------------------------------------------ objects

    def _message_json(self, post: Post, state: AccountState, channel: Account) -> dict[str, Any]:
        bot = BOTS[self.name]
        out: dict[str, Any] = {"type": "message", "subtype": "bot_message", "text": post.text, "ts": post.id,
                               "user": bot["user_id"], "bot_id": bot["bot_id"], "app_id": "A0CLARION",
                               "team": bot["team_id"],
                               "bot_profile": {"id": bot["bot_id"], "name": "Clarion", "app_id": "A0CLARION",
                                               "team_id": bot["team_id"], "deleted": False}}
        if post.data.get("blocks"):
            out["blocks"] = post.data["blocks"]
        if post.thread_root:
            out["thread_ts"] = post.thread_root
        replies = [p for p in state.live() if p.thread_root == post.id]
        if replies:
            out.update({"thread_ts": post.id, "reply_count": len(replies), "latest_reply": replies[0].id})
        if post.edited_at:
            out["edited"] = {"user": bot["user_id"], "ts": f"{post.edited_at:.6f}"}
        if post.id in state.pinned:
            out["pinned_to"] = [channel.user_id]
        return out

    def _permalink(self, channel: Account, post: Post) -> str:
        path = f"/archives/{channel.user_id}/p{post.id.replace('.', '')}"
        if post.thread_root:
            path += f"?thread_ts={post.thread_root}&cid={channel.user_id}"
        return self.web_url(path)

    def _channel(self, channels: list[Account], given: dict[str, Any]) -> tuple[Account | None, Response | None]:
        channel = accounts.find(channels, str(given.get("channel", "")))
        if channel is None:
            return None, slack_error("channel_not_found")
        return channel, None

    def _message(self, channels: list[Account], given: dict[str, Any], ts_field: str
                 ) -> tuple[Any, Any, Any, Response | None]:
        channel, problem = self._channel(channels, given)
        if problem:
            return None, None, None, problem
        state = self.store.account(self.name, channel.key)
        post = state.get(str(given.get(ts_field, "")))
        if post is None:
            return None, None, None, slack_error("message_not_found")
        return channel, state, post, None

    @staticmethod
    def _content(given: dict[str, Any], require: bool = True) -> Response | None:
        text, blocks = given.get("text"), given.get("blocks")
        if blocks is not None:
            errors = block_errors(blocks)
            if errors:
                return slack_error("invalid_blocks", errors=errors,
                                   response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})
        if require and not text and not blocks and not given.get("attachments"):
            return slack_error("no_text")
        if text and len(str(text)) > MAX_TEXT:
            return slack_error("msg_too_long")
        return None

    # ------------------------------------------------------------------ methods

    def auth_test(self, channels: list[Account], given: dict[str, Any]) -> Response:
        bot = BOTS[self.name]
        return ok(url=f"https://{bot['domain']}.slack.com/", team=bot["team"], user=bot["user"],
                  team_id=bot["team_id"], user_id=bot["user_id"], bot_id=bot["bot_id"], is_enterprise_install=False)

    def post_message(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, problem = self._channel(channels, given)
        if problem or channel is None:
            return problem or self.not_found()
        problem = self._content(given)
        if problem:
            return problem
        state = self.store.account(self.name, channel.key)
        root = state.get(str(given["thread_ts"])) if given.get("thread_ts") else None
        post = Post(id=self.ctx.ids.slack_ts(), text=str(given.get("text") or ""),
                    reply_to=root.id if root else None, thread_root=(root.thread_root or root.id) if root else None,
                    data={"blocks": given.get("blocks"), "unfurl_links": as_bool(given.get("unfurl_links", True)),
                          "unfurl_media": as_bool(given.get("unfurl_media", True))})
        post.url = self._permalink(channel, post)
        state.add(post)
        return ok(channel=channel.user_id, ts=post.id, message=self._message_json(post, state, channel))

    def update(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, state, post, problem = self._message(channels, given, "ts")
        if problem:
            return problem
        problem = self._content(given)
        if problem:
            return problem
        state.edit(post, str(given.get("text") or ""))
        if "blocks" in given:
            post.data["blocks"] = given["blocks"]
        return ok(channel=channel.user_id, ts=post.id, text=post.text,
                  message=self._message_json(post, state, channel))

    def delete(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, state, post, problem = self._message(channels, given, "ts")
        if problem:
            return problem
        state.delete(post)
        return ok(channel=channel.user_id, ts=post.id)

    def permalink(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, _state, post, problem = self._message(channels, given, "message_ts")
        if problem:
            return problem
        return ok(channel=channel.user_id, permalink=self._permalink(channel, post))

    def info(self, channels: list[Account], given: dict[str, Any]) -> Response:
        """conversations.info: the bot is a member of every sandbox channel, none archived."""
        channel, problem = self._channel(channels, given)
        if problem or channel is None:
            return problem or self.not_found()
        return ok(channel={"id": channel.user_id, "name": channel.username, "name_normalized": channel.username,
                           "is_channel": True, "is_group": False, "is_im": False, "is_mpim": False,
                           "is_private": False, "is_archived": False, "is_general": False, "is_shared": False,
                           "is_member": True, "created": 1704067200, "creator": "U0ADMIN", "num_members": 12,
                           "topic": {"value": "", "creator": "", "last_set": 0},
                           "purpose": {"value": channel.display_name, "creator": "U0ADMIN", "last_set": 0}})

    def _missing_pins_scope(self) -> Response | None:
        if "pins:write" in self._scopes():
            return None
        return slack_error("missing_scope", needed="pins:write", provided=",".join(self._scopes()))

    def pins_add(self, channels: list[Account], given: dict[str, Any]) -> Response:
        refused = self._missing_pins_scope()
        if refused:
            return refused
        _channel, state, post, problem = self._message(channels, given, "timestamp")
        if problem:
            return problem
        if post.id in state.pinned:
            return slack_error("already_pinned")
        if len(state.pinned) >= MAX_PINS:
            return slack_error("too_many_pins")
        state.pin(post.id)
        return ok()

    def pins_remove(self, channels: list[Account], given: dict[str, Any]) -> Response:
        refused = self._missing_pins_scope()
        if refused:
            return refused
        _channel, state, post, problem = self._message(channels, given, "timestamp")
        if problem:
            return problem
        if not state.unpin(post.id):
            return slack_error("no_pin")
        return ok()

    def pins_list(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, problem = self._channel(channels, given)
        if problem or channel is None:
            return problem or self.not_found()
        state = self.store.account(self.name, channel.key)
        items = []
        for ts in reversed(state.pinned):
            post = state.get(ts)
            if post is not None:
                message = {**self._message_json(post, state, channel), "permalink": self._permalink(channel, post)}
                items.append({"type": "message", "created": int(float(ts)), "created_by": BOTS[self.name]["user_id"],
                              "channel": channel.user_id, "message": message})
        return ok(items=items)

    def history(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, problem = self._channel(channels, given)
        if problem or channel is None:
            return problem or self.not_found()
        state = self.store.account(self.name, channel.key)
        limit = int(given.get("limit", 100))
        top = [p for p in state.live() if p.thread_root is None]
        if given.get("latest"):
            top = [p for p in top if float(p.id) < float(given["latest"])]
        if given.get("oldest"):
            top = [p for p in top if float(p.id) > float(given["oldest"])]
        top, next_cursor = paged(top, given.get("cursor"), limit)
        messages = [self._message_json(p, state, channel) for p in top]
        return ok(messages=messages, has_more=next_cursor is not None, pin_count=len(state.pinned),
                  channel_actions_ts=None, channel_actions_count=0,
                  response_metadata={"next_cursor": next_cursor or ""})

    def replies(self, channels: list[Account], given: dict[str, Any]) -> Response:
        channel, state, root, problem = self._message(channels, given, "ts")
        if problem:
            return problem
        thread = [root] + [p for p in reversed(state.live()) if p.thread_root == root.id]
        return ok(messages=[self._message_json(p, state, channel) for p in thread], has_more=False,
                  response_metadata={"next_cursor": ""})
