"""SMS through Amazon SNS: one publish to the subscribers topic, or one per listed number.

SMS attributes make the messages Transactional (delivered even to numbers that opted out of
promotional traffic, and routed for reliability) and set the sender id where the country
allows one. Each rendered part is its own message (the renderer split them on purpose); SNS
itself concatenates the GSM-7/UCS-2 segments of one message. Only a FIFO topic deduplicates.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Mapping

from chalicelib.channels.aws import aws_call
from chalicelib.channels.base import SocialChannel
from chalicelib.channels.port import Capabilities, PermanentError, PostRef, ready, unready
from chalicelib.domain.models import ChannelAccount, Readiness, ReadinessProblem
from chalicelib.platforms import Grant, PlatformSpec
from chalicelib.rendering.fit import Limit
from chalicelib.rendering.model import Part, Rendering, SmsInfo
from chalicelib.rendering.profiles import PostProfile


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

    def _check(self) -> Readiness:
        """`GetSMSSandboxAccountStatus`: in the SMS sandbox only verified numbers receive messages
        (a drill's own listed numbers can be; a subscribers' topic cannot). `GetSMSAttributes`
        `MonthlySpendLimit` (USD, account-wide): at AWS's default of 1 a broadcast stops after
        about a hundred messages. Nothing else about SNS can be asked without sending."""
        in_sandbox = aws_call(self.platform, "sandbox status check",
                              self.sns.get_sms_sandbox_account_status).get("IsInSandbox") is True
        to_numbers = all("PhoneNumber" in target for target in self.targets)
        if in_sandbox and not to_numbers:
            return unready(ReadinessProblem.CONFIGURATION, "the AWS account's SMS is in the sandbox: only verified "
                           "phone numbers receive messages, not the subscribers; ask AWS to move it out")
        attributes = aws_call(self.platform, "spend limit check", self.sns.get_sms_attributes,
                              attributes=["MonthlySpendLimit"]).get("attributes") or {}
        limit = _usd(attributes.get("MonthlySpendLimit"))
        if limit <= DEFAULT_SPEND_LIMIT_USD:
            return unready(ReadinessProblem.CONFIGURATION, f"the monthly SMS spend limit is {limit:g} USD "
                           "(AWS's default): a broadcast stops when it is spent; ask AWS to raise it")
        sandbox = "; the SMS sandbox: only verified numbers receive it" if in_sandbox else ""
        return ready(can_pin=None, note=f"ready; monthly SMS spend limit {limit:g} USD{sandbox}")


DEFAULT_SPEND_LIMIT_USD = 1.0  # what an AWS account's MonthlySpendLimit is until AWS raises it


def _usd(value: Any) -> float:
    """MonthlySpendLimit as SNS gives it (a string of dollars); absent: AWS's default."""
    try:
        return float(value) if value not in (None, "") else DEFAULT_SPEND_LIMIT_USD
    except (TypeError, ValueError):
        return DEFAULT_SPEND_LIMIT_USD


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


# -- counting: GSM 03.38 septets (extension characters count 2) or UCS-2 units, in parts of 153 / 67 --------
# Typographic characters with a GSM equivalent, used when they are all that forces UCS-2.
GSM_SUBSTITUTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "•": "-", "…": "...",
    "\u00a0": " ", "\u2009": " ", "\u202f": " "})
GSM_ESCAPE = 0x1B


@dataclass(frozen=True)
class Count:
    encoding: str       # "GSM-7" or "UCS-2"
    units: int          # septets or UTF-16 code units
    segments: int

    @property
    def single_limit(self) -> int:
        return 160 if self.encoding == "GSM-7" else 70


def gsm_encode(text: str) -> bytes | None:
    """GSM 03.38 septets (one byte each, extension characters as escape + byte), or None."""
    import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

    try:
        return text.encode("gsm03.38")
    except UnicodeEncodeError:
        return None


def is_gsm(text: str) -> bool:
    return gsm_encode(text) is not None


def gsm_substitute(text: str) -> str:
    """Replace typographic characters by GSM ones, but only if that makes the whole text GSM-7."""
    if is_gsm(text):
        return text
    replaced = text.translate(GSM_SUBSTITUTES)
    return replaced if is_gsm(replaced) else text


def count(text: str) -> Count:
    septets = gsm_encode(text)
    if septets is not None:
        return Count("GSM-7", len(septets), _parts(septets, 1, 160, 153, _splits_escape))
    units = text.encode("utf-16-be")
    return Count("UCS-2", len(units) // 2, _parts(units, 2, 70, 67, _splits_surrogate))


def _splits_escape(data: bytes, end: int) -> bool:
    return data[end - 1] == GSM_ESCAPE


def _splits_surrogate(data: bytes, end: int) -> bool:
    return 0xD8 <= data[end - 2] <= 0xDB  # the last unit is a high surrogate


def _parts(data: bytes, width: int, single: int, per_part: int, splits: Callable[[bytes, int], bool]) -> int:
    """Parts needed; an escape sequence or a surrogate pair is never split across two parts."""
    size = len(data)
    if size <= single * width:
        return 1
    parts, pos = 0, 0
    while pos < size:
        end = min(pos + per_part * width, size)
        if end < size and splits(data, end):
            end -= width
        parts, pos = parts + 1, end
    return parts


def segments(text: str) -> int:
    return count(text).segments


# -- rendering: one line per field, the GSM alphabet where it fits, no reference (every character costs) -----
def max_segments(account: ChannelAccount) -> int:
    """The account's own limit, else the organisation's (SPECS `defaults`)."""
    return int(account.settings.get("max_segments", 3))


def _one_line_per_field(text: str) -> str:
    return gsm_substitute(re.sub(r"\n+", "\n", text))


def _with_parts(rendering: Rendering, account: ChannelAccount) -> Rendering:
    """The message measured in septets or units, and how many SMS parts it takes."""
    counted, most = count(rendering.parts[0].text), max_segments(account)
    per_part = counted.single_limit if most == 1 else counted.single_limit - (7 if counted.encoding == "GSM-7" else 3)
    unit = f"{counted.encoding} {'septets' if counted.encoding == 'GSM-7' else 'units'}"
    rendering.parts = [rendering.parts[0].model_copy(update={"length": counted.units, "limit": per_part * most,
                                                             "unit": unit})]
    rendering.sms = SmsInfo(encoding=counted.encoding, segments=counted.segments, max_segments=most)
    if counted.encoding == "UCS-2":
        rendering.warnings.append("characters outside the GSM alphabet make this UCS-2 (70 per SMS)")
    return rendering


def _measured(rendering: Rendering) -> str:
    info = rendering.sms
    assert info is not None  # set by _with_parts
    return f"it needs {info.segments} SMS parts ({info.encoding}); the limit is {info.max_segments}"


def _required_as_sent(needle: str, rendering: Rendering) -> str:
    return gsm_substitute(needle) if is_gsm(rendering.parts[0].text) else needle


# -- an account's settings, as SmsChannel reads them (the admin API validates with this model) ------------
# No credentials: the worker publishes to SNS with its own role.
from typing import Annotated  # noqa: E402

from pydantic import Field, model_validator  # noqa: E402

from chalicelib.channels.account_settings import PlatformSettings  # noqa: E402

PhoneNumber = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{6,14}$")]  # E.164


class SmsSettings(PlatformSettings):
    """Where the messages go: the subscribers' topic (Clarion's own when neither `topic_arn` nor
    `phone_numbers` is set; the worker's role may publish to that topic only, so another topic or
    listed numbers are for stages whose role allows them), how many SMS parts a message may take
    (the organisation's limit when absent), and SNS's SMS attributes."""

    topic_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")
    phone_numbers: list[PhoneNumber] | None = Field(default=None, min_length=1, max_length=20)
    max_segments: int | None = Field(default=None, ge=1, le=10)
    sender_id: str | None = Field(default=None, max_length=11, pattern=r"^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*$")
    sms_type: str | None = Field(default=None, pattern=r"^(Transactional|Promotional)$")
    origination_number: PhoneNumber | None = None
    max_price: str | None = Field(default=None, pattern=r"^[0-9]{1,3}(\.[0-9]{1,5})?$")  # USD per message

    @model_validator(mode="after")
    def _one_destination(self) -> SmsSettings:
        if self.topic_arn and self.phone_numbers:
            raise ValueError("give topic_arn or phone_numbers, not both")
        return self


SPECS = (PlatformSpec(
    "sms", build=build, grants=(Grant.SMS_TOPIC,), settings=SmsSettings,
    defaults=lambda org: {"max_segments": org.sms_max_segments},
    profile=PostProfile(template="channels/sms.j2", unit="SMS parts", reference=False,
                        limits=lambda account: [Limit(max_segments(account), segments, segments)],
                        finish_text=_one_line_per_field, finish=_with_parts, measured=_measured,
                        required_as_rendered=_required_as_sent)),)
