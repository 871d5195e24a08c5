"""Create Clarion's resources in an AWS endpoint (moto locally and in tests). Idempotent.

Production gets the same resources from the packaged CloudFormation template, built from the
same definitions in `resources.py`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.infra import resources as r


@dataclass
class Provisioned:
    table: str
    broadcast_topic_arn: str
    trigger_topic_arn: str
    alert_topic_arn: str
    sms_topic_arn: str = ""
    owned_bucket: str = ""
    audit_digest_bucket: str = ""
    audit_key_id: str = ""
    queue_urls: dict[str, str] = field(default_factory=dict)
    dlq_urls: dict[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        """The environment variables the app reads to find these resources."""
        return {
            "CLARION_TABLE": self.table,
            "CLARION_BROADCAST_TOPIC_ARN": self.broadcast_topic_arn,
            "CLARION_TRIGGER_TOPIC_ARN": self.trigger_topic_arn,
            "CLARION_ALERT_TOPIC_ARN": self.alert_topic_arn,
            "CLARION_SMS_TOPIC_ARN": self.sms_topic_arn,
            "CLARION_OWNED_BUCKET": self.owned_bucket,
            "CLARION_AUDIT_DIGEST_BUCKET": self.audit_digest_bucket,
            "CLARION_AUDIT_KEY_ID": self.audit_key_id,
        }


def provision(session: Any, stage_name: str = "local") -> Provisioned:
    """Create (or find) the table, topics, queues and subscriptions for a stage."""
    ddb = session.client("dynamodb")
    sns = session.client("sns")
    sqs = session.client("sqs")

    table = r.table_definition(stage_name)
    existing = ddb.list_tables()["TableNames"]
    if table["TableName"] not in existing:
        ddb.create_table(**table)
        ddb.get_waiter("table_exists").wait(TableName=table["TableName"])

    topics = {
        name: sns.create_topic(Name=name)["TopicArn"]
        for name in (
            r.broadcast_topic_name(stage_name),
            r.trigger_topic_name(stage_name),
            r.alert_topic_name(stage_name),
        )
    }
    out = Provisioned(
        table=table["TableName"],
        broadcast_topic_arn=topics[r.broadcast_topic_name(stage_name)],
        trigger_topic_arn=topics[r.trigger_topic_name(stage_name)],
        alert_topic_arn=topics[r.alert_topic_name(stage_name)],
        sms_topic_arn=sns.create_topic(Name=r.sms_topic_name(stage_name))["TopicArn"],
        owned_bucket=_bucket(session.client("s3"), r.owned_bucket_name(stage_name)),
        audit_digest_bucket=_bucket(session.client("s3"), r.audit_digest_bucket_name(stage_name), object_lock=True),
        audit_key_id=_signing_key(session.client("kms"), r.audit_key_alias(stage_name)),
    )
    subscribed = {
        s["Endpoint"]
        for s in sns.list_subscriptions_by_topic(TopicArn=out.broadcast_topic_arn)["Subscriptions"]
    }
    for platform, spec in r.QUEUES.items():
        dlq_url = sqs.create_queue(QueueName=r.dlq_name(platform, stage_name))["QueueUrl"]
        dlq_arn = _queue_arn(sqs, dlq_url)
        url = sqs.create_queue(
            QueueName=r.queue_name(platform, stage_name),
            Attributes={
                "VisibilityTimeout": str(spec.visibility_timeout_s),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(spec.max_receive_count)}
                ),
            },
        )["QueueUrl"]
        arn = _queue_arn(sqs, url)
        sqs.set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(_allow_topic(arn, out.broadcast_topic_arn))}
        )
        if arn not in subscribed:
            sns.subscribe(
                TopicArn=out.broadcast_topic_arn,
                Protocol="sqs",
                Endpoint=arn,
                Attributes={
                    "RawMessageDelivery": "true",
                    "FilterPolicy": json.dumps(r.filter_policy(platform)),
                },
            )
        out.queue_urls[platform] = url
        out.dlq_urls[platform] = dlq_url
    return out


def _signing_key(kms: Any, alias: str) -> str:
    """The audit digests' asymmetric signing key (found by its alias, created once): its ARN."""
    for page in kms.get_paginator("list_aliases").paginate():
        for found in page.get("Aliases", []):
            if found.get("AliasName") == alias and found.get("TargetKeyId"):
                arn: str = kms.describe_key(KeyId=found["TargetKeyId"])["KeyMetadata"]["Arn"]
                return arn
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY",
                         Description="Signs Clarion's audit digests")["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    made: str = key["Arn"]
    return made


def _bucket(s3: Any, name: str, object_lock: bool = False) -> str:
    """A private bucket, created once: the owned channels' (the API serves its documents), or
    with `object_lock` the audit digests' (write-once: compliance mode on deployed stages)."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if name not in existing:
        region = s3.meta.region_name
        extra: dict[str, Any] = {} if region in (None, "us-east-1") else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        if object_lock:
            extra["ObjectLockEnabledForBucket"] = True
        s3.create_bucket(Bucket=name, **extra)
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    return name


def _queue_arn(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def _allow_topic(queue_arn: str, topic_arn: str) -> dict[str, Any]:
    """Queue policy: only the broadcast topic may send to the queue."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }
