"""The delivery state machine on in-memory adapters: once, pinned, recorded, under faults."""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import composition
from fakes import (FakeChannels, deliver_one, FixedClock, InMemoryStore, RecordingAlerts,
                                        RecordingPublisher, RecordingRedriver)
from chalicelib.channels.port import Capabilities, PermanentError, RetryableError
from chalicelib.domain.models import (AdvisoryContent, AdvisoryState, DeliveryState, MsgType, PinState, Role,
                                      User)
from chalicelib.seed import seed
from chalicelib.services.common import revise
from chalicelib.services.delivery import DeliveryService, Job

AUTHOR = User(id="author", name="A", roles=frozenset({Role.SPOKESPERSON}))
APPROVER = User(id="approver", name="B", roles=frozenset({Role.APPROVER}))
MASTODON = "mastodon:city-health"


class World:
    def __init__(self) -> None:
        self.clock = FixedClock()
        self.store = InMemoryStore()
        self.channels = FakeChannels()
        self.alerts = RecordingAlerts()
        self.redriver = RecordingRedriver()
        self.app = composition.build(self.store, RecordingPublisher(), self.clock, "local", channels=self.channels,
                                     alerts=self.alerts, redriver=self.redriver)
        seed(self.store)
        self.delivery: DeliveryService = self.app.delivery

    def approved(self, channels: list[str] | None = None, **fields: Any) -> str:
        if channels is None:
            channels = [MASTODON]
        content = AdvisoryContent(**{
            "headline": "Boil water notice", "instruction": "Boil water for one minute.",
            "event": "Boil Water", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
            "area_desc": "Riverside", "channels": channels, **fields})
        self.clock.advance(seconds=1)  # each advisory a moment after the last
        advisory = self.app.advisories.create(AUTHOR, content)
        self.app.advisories.submit(AUTHOR, advisory.id)
        self.app.advisories.approve(APPROVER, advisory.id)
        return advisory.id

    def follow_up(self, advisory_id: str, msg_type: MsgType) -> str:
        draft = self.app.advisories.follow_up(AUTHOR, advisory_id, msg_type)
        self.app.advisories.submit(AUTHOR, draft.id)
        self.app.advisories.approve(APPROVER, draft.id)
        return draft.id

    def deliver(self, advisory_id: str, account: str = MASTODON) -> Any:
        """What the published message carries: the content hash approved for the delivery."""
        owed = self.store.get_delivery(advisory_id, account)
        content_hash = owed.content_hash if owed else self.store.get_advisory(advisory_id).content_hash()
        return deliver_one(self.delivery, advisory_id, account, content_hash)

    def row(self, advisory_id: str, account: str = MASTODON) -> Any:
        return self.store.get_delivery(advisory_id, account)

    def fake(self, account: str = MASTODON) -> Any:
        return self.channels.channel(self.store.get_channel(account))


@pytest.fixture
def world() -> World:
    return World()


def test_posts_once_records_it_and_finishes_the_advisory(world: World) -> None:
    advisory_id = world.approved()
    assert world.deliver(advisory_id).done
    assert world.deliver(advisory_id).done  # a redelivered message changes nothing
    row = world.row(advisory_id)
    assert row.state is DeliveryState.SENT and row.attempts == 1 and row.post_id == "p1"
    assert row.post_url == "https://fake/p1" and row.pin_state is PinState.PINNED
    assert len(world.fake().posts) == 1
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.DELIVERED
    summaries = [e.summary for e in world.store.audit_entries() if e.action == "delivery"]
    assert summaries[:2] == [f"{MASTODON}: pending -> sending: attempt 1",
                             f"{MASTODON}: sending -> sent: posted https://fake/p1"]


def test_the_pin_moves_to_the_newest_advisory(world: World) -> None:
    first = world.approved()
    world.deliver(first)
    second = world.approved()
    world.deliver(second)
    fake = world.fake()
    assert fake.calls == ["publish", "pin p1", "publish", "pin p2", "unpin p1"]  # pin new, then unpin old
    assert fake.pinned == ["p2"]
    assert world.store.get_channel(MASTODON).pinned.advisory_id == second


def test_a_late_older_advisory_does_not_take_the_pin(world: World) -> None:
    older = world.approved()
    newer = world.approved()
    world.deliver(newer)
    world.deliver(older)
    assert world.fake().pinned == ["p1"]  # the newer advisory's post
    assert world.store.get_channel(MASTODON).pinned.advisory_id == newer
    assert world.row(older).pin_state is PinState.UNPINNED and world.row(newer).pin_state is PinState.PINNED


def test_retryable_errors_back_off_then_succeed(world: World) -> None:
    advisory_id = world.approved()
    world.fake().script = [RetryableError("503", status=503), RetryableError("429", status=429, retry_after_s=7)]
    first = world.deliver(advisory_id)
    assert not first.done and world.row(advisory_id).state is DeliveryState.PENDING
    world.clock.advance(seconds=first.retry_after_s + 0.01)
    second = world.deliver(advisory_id)
    assert second.retry_after_s >= 7  # Retry-After honoured
    early = world.deliver(advisory_id)
    assert not early.done and world.fake().calls.count("publish") == 2  # not before its time
    world.clock.advance(seconds=second.retry_after_s + 0.01)
    assert world.deliver(advisory_id).done
    row = world.row(advisory_id)
    assert row.state is DeliveryState.SENT and row.attempts == 3 and len(world.fake().posts) == 1


def test_past_the_cap_it_fails_dead_letters_and_alerts(world: World) -> None:
    advisory_id = world.approved()
    world.fake().script = [RetryableError("503", status=503)] * 10
    for _ in range(world.delivery.policy.max_attempts):
        outcome = world.deliver(advisory_id)
        world.clock.advance(seconds=(outcome.retry_after_s or 0) + 1)
    row = world.row(advisory_id)
    assert row.state is DeliveryState.FAILED and "gave up after 5 attempts" in row.last_error
    assert world.redriver.dead == [(advisory_id, MASTODON, row.last_error)]
    assert "failed" in world.alerts.sent[0][0]
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.FAILED


def test_a_permanent_error_fails_at_once(world: World) -> None:
    advisory_id = world.approved()
    world.fake().script = [PermanentError("Mastodon rejected the post: Text character limit exceeded")]
    assert world.deliver(advisory_id).done
    assert world.row(advisory_id).state is DeliveryState.FAILED and world.alerts.sent


def test_accept_then_timeout_is_reconciled_not_reposted(world: World) -> None:
    advisory_id = world.approved()
    world.fake().script = ["accept_then_timeout"]
    outcome = world.deliver(advisory_id)
    assert not outcome.done and world.row(advisory_id).state is DeliveryState.UNKNOWN
    assert world.deliver(advisory_id).done
    assert world.row(advisory_id).state is DeliveryState.SENT
    assert len(world.fake().posts) == 1 and world.fake().calls.count("publish") == 1


def test_a_worker_that_died_after_posting_is_reconciled(world: World) -> None:
    advisory_id = world.approved()
    row = world.row(advisory_id)
    # The dead worker: it claimed, posted, and never recorded.
    _claimed, put = revise(row, state=DeliveryState.SENDING, attempts=1,
                          lease_until=world.clock.now() + timedelta(seconds=30))
    world.store.commit([put])
    from chalicelib.rendering.render import render_for

    rendering = render_for(world.store.get_advisory(advisory_id), world.store.get_channel(MASTODON)).rendering
    world.fake().publish(rendering, "key")
    assert not world.deliver(advisory_id).done  # the lease still holds: wait
    world.clock.advance(seconds=31)
    assert world.deliver(advisory_id).done
    assert world.row(advisory_id).state is DeliveryState.SENT and len(world.fake().posts) == 1


def test_a_worker_that_died_before_posting_is_posted_once(world: World) -> None:
    advisory_id = world.approved()
    row = world.row(advisory_id)
    world.store.commit([revise(row, state=DeliveryState.SENDING, attempts=1,
                               lease_until=world.clock.now() + timedelta(seconds=30))[1]])
    world.clock.advance(seconds=31)
    assert world.deliver(advisory_id).done
    assert world.row(advisory_id).state is DeliveryState.SENT and len(world.fake().posts) == 1


def test_without_find_or_idempotency_a_person_is_asked(world: World) -> None:
    advisory_id = world.approved()
    fake = world.fake()
    fake.capabilities = Capabilities(can_pin=True)
    fake.script = ["accept_then_timeout"]
    world.deliver(advisory_id)
    assert world.deliver(advisory_id).done
    row = world.row(advisory_id)
    assert row.state is DeliveryState.FAILED and "a person must check" in row.last_error
    assert "by hand" in world.alerts.sent[-1][0] and len(fake.posts) == 1


def test_a_post_is_recorded_even_if_the_sweeper_counted_a_redrive_meanwhile(world: World) -> None:
    advisory_id = world.approved()
    fake = world.fake()
    publish = fake.publish

    def publish_while_the_sweeper_redrives(*args: Any, **kwargs: Any) -> Any:
        world.store.commit([revise(world.row(advisory_id), redrives=1)[1]])
        return publish(*args, **kwargs)

    fake.publish = publish_while_the_sweeper_redrives
    assert world.deliver(advisory_id).done
    row = world.row(advisory_id)
    assert row.state is DeliveryState.SENT and row.redrives == 1 and row.pin_state is PinState.PINNED
    assert len(fake.posts) == 1 and "find" not in fake.calls  # recorded at once, nothing to reconcile


def test_a_reconcile_searches_back_to_the_attempt_and_asks_a_person_when_it_cannot(world: World) -> None:
    advisory_id = world.approved()
    fake = world.fake()
    fake.script = ["accept_then_timeout"]
    world.deliver(advisory_id)
    attempted = world.row(advisory_id).attempted_at
    assert attempted == world.clock.now()
    searched: list[Any] = []

    def too_busy(marker: str, since: Any = None) -> None:
        searched.append(since)
        raise PermanentError("10 pages of Fake posts did not reach back to the attempt")

    fake.find = too_busy
    world.clock.advance(seconds=5)
    assert world.deliver(advisory_id).done
    assert searched == [attempted - timedelta(seconds=60)]  # from the attempt, less a margin for clocks
    row = world.row(advisory_id)
    assert row.state is DeliveryState.FAILED and len(fake.posts) == 1  # never posted again
    assert "did not reach back to the attempt: a person must check" in row.last_error
    assert "by hand" in world.alerts.sent[-1][0]


def test_concurrent_workers_post_once(world: World) -> None:
    advisory_id = world.approved()
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        world.deliver(advisory_id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(world.fake().posts) == 1 and world.row(advisory_id).state is DeliveryState.SENT


def test_content_changed_behind_the_approval_is_skipped(world: World) -> None:
    advisory_id = world.approved()
    advisory = world.store.get_advisory(advisory_id)
    world.store.commit([revise(advisory, content=advisory.content.model_copy(update={"headline": "Forged"}))[1]])
    assert world.deliver(advisory_id).done
    assert world.row(advisory_id).state is DeliveryState.SKIPPED and world.fake().posts == []


def test_x_gets_a_pin_by_hand_task(world: World) -> None:
    advisory_id = world.approved(channels=["x:city-health"])
    world.fake("x:city-health").capabilities = Capabilities(pin_by_hand=True, threads=True, can_find=True)
    world.deliver(advisory_id, "x:city-health")
    assert world.row(advisory_id, "x:city-health").pin_state is PinState.PIN_BY_HAND


def test_an_update_edits_and_a_cancel_unpins(world: World) -> None:
    original = world.approved()
    world.deliver(original)
    update = world.follow_up(original, MsgType.UPDATE)
    world.deliver(update)
    fake = world.fake()
    assert fake.calls[-2:] == ["edit p1"] or "edit p1" in fake.calls
    assert len(fake.posts) == 1 and world.row(update).post_id == "p1"
    assert world.store.get_channel(MASTODON).pinned.advisory_id == update
    cancel = world.follow_up(update, MsgType.CANCEL)
    world.deliver(cancel)
    assert fake.pinned == [] and world.store.get_channel(MASTODON).pinned is None
    assert len(fake.posts) == 2  # the all-clear
    assert world.store.get_advisory(update).state is AdvisoryState.CANCELLED


def test_an_update_replies_in_the_thread_where_posts_cannot_be_edited(world: World) -> None:
    original = world.approved()
    world.fake().capabilities = Capabilities(can_pin=True, threads=True, can_find=True)
    world.deliver(original)
    update = world.follow_up(original, MsgType.UPDATE)
    world.deliver(update)
    fake = world.fake()
    assert fake.calls[:2] == ["publish", "pin p1"] and "publish reply to p1" in fake.calls
    assert world.row(update).post_id == "p2" and fake.pinned == ["p2"]


def test_partially_delivered(world: World) -> None:
    advisory_id = world.approved(channels=[MASTODON, "slack:staff"])
    world.fake("slack:staff").script = [PermanentError("channel_not_found")]
    world.deliver(advisory_id)
    world.deliver(advisory_id, "slack:staff")
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.PARTIALLY_DELIVERED


# -- the sweeper, expiry and on-call's retry ----------------------------------------------------
def test_the_sweeper_redrives_a_late_delivery_once_and_alerts(world: World) -> None:
    advisory_id = world.approved()
    world.clock.advance(seconds=world.delivery.policy.deadline_s + 1)
    report = world.app.operations.sweep()
    assert report.redriven == [MASTODON] and report.alerted == [MASTODON]
    assert world.redriver.redriven == [("mastodon", advisory_id, (MASTODON,))]
    again = world.app.operations.sweep()
    assert again.redriven == [] and world.row(advisory_id).redrives == 1
    # on-call is paged once; later sweeps still count it late (the alarm's metric) but stay quiet
    assert again.late == [MASTODON] and again.alerted == []
    assert len(world.alerts.sent) == 1


def test_the_sweeper_finishes_an_advisory_whose_last_worker_stopped_early(world: World) -> None:
    advisory_id = world.approved()
    attempt, = world.delivery.prepare([Job(advisory_id, MASTODON, world.store.get_advisory(advisory_id).content_hash())])
    assert world.delivery.carry_out(attempt).done  # ... and the worker stops before `complete`
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.BROADCASTING
    report = world.app.operations.sweep()
    assert report.completed == [advisory_id]
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.DELIVERED


def test_retry_redrives_failed_deliveries_with_a_fresh_budget(world: World) -> None:
    advisory_id = world.approved()
    world.fake().script = [PermanentError("bad token")]
    world.deliver(advisory_id)
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.FAILED
    oncall = User(id="oncall", name="O", roles=frozenset({Role.ONCALL}))
    [redriven] = world.app.operations.retry(oncall, advisory_id)
    assert redriven.state is DeliveryState.PENDING and redriven.attempts == 0
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.BROADCASTING
    assert world.deliver(advisory_id).done
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.DELIVERED


def test_expiry_unpins_and_ends_the_advisory(world: World) -> None:
    advisory_id = world.approved(expires=world.clock.now() + timedelta(minutes=30))
    world.deliver(advisory_id)
    assert world.fake().pinned == ["p1"]
    world.clock.advance(minutes=31)
    report = world.app.operations.sweep()
    assert report.expired == [advisory_id]
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.EXPIRED
    assert world.fake().pinned == [] and world.store.get_channel(MASTODON).pinned is None


def test_a_failed_pin_is_retried_by_the_sweeper(world: World) -> None:
    advisory_id = world.approved()
    fake = world.fake()
    original_pin = fake.pin
    fake.pin = lambda post, previous=None: (_ for _ in ()).throw(RetryableError("429", retry_after_s=1))
    world.deliver(advisory_id)
    assert world.row(advisory_id).pin_state is PinState.PIN_FAILED
    fake.pin = original_pin
    assert world.app.operations.sweep().repinned == [MASTODON]
    assert world.row(advisory_id).pin_state is PinState.PINNED and fake.pinned == ["p1"]


def test_a_delivery_being_reconciled_by_another_worker_is_left_alone(world: World) -> None:
    advisory_id = world.approved()
    row = world.row(advisory_id)
    world.store.commit([revise(row, state=DeliveryState.RECONCILING,
                               lease_until=world.clock.now() + timedelta(seconds=10))[1]])
    outcome = world.deliver(advisory_id)
    assert not outcome.done and 10 <= outcome.retry_after_s <= 11
    assert world.fake().calls == [] and world.row(advisory_id).state is DeliveryState.RECONCILING


# -- a worker's batch: one read, one claim, posts in parallel, one completion check ----------------
class CountingStore(InMemoryStore):
    """Counts batch reads and commits; `after_load` runs between the read and the claim."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0
        self.commits: list[int] = []  # puts per commit
        self.after_load: Any = None

    def load_deliveries(self, pairs: Any) -> Any:
        self.loads += 1
        loaded = super().load_deliveries(pairs)
        if self.after_load:
            self.after_load()
        return loaded

    def commit(self, puts: Any, events: Any = ()) -> Any:
        self.commits.append(len(puts))
        return super().commit(puts, events)


BATCH = [MASTODON, "slack:staff", "discord:community"]


@pytest.fixture
def counting_world() -> World:
    world = World.__new__(World)
    store = CountingStore()
    world.clock, world.store, world.channels = FixedClock(), store, FakeChannels()
    world.alerts, world.redriver = RecordingAlerts(), RecordingRedriver()
    world.app = composition.build(store, RecordingPublisher(), world.clock, "local", channels=world.channels,
                                  alerts=world.alerts, redriver=world.redriver)
    seed(store)
    world.delivery = world.app.delivery
    return world


def jobs(world: World, advisory_id: str, accounts: list[str]) -> list[Job]:
    content_hash = world.store.get_advisory(advisory_id).content_hash()
    return [Job(advisory_id, a, content_hash) for a in accounts]


def test_a_batch_is_read_once_and_claimed_in_one_commit(counting_world: World) -> None:
    world, store = counting_world, counting_world.store
    advisory_id = world.approved(channels=BATCH)
    store.commits.clear()
    attempts = world.delivery.prepare(jobs(world, advisory_id, BATCH))
    assert store.loads == 1 and store.commits == [3]  # one read, one claim of all three
    assert all(a.claimed and a.delivery.state is DeliveryState.SENDING and a.delivery.attempts == 1
               for a in attempts)
    assert all(world.delivery.carry_out(a).done for a in attempts)
    world.delivery.complete([advisory_id, advisory_id])
    assert all(len(world.fake(a).posts) == 1 for a in BATCH)
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.DELIVERED
    claims = [e.summary for e in world.store.audit_entries() if "pending -> sending" in e.summary]
    assert sorted(claims) == sorted(f"{a}: pending -> sending: attempt 1" for a in BATCH)


def test_a_batch_claim_that_loses_a_race_claims_one_by_one(counting_world: World) -> None:
    """Another worker claims one delivery between our read and our claim: our batch claim writes
    nothing, the other two are claimed on their own, and the held one is left to its holder."""
    world, store = counting_world, counting_world.store
    advisory_id = world.approved(channels=BATCH)

    def another_worker_claims_slack() -> None:
        store.after_load = None
        held = store.get_delivery(advisory_id, "slack:staff")
        store.commit([revise(held, state=DeliveryState.SENDING, attempts=1,
                             lease_until=world.clock.now() + timedelta(seconds=30))[1]])

    store.after_load = another_worker_claims_slack
    attempts = world.delivery.prepare(jobs(world, advisory_id, BATCH))
    assert not any(a.claimed for a in attempts)
    outcomes = {a.job.account_id: world.delivery.carry_out(a) for a in attempts}
    assert outcomes[MASTODON].done and outcomes["discord:community"].done
    assert not outcomes["slack:staff"].done  # look again later: the other worker holds it
    assert world.fake("slack:staff").posts == [] and len(world.fake(MASTODON).posts) == 1
    assert world.row(advisory_id, "slack:staff").state is DeliveryState.SENDING


def test_a_batch_leaves_what_is_not_owed_now(counting_world: World) -> None:
    """Final, backing off, or unknown (to be reconciled first): none of these is batch-claimed."""
    world, store = counting_world, counting_world.store
    advisory_id = world.approved(channels=BATCH)
    world.deliver(advisory_id)  # mastodon: sent
    slack = world.row(advisory_id, "slack:staff")
    store.commit([revise(slack, next_attempt_at=world.clock.now() + timedelta(seconds=60))[1]])
    discord = world.row(advisory_id, "discord:community")
    store.commit([revise(discord, state=DeliveryState.UNKNOWN)[1]])
    store.commits.clear()
    attempts = world.delivery.prepare(jobs(world, advisory_id, BATCH))
    assert store.commits == [] and not any(a.claimed for a in attempts)
    outcomes = {a.job.account_id: world.delivery.carry_out(a) for a in attempts}
    assert outcomes[MASTODON].done and len(world.fake(MASTODON).posts) == 1
    assert outcomes["slack:staff"].retry_after_s == pytest.approx(60)
    assert outcomes["discord:community"].done  # reconciled: not found, so posted once
    assert len(world.fake("discord:community").posts) == 1


def test_a_link_given_only_on_request_is_asked_after_the_post_is_recorded(world: World) -> None:
    """Slack returns no link from its post call: the delivery is recorded sent first (final at
    once), then the link is asked for and written with the pin."""
    advisory_id = world.approved()
    fake = world.fake()
    fake.link_on_post = False
    assert world.deliver(advisory_id).done
    assert fake.calls == ["publish", "permalink p1", "pin p1"]
    row = world.row(advisory_id)
    assert row.post_url == "https://fake/p1" and row.pin_state is PinState.PINNED
    summaries = [e.summary for e in world.store.audit_entries() if e.advisory_id == advisory_id]
    assert f"{MASTODON}: sending -> sent: posted p1" in summaries


def test_a_link_is_recorded_even_where_nothing_is_pinned(world: World) -> None:
    advisory_id = world.approved()
    fake = world.fake()
    fake.link_on_post = False
    fake.capabilities = Capabilities(threads=True, can_find=True)  # no pins
    world.deliver(advisory_id)
    assert world.row(advisory_id).post_url == "https://fake/p1"


def test_two_messages_for_one_delivery_in_one_batch_post_once(counting_world: World) -> None:
    """A redrive and the original message can arrive in the same batch: one post, one claim."""
    world, store = counting_world, counting_world.store
    advisory_id = world.approved(channels=BATCH)
    store.commits.clear()
    twice = jobs(world, advisory_id, BATCH) + jobs(world, advisory_id, [MASTODON])
    attempts = world.delivery.prepare(twice)
    assert store.commits == [3] and [a.claimed for a in attempts] == [True, True, True, False]
    assert all(world.delivery.carry_out(a).done for a in attempts)
    assert len(world.fake(MASTODON).posts) == 1 and world.row(advisory_id).attempts == 1


# -- approval and broadcast ------------------------------------------------------------------------
def submitted(world: World) -> Any:
    content = AdvisoryContent(headline="Boil water notice", instruction="Boil water.", event="Boil Water",
                              urgency="Immediate", severity="Severe", certainty="Observed",
                              area_desc="Riverside", channels=[MASTODON])
    draft = world.app.advisories.create(AUTHOR, content)
    world.app.advisories.submit(AUTHOR, draft.id)
    return draft


def test_approval_and_broadcast_are_one_commit(world: World) -> None:
    draft = submitted(world)
    before = {e.hash for e in world.store.audit_entries()}
    result = world.app.advisories.approve(APPROVER, draft.id)
    assert result.published and result.advisory.state is AdvisoryState.BROADCASTING
    new = [e for e in world.store.audit_entries() if e.hash not in before]
    assert [e.action for e in new] == ["approve", "broadcast", "broadcast_published"]
    assert world.row(draft.id).state is DeliveryState.PENDING


def test_an_account_disabled_before_approval_keeps_the_approval_and_refuses_the_broadcast(world: World) -> None:
    from chalicelib.domain.errors import ScreeningFailed

    draft = submitted(world)
    account = world.store.get_channel(MASTODON)
    world.store.commit([revise(account, enabled=False)[1]])
    with pytest.raises(ScreeningFailed):
        world.app.advisories.approve(APPROVER, draft.id)
    stored = world.store.get_advisory(draft.id)
    assert stored.state is AdvisoryState.APPROVED and stored.approval.by == APPROVER.id
    assert world.store.deliveries_for(draft.id) == []
    world.store.commit([revise(world.store.get_channel(MASTODON), enabled=True)[1]])
    assert world.app.advisories.broadcast(APPROVER, stored).published  # e.g. the sweeper's release


def test_a_pin_left_behind_by_a_failed_unpin_is_taken_down_once_a_newer_advisory_holds_it(world: World) -> None:
    first = world.approved()
    world.deliver(first)  # p1 pinned
    second = world.approved()
    fake = world.fake()
    original_unpin = fake.unpin

    def unpin_fails_once(post: Any) -> None:
        fake.unpin = original_unpin
        raise RetryableError("503 from the platform")

    fake.unpin = unpin_fails_once
    world.deliver(second)  # p2 pinned on the platform, p1's unpin failed: pin_failed
    assert world.row(second).pin_state is PinState.PIN_FAILED and set(fake.pinned) == {"p1", "p2"}
    third = world.approved()
    world.deliver(third)  # p3 pinned, p1 (the recorded pin) unpinned; p2 is left behind
    assert set(fake.pinned) == {"p2", "p3"}
    world.app.operations.sweep()  # the sweeper retries p2's pin: a newer one holds it, so p2 comes down
    assert fake.pinned == ["p3"] and world.row(second).pin_state is PinState.UNPINNED
    assert world.store.get_channel(MASTODON).pinned.advisory_id == third


# -- one pin rotation at a time per account (the pin lease) ------------------------------------------

def hold_pin_lease(world: World, holder: str, seconds: float, account: str = MASTODON) -> None:
    from chalicelib.domain.models import PinLease

    current = world.store.get_channel(account)
    world.store.commit([revise(current, pin_lease=PinLease(holder=holder, until=world.clock.now()
                                                           + timedelta(seconds=seconds)))[1]])


def short_lease_wait(world: World, seconds: float) -> None:
    import dataclasses

    from chalicelib.services.pins import PinLeases

    world.delivery.pins.leases = PinLeases(world.store, world.clock,
                                           dataclasses.replace(world.delivery.policy, pin_wait_s=seconds))


def test_the_usual_pin_takes_the_lease_in_the_commit_that_records_the_post(world: World) -> None:
    advisory_id = world.approved()
    commits, reads = [], []
    commit, get_channel = world.store.commit, world.store.get_channel
    world.store.commit = lambda puts, events=(): commits.append([type(p.item).__name__ for p in puts]) or commit(puts, events)
    world.store.get_channel = lambda account_id: reads.append(account_id) or get_channel(account_id)
    world.deliver(advisory_id)
    assert commits[:3] == [["DeliveryRecord"], ["DeliveryRecord", "ChannelAccount"], ["ChannelAccount", "DeliveryRecord"]]
    assert reads == [MASTODON]  # the batch's read (load_deliveries here); none again before the pin
    assert world.row(advisory_id).pin_state is PinState.PINNED
    assert get_channel(MASTODON).pin_lease is None  # given back with the pin


def test_a_slow_rotation_is_not_overtaken_and_the_newest_advisory_keeps_the_pin(world: World) -> None:
    """Two workers, two advisories, one account: without a lease the newer one pins while the
    older one's pin call is still in flight, and the older post ends up pinned beside it."""
    older, newer = world.approved(), world.approved()
    fake = world.fake()
    in_pin, release = threading.Event(), threading.Event()
    pin = fake.pin

    def slow_first_pin(post: Any, previous: Any = None) -> None:
        if post.post_id == "p1":
            in_pin.set()
            release.wait(5)
        pin(post, previous)

    fake.pin = slow_first_pin
    first = threading.Thread(target=world.deliver, args=(older,))
    first.start()
    assert in_pin.wait(5)
    second = threading.Thread(target=world.deliver, args=(newer,))
    second.start()
    deadline = time.monotonic() + 5
    while len(fake.posts) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # time enough for the newer rotation to overtake, if nothing stopped it
    assert "pin p2" not in fake.calls  # it waits for the older rotation's lease
    release.set()
    first.join(5)
    second.join(5)
    assert fake.pinned == ["p2"] and fake.calls[-2:] == ["pin p2", "unpin p1"]
    account = world.store.get_channel(MASTODON)
    assert account.pinned.advisory_id == newer and account.pin_lease is None
    assert world.row(newer).pin_state is PinState.PINNED


def test_a_lease_that_stays_taken_leaves_the_pin_to_the_sweeper(world: World) -> None:
    short_lease_wait(world, 0.3)
    hold_pin_lease(world, "another-worker", seconds=60)
    advisory_id = world.approved()
    world.deliver(advisory_id)
    row = world.row(advisory_id)
    assert row.state is DeliveryState.SENT and row.pin_state is PinState.PIN_WAITING
    assert world.fake().pinned == []
    world.app.operations.sweep()  # the lease is still taken: the sweeper's try waits too
    assert world.row(advisory_id).pin_state is PinState.PIN_WAITING and world.fake().pinned == []
    world.clock.advance(seconds=61)  # the other worker died holding it: the lease runs out
    world.app.operations.sweep()
    assert world.row(advisory_id).pin_state is PinState.PINNED and world.fake().pinned == ["p1"]


def test_a_waiting_pin_that_a_newer_advisory_overtook_is_not_pinned(world: World) -> None:
    short_lease_wait(world, 0.1)
    older = world.approved()
    hold_pin_lease(world, "another-worker", seconds=60)
    world.deliver(older)
    assert world.row(older).pin_state is PinState.PIN_WAITING
    world.clock.advance(seconds=61)
    newer = world.approved()
    world.deliver(newer)
    world.app.operations.sweep()
    assert world.fake().pinned == ["p2"] and "pin p1" not in world.fake().calls
    assert world.row(older).pin_state is PinState.UNPINNED  # not `none`: the sweeper leaves it be
    assert world.store.get_channel(MASTODON).pinned.advisory_id == newer


def test_an_expired_lease_does_not_block_the_next_rotation(world: World) -> None:
    hold_pin_lease(world, "a-worker-that-died", seconds=-1)
    advisory_id = world.approved()
    world.deliver(advisory_id)
    assert world.row(advisory_id).pin_state is PinState.PINNED and world.fake().pinned == ["p1"]


def test_a_worker_that_stopped_between_the_post_and_the_pin_is_pinned_by_the_sweeper(world: World) -> None:
    class WorkerKilled(BaseException):
        """Lambda's timeout or a crash: nothing the worker catches."""

    advisory_id = world.approved()
    fake = world.fake()
    pin = fake.pin

    def killed(post: Any, previous: Any = None) -> None:
        raise WorkerKilled()

    fake.pin = killed
    with pytest.raises(WorkerKilled):
        world.deliver(advisory_id)
    row = world.row(advisory_id)
    assert row.state is DeliveryState.SENT and row.pin_state is PinState.NONE  # recorded, never pinned
    fake.pin = pin
    world.clock.advance(seconds=30)
    world.app.operations.sweep()  # a rotation may still be under way: left alone
    assert world.row(advisory_id).pin_state is PinState.NONE and fake.pinned == []
    world.clock.advance(seconds=31)  # past the dead worker's pin lease
    assert world.app.operations.sweep().repinned == [MASTODON]
    assert world.row(advisory_id).pin_state is PinState.PINNED and fake.pinned == ["p1"]
    assert world.store.get_channel(MASTODON).pin_lease is None


def two_claimed_on_one_account(world: World, takeover: bool) -> tuple[list[Any], str]:
    """A batch with two advisories for one account: the first one's pin takes longer than the
    second one's claim lasts; with `takeover`, another worker takes the expired claim meanwhile."""
    first, second = world.approved(), world.approved()
    fake = world.fake()
    pin = fake.pin

    def slow_pin(post: Any, previous: Any = None) -> None:
        world.clock.advance(seconds=31)
        row = world.row(second)
        if takeover and row.state is DeliveryState.SENDING:
            world.store.commit([revise(row, attempts=row.attempts + 1,
                                       lease_until=world.clock.now() + timedelta(seconds=30))[1]])
        pin(post, previous)

    fake.pin = slow_pin
    jobs = [Job(a, MASTODON, world.store.get_advisory(a).content_hash()) for a in (first, second)]
    attempts = world.delivery.prepare(jobs)
    assert all(a.claimed for a in attempts)  # one batch claim for both
    return [world.delivery.carry_out(a) for a in attempts], second


def test_a_claim_that_ran_out_while_its_batch_was_busy_is_not_posted(world: World) -> None:
    outcomes, second = two_claimed_on_one_account(world, takeover=True)
    assert outcomes[0].done and not outcomes[1].done
    assert len(world.fake().posts) == 1  # only the first: the second is the other worker's now
    assert world.row(second).state is DeliveryState.SENDING and world.row(second).attempts == 2


def test_a_claim_more_than_half_gone_is_renewed_before_the_post(world: World) -> None:
    outcomes, second = two_claimed_on_one_account(world, takeover=False)
    assert all(o.done for o in outcomes) and len(world.fake().posts) == 2
    assert world.row(second).state is DeliveryState.SENT
    assert any("lease renewed before the post" in e.summary for e in world.store.audit_entries())


def test_a_batch_records_every_post_before_it_pins(world: World) -> None:
    """With more accounts than the worker has threads (32), the last accounts' posts do not wait
    for the first accounts' pins: every post of the batch is recorded (final) before any pin."""
    from chalicelib import handlers
    from chalicelib.domain.messages import fan_out
    from chalicelib.services.common import create

    seeded = world.store.get_channel(MASTODON)
    accounts = [f"mastodon:copy-{n}" for n in range(40)]
    world.store.commit([create(seeded.model_copy(update={"id": a, "pinned": None}))[1] for a in accounts])
    advisory_id = world.approved(channels=accounts)
    content_hash = world.store.get_advisory(advisory_id).content_hash()
    records = [{"messageId": f"m{n}", "receiptHandle": f"r{n}", "body": message.body(),
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:clarion-local-mastodon"}
               for n, message in enumerate(fan_out(advisory_id, content_hash, accounts))]

    batch = handlers.handle_delivery_batch(world.app, "mastodon", records)

    assert batch.retry == {} and len(batch.jobs) == 40
    steps = [e.summary for e in world.store.audit_entries() if e.advisory_id == advisory_id]
    sent = [n for n, s in enumerate(steps) if "sending -> sent" in s]
    pinned = [n for n, s in enumerate(steps) if ": pin" in s]
    assert len(sent) == 40 and len(pinned) == 40 and max(sent) < min(pinned)
    assert all(world.fake(a).calls[-1].startswith("pin") for a in accounts)
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.DELIVERED


@pytest.mark.parametrize("owed,claims", [(49, [49]), (50, [49, 1]), (143, [49, 49, 45])])
def test_a_batch_claims_as_many_deliveries_as_one_transaction_holds(counting_world: World, owed: int,
                                                                     claims: list[int]) -> None:
    """Each claim commit: every delivery and its audit entry, plus one chain head (99 items)."""
    from chalicelib.services.common import create

    world, store = counting_world, counting_world.store
    seeded = store.get_channel(MASTODON)
    accounts = [f"mastodon:copy-{n}" for n in range(owed)]
    for start in range(0, owed, 50):
        store.commit([create(seeded.model_copy(update={"id": a, "pinned": None}))[1]
                      for a in accounts[start:start + 50]])
    advisory_id = world.approved(channels=accounts)
    store.commits.clear()
    attempts = world.delivery.prepare(jobs(world, advisory_id, accounts))
    assert store.commits == claims and all(a.claimed for a in attempts)
