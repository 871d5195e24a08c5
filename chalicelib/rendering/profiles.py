"""What each platform allows, in one table: its template, how it counts, its limits, threads."""
from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable

from chalicelib.domain.models import ChannelAccount
from chalicelib.rendering import measure as m
from chalicelib.rendering.fit import Limit


def _no_escape(text: str) -> str:
    return text


def slack_escape(text: str) -> str:
    """Slack mrkdwn control characters, so advisory text can form neither links nor mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DISCORD_MARKDOWN = re.compile(r"(?m)([\\*_~`|>\[\]<])|^\s*([#-])")


def discord_escape(text: str) -> str:
    """Markdown characters escaped, masked links `[text](url)`, `<@id>` mentions, headings
    and subtext included; @everyone / @here broken with a zero-width space (and the webhook
    sends allowed_mentions none, so nothing in the text can ping)."""
    text = _DISCORD_MARKDOWN.sub(lambda m: "\\" + m.group(0) if m.group(1) else
                                 m.group(0)[:-1] + "\\" + m.group(2), text)
    return re.sub(r"@(everyone|here)", "@\u200b\\1", text)


def facebook_escape(text: str) -> str:
    """Graph API page posts turn `@[page-id]` into a tag: a word joiner keeps it text."""
    return text.replace("@[", "@\u2060[")


@dataclass(frozen=True)
class Profile:
    platform: str
    template: str
    unit: str
    limits: Callable[[ChannelAccount], list[Limit]]
    threads: bool = False
    escape: Callable[[str], str] = _no_escape
    short_link: bool = False   # Bluesky: show a short link text, the full URI goes in a facet
    reference: bool = True     # carry Clarion's reference, to find the post again


def _fixed(limit: int, counter: m.Counter) -> Callable[[ChannelAccount], list[Limit]]:
    return lambda account: [Limit(limit, counter.estimate, counter.measure)]


def _mastodon(account: ChannelAccount) -> list[Limit]:
    counter = m.COUNTERS["mastodon"]
    return [Limit(int(account.settings.get("max_characters", 500)), counter.estimate, counter.measure)]


def _bluesky(account: ChannelAccount) -> list[Limit]:
    return [Limit(300, m.graphemes, m.graphemes), Limit(3000, m.utf8_bytes, m.utf8_bytes)]


def sms_max_segments(account: ChannelAccount) -> int:
    return int(account.settings.get("max_segments", 3))


def _sms(account: ChannelAccount) -> list[Limit]:
    return [Limit(sms_max_segments(account), m.sms_segments, m.sms_segments)]


UTF16 = m.COUNTERS["utf16"]
SLACK_SECTION_LIMIT = 3000
SLACK_TEXT_LIMIT = 40000

PROFILES: dict[str, Profile] = {
    "x": Profile("x", "channels/x.j2", m.COUNTERS["x"].unit, _fixed(280, m.COUNTERS["x"]), threads=True),
    "mastodon": Profile("mastodon", "channels/mastodon.j2", m.COUNTERS["mastodon"].unit, _mastodon,
                        threads=True),
    "bluesky": Profile("bluesky", "channels/bluesky.j2", "graphemes", _bluesky, threads=True,
                       short_link=True),
    "telegram": Profile("telegram", "channels/telegram.j2", UTF16.unit, _fixed(4096, UTF16), threads=True),
    "facebook": Profile("facebook", "channels/facebook.j2", UTF16.unit, _fixed(63206, UTF16),
                         escape=facebook_escape),
    "discord": Profile("discord", "channels/discord.j2", UTF16.unit, _fixed(2000, UTF16),
                       escape=discord_escape),
    "slack": Profile("slack", "channels/slack.j2", UTF16.unit, _fixed(SLACK_TEXT_LIMIT, UTF16),
                     escape=slack_escape),
    "sms": Profile("sms", "channels/sms.j2", "SMS parts", _sms, reference=False),
}
