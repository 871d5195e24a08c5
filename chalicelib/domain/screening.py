"""Screening on submit: what must be true before an advisory may go to an approver.

Each finding names a code, the channel it concerns (or None for the whole advisory), a
message that says what to fix, and whether it blocks submission.
"""
from __future__ import annotations

import ipaddress
from datetime import datetime
from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from chalicelib.domain.models import Advisory, ChannelAccount, MsgType


class Finding(BaseModel):
    code: str
    message: str
    channel: str | None = None
    blocking: bool = True
    # The field it concerns ("description", "translations.fr.headline") and, for something found
    # in the text, the span [start, end) in code points, so a form can mark it where it is.
    field: str | None = None
    start: int | None = None
    end: int | None = None
    # For patient data: the identifier class ("name", "date", "phone", "nhs_number", ...; phi.LABELS).
    identifier: str | None = None


# CAP requires these in every alert's info block; Clarion also needs a target and an area.
REQUIRED_FOR_ALERT = ("event", "urgency", "severity", "certainty", "area_desc")


def required_fields(advisory: Advisory) -> list[Finding]:
    content = advisory.content
    findings = [
        Finding(code="missing_field", field=name, message=f"{name} is required before submitting")
        for name in REQUIRED_FOR_ALERT
        if getattr(content, name) in (None, "")
    ]
    if advisory.msg_type is not MsgType.CANCEL and not content.instruction:
        findings.append(Finding(code="missing_field", field="instruction",
                                message="instruction is required: say what people should do"))
    if advisory.msg_type is not MsgType.ALERT and not advisory.references:
        findings.append(Finding(code="missing_reference",
                                message=f"an {advisory.msg_type.value} must reference the advisory it follows"))
    if not content.channels:
        findings.append(Finding(code="no_channels", field="channels", message="choose at least one channel account"))
    return findings


def channel_findings(advisory: Advisory, accounts: dict[str, ChannelAccount]) -> list[Finding]:
    """Every target exists and is enabled; drills (Exercise/Test) only go to sandbox accounts."""
    findings = []
    for channel_id in advisory.content.channels:
        account = accounts.get(channel_id)
        if account is None:
            findings.append(Finding(code="unknown_channel", channel=channel_id,
                                    message=f"there is no channel account {channel_id}"))
        elif not account.enabled:
            findings.append(Finding(code="channel_disabled", channel=channel_id,
                                    message=f"channel account {channel_id} is disabled"))
        elif advisory.content.status.is_drill and not account.sandbox:
            findings.append(Finding(
                code="drill_to_live_channel", channel=channel_id,
                message=f"a {advisory.content.status.value} advisory may only go to sandbox "
                        f"accounts; {channel_id} is a live account"))
    return findings


def timing_findings(advisory: Advisory, now: datetime) -> list[Finding]:
    expires = advisory.content.expires
    if expires is not None and expires <= now:
        return [Finding(code="expired", field="expires", message="expires is in the past")]
    return []


PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp")


def private_host(host: str) -> bool:
    """A host the public cannot reach: loopback, private, link-local or reserved addresses,
    localhost, single-label names and the private-use domain suffixes."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or "." not in host or host.endswith(PRIVATE_SUFFIXES)
    return not address.is_global


def link_findings(advisory: Advisory, accounts: dict[str, ChannelAccount]) -> list[Finding]:
    """The public must be able to open the "more information" link. A sandbox account (the
    local stage, drills) may point at a machine of ours; a live account may not."""
    web = advisory.content.web
    live = [c for c in advisory.content.channels if c in accounts and not accounts[c].sandbox]
    if web is None or not web.host or not live or not private_host(web.host):
        return []
    return [Finding(code="private_link", field="web", message=f"web points at {web.host}, which the public cannot "
                    f"reach; live accounts ({', '.join(live)}) need a public link")]


def screen(advisory: Advisory, accounts: dict[str, ChannelAccount], now: datetime) -> list[Finding]:
    return [*required_fields(advisory), *channel_findings(advisory, accounts),
            *link_findings(advisory, accounts), *timing_findings(advisory, now)]


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


TEXT_FIELDS = ("headline", "description", "instruction", "required_text")


def text_fields(advisory: Advisory) -> Iterator[tuple[str, str]]:
    """Every free-text field, in every language, named as a person would look for it."""
    content = advisory.content
    for name in TEXT_FIELDS:
        yield name, getattr(content, name)
    yield "area_desc", content.area_desc or ""
    yield "contact", content.contact or ""
    for language, text in content.translations.items():
        for name in TEXT_FIELDS:
            yield f"translations.{language}.{name}", getattr(text, name)


def public_fields(advisory: Advisory) -> Iterator[tuple[str, str, str, str]]:
    """Everything that goes public, as (field, text, kind, language): the free text in every
    language, area and contact, the `web` link ("url": host, path and query), the hashtags as the
    console shows them (space-separated), and the admin-written wording of each platform."""
    content = advisory.content
    for name, text in text_fields(advisory):
        language = name.split(".")[1] if name.startswith("translations.") else content.language
        yield name, text, "text", language
    if content.web is not None:
        yield "web", str(content.web), "url", content.language
    if content.hashtags:
        yield "hashtags", " ".join(content.hashtags), "hashtags", content.language
    for platform, source in advisory.renderings.items():
        yield f"renderings.{platform}", source, "text", content.language
