"""The channel port: what the delivery worker asks of every platform adapter.

Errors are classified so the worker knows what to do next:
- RetryableError: nothing was posted (5xx before acceptance, connection refused, 429); try
  again, no earlier than `retry_after_s` when the platform said so.
- AmbiguousError: the request was sent and we do not know if it landed (timeout after send);
  reconcile (find the post) before any re-post.
- PermanentError: retrying will not help (bad credentials, validation); `message` says what
  to fix.

`check()` asks the platform's own "who am I / what may I do" endpoints, never posting, and
answers a `Readiness`; what it could not ask is classified by `readiness_of` (see there).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.domain.models import Readiness, ReadinessProblem
from chalicelib.rendering.model import Rendering


class ChannelError(Exception):
    # Set when a thread failed part-way: the parts that did land (re-posting would repeat them).
    posted: PostRef | None = None

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class RetryableError(ChannelError):
    def __init__(self, message: str, *, status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


class AmbiguousError(ChannelError):
    pass


class PermanentError(ChannelError):
    pass


class GoneError(PermanentError):
    """The post (or pin) is not there: deleting or unpinning it again is a success."""


@dataclass(frozen=True)
class Capabilities:
    can_pin: bool = False
    pin_by_hand: bool = False       # X: no pin API, the delivery records a task for a person
    can_edit: bool = False
    can_delete: bool = False
    idempotent: bool = False        # the platform honours our idempotency key
    threads: bool = False
    max_pins: int | None = None
    # find(marker) can look through the account's posts. Where it cannot (Telegram bots cannot
    # read a channel's history; SMS and e-mail are fire-and-forget), an ambiguous outcome
    # cannot be reconciled by the machine: a person must check before anything is re-sent.
    can_find: bool = False


@dataclass(frozen=True)
class PostRef:
    """Where a post landed. For a thread, `post_id` is the first part and `part_ids` all of them."""

    post_id: str
    url: str | None = None
    part_ids: tuple[str, ...] = field(default_factory=tuple)
    # Platform-specific handles needed later (Bluesky cid, Telegram chat id, Slack channel ...).
    extra: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    capabilities: Capabilities

    def publish(self, rendering: Rendering, idempotency_key: str,
                reply_to: PostRef | None = None) -> PostRef:
        """Post it; where the platform has threads, `reply_to` makes it a reply to that post."""
        ...
    def pin(self, post: PostRef, previous: PostRef | None = None) -> None:
        """Pin `post`, then unpin `previous` (never a gap without a pinned advisory)."""
        ...
    def unpin(self, post: PostRef) -> None: ...
    def edit(self, post: PostRef, rendering: Rendering) -> PostRef: ...
    def delete(self, post: PostRef) -> None: ...
    def find(self, marker: str, since: datetime | None = None) -> PostRef | None:
        """The account's post carrying `marker`, if any, searching back to `since` (reconciling
        an ambiguous post). PermanentError when the search cannot get back that far."""
        ...
    def permalink(self, post: PostRef) -> str | None:
        """The post's public link. Platforms whose post call does not return one (Slack) are asked
        after the post is recorded as sent, so the extra call never delays or fails a delivery."""
        ...
    def check(self) -> Readiness:
        """Whether this account can be posted to now, asked of the platform WITHOUT posting: its
        identity and permission endpoints (pins too), and the token's expiry where it says."""
        ...


# -- readiness: what a check found, and what a failed check means ---------------------------------
CREDENTIALS_REFUSED = "token revoked or invalid"
UNAVAILABLE = "platform unavailable"


def ready(can_pin: bool | None, note: str = "", expires_at: datetime | None = None) -> Readiness:
    return Readiness(healthy=True, reason=note or "ready", can_pin=can_pin, token_expires_at=expires_at)


def unready(problem: ReadinessProblem, reason: str, can_pin: bool | None = None,
            expires_at: datetime | None = None) -> Readiness:
    return Readiness(healthy=False, problem=problem, reason=reason[:500], can_pin=can_pin,
                     token_expires_at=expires_at)


def readiness_of(error: ChannelError, credentials: bool = False) -> Readiness:
    """A check that failed, classified (`credentials`: the adapter recognised its platform's way
    of refusing a token, which is not always a 401):

    - refused credentials                -> credentials   "token revoked or invalid: ..."
    - 5xx, 429, timeout, unreachable      -> unavailable   "platform unavailable: ..." (no verdict on
      the token: on-call is not paged and an earlier finding's page is not cleared)
    - 403                                 -> permission    the token works but may not do this
    - anything else refused (404, a wrong setting, no secret) -> configuration
    """
    message = error.message
    if credentials:
        return unready(ReadinessProblem.CREDENTIALS, f"{CREDENTIALS_REFUSED}: {message}")
    if isinstance(error, (RetryableError, AmbiguousError)):
        return unready(ReadinessProblem.UNAVAILABLE, f"{UNAVAILABLE}: {message}")
    if error.status == 403:
        return unready(ReadinessProblem.PERMISSION, f"not permitted: {message}")
    return unready(ReadinessProblem.CONFIGURATION, message)


def idempotency_key(advisory_id: str, content_hash: str, channel_account: str) -> str:
    """The key for one version of one advisory on one channel account: the same inputs give the
    same key, so a redelivered message is recognised by platforms that honour it."""
    digest = hashlib.sha256(f"{advisory_id}|{content_hash}|{channel_account}".encode()).hexdigest()
    return f"clarion-{digest[:40]}"
