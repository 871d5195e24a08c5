"""Pure domain rules and the services on in-memory adapters (fast, no AWS)."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest

from chalicelib import composition
from fakes import FakeChannels, FixedClock, InMemoryStore, RecordingAlerts, RecordingPublisher, RecordingRedriver
from chalicelib.domain import audit, lifecycle, placeholders
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.models import (Advisory, AdvisoryContent, AdvisoryState, Approval, AuditEvent,
                                      MsgType, ParameterType, Role, Template, TemplateParameter, TemplateState,
                                      User)
from chalicelib.seed import seed
from chalicelib.services.audit_trail import _safe_cell

AUTHOR = User(id="author", name="A", roles=frozenset({Role.SPOKESPERSON}))
APPROVER = User(id="approver", name="B", roles=frozenset({Role.APPROVER}))


def content(**overrides: object) -> AdvisoryContent:
    fields: dict[str, object] = dict(
        headline="Measles exposure at Central Station", instruction="Check your vaccination record.",
        event="Measles", urgency="Expected", severity="Moderate", certainty="Likely",
        area_desc="Central Station", channels=["mastodon:city-health"])
    fields.update(overrides)
    return AdvisoryContent.model_validate(fields)


@pytest.fixture
def services() -> composition.Clarion:
    clock = FixedClock()
    built = composition.build(InMemoryStore(), RecordingPublisher(), clock, "local", channels=FakeChannels(),
                              alerts=RecordingAlerts(), redriver=RecordingRedriver())
    seed(built.store)
    return built


def test_every_state_has_a_way_forward_or_is_final() -> None:
    reachable = {to for _, to in lifecycle.TRANSITIONS.values() if to} | {
        AdvisoryState.DELIVERED, AdvisoryState.PARTIALLY_DELIVERED, AdvisoryState.FAILED}
    assert reachable | {AdvisoryState.DRAFT} == set(AdvisoryState)


def test_an_illegal_move_names_the_current_state() -> None:
    advisory = Advisory(content=content(), author="a", state=AdvisoryState.REJECTED)
    with pytest.raises(Conflict) as error:
        lifecycle.require(advisory, Action.APPROVE)
    assert error.value.details["state"] == "rejected"


@pytest.mark.parametrize("sent,failed,state", [(3, 0, "delivered"), (2, 1, "partially_delivered"),
                                               (0, 3, "failed"), (0, 0, "failed")])
def test_delivery_outcome(sent: int, failed: int, state: str) -> None:
    assert lifecycle.delivery_outcome(sent, failed).value == state


def test_the_content_hash_changes_with_any_field() -> None:
    a = Advisory(content=content(), author="a")
    b = a.model_copy(update={"content": content(hashtags=["Measles"])})
    assert a.content_hash() != b.content_hash()
    assert a.content_hash() == a.model_copy(update={"state": AdvisoryState.APPROVED}).content_hash()


def test_the_service_flow_publishes_once_on_the_fakes(services: composition.Clarion) -> None:
    advisory = services.advisories.create(AUTHOR, content())
    services.advisories.submit(AUTHOR, advisory.id)
    result = services.advisories.approve(APPROVER, advisory.id)
    publisher = services.advisories._publisher
    assert isinstance(publisher, RecordingPublisher)
    assert [e.advisory_id for e in publisher.published] == [advisory.id]
    assert publisher.published[0].platforms == ("mastodon",)
    assert result.advisory.state is AdvisoryState.BROADCASTING
    with pytest.raises(Forbidden):
        services.advisories.approve(AUTHOR, advisory.id)


def test_scheduled_advisories_are_released_when_due(services: composition.Clarion) -> None:
    clock = services.advisories._clock
    assert isinstance(clock, FixedClock)
    advisory = services.advisories.create(AUTHOR, content(effective=clock.now() + timedelta(minutes=30)))
    services.advisories.submit(AUTHOR, advisory.id)
    assert services.advisories.approve(APPROVER, advisory.id).advisory.state is AdvisoryState.APPROVED
    scheduler = composition.system_actor("scheduler")
    assert services.advisories.release_due(scheduler) == []
    clock.advance(minutes=31)
    [released] = services.advisories.release_due(scheduler)
    assert released.advisory.state is AdvisoryState.BROADCASTING and released.published


def test_expiry_before_now_blocks_submit(services: composition.Clarion) -> None:
    clock = services.advisories._clock
    assert isinstance(clock, FixedClock)
    advisory = services.advisories.create(AUTHOR, content(expires=clock.now() + timedelta(minutes=5)))
    clock.advance(minutes=10)
    with pytest.raises(Exception) as error:
        services.advisories.submit(AUTHOR, advisory.id)
    assert [f["code"] for f in error.value.details] == ["expired"]


def test_expires_must_follow_effective() -> None:
    with pytest.raises(ValueError):
        content(effective="2030-01-02T00:00:00Z", expires="2030-01-01T00:00:00Z")


def test_verify_on_the_in_memory_chain_detects_each_kind_of_tampering() -> None:
    store = InMemoryStore()
    store.commit([], [AuditEvent(actor=f"a{n}", action="x") for n in range(5)])  # one chain
    [(chain, head)] = store.audit_heads().items()
    entries = store.audit_chain(chain)
    assert audit.verify(entries, head).intact
    modified = [*entries[:2], entries[2].model_copy(update={"summary": "changed"}), *entries[3:]]
    assert audit.verify(modified, head).first_broken_seq == 3
    deleted = [*entries[:1], *entries[2:]]
    assert audit.verify(deleted, head).first_broken_seq == 2
    reordered = [entries[0], entries[2].model_copy(update={"seq": 2}),
                 entries[1].model_copy(update={"seq": 3}), *entries[3:]]
    assert audit.verify(reordered, head).first_broken_seq == 2
    truncated = entries[:4]
    assert audit.verify(truncated, head).first_broken_seq == 5


def test_placeholders_fill_once_and_only_declared_names() -> None:
    assert placeholders.fill({"a": ["x {b} {c}"]}, {"b": "{c}", "c": "C"}) == {"a": ["x {c} C"]}
    assert sorted(placeholders.placeholders_in({"a": "{x} {y}", "b": ["{x}"]})) == ["x", "x", "y"]


@pytest.mark.parametrize("ptype,raw,ok", [
    (ParameterType.INTEGER, "42", True), (ParameterType.INTEGER, True, False),
    (ParameterType.INTEGER, "4.2", False), (ParameterType.DATE, "2026-11-30", True),
    (ParameterType.DATE, "30/11/2026", False), (ParameterType.DATETIME, "2026-11-30T10:00:00+01:00", True),
    (ParameterType.DATETIME, "2026-11-30T10:00:00", False), (ParameterType.STRING, "line\x07", False),
    (ParameterType.STRING, 12, False),
])
def test_parameter_types(ptype: ParameterType, raw: object, ok: bool) -> None:
    schema = [TemplateParameter(name="p", type=ptype)]
    _, problems = placeholders.validate_parameters(schema, {"p": raw})
    assert (problems == []) is ok


@pytest.mark.parametrize("cell,safe", [("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("@cmd", "'@cmd"),
                                       ("plain", "plain"), (None, "")])
def test_csv_cells_never_start_a_formula(cell: object, safe: str) -> None:
    assert _safe_cell(cell) == safe


def test_the_delivery_message_is_written_and_read_by_one_schema() -> None:
    from pydantic import ValidationError

    from chalicelib.adapters.sqs import delivery_message
    from chalicelib.domain.messages import DeliveryMessage

    content_hash = "ab" * 32
    message = DeliveryMessage(advisory_id="adv_1", content_hash=content_hash,
                              channel_accounts=("sms:subscribers", "mastodon:city-health", "mastodon:drills"))
    assert message.platforms == ("mastodon", "sms")
    assert message.accounts_on("mastodon") == ["mastodon:city-health", "mastodon:drills"]
    assert DeliveryMessage.parse(message.body()) == message
    # A redrive writes the same schema.
    assert DeliveryMessage.parse(delivery_message("adv_1", content_hash, ["sms:subscribers"])).accounts_on("sms") \
        == ["sms:subscribers"]
    for bad in ('{"advisory_id": "adv_1", "content_hash": "nothex", "channel_accounts": ["sms:x"]}',
                f'{{"advisory_id": "adv_1", "content_hash": "{content_hash}", "channel_accounts": []}}',
                "not json", '{"advisory_id": ""}'):
        with pytest.raises(ValidationError):
            DeliveryMessage.parse(bad)


def test_a_channel_account_is_named_for_its_platform() -> None:
    from pydantic import ValidationError

    from chalicelib.domain.models import ChannelAccount

    assert ChannelAccount(id="mastodon:city-health", platform="mastodon", name="City").platform == "mastodon"
    with pytest.raises(ValidationError, match="starts with 'slack:'"):
        ChannelAccount(id="mastodon:city-health", platform="slack", name="City")


# -- the transitions on the records: checked by the lifecycle table, applied as the next revision ---------
AT = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def advisory_in(state: AdvisoryState, **fields: object) -> Advisory:
    return Advisory.model_validate({"content": content(), "author": "author", "state": state,
                                    "revision": 3, **fields})


def approved_advisory(**fields: object) -> Advisory:
    advisory = advisory_in(AdvisoryState.APPROVED, **fields)
    return advisory.model_copy(update={"approval": Approval(by="approver", at=AT,
                                                            content_hash=advisory.content_hash())})


def refused(move: object, advisory: Advisory, action: Action) -> Conflict:
    """The 409 the API answers for an illegal move (the details lifecycle.require gives)."""
    assert callable(move)
    with pytest.raises(Conflict) as error:
        move()
    assert error.value.message == f"cannot {action.value} an advisory that is {advisory.state.value}"
    allowed = sorted(s.value for s in lifecycle.TRANSITIONS[action][0])
    assert error.value.details == {"state": advisory.state.value, "action": action.value, "allowed_from": allowed}
    return error.value


def test_edit_returns_a_draft_without_the_approval_and_says_what_it_voided() -> None:
    advisory = approved_advisory(rejection={"by": "approver", "at": AT, "reason": "wording"})
    new_content = content(headline="Measles exposure at Central Station, platform 4")
    edited, event = advisory.edit(new_content, "author", AT)
    assert edited.state is AdvisoryState.DRAFT and edited.content == new_content
    assert edited.approval is None and edited.rejection == advisory.rejection  # the reason stays in view
    assert (edited.revision, edited.updated_at, edited.id) == (4, AT, advisory.id)
    assert (event.actor, event.action, event.advisory_id) == ("author", "edit", advisory.id)
    assert event.summary == "edited; the approval is void (was approved, back to draft)"
    assert advisory.state is AdvisoryState.APPROVED and advisory.revision == 3  # the record read is untouched
    assert advisory_in(AdvisoryState.DRAFT).edit(new_content, "author", AT)[1].summary == "edited"
    live = advisory_in(AdvisoryState.BROADCASTING)
    refused(lambda: live.edit(new_content, "author", AT), live, Action.EDIT)


def test_submit_stamps_the_time_and_names_the_content() -> None:
    draft = advisory_in(AdvisoryState.DRAFT)
    submitted, event = draft.submit("author", AT)
    assert submitted.state is AdvisoryState.PENDING_APPROVAL and submitted.revision == 4
    assert submitted.submitted_at == submitted.updated_at == AT
    assert (event.actor, event.action, event.summary) == ("author", "submit", f"content {draft.content_hash()[:12]}")
    pending = advisory_in(AdvisoryState.PENDING_APPROVAL)
    refused(lambda: pending.submit("author", AT), pending, Action.SUBMIT)


def test_approve_binds_the_reviewed_content_hash() -> None:
    pending = advisory_in(AdvisoryState.PENDING_APPROVAL)
    approved, event = pending.approve("approver", AT, reviewed_hash=pending.content_hash())
    assert approved.state is AdvisoryState.APPROVED and approved.revision == 4 and approved.updated_at == AT
    assert approved.approval == Approval(by="approver", at=AT, content_hash=pending.content_hash())
    assert approved.approval_is_valid and approved.approved_hash() == pending.content_hash()
    edited = approved.model_copy(update={"content": approved.content.model_copy(update={"headline": "Other"})})
    assert edited.approved_hash() is None and not edited.approval_is_valid  # the approval no longer holds
    assert pending.approved_hash() is None  # nothing approved yet
    assert (event.actor, event.action, event.advisory_id) == ("approver", "approve", pending.id)
    assert event.summary == f"approved content {pending.content_hash()[:12]}"
    with pytest.raises(Conflict) as stale:
        pending.approve("approver", AT, reviewed_hash="0" * 64)
    assert stale.value.message == "the advisory changed since you reviewed it; review it again"
    assert stale.value.details == {"reviewed_hash": "0" * 64, "content_hash": pending.content_hash()}
    rejected = advisory_in(AdvisoryState.REJECTED)
    refused(lambda: rejected.approve("approver", AT), rejected, Action.APPROVE)


def test_reject_and_withdraw_keep_who_when_and_why() -> None:
    pending = advisory_in(AdvisoryState.PENDING_APPROVAL)
    rejected, event = pending.reject("approver", AT, "cite the clinic")
    assert rejected.state is AdvisoryState.REJECTED and rejected.revision == 4
    assert rejected.rejection is not None and (rejected.rejection.by, rejected.rejection.reason) == (
        "approver", "cite the clinic")
    assert (event.actor, event.action, event.summary) == ("approver", "reject", "cite the clinic")
    withdrawn, event = rejected.withdraw("author", AT, "duplicate")
    assert withdrawn.state is AdvisoryState.WITHDRAWN and withdrawn.revision == 5
    assert withdrawn.withdrawal is not None and withdrawn.withdrawal.reason == "duplicate"
    assert (event.action, event.summary) == ("withdraw", "withdrawn (was rejected): duplicate")
    assert pending.withdraw("author", AT)[1].summary == "withdrawn (was pending_approval)"
    refused(lambda: rejected.reject("approver", AT, "again"), rejected, Action.REJECT)
    approved = approved_advisory()
    refused(lambda: approved.withdraw("author", AT), approved, Action.WITHDRAW)


def test_start_broadcasting_needs_an_approval_of_this_content() -> None:
    approved = approved_advisory()
    broadcasting, event = approved.start_broadcasting("approver", AT)
    assert broadcasting.state is AdvisoryState.BROADCASTING and broadcasting.revision == 4
    assert (event.actor, event.action, event.summary) == ("approver", "broadcast", "1 deliveries pending")
    changed = approved.model_copy(update={"content": content(headline="Something else")})
    with pytest.raises(Conflict) as error:
        changed.start_broadcasting("approver", AT)
    assert error.value.message == "the approval does not match the content; it must be approved again"
    assert error.value.details == {"state": "approved"}
    draft = advisory_in(AdvisoryState.DRAFT)
    refused(lambda: draft.start_broadcasting("approver", AT), draft, Action.BROADCAST)


def test_redrive_reopens_and_expiry_closes_a_live_advisory() -> None:
    failed = advisory_in(AdvisoryState.FAILED)
    reopened, event = failed.reopen_for_redrive("oncall", AT, 2)
    assert reopened.state is AdvisoryState.BROADCASTING and reopened.revision == 4
    assert (event.actor, event.action, event.summary) == ("oncall", "retry", "reopened to redrive 2 deliveries")
    delivered = advisory_in(AdvisoryState.DELIVERED)
    refused(lambda: delivered.reopen_for_redrive("oncall", AT, 1), delivered, Action.REDRIVE)
    expired, event = delivered.expire("system:sweeper", AT)
    assert expired.state is AdvisoryState.EXPIRED and expired.revision == 4 and expired.updated_at == AT
    assert (event.actor, event.action, event.summary) == ("system:sweeper", "expire", "past its expiry time")
    refused(lambda: expired.expire("system:sweeper", AT), expired, Action.EXPIRE)


def test_a_follow_up_supersedes_or_cancels_a_live_advisory() -> None:
    live = advisory_in(AdvisoryState.PARTIALLY_DELIVERED)
    superseded, cancelled = live.supersede(AT), live.cancel(AT)
    assert (superseded.state, superseded.revision, superseded.updated_at) == (AdvisoryState.SUPERSEDED, 4, AT)
    assert (cancelled.state, cancelled.revision) == (AdvisoryState.CANCELLED, 4)
    refused(lambda: superseded.supersede(AT), superseded, Action.SUPERSEDE)
    refused(lambda: superseded.cancel(AT), superseded, Action.CANCEL)


def test_a_cancel_going_out_cancels_what_it_references(services: composition.Clarion) -> None:
    original = services.advisories.create(AUTHOR, content())
    services.advisories.submit(AUTHOR, original.id)
    services.advisories.approve(APPROVER, original.id)
    before = services.advisories.get(original.id)
    cancel = services.advisories.follow_up(AUTHOR, original.id, MsgType.CANCEL)
    services.advisories.submit(AUTHOR, cancel.id)
    services.advisories.approve(APPROVER, cancel.id)
    after = services.advisories.get(original.id)
    assert after.state is AdvisoryState.CANCELLED and after.revision == before.revision + 1


def test_template_approval_is_bound_to_its_content_and_happens_once() -> None:
    template = Template(name="Boil water", content={"headline": "Boil water in {area}"},
                        parameters=[TemplateParameter(name="area")], author="admin", revision=1)
    approved, event = template.approve("admin2", AT)
    assert approved.state is TemplateState.APPROVED and approved.revision == 2
    assert approved.approval == Approval(by="admin2", at=AT, content_hash=template.content_hash())
    assert (event.actor, event.action, event.advisory_id) == ("admin2", "template_approve", None)
    assert event.summary == f"{template.id}: Boil water"
    assert template.state is TemplateState.DRAFT and template.revision == 1
    with pytest.raises(Conflict) as error:
        approved.approve("admin3", AT)
    assert error.value.message == "this template is already approved"
    assert error.value.details == {"state": "approved"}


def test_a_hashtag_typed_with_its_hash_is_stored_without_it() -> None:
    from chalicelib.domain.models import AdvisoryContent

    content = AdvisoryContent(headline="Heat", hashtags=["#HeatWave", "HeatWave", "Summer"])
    assert content.hashtags == ["HeatWave", "Summer"]
    with pytest.raises(ValueError):
        AdvisoryContent(headline="Heat", hashtags=["#Heat Wave"])


def test_a_link_pasted_without_its_scheme_means_https() -> None:
    from chalicelib.domain.models import AdvisoryContent

    assert str(AdvisoryContent(headline="Heat", web="health.example.org/heat").web) == "https://health.example.org/heat"
    assert str(AdvisoryContent(headline="Heat", web="www.example.org").web) == "https://www.example.org/"
    with pytest.raises(ValueError):
        AdvisoryContent(headline="Heat", web="ftp://example.org/x")
