"""Publishing the broadcast event to SNS: the platforms of each message as a filterable attribute;
a large fan-out's messages ten at a time (PublishBatch)."""
from __future__ import annotations

import json
import logging
from typing import Any
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.messages import DeliveryMessage

log = logging.getLogger("clarion_sns")
# SNS's PublishBatch: at most 10 entries, and 256 KB for all of them together.
MAX_BATCH_ENTRIES = 10
MAX_BATCH_BYTES = 256 * 1024


class SnsBroadcastPublisher:
    def __init__(self, client: Any, topic_arn: str) -> None:
        self._sns = client
        self._topic_arn = topic_arn

    def publish(self, message: DeliveryMessage) -> str:
        try:
            response = self._sns.publish(TopicArn=self._topic_arn, Message=message.body(),
                                         MessageAttributes=_attributes(message))
        except (ClientError, BotoCoreError) as error:
            raise UnavailableError(f"could not publish the broadcast: {error}") from error
        return str(response["MessageId"])

    def publish_all(self, messages: Sequence[DeliveryMessage]) -> list[str]:
        """Every message, in PublishBatch calls of at most 10 entries and 256 KB. Tries them all;
        returns the message ids, or raises UnavailableError naming how many were not published."""
        ids: list[str] = []
        errors: list[str] = []
        for batch in _batches(messages):
            entries = [{"Id": str(n), "Message": m.body(), "MessageAttributes": _attributes(m)}
                       for n, m in enumerate(batch)]
            try:
                response = self._sns.publish_batch(TopicArn=self._topic_arn, PublishBatchRequestEntries=entries)
            except (ClientError, BotoCoreError) as error:
                errors += [str(error)] * len(batch)
                continue
            ids += [str(ok["MessageId"]) for ok in response.get("Successful", [])]
            errors += [f"{bad.get('Code')}: {bad.get('Message')}" for bad in response.get("Failed", [])]
        if errors:
            raise UnavailableError(f"could not publish the broadcast: {len(errors)} of {len(messages)} "
                                   f"messages not published ({errors[0]})")
        return ids


def _attributes(message: DeliveryMessage) -> dict[str, Any]:
    return {"platforms": {"DataType": "String.Array", "StringValue": json.dumps(list(message.platforms))},
            "advisory_id": {"DataType": "String", "StringValue": message.advisory_id}}


def _batches(messages: Sequence[DeliveryMessage]) -> list[list[DeliveryMessage]]:
    """`messages` in PublishBatch-sized groups (a generous 1 KB per entry for its attributes)."""
    batches: list[list[DeliveryMessage]] = []
    size = 0
    for message in messages:
        bytes_ = len(message.body().encode()) + 1024
        if not batches or len(batches[-1]) >= MAX_BATCH_ENTRIES or size + bytes_ > MAX_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(message)
        size += bytes_
    return batches


class SnsAlerts:
    """On-call alerts: one message on the alert topic (subscribed to by paging, e-mail, chat)."""

    def __init__(self, client: Any, topic_arn: str) -> None:
        self._sns = client
        self._topic_arn = topic_arn

    def alert(self, subject: str, message: str) -> None:
        safe_subject = subject.encode("ascii", "replace").decode()[:99]  # SNS: ASCII, under 100
        try:
            self._sns.publish(TopicArn=self._topic_arn, Subject=safe_subject, Message=message)
        except (ClientError, BotoCoreError) as error:  # an alert must never break a delivery
            log.error("alert not sent (%s): %s", error, subject)
