"""One pin rotation at a time on a channel account.

A rotation reads which post the account has pinned, asks the platform to pin the new post and
unpin the old one, then records it. Two rotations at once (two advisories in flight on one
account, in different worker invocations) would each pin their post, and the older advisory
could stay pinned. So a rotation first takes the account's pin lease: a field on the account,
written conditionally on the account's revision (on the usual path in the same commit that
records the post, so it costs no extra write). The commit that records the rotation releases
it; a worker that dies mid-rotation leaves it to run out.
"""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Callable, Optional

from chalicelib.domain.delivery import DeliveryPolicy
from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.models import ChannelAccount, PinLease
from chalicelib.ports import Clock, Put, Store
from chalicelib.services.common import revise

WAIT_STEP_S = 0.2


class PinLeases:
    def __init__(self, store: Store, clock: Clock, policy: DeliveryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store, self._clock, self._policy, self._sleep = store, clock, policy, sleep
        # The newest revision of each account this process wrote: one worker's deliveries to an
        # account run one after another, and each must start from the previous one's pin.
        self._latest: dict[str, ChannelAccount] = {}
        self._lock = threading.Lock()

    def offer(self, account: ChannelAccount, holder: str) -> Optional[tuple[ChannelAccount, Put]]:
        """`account` leased to `holder`, and the write that takes the lease; None while another
        holder's lease runs."""
        lease = account.pin_lease
        now = self._clock.now()
        if lease is not None and lease.holder != holder and lease.until > now:
            return None
        return revise(account, pin_lease=PinLease(holder=holder, until=now + timedelta(seconds=self._policy.pin_lease_s)))

    def take(self, account_id: str, holder: str) -> Optional[ChannelAccount]:
        """Read the account and take its lease, waiting a while for another rotation to end.
        None if the account is gone or the lease stayed taken."""
        deadline = time.monotonic() + self._policy.pin_wait_s
        while True:
            account = self._store.get_channel(account_id)
            if account is None:
                return None
            offer = self.offer(account, holder)
            if offer is not None:
                try:
                    self._store.commit([offer[1]])
                    return self.remember(offer[0])
                except StaleWrite:
                    continue  # the account moved between the read and the write: read it again
            if time.monotonic() >= deadline:
                return None
            self._sleep(WAIT_STEP_S)

    def holds(self, account: ChannelAccount, holder: str) -> bool:
        lease = account.pin_lease
        return lease is not None and lease.holder == holder and lease.until > self._clock.now()

    def released(self, account: ChannelAccount, **changes: object) -> tuple[ChannelAccount, Put]:
        """The account with the lease given back (and `changes`), and its write."""
        return revise(account, pin_lease=None, **changes)

    def remember(self, account: ChannelAccount) -> ChannelAccount:
        with self._lock:
            known = self._latest.get(account.id)
            if known is None or known.revision < account.revision:
                self._latest[account.id] = account
        return account

    def latest(self, account: ChannelAccount) -> ChannelAccount:
        with self._lock:
            known = self._latest.get(account.id)
        return known if known is not None and known.revision > account.revision else account


def holder_of(advisory_id: str, account_id: str) -> str:
    return f"{advisory_id}/{account_id}"
