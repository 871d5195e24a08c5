"""Publishing the broadcast event to SNS: one message, the platforms as a filterable attribute."""
from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.messages import DeliveryMessage

log = logging.getLogger("clarion_sns")


class SnsBroadcastPublisher:
    def __init__(self, client: Any, topic_arn: str) -> None:
        self._sns = client
        self._topic_arn = topic_arn

    def publish(self, message: DeliveryMessage) -> str:
        try:
            response = self._sns.publish(
                TopicArn=self._topic_arn,
                Message=message.body(),
                MessageAttributes={
                    "platforms": {"DataType": "String.Array", "StringValue": json.dumps(list(message.platforms))},
                    "advisory_id": {"DataType": "String", "StringValue": message.advisory_id},
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise UnavailableError(f"could not publish the broadcast: {error}") from error
        return str(response["MessageId"])


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
