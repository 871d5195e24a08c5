"""The channel port: what the delivery worker asks of every platform adapter.

Errors are classified so the worker knows what to do next:
- RetryableError: nothing was posted (5xx before acceptance, connection refused, 429); try
  again, no earlier than `retry_after_s` when the platform said so.
- AmbiguousError: the request was sent and we do not know if it landed (timeout after send);
  reconcile (find the post) before any re-post.
- PermanentError: retrying will not help (bad credentials, validation); `message` says what
  to fix.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol

from chalicelib.rendering.model import Rendering


class ChannelError(Exception):
    def __init__(self, message: str, *, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class RetryableError(ChannelError):
    def __init__(self, message: str, *, status: Optional[int] = None,
                 retry_after_s: Optional[float] = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


class AmbiguousError(ChannelError):
    pass


class PermanentError(ChannelError):
    pass


@dataclass(frozen=True)
class Capabilities:
    can_pin: bool = False
    pin_by_hand: bool = False       # X: no pin API, the delivery records a task for a person
    can_edit: bool = False
    can_delete: bool = False
    idempotent: bool = False        # the platform honours our idempotency key
    threads: bool = False
    max_pins: Optional[int] = None


@dataclass(frozen=True)
class PostRef:
    """Where a post landed. For a thread, `post_id` is the first part and `part_ids` all of them."""

    post_id: str
    url: Optional[str] = None
    part_ids: tuple[str, ...] = field(default_factory=tuple)
    # Platform-specific handles needed later (Bluesky cid, Telegram chat id, Slack channel ...).
    extra: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    capabilities: Capabilities

    def publish(self, rendering: Rendering, idempotency_key: str) -> PostRef: ...
    def pin(self, post: PostRef, previous: Optional[PostRef] = None) -> None:
        """Pin `post`, then unpin `previous` (never a gap without a pinned advisory)."""
        ...
    def unpin(self, post: PostRef) -> None: ...
    def edit(self, post: PostRef, rendering: Rendering) -> PostRef: ...
    def delete(self, post: PostRef) -> None: ...
    def find(self, marker: str) -> Optional[PostRef]:
        """The account's recent post carrying `marker`, if any (reconciling an ambiguous post)."""
        ...
