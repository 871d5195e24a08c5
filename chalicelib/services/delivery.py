"""Delivering one advisory to one channel account exactly once, then pinning it and recording it.

Every state change is a conditional write with its audit entry (`Store.commit`), so two
workers holding the same message can never both post: the claim decides. A post whose outcome
is unknown (timeout after sending, or a worker that died between posting and recording) is
reconciled, through the platform's idempotency key or by finding the post, before any re-post.
"""
from __future__ import annotations

import contextlib
import functools
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol
from collections.abc import Callable, Sequence

from chalicelib.channels.port import (AmbiguousError, Channel, ChannelError, PermanentError, PostRef,
                                      RetryableError, idempotency_key)
from chalicelib.domain import delivery as rules
from chalicelib.domain import lifecycle
from chalicelib.domain.errors import Conflict, StaleWrite
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.org import OrgSettings
from chalicelib.domain.models import (Advisory, AdvisoryState, AuditEvent, ChannelAccount, DeliveryRecord,
                                      DeliveryState as D, MsgType, PinState, PostRecord)
from chalicelib.ports import Clock, Put, Store
from chalicelib.rendering.render import render_for
from chalicelib.settings import environment_settings
from chalicelib.services.common import MACHINE, WrittenRows, post_ref, record_refusal, stored
from chalicelib.services.pins import PinRotation

log = logging.getLogger("clarion_delivery")


class ChannelProvider(Protocol):
    def channel(self, account: ChannelAccount) -> Channel: ...


class Alerts(Protocol):
    def alert(self, subject: str, message: str) -> None: ...


class Redriver(Protocol):
    def redrive(self, platform: str, advisory_id: str, content_hash: str, accounts: Sequence[str]) -> None: ...
    def dead_letter(self, platform: str, advisory_id: str, content_hash: str, account: str, reason: str) -> None: ...
    def delay(self, queue_arn: str, receipt_handle: str, seconds: float) -> None: ...
    def hold(self, platform: str, body: str, seconds: float) -> None:
        """The kill switch: `body` back on the platform's queue as a new message, after `seconds`."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What the queue should do with the message for this delivery."""

    done: bool
    retry_after_s: float | None = None

    @staticmethod
    def finished() -> Outcome:
        return Outcome(done=True)

    @staticmethod
    def later(seconds: float) -> Outcome:
        return Outcome(done=False, retry_after_s=seconds)


@dataclass(frozen=True)
class Job:
    """One delivery a queue message asks for: this advisory, at this content, to this account."""

    advisory_id: str
    account_id: str
    content_hash: str


@dataclass
class Attempt:
    """A job with what it starts from, read for the whole batch at once; `claimed` when the
    batch's one claim took it (it is then this worker's to post). With `pin_later`, `carry_out`
    records the post and leaves what the post still owes (its link, the pin rotation) in
    `after_post`, for `finish_post` once the batch's posts are recorded."""

    job: Job
    delivery: DeliveryRecord | None
    advisory: Advisory | None
    account: ChannelAccount | None
    # The advisory's content hash while its approval holds, else None: hashed once per batch (the
    # content lists every account, so a hash per delivery made a 1,000-account round quadratic).
    approved_hash: str | None = None
    claimed: bool = False
    pin_later: bool = False
    after_post: Callable[[], None] | None = None


# A reconcile searches the platform for posts from a little before the attempt (clock skew).
RECONCILE_MARGIN_S = 60

# A message for an owed account whose row is not written yet comes back after this long.
ROW_PENDING_RETRY_S = 15.0

# A claim commit holds each delivery and its audit entry, plus the chain head: 2 x 49 + 1 = 99 of
# the 100 items a transaction holds (a batch's 50-account message claimed in one commit, or two).
CLAIMS_PER_COMMIT = 49


class DeliveryService:
    def __init__(self, store: Store, channels: ChannelProvider, alerts: Alerts, redriver: Redriver,
                 clock: Clock, pins: PinRotation, written: WrittenRows,
                 policy: rules.DeliveryPolicy | None = None,
                 org: Callable[[], OrgSettings] = environment_settings) -> None:
        self._store = store
        self._org = org  # the organisation's settings in force, read when rendering
        self.channels = channels
        self._alerts = alerts
        self.redriver = redriver
        self._clock = clock
        self.policy = policy or rules.DeliveryPolicy()
        self.pins = pins
        self._written = written  # what this process last wrote per delivery (see `written`)

    # -- the worker's entry points --------------------------------------------------------------
    def prepare(self, jobs: Sequence[Job]) -> list[Attempt]:
        """A batch's first step: one read for every job, then one claim for every delivery that is
        plainly owed now. A worker then runs `carry_out` for each (in parallel) and `complete`."""
        keys = [(j.advisory_id, j.account_id) for j in jobs]
        loaded = self._store.load_deliveries(keys)
        self._written.track((key, loaded.deliveries.get(key)) for key in keys)
        approved = {advisory_id: a.approved_hash() for advisory_id, a in loaded.advisories.items()}
        attempts, seen = [], set()
        for j in jobs:
            key = (j.advisory_id, j.account_id)
            if key in seen:  # two messages for one delivery (say, a redrive): the first carries it
                attempts.append(Attempt(j, None, None, None))
                continue
            seen.add(key)
            attempts.append(Attempt(j, loaded.deliveries.get(key), loaded.advisories.get(j.advisory_id),
                                    loaded.channels.get(j.account_id), approved.get(j.advisory_id)))
        owed = [a for a in attempts if self._plainly_owed(a)]
        if len(owed) > 1:  # a lone delivery claims on its own path, for the same one write
            for start in range(0, len(owed), CLAIMS_PER_COMMIT):
                self._claim_together(owed[start:start + CLAIMS_PER_COMMIT])
        return attempts

    def carry_out(self, attempt: Attempt) -> Outcome:
        """Post (or reconcile, or wait for) one prepared delivery; never twice. The delivery is
        final once its post is recorded; the link and pin follow, here or (`attempt.pin_later`)
        in `finish_post`."""
        delivery, advisory, account = attempt.delivery, attempt.advisory, attempt.account
        if delivery is None and self._row_not_written_yet(attempt):
            return Outcome.later(ROW_PENDING_RETRY_S)
        if delivery is None or delivery.state in rules.FINAL:
            return Outcome.finished()  # nothing owed, or a redelivered message for a final delivery
        if advisory is None or account is None:
            return self._finish(delivery, delivery.fail("the advisory or channel account no longer exists",
                                                        self._clock.now()))
        if attempt.job.content_hash != delivery.content_hash:
            return self._refuse_message(attempt.job, delivery)
        if not self._still_approved(attempt, delivery.content_hash):
            return self._finish(delivery, delivery.skip("the content no longer matches its approval",
                                                        self._clock.now()))
        now = self._clock.now()
        if not attempt.claimed and delivery.state in (D.SENDING, D.RECONCILING) \
                and not rules.lease_expired(delivery, now):
            # another worker holds it; look again once its lease would have run out
            assert delivery.lease_until is not None  # a lease that has not expired has an end
            return Outcome.later((delivery.lease_until - now).total_seconds() + 1)
        channel = self._channel(account, delivery)
        if channel is None:
            return Outcome.finished()
        if attempt.claimed:
            return self._post_claimed(delivery, advisory, account, channel, attempt)
        if rules.needs_reconciling(delivery, now):
            delivery, found = self._reconcile(delivery, advisory, account, channel)
            if found is not None:
                return self._after_post(delivery, advisory, account, channel, found, attempt)
            if delivery.state is not D.PENDING:
                if delivery.state in rules.FINAL:
                    return Outcome.finished()
                return Outcome.later(self.policy.ambiguous_recheck_s)
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return Outcome.later((delivery.next_attempt_at - now).total_seconds())
        return self._post(delivery, advisory, account, channel, attempt)

    def finish_post(self, attempt: Attempt) -> None:
        """What `carry_out` left for later (`attempt.pin_later`): the recorded post's link and pin
        rotation. A worker runs them once every post of its batch is recorded, account by account
        in the order it posted, so the deliveries are final sooner: a batch of more accounts than
        it has threads no longer waits for the first accounts' pins before posting to the rest."""
        after_post, attempt.after_post = attempt.after_post, None
        if after_post is not None:
            after_post()

    def complete(self, advisory_ids: Sequence[str]) -> None:
        """broadcasting -> delivered / partially_delivered / failed, for each advisory whose
        deliveries are all final. Run after a batch's deliveries are recorded: whichever worker
        records the last one then finds none owed."""
        for advisory_id in dict.fromkeys(advisory_ids):
            self._complete(advisory_id)

    def written(self, jobs: Sequence[Job]) -> dict[tuple[str, str], DeliveryRecord]:
        """Each prepared job's delivery as this process last wrote (or read) it; forgets them."""
        return self._written.take((j.advisory_id, j.account_id) for j in jobs)

    def _row_not_written_yet(self, attempt: Attempt) -> bool:
        """A message for an account its broadcasting advisory owes (under its approval, at the
        message's content), whose row is not written yet: the approval writes rows in batches
        after it commits (services/fan_out.py). The worker leaves the message to come back rather
        than create the row: rows have two writers only (the approval and the sweeper's repair),
        and the repair queues every row it creates, so a message that outlives its retries
        (the queue's maxReceiveCount) loses nothing."""
        advisory, job = attempt.advisory, attempt.job
        return (advisory is not None and advisory.state is AdvisoryState.BROADCASTING
                and attempt.approved_hash == job.content_hash
                and job.account_id in advisory.content.channels)

    def _plainly_owed(self, attempt: Attempt) -> bool:
        """Pending, due, approved as it stands, with its account: claimable without a question."""
        d, advisory = attempt.delivery, attempt.advisory
        return (d is not None and d.state is D.PENDING and advisory is not None and attempt.account is not None
                and self._still_approved(attempt, attempt.job.content_hash)
                and not (d.next_attempt_at and d.next_attempt_at > self._clock.now()))

    def _claim_together(self, attempts: Sequence[Attempt]) -> None:
        """Claim several deliveries in one conditional commit. If any moved meanwhile the commit
        writes nothing, and each is then claimed (or left) on its own path."""
        now = self._clock.now()
        lease = now + timedelta(seconds=self.policy.lease_s)
        owed: list[DeliveryRecord] = []
        for a in attempts:
            assert a.delivery is not None  # only plainly owed attempts come here
            owed.append(a.delivery)
        moves = [d.claim(now, lease) for d in owed]
        try:
            self._store.commit([stored(d, claimed) for d, (claimed, _) in zip(owed, moves, strict=True)],
                               [event for _, event in moves])
        except StaleWrite:
            return
        self._written.note(*(claimed for claimed, _ in moves))
        for attempt, (claimed, _) in zip(attempts, moves, strict=False):
            attempt.delivery, attempt.claimed = claimed, True

    # -- posting ---------------------------------------------------------------------------------------
    def _post(self, delivery: DeliveryRecord, advisory: Advisory, account: ChannelAccount,
              channel: Channel, attempt: Attempt) -> Outcome:
        claimed = self._claim(delivery)
        if claimed is None:
            return Outcome.later(1.0)  # another worker claimed it first
        return self._post_claimed(claimed, advisory, account, channel, attempt)

    def _post_claimed(self, claimed: DeliveryRecord, advisory: Advisory, account: ChannelAccount,
                      channel: Channel, attempt: Attempt) -> Outcome:
        result = render_for(advisory, account, self._org())
        blocking = [f.message for f in result.findings if f.blocking]
        if blocking:
            return self._finish(claimed, claimed.fail("; ".join(blocking), self._clock.now()))
        held = self._still_held(claimed)
        if held is None:
            return Outcome.later(1.0)  # the claim ran out and another worker took the delivery
        claimed = held
        key = idempotency_key(advisory.id, claimed.content_hash, account.id)
        try:
            ref = self._publish_or_edit(advisory, account, channel, result.rendering, key)
        except RetryableError as error:
            return self._retry_or_fail(claimed, error)
        except AmbiguousError as error:
            self._save(claimed, claimed.ambiguous(error.message))
            return Outcome.later(self.policy.ambiguous_recheck_s)
        except ChannelError as error:
            if error.posted is not None:  # a thread that landed part-way: record what exists
                return self._after_post(claimed, advisory, account, channel, error.posted, attempt)
            return self._fail(claimed, error.message)
        return self._after_post(claimed, advisory, account, channel, ref, attempt)

    def _publish_or_edit(self, advisory: Advisory, account: ChannelAccount, channel: Channel,
                         rendering: Any, key: str) -> PostRef:
        """An Update edits the post it follows where the platform allows, otherwise replies to it
        in the same thread; a Cancel's all-clear replies too. Anything else is a new post."""
        earlier = self._earlier_post(advisory, account)
        if advisory.msg_type is MsgType.UPDATE and earlier and channel.capabilities.can_edit:
            try:
                return channel.edit(post_ref(earlier), rendering)
            except PermanentError as error:
                log.info("edit refused on %s (%s); replying instead", account.id, error.message)
        if earlier and channel.capabilities.threads:
            return channel.publish(rendering, key, reply_to=post_ref(earlier))
        return channel.publish(rendering, key)

    def _claim(self, delivery: DeliveryRecord) -> DeliveryRecord | None:
        now = self._clock.now()
        try:
            return self._save(delivery, delivery.claim(now, now + timedelta(seconds=self.policy.lease_s)))
        except (StaleWrite, Conflict):
            return None  # another worker moved it first

    def _still_held(self, claimed: DeliveryRecord) -> DeliveryRecord | None:
        """The claim, with its lease renewed if more than half of it is gone (a batch posts one
        account's deliveries one after another, so a later one waits for the earlier posts; and,
        when the worker pins as it goes, their pins); None if it ran out and another worker moved
        the delivery on. Never post on a claim that may have passed to someone else."""
        now = self._clock.now()
        if claimed.lease_until and claimed.lease_until - now > timedelta(seconds=self.policy.lease_s / 2):
            return claimed
        try:
            return self._save(claimed, claimed.renew(now + timedelta(seconds=self.policy.lease_s)))
        except StaleWrite:
            return None

    def _retry_or_fail(self, delivery: DeliveryRecord, error: RetryableError) -> Outcome:
        if delivery.attempts >= self.policy.max_attempts:
            return self._fail(delivery, f"gave up after {delivery.attempts} attempts: {error.message}")
        delay = rules.backoff_s(delivery.attempts, self.policy, error.retry_after_s)
        self._save(delivery, delivery.retry(error.message, delay, self._clock.now()))
        return Outcome.later(delay)

    def _fail(self, delivery: DeliveryRecord, reason: str) -> Outcome:
        self._finish(delivery, delivery.fail(reason, self._clock.now()))
        self.redriver.dead_letter(delivery.platform, delivery.advisory_id, delivery.content_hash,
                                   delivery.channel_account, reason)
        self._alerts.alert(f"Clarion: delivery to {delivery.channel_account} failed",
                           f"Advisory {delivery.advisory_id} was not delivered to {delivery.channel_account}: "
                           f"{reason}. Retry with POST /advisories/{delivery.advisory_id}/retry.")
        return Outcome.finished()

    # -- reconciling an unknown outcome -----------------------------------------------------------------
    def _reconcile(self, delivery: DeliveryRecord, advisory: Advisory, account: ChannelAccount,
                   channel: Channel) -> tuple[DeliveryRecord, PostRef | None]:
        """Did the post land? Find it by Clarion's reference; if it is not there, it is owed again."""
        try:
            delivery = self._save(delivery, delivery.reconciling(self._clock.now()
                                                                 + timedelta(seconds=self.policy.lease_s)))
        except StaleWrite:
            return delivery, None
        caps = channel.capabilities
        if not getattr(caps, "can_find", False) and not caps.idempotent:
            return self._cannot_reconcile(delivery), None
        if getattr(caps, "can_find", False):
            since = (delivery.attempted_at or delivery.queued_at) - timedelta(seconds=RECONCILE_MARGIN_S)
            try:
                found = channel.find(render_for(advisory, account, self._org()).rendering.marker, since)
            except PermanentError as error:  # the search could not get back to the attempt
                return self._cannot_reconcile(delivery, error.message), None
            except ChannelError as error:
                return self._save(delivery, delivery.unchecked(error.message)), None
            if found is not None:
                return delivery, found
        # Not there (or the platform dedupes by our key): posting again cannot duplicate it.
        return self._save(delivery, delivery.owed_again()), None

    def _cannot_reconcile(self, delivery: DeliveryRecord, why: str | None = None) -> DeliveryRecord:
        reason = (f"{why or 'the platform can neither find the post nor dedupe a re-post'}: a person must "
                  f"check {delivery.channel_account} for the advisory before it is re-sent")
        self._alerts.alert(f"Clarion: check {delivery.channel_account} by hand",
                           f"Advisory {delivery.advisory_id}: {reason}. Then POST /advisories/"
                           f"{delivery.advisory_id}/retry to send it, if it is not there.")
        return self._save(delivery, delivery.fail(reason, self._clock.now()))

    # -- after the post: record it, pin it, finish the advisory ---------------------------------------
    def _after_post(self, delivery: DeliveryRecord, advisory: Advisory, account: ChannelAccount,
                    channel: Channel, ref: PostRef, attempt: Attempt) -> Outcome:
        """Record the post (the delivery is final from here), then its link and the pin (now, or
        left in `attempt.after_post`). Where the pin will rotate, the same commit takes the
        account's pin lease if it is free."""
        caps = channel.capabilities
        pin_state = (PinState.PIN_BY_HAND if caps.pin_by_hand else
                     PinState.NONE if caps.can_pin else PinState.NOT_APPLICABLE)
        offer = self.pins.offer(account, delivery) if self._rotates_pin(advisory, channel) else None
        sent, leased = self._record_sent(delivery, _record(ref), pin_state, offer)
        if attempt.pin_later:
            attempt.after_post = functools.partial(self.link_and_pin, sent, advisory, account, channel, leased)
        else:
            self.link_and_pin(sent, advisory, account, channel, leased)
        return Outcome.finished()

    def _record_sent(self, delivery: DeliveryRecord, post: PostRecord, pin_state: PinState,
                     offer: tuple[ChannelAccount, Put] | None) -> tuple[DeliveryRecord, ChannelAccount | None]:
        """Record the post, with the pin lease when it is offered. If only bookkeeping changed on
        the delivery meanwhile (the sweeper counted a redrive), the claim still stands: the post
        is recorded on the fresh row rather than left for a reconcile to find."""
        now = self._clock.now()
        for _ in range(3):
            sent, event = delivery.record_post(post, pin_state, now)
            put = stored(delivery, sent)
            if offer is not None:
                try:
                    self._store.commit([put, offer[1]], [event])
                    self._written.note(sent)
                    return sent, self.pins.taken(offer[0])
                except StaleWrite:
                    offer = None  # the account (or the delivery) moved since the batch read it
            try:
                self._store.commit([put], [event])
                self._written.note(sent)
                return sent, None
            except StaleWrite:
                fresh = self._store.get_delivery(delivery.advisory_id, delivery.channel_account)
                if fresh is None or (fresh.state, fresh.attempts) != (delivery.state, delivery.attempts):
                    raise  # another worker moved it on: its path decides (a reconcile finds the post)
                delivery = fresh
        raise StaleWrite(f"{delivery.channel_account}: the delivery kept changing while its post was recorded")

    def link_and_pin(self, sent: DeliveryRecord, advisory: Advisory, account: ChannelAccount,
                     channel: Channel, leased: ChannelAccount | None = None) -> None:
        """After a post is recorded (or, from the sweeper, when its pin failed): its link where
        the platform gives it only on request, and the pin rotation."""
        linked = self._linked(sent, channel)  # written with the pin below, or on its own
        written = None
        if self._rotates_pin(advisory, channel):
            written = self.pins.rotate(linked, advisory, account, channel, leased)
        if linked is not sent and written is None:
            self._save(linked, linked.record_link())

    @staticmethod
    def _rotates_pin(advisory: Advisory, channel: Channel) -> bool:
        return channel.capabilities.can_pin or advisory.msg_type is MsgType.CANCEL

    def _linked(self, sent: DeliveryRecord, channel: Channel) -> DeliveryRecord:
        """`sent` with the post's link, where the platform gives it only on request."""
        if sent.post is None or sent.post.url:
            return sent
        try:
            url = channel.permalink(post_ref(sent.post))
        except ChannelError:
            url = None
        return sent.model_copy(update={"post": sent.post.model_copy(update={"url": url})}) if url else sent

    def _complete(self, advisory_id: str) -> None:
        """broadcasting -> delivered / partially_delivered / failed, once every delivery is final."""
        if self._store.unfinished_deliveries(advisory_id):
            return
        advisory = self._store.get_advisory(advisory_id)
        if advisory is None or not lifecycle.can(advisory, Action.DELIVER):
            return
        deliveries = self._store.deliveries_for(advisory_id)
        if len({d.channel_account for d in deliveries} & set(advisory.content.channels)) \
                < len(advisory.content.channels):
            return  # owed accounts without a row yet (written in batches): not finished
        sent = sum(d.state is D.SENT for d in deliveries)
        failed = sum(d.state is D.FAILED for d in deliveries)
        done, event = advisory.finish_broadcast(MACHINE, self._clock.now(), sent, failed)
        with contextlib.suppress(StaleWrite):  # another worker finished it
            self._store.commit([stored(advisory, done)], [event])

    # -- helpers ----------------------------------------------------------------------------------------
    @staticmethod
    def _still_approved(attempt: Attempt, content_hash: str) -> bool:
        """The delivery's advisory is approved as it stands, at `content_hash` (the row's and the message's)."""
        delivery = attempt.delivery
        return (attempt.approved_hash is not None and delivery is not None
                and attempt.approved_hash == delivery.content_hash == content_hash)

    def _refuse_message(self, job: Job, delivery: DeliveryRecord) -> Outcome:
        """A message naming content other than what was approved for this delivery is forged or
        stale: it changes nothing (the delivery stays owed to its real message), it is recorded,
        and on-call hears of it."""
        summary = (f"{job.account_id}: a delivery message names content {job.content_hash[:12]}, but "
                   f"{delivery.content_hash[:12]} was approved; the message changed nothing")
        record_refusal(self._store, AuditEvent(actor=MACHINE, action="refused:delivery_message",
                                               advisory_id=job.advisory_id, summary=summary))
        self._alerts.alert(f"Clarion: a delivery message for {job.account_id} was refused",
                           f"Advisory {job.advisory_id}: {summary}. Someone may be sending forged "
                           "messages to the delivery queues.")
        log.warning("refused delivery message for %s / %s: content hash mismatch", job.advisory_id,
                    job.account_id)
        return Outcome.finished()

    def _channel(self, account: ChannelAccount, delivery: DeliveryRecord) -> Channel | None:
        try:
            return self.channels.channel(account)
        except PermanentError as error:
            self._fail(delivery, error.message)
            return None

    def _earlier_post(self, advisory: Advisory, account: ChannelAccount) -> PostRecord | None:
        """The post on `account` of the first advisory this one refers to that was sent there."""
        for ref in advisory.references:
            earlier = self._store.get_delivery(ref, account.id)
            if earlier and earlier.state is D.SENT and earlier.post:
                return earlier.post
        return None

    def _finish(self, delivery: DeliveryRecord, move: tuple[DeliveryRecord, AuditEvent]) -> Outcome:
        """Store a final move (failed, skipped): the queue is done with the message."""
        self._save(delivery, move)
        return Outcome.finished()

    def _save(self, delivery: DeliveryRecord, move: tuple[DeliveryRecord, AuditEvent]) -> DeliveryRecord:
        """Store one of `delivery`'s transitions with its audit entry; returns the new record."""
        moved, event = move
        self._store.commit([stored(delivery, moved)], [event])
        self._written.note(moved)
        return moved



def _record(ref: PostRef) -> PostRecord:
    return PostRecord(post_id=ref.post_id, url=ref.url, part_ids=list(ref.part_ids), extra=dict(ref.extra))

