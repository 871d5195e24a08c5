"""The channels Clarion owns: the website banner and the CAP 1.2 / Atom feeds, kept in S3.

Objects (under the account's optional `prefix`), which the public API serves as they are:

    banner/<advisory>.json, .html   every advisory's banner, written on publish and edit
    banner.json, banner.html        the current banner: "pin" copies one here; "unpin" writes
                                    {"active": false} and an empty page (only if it is still ours)
    cap/<advisory>.xml              the CAP 1.2 document of each advisory
    cap/feed.json                   the feed's entries, each `active` or not
    cap.atom                        the Atom feed of the active entries ("pin" = active)

Every write is by key, so repeating one is harmless (these channels are idempotent: after an
ambiguous outcome, publish again; there is nothing to `find`). The
read-modify-write of banner.json and cap/feed.json is conditional on the ETag read (S3
If-Match / If-None-Match), retried a few times when another writer got there first.
"""
from __future__ import annotations

import os
import json
from datetime import datetime, UTC
from typing import Any
from collections.abc import Callable, Mapping
from xml.etree import ElementTree as ET

from botocore.exceptions import ClientError

from chalicelib.channels.aws import aws_call
from chalicelib.channels.base import SocialChannel, require
from chalicelib.channels.port import (Capabilities, GoneError, PermanentError, PostRef, RetryableError,
                                      ready, unready)
from chalicelib.domain.models import (Advisory, ChannelAccount, LocalizedText, MsgType, Readiness,
                                      ReadinessProblem)
from chalicelib.domain.screening import Finding
from chalicelib.platforms import Grant, PlatformSpec, Queue
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import DocumentProfile
from chalicelib.rendering.view import environment, tidy
from chalicelib.domain.org import OrgSettings

_CONFLICT = ("PreconditionFailed", "ConditionalRequestConflict")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class S3Documents:
    """JSON and text objects in one bucket, with conditional writes."""

    def __init__(self, s3: Any, bucket: str, prefix: str, platform: str) -> None:
        self.s3, self.bucket, self.prefix, self.platform = s3, bucket, prefix, platform

    def read(self, key: str) -> tuple[bytes | None, str | None]:
        """(body, etag), or (None, None) when there is no such object."""
        try:
            got = aws_call(self.platform, "read", self.s3.get_object, passthrough=("NoSuchKey",),
                           Bucket=self.bucket, Key=self.prefix + key)
        except ClientError:  # NoSuchKey, the only one passed through
            return None, None
        return got["Body"].read(), got.get("ETag")

    def write(self, key: str, body: str | bytes, content_type: str, **condition: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        aws_call(self.platform, "write", self.s3.put_object, passthrough=_CONFLICT, Bucket=self.bucket,
                 Key=self.prefix + key, Body=data, ContentType=content_type,
                 CacheControl="max-age=60", **condition)

    def delete(self, key: str) -> None:
        aws_call(self.platform, "delete", self.s3.delete_object, Bucket=self.bucket, Key=self.prefix + key)

    def update_json(self, key: str, change: Callable[[Any], Any], attempts: int = 5) -> Any:
        """Read, change, write back only if nobody wrote in between; returns what was written."""
        for _ in range(attempts):
            body, etag = self.read(key)
            current = json.loads(body) if body else None
            wanted = change(current)
            if wanted == current:
                return current
            condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
            try:
                self.write(key, json.dumps(wanted, indent=1), "application/json", **condition)
                return wanted
            except ClientError:  # a conflict, the only codes passed through: read again
                continue
        raise RetryableError(f"{self.platform}: {key} kept changing under concurrent writers; try again")


class OwnedChannel(SocialChannel):
    """Shared by the banner and the feed: settings, URLs, one part per advisory."""

    def __init__(self, account_id: str, settings: Mapping[str, Any], s3: Any, bucket: str | None) -> None:
        if not bucket:
            raise PermanentError(f"Channel account {account_id}: no S3 bucket for owned channels "
                                 "(settings `bucket` or CLARION_OWNED_BUCKET)")
        self.settings = settings
        self.docs = S3Documents(s3, str(settings.get("bucket") or bucket), str(settings.get("prefix", "")),
                                self.platform)
        # The organisation's settings complete the account's (SPECS `defaults`): where the public
        # pages live and who the feed is from.
        self.base = str(require(settings, "public_base_url", account_id)).rstrip("/")
        self.sender = str(require(settings, "sender", account_id))
        self.sender_name = str(require(settings, "sender_name", account_id))

    document = ""  # the document this channel rewrites, read by the readiness check

    def _check(self) -> Readiness:
        """`HeadBucket` (404: no such bucket; 403: not this role's to use), then a read of the
        document this channel rewrites (absent is fine: nothing published yet). S3 cannot say
        whether a write would succeed without making one, and this check writes nothing: it
        proves the bucket and its documents are there and readable, not that they are writable."""
        docs = self.docs
        try:
            aws_call(self.platform, "bucket check", docs.s3.head_bucket, passthrough=("404", "NoSuchBucket"),
                     Bucket=docs.bucket)
        except ClientError:  # 404 / NoSuchBucket, the only ones passed through
            return unready(ReadinessProblem.CONFIGURATION, f"the S3 bucket {docs.bucket} does not exist")
        docs.read(self.document)
        return ready(can_pin=True, note=f"ready; s3://{docs.bucket}/{docs.prefix}{self.document} is readable "
                                        "(a write is not tried)")


class BannerChannel(OwnedChannel):
    platform = "Website banner"
    document = "banner.json"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True, max_pins=1)

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        aid = rendering.advisory_id
        banner = {"id": aid, **rendering.data}
        self.docs.write(f"banner/{aid}.json", json.dumps(banner, indent=1), "application/json")
        self.docs.write(f"banner/{aid}.html", rendering.html or "", "text/html; charset=utf-8")
        return PostRef(post_id=aid, url=f"{self.base}/banner.json")

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        ref = self._post(rendering, part, index, None, None, "")
        if self._current_id() == part_id:
            self._pin(ref)  # the edit shows at once on the live banner
        return ref

    def _pin(self, post: PostRef) -> None:
        body, _ = self.docs.read(f"banner/{post.post_id}.json")
        page, _ = self.docs.read(f"banner/{post.post_id}.html")
        if body is None:
            raise GoneError(f"No banner was published for {post.post_id}")
        self.docs.write("banner.html", page or b"", "text/html; charset=utf-8")
        self.docs.write("banner.json", body, "application/json")

    def _unpin(self, post: PostRef) -> None:
        """Clear the banner, unless a newer advisory has taken it over meanwhile."""
        cleared = self.docs.update_json("banner.json", lambda cur: (
            {"active": False} if cur and cur.get("id") == post.post_id else cur))
        if cleared == {"active": False}:
            self.docs.write("banner.html", "", "text/html; charset=utf-8")

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self._unpin(post)
        self.docs.delete(f"banner/{part_id}.json")
        self.docs.delete(f"banner/{part_id}.html")

    def _current_id(self) -> str | None:
        body, _ = self.docs.read("banner.json")
        return json.loads(body).get("id") if body else None


class CapFeedChannel(OwnedChannel):
    platform = "CAP feed"
    document = "cap/feed.json"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True)

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        aid = rendering.advisory_id
        if not rendering.document:
            raise PermanentError(f"The CAP rendering of {aid} has no document")
        entry = cap_entry(rendering.document, aid, self.base)
        self.docs.write(f"cap/{aid}.xml", rendering.document, "application/cap+xml; charset=utf-8")
        self._change_entries(lambda entries: _upsert(entries, entry))
        return PostRef(post_id=aid, url=entry["cap_url"])

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        return self._post(rendering, part, index, None, None, "")

    def _pin(self, post: PostRef) -> None:
        self._change_entries(lambda entries: _set_active(entries, post.post_id, True))

    def _unpin(self, post: PostRef) -> None:
        self._change_entries(lambda entries: _set_active(entries, post.post_id, False))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self._change_entries(lambda entries: [e for e in entries if e["advisory_id"] != part_id])
        self.docs.delete(f"cap/{part_id}.xml")

    def _change_entries(self, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
        feed = self.docs.update_json("cap/feed.json", lambda cur: {
            "entries": change(list((cur or {}).get("entries", [])))})
        active = [e for e in feed["entries"] if e.get("active")]
        self.docs.write("cap.atom", atom_document(active, self.base, self.sender, self.sender_name),
                        "application/atom+xml; charset=utf-8")


def _upsert(entries: list[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    old = next((e for e in entries if e["advisory_id"] == entry["advisory_id"]), None)
    if old is not None:
        entry = {**entry, "active": old.get("active", False)}  # an edit keeps the pin state
    return [e for e in entries if e["advisory_id"] != entry["advisory_id"]] + [entry]


def _set_active(entries: list[dict[str, Any]], advisory_id: str, active: bool) -> list[dict[str, Any]]:
    if active and not any(e["advisory_id"] == advisory_id for e in entries):
        raise GoneError(f"No CAP entry was published for {advisory_id}")
    return [{**e, "active": active} if e["advisory_id"] == advisory_id else e for e in entries]


CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def cap_entry(document: str, advisory_id: str, base: str) -> dict[str, Any]:
    """The Atom entry of a CAP alert, read from the alert itself (its first info block)."""
    try:
        alert = ET.fromstring(document)
    except ET.ParseError as exc:
        raise PermanentError(f"The CAP document of {advisory_id} is not XML ({exc})") from None
    info = alert.find(f"{CAP}info")

    def text(node: ET.Element | None, name: str, default: str = "") -> str:
        found = node.find(f"{CAP}{name}") if node is not None else None
        return (found.text or default) if found is not None else default

    sent = _atom_time(text(alert, "sent"))
    return {"advisory_id": advisory_id, "active": False,
            "id": f"urn:clarion:{text(alert, 'sender')}:{advisory_id}",
            "title": text(info, "headline", advisory_id), "updated": sent, "published": sent,
            "cap_url": f"{base}/feeds/cap/{advisory_id}.xml", "web": text(info, "web") or None,
            "severity": text(info, "severity", "Unknown"),
            "summary": text(info, "description") or text(info, "instruction")}


def _atom_time(cap_time: str) -> str:
    try:
        moment = datetime.fromisoformat(cap_time)
    except ValueError:
        return _now()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_document(active: list[dict[str, Any]], base: str, sender: str, sender_name: str) -> str:
    """The Atom feed of the active alerts, through the rendering's own feed template."""
    from chalicelib.rendering.cap import xml_safe

    entries = sorted(active, key=lambda e: e["updated"], reverse=True)
    feed = {"id": f"urn:clarion:{sender}:active-alerts", "title": f"{sender_name}: active alerts",
            "updated": entries[0]["updated"] if entries else _now(), "author": sender_name,
            "language": "en", "self_url": f"{base}/feeds/cap.atom", "entries": entries}
    return xml_safe(environment().get_template("feeds/cap.atom.j2").render(feed=feed))


def _builder(cls: type[OwnedChannel]) -> Callable[[ChannelAccount, Callable[[str], Any]], SocialChannel]:
    def build(account: ChannelAccount, client: Callable[[str], Any]) -> SocialChannel:
        return cls(account.id, dict(account.settings), client("s3"), os.environ.get("CLARION_OWNED_BUCKET"))
    return build


# -- rendering: the banner snippet and banner.json; the CAP 1.2 document ---------------------------------
BANNER, CAP_FEED = "banner", "cap_feed"


def banner_data(advisory: Advisory | None, settings: OrgSettings, now: datetime | None = None) -> dict[str, Any]:
    """banner.json: the current advisory, or `active: false` after cancel or expiry."""
    now = now or datetime.now(UTC)
    expired = advisory is not None and advisory.content.expires is not None and advisory.content.expires <= now
    if advisory is None or expired or advisory.msg_type is MsgType.CANCEL:
        return {"active": False}
    content = advisory.content
    return {"active": True, "id": advisory.id, "headline": content.headline,
            "instruction": content.instruction, "required_text": content.required_text,
            "severity": (content.severity.value if content.severity else "Unknown"),
            "status_marker": content.status.value.upper() if content.status.is_drill else "",
            "language": content.language, "msg_type": advisory.msg_type.value,
            "url": _more_information(advisory, settings),
            "expires": content.expires.isoformat() if content.expires else None,
            "updated": advisory.updated_at.isoformat()}


def _more_information(advisory: Advisory, settings: OrgSettings) -> str | None:
    """The advisory's web page, else its CAP document where the CAP feed publishes it."""
    if advisory.content.web:
        return str(advisory.content.web)
    if any(c.startswith(f"{CAP_FEED}:") for c in advisory.content.channels):
        return f"{settings.public_base_url}/feeds/cap/{advisory.id}.xml"
    return None


def banner_html(data: dict[str, Any]) -> str:
    return tidy(environment().get_template("channels/banner.html.j2").render(banner=data))


def _render_banner(advisory: Advisory, account: ChannelAccount, text: LocalizedText,
                   org: OrgSettings) -> tuple[Rendering, list[Finding]]:
    data = banner_data(advisory, org, now=advisory.created_at)
    html = banner_html(data)
    return Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                     language=account.language, parts=[Part(text=html, length=len(html))],
                     html=html, data=data), []


def _render_cap(advisory: Advisory, account: ChannelAccount, text: LocalizedText,
                org: OrgSettings) -> tuple[Rendering, list[Finding]]:
    from chalicelib.rendering.cap import cap_xml, missing_cap_fields

    missing = missing_cap_fields(advisory)
    if missing:
        return (Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                          language=account.language, parts=[]),
                [Finding(code="cap_incomplete", channel=account.id, blocking=True,
                         message=f"CAP needs {', '.join(missing)}")])
    document = cap_xml(advisory, [], org)
    return (Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                      language=account.language, parts=[Part(text=document, length=len(document))],
                      document=document), [])


def _from_the_organisation(org: OrgSettings) -> dict[str, Any]:
    return {"public_base_url": org.public_base_url, "sender": org.sender, "sender_name": org.sender_name}


# -- an account's settings, as OwnedChannel reads them (the admin API validates with this model) ----------
# No credentials: the worker writes the documents with its own role.
from pydantic import Field  # noqa: E402

from chalicelib.channels.account_settings import PlatformSettings, WebAddress  # noqa: E402


class OwnedSettings(PlatformSettings):
    """Where the documents are written (the stage's owned bucket, no key prefix, when absent; the
    worker's role may write that bucket only), and what the organisation's settings give every
    owned account (`public_base_url`, `sender`, `sender_name`: set here only to override them)."""

    bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    prefix: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9!_.*'()/-]{0,199}$")
    public_base_url: WebAddress | None = None
    sender: str | None = Field(default=None, max_length=200, pattern=r"^[^\s,<&]+$")  # CAP: no spaces, commas, < or &
    sender_name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")


# The owned channels read-modify-write one document (banner.json, the CAP feed index), each write
# conditional on the ETag read: two at a time is safe, and the least Lambda allows.
SPECS = (
    PlatformSpec(BANNER, build=_builder(BannerChannel), grants=(Grant.OWNED_BUCKET,), queue=Queue(max_concurrency=2),
                 defaults=_from_the_organisation, settings=OwnedSettings,
                 profile=DocumentProfile(render=_render_banner, required_text_whole=False)),
    PlatformSpec(CAP_FEED, build=_builder(CapFeedChannel), grants=(Grant.OWNED_BUCKET,),
                 queue=Queue(max_concurrency=2), defaults=_from_the_organisation, settings=OwnedSettings,
                 profile=DocumentProfile(render=_render_cap, required_text_whole=False)),
)
