"""SMS (SNS), e-mail (SES v2) and the owned channels (S3) against moto, through the registry."""
from __future__ import annotations

import json
from typing import Any
from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from channel_kit import rendering
from chalicelib.channels.email import EmailChannel
from chalicelib.channels.port import PermanentError, RetryableError
from chalicelib.channels.registry import channel_for
from chalicelib.channels.sms import SmsChannel
from chalicelib.domain.models import Advisory, AdvisoryContent, MsgType
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.rendering.render import render_for
from chalicelib.secrets import InMemorySecretStore
from chalicelib.seed import LOCAL_CHANNELS, LOCAL_SENDER, seed_local_channels

REGION = "us-east-1"


def local(account_id: str, **settings: Any) -> Any:
    account = next(a for a in LOCAL_CHANNELS if a.id == account_id)
    return account.model_copy(update={"settings": {**account.settings, **settings}})


def captured(client: Any, operation: str) -> list[dict[str, Any]]:
    """Every request `client` makes for `operation`, as the parameters it sent."""
    calls: list[dict[str, Any]] = []
    client.meta.events.register(f"provide-client-params.{client.meta.service_model.service_name}.{operation}",
                                lambda params, **_: calls.append(dict(params)))
    return calls


@pytest.fixture
def mocked() -> Iterator[None]:
    with mock_aws():
        yield


# ------------------------------------------------------------------------------------- SMS

def test_sms_goes_to_the_provisioned_subscribers_topic_as_transactional(aws: Provisioned) -> None:
    sns = boto3.client("sns", region_name=REGION)
    sent = captured(sns, "Publish")
    channel = channel_for(local("sms:subscribers"), InMemorySecretStore(), lambda _: sns)
    ref = channel.publish(rendering("Boil water notice. Ref CL-TEST0001", "Part 2"), "key")
    assert [c["TopicArn"] for c in sent] == [aws.sms_topic_arn] * 2
    assert sent[0]["MessageAttributes"]["AWS.SNS.SMS.SMSType"]["StringValue"] == "Transactional"
    assert sent[0]["MessageAttributes"]["AWS.SNS.SMS.SenderID"]["StringValue"] == "CityHealth"
    assert ref.post_id and len(ref.part_ids) == 2 and channel.find("Ref CL-TEST0001") is None


def test_sms_to_listed_numbers_reaches_each_number(mocked: None) -> None:
    sns = boto3.client("sns", region_name=REGION)
    channel = SmsChannel("sms:oncall", {"phone_numbers": ["+12025550101", "+12025550102"]}, sns)
    channel.publish(rendering("Evacuate ward 3"), "key")
    got = sorted(sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values())
    assert got == [("+12025550101", "Evacuate ward 3"), ("+12025550102", "Evacuate ward 3")]


def test_sms_to_a_fifo_topic_is_deduplicated_by_our_key(mocked: None) -> None:
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name="subs.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    sent = captured(sns, "Publish")
    channel = SmsChannel("sms:fifo", {"topic_arn": arn}, sns)
    channel.publish(rendering("a", "b"), "clarion-abc")
    assert channel.capabilities.idempotent
    assert [c["MessageDeduplicationId"] for c in sent] == ["clarion-abc", "clarion-abc-1"]


def test_sms_throttling_is_retryable_and_bad_input_permanent(mocked: None) -> None:
    sns = boto3.client("sns", region_name=REGION)
    channel = SmsChannel("sms:x", {"topic_arn": "arn:aws:sns:us-east-1:123456789012:t"}, sns)
    with Stubber(sns) as stub:
        stub.add_client_error("publish", "Throttling", "Rate exceeded", 400)
        stub.add_client_error("publish", "InvalidParameter", "Invalid parameter: PhoneNumber", 400)
        assert pytest.raises(RetryableError, channel.publish, rendering("x"), "k").value.message.endswith(
            "(Throttling: Rate exceeded)")
        assert "InvalidParameter" in pytest.raises(PermanentError, channel.publish, rendering("x"), "k").value.message


def test_an_sms_account_needs_a_destination() -> None:
    with pytest.raises(PermanentError, match="neither `topic_arn` nor `phone_numbers`"):
        SmsChannel("sms:nowhere", {}, object())


# ------------------------------------------------------------------------------------- e-mail

def test_email_sends_a_text_and_an_html_body_from_the_verified_sender(aws: Provisioned) -> None:
    sesv2 = boto3.client("sesv2", region_name=REGION)
    seed_local_channels(lambda service: boto3.client(service, region_name=REGION))
    sent = captured(sesv2, "SendEmail")
    channel = channel_for(local("email:subscribers"), InMemorySecretStore(), lambda _: sesv2)
    ref = channel.publish(rendering("Boil water.\n\nRef CL-TEST0001", subject="Boil water notice",
                                    html="<p>Boil water.</p>"), "key")
    body = sent[0]["Content"]["Simple"]
    assert body["Subject"]["Data"] == "Boil water notice"
    assert body["Body"]["Text"]["Data"].startswith("Boil water.") and body["Body"]["Html"]["Data"] == "<p>Boil water.</p>"
    assert sent[0]["FromEmailAddress"] == LOCAL_SENDER
    assert sent[0]["Destination"] == {"BccAddresses": ["subscribers@health.example.org"]}
    assert ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_message_count == 1 and ref.post_id


def test_email_batches_recipients_by_fifty(mocked: None) -> None:
    sesv2 = boto3.client("sesv2", region_name=REGION)
    sesv2.create_email_identity(EmailIdentity="alerts@example.org")
    sent = captured(sesv2, "SendEmail")
    people = [f"p{i}@example.org" for i in range(120)]
    ref = EmailChannel("email:big", {"from_address": "alerts@example.org", "to_addresses": people},
                       sesv2).publish(rendering("Text only: the HTML is made from it"), "k")
    assert [len(c["Destination"]["BccAddresses"]) for c in sent] == [50, 50, 20]
    assert sent[0]["Content"]["Simple"]["Body"]["Html"]["Data"] == "<p>Text only: the HTML is made from it</p>"
    assert len(ref.extra["message_ids"].split(",")) == 3


def test_an_unverified_sender_is_permanent(mocked: None) -> None:
    channel = EmailChannel("email:x", {"from_address": "nobody@example.org", "to_addresses": ["a@example.org"]},
                           boto3.client("sesv2", region_name=REGION))
    with pytest.raises(PermanentError, match="not verified"):
        channel.publish(rendering("x"), "k")


# ------------------------------------------------------------------------------------- owned

def advisory(headline: str) -> Advisory:
    return Advisory(author="u1", content=AdvisoryContent(
        headline=headline, description="E. coli found.", instruction="Boil water.", event="Boil Water Notice",
        urgency="Immediate", severity="Severe", certainty="Observed", area_desc="Riverside"))


def read(s3: Any, bucket: str, key: str) -> str:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()


def owned(account_id: str, *headlines: str) -> tuple[Any, Any, Any, list[Advisory]]:
    """The s3 client, the account, its channel, and one advisory per headline."""
    s3 = boto3.client("s3", region_name=REGION)
    account = local(account_id)
    return s3, account, channel_for(account, InMemorySecretStore(), lambda _: s3), [advisory(h) for h in headlines]


def test_the_banner_rotates_and_clears_only_its_own(aws: Provisioned) -> None:
    s3, account, channel, (first, second) = owned("banner:website", "Boil water", "Water safe again")
    one = channel.publish(render_for(first, account).rendering, "k1")
    channel.pin(one)
    assert json.loads(read(s3, aws.owned_bucket, "banner.json"))["headline"] == "Boil water"
    two = channel.publish(render_for(second, account).rendering, "k2")
    channel.pin(two, previous=one)
    assert json.loads(read(s3, aws.owned_bucket, "banner.json"))["id"] == second.id
    assert "Water safe again" in read(s3, aws.owned_bucket, "banner.html")
    channel.unpin(one)  # an old advisory expiring must not clear the newer banner
    assert json.loads(read(s3, aws.owned_bucket, "banner.json"))["id"] == second.id
    channel.unpin(two)
    assert json.loads(read(s3, aws.owned_bucket, "banner.json")) == {"active": False}
    assert read(s3, aws.owned_bucket, "banner.html") == ""
    assert channel.capabilities.can_pin and channel.capabilities.idempotent
    cancel = render_for(first.model_copy(update={"msg_type": MsgType.CANCEL}), account).rendering
    channel.pin(channel.publish(cancel, "k3"))  # an all-clear makes the banner inactive
    assert json.loads(read(s3, aws.owned_bucket, "banner.json"))["active"] is False


def test_the_cap_feed_lists_pinned_alerts_in_atom(aws: Provisioned) -> None:
    s3, account, channel, (first, second) = owned("cap_feed:public", "Boil water", "Measles exposure")
    one = channel.publish(render_for(first, account).rendering, "k1")
    assert "<alert" in read(s3, aws.owned_bucket, f"cap/{first.id}.xml") and one.url.endswith(f"/feeds/cap/{first.id}.xml")
    assert "<entry>" not in read(s3, aws.owned_bucket, "cap.atom")  # published, not yet active
    channel.pin(one)
    two = channel.publish(render_for(second, account).rendering, "k2")
    channel.pin(two)
    feed = read(s3, aws.owned_bucket, "cap.atom")
    assert feed.count("<entry>") == 2 and "Measles exposure" in feed and "Boil water" in feed
    channel.unpin(one)
    feed = read(s3, aws.owned_bucket, "cap.atom")
    assert feed.count("<entry>") == 1 and "Boil water" not in feed
    channel.edit(two, render_for(second, account).rendering)  # keeps it active
    assert read(s3, aws.owned_bucket, "cap.atom").count("<entry>") == 1
    channel.delete(two)
    assert "<entry>" not in read(s3, aws.owned_bucket, "cap.atom")
    assert "Contents" not in s3.list_objects_v2(Bucket=aws.owned_bucket, Prefix=f"cap/{second.id}")


def test_a_concurrent_feed_write_is_not_lost(aws: Provisioned) -> None:
    from chalicelib.channels.owned import S3Documents

    s3 = boto3.client("s3", region_name=REGION)
    docs = S3Documents(s3, aws.owned_bucket, "", "CAP feed")
    docs.write("cap/feed.json", json.dumps({"entries": []}), "application/json")
    raced = []

    def change(current: Any) -> Any:
        if not raced:  # another writer gets in between our read and our write
            raced.append(1)
            docs.write("cap/feed.json", json.dumps({"entries": [{"advisory_id": "theirs"}]}), "application/json")
        return {"entries": current["entries"] + [{"advisory_id": "ours"}]}

    docs.update_json("cap/feed.json", change)
    assert json.loads(read(s3, aws.owned_bucket, "cap/feed.json"))["entries"] == [
        {"advisory_id": "theirs"}, {"advisory_id": "ours"}]


def test_owned_channels_need_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLARION_OWNED_BUCKET", raising=False)
    with pytest.raises(PermanentError, match="no S3 bucket"):
        channel_for(local("banner:website"), InMemorySecretStore(), lambda _: object())


def test_publishing_an_empty_rendering_is_refused() -> None:
    channel = SmsChannel("sms:x", {"topic_arn": "arn:aws:sns:us-east-1:1:t"}, object())
    with pytest.raises(PermanentError, match="no parts"):
        channel.publish(rendering(), "k")
