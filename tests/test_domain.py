"""Pure domain rules and the services on in-memory adapters (fast, no AWS)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import composition
from fakes import FakeChannels, FixedClock, InMemoryStore, RecordingAlerts, RecordingPublisher, RecordingRedriver
from chalicelib.domain import audit, lifecycle, placeholders
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.models import (Advisory, AdvisoryContent, AdvisoryState, AuditEvent,
                                      ParameterType, Role, TemplateParameter, User)
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
    for n in range(5):
        store.commit([], [AuditEvent(actor=f"a{n}", action="x")])
    entries = list(store.audit_entries())
    head = store.audit_head()
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
