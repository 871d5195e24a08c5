"""Putting delivery messages back on a platform's queue, parking them in its DLQ, delaying them."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.messages import DeliveryMessage
from chalicelib.infra import resources

log = logging.getLogger("clarion_sqs")
MAX_VISIBILITY_S = 12 * 60 * 60
MAX_DELAY_S = 15 * 60  # SQS's longest DelaySeconds


def delivery_message(advisory_id: str, content_hash: str, accounts: Sequence[str]) -> str:
    return DeliveryMessage(advisory_id=advisory_id, content_hash=content_hash,
                           channel_accounts=tuple(accounts)).body()


class SqsRedriver:
    def __init__(self, client: Any) -> None:
        self._sqs = client
        self._url = lru_cache(maxsize=64)(self._lookup)

    def _lookup(self, name: str) -> str:
        return str(self._sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def redrive(self, platform: str, advisory_id: str, content_hash: str, accounts: Sequence[str]) -> None:
        self._send(resources.queue_name(platform), delivery_message(advisory_id, content_hash, accounts), {})

    def dead_letter(self, platform: str, advisory_id: str, content_hash: str, account: str, reason: str) -> None:
        self._send(resources.dlq_name(platform), delivery_message(advisory_id, content_hash, [account]),
                   {"reason": {"DataType": "String", "StringValue": reason[:1000] or "failed"}})

    def delay(self, queue_arn: str, receipt_handle: str, seconds: float) -> None:
        """Make a failed message reappear after `seconds` (backoff), not the queue's default."""
        name = queue_arn.rsplit(":", 1)[-1]
        try:
            self._sqs.change_message_visibility(QueueUrl=self._url(name), ReceiptHandle=receipt_handle,
                                                VisibilityTimeout=max(0, min(MAX_VISIBILITY_S, int(seconds + 0.999))))
        except (ClientError, BotoCoreError) as error:  # the queue's own timeout still applies
            log.warning("could not delay message on %s: %s", name, error)

    def hold(self, platform: str, body: str, seconds: float) -> None:
        """The kill switch holds a message: its body back on the platform's queue as a new message,
        visible after `seconds` (SQS's DelaySeconds, at most 15 minutes). A new message starts its
        receive count afresh, so a long pause never dead-letters it."""
        queue = resources.queue_name(platform)
        try:
            self._sqs.send_message(QueueUrl=self._url(queue), MessageBody=body,
                                   DelaySeconds=max(0, min(MAX_DELAY_S, int(seconds))))
        except (ClientError, BotoCoreError) as error:
            raise UnavailableError(f"could not hold a delivery on {queue}: {error}") from error

    def _send(self, queue: str, body: str, attributes: dict[str, Any]) -> None:
        try:
            self._sqs.send_message(QueueUrl=self._url(queue), MessageBody=body, MessageAttributes=attributes)
        except (ClientError, BotoCoreError) as error:
            raise UnavailableError(f"could not queue a delivery on {queue}: {error}") from error
