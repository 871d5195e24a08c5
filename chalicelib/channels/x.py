"""X (API v2): POST /2/tweets, threads as replies, edits via `edit_options`, no pin API.

Errors are RFC 7807 problems: `{"title", "detail", "type", "status", "errors": [{"message"}]}`;
429 carries `x-rate-limit-reset` (epoch seconds). An edit makes a new post id (30 minutes,
5 edits at most). X has no endpoint to pin: `pin_by_hand` tells the worker to ask a person.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, UTC
from functools import lru_cache
from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, json_list, json_object, seg
from chalicelib.channels.port import Capabilities, PostRef, ready, unready
from chalicelib.domain.models import Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec, Queue
from chalicelib.rendering import measure as m
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import PostProfile, fixed


def inspect_reply(reply: Reply) -> Complaint | None:
    if 200 <= reply.status < 300 or not isinstance(reply.data, dict):
        return None
    problems = reply.data.get("errors")
    listed = [str(e.get("message") or e.get("detail")) for e in problems if isinstance(e, dict)] \
        if isinstance(problems, list) else []
    detail = reply.data.get("detail") or reply.data.get("title")
    message = "; ".join(m for m in listed if m and m != "None") or (str(detail) if detail else "")
    return Complaint(message=message)


class XChannel(HttpChannel):
    platform = "X"
    default_base_url = "https://api.x.com"
    capabilities = Capabilities(pin_by_hand=True, can_edit=True, can_delete=True, threads=True, can_find=True)
    inspect = staticmethod(inspect_reply)

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        # An OAuth 2.0 user-context access token with tweet.read, tweet.write and users.read.
        return {"Authorization": f"Bearer {self.secret(credentials, 'access_token')}"}

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        body: dict[str, Any] = {"text": part.text}
        if parent is not None:
            body["reply"] = {"in_reply_to_tweet_id": parent.post_id}
        return self._ref(self.http.call("POST", "/2/tweets", what="post", json_body=body))

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        body = {"text": part.text, "edit_options": {"previous_post_id": part_id}}
        return self._ref(self.http.call("POST", "/2/tweets", what="edit", json_body=body))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.http.call("DELETE", f"/2/tweets/{seg(part_id)}", what="delete")

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"max_results": self.timeline_page, "tweet.fields": "created_at"}
        if since is not None:  # X leaves older posts out itself
            query["start_time"] = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if older:
            query["pagination_token"] = older
        reply = self.http.call("GET", f"/2/users/{seg(self._user_id())}/tweets", what="timeline", query=query)
        data = reply.data if isinstance(reply.data, dict) else {}
        tweets, meta = json_list(data, "data"), json_object(data, "meta")
        return TimelinePage([(self._ref_of(str(t["id"])), str(t.get("text", "")), epoch(t.get("created_at")))
                             for t in tweets if isinstance(t, dict) and t.get("id")],
                            older=str(meta["next_token"]) if meta.get("next_token") else None)

    def _user_id(self) -> str:
        return self.looked_up("user_id", "/2/users/me", "data", "id")

    def _ref(self, reply: Reply) -> PostRef:
        return self._ref_of(str(reply.need("data", "id")))

    def _ref_of(self, post_id: str) -> PostRef:
        handle = self.settings.get("handle", "i/web")
        return PostRef(post_id=post_id,
                       url=self.post_url(f"https://x.com/{str(handle).lstrip('@')}/status/{post_id}", post_id))

    def _check(self) -> Readiness:
        """`GET /2/users/me`: the token works (401: revoked or invalid; 403: the user or the app
        is suspended or not allowed the endpoint) and is the account's own user. X reports no
        expiry there and has no pin API: `can_pin` is False, a person pins each advisory."""
        me = str(self.http.call("GET", "/2/users/me", what="readiness check").need("data", "id"))
        expected = self.settings.get("user_id")
        if expected and str(expected) != me:
            return unready(ReadinessProblem.CONFIGURATION,
                           f"the token is X user {me}'s, not this account's user_id {expected}")
        return ready(can_pin=False, note="ready; X has no pin API: each advisory is pinned by hand")


# -- counting: twitter-text v3 weighted length ---------------------------------------------------------
def weighted_length(text: str) -> int:
    """twitter-text v3 weighted length, as `twitter_text.parse_tweet` computes it, but fast.

    Weights add up across spaces and newlines (URLs and emoji never span them, and ASCII
    separators weigh 1), so each token is weighed once and cached; parse_tweet (whose emoji
    scan costs milliseconds) only ever sees tokens with non-ASCII characters in them.
    tests/test_measure.py checks this against parse_tweet on arbitrary Unicode.
    """
    if "\r" in text or CONTEXT_SENSITIVE.search(text):
        # parse_tweet rewrites line endings; control and direction characters change whether
        # the next word can start a URL: measure such (rare) text whole
        return _parse_tweet(text)
    tokens = TOKEN_SEPARATOR.split(text)
    return sum(_x_token(t) for t in tokens) + len(tokens) - 1


TOKEN_SEPARATOR = re.compile(r"[ \n]")
CONTEXT_SENSITIVE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@lru_cache(maxsize=16384)
def _x_token(token: str) -> int:
    if not token.isascii():
        return _parse_tweet(token)
    if "." not in token:  # no URL without a dot: every ASCII character weighs 1
        return len(token)
    from twitter_text import extract_urls_with_indices

    spans: list[list[int]] = [u["indices"] for u in extract_urls_with_indices(token)]  # [start, end]
    return len(token) - sum(end - start for start, end in spans) + m.URL_WEIGHT * len(spans)


def _parse_tweet(text: str) -> int:
    from twitter_text import parse_tweet  # the reference implementation

    return int(parse_tweet(text).weightedLength)


DOT_THEN_TEXT = re.compile(r"\.[^\s.]")  # every URL has one
# twitter-text v3: code points in these ranges weigh 1, all others 2; © and ® are emoji (2).
HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]|[\u00a9\u00ae]")


def weighted_estimate(text: str) -> int:
    """Never below `weighted_length`, and fast (all counting in C).

    A line that is just a link is measured exactly (cached: templates put the advisory's link
    on a line of its own, and weights add up across lines). Elsewhere every code point counts
    at its full weight, plus 23 for every dot followed by text (every URL has one), in case
    twitter-text sees a URL there.
    """
    weight = 0
    for line in text.split("\n"):
        if m.SINGLE_URL.fullmatch(line):
            weight += _x_token(line)
        else:
            line = unicodedata.normalize("NFC", line)
            weight += len(line) + len(HEAVY.findall(line)) + m.URL_WEIGHT * len(DOT_THEN_TEXT.findall(line))
    return weight + text.count("\n")


# -- an account's settings and credentials, as XChannel reads them (the admin API validates with these) --
from pydantic import Field  # noqa: E402  (with the models below, which load with this module only)

from chalicelib.channels.account_settings import HttpSettings, PlatformCredentials, Secret  # noqa: E402


class XSettings(HttpSettings):
    """`handle` makes the post links (x.com/<handle>/status/<id>; x.com/i/web/status/<id> without
    it); `user_id`, the account's numeric id, spares a /2/users/me lookup before a reconcile."""

    handle: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_]{1,15}$")
    user_id: str | None = Field(default=None, pattern=r"^[0-9]{1,20}$")


class XCredentials(PlatformCredentials):
    """An OAuth 2.0 user-context access token with tweet.read, tweet.write and users.read."""

    access_token: Secret


SPECS = (PlatformSpec(
    "x", adapter=XChannel, grants=(Grant.SECRETS,), settings=XSettings, credentials=XCredentials,
    # X's free tier is tiny: one post per invocation, two at a time, keeps us clear of 429s.
    queue=Queue(batch_size=1, max_concurrency=2),
    profile=PostProfile(template="channels/x.j2", unit="weighted characters", threads=True,
                        limits=fixed(280, weighted_length, weighted_estimate))),)
