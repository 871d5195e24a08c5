"""Readiness checks (issue 14): the service (record, audit on change only, page once), the routes
through chalice.test.Client on moto with the sandbox platforms over HTTP, the daily `readiness`
function through the test client's Lambda, and the API's runner that asks that function."""
from __future__ import annotations

import io
import json
import threading
import time
from datetime import datetime, timedelta, UTC
from typing import Any
from collections.abc import Iterator

import boto3
import pytest

from chalicelib import composition
from chalicelib.channels.port import Capabilities, PermanentError, RetryableError, ready, readiness_of, unready
from chalicelib.domain.errors import NotFound, UnavailableError
from chalicelib.domain.models import ChannelAccount, Readiness, ReadinessProblem, User, ALL_ROLES
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.services import readiness as service
from chalicelib.services.common import create, revise
from chalicelib.services.readiness import AccountChecks, CheckRequest, ReadinessService, marker_key
from conftest import Api
from fakes import FixedClock, InMemoryStore, RecordingAlerts, capture

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ADMIN = User(id="demo-admin", name="Lee Admin", roles=ALL_ROLES)


# -- the service, with fakes ------------------------------------------------------------------------------
class Scripted:
    """A channel whose check answers what the test says (`answer`), optionally after a wait."""

    capabilities = Capabilities()

    def __init__(self) -> None:
        self.answer: Readiness | Exception = ready(can_pin=True)
        self.checks = 0
        self.before: Any = None  # called at the start of each check (a barrier, a sleep)

    def check(self) -> Readiness:
        self.checks += 1
        if self.before:
            self.before()
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class Channels:
    def __init__(self) -> None:
        self.by_id: dict[str, Scripted] = {}
        self.refuse: dict[str, Exception] = {}  # building the adapter fails (no credentials...)

    def channel(self, account: ChannelAccount) -> Scripted:
        if account.id in self.refuse:
            raise self.refuse[account.id]
        return self.by_id.setdefault(account.id, Scripted())


class World:
    def __init__(self, *account_ids: str) -> None:
        self.store, self.clock, self.alerts, self.channels = InMemoryStore(), FixedClock(NOW), RecordingAlerts(), Channels()
        for account_id in account_ids or ("mastodon:city-health",):
            platform = account_id.split(":")[0]
            self.store.commit([create(ChannelAccount(id=account_id, platform=platform, name=account_id))[1]])
        self.checks = AccountChecks(self.store, self.channels, self.alerts, self.clock)
        self.service = ReadinessService(self.store, self.checks)

    def channel(self, account_id: str = "mastodon:city-health") -> Scripted:
        return self.channels.by_id.setdefault(account_id, Scripted())

    def check(self, account_id: str = "mastodon:city-health") -> ChannelAccount:
        return self.service.check(ADMIN, account_id)

    def health(self, account_id: str = "mastodon:city-health") -> Readiness:
        account = self.store.get_channel(account_id)
        assert account is not None and account.health is not None
        return account.health

    def trail(self) -> list[str]:
        return [e.summary for e in self.store.audit_entries() if e.action == service.ACTION]


@pytest.fixture
def world() -> World:
    return World()


REVOKED = readiness_of(PermanentError("Mastodon refused the credentials (HTTP 401)", status=401), credentials=True)


def test_a_healthy_check_is_recorded_without_a_page(world: World) -> None:
    account = world.check()
    assert account.health is not None and account.health.healthy and account.health.checked_at == NOW
    assert world.alerts.sent == [] and len(world.trail()) == 1  # never checked -> healthy is a change
    world.clock.advance(days=1)
    assert world.check().health.checked_at == NOW + timedelta(days=1)  # type: ignore[union-attr]
    assert len(world.trail()) == 1  # the same finding: the time is recorded, the trail is not lengthened


def test_an_unhealthy_account_pages_once_and_recovery_rearms_the_page(world: World) -> None:
    world.channel().answer = REVOKED
    first = world.check().health
    assert first is not None and first.problem is ReadinessProblem.CREDENTIALS
    assert first.reason.startswith("token revoked or invalid")
    world.clock.advance(days=1)
    world.check()  # the next day: the same problem
    assert len(world.alerts.sent) == 1 and "cannot take a broadcast" in world.alerts.sent[0][0]
    assert "POST /channels/mastodon:city-health/check" in world.alerts.sent[0][1]
    assert world.trail() == ["mastodon:city-health: never checked -> unhealthy (credentials), pin unknown: "
                             "token revoked or invalid: Mastodon refused the credentials (HTTP 401)"]
    assert world.store.get_marker(marker_key("mastodon:city-health")).ref == "credentials"  # type: ignore[union-attr]
    world.channel().answer = ready(can_pin=True)
    world.check()  # fixed: the marker is cleared, nobody is paged for good news
    assert world.store.get_marker(marker_key("mastodon:city-health")).ref is None  # type: ignore[union-attr]
    assert len(world.alerts.sent) == 1 and len(world.trail()) == 2
    world.channel().answer = REVOKED
    world.check()  # it fails again: that is news again
    assert len(world.alerts.sent) == 2 and len(world.trail()) == 3


def test_another_problem_pages_again(world: World) -> None:
    world.channel().answer = unready(ReadinessProblem.PERMISSION, "not permitted: missing scope")
    world.check()
    world.channel().answer = REVOKED
    world.check()
    assert len(world.alerts.sent) == 2


def test_a_platform_outage_neither_pages_nor_clears(world: World) -> None:
    world.channel().answer = REVOKED
    world.check()
    world.channel().answer = readiness_of(RetryableError("Mastodon failed the readiness check (HTTP 503)", status=503))
    outage = world.check().health
    assert outage is not None and outage.problem is ReadinessProblem.UNAVAILABLE
    assert outage.reason.startswith("platform unavailable")
    world.channel().answer = REVOKED
    world.check()  # still the same revoked token: no second page
    assert len(world.alerts.sent) == 1
    fresh = World()
    fresh.channel().answer = readiness_of(RetryableError("429", status=429))
    fresh.check()
    assert fresh.alerts.sent == [] and fresh.store.get_marker(marker_key("mastodon:city-health")) is None


def test_a_token_expiring_within_a_week_pages_once_per_expiry_date(world: World) -> None:
    world.channel().answer = ready(can_pin=True, expires_at=NOW + timedelta(days=30))
    world.check()
    assert world.alerts.sent == []
    world.channel().answer = ready(can_pin=True, expires_at=NOW + timedelta(days=3))
    world.check()
    world.clock.advance(days=1)
    world.check()  # the next day, the same expiry: silent
    assert len(world.alerts.sent) == 1
    subject, message = world.alerts.sent[0]
    assert subject == "Clarion: mastodon:city-health's token expires 2026-11-27" and "Renew it" in message
    world.channel().answer = ready(can_pin=True, expires_at=NOW + timedelta(days=5))  # renewed, for a short while
    world.check()
    assert len(world.alerts.sent) == 2
    world.channel().answer = ready(can_pin=True, expires_at=NOW + timedelta(days=60))  # renewed properly
    world.check()
    assert world.store.get_marker(marker_key("mastodon:city-health")).ref is None  # type: ignore[union-attr]


def test_an_expired_token_is_a_credentials_problem_even_if_the_platform_still_answers(world: World) -> None:
    world.channel().answer = ready(can_pin=True, expires_at=NOW - timedelta(hours=1))
    health = world.check().health
    assert health is not None and health.problem is ReadinessProblem.CREDENTIALS and "expired at" in health.reason
    assert len(world.alerts.sent) == 1


def test_an_account_that_cannot_be_built_is_a_configuration_problem(world: World) -> None:
    world.channels.refuse["mastodon:city-health"] = PermanentError("Channel account mastodon:city-health has no "
                                                                   "secret_ref: store its credentials")
    health = world.check().health
    assert health is not None and health.problem is ReadinessProblem.CONFIGURATION and "secret_ref" in health.reason
    assert len(world.alerts.sent) == 1


def test_a_check_that_crashes_says_nothing_about_the_account(world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.channel().answer = ZeroDivisionError("bug")
    health = world.check().health
    assert health is not None and health.problem is ReadinessProblem.UNAVAILABLE and "ZeroDivisionError" in health.reason
    assert world.alerts.sent == [] and "the check of mastodon:city-health failed" in caplog.text


def test_an_unknown_or_deleted_account_is_404(world: World) -> None:
    with pytest.raises(NotFound):
        world.check("mastodon:nobody")
    account = world.store.get_channel("mastodon:city-health")
    assert account is not None
    if "deleted_at" in ChannelAccount.model_fields:  # tombstones (the admins' channel accounts)
        world.store.commit([revise(account, deleted_at=NOW, enabled=False)[1]])
        with pytest.raises(NotFound):
            world.check()


def test_two_checks_racing_page_once() -> None:
    world = World()
    world.channel().answer = REVOKED
    gate = threading.Barrier(2)
    world.channel().before = lambda: gate.wait(timeout=5)
    other = AccountChecks(world.store, world.channels, world.alerts, world.clock)
    account = world.store.get_channel("mastodon:city-health")
    assert account is not None
    threads = [threading.Thread(target=checks.check, args=(account,)) for checks in (world.checks, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert world.channel().checks == 2 and len(world.alerts.sent) == 1 and len(world.trail()) == 1


def test_every_enabled_account_oldest_check_first_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    world = World("mastodon:a", "mastodon:b", "slack:c", "discord:d")
    d = world.store.get_channel("discord:d")
    assert d is not None
    world.store.commit([revise(d, enabled=False)[1]])
    world.checks.check(world.store.get_channel("mastodon:a"))  # type: ignore[arg-type]
    monkeypatch.setattr(service, "MAX_ACCOUNTS", 2)
    summary = world.checks.run(CheckRequest())
    assert summary.checked == ["mastodon:b", "slack:c"] and summary.not_checked == ["mastodon:a"]  # a: checked before
    assert world.channels.by_id.get("discord:d") is None  # disabled: not asked


def test_a_check_past_the_budget_is_reported_and_records_itself_later(world: World,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    world.channel().before = lambda: time.sleep(0.5)
    started = time.monotonic()
    summary = world.checks.run(CheckRequest(budget_s=0.1))
    assert summary.not_checked == ["mastodon:city-health"] and time.monotonic() - started < 0.4
    monkeypatch.setattr(service, "API_BUDGET_S", 0.1)
    with pytest.raises(UnavailableError, match="did not finish"):  # the API's 503
        ReadinessService(world.store, world.checks).check(ADMIN, "mastodon:city-health")
    deadline = time.monotonic() + 5
    while world.store.get_channel("mastodon:city-health").health is None and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.05)
    assert world.health().healthy


def test_the_request_is_validated() -> None:
    with pytest.raises(ValueError):
        CheckRequest.model_validate({"accounts": ["not an id"]})
    with pytest.raises(ValueError):
        CheckRequest.model_validate({"budget_s": 3600})
    with pytest.raises(ValueError):
        CheckRequest.model_validate({"surprise": 1})
    assert service.run_request({}) == CheckRequest()


# -- through the API, on moto, with the sandbox platforms over HTTP ---------------------------------------------
@pytest.fixture(scope="module")
def platforms() -> Iterator[Any]:
    from local.sandbox import start_sandbox

    server = start_sandbox("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def live(api: Api, aws: Provisioned, platforms: Any) -> Iterator[Api]:
    """The seeded accounts pointed at this test's sandbox; moto answering SES's and SNS's account
    questions, with a raised SMS spend limit and a verified sender (the seed verifies it)."""
    from chalicelib.channels.bluesky import forget_sessions
    from local.sandbox import aws_account

    aws_account.teach_moto()
    aws_account.reset()
    platforms.reset()
    platforms.clear_faults()
    forget_sessions()
    boto3.client("sns").set_sms_attributes(attributes={"MonthlySpendLimit": "500"})
    store = composition.clarion().store
    for account in store.list_channels():
        base = account.settings.get("base_url")
        if base:
            platform = base.rstrip("/").rsplit("/", 1)[-1]
            store.commit([revise(account, settings={**account.settings, "base_url": platforms.base_url(platform)})[1]])
    yield api
    aws_account.reset()


def alerts(aws: Provisioned) -> list[str]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns import sns_backends

    return [n[2] for n in sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].topics[aws.alert_topic_arn].sent_notifications]


def health_trail(api: Api, account_id: str) -> list[dict[str, Any]]:
    entries = api.call("GET", "/audit?limit=1000", "demo-auditor").json_body["entries"]
    return [e for e in entries if e["action"] == service.ACTION and e["summary"].startswith(f"{account_id}:")]


def test_checks_are_for_admins(live: Api) -> None:
    for path in ("/channels/mastodon:city-health/check", "/channels/check"):
        assert live.call("POST", path).status_code == 401
        assert live.call("POST", path, "not-a-token").status_code == 401
        for role in ("demo-oncall", "demo-auditor", "demo-spokesperson", "demo-approver"):
            refused = live.call("POST", path, role)
            assert refused.status_code == 403 and refused.json_body["error"]["code"] == "forbidden"
    trail = live.call("GET", "/audit?actor=demo-oncall", "demo-auditor").json_body["entries"]
    assert trail[-1]["action"] == "refused:channel_check"
    assert live.call("POST", "/channels/mastodon:nobody/check", "demo-admin").status_code == 404


def test_a_check_through_the_api_is_recorded_and_shown_on_get_channels(live: Api, aws: Provisioned) -> None:
    response = live.call("POST", "/channels/mastodon%3Acity-health/check", "demo-admin")
    assert response.status_code == 200, response.json_body
    health = response.json_body["health"]
    assert health["healthy"] is True and health["can_pin"] is None and health["problem"] is None
    listed = {c["id"]: c for c in live.call("GET", "/channels", "demo-spokesperson").json_body["channels"]}
    assert listed["mastodon:city-health"]["health"] == health
    assert listed["x:city-health"]["health"] is None  # never checked
    assert len(health_trail(live, "mastodon:city-health")) == 1 and alerts(aws) == []


def test_a_revoked_token_pages_once_the_trail_shows_changes_and_recovery_rearms(live: Api, aws: Provisioned,
                                                                                platforms: Any) -> None:
    platforms.set_readiness("telegram", "revoked")
    for _ in range(2):
        health = live.call("POST", "/channels/telegram:city-health/check", "demo-admin").json_body["health"]
        assert health["healthy"] is False and health["problem"] == "credentials"
        assert health["reason"].startswith("token revoked or invalid")
    assert len(alerts(aws)) == 1 and "telegram:city-health" in alerts(aws)[0]
    assert len(health_trail(live, "telegram:city-health")) == 1
    platforms.clear_readiness("telegram")  # a new token
    assert live.call("POST", "/channels/telegram:city-health/check", "demo-admin").json_body["health"]["healthy"]
    assert len(alerts(aws)) == 1 and len(health_trail(live, "telegram:city-health")) == 2
    platforms.set_readiness("telegram", "revoked")  # and it breaks again: a new page
    live.call("POST", "/channels/telegram:city-health/check", "demo-admin")
    assert len(alerts(aws)) == 2 and len(health_trail(live, "telegram:city-health")) == 3
    assert live.call("GET", "/audit/verify", "demo-auditor").json_body["intact"] is True


def test_checking_every_account(live: Api, aws: Provisioned, platforms: Any) -> None:
    platforms.set_readiness("slack", "no_pin")
    platforms.set_readiness("facebook", "expires_soon")
    response = live.call("POST", "/channels/check", "demo-admin")
    assert response.status_code == 200, response.json_body
    checked = {c["id"]: c["health"] for c in response.json_body["channels"]}
    enabled = {c["id"] for c in live.call("GET", "/channels", "demo-admin").json_body["channels"] if c["enabled"]}
    assert set(checked) == enabled and response.json_body["not_checked"] == []
    unhealthy = {i: h["reason"] for i, h in checked.items() if not h["healthy"]}
    assert unhealthy == {}, unhealthy
    assert checked["slack:staff"]["can_pin"] is False and checked["x:city-health"]["can_pin"] is False
    assert checked["banner:website"]["can_pin"] is True and "USD" in checked["sms:subscribers"]["reason"]
    expires = datetime.fromisoformat(checked["facebook:city-health"]["token_expires_at"])
    assert timedelta(days=2) < expires - datetime.now(UTC) < timedelta(days=4)
    assert response.json_body["paged"] == ["facebook:city-health"]  # the token expiring within a week
    assert len(alerts(aws)) == 1 and "expires" in alerts(aws)[0]
    again = live.call("POST", "/channels/check", "demo-admin").json_body
    assert again["paged"] == [] and len(alerts(aws)) == 1


def scheduled_event(detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": "2026-11-24T06:00:00Z", "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/clarion-readiness"], "detail": detail or {}}


def test_the_daily_readiness_function_checks_every_account_and_pages_once(live: Api, aws: Provisioned,
                                                                          platforms: Any) -> None:
    platforms.set_readiness("discord", "revoked")
    with capture() as out:
        first = live.client.lambda_.invoke("readiness", scheduled_event()).payload
    [line] = out.logs("readiness")  # its own log line and metric, not the sweeper's
    assert line["unhealthy"] == ["discord:community"] and line["paged"] == ["discord:community"]
    assert out.metrics()["ChannelsUnhealthy"][0][0] == [1.0] and not out.logs("sweep")
    assert "discord:community" in first["checked"] and first["unhealthy"] == ["discord:community"]
    assert first["paged"] == ["discord:community"] and first["not_checked"] == []
    second = live.client.lambda_.invoke("readiness", scheduled_event()).payload  # the next day
    assert second["paged"] == [] and second["changed"] == []
    assert len(alerts(aws)) == 1
    actors = {e["actor"] for e in health_trail(live, "discord:community")}
    assert actors == {"system:readiness"}


def test_the_api_asks_the_readiness_function_on_deployed_stages(live: Api, aws: Provisioned) -> None:
    """The deployed API's runner, its Lambda client standing in by the test client's own invoke of
    the `readiness` function: the event it sends is one the scheduled handler reads."""
    from chalicelib.adapters.lambda_readiness import LambdaCheckRunner

    sent: list[dict[str, Any]] = []

    class TestLambda:
        def invoke(self, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:
            sent.append({"name": FunctionName, "type": InvocationType, "event": json.loads(Payload)})
            result = live.client.lambda_.invoke("readiness", json.loads(Payload)).payload
            return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(result).encode())}

    local = composition.readiness()
    runner = LambdaCheckRunner(lambda: TestLambda(), "clarion-dev-readiness")
    deployed = ReadinessService(composition.clarion().store, local.checks, runner)
    account = deployed.check(ADMIN, "bluesky:city-health")
    assert account.health is not None and account.health.healthy and account.health.can_pin is True
    [call] = sent
    assert call["name"] == "clarion-dev-readiness" and call["type"] == "RequestResponse"
    assert call["event"]["detail"] == {"accounts": ["bluesky:city-health"], "actor": "demo-admin", "budget_s": 20.0}
    assert health_trail(live, "bluesky:city-health")[-1]["actor"] == "demo-admin"


def test_the_runner_turns_a_failed_function_into_a_503() -> None:
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.adapters.lambda_readiness import LambdaCheckRunner

    class Failing:
        def __init__(self, how: str) -> None:
            self.how = how

        def invoke(self, **kwargs: Any) -> dict[str, Any]:
            if self.how == "unreachable":
                raise EndpointConnectionError(endpoint_url="https://lambda")
            body = b'{"errorMessage": "boom"}' if self.how == "error" else b"[]"
            return {"StatusCode": 200, "Payload": io.BytesIO(body),
                    **({"FunctionError": "Unhandled"} if self.how == "error" else {})}

    for how in ("unreachable", "error", "garbage"):
        with pytest.raises(UnavailableError):
            LambdaCheckRunner(lambda how=how: Failing(how), "clarion-dev-readiness").run(CheckRequest())
