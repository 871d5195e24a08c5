"""What a platform is to Clarion, and where each one is specified.

Every platform is specified once, in its own module under `chalicelib/channels/` (with its
adapter, its templates under `templates/channels/` and its tests): that module's `SPECS` says
how its text is rendered and counted (`profile`), how its delivery queue and worker behave
(`queue`), which AWS calls its worker needs beyond every worker's (`grants`), and how its
adapter is built. Adding a platform = that module, its templates, its tests, then
`make generate`.

`make generate` (chalicelib/infra/generate.py) reads every platform module and writes
`chalicelib/platform_index.py`: the platforms by name with what a Lambda must know before it
loads any platform module (app.py registers one worker per queue at import; loading all the
adapters there would slow every cold start). It writes the IAM policies and .chalice/config.json
from the same specifications. tests/test_iam.py fails when a generated file is stale.

A spec also names its account `settings` model (exactly what its adapter reads from
`ChannelAccount.settings`, unknown keys refused) and, for an HTTP platform, its `credentials`
model (the JSON object kept in SSM under the account's `secret_ref`), both built on
chalicelib/channels/account_settings.py. The admin API validates an account with them
(chalicelib/services/channel_accounts.py); they load with the platform's module, never at app
import.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any
from collections.abc import Callable, Mapping

from chalicelib.platform_index import PLATFORMS as INDEX

if TYPE_CHECKING:
    from chalicelib.channels.account_settings import PlatformCredentials, PlatformSettings
    from chalicelib.channels.port import Channel
    from chalicelib.domain.models import ChannelAccount
    from chalicelib.domain.org import OrgSettings
    from chalicelib.rendering.profiles import Profile

Clients = Callable[[str], Any]  # a boto3 client by service name


class Grant(StrEnum):
    """An AWS permission a platform's worker needs beyond what every worker has."""

    SECRETS = "secrets"            # read its own accounts' credentials from SSM (SecureString)
    SMS_TOPIC = "sms_topic"        # publish to the SMS subscribers' topic
    SEND_EMAIL = "send_email"      # SES SendEmail from the organisation's verified identity
    OWNED_BUCKET = "owned_bucket"  # read and write the documents Clarion serves from S3


@dataclass(frozen=True)
class Queue:
    """A platform's delivery queue: concurrency follows its rate limit (Lambda allows 2..1000,
    checked by infra/resources.QueueSpec)."""

    batch_size: int = 5
    max_concurrency: int = 5


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    profile: Profile
    queue: Queue = field(default_factory=Queue)
    grants: tuple[Grant, ...] = ()
    # An HTTP platform's adapter, built with the account's id, settings and credentials (kept in
    # SSM under its secret_ref); an AWS-backed one's `build(account, clients)` instead.
    adapter: Callable[[str, Mapping[str, Any], Mapping[str, Any]], Channel] | None = None
    build: Callable[[ChannelAccount, Clients], Channel] | None = None
    # What an account's `settings` may hold (the admin API validates them with it), and the
    # fields of its credentials (HTTP platforms; AWS-backed ones post with the function's role).
    settings: type[PlatformSettings] | None = None  # None: its accounts take no settings
    credentials: type[PlatformCredentials] | None = None
    # What the organisation's settings give an account of this platform when its own settings do
    # not say (e.g. SMS's segment limit): applied before rendering and before building the adapter.
    defaults: Callable[[OrgSettings], Mapping[str, Any]] | None = None

    def account_with_defaults(self, account: ChannelAccount, org: OrgSettings) -> ChannelAccount:
        if self.defaults is None:
            return account
        return account.model_copy(update={"settings": {**self.defaults(org), **account.settings}})

    @property
    def http(self) -> bool:
        return self.adapter is not None


@dataclass(frozen=True)
class Indexed:
    """One row of the generated index: what is known of a platform without loading its module."""

    name: str
    module: str
    batch_size: int
    max_concurrency: int
    grants: tuple[str, ...]
    http: bool


def indexed() -> dict[str, Indexed]:
    return {name: Indexed(name=name, **row) for name, row in INDEX.items()}


NAMES: tuple[str, ...] = tuple(INDEX)
HTTP_PLATFORMS: frozenset[str] = frozenset(name for name, row in INDEX.items() if row["http"])


@cache
def spec(name: str) -> PlatformSpec:
    """The platform's specification, loading only its own module. KeyError for an unknown one."""
    module = importlib.import_module(str(INDEX[name]["module"]))
    found: PlatformSpec = next(s for s in module.SPECS if s.name == name)
    return found


def specs() -> list[PlatformSpec]:
    """Every platform's specification (loads every platform module)."""
    return [spec(name) for name in NAMES]
