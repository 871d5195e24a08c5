"""E-mail through Amazon SES v2 `SendEmail`: a subject, a text body AND an HTML body.

Recipients go in Bcc (subscribers must not see each other), at most 50 per message as SES
allows; a `contact_list` setting adds SES list management (unsubscribe links and headers).
"""
from __future__ import annotations

import html
from email.utils import parseaddr
from typing import Any
from collections.abc import Callable, Mapping

from botocore.exceptions import ClientError

from chalicelib.channels.aws import aws_call
from chalicelib.channels.base import SocialChannel, require
from chalicelib.channels.port import PostRef, ready, unready
from chalicelib.domain.models import ChannelAccount, Readiness, ReadinessProblem
from chalicelib.domain.models import Advisory, LocalizedText
from chalicelib.domain.org import OrgSettings
from chalicelib.domain.screening import Finding
from chalicelib.platforms import Grant, PlatformSpec
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import DocumentProfile
from chalicelib.rendering.view import environment, post_for, tidy

MAX_RECIPIENTS = 50


class EmailChannel(SocialChannel):
    platform = "E-mail"

    def __init__(self, account_id: str, settings: Mapping[str, Any], sesv2: Any) -> None:
        self.ses = sesv2
        self.settings = settings
        self.sender = str(require(settings, "from_address", account_id))
        self.recipients = list(require(settings, "to_addresses", account_id))

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        content = {"Simple": {"Subject": _utf8(rendering.subject or _first_line(part.text)),
                              "Body": {"Text": _utf8(part.text),
                                       "Html": _utf8(rendering.html or _as_html(part.text))}}}
        ids = [self._send(chunk, content, rendering.advisory_id)
               for chunk in _chunks(self.recipients, MAX_RECIPIENTS)]
        return PostRef(post_id=ids[0], extra={"message_ids": ",".join(ids)} if len(ids) > 1 else {})

    def _send(self, bcc: list[str], content: dict[str, Any], advisory_id: str) -> str:
        kwargs: dict[str, Any] = {"FromEmailAddress": self.sender, "Content": content,
                                  "Destination": {"BccAddresses": bcc},
                                  "EmailTags": [{"Name": "advisory", "Value": advisory_id}]}
        if self.settings.get("reply_to"):
            kwargs["ReplyToAddresses"] = [self.settings["reply_to"]]
        if self.settings.get("configuration_set"):
            kwargs["ConfigurationSetName"] = self.settings["configuration_set"]
        if self.settings.get("contact_list"):
            kwargs["ListManagementOptions"] = {"ContactListName": self.settings["contact_list"]}
        return str(aws_call(self.platform, "message", self.ses.send_email, **kwargs)["MessageId"])

    def _check(self) -> Readiness:
        """SES v2 `GetAccount`: sending enabled (SES pauses an account it has shut down) and
        production access (in the SES sandbox only verified addresses receive mail); then
        `GetEmailIdentity` of the sender's address, else of its domain: verified for sending."""
        account = aws_call(self.platform, "account check", self.ses.get_account)
        status = account.get("EnforcementStatus") or "HEALTHY"
        if account.get("SendingEnabled") is False:
            return unready(ReadinessProblem.CONFIGURATION,
                           f"SES sending is paused for the AWS account (enforcement status {status})")
        if account.get("ProductionAccessEnabled") is False:
            return unready(ReadinessProblem.CONFIGURATION, "the AWS account's SES is in the sandbox: only "
                           "verified addresses receive mail; request production access")
        found = self._sender_identity()
        if found is None:
            return unready(ReadinessProblem.CONFIGURATION,
                           f"neither {self.sender} nor its domain is an SES identity: verify one")
        name, identity = found
        if identity.get("VerifiedForSendingStatus") is not True and identity.get("VerificationStatus") != "SUCCESS":
            return unready(ReadinessProblem.CONFIGURATION, f"the SES identity {name} is not verified for sending "
                           f"(verification {identity.get('VerificationStatus') or 'not started'})")
        return ready(can_pin=None, note="" if status == "HEALTHY" else f"ready; SES has the account on {status}")

    def _sender_identity(self) -> tuple[str, dict[str, Any]] | None:
        address = parseaddr(self.sender)[1] or self.sender
        for name in dict.fromkeys((address, address.rpartition("@")[2])):
            try:
                return name, aws_call(self.platform, "sender check", self.ses.get_email_identity,
                                      passthrough=("NotFoundException",), EmailIdentity=name)
            except ClientError:  # NotFoundException, the only one passed through
                continue
        return None


def _utf8(text: str) -> dict[str, str]:
    return {"Data": text, "Charset": "UTF-8"}


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:150]


def _as_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def build(account: ChannelAccount, client: Callable[[str], Any]) -> EmailChannel:
    return EmailChannel(account.id, dict(account.settings), client("sesv2"))


# -- rendering: a subject, a text body and an HTML body (autoescaped) -----------------------------------
def render(advisory: Advisory, account: ChannelAccount, text: LocalizedText,
           org: OrgSettings) -> tuple[Rendering, list[Finding]]:
    env, post = environment(), post_for(advisory, text)
    view = {"post": post.as_view()}
    body = tidy(env.get_template("channels/email.txt.j2").render(view))
    return Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                     language=account.language, parts=[Part(text=body, length=len(body))],
                     marker=post.ref, subject=tidy(env.get_template("channels/email_subject.j2").render(view)),
                     html=env.get_template("channels/email.html.j2").render(view)), []


# -- an account's settings, as EmailChannel reads them (the admin API validates with this model) ----------
# No credentials: the worker sends through SES with its own role, from the organisation's domain.
from typing import Annotated  # noqa: E402

from pydantic import Field  # noqa: E402

from chalicelib.channels.account_settings import PlatformSettings  # noqa: E402

EmailAddress = Annotated[str, Field(max_length=254, pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")]


class EmailSettings(PlatformSettings):
    """The organisation's verified sender and the recipients (both required; recipients go in Bcc,
    50 per message), and optionally Reply-To, an SES configuration set, and an SES contact list
    (list management: unsubscribe links and headers)."""

    from_address: EmailAddress
    to_addresses: list[EmailAddress] = Field(min_length=1, max_length=10_000)
    reply_to: EmailAddress | None = None
    configuration_set: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    contact_list: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,128}$")


SPECS = (PlatformSpec("email", build=build, grants=(Grant.SEND_EMAIL,), settings=EmailSettings,
                      profile=DocumentProfile(render=render)),)
