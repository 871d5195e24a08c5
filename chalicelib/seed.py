"""What the local stage starts with: the demo users and one or more accounts per platform."""
from __future__ import annotations

from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.models import AuditEvent, ChannelAccount
from chalicelib.ports import Put, Store
from chalicelib.services.access import demo_users

LOCAL_CHANNELS: tuple[ChannelAccount, ...] = (
    ChannelAccount(id="x:city-health", platform="x", name="@CityHealth on X"),
    ChannelAccount(id="facebook:city-health", platform="facebook", name="City Health Facebook Page"),
    ChannelAccount(id="mastodon:city-health", platform="mastodon", name="@cityhealth@health.social"),
    ChannelAccount(id="mastodon:general-hospital", platform="mastodon", name="@generalhospital@health.social"),
    ChannelAccount(id="bluesky:city-health", platform="bluesky", name="@cityhealth.bsky.social"),
    ChannelAccount(id="telegram:city-health", platform="telegram", name="City Health Telegram channel"),
    ChannelAccount(id="slack:staff", platform="slack", name="#staff-alerts on Slack"),
    ChannelAccount(id="discord:community", platform="discord", name="#alerts on the community Discord"),
    ChannelAccount(id="sms:subscribers", platform="sms", name="SMS subscribers"),
    ChannelAccount(id="email:subscribers", platform="email", name="E-mail subscribers"),
    ChannelAccount(id="banner:website", platform="banner", name="Website banner"),
    ChannelAccount(id="cap_feed:public", platform="cap_feed", name="CAP 1.2 and Atom feeds"),
    ChannelAccount(id="mastodon:drills", platform="mastodon", name="@drills@health.social (test account)",
                   sandbox=True),
    ChannelAccount(id="slack:drills", platform="slack", name="#drills on Slack (test workspace)",
                   sandbox=True),
)


def seed(store: Store) -> int:
    """Create whatever of the demo users and channel accounts is missing; returns how many."""
    missing = [u for u in demo_users() if store.get_user(u.id) is None]
    missing += [c for c in LOCAL_CHANNELS if store.get_channel(c.id) is None]
    if not missing:
        return 0
    try:
        store.commit([Put(item.model_copy(update={"revision": 1}), None) for item in missing],
                     [AuditEvent(actor="system:seed", action="seed",
                                 summary="created " + ", ".join(item.id for item in missing))])
    except StaleWrite:
        return 0  # seeded concurrently by another process
    return len(missing)
