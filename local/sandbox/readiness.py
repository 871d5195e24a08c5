"""Readiness modes: a platform told to answer as if its account's token were revoked, lacked the
pin permission, or expired soon, so Clarion's readiness checks (and the calls they stand for) can
be tried on each outcome over real HTTP.

A mode is set per platform with `POST /_sandbox/readiness` `{"platform": "slack", "mode": "no_pin"}`
(or `SandboxServer.set_readiness`), shown by `GET /_sandbox/readiness` and cleared by
`DELETE /_sandbox/readiness[?platform=slack]` or `POST /_sandbox/reset` (a revoked token is the
account's state, like its posts). What each mode does is the platform's own behaviour:

- `revoked`: every call with the platform's credentials gets its real "this token is dead"
  answer (X, Mastodon, Discord, Telegram 401; Slack `token_revoked` in a 200; Graph code 190
  subcode 460; Bluesky `AuthenticationRequired` at login and `ExpiredToken` after).
- `no_pin`: the token works but may not pin, and says so where the platform says it: Telegram's
  bot is an administrator without `can_edit_messages`; Slack's `x-oauth-scopes` lacks
  `pins:write`; Discord's bot role has neither Pin Messages nor Manage Messages. Pinning is then
  refused as each platform refuses it.
- `expires_soon`: Graph's `debug_token` gives the page token an `expires_at` two to three days
  ahead (three days after the start of the current UTC day: stable between calls, as Graph's is).

A platform that cannot tell a mode (X has no pin API; Mastodon and Bluesky report no scopes; only
Graph reports an expiry) refuses it with a 400 rather than pretending.
"""
from __future__ import annotations

import threading

REVOKED, NO_PIN, EXPIRES_SOON = "revoked", "no_pin", "expires_soon"
SUPPORTED: dict[str, tuple[str, ...]] = {
    "x": (REVOKED,), "facebook": (REVOKED, EXPIRES_SOON), "mastodon": (REVOKED,), "bluesky": (REVOKED,),
    "telegram": (REVOKED, NO_PIN), "slack": (REVOKED, NO_PIN), "discord": (REVOKED, NO_PIN),
}
EXPIRES_IN_S = 3 * 86400  # "expires soon": three days after the start of today (UTC)


class ModeError(ValueError):
    pass


class Modes:
    """The readiness mode of each platform (none: all is well)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._modes: dict[str, str] = {}

    def set(self, platform: str, mode: str) -> None:
        if platform not in SUPPORTED:
            raise ModeError(f"platform must be one of {sorted(SUPPORTED)}")
        if mode not in SUPPORTED[platform]:
            raise ModeError(f"{platform} can be told {list(SUPPORTED[platform])}, not {mode!r}")
        with self._lock:
            self._modes[platform] = mode

    def get(self, platform: str) -> str | None:
        with self._lock:
            return self._modes.get(platform)

    def clear(self, platform: str | None = None) -> None:
        with self._lock:
            if platform is None:
                self._modes.clear()
            else:
                self._modes.pop(platform, None)

    def to_json(self) -> dict[str, str]:
        with self._lock:
            return dict(self._modes)
