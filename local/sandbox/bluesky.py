"""Bluesky / atproto XRPC (`/bluesky/xrpc/<nsid>`): sessions, repo records, author feed.

Real behaviour kept: a post is limited to 300 graphemes AND 3000 UTF-8 bytes; facets index
UTF-8 byte offsets (the state shows the text each facet covers, to check them); the pin is
the profile record's `pinnedPost`, written with `putRecord` and `swapRecord` (a stale cid is
`InvalidSwap`, "Record was at …"); the PDS answers an expired access token with HTTP 400
`ExpiredToken` and a bad one with 400 `InvalidToken` — only a missing token or a wrong
password is 401 `AuthenticationRequired`; refresh tokens are single-use.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from collections.abc import Callable

from flask import Response, request

from local.sandbox import accounts
from local.sandbox.accounts import Account
from local.sandbox.core import Platform, bearer, cid_for, json_response, paged, params
from local.sandbox.state import AccountState, Post, iso
from local.sandbox.text import graphemes, utf8_len

POST, PROFILE = "app.bsky.feed.post", "app.bsky.actor.profile"
MAX_GRAPHEMES, MAX_BYTES = 300, 3000
ACCESS_TTL_S, REFRESH_TTL_S = 2 * 3600, 90 * 86400
AVATAR = {"$type": "blob", "ref": {"$link": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
          "mimeType": "image/png", "size": 4242}


def xrpc_error(status: int, error: str, message: str) -> Response:
    return json_response({"error": error, "message": message}, status)


def invalid(message: str) -> Response:
    return xrpc_error(400, "InvalidRequest", message)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Bluesky(Platform):
    name = "bluesky"

    def routes(self) -> None:
        self.methods: dict[str, tuple[str, Callable[[], Response]]] = {
            "com.atproto.server.createSession": ("POST", self.create_session),
            "com.atproto.server.refreshSession": ("POST", self.refresh_session),
            "com.atproto.server.getSession": ("GET", self.get_session),
            "com.atproto.repo.createRecord": ("POST", self.create_record),
            "com.atproto.repo.putRecord": ("POST", self.put_record),
            "com.atproto.repo.deleteRecord": ("POST", self.delete_record),
            "com.atproto.repo.getRecord": ("GET", self.get_record),
            "app.bsky.feed.getAuthorFeed": ("GET", self.author_feed),
            "app.bsky.actor.getProfile": ("GET", self.get_profile),
        }
        self.route("/xrpc/<nsid>", self.dispatch, ["GET", "POST"])

    def reset(self) -> None:
        self.secret = secrets.token_bytes(32)
        self.revoked: set[str] = set()
        self.expired_before = 0.0
        self.records: dict[tuple[str, str, str], dict[str, Any]] = {}  # (did, collection, rkey)
        for acc in self.accounts:
            profile = {"$type": PROFILE, "displayName": acc.display_name,
                       "description": f"Official public-health advisories from {acc.display_name}. "
                                      "(Clarion sandbox account)",
                       "avatar": AVATAR, "createdAt": "2024-01-15T00:00:00.000Z"}
            self._write(acc, PROFILE, "self", profile)

    def expire_sessions(self) -> None:
        with self.store.lock:
            self.expired_before = time.time() + 1

    # ------------------------------------------------------------------ errors and dispatch

    def server_error(self) -> Response:
        return xrpc_error(500, "InternalServerError", "Internal Server Error")

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        response.headers.update({"ratelimit-limit": "5000", "ratelimit-remaining": "0",
                                 "ratelimit-reset": str(int(time.time() + retry_after_s) + 1),
                                 "ratelimit-policy": "5000;w=3600"})
        return response

    def not_found(self) -> Response:
        return xrpc_error(404, "NotFound", "Not Found")

    def token_revoked(self) -> Response:
        """A revoked app password: the login is refused, and the sessions it made are dead."""
        if request.path.endswith("/com.atproto.server.createSession"):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return xrpc_error(400, "ExpiredToken", "Token has been revoked")

    def dispatch(self, nsid: str) -> Response:
        entry = self.methods.get(nsid)
        if entry is None:
            return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")
        if request.method != entry[0]:
            return invalid(f"Incorrect HTTP method ({request.method}) expected {entry[0]}")
        return entry[1]()

    # ------------------------------------------------------------------ tokens

    def _jwt(self, acc: Account, scope: str, ttl: int, typ: str) -> str:
        now = time.time()
        payload = {"scope": scope, "aud": "did:web:sandbox.bsky.local", "sub": acc.user_id,
                   "iat": now, "exp": int(now + ttl), "jti": secrets.token_hex(8)}
        head = _b64(json.dumps({"typ": typ, "alg": "HS256"}).encode()) + "." + _b64(json.dumps(payload).encode())
        return head + "." + _b64(hmac.new(self.secret, head.encode(), hashlib.sha256).digest())

    def _claims(self, token: str) -> dict[str, Any] | None:
        try:
            head, body, sig = token.split(".")
            expected = hmac.new(self.secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(sig)):
                return None
            return json.loads(_unb64(body))
        except (ValueError, TypeError):
            return None

    def _verify(self, scope: str) -> tuple[Account | None, Response | None]:
        token = bearer()
        if not token:
            return None, xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        claims = self._claims(token)
        if claims is None:
            return None, invalid_token("Token could not be verified")
        if claims.get("scope") != scope:
            return None, invalid_token("Bad token scope")
        if token in self.revoked:
            return None, xrpc_error(400, "ExpiredToken", "Token has been revoked")
        if claims["exp"] < time.time() or claims["iat"] < self.expired_before:
            return None, xrpc_error(400, "ExpiredToken", "Token has expired")
        acc = accounts.find(self.accounts, claims["sub"])
        return (acc, None) if acc else (None, invalid_token("Token could not be verified"))

    def _session(self, acc: Account, with_tokens: bool = True) -> dict[str, Any]:
        base = f"{request.host_url.rstrip('/')}/{self.name}"
        out: dict[str, Any] = {}
        if with_tokens:
            out["accessJwt"] = self._jwt(acc, "com.atproto.access", ACCESS_TTL_S, "at+jwt")
            out["refreshJwt"] = self._jwt(acc, "com.atproto.refresh", REFRESH_TTL_S, "refresh+jwt")
        out.update({"handle": acc.username, "did": acc.user_id,
                    "didDoc": {"@context": ["https://www.w3.org/ns/did/v1"], "id": acc.user_id,
                               "alsoKnownAs": [f"at://{acc.username}"], "verificationMethod": [],
                               "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                                            "serviceEndpoint": base}]},
                    "email": f"{acc.username.split('.')[0]}@example.org", "emailConfirmed": True,
                    "emailAuthFactor": False, "active": True})
        return out

    # ------------------------------------------------------------------ server.*

    def create_session(self) -> Response:
        body = params()
        for field in ("identifier", "password"):
            if not isinstance(body.get(field), str):
                return invalid(f'Input must have the property "{field}"')
        acc = accounts.find(self.accounts, body["identifier"].lower())
        if acc is None or not hmac.compare_digest(acc.token, body["password"]):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return json_response(self._session(acc))

    def refresh_session(self) -> Response:
        acc, problem = self._verify("com.atproto.refresh")
        if problem or acc is None:
            return problem or self.not_found()
        self.revoked.add(bearer() or "")  # single use: the next refresh needs the new token
        return json_response(self._session(acc))

    def get_session(self) -> Response:
        acc, problem = self._verify("com.atproto.access")
        if problem or acc is None:
            return problem or self.not_found()
        return json_response(self._session(acc, with_tokens=False))

    # ------------------------------------------------------------------ repo.*

    def _write(self, acc: Account, collection: str, rkey: str, record: dict[str, Any]) -> dict[str, Any]:
        cid = cid_for(record)
        entry = {"uri": f"at://{acc.user_id}/{collection}/{rkey}", "cid": cid, "value": record,
                 "indexedAt": iso(time.time())}
        self.records[(acc.user_id, collection, rkey)] = entry
        if collection == PROFILE:
            self.store.account(self.name, acc.key).profile = {"uri": entry["uri"], "cid": cid, "value": record}
        return entry

    def _commit(self, entry: dict[str, Any]) -> dict[str, Any]:
        rev = self.ctx.ids.tid()
        return {"uri": entry["uri"], "cid": entry["cid"], "commit": {"cid": cid_for({"rev": rev}), "rev": rev},
                "validationStatus": "valid"}

    def _repo_call(self) -> tuple[Account | None, dict[str, Any], Response | None]:
        acc, problem = self._verify("com.atproto.access")
        if problem or acc is None:
            return None, {}, problem
        body = request.get_json(silent=True, force=True)
        if not isinstance(body, dict):
            return None, {}, invalid("Request body must be a JSON object")
        for field in ("repo", "collection"):
            if not isinstance(body.get(field), str):
                return None, {}, invalid(f'Input must have the property "{field}"')
        if body["repo"] not in (acc.user_id, acc.username):
            return None, {}, xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        return acc, body, None

    def create_record(self) -> Response:
        acc, body, problem = self._repo_call()
        if problem or acc is None:
            return problem or self.not_found()
        record, collection = body.get("record"), body["collection"]
        problem = self._check_record(collection, record)
        if problem:
            return problem
        rkey = body.get("rkey") or self.ctx.ids.tid()
        if (acc.user_id, collection, rkey) in self.records:
            return invalid(f"Record already exists: at://{acc.user_id}/{collection}/{rkey}")
        entry = self._write(acc, collection, rkey, record)
        if collection == POST:
            self._record_post(acc, entry)
        return json_response(self._commit(entry))

    def put_record(self) -> Response:
        acc, body, problem = self._repo_call()
        if problem or acc is None:
            return problem or self.not_found()
        record, collection, rkey = body.get("record"), body["collection"], body.get("rkey")
        if not isinstance(rkey, str):
            return invalid('Input must have the property "rkey"')
        problem = self._check_record(collection, record)
        if problem:
            return problem
        current = self.records.get((acc.user_id, collection, rkey))
        if "swapRecord" in body and body["swapRecord"] != (current["cid"] if current else None):
            return xrpc_error(400, "InvalidSwap", f"Record was at {current['cid'] if current else 'null'}")
        entry = self._write(acc, collection, rkey, record)
        state = self.store.account(self.name, acc.key)
        if collection == PROFILE:
            self._track_pin(state, (current or {}).get("value", {}), record)
        elif collection == POST:
            post = state.get(entry["uri"])
            if post is None:
                self._record_post(acc, entry)
            else:
                state.edit(post, record["text"], cid=entry["cid"])
                post.data.update(self._post_data(entry))
        return json_response(self._commit(entry))

    def delete_record(self) -> Response:
        acc, body, problem = self._repo_call()
        if problem or acc is None:
            return problem or self.not_found()
        key = (acc.user_id, body["collection"], str(body.get("rkey")))
        current = self.records.get(key)
        if "swapRecord" in body and body["swapRecord"] != (current["cid"] if current else None):
            return xrpc_error(400, "InvalidSwap", f"Record was at {current['cid'] if current else 'null'}")
        if current is not None:
            del self.records[key]
            state = self.store.account(self.name, acc.key)
            post = state.get(current["uri"])
            if post is not None:
                state.delete(post)  # a pinnedPost pointing at it stays in the profile, as on Bluesky
        rev = self.ctx.ids.tid()
        return json_response({"commit": {"cid": cid_for({"rev": rev}), "rev": rev}})

    def get_record(self) -> Response:
        repo, collection, rkey = (request.args.get(k, "") for k in ("repo", "collection", "rkey"))
        acc = accounts.find(self.accounts, repo)
        if acc is None:
            return invalid(f"Could not find repo: {repo}")
        entry = self.records.get((acc.user_id, collection, rkey))
        if entry is None or (request.args.get("cid") and request.args["cid"] != entry["cid"]):
            return xrpc_error(400, "RecordNotFound", f"Could not locate record: at://{acc.user_id}/{collection}/{rkey}")
        return json_response({"uri": entry["uri"], "cid": entry["cid"], "value": entry["value"]})

    # ------------------------------------------------------------------ records

    def _check_record(self, collection: str, record: Any) -> Response | None:
        if not isinstance(record, dict):
            return invalid('Input must have the property "record"')
        record.setdefault("$type", collection)  # the PDS fills a missing $type in
        if record["$type"] != collection:
            return invalid(f"Invalid $type: expected {collection}, got {record['$type']}")
        checks = {POST: _check_post, PROFILE: _check_profile}
        problem = checks[collection](record) if collection in checks else None
        return invalid(f"Invalid {collection} record: {problem}") if problem else None

    def _post_data(self, entry: dict[str, Any]) -> dict[str, Any]:
        record = entry["value"]
        raw = record["text"].encode("utf-8")
        facets = record.get("facets") or []
        covered = [raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode("utf-8", "replace") for f in facets]
        return {"cid": entry["cid"], "rkey": entry["uri"].rsplit("/", 1)[1], "facets": facets,
                "facet_texts": covered, "langs": record.get("langs"), "reply": record.get("reply")}

    def _record_post(self, acc: Account, entry: dict[str, Any]) -> None:
        record = entry["value"]
        reply = record.get("reply") or {}
        post = Post(id=entry["uri"], text=record["text"], url=self.open_url(entry["uri"]),
                    reply_to=(reply.get("parent") or {}).get("uri"), thread_root=(reply.get("root") or {}).get("uri"),
                    data=self._post_data(entry))
        self.store.account(self.name, acc.key).add(post)

    @staticmethod
    def _track_pin(state: AccountState, old: dict[str, Any], new: dict[str, Any]) -> None:
        before = (old.get("pinnedPost") or {}).get("uri")
        after = (new.get("pinnedPost") or {}).get("uri")
        if before == after:
            return
        if after:
            state.pin(after)
        if before:
            state.unpin(before)

    # ------------------------------------------------------------------ app.bsky.*

    def _author(self, acc: Account) -> dict[str, Any]:
        profile = self.records[(acc.user_id, PROFILE, "self")]["value"]
        return {"did": acc.user_id, "handle": acc.username, "displayName": profile.get("displayName", ""),
                "avatar": f"https://cdn.bsky.app/img/avatar/plain/{acc.user_id}/{AVATAR['ref']['$link']}@jpeg",
                "labels": [], "createdAt": "2024-01-15T00:00:00.000Z"}

    def _post_view(self, acc: Account, post: Post) -> dict[str, Any]:
        entry = self.records.get((acc.user_id, POST, post.data["rkey"]), {})
        replies = sum(1 for p in self.store.account(self.name, acc.key).live() if p.reply_to == post.id)
        return {"uri": post.id, "cid": post.data["cid"], "author": self._author(acc),
                "record": entry.get("value", {}), "replyCount": replies, "repostCount": 0, "likeCount": 0,
                "quoteCount": 0, "indexedAt": entry.get("indexedAt", iso(post.created_at)), "viewer": {}, "labels": []}

    def author_feed(self) -> Response:
        acc = accounts.find(self.accounts, request.args.get("actor", ""))
        if acc is None:
            return invalid("Profile not found")
        limit = int(request.args.get("limit", 50))
        if not 1 <= limit <= 100:
            return invalid("limit must be between 1 and 100")
        state = self.store.account(self.name, acc.key)
        posts = state.live()
        if request.args.get("filter") == "posts_no_replies":
            posts = [p for p in posts if p.reply_to is None]
        cursor = request.args.get("cursor")
        posts, more = paged(posts, cursor, limit)
        feed = [{"post": self._post_view(acc, p)} for p in posts]
        pinned = (self.records[(acc.user_id, PROFILE, "self")]["value"].get("pinnedPost") or {}).get("uri")
        if request.args.get("includePins") == "true" and pinned and state.get(pinned) and not cursor:
            feed.insert(0, {"post": self._post_view(acc, state.get(pinned)),  # type: ignore[arg-type]
                            "reason": {"$type": "app.bsky.feed.defs#reasonPin"}})
        return json_response({"feed": feed[:limit], **({"cursor": more} if more else {})})

    def get_profile(self) -> Response:
        acc = accounts.find(self.accounts, request.args.get("actor", ""))
        if acc is None:
            return invalid("Profile not found")
        value = self.records[(acc.user_id, PROFILE, "self")]["value"]
        view = {**self._author(acc), "description": value.get("description", ""), "followersCount": 0,
                "followsCount": 0, "postsCount": len(self.store.account(self.name, acc.key).live()),
                "indexedAt": iso(time.time())}
        if value.get("pinnedPost"):
            view["pinnedPost"] = value["pinnedPost"]
        return json_response(view)


def invalid_token(message: str) -> Response:
    return xrpc_error(400, "InvalidToken", message)


def _strong_ref_problem(value: Any, path: str) -> str | None:
    if not isinstance(value, dict):
        return f"{path} must be an object"
    for field in ("uri", "cid"):
        if not isinstance(value.get(field), str):
            return f'{path} must have the property "{field}"'
    return None


def _check_post(record: dict[str, Any]) -> str | None:
    for field in ("text", "createdAt"):
        if not isinstance(record.get(field), str):
            return f'Record must have the property "{field}"'
    if graphemes(record["text"]) > MAX_GRAPHEMES:
        return f"Record/text must not be longer than {MAX_GRAPHEMES} graphemes"
    if utf8_len(record["text"]) > MAX_BYTES:
        return f"Record/text must not be longer than {MAX_BYTES} characters"
    for i, facet in enumerate(record.get("facets") or []):
        index = facet.get("index") if isinstance(facet, dict) else None
        for field in ("byteStart", "byteEnd"):
            if not isinstance(index, dict) or not isinstance(index.get(field), int) or index[field] < 0:
                return f'Record/facets/{i}/index must have the property "{field}"'
        if not isinstance(facet.get("features"), list):
            return f'Record/facets/{i} must have the property "features"'
    reply = record.get("reply")
    if reply is not None:
        for part in ("root", "parent"):
            problem = _strong_ref_problem((reply or {}).get(part), f"Record/reply/{part}")
            if problem:
                return problem
    return None


def _check_profile(record: dict[str, Any]) -> str | None:
    if graphemes(str(record.get("displayName", ""))) > 64:
        return "Record/displayName must not be longer than 64 graphemes"
    if graphemes(str(record.get("description", ""))) > 256:
        return "Record/description must not be longer than 256 graphemes"
    if "pinnedPost" in record:
        return _strong_ref_problem(record["pinnedPost"], "Record/pinnedPost")
    return None
