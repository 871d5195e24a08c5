"""Mastodon (REST API v1): statuses, Idempotency-Key, pins (at most 5), threads as replies.

Errors are `{"error": "Validation failed: Text character limit of 500 exceeded"}` (422);
429 comes with `X-RateLimit-Reset` as an ISO 8601 time.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, error_field, seg
from chalicelib.channels.port import Capabilities, PermanentError, PostRef, ready, unready
from chalicelib.domain.models import ChannelAccount, Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec, Queue
from chalicelib.rendering import measure as m
from chalicelib.rendering.fit import Limit
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile


def inspect_reply(reply: Reply) -> Complaint | None:
    if 200 <= reply.status < 300:
        return None
    message = error_field(reply, "error_description", "error")
    return Complaint(message=message.removeprefix("Validation failed: "))


class MastodonChannel(HttpChannel):
    platform = "Mastodon"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True,
                                threads=True, max_pins=5, can_find=True)
    inspect = staticmethod(inspect_reply)
    timeline_page = 40

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret(credentials, 'access_token')}"}

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        body: dict[str, Any] = {"status": part.text, "language": _language(rendering),
                                "visibility": self.settings.get("visibility", "public")}
        if parent is not None:
            body["in_reply_to_id"] = parent.post_id
        reply = self.http.call("POST", "/api/v1/statuses", what="post", json_body=body,
                               headers={"Idempotency-Key": key})
        return _ref(reply)

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        reply = self.http.call("PUT", f"/api/v1/statuses/{seg(part_id)}", what="edit",
                               json_body={"status": part.text, "language": _language(rendering)})
        return _ref(reply)

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.http.call("DELETE", f"/api/v1/statuses/{seg(part_id)}", what="delete")

    def _pin(self, post: PostRef) -> None:
        self.http.call("POST", f"/api/v1/statuses/{seg(post.post_id)}/pin", what="pin")

    def _unpin(self, post: PostRef) -> None:
        self.http.call("POST", f"/api/v1/statuses/{seg(post.post_id)}/unpin", what="unpin")

    def pin(self, post: PostRef, previous: PostRef | None = None) -> None:
        """With five posts already pinned Mastodon refuses another: then unpin the old one first."""
        try:
            super().pin(post, previous)
        except PermanentError as err:
            if previous is None or "pinned" not in err.message.lower():
                raise
            self.unpin(previous)
            self._pin(post)

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"limit": self.timeline_page}
        if older:
            query["max_id"] = older
        reply = self.http.call("GET", f"/api/v1/accounts/{seg(self._me())}/statuses", what="timeline", query=query)
        statuses = [s for s in (reply.data if isinstance(reply.data, list) else [])
                    if isinstance(s, dict) and s.get("id")]
        return TimelinePage([(_ref_of(s), str(s.get("content", "")), epoch(s.get("created_at"))) for s in statuses],
                            older=str(statuses[-1]["id"]) if len(statuses) >= self.timeline_page else None)

    def _me(self) -> str:
        return self.looked_up("account_id", "/api/v1/accounts/verify_credentials", "id")

    def _check(self) -> Readiness:
        """`GET /api/v1/accounts/verify_credentials`: the token works (401: revoked or invalid;
        403: the account is suspended or disabled) and is this account's. Mastodon tokens do not
        expire, and it does not say which scopes a token holds: pinning needs `write:accounts`,
        so `can_pin` stays unknown (a token without it shows as a failed pin on the delivery)."""
        me = self.http.call("GET", "/api/v1/accounts/verify_credentials", what="readiness check")
        found, expected = str(me.need("id")), self.settings.get("account_id")
        if expected and str(expected) != found:
            return unready(ReadinessProblem.CONFIGURATION,
                           f"the token is account {found}'s, not this account's account_id {expected}")
        if isinstance(me.data, dict) and (me.data.get("suspended") or me.data.get("moved")):
            return unready(ReadinessProblem.PERMISSION, f"@{me.data.get('acct')} is suspended or has moved")
        return ready(can_pin=None, note="ready; Mastodon does not say whether the token may pin (write:accounts)")


def _language(rendering: Rendering) -> str:
    return rendering.language.split("-")[0]  # Mastodon wants ISO 639-1, not en-US


def _ref(reply: Reply) -> PostRef:
    reply.need("id")
    return _ref_of(reply.data)


def _ref_of(status: Mapping[str, Any]) -> PostRef:
    return PostRef(post_id=str(status["id"]), url=status.get("url") or status.get("uri"))


# -- counting: as Mastodon's StatusLengthValidator ---------------------------------------------------------
def status_length(text: str) -> int:
    """Graphemes, each http(s) URL counted as 23 (twitter-text's URL extraction, as Mastodon uses).

    URLs never span a newline, so lines are counted separately (and cached).
    """
    if "\r" in text:
        return _mastodon_text(text)
    lines = text.split("\n")
    return sum(_mastodon_line(line) for line in lines) + len(lines) - 1


def _mastodon_text(text: str) -> int:
    if "http" not in text.lower():
        return m.graphemes(text)
    from twitter_text import extract_urls_with_indices

    urls = [u for u in extract_urls_with_indices(text) if re.match(r"https?://", u["url"], re.I)]
    out, last = [], 0
    for u in urls:
        start, end = u["indices"]
        out.append(text[last:start])
        out.append("_" * m.URL_WEIGHT)  # any one grapheme, 23 times
        last = end
    out.append(text[last:])
    return m.graphemes("".join(out))


@lru_cache(maxsize=16384)
def _mastodon_line(line: str) -> int:
    return _mastodon_text(line)


def status_estimate(text: str) -> int:
    """Never below `status_length`; a line that is just a link is measured exactly (cached)."""
    lines = text.split("\n")
    total = len(lines) - 1
    for line in lines:
        if m.SINGLE_URL.fullmatch(line):
            total += _mastodon_line(line)
        else:
            total += m.graphemes(line) + m.URL_WEIGHT * len(m.HTTP_URL.findall(line))
    return total


def _limits(account: ChannelAccount) -> list[Limit]:
    """500 on most servers; an account on a server that allows more says so in its settings."""
    return [Limit(int(account.settings.get("max_characters", 500)), status_estimate, status_length)]


# -- an account's settings and credentials, as MastodonChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret, WebAddress  # noqa: E402


class MastodonSettings(HttpSettings):
    """The account's server (`base_url`, required: there is no one Mastodon), its character limit
    (500 when absent), the posts' visibility (public when absent) and the account's id (looked
    up with verify_credentials when absent)."""

    base_url: WebAddress
    max_characters: int | None = Field(default=None, ge=1, le=100_000)
    visibility: str | None = Field(default=None, pattern=r"^(public|unlisted|private|direct)$")
    account_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,40}$")


class MastodonCredentials(PlatformCredentials):
    """An access token of an application on that server with read and write:statuses scopes."""

    access_token: Secret


SPECS = (PlatformSpec(
    "mastodon", adapter=MastodonChannel, grants=(Grant.SECRETS,),
    settings=MastodonSettings, credentials=MastodonCredentials,
    queue=Queue(max_concurrency=2),  # 300 requests / 5 min per account
    profile=PostProfile(template="channels/mastodon.j2", unit="graphemes (URLs count 23)", limits=_limits,
                        threads=True)),)
