"""Every platform Clarion posts to, specified once: its adapter's module, whether it posts with
credentials over HTTP, and how its delivery queue and worker behave. The infrastructure
(`infra/resources.py`: queues, filter policies, workers in app.py), the channel registry and the
seeding read this table; a platform's own knowledge (its API, counting, templates) stays in its
modules. Light on purpose: importing it costs nothing at cold start.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    # chalicelib.channels.<module>: the adapter. An HTTP platform's adapter class is built with the
    # account's id, settings and credentials; an AWS-backed one's module offers build(account, clients).
    module: str
    adapter: str | None = None  # the HTTP adapter's class name; None for AWS-backed platforms
    # The delivery queue: concurrency follows the platform's rate limit (Lambda allows 2..1000,
    # checked by infra/resources.QueueSpec).
    batch_size: int = 5
    max_concurrency: int = 5

    @property
    def http(self) -> bool:
        """Posts over HTTP with credentials kept in SSM under the account's secret_ref."""
        return self.adapter is not None


PLATFORMS: dict[str, PlatformSpec] = {spec.name: spec for spec in (
    # X's free tier is tiny: one post per invocation, two at a time, keeps us clear of 429s.
    PlatformSpec("x", "x", "XChannel", batch_size=1, max_concurrency=2),
    PlatformSpec("facebook", "facebook", "FacebookChannel"),
    # Mastodon: 300 requests / 5 min per account; Bluesky's points budget is similar.
    PlatformSpec("mastodon", "mastodon", "MastodonChannel", max_concurrency=2),
    PlatformSpec("bluesky", "bluesky", "BlueskyChannel", max_concurrency=2),
    PlatformSpec("telegram", "telegram", "TelegramChannel"),
    PlatformSpec("slack", "slack", "SlackChannel"),
    PlatformSpec("discord", "discord", "DiscordChannel"),
    PlatformSpec("sms", "sms"),
    PlatformSpec("email", "email"),
    # The owned channels read-modify-write one document (banner.json, the CAP feed index), each
    # write conditional on the ETag read (channels/owned.py): two at a time is safe, and the least
    # Lambda allows.
    PlatformSpec("banner", "owned", max_concurrency=2),
    PlatformSpec("cap_feed", "owned", max_concurrency=2),
)}

HTTP_PLATFORMS: frozenset[str] = frozenset(name for name, spec in PLATFORMS.items() if spec.http)
