"""The life of one delivery (one advisory on one channel account), as rules.

    pending --claim--> sending --posted--> sent
                          |--retryable--> pending (backoff) ... --past the cap--> failed
                          |--permanent--> failed
                          '--ambiguous--> unknown --> reconciling --found--> sent
                                                                   '--not found--> pending
    a claim whose lease ran out (the worker died) is treated as unknown: reconcile first.
    failed --redrive (on-call)--> pending;  pending --content no longer approved--> skipped
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.errors import Conflict
from chalicelib.domain.models import DeliveryRecord, DeliveryState as D

FINAL = frozenset({D.SENT, D.FAILED, D.SKIPPED})

ALLOWED: dict[D, frozenset[D]] = {
    D.PENDING: frozenset({D.SENDING, D.SKIPPED, D.FAILED, D.RECONCILING}),
    D.SENDING: frozenset({D.SENT, D.PENDING, D.FAILED, D.UNKNOWN, D.RECONCILING}),
    D.UNKNOWN: frozenset({D.RECONCILING}),
    D.RECONCILING: frozenset({D.SENT, D.PENDING, D.UNKNOWN, D.FAILED}),
    D.FAILED: frozenset({D.PENDING}),
    D.SENT: frozenset(),
    D.SKIPPED: frozenset(),
}


def require_move(delivery: DeliveryRecord, to: D) -> None:
    if to not in ALLOWED[delivery.state]:
        raise Conflict(f"a {delivery.state.value} delivery cannot become {to.value}",
                       {"state": delivery.state.value})


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 5
    lease_s: float = 30.0          # shorter than the queue's visibility timeout (60 s)
    base_backoff_s: float = 1.0
    max_backoff_s: float = 300.0
    ambiguous_recheck_s: float = 2.0
    deadline_s: float = 120.0       # a delivery not final by then is redriven and on-call alerted
    pin_lease_s: float = 60.0       # one pin rotation's platform calls take far less
    pin_wait_s: float = 10.0        # how long a rotation waits for another on the same account


def backoff_s(attempt: int, policy: DeliveryPolicy, retry_after_s: float | None = None,
              rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the platform's Retry-After."""
    ceiling = min(policy.max_backoff_s, policy.base_backoff_s * 2 ** max(0, attempt - 1))
    delay = (rng or random).uniform(0, ceiling)
    return max(delay, retry_after_s or 0.0)


def lease_expired(delivery: DeliveryRecord, now: datetime) -> bool:
    return delivery.lease_until is None or delivery.lease_until <= now


def needs_reconciling(delivery: DeliveryRecord, now: datetime) -> bool:
    """The post may exist: an ambiguous outcome, or a claim whose worker died mid-post."""
    if delivery.state in (D.UNKNOWN, D.RECONCILING):
        return delivery.state is D.UNKNOWN or lease_expired(delivery, now)
    return delivery.state is D.SENDING and lease_expired(delivery, now)


def overdue(delivery: DeliveryRecord, now: datetime, policy: DeliveryPolicy) -> bool:
    """Not final within the deadline, and not held by a live claim."""
    late = now - delivery.queued_at > timedelta(seconds=policy.deadline_s)
    held = delivery.state is D.SENDING and not lease_expired(delivery, now)
    return delivery.state not in FINAL and late and not held
