"""`render_for(advisory, account)`: the exact text every channel account will receive.

Jinja2 templates under `templates/` do the layout (StrictUndefined; autoescaped where the
output is HTML or XML); the advisory's text only ever enters as data. Each platform's profile
(its module's `PlatformSpec.profile`, see profiles.py) says how: a post fitted to the platform's
limits by `fit.py`, or a document the platform renders itself.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any
from collections.abc import Sequence

from chalicelib import platforms
from chalicelib.domain.models import Advisory, ChannelAccount, LocalizedText
from chalicelib.domain.org import OrgSettings
from chalicelib.domain.screening import Finding
from chalicelib.rendering.fit import Fitted, Post, fit
from chalicelib.rendering.model import Part, Rendering
from chalicelib.rendering.profiles import DocumentProfile, PostProfile
from chalicelib.rendering.sandbox import CustomTemplateError, render_custom
from chalicelib.rendering.view import environment, localized, post_for, tidy
from chalicelib.settings import environment_settings


@dataclass
class RenderResult:
    rendering: Rendering
    findings: list[Finding]


# -- posts -------------------------------------------------------------------------------------
def _short_link(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url)
    return shown if len(shown) <= 30 else shown[:29] + "…"


def _render_post(profile: PostProfile, post: Post, custom: str | None = None) -> str:
    """The post through the platform's template, or through an admin's wording in the sandbox."""
    if custom is not None:
        text = tidy(render_custom(custom, post.as_view()))
    else:
        text = tidy(environment().get_template(profile.template).render(post=post.as_view()))
    return profile.finish_text(text)


def _post(profile: PostProfile, advisory: Advisory, account: ChannelAccount,
          text: LocalizedText) -> tuple[Rendering, Fitted]:
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
    parts = [Part(text=part_text, length=primary.exact(part_text), limit=primary.limit, unit=profile.unit,
                  facets=profile.facets(part_text, full_link, post.link, post.hashtags) if profile.facets else [])
             for part_text in fitted.texts]
    rendering = Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                          language=account.language, parts=parts, marker=post.ref,
                          warnings=[f"{d} to fit" for d in fitted.dropped])
    return profile.finish(rendering, account), fitted


def _measured(profile: PostProfile, rendering: Rendering) -> str:
    if profile.measured is not None:
        return profile.measured(rendering)
    longest = max(rendering.parts, key=lambda p: p.length)
    return f"{longest.length} {longest.unit}; the limit is {longest.limit}"


def _post_result(profile: PostProfile, advisory: Advisory, account: ChannelAccount,
                 text: LocalizedText) -> tuple[Rendering, list[Finding]]:
    try:
        rendering, fitted = _post(profile, advisory, account, text)
    except CustomTemplateError as error:
        return (Rendering(advisory_id=advisory.id, channel_account=account.id, platform=account.platform,
                          language=account.language, parts=[]),
                [Finding(code="custom_template_error", channel=account.id,
                         message=f"{account.platform} wording: {error}")])
    if fitted.blocking:
        return rendering, [Finding(code="does_not_fit", channel=account.id,
                                   message=f"{account.id}: {fitted.blocking} ({_measured(profile, rendering)})")]
    return rendering, []


# -- one entry point ------------------------------------------------------------------------------
def render_for(advisory: Advisory, account: ChannelAccount, org: OrgSettings | None = None) -> RenderResult:
    """The rendering for one channel account, and what screening must know about it; `org`: the
    organisation's settings in force (the environment's seed when not given)."""
    org = org or environment_settings()
    findings: list[Finding] = []
    text = localized(advisory, account.language)
    if text is None:
        findings.append(Finding(code="missing_language", channel=account.id,
                                message=f"{account.id} posts in {account.language}; "
                                        f"add a {account.language} translation"))
        text = advisory.content
    try:
        spec = platforms.spec(account.platform)
    except KeyError:
        raise ValueError(f"no renderer for platform {account.platform}") from None
    profile, completed = spec.profile, spec.account_with_defaults(account, org)
    if isinstance(profile, PostProfile):
        rendering, found = _post_result(profile, advisory, completed, text)
    else:
        rendering, found = profile.render(advisory, completed, text, org)
    findings += found
    if rendering.parts and not any(f.code in ("does_not_fit", "custom_template_error") for f in findings):
        findings += _required_text_findings(profile, rendering, text, account)
    findings += [Finding(code="adjusted", channel=account.id, message=w, blocking=False)
                 for w in rendering.warnings]
    return RenderResult(rendering, findings)


def _required_text_findings(profile: PostProfile | DocumentProfile, rendering: Rendering,
                            text: LocalizedText, account: ChannelAccount) -> list[Finding]:
    """The required text must stand whole in one part (never split, never cut)."""
    required = text.required_text
    if not required:
        return []
    if isinstance(profile, DocumentProfile):
        if not profile.required_text_whole:
            return []
        needle = required
    else:
        needle = profile.required_as_rendered(profile.escape(required), rendering)
    if any(needle in part.text for part in rendering.parts):
        return []
    return [Finding(code="required_text_missing", channel=account.id,
                    message=f"{account.id}: the required text does not appear whole")]


def render_all(advisory: Advisory, accounts: Sequence[ChannelAccount],
               org: OrgSettings | None = None) -> list[RenderResult]:
    """Every account's rendering; accounts that would render identically are rendered once."""
    org = org or environment_settings()
    done: dict[tuple[Any, ...], RenderResult] = {}
    results = []
    for account in accounts:
        key = (account.platform, account.language, json.dumps(account.settings, sort_keys=True, default=str))
        if key not in done:
            done[key] = render_for(advisory, account, org)
        results.append(_for_account(done[key], account))
    return results


def _for_account(result: RenderResult, account: ChannelAccount) -> RenderResult:
    if result.rendering.channel_account == account.id:
        return result
    rendering = result.rendering.model_copy(update={"channel_account": account.id})
    findings = [f.model_copy(update={"channel": account.id, "message": f.message.replace(
        result.rendering.channel_account, account.id)}) if f.channel else f for f in result.findings]
    return RenderResult(rendering, findings)
