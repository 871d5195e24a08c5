"""The CloudFormation resources for a stage, built from the same definitions as the local bootstrap.

`chalice package --merge-template` merges this with the functions Chalice generates, so what
runs on AWS is what `provision()` creates on moto. Never imported by a Lambda handler.
"""
from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.infra import resources as r


def logical_id(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", "-".join(words)) if w)


def table(stage: str) -> dict[str, Any]:
    definition = r.table_definition(stage)
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            **definition,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"SSEEnabled": True},
        },
    }


def topic(name: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": name, "KmsMasterKeyId": "alias/aws/sns"}}


def platform_queues(stage: str, platform: str) -> dict[str, Any]:
    """The queue, its DLQ, the policy letting only the broadcast topic send, the filtered subscription."""
    spec = r.QUEUES[platform]
    queue, dlq = logical_id(platform, "queue"), logical_id(platform, "dlq")
    return {
        dlq: {"Type": "AWS::SQS::Queue",
              "Properties": {"QueueName": r.dlq_name(platform, stage),
                             "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}},
        queue: {"Type": "AWS::SQS::Queue",
                "Properties": {
                    "QueueName": r.queue_name(platform, stage),
                    "VisibilityTimeout": spec.visibility_timeout_s,
                    "SqsManagedSseEnabled": True,
                    "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                                      "maxReceiveCount": spec.max_receive_count}}},
        logical_id(platform, "queue-policy"): {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": queue}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                    "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "BroadcastTopic"}}}}]}}},
        logical_id(platform, "subscription"): {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": {"Ref": "BroadcastTopic"}, "Protocol": "sqs",
                           "Endpoint": {"Fn::GetAtt": [queue, "Arn"]},
                           "RawMessageDelivery": True,
                           "FilterPolicy": r.filter_policy(platform)}},
    }


def resources_template(stage: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ClarionTable": table(stage),
        "BroadcastTopic": topic(r.broadcast_topic_name(stage)),
        "TriggerTopic": topic(r.trigger_topic_name(stage)),
        "AlertTopic": topic(r.alert_topic_name(stage)),
    }
    for platform in r.PLATFORMS:
        out.update(platform_queues(stage, platform))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": out}


if __name__ == "__main__":
    import sys

    print(json.dumps(resources_template(sys.argv[1] if len(sys.argv) > 1 else "dev"), indent=2))
