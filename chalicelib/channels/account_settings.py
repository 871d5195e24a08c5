"""What every platform's account settings and credentials models are built on.

Each platform module declares, next to its `SPECS`, a `settings` model stating exactly what its
adapter reads from `ChannelAccount.settings`, and (HTTP platforms) a `credentials` model: the
JSON object its adapter reads from SSM under the account's `secret_ref`. The admin API
(chalicelib/services/channel_accounts.py) validates with them. This module loads with the first
platform module that needs it, never at app import (a cold start builds no models here).
"""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo


class PlatformSettings(BaseModel):
    """An account's `settings`: what its platform's adapter reads, and nothing else (a typo, or a
    credential pasted into the settings, is refused). Validate with `context={"local": True}` on
    the local stage, where URLs may be plain http to this machine (the sandbox platforms)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class PlatformCredentials(BaseModel):
    """The JSON object an HTTP platform's adapter reads from SSM (never stored anywhere else)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


def _web_address(value: str, info: ValidationInfo) -> str:
    """An http(s) URL with a host and no user name or password; https only, to a public host,
    except on the local stage (its sandbox platforms answer plain http on 127.0.0.1)."""
    try:
        parts = urlsplit(value.replace("{post_id}", "id"))
        _ = parts.port  # a bad port raises here
    except ValueError:
        raise ValueError("must be a URL like https://mastodon.social") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL with a host, like https://mastodon.social")
    if parts.username or parts.password:
        raise ValueError("must not carry a user name or password (credentials go to PUT .../credentials)")
    if not (info.context or {}).get("local"):
        from chalicelib.domain.screening import private_host

        if parts.scheme != "https":
            raise ValueError("must be https:// (plain http only for the local stage's sandbox)")
        if private_host(parts.hostname):
            raise ValueError(f"{parts.hostname} is not a public host")
    return value


def _post_url_template(value: str) -> str:
    if "{post_id}" not in value:
        raise ValueError("must contain {post_id}, where the post's id goes")
    return value


WebAddress = Annotated[str, Field(max_length=500), AfterValidator(_web_address)]
PostUrlTemplate = Annotated[str, Field(max_length=500), AfterValidator(_web_address),
                            AfterValidator(_post_url_template)]
# A credential: printable ASCII without spaces (it ends up in an HTTP header or a URL path).
Secret = Annotated[str, Field(min_length=1, max_length=4096, pattern=r"^[!-~]+$")]


class HttpTimeouts(PlatformSettings):
    """channels/http.Timeouts: seconds to connect and to read each answer."""

    connect_s: float = Field(default=3.05, gt=0, le=30)
    read_s: float = Field(default=10.0, gt=0, le=60)


class HttpSettings(PlatformSettings):
    """What every HTTP adapter reads (channels/base.HttpChannel): where the platform's API is
    (its public one when absent), a page to open posts on instead of the platform's (sandbox
    accounts: `{post_id}` is replaced), and timeouts."""

    base_url: WebAddress | None = None
    post_url: PostUrlTemplate | None = None
    timeouts: HttpTimeouts | None = None
