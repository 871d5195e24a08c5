"""Shared fixtures: moto for AWS, the real app through chalice.test.Client."""
from __future__ import annotations

import json
import os
from typing import Any
from collections.abc import Iterator

import boto3
import pytest

os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing",
                  AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing")
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.setdefault("CLARION_STAGE", "local")

from chalice.test import Client
from moto import mock_aws

from chalicelib import composition
from local import moto_dynamodb
from chalicelib.infra.bootstrap import Provisioned, provision

moto_dynamodb.apply()  # DynamoDB's transactional guarantees, which moto lacks under threads

SESSION = boto3.Session()  # one session: its loaded service models are reused by every test
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provisioned]:
    """A fresh moto account holding Clarion's resources, with the demo users and channels."""
    with mock_aws():
        provisioned = provision(SESSION, "local")
        for key, value in provisioned.environment().items():
            monkeypatch.setenv(key, value)
        composition.use(None)
        composition.seed_local_stage()
        yield provisioned
        composition.use(None)


class Api:
    """A thin caller for the HTTP API with the demo tokens."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, token: str | None = None, body: Any = None,
             raw: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return getattr(self.client.http, method.lower())(path, headers=sent, body=payload)


@pytest.fixture
def api(aws: Provisioned) -> Iterator[Api]:
    import app as app_module

    with Client(app_module.app, stage_name="local", project_dir=PROJECT_DIR) as client:
        yield Api(client)


def advisory_body(**overrides: Any) -> dict[str, Any]:
    """A complete, submittable advisory."""
    body = {
        "headline": "Boil water notice for Riverside",
        "description": "E. coli was found in the Riverside water supply on 23 November.",
        "instruction": "Boil tap water for one minute before drinking or cooking.",
        "required_text": "If you feel unwell, call the nurse line at 0800 555 0100.",
        "event": "Boil Water Notice",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "area_desc": "Riverside district",
        "web": "https://health.example.org/boil-water",
        "hashtags": ["BoilWater", "Riverside"],
        "channels": ["mastodon:city-health", "sms:subscribers", "banner:website"],
    }
    body.update(overrides)
    return body


def deliver_queued(api: Api, aws: Provisioned, *platforms: str) -> None:
    """Run each platform's worker (the real Lambda handler) on what its queue holds, once, and
    delete the messages it reports done, as Lambda's SQS event source does."""
    from local.pump import sqs_record

    sqs = boto3.client("sqs")
    for platform in platforms:
        url = aws.queue_urls[platform]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            continue
        result = api.client.lambda_.invoke(f"deliver_{platform}",
                                           {"Records": [sqs_record(m, arn, "us-east-1") for m in messages]})
        failed = {f["itemIdentifier"] for f in result.payload["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
