"""The organisation's settings as the stage's environment seeds them (`.chalice/config.json`).

The settings in force are stored in DynamoDB, versioned and audited, and admins change them
(services/settings.py); until the first change, these seed values are in force.
"""
from __future__ import annotations

import os
from functools import lru_cache

from chalicelib.domain.org import OrgSettings


def _list(name: str, default: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, default).split(";") if v.strip())


def _public_base_url() -> str:
    """Where the public pages live; locally, the API on whatever port `make run` was given."""
    local = f"http://127.0.0.1:{os.environ.get('CLARION_PORT', '8000')}"
    return os.environ.get("CLARION_PUBLIC_BASE_URL", local).rstrip("/")


@lru_cache(maxsize=1)
def environment_settings() -> OrgSettings:
    return OrgSettings(
        sender=os.environ.get("CLARION_CAP_SENDER", "alerts@health.example.org"),
        sender_name=os.environ.get("CLARION_SENDER_NAME", "City Health Department"),
        public_base_url=_public_base_url(),
        phone_region=os.environ.get("CLARION_PHONE_REGION", "US"),
        # Public numbers and addresses that may appear in advisories (hotlines, press office).
        phone_allowlist=_list("CLARION_PHONE_ALLOWLIST", "0800 555 0100;+1 202 555 0100;911;988"),
        email_allowlist=_list("CLARION_EMAIL_ALLOWLIST", "health.example.org"),
        banned_claims=_list("CLARION_BANNED_CLAIMS",
                            "cures;100% effective;guaranteed protection;miracle;no side effects"),
        sms_max_segments=int(os.environ.get("CLARION_SMS_MAX_SEGMENTS", "3")),
    )
