"""Pins: the newest advisory pinned on every account that allows it, one rotation at a time.

A rotation reads which post the account has pinned, asks the platform to pin the new post and
unpin the old one, then records both in one commit. Two rotations at once (two advisories in
flight on one account, in different worker invocations) would each pin their post, and the
older advisory could stay pinned. So a rotation first takes the account's pin lease: a field on
the account, written conditionally on the account's revision (on the usual path in the same
commit that records the post, so it costs no extra write). The commit that records the rotation
gives it back; a worker that dies mid-rotation leaves it to run out, and the sweeper pins what
it left (`Operations._sweep_delivery`).
"""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any
from collections.abc import Callable

from chalicelib.channels.port import Channel, ChannelError
from chalicelib.domain.delivery import DeliveryPolicy
from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.models import (Advisory, AuditEvent, ChannelAccount, DeliveryRecord, MsgType, PinLease,
                                      PinnedPost, PinState)
from chalicelib.ports import Clock, Put, Store
from chalicelib.services.common import WrittenRows, post_ref, revise, stored

WAIT_STEP_S = 0.2

# A change of a delivery's pin state with its summary, made on whichever revision of the row is current.
PinMove = Callable[[DeliveryRecord, str], tuple[DeliveryRecord, AuditEvent]]


class PinLeases:
    """The account field that lets one rotation at a time run, and this process's newest accounts."""

    def __init__(self, store: Store, clock: Clock, policy: DeliveryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store, self._clock, self._policy, self._sleep = store, clock, policy, sleep
        # The newest revision of each account this process wrote: one worker's deliveries to an
        # account run one after another, and each must start from the previous one's pin.
        self._latest: dict[str, ChannelAccount] = {}
        self._lock = threading.Lock()

    def offer(self, account: ChannelAccount, holder: str) -> tuple[ChannelAccount, Put] | None:
        """`account` leased to `holder`, and the write that takes the lease; None while another
        holder's lease runs."""
        lease = account.pin_lease
        now = self._clock.now()
        if lease is not None and lease.holder != holder and lease.until > now:
            return None
        until = now + timedelta(seconds=self._policy.pin_lease_s)
        return revise(account, pin_lease=PinLease(holder=holder, until=until))

    def take(self, account_id: str, holder: str) -> ChannelAccount | None:
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


class PinRotation:
    """Rotates an account's pin to a newly recorded post, under the account's pin lease."""

    def __init__(self, store: Store, clock: Clock, policy: DeliveryPolicy, written: WrittenRows) -> None:
        self._store, self._clock = store, clock
        self._written = written  # the batch journal the delivery service reports from
        self.leases = PinLeases(store, clock, policy)

    def offer(self, account: ChannelAccount, delivery: DeliveryRecord) -> tuple[ChannelAccount, Put] | None:
        """The lease for `delivery`'s rotation on the newest known `account`, to write with the
        post's record; None while another rotation holds it."""
        return self.leases.offer(self.leases.latest(account), holder_of(delivery.advisory_id, account.id))

    def taken(self, account: ChannelAccount) -> ChannelAccount:
        """`account`, whose lease the post's record took with it."""
        return self.leases.remember(account)

    def rotate(self, delivery: DeliveryRecord, advisory: Advisory, account: ChannelAccount,
               channel: Channel, leased: ChannelAccount | None = None) -> DeliveryRecord | None:
        """Pin the new post, then unpin the previous Clarion post; a Cancel only unpins. Runs
        under the account's pin lease (`leased`: already taken). Every rotation ends in a pin
        state other than `none` (pinned, unpinned, pin_failed, pin_waiting, n/a), so a `none`
        left behind means a worker stopped mid-rotation. Returns the delivery as written."""
        holder = holder_of(delivery.advisory_id, account.id)
        held = leased or self.leases.take(account.id, holder)
        if held is None:
            return self._write(delivery, delivery.pin_waits(
                _unchanged(delivery, "pin waits: another pin rotation on this account did not end")))
        current = held.pinned
        if current and current.advisory_id != advisory.id and not self._newer(advisory, current):
            # A newer advisory holds the pin; this one arrived late. If an earlier attempt may
            # have pinned it (the pin took, the unpin of its predecessor failed), take that pin
            # down, or it would stay pinned beside the newer one for good.
            if delivery.pin_state is PinState.PIN_FAILED:
                return self._unpin_superseded(delivery, held, channel)
            return self._record(delivery, held, "not pinned: a newer advisory holds the pin",
                                lambda d, summary: d.pin_moved(PinState.UNPINNED, summary))
        try:
            if advisory.msg_type is MsgType.CANCEL:
                if current and current.advisory_id in advisory.references:
                    channel.unpin(post_ref(current.post))
                pinned, state = None, PinState.NOT_APPLICABLE
            else:
                previous = post_ref(current.post) if current and current.advisory_id != advisory.id else None
                if not (current and current.post.post_id == delivery.post_id):
                    channel.pin(post_ref(delivery.post), previous)  # type: ignore[arg-type]
                pinned = PinnedPost(advisory_id=advisory.id, post=delivery.post, at=self._clock.now(),  # type: ignore[arg-type]
                                    advisory_created_at=advisory.created_at)
                state = PinState.PINNED
        except ChannelError as error:
            why = error.message
            return self._record(delivery, held, f"pin failed: {why}",
                                lambda d, summary: d.pin_moved(PinState.PIN_FAILED, summary, why))
        summary = (f"pin: {'unpinned the cancelled post' if pinned is None else 'pinned'}"
                   f"{' (replacing ' + current.advisory_id + ')' if current and pinned else ''}")
        return self._record(delivery, held, summary, lambda d, summary: d.pin_moved(state, summary),
                            account_changes={"pinned": pinned})

    def _record(self, delivery: DeliveryRecord, held: ChannelAccount, summary: str, move: PinMove,
                account_changes: dict[str, Any] | None = None) -> DeliveryRecord | None:
        """One commit: the delivery's pin state (`move`, made on the freshest row) and the account's
        pin, giving the lease back."""
        holder = holder_of(delivery.advisory_id, held.id)
        for _ in range(3):
            new_account, account_put = self.leases.released(held, **(account_changes or {}))
            new_delivery, event = move(delivery, summary)
            try:
                self._store.commit([account_put, stored(delivery, new_delivery)], [event])
            except StaleWrite:  # the account was edited meanwhile, or the delivery's link written
                fresh_account = self._store.get_channel(held.id)
                fresh = self._store.get_delivery(delivery.advisory_id, delivery.channel_account)
                if fresh is None:
                    return None
                if fresh.post and not fresh.post.url and delivery.post:
                    fresh = fresh.model_copy(update={"post": delivery.post})  # keep the link we fetched
                if fresh_account is None or not self.leases.holds(fresh_account, holder):
                    # the lease ran out and another rotation took it: what the platform shows
                    # is for the sweeper to check again
                    late = _unchanged(fresh, f"{summary}; the pin lease ran out before it was recorded")
                    return self._write(fresh, fresh.pin_moved(PinState.PIN_FAILED, late, "the pin lease ran out"))
                held, delivery = fresh_account, fresh
                continue
            self.leases.remember(new_account)
            self._written.note(new_delivery)
            return new_delivery
        return None

    def _unpin_superseded(self, delivery: DeliveryRecord, held: ChannelAccount,
                          channel: Channel) -> DeliveryRecord | None:
        try:
            channel.unpin(post_ref(delivery.post))  # type: ignore[arg-type]
        except ChannelError as error:
            why = error.message
            return self._record(delivery, held, f"unpin of a superseded post failed: {why}",
                                lambda d, summary: d.unpin_failed(summary, why))
        return self._record(delivery, held, "unpinned: a newer advisory holds the pin",
                            lambda d, summary: d.pin_moved(PinState.UNPINNED, summary))

    def _newer(self, advisory: Advisory, current: PinnedPost) -> bool:
        if current.advisory_id in advisory.references:
            return True  # an Update or Cancel always follows what it references
        if current.advisory_created_at is not None:
            return advisory.created_at > current.advisory_created_at
        other = self._store.get_advisory(current.advisory_id)
        return other is None or advisory.created_at > other.created_at

    def unpin_expired(self, account_id: str, advisory_id: str, channel: Channel) -> None:
        """Take an expired advisory's post down, if it still holds the account's pin, under the
        lease like any rotation. A ChannelError from the platform is the caller's to report."""
        held = self.leases.take(account_id, f"expiry/{advisory_id}")
        if held is None:
            return  # another rotation still holds it; a newer advisory will replace the pin
        pinned = held.pinned
        if pinned is None or pinned.advisory_id != advisory_id:
            self._give_back(held)  # another rotation moved the pin meanwhile
            return
        try:
            channel.unpin(post_ref(pinned.post))
        except ChannelError:
            self._give_back(held)
            raise
        self._give_back(held, AuditEvent(actor="system:sweeper", action="delivery", advisory_id=advisory_id,
                                         summary=f"{account_id}: unpinned on expiry"), pinned=None)

    def _give_back(self, held: ChannelAccount, *events: AuditEvent, **changes: Any) -> None:
        account, put = self.leases.released(held, **changes)
        try:
            self._store.commit([put], events)
            self.leases.remember(account)
        except StaleWrite:
            pass  # the account was edited meanwhile; the lease runs out by itself

    def _write(self, delivery: DeliveryRecord, move: tuple[DeliveryRecord, AuditEvent]) -> DeliveryRecord:
        """The delivery's pin state alone (no lease held, or it ran out)."""
        written, event = move
        self._store.commit([stored(delivery, written)], [event])
        self._written.note(written)
        return written


def _unchanged(delivery: DeliveryRecord, summary: str) -> str:
    """A pin change written on its own reads as a move that keeps the delivery's state."""
    return f"{delivery.state.value} -> {delivery.state.value}: {summary}"
