"""X API v2 (`/x/2/...`): create / edit / delete posts, the user's timeline, `users/me`.

Real behaviour kept: an edit is `POST /2/tweets` with `edit_options.previous_post_id` and makes
a NEW post id (the chain is `edit_history_tweet_ids`, oldest first; 30 minutes, 5 edits);
deleting any id of a chain deletes the chain; a lookup of a missing post answers 200 with an
`errors` array; identical text to a live post is refused as duplicate content (403).
"""
from __future__ import annotations

import time
from typing import Any

from flask import Response, request

from local.sandbox import accounts
from local.sandbox.accounts import Account
from local.sandbox.core import Platform, bearer, json_response, paged, since_epoch
from local.sandbox.state import AccountState, Post, iso
from local.sandbox.text import x_weighted_length

TWITTER_EPOCH_MS = 1288834974657
MAX_WEIGHTED = 280
EDIT_WINDOW_S = 30 * 60
MAX_EDITS = 5
RATE_LIMIT = 100  # posts per 15 minutes, reported in x-rate-limit-limit

TOO_LONG = ("Your Tweet text is too long. For more information on how Twitter determines text "
            "length see https://github.com/twitter/twitter-text.")


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    return json_response({"title": title, "detail": detail, "type": "about:blank", "status": status, **extra},
                         status)


def invalid_request(message: str, parameter: str | None = None) -> Response:
    error: dict[str, Any] = {"message": message}
    if parameter:
        error["parameters"] = {parameter: [message]}
    return json_response({"errors": [error], "title": "Invalid Request",
                          "detail": "One or more parameters to your request was invalid.",
                          "type": "https://api.twitter.com/2/problems/invalid-request"}, 400)


class X(Platform):
    name = "x"

    def routes(self) -> None:
        self.route("/2/tweets", self.create, ["POST"])
        self.route("/2/tweets/<post_id>", self.lookup, ["GET"])
        self.route("/2/tweets/<post_id>", self.delete, ["DELETE"])
        self.route("/2/users/me", self.me, ["GET"])
        self.route("/2/users/<user_id>/tweets", self.timeline, ["GET"])

    def reset(self) -> None:
        # any id of an edit chain -> (account key, the chain's first id, which keys the state)
        self.chains: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------------ errors and auth

    def server_error(self) -> Response:
        return problem(503, "Service Unavailable", "Service Unavailable")

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        response = problem(429, "Too Many Requests", "Too Many Requests")
        response.headers.update(self._limit_headers(remaining=0, reset=time.time() + retry_after_s))
        return response

    def not_found(self) -> Response:
        return json_response({"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, 404)

    def token_revoked(self) -> Response:
        return self._unauthorized()  # X answers a revoked OAuth 2.0 token as any unknown one

    def _limit_headers(self, remaining: int = RATE_LIMIT - 1, reset: float | None = None) -> dict[str, str]:
        reset_at = int(reset if reset is not None else time.time() + 900) + 1
        return {"x-rate-limit-limit": str(RATE_LIMIT), "x-rate-limit-remaining": str(remaining),
                "x-rate-limit-reset": str(reset_at)}

    def _ok(self, body: Any, status: int = 200) -> Response:
        return json_response(body, status, self._limit_headers())

    def _user(self) -> Account | None:
        found = accounts.by_token(self.name, bearer())
        return found[0] if found else None

    @staticmethod
    def _unauthorized() -> Response:
        return problem(401, "Unauthorized", "Unauthorized")

    # ------------------------------------------------------------------ posts

    def _find(self, post_id: str, owner: str | None = None) -> Post | None:
        """The live post any id of its edit chain names (only `owner`'s, when given)."""
        key, root = self.chains.get(post_id, ("", ""))
        if not root or (owner is not None and key != owner):
            return None
        return self.store.account(self.name, key).get(root)

    def _tweet_json(self, post: Post, fields: set[str]) -> dict[str, Any]:
        ids = post.data["edit_history_tweet_ids"]
        out: dict[str, Any] = {"id": ids[-1], "text": post.text, "edit_history_tweet_ids": list(ids)}
        if "created_at" in fields:
            out["created_at"] = iso(post.created_at)
        if "conversation_id" in fields:
            out["conversation_id"] = post.thread_root or post.id
        if "author_id" in fields:
            out["author_id"] = post.data["author_id"]
        if "referenced_tweets" in fields and post.reply_to:
            out["referenced_tweets"] = [{"type": "replied_to", "id": post.reply_to}]
        if "edit_controls" in fields:
            left = max(0, MAX_EDITS - len(post.edits))
            out["edit_controls"] = {"is_edit_eligible": True, "edits_remaining": left,
                                    "editable_until": iso(post.created_at + EDIT_WINDOW_S)}
        return out

    def create(self) -> Response:
        user = self._user()
        if user is None:
            return self._unauthorized()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return invalid_request("Request body must be a JSON object")
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return invalid_request("$.text: is missing but it is required", "text")
        if x_weighted_length(text) > MAX_WEIGHTED:
            return invalid_request(TOO_LONG)
        state = self.store.account(self.name, user.key)
        if any(p.text == text for p in state.live()):
            return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        previous = (body.get("edit_options") or {}).get("previous_post_id")
        if previous:
            return self._edit(user, state, str(previous), text)
        return self._post(user, state, text, (body.get("reply") or {}).get("in_reply_to_tweet_id"))

    def _post(self, user: Account, state: AccountState, text: str, reply_to: Any) -> Response:
        parent = None
        if reply_to:
            parent = self._find(str(reply_to))
            if parent is None:
                return problem(403, "Forbidden",
                               "You attempted to reply to a Tweet that is deleted or not visible to you.")
        post_id = self.ctx.ids.snowflake(TWITTER_EPOCH_MS)
        post = Post(id=post_id, text=text, reply_to=parent.id if parent else None,
                    thread_root=(parent.thread_root or parent.id) if parent else None,
                    url=self.open_url(post_id),
                    data={"edit_history_tweet_ids": [post_id], "author_id": user.user_id})
        state.add(post)
        self.chains[post_id] = (user.key, post_id)
        return self._ok({"data": self._tweet_json(post, set())}, 201)

    def _edit(self, user: Account, state: AccountState, previous: str, text: str) -> Response:
        post = self._find(previous, owner=user.key)
        if post is None:
            return problem(403, "Forbidden", "You are not permitted to edit this Post.")
        ids = post.data["edit_history_tweet_ids"]
        if previous != ids[-1]:
            return problem(403, "Forbidden", "Only the latest version of a Post can be edited.")
        if time.time() - post.created_at > EDIT_WINDOW_S or len(post.edits) >= MAX_EDITS:
            return problem(403, "Forbidden", "This Post is no longer editable.")
        new_id = self.ctx.ids.snowflake(TWITTER_EPOCH_MS)
        ids.append(new_id)
        self.chains[new_id] = (user.key, post.id)
        state.edit(post, text, new_id=new_id)
        return self._ok({"data": self._tweet_json(post, set())}, 201)

    def delete(self, post_id: str) -> Response:
        user = self._user()
        if user is None:
            return self._unauthorized()
        state = self.store.account(self.name, user.key)
        post = self._find(post_id, owner=user.key)
        if post is None:
            return self._ok({"data": {"deleted": False}})
        state.delete(post)  # the whole edit chain goes with it
        return self._ok({"data": {"deleted": True}})

    def lookup(self, post_id: str) -> Response:
        user = self._user()
        if user is None:
            return self._unauthorized()
        post = self._find(post_id)
        if post is not None:
            return self._ok({"data": self._tweet_json(post, self._fields())})
        return self._ok({"errors": [{
            "value": post_id, "detail": f"Could not find tweet with id: [{post_id}].",
            "title": "Not Found Error", "resource_type": "tweet", "parameter": "id",
            "resource_id": post_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]})

    @staticmethod
    def _fields() -> set[str]:
        return {f for f in request.args.get("tweet.fields", "").split(",") if f}

    def me(self) -> Response:
        user = self._user()
        if user is None:
            return self._unauthorized()
        return self._ok({"data": {"id": user.user_id, "name": user.display_name, "username": user.username}})

    def timeline(self, user_id: str) -> Response:
        if self._user() is None:
            return self._unauthorized()
        owner = next((a for a in accounts.for_platform(self.name) if a.user_id == user_id), None)
        try:
            limit = int(request.args.get("max_results", 10))
        except ValueError:
            limit = -1
        if not 5 <= limit <= 100:
            return invalid_request(f"The `max_results` query parameter value [{request.args.get('max_results')}] "
                                   "is not between 5 and 100", "max_results")
        if owner is None:
            return self._ok({"errors": [{"value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                                         "title": "Not Found Error", "resource_type": "user",
                                         "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
        posts = self.store.account(self.name, owner.key).live()
        try:
            start = since_epoch(request.args.get("start_time"))
        except ValueError:
            return invalid_request(f"Invalid start_time [{request.args.get('start_time')}]", "start_time")
        if start is not None:
            posts = [p for p in posts if p.created_at >= start]
        posts, next_token = paged(posts, request.args.get("pagination_token"), limit)
        if not posts:
            return self._ok({"meta": {"result_count": 0}})
        data = [self._tweet_json(p, self._fields()) for p in posts]
        meta = {"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}
        if next_token:
            meta["next_token"] = next_token
        return self._ok({"data": data, "meta": meta})
