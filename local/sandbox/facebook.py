"""Facebook Graph API for Pages (`/facebook/v21.0/...`, any `vNN.N`, or unversioned).

Real behaviour kept: a Page has ONE pinned post, so pinning another one unpins the first;
throttling answers HTTP 403 (not 429) with codes 4/17/32/613 (or 80001 for Page tokens) and
says when to come back only in `X-Business-Use-Case-Usage` (`estimated_time_to_regain_access`,
minutes); repeating the text of a live post is `(#506) Duplicate status message`.
"""
from __future__ import annotations

import json
import math
import re
import secrets
import time
from typing import Any

from flask import Response, redirect, request

from local.sandbox import accounts
from local.sandbox.accounts import Account
from local.sandbox.core import Platform, as_bool, bearer, json_response, paged, params, since_epoch
from local.sandbox.readiness import EXPIRES_IN_S, EXPIRES_SOON
from local.sandbox.state import AccountState, Post

VERSION_RE = re.compile(r"^v\d+\.\d+$")
MAX_MESSAGE = 63206

THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again. "
           "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    368: "It looks like you were misusing this feature by going too fast. You\u2019ve been temporarily "
         "blocked from using it.",
}


def graph_error(status: int, message: str, code: int, type_: str = "OAuthException",
                subcode: int | None = None, **extra: Any) -> Response:
    error: dict[str, Any] = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)[:22]
    return json_response({"error": error}, status)


def missing_object(object_id: str, method: str) -> Response:
    verb = {"GET": "get", "POST": "post", "DELETE": "delete"}.get(method, method.lower())
    return graph_error(400, f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot "
                            "be loaded due to missing permissions, or does not support this operation. Please "
                            "read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                       100, "GraphMethodException", 33)


def fb_time(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(ts))


class Facebook(Platform):
    name = "facebook"

    def routes(self) -> None:
        self.route("/<path:path>", self.dispatch, ["GET", "POST", "DELETE"])

    def reset(self) -> None:
        self.owner: dict[str, str] = {}  # "pageid_postid" -> page id (state key)

    # ------------------------------------------------------------------ errors and auth

    def server_error(self) -> Response:
        return graph_error(500, "An unexpected error has occurred. Please retry your request later.", 2,
                           is_transient=True)

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        response = graph_error(403, THROTTLE_MESSAGES[code], code, is_transient=code != 368,
                               **({"error_subcode": 1390008} if code == 368 else {}))
        minutes = max(1, math.ceil(retry_after_s / 60))
        usage = {page.user_id: [{"type": "pages", "call_count": 100, "total_cputime": 100, "total_time": 100,
                                 "estimated_time_to_regain_access": minutes}] for page in self.accounts}
        response.headers["X-Business-Use-Case-Usage"] = json.dumps(usage)
        response.headers["X-App-Usage"] = json.dumps({"call_count": 100, "total_cputime": 100, "total_time": 100})
        return response

    def not_found(self) -> Response:
        return graph_error(400, "Unknown path components: " + request.path, 2500)

    def token_revoked(self) -> Response:
        return graph_error(400, "Error validating access token: The session has been invalidated because the user "
                                "changed their password or Facebook has changed the session for security reasons.",
                           190, subcode=460)

    def method_not_allowed(self) -> Response:
        return graph_error(400, "Unsupported method", 100)

    def _token(self, given: dict[str, Any]) -> str | None:
        return given.get("access_token") or bearer() or bearer("OAuth")

    def _page(self, token: str | None) -> Account | None:
        found = accounts.by_token(self.name, token)
        return found[0] if found else None

    # ------------------------------------------------------------------ routing

    def dispatch(self, path: str) -> Any:
        parts = [p for p in path.split("/") if p]
        if parts and VERSION_RE.match(parts[0]):
            parts = parts[1:]
        if parts == ["permalink.php"]:  # the permalink_url we hand out: show it on the page
            return redirect(f"/#facebook-{request.args.get('id')}_{request.args.get('story_fbid')}")
        given = params()
        token = self._token(given)
        if not token:
            return graph_error(400, "An access token is required to request this resource.", 104)
        page = self._page(token)
        if page is None:
            return graph_error(400, "Invalid OAuth access token - Cannot parse access token", 190)
        if parts == ["debug_token"] and request.method == "GET":
            return self._debug_token(given)
        if len(parts) == 1:
            return self._node(page, parts[0], given)
        if len(parts) == 2 and parts[1] in ("feed", "posts", "published_posts"):
            return self._edge(page, parts[0], parts[1], given)
        return self.not_found()

    def _node(self, page: Account, node: str, given: dict[str, Any]) -> Response:
        if node in ("me", page.user_id) and request.method == "GET":
            return json_response({"name": page.display_name, "id": page.user_id})
        state, post = self._post(node)
        if post is None or state is None:
            return missing_object(node, request.method)
        if self.owner[node] != page.key:
            return self._no_permission()
        if request.method == "GET":
            return json_response(self._post_json(post, state, self._fields(given)))
        if request.method == "DELETE":
            state.delete(post)
            return json_response({"success": True})
        return self._update(state, post, given)

    def _edge(self, page: Account, node: str, edge: str, given: dict[str, Any]) -> Response:
        target = accounts.find(self.accounts, node)
        if target is None:
            return missing_object(node, request.method)
        if target.key != page.key:
            return self._no_permission()
        state = self.store.account(self.name, page.key)
        if request.method == "GET":
            fields = self._fields(given)
            posts = state.live()
            try:
                since = since_epoch(given.get("since"))
            except ValueError:
                return graph_error(400, f"(#100) Invalid since: {given.get('since')}", 100)
            if since is not None:
                posts = [p for p in posts if p.created_at >= since]
            posts, after = paged(posts, given.get("after"), min(100, int(given.get("limit", 25))))
            data = [self._post_json(p, state, fields) for p in posts]
            paging: dict[str, Any] = {}
            if data:
                paging["cursors"] = {"before": "QVFIUmJl", "after": after or "QVFIUmFm"}
            if after:
                paging["next"] = f"{request.base_url}?after={after}&limit={given.get('limit', 25)}"
            return json_response({"data": data, **({"paging": paging} if paging else {})})
        if request.method == "POST" and edge == "feed":
            return self._publish(page, state, given)
        return self.method_not_allowed()

    def _debug_token(self, given: dict[str, Any]) -> Response:
        """`GET /debug_token?input_token=`: the token's validity, expiry (0: never; readiness mode
        `expires_soon`: in three days), data access expiry (90 days) and scopes."""
        page = self._page(str(given.get("input_token") or ""))
        if page is None:
            return json_response({"data": {"error": {"code": 190, "message": "Invalid OAuth access token - Cannot "
                                                     "parse access token"}, "is_valid": False, "scopes": []}})
        # A token's times are fixed, as Graph's are: counted from the start of today (UTC), so a
        # token "expiring soon" does so two to three days from any call today.
        now = int(time.time())
        today = now - now % 86400
        expires = today + EXPIRES_IN_S if self.ctx.modes.get(self.name) == EXPIRES_SOON else 0
        scopes = ["pages_show_list", "pages_read_engagement", "pages_manage_posts", "public_profile"]
        return json_response({"data": {
            "app_id": "1000000000000001", "type": "PAGE", "application": "Clarion Sandbox",
            "data_access_expires_at": today + 90 * 86400, "expires_at": expires, "is_valid": True,
            "issued_at": today - 86400, "profile_id": page.user_id, "scopes": scopes,
            "granular_scopes": [{"scope": s, "target_ids": [page.user_id]} for s in scopes if s.startswith("pages_")],
            "user_id": "1300000000000001"}})

    @staticmethod
    def _no_permission() -> Response:
        return graph_error(403, "(#200) If posting to a page, requires both pages_read_engagement and "
                                "pages_manage_posts as an admin with sufficient administrative permission", 200)

    @staticmethod
    def _fields(given: dict[str, Any]) -> set[str]:
        return {f.strip() for f in str(given.get("fields", "")).split(",") if f.strip()}

    # ------------------------------------------------------------------ posts

    def _post(self, post_id: str) -> tuple[AccountState | None, Post | None]:
        key = self.owner.get(post_id)
        if key is None:
            return None, None
        state = self.store.account(self.name, key)
        return state, state.get(post_id)

    def _post_json(self, post: Post, state: AccountState, fields: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"created_time": fb_time(post.created_at), "message": post.text, "id": post.id}
        if post.data.get("link"):
            out["link"] = post.data["link"]
        optional = {"is_pinned": post.id in state.pinned, "permalink_url": post.url,
                    "updated_time": fb_time(post.edited_at or post.created_at)}
        out.update({k: v for k, v in optional.items() if k in fields})
        return out

    def _publish(self, page: Account, state: AccountState, given: dict[str, Any]) -> Response:
        message, link = str(given.get("message", "")), given.get("link")
        if not message and not link:
            return graph_error(400, "(#100) Missing message or attachment", 100)
        if len(message) > MAX_MESSAGE:
            return graph_error(400, "(#100) Param message must be at most 63206 characters long.", 100)
        if message and any(p.text == message for p in state.live()):
            return graph_error(400, "(#506) Duplicate status message", 506)
        story = str(self.ctx.ids.counter("facebook-post", 122100000000000001))
        post_id = f"{page.user_id}_{story}"
        url = self.web_url(f"/permalink.php?story_fbid={story}&id={page.user_id}")
        state.add(Post(id=post_id, text=message, url=url, data={"link": link} if link else {}))
        self.owner[post_id] = page.key
        return json_response({"id": post_id})

    def _update(self, state: AccountState, post: Post, given: dict[str, Any]) -> Response:
        if "is_pinned" in given:
            if as_bool(given["is_pinned"]):
                for other in list(state.pinned):  # one pinned post per Page
                    state.unpin(other, reason="replaced by a newer pin")
                state.pin(post.id)
            else:
                state.unpin(post.id)
        if "message" in given:
            message = str(given["message"])
            if not message:
                return graph_error(400, "(#100) Missing message or attachment", 100)
            state.edit(post, message)
        if "is_pinned" not in given and "message" not in given:
            return graph_error(400, "(#100) No valid fields to update", 100)
        return json_response({"success": True})
