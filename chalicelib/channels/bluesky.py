"""Bluesky (AT Protocol XRPC over HTTP): sessions, post records with facets, threads, pins.

- `com.atproto.server.createSession` with an app password gives an access JWT and the DID;
  sessions are cached per account (createSession has a tight daily limit) and renewed once on
  ExpiredToken.
- A post is an `app.bsky.feed.post` record made with `com.atproto.repo.createRecord`; replies
  carry `reply: {root, parent}` strong refs (uri + cid); link facets use UTF-8 byte offsets.
- The pinned post is the `pinnedPost` field of the profile record (`app.bsky.actor.profile`,
  rkey `self`): read it, change only that field, and write it back with `swapRecord` set to the
  cid we read, so a concurrent profile edit is never lost (InvalidSwap -> read again, once).
- Errors are `{"error": "InvalidRequest", "message": "..."}`; 429 has `ratelimit-reset`.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, UTC
from typing import Any
from collections.abc import Callable, Mapping, Sequence

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, error_field, json_list, redact
from chalicelib.channels.port import (Capabilities, ChannelError, GoneError, PermanentError, PostRef,
                                      RetryableError, ready, unready)
from chalicelib.domain.models import Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec, Queue
from chalicelib.rendering import measure as m
from chalicelib.rendering.fit import Limit
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile

POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"
SESSION_TTL_S = 30 * 60  # access JWTs live about two hours; renew well before


class InvalidSwap(PermanentError):
    """The record changed between our read and our write."""


class SessionExpired(PermanentError):
    pass


_ERRORS: dict[str, type[PermanentError]] = {
    "InvalidSwap": InvalidSwap, "ExpiredToken": SessionExpired, "InvalidToken": SessionExpired,
    "RecordNotFound": GoneError,
}


def inspect_reply(reply: Reply) -> Complaint | None:
    if 200 <= reply.status < 300:
        return None
    name = error_field(reply, "error")
    text = ": ".join(t for t in (name, error_field(reply, "message")) if t)
    return Complaint(message=text, error=_ERRORS.get(name))


@dataclass(frozen=True)
class Session:
    jwt: str
    did: str
    handle: str
    at: float


_SESSIONS: dict[tuple[str, str], Session] = {}
_LOCK = threading.Lock()


def forget_sessions() -> None:
    """Log in afresh next time (rotated app passwords, tests that reset the sandbox)."""
    with _LOCK:
        _SESSIONS.clear()


class BlueskyChannel(HttpChannel):
    platform = "Bluesky"
    default_base_url = "https://bsky.social"
    capabilities = Capabilities(can_pin=True, can_delete=True, threads=True, max_pins=1, can_find=True)
    inspect = staticmethod(inspect_reply)

    def __init__(self, account_id: str, settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
        super().__init__(account_id, settings, credentials)
        self._login = {"identifier": self.secret(credentials, "identifier"),
                       "password": self.secret(credentials, "app_password")}
        self._key = (self.http.base_url, self._login["identifier"])

    # ------------------------------------------------------------------ session

    def session(self) -> Session:
        with _LOCK:
            cached = _SESSIONS.get(self._key)
        if cached and time.time() - cached.at < SESSION_TTL_S:
            return cached
        reply = self.http.call("POST", "/xrpc/com.atproto.server.createSession", what="login",
                               json_body=self._login, write=False)  # a lost login posts nothing
        fresh = Session(str(reply.need("accessJwt")), str(reply.need("did")),
                        str(reply.data.get("handle") or self._login["identifier"]), time.time())
        redact.add([fresh.jwt])
        with _LOCK:
            _SESSIONS[self._key] = fresh
        return fresh

    def xrpc(self, method: str, nsid: str, what: str, *, body: Any = None,
             query: Mapping[str, Any] | None = None) -> Reply:
        """A call with the session's token; an expired session is renewed once."""
        for attempt in (0, 1):
            token = self.session().jwt
            try:
                return self.http.call(method, f"/xrpc/{nsid}", what=what, json_body=body, query=query,
                                      headers={"Authorization": f"Bearer {token}"})
            except PermanentError as err:
                if attempt or not (isinstance(err, SessionExpired) or err.status == 401):
                    raise
                with _LOCK:
                    _SESSIONS.pop(self._key, None)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ readiness

    def _check(self) -> Readiness:
        """A fresh `com.atproto.server.createSession` proves the app password itself (a cached
        session could outlive its revocation: 401 AuthenticationRequired), then
        `com.atproto.server.getSession` says whether the account is active (`active: false` with
        `status` takendown, suspended or deactivated). App passwords do not expire (the access
        JWT's two hours are the session's, renewed as needed); pinning writes the account's own
        profile record, which any app password may."""
        with _LOCK:
            _SESSIONS.pop(self._key, None)
        reply = self.xrpc("GET", "com.atproto.server.getSession", "readiness check")
        data = reply.data if isinstance(reply.data, dict) else {}
        if data.get("active") is False:
            return unready(ReadinessProblem.PERMISSION,
                           f"the Bluesky account {data.get('handle') or ''} is {data.get('status') or 'not active'}")
        return ready(can_pin=True)

    def _refused(self, error: ChannelError) -> bool:
        return super()._refused(error) or isinstance(error, SessionExpired)

    # ------------------------------------------------------------------ posts

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        record: dict[str, Any] = {"$type": POST, "text": part.text, "createdAt": _now(),
                                  "langs": [rendering.language]}
        if part.facets:
            record["facets"] = part.facets
        if parent is not None and root is not None:
            record["reply"] = {"root": self._strong(root), "parent": self._strong(parent)}
        reply = self.xrpc("POST", "com.atproto.repo.createRecord", "post",
                          body={"repo": self.session().did, "collection": POST, "record": record})
        return self._ref(str(reply.need("uri")), str(reply.need("cid")))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.xrpc("POST", "com.atproto.repo.deleteRecord", "delete",
                  body={"repo": self.session().did, "collection": POST, "rkey": rkey(part_id)})

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        did = self.session().did
        query: dict[str, Any] = {"actor": did, "limit": self.timeline_page, "filter": "posts_with_replies"}
        if older:
            query["cursor"] = older
        reply = self.xrpc("GET", "app.bsky.feed.getAuthorFeed", "timeline", query=query)
        data = reply.data if isinstance(reply.data, dict) else {}
        feed = json_list(data, "feed")
        posts = [item.get("post") for item in feed if isinstance(item, dict) and not item.get("reason")]
        return TimelinePage([(self._ref(str(p["uri"]), str(p.get("cid", ""))),
                              str((p.get("record") or {}).get("text", "")),
                              epoch((p.get("record") or {}).get("createdAt") or p.get("indexedAt")))
                             for p in posts if isinstance(p, dict) and p.get("uri")
                             and (p.get("author") or {}).get("did", did) == did],
                            older=str(data["cursor"]) if data.get("cursor") else None)

    def _ref(self, uri: str, cid: str) -> PostRef:
        handle = self.settings.get("handle") or self.session().handle
        return PostRef(post_id=uri, url=self.post_url(f"https://bsky.app/profile/{handle}/post/{rkey(uri)}", uri),
                       extra={"cid": cid} if cid else {})

    def _strong(self, ref: PostRef) -> dict[str, str]:
        """uri + cid; the cid is looked up when the ref came back from storage without it."""
        cid = ref.extra.get("cid")
        if not cid:
            reply = self.xrpc("GET", "com.atproto.repo.getRecord", "post lookup",
                              query={"repo": self.session().did, "collection": POST, "rkey": rkey(ref.post_id)})
            cid = str(reply.need("cid"))
        return {"uri": ref.post_id, "cid": cid}

    # ------------------------------------------------------------------ the pinned post

    def pin(self, post: PostRef, previous: PostRef | None = None) -> None:
        """One write replaces the old pin: there is never a moment without one."""
        target = self._strong(post)
        self._change_pinned(lambda current: target, "pin")

    def _unpin(self, post: PostRef) -> None:
        # Only if it is still ours to unpin: a newer pin stays.
        self._change_pinned(lambda cur: None if cur and cur.get("uri") == post.post_id else cur, "unpin")

    def _change_pinned(self, change: Callable[[dict[str, Any] | None], dict[str, Any] | None], what: str) -> None:
        for attempt in (0, 1):
            value, cid = self._profile()
            current = value.get("pinnedPost")
            wanted = change(current)
            if wanted == current:
                return
            record = {k: v for k, v in value.items() if k != "pinnedPost"}
            if wanted is not None:
                record["pinnedPost"] = wanted
            # swapRecord null: "there must be no profile yet", so a concurrent first write is kept too.
            body = {"repo": self.session().did, "collection": PROFILE, "rkey": "self", "record": record,
                    "swapRecord": cid}
            try:
                self.xrpc("POST", "com.atproto.repo.putRecord", what, body=body)
                return
            except InvalidSwap:
                if attempt:
                    raise RetryableError("Bluesky: the profile changed twice while Clarion was "
                                         f"updating its pinned post ({what}); try again") from None

    def _profile(self) -> tuple[dict[str, Any], str | None]:
        """The whole profile record and its cid (an account may not have one yet)."""
        try:
            reply = self.xrpc("GET", "com.atproto.repo.getRecord", "profile read",
                              query={"repo": self.session().did, "collection": PROFILE, "rkey": "self"})
        except GoneError:
            return {"$type": PROFILE}, None
        value = reply.need("value")
        if not isinstance(value, dict):
            raise reply.unexpected("with a profile that is not an object")
        return dict(value), str(reply.need("cid"))


def rkey(uri: str) -> str:
    """at://did/collection/rkey -> rkey."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# -- rendering: 300 graphemes and 3000 UTF-8 bytes; links and hashtags as facets ---------------------------
def facets(text: str, link: str, shown: str, hashtags: Sequence[str]) -> list[dict[str, Any]]:
    """Rich-text facets with UTF-8 byte offsets: the link (shown short) and each hashtag."""
    found = []
    encoded = text.encode("utf-8")
    if link and shown:
        start = encoded.find(shown.encode("utf-8"))
        if start >= 0:
            found.append({"index": {"byteStart": start, "byteEnd": start + len(shown.encode("utf-8"))},
                          "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}]})
    for tag in hashtags:
        for match in re.finditer(re.escape(f"#{tag}".encode()) + rb"(?![\w])", encoded):
            found.append({"index": {"byteStart": match.start(), "byteEnd": match.end()},
                          "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]})
    return found


# -- an account's settings and credentials, as BlueskyChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret  # noqa: E402


class BlueskySettings(HttpSettings):
    """`handle` makes the post links (bsky.app/profile/<handle>/...; the session's when absent)."""

    handle: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]{1,252}$")


class BlueskyCredentials(PlatformCredentials):
    """The account's identifier (handle, e-mail or DID) and an app password (never the account's
    own password): com.atproto.server.createSession."""

    identifier: Secret
    app_password: Secret


SPECS = (PlatformSpec(
    "bluesky", adapter=BlueskyChannel, grants=(Grant.SECRETS,),
    settings=BlueskySettings, credentials=BlueskyCredentials,
    queue=Queue(max_concurrency=2),  # a points budget per account, like Mastodon's
    profile=PostProfile(template="channels/bluesky.j2", unit="graphemes", threads=True, short_link=True,
                        facets=facets,
                        limits=lambda account: [Limit(300, m.graphemes, m.graphemes),
                                                Limit(3000, m.utf8_bytes, m.utf8_bytes)])),)
