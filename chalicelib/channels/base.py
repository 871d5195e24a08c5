"""What every social-platform adapter does the same way, written once.

An adapter supplies a handful of primitives (post one part, edit one part, delete one part,
pin, unpin, list recent posts); `SocialChannel` turns them into the `Channel` port: threads as
reply chains, edits part by part, pin rotation (pin the new post first, then unpin the old one,
so there is never a moment without a pinned advisory) and reconciliation by marker.
"""
from __future__ import annotations

import contextlib
import hashlib
import html
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import Any
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from chalicelib.channels.http import (HttpClient, Inspector, Timeouts, no_complaint, redact,
                                      secret_values)
from chalicelib.channels.port import (AmbiguousError, Capabilities, ChannelError, GoneError,
                                      PermanentError, PostRef, RetryableError, readiness_of)
from chalicelib.domain.models import Readiness
from chalicelib.rendering.model import Part, Rendering


# A reconcile pages back through the account's timeline until it passes the attempt's time;
# past this many pages (1,000 posts on most platforms) it stops and a person is asked to check.
SEARCH_PAGES = 10
PAGE_TRIES = 4           # a page read again after a 5xx, 429 or timeout, at once or nearly
PAGE_WAIT_MAX_S = 1.0    # longer waits are the delivery's retry, not the search's


@dataclass
class TimelinePage:
    """Some of an account's posts, newest first, and the cursor to the page of older ones."""

    posts: list[tuple[PostRef, str, float | None]] = field(default_factory=list)  # ref, text, epoch s
    older: str | None = None  # None: no older posts

    def reaches(self, since: float | None) -> bool:
        """Whether this page goes back to `since` (a post at or before it, or the timeline's end)."""
        return (self.older is None or since is None
                or any(at is not None and at <= since for _, _, at in self.posts))


def epoch(value: Any) -> float | None:
    """A platform's timestamp (ISO 8601, Graph's +0000 form, or epoch seconds) as epoch seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    text = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):  # Graph: 2026-11-24T04:12:00+0000
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def part_key(key: str, index: int) -> str:
    """Part 0 keeps the caller's key; later parts get their own, derived from it."""
    return key if index == 0 else f"{key}-{index}"


def short_nonce(key: str, size: int = 25) -> str:
    """A deterministic nonce of at most `size` characters (Discord allows 25)."""
    return hashlib.sha256(key.encode()).hexdigest()[:size]


def joined(parts: Sequence[Part]) -> list[Part]:
    """Platforms without threads get the parts as one post, in order."""
    if len(parts) <= 1:
        return list(parts)
    text = "\n\n".join(p.text for p in parts)
    return [Part(text=text, length=len(text))]


_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """Text as a person reads it: platforms linkify hashtags (Mastodon) or escape &<> (Slack)."""
    return html.unescape(_TAG.sub("", markup))


def combine(refs: Sequence[PostRef]) -> PostRef:
    """One PostRef for a thread: the first part's id and URL, every part's id."""
    first = refs[0]
    return PostRef(post_id=first.post_id, url=first.url,
                   part_ids=tuple(r.post_id for r in refs), extra=dict(first.extra))


def require(values: Mapping[str, Any], name: str, account: str, where: str = "settings") -> Any:
    value = values.get(name)
    if value is None or (isinstance(value, (str, list, dict)) and not value):
        raise PermanentError(f"Channel account {account} has no `{name}` in its {where}")
    return value


class SocialChannel:
    """The Channel port on top of per-part primitives. Subclasses set `platform` and `capabilities`."""

    platform = "platform"
    capabilities = Capabilities()

    # ------------------------------------------------------------------ primitives (override)

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        raise NotImplementedError

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        raise PermanentError(f"{self.platform} posts cannot be edited")

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        raise PermanentError(f"{self.platform} posts cannot be deleted through its API")

    def _pin(self, post: PostRef) -> None:
        raise PermanentError(f"{self.platform} has no pin API")

    def _unpin(self, post: PostRef) -> None:
        raise PermanentError(f"{self.platform} has no pin API")

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        """One page of the account's posts, newest first: the newest page when `older` is None,
        else the page that cursor names. `since` (epoch s) lets a platform skip older posts."""
        return TimelinePage()

    # ------------------------------------------------------------------ the port

    def parts(self, rendering: Rendering) -> list[Part]:
        return list(rendering.parts) if self.capabilities.threads else joined(rendering.parts)

    def publish(self, rendering: Rendering, idempotency_key: str,
                reply_to: PostRef | None = None) -> PostRef:
        """Post the parts as a thread; with `reply_to` (and threads), the thread continues that post."""
        parts = self.parts(rendering)
        if not parts:  # blank text is the platform's to refuse (a cleared banner is blank)
            raise PermanentError(f"Nothing to post to {self.platform}: the rendering has no parts")
        earlier = reply_to if self.capabilities.threads else None
        last_of_earlier = (PostRef(post_id=earlier.part_ids[-1], url=earlier.url, extra=earlier.extra)
                           if earlier and earlier.part_ids else earlier)
        posted: list[PostRef] = []
        for index, part in enumerate(parts):
            parent = posted[-1] if posted else last_of_earlier
            root = earlier or (posted[0] if posted else None)
            try:
                posted.append(self._post(rendering, part, index, parent, root,
                                         part_key(idempotency_key, index)))
            except ChannelError as err:
                raise _partial(err, posted, len(parts)) from None  # never chain: a cause may carry a token
        return combine(posted)

    def edit(self, post: PostRef, rendering: Rendering) -> PostRef:
        """Edit the parts in place; post extra parts as replies; delete parts no longer needed."""
        if not self.capabilities.can_edit:
            raise PermanentError(f"{self.platform} posts cannot be edited; delete and post again")
        parts = self.parts(rendering)
        ids = list(post.part_ids or (post.post_id,))
        done = [self._edit_part(post, pid, rendering, part, i)
                for i, (pid, part) in enumerate(zip(ids, parts, strict=False))]
        for index in range(len(done), len(parts)):
            key = f"edit-{short_nonce(post.post_id + parts[index].text, 32)}"
            done.append(self._post(rendering, parts[index], index, done[-1], done[0], key))
        for pid in reversed(ids[len(parts):]):
            self._delete_quietly(post, pid)
        return combine(done)

    def delete(self, post: PostRef) -> None:
        """Replies first, so a thread never dangles; a part already gone is fine."""
        if not self.capabilities.can_delete:
            raise PermanentError(f"{self.platform} posts cannot be deleted through its API")
        for pid in reversed(post.part_ids or (post.post_id,)):
            self._delete_quietly(post, pid)

    def pin(self, post: PostRef, previous: PostRef | None = None) -> None:
        if not self.capabilities.can_pin:
            return  # X: the delivery records a "pin by hand" task instead
        self._pin(post)
        if previous is not None and previous.post_id != post.post_id:
            self.unpin(previous)

    def unpin(self, post: PostRef) -> None:
        if not self.capabilities.can_pin:
            return
        with contextlib.suppress(GoneError):  # deleted or already unpinned: the goal is reached
            self._unpin(post)

    def permalink(self, post: PostRef) -> str | None:
        return post.url

    def find(self, marker: str, since: datetime | None = None) -> PostRef | None:
        """The post(s) carrying `marker`, oldest part first, among the account's posts back to
        `since` (the latest attempt, less a margin for clocks), page after page. A search that
        cannot get back that far is a PermanentError: only a person can say it is not there."""
        if not marker or not self.capabilities.can_find:
            return None
        cutoff = since.timestamp() if since is not None else None
        hits: list[PostRef] = []
        older: str | None = None
        for _ in range(SEARCH_PAGES):
            page = self._read_page(older, cutoff)
            hits += [ref for ref, text, _ in page.posts if marker in plain_text(text)]
            if page.reaches(cutoff):
                return combine(hits[::-1]) if hits else None
            older = page.older
        if hits:
            return combine(hits[::-1])
        raise PermanentError(f"{SEARCH_PAGES} pages of {self.platform} posts did not reach back to the "
                             f"attempt, and {marker!r} was not among them")

    def _read_page(self, older: str | None, since: float | None) -> TimelinePage:
        """A timeline page, asked again after a transient failure: a read repeats safely, and a
        search of several pages should not start over for one 503."""
        for attempt in range(1, PAGE_TRIES + 1):
            try:
                return self._timeline(older, since)
            except (RetryableError, AmbiguousError) as error:
                if attempt == PAGE_TRIES:
                    raise
                wait = getattr(error, "retry_after_s", None)
                time.sleep(min(wait if wait is not None else 0.2 * attempt, PAGE_WAIT_MAX_S))
        raise AssertionError("unreachable")

    def _delete_quietly(self, post: PostRef, part_id: str) -> None:
        with contextlib.suppress(GoneError):
            self._delete_part(post, part_id)

    # ------------------------------------------------------------------ readiness (never posts)

    def check(self) -> Readiness:
        """The platform's own answer to "who am I, what may I do" (`_check`); a call that failed
        is classified by `readiness_of`, with this platform's way of refusing a token."""
        try:
            return self._check()
        except ChannelError as error:
            return readiness_of(error, credentials=self._refused(error))

    def _check(self) -> Readiness:
        raise NotImplementedError(f"{self.platform} has no readiness check")

    def _refused(self, error: ChannelError) -> bool:
        """Whether `error` is the platform refusing the credentials (revoked, expired, invalid).
        HTTP 401 everywhere; platforms that say it otherwise (Slack in a 200, Graph code 190,
        Telegram's 404 for a malformed token) add their own signs."""
        return error.status == 401


def _partial(err: ChannelError, posted: list[PostRef], total: int) -> ChannelError:
    """Say which parts of a thread landed, so nobody posts them twice."""
    if posted:
        err.posted = combine(posted)
        err.message = f"{err.message} (after {len(posted)} of {total} thread parts were posted)"
        err.args = (err.message,)
    return err


class HttpChannel(SocialChannel):
    """A SocialChannel that talks HTTP to one account: builds the client, registers the secrets."""

    default_base_url = ""
    inspect: Inspector = staticmethod(no_complaint)
    timeline_page = 100  # posts per timeline call: the most the platform allows (Mastodon: 40)

    def __init__(self, account_id: str, settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
        redact.add(secret_values(credentials))
        self.account_id = account_id
        self.settings = settings
        base_url = settings.get("base_url") or self.default_base_url
        self.http = HttpClient(self.platform, base_url, type(self).inspect,
                               headers=self.auth_headers(credentials),
                               timeouts=Timeouts.from_settings(settings))

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        return {}

    def post_url(self, site_url: str | None, post_id: str) -> str | None:
        """Where a person opens the post: the platform's site, unless the account's settings
        name another page (`post_url` with `{post_id}`: a sandbox account's own pages)."""
        template = self.settings.get("post_url")
        return str(template).replace("{post_id}", quote(post_id, safe="")) if template else site_url

    def secret(self, credentials: Mapping[str, Any], name: str) -> str:
        return str(require(credentials, name, self.account_id, "credentials"))

    def setting(self, name: str) -> Any:
        return require(self.settings, name, self.account_id)

    def looked_up(self, name: str, path: str, *field: str) -> str:
        """A setting (the account's own id), or else asked of the platform once."""
        if not self.settings.get(name):
            reply = self.http.call("GET", path, what="account lookup")
            self.settings = {**self.settings, name: str(reply.need(*field))}
        return str(self.settings[name])
