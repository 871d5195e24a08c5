"""Mastodon REST API (`/mastodon/api/v1/...`), enough for Mastodon.py and Clarion's adapter.

Real behaviour kept: `Idempotency-Key` returns the same status and creates nothing for an
hour (per account); 500 characters counted in graphemes with every URL as 23; at most five
pinned posts; direct posts cannot be pinned; errors are `{"error": "..."}` with Mastodon's own
wording; rate-limit headers on every answer, `X-RateLimit-Reset` as an ISO time.
"""
from __future__ import annotations

import time
from datetime import datetime, UTC
from typing import Any

from flask import Response, request

from local.sandbox import accounts
from local.sandbox.accounts import Account
from local.sandbox.core import Platform, as_bool, bearer, json_response, params
from local.sandbox.state import AccountState, Post, iso
from local.sandbox.text import mastodon_html, mastodon_length

VERSION = "4.3.0"
MAX_CHARS = 500
MAX_PINS = 5
IDEMPOTENCY_S = 3600
RATE_LIMIT, RATE_WINDOW_S = 300, 300
VISIBILITIES = ("public", "unlisted", "private", "direct")
CREATED = "2024-01-15T00:00:00.000Z"


def error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


def reset_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Mastodon(Platform):
    name = "mastodon"

    def routes(self) -> None:
        self.route("/api/v1/instance", self.instance_v1, ["GET"])
        self.route("/api/v2/instance", self.instance_v2, ["GET"])
        self.route("/api/v1/accounts/verify_credentials", self.verify_credentials, ["GET"])
        self.route("/api/v1/accounts/<account_id>", self.account_view, ["GET"])
        self.route("/api/v1/accounts/<account_id>/statuses", self.account_statuses, ["GET"])
        self.route("/api/v1/statuses", self.create, ["POST"])
        self.route("/api/v1/statuses/<status_id>", self.show, ["GET"])
        self.route("/api/v1/statuses/<status_id>", self.update, ["PUT"])
        self.route("/api/v1/statuses/<status_id>", self.destroy, ["DELETE"])
        self.route("/api/v1/statuses/<status_id>/history", self.history, ["GET"])
        self.route("/api/v1/statuses/<status_id>/source", self.source, ["GET"])
        self.route("/api/v1/statuses/<status_id>/pin", self.pin, ["POST"])
        self.route("/api/v1/statuses/<status_id>/unpin", self.unpin, ["POST"])
        self.blueprint.after_request(self._rate_headers)

    def reset(self) -> None:
        self.idempotency: dict[tuple[str, str], tuple[float, str]] = {}
        self.owner: dict[str, str] = {}       # status id -> account key
        self.calls: dict[str, list[float]] = {}

    # ------------------------------------------------------------------ errors, auth, limits

    def server_error(self) -> Response:
        return error(503, "There was a temporary problem serving your request, please try again")

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        response = error(429, "Too many requests")
        response.headers.update({"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": "0",
                                 "X-RateLimit-Reset": reset_iso(time.time() + retry_after_s)})
        return response

    def not_found(self) -> Response:
        return error(404, "Record not found")

    def token_revoked(self) -> Response:
        response = error(401, "The access token was revoked")
        response.headers["WWW-Authenticate"] = ('Bearer realm="Doorkeeper", error="invalid_token", '
                                                'error_description="The access token was revoked"')
        return response

    def _rate_headers(self, response: Response) -> Response:
        if response.status_code == 429:
            return response
        now, token = time.time(), bearer() or request.remote_addr or ""
        window_start = now - now % RATE_WINDOW_S
        with self.store.lock:  # after_request runs outside the view's lock
            calls = [t for t in self.calls.get(token, []) if t >= window_start] + [now]
            self.calls[token] = calls
        response.headers.update({"X-RateLimit-Limit": str(RATE_LIMIT),
                                 "X-RateLimit-Remaining": str(max(0, RATE_LIMIT - len(calls))),
                                 "X-RateLimit-Reset": reset_iso(window_start + RATE_WINDOW_S)})
        return response

    def _user(self) -> Account | None:
        found = accounts.by_token(self.name, bearer())
        return found[0] if found else None

    @staticmethod
    def _unauthorized() -> Response:
        response = error(401, "The access token is invalid")
        response.headers["WWW-Authenticate"] = ('Bearer realm="Doorkeeper", error="invalid_token", '
                                                'error_description="The access token is invalid"')
        return response

    # ------------------------------------------------------------------ entities

    def _base(self) -> str:
        return f"{request.host_url.rstrip('/')}/{self.name}"

    def _account_json(self, acc: Account) -> dict[str, Any]:
        base = self._base()
        statuses = len(self.store.account(self.name, acc.key).live())
        return {"id": acc.user_id, "username": acc.username, "acct": acc.username,
                "display_name": acc.display_name, "locked": False, "bot": True, "discoverable": True,
                "indexable": True, "group": False, "created_at": CREATED,
                "note": f"<p>{acc.display_name} (Clarion sandbox account)</p>", "url": f"{base}/@{acc.username}",
                "uri": f"{base}/users/{acc.username}", "avatar": f"{base}/avatars/original/missing.png",
                "avatar_static": f"{base}/avatars/original/missing.png",
                "header": f"{base}/headers/original/missing.png",
                "header_static": f"{base}/headers/original/missing.png", "followers_count": 0,
                "following_count": 0, "statuses_count": statuses, "last_status_at": None,
                "hide_collections": False, "noindex": False, "emojis": [], "roles": [], "fields": []}

    def _status_json(self, post: Post, acc: Account, state: AccountState, source: bool = False) -> dict[str, Any]:
        parent_owner = self.owner.get(post.reply_to or "")
        parent_acc = accounts.find(self.accounts, parent_owner) if parent_owner else None
        out = {"id": post.id, "created_at": iso(post.created_at), "in_reply_to_id": post.reply_to,
               "in_reply_to_account_id": parent_acc.user_id if parent_acc else None,
               "sensitive": post.data.get("sensitive", False), "spoiler_text": post.data.get("spoiler_text", ""),
               "visibility": post.data["visibility"], "language": post.data.get("language"),
               "uri": f"{self._base()}/users/{acc.username}/statuses/{post.id}", "url": post.url,
               "replies_count": sum(1 for p in state.live() if p.reply_to == post.id), "reblogs_count": 0,
               "favourites_count": 0, "quotes_count": 0,
               "edited_at": iso(post.edited_at) if post.edited_at else None,
               "favourited": False, "reblogged": False, "muted": False, "bookmarked": False,
               "pinned": post.id in state.pinned, "content": mastodon_html(post.text, self._base()),
               "filtered": [], "reblog": None, "application": {"name": "Clarion", "website": None},
               "account": self._account_json(acc), "media_attachments": [], "mentions": [], "tags": [],
               "emojis": [], "card": None, "poll": None}
        if source:
            out["text"] = post.text
        return out

    def _lookup(self, status_id: str) -> tuple[Account | None, AccountState | None, Post | None]:
        key = self.owner.get(status_id)
        acc = accounts.find(self.accounts, key) if key else None
        if acc is None:
            return None, None, None
        state = self.store.account(self.name, acc.key)
        return acc, state, state.get(status_id)

    # ------------------------------------------------------------------ instance and accounts

    def instance_v1(self) -> Response:
        host = request.host
        return json_response({
            "uri": host, "title": "Clarion sandbox", "short_description": "Sandbox Mastodon for Clarion",
            "description": "", "email": "sandbox@example.org", "version": VERSION,
            "urls": {"streaming_api": f"ws://{host}"}, "stats": {"user_count": len(self.accounts),
                                                                 "status_count": 0, "domain_count": 1},
            "thumbnail": None, "languages": ["en"], "registrations": False, "approval_required": False,
            "invites_enabled": False,
            "configuration": {"accounts": {"max_featured_tags": 10},
                              "statuses": {"max_characters": MAX_CHARS, "max_media_attachments": 4,
                                           "characters_reserved_per_url": 23},
                              "media_attachments": {"supported_mime_types": ["image/png", "image/jpeg"],
                                                    "image_size_limit": 16777216, "image_matrix_limit": 33177600,
                                                    "video_size_limit": 103809024, "video_frame_rate_limit": 120,
                                                    "video_matrix_limit": 8294400},
                              "polls": {"max_options": 4, "max_characters_per_option": 50,
                                        "min_expiration": 300, "max_expiration": 2629746}},
            "contact_account": None, "rules": []})

    def instance_v2(self) -> Response:
        host = request.host
        return json_response({
            "domain": host, "title": "Clarion sandbox", "version": VERSION,
            "source_url": "https://github.com/mastodon/mastodon", "description": "Sandbox Mastodon for Clarion",
            "usage": {"users": {"active_month": len(self.accounts)}},
            "thumbnail": {"url": f"{self._base()}/packs/media/images/preview.png"}, "icon": [],
            "languages": ["en"],
            "configuration": {"urls": {"streaming": f"ws://{host}", "status": None},
                              "vapid": {"public_key": ""},
                              "accounts": {"max_featured_tags": 10, "max_pinned_statuses": MAX_PINS},
                              "statuses": {"max_characters": MAX_CHARS, "max_media_attachments": 4,
                                           "characters_reserved_per_url": 23},
                              "media_attachments": {"supported_mime_types": ["image/png", "image/jpeg"],
                                                    "image_size_limit": 16777216, "image_matrix_limit": 33177600,
                                                    "video_size_limit": 103809024, "video_frame_rate_limit": 120,
                                                    "video_matrix_limit": 8294400},
                              "polls": {"max_options": 4, "max_characters_per_option": 50,
                                        "min_expiration": 300, "max_expiration": 2629746},
                              "translation": {"enabled": False}},
            "registrations": {"enabled": False, "approval_required": False, "message": None, "url": None},
            "api_versions": {"mastodon": 2},
            "contact": {"email": "sandbox@example.org", "account": None}, "rules": []})

    def verify_credentials(self) -> Response:
        user = self._user()
        if user is None:
            return self._unauthorized()
        body = self._account_json(user)
        body["source"] = {"privacy": "public", "sensitive": False, "language": "en", "note": "", "fields": [],
                          "follow_requests_count": 0}
        return json_response(body)

    def account_view(self, account_id: str) -> Response:
        acc = next((a for a in self.accounts if a.user_id == account_id), None)
        return json_response(self._account_json(acc)) if acc else self.not_found()

    def account_statuses(self, account_id: str) -> Response:
        acc = next((a for a in self.accounts if a.user_id == account_id), None)
        if acc is None:
            return self.not_found()
        state = self.store.account(self.name, acc.key)
        posts = state.live()
        if as_bool(request.args.get("pinned", "false")):
            posts = [p for p in posts if p.id in state.pinned]
        if as_bool(request.args.get("exclude_replies", "false")):
            posts = [p for p in posts if p.reply_to is None]
        if "max_id" in request.args:
            posts = [p for p in posts if int(p.id) < int(request.args["max_id"])]
        if "since_id" in request.args:
            posts = [p for p in posts if int(p.id) > int(request.args["since_id"])]
        limit = min(40, int(request.args.get("limit", 20)))
        return json_response([self._status_json(p, acc, state) for p in posts[:limit]])

    # ------------------------------------------------------------------ statuses

    def create(self) -> Response:
        user = self._user()
        if user is None:
            return self._unauthorized()
        given = params()
        state = self.store.account(self.name, user.key)
        key = request.headers.get("Idempotency-Key")
        earlier = self.idempotency.get((user.key, key)) if key else None
        if earlier and time.time() - earlier[0] < IDEMPOTENCY_S:
            post = state.get(earlier[1])  # the same status again; nothing new is created
            return json_response(self._status_json(post, user, state)) if post else self.not_found()
        problem = self._validate(given)
        if problem:
            return problem
        reply_to = given.get("in_reply_to_id") or None
        parent = self._lookup(str(reply_to))[2] if reply_to else None
        if reply_to and parent is None:
            return self.not_found()
        post_id = self.ctx.ids.mastodon()
        post = Post(id=post_id, text=str(given.get("status", "")),
                    reply_to=parent.id if parent else None,
                    thread_root=(parent.thread_root or parent.id) if parent else None,
                    url=f"{self._base()}/@{user.username}/{post_id}",
                    data={"visibility": given.get("visibility") or "public", "language": given.get("language"),
                          "spoiler_text": given.get("spoiler_text", ""),
                          "sensitive": as_bool(given.get("sensitive", False)), "idempotency_key": key})
        state.add(post)
        self.owner[post_id] = user.key
        if key:
            self.idempotency[(user.key, key)] = (time.time(), post_id)
        return json_response(self._status_json(post, user, state))

    @staticmethod
    def _validate(given: dict[str, Any]) -> Response | None:
        text = str(given.get("status", ""))
        if not text.strip():
            return error(422, "Validation failed: Text can't be blank")
        if mastodon_length(text + str(given.get("spoiler_text", ""))) > MAX_CHARS:
            return error(422, f"Validation failed: Text character limit of {MAX_CHARS} exceeded")
        if given.get("visibility") and given["visibility"] not in VISIBILITIES:
            return error(422, "Validation failed: Visibility is not included in the list")
        return None

    def _own(self, status_id: str) -> tuple[Response | None, Any, Any, Any]:
        """The caller's own live status, or the error Mastodon answers."""
        user = self._user()
        if user is None:
            return self._unauthorized(), None, None, None
        acc, state, post = self._lookup(status_id)
        if post is None or acc is None or acc.key != user.key:
            return self.not_found(), None, None, None
        return None, acc, state, post

    def show(self, status_id: str) -> Response:
        acc, state, post = self._lookup(status_id)
        if post is None or acc is None or state is None:
            return self.not_found()
        return json_response(self._status_json(post, acc, state))

    def update(self, status_id: str) -> Response:
        problem, acc, state, post = self._own(status_id)
        if problem:
            return problem
        given = params()
        problem = self._validate(given)
        if problem:
            return problem
        state.edit(post, str(given["status"]))
        post.data.update({k: given[k] for k in ("spoiler_text", "language") if k in given})
        return json_response(self._status_json(post, acc, state))

    def destroy(self, status_id: str) -> Response:
        problem, acc, state, post = self._own(status_id)
        if problem:
            return problem
        body = self._status_json(post, acc, state, source=True)
        state.delete(post)
        body["pinned"] = False
        return json_response(body)

    def history(self, status_id: str) -> Response:
        acc, _state, post = self._lookup(status_id)
        if post is None or acc is None:
            return self.not_found()
        versions = [(post.created_at, e["previous_text"]) for e in post.edits[:1]]
        versions += [(e["ts"], e["text"]) for e in post.edits] or [(post.created_at, post.text)]
        return json_response([{"content": mastodon_html(text, self._base()), "spoiler_text": "",
                               "sensitive": False, "created_at": iso(ts), "account": self._account_json(acc),
                               "media_attachments": [], "emojis": []} for ts, text in versions])

    def source(self, status_id: str) -> Response:
        problem, _acc, _state, post = self._own(status_id)
        if problem:
            return problem
        return json_response({"id": post.id, "text": post.text, "spoiler_text": post.data.get("spoiler_text", "")})

    def pin(self, status_id: str) -> Response:
        problem, acc, state, post = self._own(status_id)
        if problem:
            return problem
        if post.data["visibility"] == "direct":
            return error(422, "Validation failed: Posts that are only visible to mentioned users cannot be pinned")
        if post.id not in state.pinned and len(state.pinned) >= MAX_PINS:
            return error(422, "Validation failed: You have already pinned the maximum number of posts")
        state.pin(post.id)
        return json_response(self._status_json(post, acc, state))

    def unpin(self, status_id: str) -> Response:
        problem, acc, state, post = self._own(status_id)
        if problem:
            return problem
        state.unpin(post.id)
        return json_response(self._status_json(post, acc, state))
