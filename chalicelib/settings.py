"""The organisation's settings: who sends, where the public pages live, what screening allows.

Read from the stage's environment variables (`.chalice/config.json`), with local defaults.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


def _list(name: str, default: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, default).split(";") if v.strip())


@dataclass(frozen=True)
class OrgSettings:
    sender: str
    sender_name: str
    public_base_url: str
    phone_region: str
    phone_allowlist: tuple[str, ...]
    email_allowlist: tuple[str, ...]
    banned_claims: tuple[str, ...]


def _public_base_url() -> str:
    """Where the public pages live; locally, the API on whatever port `make run` was given."""
    local = f"http://127.0.0.1:{os.environ.get('CLARION_PORT', '8000')}"
    return os.environ.get("CLARION_PUBLIC_BASE_URL", local).rstrip("/")


@lru_cache(maxsize=1)
def org_settings() -> OrgSettings:
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
    )
