"""Each adapter's readiness check (`Channel.check`): the HTTP platforms against their sandbox over
real HTTP in each readiness mode (healthy, revoked, no pin permission, expiring soon), and the AWS
ones (SMS, e-mail, owned) against moto. A check never posts."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC
from typing import Any
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from channel_kit import ACCOUNT, HTTP_PLATFORMS, STATE_KEY, adapter, sandbox, sandbox_server  # noqa: F401
from chalicelib.channels.port import Channel
from chalicelib.channels.registry import channel_for
from chalicelib.domain.models import ReadinessProblem
from chalicelib.secrets import InMemorySecretStore
from chalicelib.seed import LOCAL_CHANNELS, SANDBOX_CREDENTIALS
from local.sandbox import aws_account as moto_kit

# What each platform can say about pinning when all is well: X has no pin API; Mastodon does not
# say which scopes a token holds.
CAN_PIN = {"x": False, "facebook": True, "mastodon": None, "bluesky": True, "telegram": True, "slack": True,
           "discord": True}
NO_PIN = ("telegram", "slack", "discord")  # the platforms that report a missing pin right
EXPIRES = ("facebook",)                    # the platforms that report a token's expiry


def channel(sandbox: Any, platform: str, **settings: Any) -> Channel:
    if not settings:
        return adapter(platform, sandbox.base_url(platform))
    account = next(a for a in LOCAL_CHANNELS if a.id == ACCOUNT[platform])
    merged = {**account.settings, "base_url": sandbox.base_url(platform), **settings}
    return channel_for(account.model_copy(update={"settings": merged}),
                       InMemorySecretStore({account.secret_ref: SANDBOX_CREDENTIALS[account.id]}))


def nothing_posted(sandbox: Any, platform: str) -> bool:
    state = sandbox.state().get(platform, {}).get(STATE_KEY[platform], {})
    return not state.get("posts") and not state.get("events")


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_healthy_account_is_ready_and_nothing_is_posted(sandbox: Any, platform: str) -> None:
    health = channel(sandbox, platform).check()
    assert health.healthy and health.problem is None, health
    assert health.can_pin is CAN_PIN[platform]
    assert nothing_posted(sandbox, platform)
    if platform == "facebook":  # a never-expiring page token; its data access lapses in 90 days
        assert health.token_expires_at is not None
        assert health.token_expires_at - datetime.now(UTC) > timedelta(days=80)
    else:
        assert health.token_expires_at is None


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_revoked_token_is_unhealthy_credentials(sandbox: Any, platform: str) -> None:
    sandbox.set_readiness(platform, "revoked")
    health = channel(sandbox, platform).check()
    assert not health.healthy and health.problem is ReadinessProblem.CREDENTIALS, health
    assert health.reason.startswith("token revoked or invalid: ")
    assert "sandbox-" not in health.reason and "123456:" not in health.reason  # never a credential
    assert nothing_posted(sandbox, platform)


@pytest.mark.parametrize("platform", NO_PIN)
def test_a_token_without_the_pin_right_is_ready_but_cannot_pin(sandbox: Any, platform: str) -> None:
    sandbox.set_readiness(platform, "no_pin")
    health = channel(sandbox, platform).check()
    assert health.healthy and health.can_pin is False, health
    assert "pin" in health.reason
    assert nothing_posted(sandbox, platform)


@pytest.mark.parametrize("platform", EXPIRES)
def test_a_token_expiring_soon_reports_when(sandbox: Any, platform: str) -> None:
    sandbox.set_readiness(platform, "expires_soon")
    health = channel(sandbox, platform).check()
    assert health.healthy and health.token_expires_at is not None
    assert timedelta(days=2) < health.token_expires_at - datetime.now(UTC) <= timedelta(days=3)
    assert channel(sandbox, platform).check().same_as(health)  # the same finding on the next check


@pytest.mark.parametrize("platform,mode", [("x", "no_pin"), ("mastodon", "no_pin"), ("bluesky", "expires_soon"),
                                           ("slack", "expires_soon")])
def test_a_mode_a_platform_cannot_tell_is_refused_by_the_sandbox(sandbox: Any, platform: str, mode: str) -> None:
    with pytest.raises(ValueError, match="can be told"):
        sandbox.set_readiness(platform, mode)


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_an_outage_is_unavailable_not_a_verdict(sandbox: Any, platform: str) -> None:
    sandbox.set_faults(platform, error_5xx=1)
    health = channel(sandbox, platform).check()
    assert not health.healthy and health.problem is ReadinessProblem.UNAVAILABLE, health
    assert health.reason.startswith("platform unavailable: ")


def test_a_rate_limited_check_is_unavailable(sandbox: Any) -> None:
    sandbox.set_faults("slack", rate_limit=1, retry_after_s=2)
    health = channel(sandbox, "slack").check()
    assert health.problem is ReadinessProblem.UNAVAILABLE and "429" in health.reason


def test_discord_reads_the_permission_overwrites(sandbox: Any) -> None:
    # the sandbox's read-only channel denies Send Messages to the bot's role
    health = channel(sandbox, "discord", channel_id="1300000000000000099").check()
    assert not health.healthy and health.problem is ReadinessProblem.PERMISSION
    assert "Send Messages" in health.reason


def test_a_telegram_chat_the_bot_is_not_in_is_a_configuration_problem(sandbox: Any) -> None:
    health = channel(sandbox, "telegram", chat_id="@nosuchchannel").check()
    assert not health.healthy and health.problem is ReadinessProblem.CONFIGURATION
    assert "chat not found" in health.reason


def test_a_slack_channel_that_does_not_exist_is_a_configuration_problem(sandbox: Any) -> None:
    health = channel(sandbox, "slack", channel="C0NOWHERE").check()
    assert health.problem is ReadinessProblem.CONFIGURATION and "channel_not_found" in health.reason


def test_a_token_for_another_account_is_a_configuration_problem(sandbox: Any) -> None:
    health = channel(sandbox, "x", user_id="1600000000000000002").check()
    assert health.problem is ReadinessProblem.CONFIGURATION and "1600000000000000001" in health.reason
    health = channel(sandbox, "facebook", page_id="100000000000002").check()
    assert health.problem is ReadinessProblem.CONFIGURATION and "100000000000001" in health.reason


def test_bluesky_logs_in_afresh_so_a_revoked_app_password_shows_at_once(sandbox: Any) -> None:
    bluesky = channel(sandbox, "bluesky")
    assert bluesky.check().healthy  # a session is cached now
    sandbox.set_readiness("bluesky", "revoked")
    assert bluesky.check().problem is ReadinessProblem.CREDENTIALS


def test_the_pins_themselves_are_refused_in_no_pin_mode(sandbox: Any) -> None:
    from channel_kit import rendering

    for platform in NO_PIN:
        posted = channel(sandbox, platform).publish(rendering(f"Boil water {platform} Ref CL-TEST0001"), f"k-{platform}")
        sandbox.set_readiness(platform, "no_pin")
        with pytest.raises(Exception, match=r"(?i)pin|permission|rights|scope"):
            channel(sandbox, platform).pin(posted)


# ------------------------------------------------------------------------------------- AWS (moto)
REGION = "us-east-1"


@pytest.fixture
def aws_account() -> Iterator[Any]:
    """moto, taught SES's GetAccount and SNS's GetSMSSandboxAccountStatus; the account's state to change."""
    moto_kit.teach_moto()
    moto_kit.reset()
    with mock_aws():
        yield moto_kit.ACCOUNT
    moto_kit.reset()


def aws_channel(account_id: str, **settings: Any) -> Channel:
    account = next(a for a in LOCAL_CHANNELS if a.id == account_id)
    account = account.model_copy(update={"settings": {**account.settings, **settings}})
    return channel_for(account, InMemorySecretStore(), lambda service: boto3.client(service, region_name=REGION))


def test_sms_is_ready_with_a_raised_spend_limit_outside_the_sandbox(aws_account: Any) -> None:
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="subs")["TopicArn"]
    sns.set_sms_attributes(attributes={"MonthlySpendLimit": "250"})
    health = aws_channel("sms:subscribers", topic_arn=topic).check()
    assert health.healthy and "250 USD" in health.reason and health.can_pin is None


def test_sms_at_the_default_spend_limit_or_in_the_sandbox_is_not_ready(aws_account: Any) -> None:
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="subs")["TopicArn"]
    health = aws_channel("sms:subscribers", topic_arn=topic).check()  # MonthlySpendLimit never raised: 1 USD
    assert health.problem is ReadinessProblem.CONFIGURATION and "spend limit is 1 USD" in health.reason
    sns.set_sms_attributes(attributes={"MonthlySpendLimit": "250"})
    aws_account.sms_in_sandbox = True
    health = aws_channel("sms:subscribers", topic_arn=topic).check()
    assert health.problem is ReadinessProblem.CONFIGURATION and "sandbox" in health.reason
    # a drill to listed (verified) numbers works from the sandbox
    drill = aws_channel("sms:subscribers", topic_arn=None, phone_numbers=["+12025550101"]).check()
    assert drill.healthy and "sandbox" in drill.reason


def test_email_needs_sending_production_access_and_a_verified_sender(aws_account: Any) -> None:
    ses = boto3.client("sesv2", region_name=REGION)
    check = aws_channel("email:subscribers").check
    assert check().problem is ReadinessProblem.CONFIGURATION  # the sender is no identity yet
    assert "nor its domain" in check().reason
    ses.create_email_identity(EmailIdentity="health.example.org")  # the domain will do
    assert check().healthy
    aws_account.ses_production_access = False
    assert "sandbox" in check().reason and not check().healthy
    aws_account.ses_production_access, aws_account.ses_sending_enabled = True, False
    aws_account.ses_enforcement_status = "SHUTDOWN"
    assert not check().healthy and "SHUTDOWN" in check().reason


@pytest.mark.parametrize("account_id", ["banner:website", "cap_feed:public"])
def test_owned_channels_need_their_bucket(aws_account: Any, account_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLARION_OWNED_BUCKET", "clarion-test-owned")
    s3 = boto3.client("s3", region_name=REGION)
    health = aws_channel(account_id).check()
    assert health.problem is ReadinessProblem.CONFIGURATION and "does not exist" in health.reason
    s3.create_bucket(Bucket="clarion-test-owned")
    health = aws_channel(account_id).check()
    assert health.healthy and health.can_pin is True and "not tried" in health.reason
    assert s3.list_objects_v2(Bucket="clarion-test-owned").get("KeyCount") == 0  # nothing written
