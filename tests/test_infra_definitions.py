"""The deployment template and the local bootstrap come from the same definitions."""
from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.infra import cloudformation, resources
from chalicelib.infra.bootstrap import Provisioned


def test_the_template_table_is_the_bootstrap_table() -> None:
    props = cloudformation.resources_template("prod")["Resources"]["ClarionTable"]["Properties"]
    definition = resources.table_definition("prod")
    assert {k: props[k] for k in definition} == definition
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True


def test_every_platform_has_queue_dlq_and_filtered_subscription_in_both(aws: Provisioned) -> None:
    template = cloudformation.resources_template("local")["Resources"]
    sns = boto3.client("sns")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=aws.broadcast_topic_arn)["Subscriptions"]
    assert len(subscriptions) == len(resources.PLATFORMS)
    for platform in resources.PLATFORMS:
        queue = template[cloudformation.logical_id(platform, "queue")]["Properties"]
        assert queue["QueueName"] == resources.queue_name(platform, "local")
        assert queue["RedrivePolicy"]["maxReceiveCount"] == resources.QUEUES[platform].max_receive_count
        sub = template[cloudformation.logical_id(platform, "subscription")]["Properties"]
        assert sub["FilterPolicy"] == resources.filter_policy(platform)
        arn = boto3.client("sqs").get_queue_attributes(
            QueueUrl=aws.queue_urls[platform], AttributeNames=["QueueArn", "RedrivePolicy"])["Attributes"]
        assert json.loads(arn["RedrivePolicy"])["maxReceiveCount"] in (
            queue["RedrivePolicy"]["maxReceiveCount"], str(queue["RedrivePolicy"]["maxReceiveCount"]))
        [live] = [s for s in subscriptions if s["Endpoint"] == arn["QueueArn"]]
        attrs = sns.get_subscription_attributes(SubscriptionArn=live["SubscriptionArn"])["Attributes"]
        assert json.loads(attrs["FilterPolicy"]) == resources.filter_policy(platform)


def test_sqs_dead_letters_only_after_the_app_has_given_up() -> None:
    """Every retry and every recheck of an unknown outcome is one more receive of the message:
    the queue must allow all attempts, each with a recheck, before its own DLQ takes over."""
    from chalicelib.domain.delivery import DeliveryPolicy

    policy = DeliveryPolicy()
    for spec in resources.QUEUES.values():
        assert spec.max_receive_count >= 2 * policy.max_attempts + 5, spec.platform


def test_each_worker_deploys_with_the_concurrency_its_platform_declares() -> None:
    import app as app_module

    sources = {e.name: e for e in app_module.app.event_sources if e.name.startswith("deliver_")}
    assert set(sources) == {f"deliver_{p}" for p in resources.PLATFORMS}
    for platform, spec in resources.QUEUES.items():
        source = sources[f"deliver_{platform}"]
        assert (source.batch_size, source.maximum_concurrency) == (spec.batch_size, spec.max_concurrency)
    with pytest.raises(ValueError, match=r"2\.\.1000"):
        resources.QueueSpec("banner", max_concurrency=1)
