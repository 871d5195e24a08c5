"""Keeping promises over time: the sweeper, expiry, and on-call's retry."""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain import delivery as rules
from chalicelib.domain import lifecycle
from chalicelib.domain.errors import Conflict, StaleWrite, UnavailableError
from chalicelib.domain.lifecycle import Action
from chalicelib.channels.port import ChannelError
from chalicelib.domain.messages import ACCOUNTS_PER_MESSAGE
from chalicelib.domain.models import (Advisory, AdvisoryState, AuditEvent, ChannelAccount, DeliveryRecord,
                                      DeliveryState as D, PinState, User)
from chalicelib.ports import Clock, Store
from chalicelib.services import fan_out
from chalicelib.services.common import found, stored
from chalicelib.services.delivery import Alerts, ChannelProvider, DeliveryService, Redriver
from chalicelib.services.pins import PinRotation

log = logging.getLogger("clarion_operations")
# A broadcast's missing delivery rows are the sweeper's to create once its approval has surely
# stopped writing them (the API function's timeout is far shorter).
REPAIR_AFTER_S = 60.0

@dataclass
class SweepReport:
    redriven: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)      # every delivery past its deadline, each sweep
    alerted: list[str] = field(default_factory=list)   # on-call paged: once per late delivery
    completed: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    repinned: list[str] = field(default_factory=list)
    # Broadcasts whose delivery rows were not all written (a crash between batches): the rows
    # created, as "<advisory>/<account>", each then queued.
    repaired: list[str] = field(default_factory=list)
    # The kill switch: while deliveries are paused the sweep touches no platform (no redrive, no
    # page, no pin repair, no expiry, which unpins) and lists here the deliveries the pause holds.
    paused: bool = False
    held: list[str] = field(default_factory=list)


class Operations:
    def __init__(self, store: Store, delivery: DeliveryService, pins: PinRotation, channels: ChannelProvider,
                 alerts: Alerts, redriver: Redriver, clock: Clock, policy: rules.DeliveryPolicy) -> None:
        self._store = store
        self._delivery = delivery  # for what it does (pin a post, finish an advisory), never what it holds
        self._pins = pins
        self.policy = policy  # shared with the delivery service
        self._channels = channels
        self._alerts = alerts
        self._redriver = redriver
        self._clock = clock

    # -- on-call: POST /advisories/{id}/retry -------------------------------------------------------
    def retry(self, actor: User, advisory_id: str) -> list[DeliveryRecord]:
        """Failed (and overdue pending) deliveries back to pending, with a fresh attempt budget."""
        advisory = found(self._store.get_advisory(advisory_id), "advisory", advisory_id)
        if advisory.state not in lifecycle.LIVE:
            raise Conflict(f"only a live advisory can be retried; this one is {advisory.state.value}",
                           {"state": advisory.state.value})
        now = self._clock.now()
        owed = [d for d in self._store.deliveries_for(advisory_id)
                if d.state is D.FAILED or (d.state is D.PENDING and d.next_attempt_at is None)
                or rules.overdue(d, now, self.policy)]
        if owed and lifecycle.can(advisory, Action.REDRIVE):
            reopened, event = advisory.reopen_for_redrive(actor.id, now, len(owed))
            self._store.commit([stored(advisory, reopened)], [event])
        redriven = []
        for d in owed:
            moved, event = d.redrive(actor.id)
            try:
                self._store.commit([stored(d, moved)], [event])
            except StaleWrite:
                continue
            self._redriver.redrive(d.platform, advisory_id, d.content_hash, [d.channel_account])
            redriven.append(moved)
        return redriven

    # -- the scheduled sweep -------------------------------------------------------------------------------
    def sweep(self) -> SweepReport:
        report = SweepReport()
        now = self._clock.now()
        switch = self._store.get_switch()  # read on every sweep, like the workers' every batch
        report.paused = switch is not None and switch.paused
        resumed_at = switch.resumed_at if switch is not None else None
        for advisory in self._store.list_advisories():
            if (advisory.state in lifecycle.LIVE and advisory.content.expires and advisory.content.expires <= now
                    and not report.paused):  # expiry unpins: it waits for the resume
                self.expire(advisory)
                report.expired.append(advisory.id)
                continue
            if advisory.state not in lifecycle.LIVE:
                continue
            deliveries = self._store.deliveries_for(advisory.id)
            deliveries = self._repair(advisory, deliveries, report, now)
            for d in deliveries:
                if report.paused:
                    if d.state not in rules.FINAL:
                        report.held.append(d.channel_account)
                    continue
                self._sweep_delivery(advisory, d, report, resumed_at)
            if (advisory.state is AdvisoryState.BROADCASTING and deliveries
                    and not fan_out.missing(advisory, deliveries)
                    and all(d.state in rules.FINAL for d in deliveries)):
                # every delivery is final but the worker that recorded the last one stopped
                # before it could finish the advisory
                self._delivery.complete([advisory.id])
                report.completed.append(advisory.id)
        return report

    def _repair(self, advisory: Advisory, deliveries: list[DeliveryRecord], report: SweepReport,
                now: datetime) -> list[DeliveryRecord]:
        """A broadcasting advisory owing accounts that have no delivery row (its approval stopped
        between row batches, or could not write them): create the missing rows, then queue every
        delivery of it not final, since the approval published nothing (it publishes after the
        last row). A message for a delivery already claimed or final posts nothing, so one the
        approval did send duplicates nothing. Left alone for REPAIR_AFTER_S after the broadcast
        started, while its approval may still be writing. While deliveries are paused the rows
        are created but not queued: the resume queues every owed delivery (redrive_owed)."""
        if advisory.state is not AdvisoryState.BROADCASTING:
            return deliveries
        owed = fan_out.missing(advisory, deliveries)
        if not owed or (now - advisory.updated_at).total_seconds() < REPAIR_AFTER_S:
            return deliveries
        try:
            created = fan_out.write_rows(self._store, advisory, owed, now)
        except (UnavailableError, StaleWrite) as error:
            log.warning("repair of %s deferred to the next sweep: %s", advisory.id, error)
            return deliveries
        report.repaired += [f"{advisory.id}/{account}" for account in created]
        if created:
            with contextlib.suppress(UnavailableError, StaleWrite):
                self._store.commit([], [AuditEvent(
                    actor="system:sweeper", action="broadcast_repaired", advisory_id=advisory.id,
                    summary=f"{len(created)} of {len(advisory.content.channels)} delivery rows were missing: "
                            "created and queued")])
        deliveries = self._store.deliveries_for(advisory.id)
        if not report.paused:
            self._queue(advisory.id, [d for d in deliveries if d.state not in rules.FINAL])
        return deliveries

    def _queue(self, advisory_id: str, owed: list[DeliveryRecord]) -> int:
        """`owed` back on their platforms' queues: one message per platform, content and at most
        ACCOUNTS_PER_MESSAGE accounts. Returns the messages sent; one that cannot be sent is logged
        (its delivery is still owed: a later sweep or its deadline's redrive queues it)."""
        by_queue: dict[tuple[str, str], list[str]] = {}
        for d in owed:
            by_queue.setdefault((d.platform, d.content_hash), []).append(d.channel_account)
        sent = 0
        for (platform, content_hash), accounts in by_queue.items():
            for start in range(0, len(accounts), ACCOUNTS_PER_MESSAGE):
                try:
                    self._redriver.redrive(platform, advisory_id, content_hash,
                                           accounts[start:start + ACCOUNTS_PER_MESSAGE])
                except UnavailableError as error:
                    log.warning("%s on %s not queued: %s", advisory_id, platform, error.message)
                    continue
                sent += 1
        return sent

    def _rotation_stopped(self, d: DeliveryRecord, now: datetime) -> bool:
        """Posted, the pin still `none` long after: its worker stopped between recording the
        post and the pin (every rotation that ends leaves another pin state)."""
        lease = timedelta(seconds=self.policy.pin_lease_s)
        return d.pin_state is PinState.NONE and d.finished_at is not None and now - d.finished_at > lease

    def _sweep_delivery(self, advisory: Advisory, d: DeliveryRecord, report: SweepReport,
                        resumed_at: datetime | None = None) -> None:
        now = self._clock.now()
        if d.state is D.SENT and (d.pin_state in (PinState.PIN_FAILED, PinState.PIN_WAITING)
                                  or self._rotation_stopped(d, now)):
            account = self._store.get_channel(d.channel_account)
            if account:
                self._delivery.link_and_pin(d, advisory, account, self._channels.channel(account))
                report.repinned.append(d.channel_account)
            return
        if advisory.state is not AdvisoryState.BROADCASTING or not self._overdue(d, now, resumed_at):
            return
        report.late.append(d.channel_account)  # the past-deadline metric counts it while it lasts
        if d.redrives > 0:
            return  # redriven and on-call told once already; the metric's alarm keeps it visible
        late, event = d.redriven_late("system:sweeper", self.policy.deadline_s)
        try:
            self._store.commit([stored(d, late)], [event])
        except StaleWrite:
            return
        self._redriver.redrive(d.platform, advisory.id, d.content_hash, [d.channel_account])
        report.redriven.append(d.channel_account)
        self._alerts.alert(f"Clarion: {d.channel_account} is late",
                           f"Advisory {advisory.id} is still {d.state.value} on {d.channel_account} "
                           f"{(now - d.queued_at).total_seconds():.0f}s after approval; redriven once. "
                           f"If it stays late, see docs/runbook.md (a platform outage).")
        report.alerted.append(d.channel_account)

    def _overdue(self, d: DeliveryRecord, now: datetime, resumed_at: datetime | None) -> bool:
        """Past its deadline (rules.overdue). A delivery queued before the latest resume of the kill
        switch is timed from the resume: the pause made it late, not its platform."""
        if resumed_at is not None and resumed_at > d.queued_at:
            d = d.model_copy(update={"queued_at": resumed_at})
        return rules.overdue(d, now, self.policy)

    # -- the kill switch's resume ------------------------------------------------------------------
    def redrive_owed(self) -> int:
        """Every delivery still owed of the live advisories back on its platform's queue at once (the
        resume after a pause): one message per advisory, platform and approved content, through
        the same redrive as on-call's retry. The rows are left as they are: a delivery is claimed
        before it is posted, so a message that finds it claimed or final posts nothing, and the
        held copy that comes back later duplicates nothing. Returns the messages sent; one that
        cannot be sent is logged and left to the held message, back after its hold delay."""
        sent = 0
        for advisory in self._store.list_advisories():
            if advisory.state not in lifecycle.LIVE:
                continue
            sent += self._queue(advisory.id, [d for d in self._store.deliveries_for(advisory.id)
                                              if d.state not in rules.FINAL])
        return sent

    # -- expiry ---------------------------------------------------------------------------------------------
    def expire(self, advisory: Advisory) -> None:
        """Past `expires`: the advisory is expired and its pins come down (the banner clears)."""
        expired, event = advisory.expire("system:sweeper", self._clock.now())
        try:
            self._store.commit([stored(advisory, expired)], [event])
        except StaleWrite:
            return
        for account in self._store.list_channels():
            if account.pinned and account.pinned.advisory_id == advisory.id:
                self._unpin(account, advisory)

    def _unpin(self, account: ChannelAccount, advisory: Advisory) -> None:
        try:
            self._pins.unpin_expired(account.id, advisory.id, self._channels.channel(account))
        except ChannelError as error:
            self._alerts.alert(f"Clarion: unpin {account.id} by hand",
                               f"Advisory {advisory.id} expired but could not be unpinned: {error.message}")
