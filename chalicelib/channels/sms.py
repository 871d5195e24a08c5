"""SMS through Amazon SNS: one publish to the subscribers topic, or one per listed number.

SMS attributes make the messages Transactional (delivered even to numbers that opted out of
promotional traffic, and routed for reliability) and set the sender id where the country
allows one. Each rendered part is its own message (the renderer split them on purpose); SNS
itself concatenates the GSM-7/UCS-2 segments of one message. Only a FIFO topic deduplicates.
"""
from __future__ import annotations

import os
from typing import Any
from collections.abc import Callable, Mapping

from chalicelib.channels.aws import aws_call
from chalicelib.channels.base import SocialChannel
from chalicelib.channels.port import Capabilities, PermanentError, PostRef
from chalicelib.domain.models import ChannelAccount
from chalicelib.rendering.model import Part, Rendering


class SmsChannel(SocialChannel):
    platform = "SMS"

    def __init__(self, account_id: str, settings: Mapping[str, Any], sns: Any,
                 default_topic_arn: str | None = None) -> None:
        self.sns = sns
        numbers = list(settings.get("phone_numbers") or [])
        topic = settings.get("topic_arn") or (None if numbers else default_topic_arn)
        if not topic and not numbers:
            raise PermanentError(f"Channel account {account_id} has neither `topic_arn` nor `phone_numbers`")
        self.targets = [{"TopicArn": topic}] if topic else [{"PhoneNumber": n} for n in numbers]
        self.fifo = bool(topic and str(topic).endswith(".fifo"))
        self.capabilities = Capabilities(idempotent=self.fifo)
        self.attributes = _attributes(settings)

    def parts(self, rendering: Rendering) -> list[Part]:
        return list(rendering.parts)

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        ids = [self._send(target, part.text, key, rendering.advisory_id) for target in self.targets]
        return PostRef(post_id=ids[0], extra={"message_ids": ",".join(ids)} if len(ids) > 1 else {})

    def _send(self, target: Mapping[str, str], text: str, key: str, group: str) -> str:
        kwargs: dict[str, Any] = {**target, "Message": text, "MessageAttributes": self.attributes}
        if self.fifo:
            kwargs.update(MessageGroupId=group[:128], MessageDeduplicationId=key[:128])
        return str(aws_call(self.platform, "message", self.sns.publish, **kwargs)["MessageId"])


def _attributes(settings: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    wanted = {"AWS.SNS.SMS.SMSType": settings.get("sms_type", "Transactional"),
              "AWS.SNS.SMS.SenderID": settings.get("sender_id"),
              "AWS.MM.SMS.OriginationNumber": settings.get("origination_number"),
              "AWS.SNS.SMS.MaxPrice": settings.get("max_price")}
    return {name: {"DataType": "Number" if name.endswith("MaxPrice") else "String", "StringValue": str(value)}
            for name, value in wanted.items() if value}


def build(account: ChannelAccount, client: Callable[[str], Any]) -> SmsChannel:
    """SMS through SNS: to the subscribers' topic, or one number a drill names in its settings."""
    return SmsChannel(account.id, dict(account.settings), client("sns"), os.environ.get("CLARION_SMS_TOPIC_ARN"))
