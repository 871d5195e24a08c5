"""The AWS resources Clarion runs on, defined once.

The local bootstrap (moto) and the deployment template are both built from these
definitions, so the table, topics and queues that tests exercise are the ones that ship.
Names carry the stage so that several stages can share one account.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from chalicelib.platforms import indexed

# The platforms Clarion posts to (each specified in its module; chalicelib/platforms.py). Each has
# its own SQS queue (and DLQ) subscribed to the broadcast topic with a filter policy on the
# `platforms` message attribute.
PLATFORMS: tuple[str, ...] = tuple(indexed())


@dataclass(frozen=True)
class QueueSpec:
    """How one platform's delivery queue behaves, from its platform's specification."""

    platform: str
    batch_size: int = 5
    max_concurrency: int = 5
    visibility_timeout_s: int = 60
    # SQS's own dead-lettering is only the backstop: a delivery's message is received again for
    # every retry and every check of an unknown outcome, and the app fails it (and dead-letters
    # it itself) after its attempts run out. Too low, and a message whose outcome takes a few
    # checks to settle would vanish into the DLQ with its delivery still unknown.
    max_receive_count: int = 20

    def __post_init__(self) -> None:
        # Lambda's SQS event sources take a maximum concurrency of 2 to 1000: declare what deploys.
        if not 2 <= self.max_concurrency <= 1000:
            raise ValueError(f"{self.platform}: max_concurrency must be 2..1000 (Lambda's range for SQS)")


QUEUES: dict[str, QueueSpec] = {
    name: QueueSpec(name, batch_size=spec.batch_size, max_concurrency=spec.max_concurrency)
    for name, spec in indexed().items()
}


def stage() -> str:
    return os.environ.get("CLARION_STAGE", "local")


def prefix(stage_name: str | None = None) -> str:
    return f"clarion-{stage_name or stage()}"


def table_name(stage_name: str | None = None) -> str:
    return os.environ.get("CLARION_TABLE") or prefix(stage_name)


def broadcast_topic_name(stage_name: str | None = None) -> str:
    return f"{prefix(stage_name)}-broadcast"


def trigger_topic_name(stage_name: str | None = None) -> str:
    return f"{prefix(stage_name)}-trigger"


def alert_topic_name(stage_name: str | None = None) -> str:
    return f"{prefix(stage_name)}-alert"


def sms_topic_name(stage_name: str | None = None) -> str:
    """The topic SMS subscribers are subscribed to (protocol sms); the SMS channel publishes to it."""
    return f"{prefix(stage_name)}-sms-subscribers"


def owned_bucket_name(stage_name: str | None = None) -> str:
    """The S3 bucket of the owned channels (banner, CAP and Atom feeds). Bucket names are global,
    so a deployed stage may name its own with CLARION_OWNED_BUCKET."""
    return os.environ.get("CLARION_OWNED_BUCKET") or f"{prefix(stage_name)}-owned"


def audit_digest_bucket_name(stage_name: str | None = None) -> str:
    """The signed audit digests' bucket (Object Lock, compliance mode, on deployed stages)."""
    return f"{prefix(stage_name)}-audit-digests"


def audit_key_alias(stage_name: str | None = None) -> str:
    """The KMS asymmetric key (ECC_NIST_P256, sign/verify) that signs the audit digests."""
    return f"alias/{prefix(stage_name)}-audit-digest"


def channel_secret_ref(channel_account_id: str, stage_name: str | None = None) -> str:
    """The SSM parameter holding a channel account's credentials: mastodon:city-health ->
    /clarion/<stage>/channels/mastodon/city-health (a SecureString with a JSON object)."""
    platform, _, name = channel_account_id.partition(":")
    return f"/clarion/{stage_name or stage()}/channels/{platform}/{name}"


def queue_name(platform: str, stage_name: str | None = None) -> str:
    return f"{prefix(stage_name)}-{platform}"


def dlq_name(platform: str, stage_name: str | None = None) -> str:
    return f"{queue_name(platform, stage_name)}-dlq"


def filter_policy(platform: str) -> dict[str, Any]:
    """The subscription filter: a queue receives an advisory only if it targets the platform."""
    return {"platforms": [platform]}


def table_definition(stage_name: str | None = None) -> dict[str, Any]:
    """One table for every aggregate (single-table design); keys are documented in adapters.dynamodb."""
    return {
        "TableName": table_name(stage_name),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "gsi1pk", "AttributeType": "S"},
            {"AttributeName": "gsi1sk", "AttributeType": "S"},
            {"AttributeName": "gsi2pk", "AttributeType": "S"},
            {"AttributeName": "gsi2sk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {   # sparse: only advisories on a state queue (awaiting approval, live, drafts; keys.py)
                "IndexName": "gsi2",
                "KeySchema": [
                    {"AttributeName": "gsi2pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi2sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    }
