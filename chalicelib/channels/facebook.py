"""Facebook Page (Graph API): page feed posts, `is_pinned`, edit and delete by post id.

Errors are `{"error": {"message", "type", "code", "error_subcode", "is_transient", ...}}`,
usually with HTTP 400 whatever the cause, so the class comes from the code: 4, 17, 32, 613,
80001 (throttling) and 1, 2 (outage) are worth retrying; 190/102 is a dead token; 100 with
subcode 33 means the post no longer exists. A page has one pinned post: pinning replaces it.
"""
from __future__ import annotations

import json
from datetime import datetime, UTC
from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, json_list, json_object, seg
from chalicelib.channels.port import (CREDENTIALS_REFUSED, AmbiguousError, Capabilities, ChannelError,
                                      GoneError, PermanentError, PostRef, RetryableError, ready, unready)
from chalicelib.domain.models import Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec
from chalicelib.rendering import measure as m
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile, fixed

_TRANSIENT = {1, 2, 4, 17, 32, 341, 368, 613, 80001}
_BAD_TOKEN = {102, 190}


def inspect_reply(reply: Reply) -> Complaint | None:
    error = reply.data.get("error") if isinstance(reply.data, dict) else None
    if not isinstance(error, dict):
        return None if 200 <= reply.status < 300 else Complaint()
    code, sub = error.get("code"), error.get("error_subcode")
    text = f"{error.get('error_user_msg') or error.get('message') or 'error'} (code {code})"
    if code in _TRANSIENT or error.get("is_transient"):
        return Complaint(text, _regain_access_s(reply), RetryableError)
    if code in _BAD_TOKEN:
        return Complaint(f"the page access token is invalid or expired: {text}", None, PermanentError)
    if code == 100 and sub == 33:
        return Complaint(text, None, GoneError)
    return Complaint(text, None, PermanentError)


def _regain_access_s(reply: Reply) -> float | None:
    """Throttled pages get `estimated_time_to_regain_access` (minutes) in a usage header."""
    raw = {k.lower(): v for k, v in reply.headers.items()}.get("x-business-use-case-usage")
    try:
        usage = json.loads(raw) if raw else {}
        minutes = max(int(e.get("estimated_time_to_regain_access", 0))
                      for entries in usage.values() for e in entries)
    except (ValueError, TypeError, AttributeError):
        return None
    return float(minutes * 60)


class FacebookChannel(HttpChannel):
    platform = "Facebook"
    default_base_url = "https://graph.facebook.com"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, max_pins=1, can_find=True)
    inspect = staticmethod(inspect_reply)

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        # A Page access token (pages_manage_posts, pages_read_engagement), sent as a header so it
        # never sits in a URL.
        return {"Authorization": f"Bearer {self.secret(credentials, 'page_access_token')}"}

    def _node(self, node_id: str) -> str:
        return f"/{self.settings.get('api_version', 'v21.0')}/{seg(node_id)}"

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        reply = self.http.call("POST", self._node(self.setting("page_id")) + "/feed", what="post",
                               form={"message": part.text})
        return self._ref(str(reply.need("id")))

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        self._update(part_id, "edit", message=part.text)
        return self._ref(part_id)

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        _confirmed(self.http.call("DELETE", self._node(part_id), what="delete"))

    def _pin(self, post: PostRef) -> None:
        self._update(post.post_id, "pin", is_pinned="true")

    def _unpin(self, post: PostRef) -> None:
        self._update(post.post_id, "unpin", is_pinned="false")

    def _update(self, post_id: str, what: str, **fields: str) -> None:
        _confirmed(self.http.call("POST", self._node(post_id), what=what, form=fields))

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"fields": "id,message,permalink_url,created_time", "limit": self.timeline_page}
        if since is not None:  # Graph leaves older posts out itself
            query["since"] = int(since)
        if older:
            query["after"] = older
        reply = self.http.call("GET", self._node(self.setting("page_id")) + "/posts", what="timeline", query=query)
        data = reply.data if isinstance(reply.data, dict) else {}
        posts, paging = json_list(data, "data"), json_object(data, "paging")
        cursors = json_object(paging, "cursors")
        return TimelinePage([(self._ref(str(p["id"]), p.get("permalink_url")), str(p.get("message", "")),
                              epoch(p.get("created_time"))) for p in posts if isinstance(p, dict) and p.get("id")],
                            older=str(cursors["after"]) if paging.get("next") and cursors.get("after") else None)

    def _ref(self, post_id: str, permalink: str | None = None) -> PostRef:
        return PostRef(post_id=post_id, url=permalink or self.post_url(f"https://www.facebook.com/{post_id}", post_id))

    # ------------------------------------------------------------------ readiness

    def __init__(self, account_id: str, settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
        super().__init__(account_id, settings, credentials)
        # debug_token takes the token it describes as a parameter. An app token ("app_id|secret")
        # in the credentials asks about it; without one the page token asks about itself.
        self._page_token = self.secret(credentials, "page_access_token")
        app_token = credentials.get("app_access_token")
        self._debug_auth = {"Authorization": f"Bearer {app_token}"} if app_token else {}

    def _check(self) -> Readiness:
        """`GET /me` with the page token is the page itself (it must be this account's page);
        `GET /debug_token` says whether the token is valid, when it or its data access expires
        (0: never) and its scopes. A page's `tasks` cannot be read with a page token (Graph
        answers #100: tasks is not a field of a Page; only a user token's `/me/accounts` lists
        them), so the permissions come from the scopes: `pages_manage_posts` posts, edits and
        pins, `pages_read_engagement` reads the page's posts back (reconciling). Pinning needs
        nothing more than posting: on Facebook `can_pin` follows the posting permission."""
        page_id = str(self.setting("page_id"))
        me = str(self.http.call("GET", self._node("me"), what="readiness check",
                                query={"fields": "id,name"}).need("id"))
        if me != page_id:
            return unready(ReadinessProblem.CONFIGURATION,
                           f"the token is page {me}'s, not this account's page_id {page_id}")
        try:
            reply = self.http.call("GET", f"/{self.settings.get('api_version', 'v21.0')}/debug_token",
                                   what="token check", query={"input_token": self._page_token},
                                   headers=self._debug_auth)
        except ChannelError as error:
            if self._refused(error) or isinstance(error, (RetryableError, AmbiguousError)):
                raise
            return ready(can_pin=True, note=f"ready; the token's expiry and scopes are unknown: {error.message}")
        data = json_object(reply.data if isinstance(reply.data, dict) else {}, "data")
        if data.get("is_valid") is not True:
            why = json_object(data, "error").get("message") or "Graph says it is not valid"
            return unready(ReadinessProblem.CREDENTIALS, f"{CREDENTIALS_REFUSED}: {why}")
        expires = _earliest_expiry(data.get("expires_at"), data.get("data_access_expires_at"))
        missing = _missing_scopes(data, page_id)
        if missing:
            return unready(ReadinessProblem.PERMISSION,
                           f"the page token lacks {', '.join(missing)}: Clarion can neither post nor pin here",
                           can_pin=False, expires_at=expires)
        return ready(can_pin=True, expires_at=expires)

    def _refused(self, error: ChannelError) -> bool:
        return super()._refused(error) or "page access token is invalid or expired" in error.message


# What a page token needs: posting, editing, deleting and pinning; reading the page's posts back.
NEEDED_SCOPES = ("pages_manage_posts", "pages_read_engagement")


def _missing_scopes(debug: Mapping[str, Any], page_id: str) -> list[str]:
    """The needed scopes debug_token does not list, or lists for other pages only (granular scopes)."""
    granted = {str(s) for s in json_list(debug, "scopes")}
    targets = {str(g.get("scope")): [str(t) for t in g["target_ids"]] for g in json_list(debug, "granular_scopes")
               if isinstance(g, dict) and isinstance(g.get("target_ids"), list)}
    return [scope for scope in NEEDED_SCOPES if scope not in granted or page_id not in targets.get(scope, [page_id])]


def _earliest_expiry(*epochs: Any) -> datetime | None:
    """The soonest of Graph's expiry times (epoch seconds; 0 or absent: never)."""
    moments = [int(e) for e in epochs if isinstance(e, (int, float)) and e > 0]
    return datetime.fromtimestamp(min(moments), UTC) if moments else None


def _confirmed(reply: Reply) -> None:
    if reply.need("success") is not True:
        raise reply.unexpected("with success=false")


def escape(text: str) -> str:
    """Graph API page posts turn `@[page-id]` into a tag: a word joiner keeps it text."""
    return text.replace("@[", "@\u2060[")


# -- an account's settings and credentials, as FacebookChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret  # noqa: E402


class FacebookSettings(HttpSettings):
    """The Page posted to (`page_id`, required) and the Graph API version (v21.0 when absent)."""

    page_id: str = Field(pattern=r"^[0-9]{1,20}$")
    api_version: str | None = Field(default=None, pattern=r"^v[0-9]{1,2}\.[0-9]$")


class FacebookCredentials(PlatformCredentials):
    """A Page access token with pages_manage_posts and pages_read_engagement."""

    page_access_token: Secret


SPECS = (PlatformSpec(
    "facebook", adapter=FacebookChannel, grants=(Grant.SECRETS,),
    settings=FacebookSettings, credentials=FacebookCredentials,
    profile=PostProfile(template="channels/facebook.j2", unit="UTF-16 code units", escape=escape,
                        limits=fixed(63206, m.utf16_units))),)
