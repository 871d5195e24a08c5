"""`render_for(advisory, account)`: the exact text every channel account will receive.

Jinja2 templates under `templates/` do the layout (StrictUndefined; autoescaped where the
output is HTML or XML); the advisory's text only ever enters as data. `fit.py` makes each post
fit its platform, `profiles.py` says what each platform allows.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime, UTC
from functools import lru_cache
from typing import Any
from collections.abc import Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from chalicelib.domain.models import (Advisory, AdvisoryState, ChannelAccount, LocalizedText,
                                      MsgType)
from chalicelib.domain.screening import Finding
from chalicelib.rendering import measure as m
from chalicelib.rendering.fit import Fitted, Post, fit
from chalicelib.rendering.model import Part, Rendering, SmsInfo
from chalicelib.rendering.sandbox import CustomTemplateError, render_custom
from chalicelib.rendering.profiles import (PROFILES, SLACK_SECTION_LIMIT, Profile,
                                           sms_max_segments)
from chalicelib.settings import OrgSettings, org_settings

TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "templates")
ESCAPED_SUFFIXES = (".html.j2", ".xml.j2", ".atom.j2")
MSG_LABELS = {MsgType.ALERT: "", MsgType.UPDATE: "UPDATE", MsgType.CANCEL: "ALL CLEAR"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined,
                       autoescape=lambda name: name is not None and name.endswith(ESCAPED_SUFFIXES),
                       auto_reload=False)


def clarion_ref(advisory_id: str) -> str:
    """The short reference Clarion puts in each post, to find it again."""
    return "Ref CL-" + advisory_id.split("_")[-1][:8].upper()


def _tidy(text: str) -> str:
    """Trailing spaces go and empty paragraphs collapse."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class RenderResult:
    rendering: Rendering
    findings: list[Finding]


# -- languages ---------------------------------------------------------------------------------
def localized(advisory: Advisory, language: str) -> LocalizedText | None:
    """The advisory's text in `language` (exact tag first, then the same primary language)."""
    content = advisory.content
    texts: dict[str, LocalizedText] = {content.language: content, **content.translations}
    if language in texts:
        return texts[language]
    primary = language.split("-")[0].lower()
    return next((t for tag, t in texts.items() if tag.split("-")[0].lower() == primary), None)


def post_for(advisory: Advisory, text: LocalizedText, escape: Any = None) -> Post:
    esc = escape or (lambda s: s)
    content = advisory.content
    return Post(
        status_marker=content.status.value.upper() if content.status.is_drill else "",
        msg_label=MSG_LABELS[advisory.msg_type],
        headline=esc(text.headline), area=esc(content.area_desc or ""),
        description=esc(text.description), instruction=esc(text.instruction),
        required_text=esc(text.required_text), link=str(content.web) if content.web else "",
        hashtags=tuple(content.hashtags), ref=clarion_ref(advisory.id),
        contact=esc(content.contact or ""), language=content.language)


# -- the social channels -----------------------------------------------------------------------
def _short_link(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url)
    return shown if len(shown) <= 30 else shown[:29] + "…"


def _render_post(profile: Profile, post: Post, custom: str | None = None) -> str:
    """The post through the platform's template, or through an admin's wording in the sandbox."""
    if custom is not None:
        text = _tidy(render_custom(custom, post.as_view()))
    else:
        text = _tidy(environment().get_template(profile.template).render(post=post.as_view()))
    if profile.platform == "sms":  # one line per field: every character costs
        return m.gsm_substitute(re.sub(r"\n+", "\n", text))
    return text


def _bluesky_facets(text: str, link: str, shown: str, hashtags: Sequence[str]) -> list[dict[str, Any]]:
    facets = []
    encoded = text.encode("utf-8")
    if link and shown:
        start = encoded.find(shown.encode("utf-8"))
        if start >= 0:
            facets.append({"index": {"byteStart": start, "byteEnd": start + len(shown.encode("utf-8"))},
                           "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}]})
    for tag in hashtags:
        for match in re.finditer(re.escape(f"#{tag}".encode()) + rb"(?![\w])", encoded):
            facets.append({"index": {"byteStart": match.start(), "byteEnd": match.end()},
                           "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]})
    return facets


def _social(advisory: Advisory, account: ChannelAccount, text: LocalizedText) -> tuple[Rendering, Fitted]:
    profile = PROFILES[account.platform]
    post = post_for(advisory, text, profile.escape)
    full_link = post.link
    if profile.short_link and post.link:
        post = replace(post, link=_short_link(post.link))
    if not profile.reference:
        post = replace(post, ref="")
    limits = profile.limits(account)
    custom = advisory.renderings.get(account.platform)
    fitted = fit(post, lambda p: _render_post(profile, p, custom), limits, profile.threads)
    primary = limits[0]
    parts = []
    for part_text in fitted.texts:
        facets = _bluesky_facets(part_text, full_link, post.link, post.hashtags) if profile.short_link else []
        parts.append(Part(text=part_text, length=primary.exact(part_text), limit=primary.limit,
                          unit=profile.unit, facets=facets))
    rendering = Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                          language=account.language, parts=parts, marker=post.ref,
                          warnings=[f"{d} to fit" for d in fitted.dropped])
    if account.platform == "sms":
        rendering = _with_sms_info(rendering, account)
    if account.platform == "slack":
        rendering.blocks = slack_blocks(parts[0].text)
    return rendering, fitted


def _measured(rendering: Rendering) -> str:
    if rendering.sms:
        sms = rendering.sms
        return f"it needs {sms.segments} SMS parts ({sms.encoding}); the limit is {sms.max_segments}"
    longest = max(rendering.parts, key=lambda p: p.length)
    return f"{longest.length} {longest.unit}; the limit is {longest.limit}"


def _with_sms_info(rendering: Rendering, account: ChannelAccount) -> Rendering:
    count = m.sms_count(rendering.parts[0].text)
    max_segments = sms_max_segments(account)
    per_part = count.single_limit if max_segments == 1 else count.single_limit - (7 if count.encoding == "GSM-7" else 3)
    rendering.parts = [replace_part(rendering.parts[0], length=count.units, limit=per_part * max_segments,
                                    unit=f"{count.encoding} {'septets' if count.encoding == 'GSM-7' else 'units'}")]
    rendering.sms = SmsInfo(encoding=count.encoding, segments=count.segments, max_segments=max_segments)
    if count.encoding == "UCS-2":
        rendering.warnings.append("characters outside the GSM alphabet make this UCS-2 (70 per SMS)")
    return rendering


def replace_part(part: Part, **changes: Any) -> Part:
    return part.model_copy(update=changes)


def slack_blocks(text: str) -> list[dict[str, Any]]:
    """Section blocks of at most 3000 characters, split between paragraphs, else between words."""
    blocks, current = [], ""
    for paragraph in text.split("\n\n"):
        for piece in _pieces(paragraph, SLACK_SECTION_LIMIT):
            candidate = f"{current}\n\n{piece}" if current else piece
            if m.utf16_units(candidate) <= SLACK_SECTION_LIMIT:
                current = candidate
            else:
                blocks.append(current)
                current = piece
    if current:
        blocks.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": b}} for b in blocks]


def _pieces(paragraph: str, limit: int) -> list[str]:
    if m.utf16_units(paragraph) <= limit:
        return [paragraph]
    pieces, current = [], ""
    for word in paragraph.split(" "):
        candidate = f"{current} {word}" if current else word
        if m.utf16_units(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word[:limit]
    return [*pieces, current] if current else pieces


# -- e-mail and the owned channels ------------------------------------------------------------
def _email(advisory: Advisory, account: ChannelAccount, text: LocalizedText) -> Rendering:
    env, post = environment(), post_for(advisory, text)
    view = {"post": post.as_view()}
    body = _tidy(env.get_template("channels/email.txt.j2").render(view))
    return Rendering(advisory_id=advisory.id, channel_account=account.id, platform="email",
                     language=account.language, parts=[Part(text=body, length=len(body))],
                     marker=post.ref, subject=_tidy(env.get_template("channels/email_subject.j2").render(view)),
                     html=env.get_template("channels/email.html.j2").render(view))


LIVE_STATES = {AdvisoryState.BROADCASTING, AdvisoryState.DELIVERED, AdvisoryState.PARTIALLY_DELIVERED,
               AdvisoryState.FAILED}


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
    if any(c.startswith("cap_feed:") for c in advisory.content.channels):
        return f"{settings.public_base_url}/feeds/cap/{advisory.id}.xml"
    return None


def banner_html(data: dict[str, Any]) -> str:
    return _tidy(environment().get_template("channels/banner.html.j2").render(banner=data))


def _banner(advisory: Advisory, account: ChannelAccount) -> Rendering:
    data = banner_data(advisory, org_settings(), now=advisory.created_at)
    html = banner_html(data)
    return Rendering(advisory_id=advisory.id, channel_account=account.id, platform="banner",
                     language=account.language, parts=[Part(text=html, length=len(html))],
                     html=html, data=data)


def _cap_feed(advisory: Advisory, account: ChannelAccount) -> tuple[Rendering, list[Finding]]:
    from chalicelib.rendering.cap import cap_xml, missing_cap_fields

    missing = missing_cap_fields(advisory)
    if missing:
        return (Rendering(advisory_id=advisory.id, channel_account=account.id, platform="cap_feed",
                          language=account.language, parts=[]),
                [Finding(code="cap_incomplete", channel=account.id, blocking=True,
                         message=f"CAP needs {', '.join(missing)}")])
    document = cap_xml(advisory, [], org_settings())
    return (Rendering(advisory_id=advisory.id, channel_account=account.id, platform="cap_feed",
                      language=account.language, parts=[Part(text=document, length=len(document))],
                      document=document), [])


# -- one entry point ------------------------------------------------------------------------------
def render_for(advisory: Advisory, account: ChannelAccount) -> RenderResult:
    """The rendering for one channel account, and what screening must know about it."""
    findings: list[Finding] = []
    text = localized(advisory, account.language)
    if text is None:
        findings.append(Finding(code="missing_language", channel=account.id,
                                message=f"{account.id} posts in {account.language}; "
                                        f"add a {account.language} translation"))
        text = advisory.content
    if account.platform in PROFILES:
        try:
            rendering, fitted = _social(advisory, account, text)
        except CustomTemplateError as error:
            return RenderResult(Rendering(advisory_id=advisory.id, channel_account=account.id,
                                          platform=account.platform, language=account.language, parts=[]),
                                [*findings, Finding(code="custom_template_error", channel=account.id,
                                                    message=f"{account.platform} wording: {error}")])
        if fitted.blocking:
            findings.append(Finding(code="does_not_fit", channel=account.id,
                                    message=f"{account.id}: {fitted.blocking} ({_measured(rendering)})"))
    elif account.platform == "email":
        rendering = _email(advisory, account, text)
    elif account.platform == "banner":
        rendering = _banner(advisory, account)
    elif account.platform == "cap_feed":
        rendering, cap_findings = _cap_feed(advisory, account)
        findings += cap_findings
    else:
        raise ValueError(f"no renderer for platform {account.platform}")
    if not any(f.code == "does_not_fit" for f in findings):
        findings += _required_text_findings(rendering, text, account)
    findings += [Finding(code="adjusted", channel=account.id, message=w, blocking=False)
                 for w in rendering.warnings]
    return RenderResult(rendering, findings)


def _required_text_findings(rendering: Rendering, text: LocalizedText, account: ChannelAccount) -> list[Finding]:
    """The required text must stand whole in one part (never split, never cut)."""
    required = text.required_text
    if not required or not rendering.parts or account.platform in ("cap_feed", "banner"):
        return []
    profile = PROFILES.get(account.platform)
    needle = profile.escape(required) if profile else required
    if account.platform == "sms":
        needle = m.gsm_substitute(needle) if m.is_gsm(rendering.parts[0].text) else needle
    if any(needle in part.text for part in rendering.parts):
        return []
    return [Finding(code="required_text_missing", channel=account.id,
                    message=f"{account.id}: the required text does not appear whole")]


def render_all(advisory: Advisory, accounts: Sequence[ChannelAccount]) -> list[RenderResult]:
    """Every account's rendering; accounts that would render identically are rendered once."""
    done: dict[tuple[Any, ...], RenderResult] = {}
    results = []
    for account in accounts:
        key = (account.platform, account.language, json.dumps(account.settings, sort_keys=True, default=str))
        if key not in done:
            done[key] = render_for(advisory, account)
        results.append(_for_account(done[key], account))
    return results


def _for_account(result: RenderResult, account: ChannelAccount) -> RenderResult:
    if result.rendering.channel_account == account.id:
        return result
    rendering = result.rendering.model_copy(update={"channel_account": account.id})
    findings = [f.model_copy(update={"channel": account.id, "message": f.message.replace(
        result.rendering.channel_account, account.id)}) if f.channel else f for f in result.findings]
    return RenderResult(rendering, findings)
