"""E-mail through Amazon SES v2 `SendEmail`: a subject, a text body AND an HTML body.

Recipients go in Bcc (subscribers must not see each other), at most 50 per message as SES
allows; a `contact_list` setting adds SES list management (unsubscribe links and headers).
"""
from __future__ import annotations

import html
from typing import Any
from collections.abc import Callable, Mapping

from chalicelib.channels.aws import aws_call
from chalicelib.channels.base import SocialChannel, require
from chalicelib.channels.port import PostRef
from chalicelib.domain.models import ChannelAccount
from chalicelib.domain.models import Advisory, LocalizedText
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
def render(advisory: Advisory, account: ChannelAccount, text: LocalizedText) -> tuple[Rendering, list[Finding]]:
    env, post = environment(), post_for(advisory, text)
    view = {"post": post.as_view()}
    body = tidy(env.get_template("channels/email.txt.j2").render(view))
    return Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                     language=account.language, parts=[Part(text=body, length=len(body))],
                     marker=post.ref, subject=tidy(env.get_template("channels/email_subject.j2").render(view)),
                     html=env.get_template("channels/email.html.j2").render(view)), []


SPECS = (PlatformSpec("email", build=build, grants=(Grant.SEND_EMAIL,), profile=DocumentProfile(render=render)),)
