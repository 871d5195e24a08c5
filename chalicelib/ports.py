"""The ports: what the services need from the outside world, as Protocols.

Adapters implement them (DynamoDB, SNS, in-memory fakes); `composition.py` chooses which.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from collections.abc import Iterator, Mapping, Sequence

from pydantic import BaseModel, Field

from chalicelib.domain.audit import ChainHead
from chalicelib.domain.groups import ChannelGroup
from chalicelib.domain.lifecycle import View
from chalicelib.domain.messages import DeliveryMessage
from chalicelib.domain.org import DeliverySwitch, OrgSettings
from chalicelib.domain.phi import PhiEntity
from chalicelib.domain.models import (Advisory, AuditEntry, AuditEvent, ChannelAccount,
                                      DeliveryRecord, Role, Template, User, utcnow)


class Marker(BaseModel):
    """A once-only key, e.g. an SNS message id, so a redelivered trigger does nothing twice."""

    key: str
    ref: str | None = None
    # A hash of the request that used the key: the same key with another request is refused.
    fingerprint: str | None = None
    at: datetime = Field(default_factory=utcnow)
    count: int = 0  # refusal markers: the repeats not yet appended to the trail
    revision: int = 1


Entity = (Advisory | DeliveryRecord | Template | User | ChannelAccount | Marker | OrgSettings | DeliverySwitch
          | ChannelGroup)


@dataclass(frozen=True)
class Put:
    """Write `item` only if the stored revision is `expect_revision` (None: must not exist yet)."""

    item: Entity
    expect_revision: int | None


@dataclass(frozen=True)
class AdvisoryPage:
    """One page of a view, newest first. `after` is where the next page starts (an advisory's
    sort key, adapters/keys.py); None: this was the last page. A page may hold fewer than asked
    (even none) when the store stopped reading to stay within its budget: follow `after`."""

    advisories: list[Advisory]
    after: str | None


@dataclass(frozen=True)
class DeliveryContext:
    """Everything delivering some (advisory, channel account) pairs starts from, read at once:
    a worker handed a batch reads it in one round trip instead of three per account."""

    advisories: Mapping[str, Advisory]
    deliveries: Mapping[tuple[str, str], DeliveryRecord]
    channels: Mapping[str, ChannelAccount]


class Store(Protocol):
    """Every aggregate plus the audit chain, with one atomic, conditional `commit`.

    `commit` writes all puts and appends all audit events in one transaction: either every
    condition holds and everything is written, or nothing is and `StaleWrite` is raised. So a
    state change is never recorded without its audit entry, and two racing writers can never
    both win.
    """

    def get_advisory(self, advisory_id: str) -> Advisory | None: ...
    def list_advisories(self, limit: int = 200) -> list[Advisory]: ...
    def page_advisories(self, view: View, caller: str, now: datetime, limit: int,
                        after: str | None = None) -> AdvisoryPage:
        """Up to `limit` advisories on `view` for `caller` (lifecycle.in_view at `now`), newest
        first, strictly after the sort key `after`."""
        ...
    def deliveries_for(self, advisory_id: str) -> list[DeliveryRecord]: ...
    def get_delivery(self, advisory_id: str, channel_account: str) -> DeliveryRecord | None: ...
    def load_deliveries(self, pairs: Sequence[tuple[str, str]]) -> DeliveryContext:
        """The advisories, delivery records and channel accounts of (advisory, account) pairs;
        what does not exist is absent. Strongly consistent, like every read here."""
        ...
    def unfinished_deliveries(self, advisory_id: str) -> int:
        """How many of the advisory's delivery rows are not yet sent, failed or skipped. Rows are
        written in batches after the approval: an owed account without a row is not counted here
        (completion also checks the rows against `content.channels`)."""
        ...
    def get_template(self, template_id: str) -> Template | None: ...
    def list_templates(self) -> list[Template]: ...
    def get_user(self, user_id: str) -> User | None: ...
    def list_users(self) -> list[User]: ...
    def get_channel(self, channel_id: str) -> ChannelAccount | None: ...
    def list_channels(self) -> list[ChannelAccount]: ...
    def get_channels(self, channel_ids: Sequence[str]) -> dict[str, ChannelAccount]:
        """The channel accounts among `channel_ids` that exist, by id (one batch read)."""
        ...
    def get_channel_group(self, name: str) -> ChannelGroup | None:
        """The group called `name`, a deleted one's tombstone too."""
        ...
    def get_channel_groups(self, names: Sequence[str]) -> dict[str, ChannelGroup]:
        """The groups among `names` that exist (tombstones too), by name (one batch read)."""
        ...
    def list_channel_groups(self) -> list[ChannelGroup]:
        """Every group by name, tombstones too."""
        ...
    def get_marker(self, key: str) -> Marker | None: ...
    def get_org_settings(self) -> OrgSettings | None:
        """The stored settings; None until the first start seeds them."""
        ...
    def get_switch(self) -> DeliverySwitch | None:
        """The kill switch; None: never touched (running)."""
        ...
    def audit_heads(self, changed_since: datetime | None = None) -> dict[str, ChainHead]:
        """The stored head of every audit chain (or of those written after `changed_since`), by
        chain (domain/audit.py). Read from an index: eventually consistent."""
        ...
    def audit_chain(self, chain: str, from_seq: int = 1) -> list[AuditEntry]:
        """One chain's entries in seq order, from entry `from_seq` on."""
        ...
    def audit_entries(self, after: str | None = None) -> Iterator[AuditEntry]:
        """The whole trail in time order (audit.position), strictly after the position `after`,
        read lazily page by page."""
        ...
    def audit_entries_about(self, advisory_id: str, after: str | None = None) -> Iterator[AuditEntry]:
        """The entries about one advisory (on any chain), in time order, after the position `after`."""
        ...
    def audit_head(self, chain: str) -> ChainHead | None:
        """One chain's stored head, read consistently; None: it has no head item."""
        ...
    def commit(self, puts: Sequence[Put], events: Sequence[AuditEvent] = ()) -> list[AuditEntry]: ...


class DigestSigner(Protocol):
    """Signs audit digests (KMS asymmetric key on deployed stages); only the digest job signs."""

    key_id: str

    def sign(self, message: bytes) -> bytes: ...
    def verify(self, message: bytes, signature: bytes) -> bool: ...


class DigestArchive(Protocol):
    """Write-once storage of signed audit digests (S3 with Object Lock, compliance mode)."""

    def put(self, name: str, body: bytes, signature: bytes, key_id: str) -> None: ...
    def names(self) -> list[str]:
        """Every stored digest's name, oldest first (names sort in time order)."""
        ...
    def get(self, name: str) -> tuple[bytes, bytes]:
        """A digest's body and signature."""
        ...


class PhiSecondOpinion(Protocol):
    """A second reader of English text for patient data (Amazon Comprehend Medical DetectPHI)."""

    max_bytes: int  # the longest text (UTF-8) one call reads

    def detect_phi(self, text: str) -> list[PhiEntity]:
        """Raises UnavailableError when it cannot answer (throttled, no access, timed out)."""
        ...


class BroadcastPublisher(Protocol):
    def publish(self, message: DeliveryMessage) -> str:
        """Publish once; return the message id. Raises UnavailableError when it cannot."""
        ...
    def publish_all(self, messages: Sequence[DeliveryMessage]) -> list[str]:
        """Publish each message once (a large fan-out's several, batched where the topic allows);
        return their ids. Tries every one; raises UnavailableError if any was not published."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class DirectoryUser:
    """A person as the user directory knows them (Cognito's user pool on deployed stages)."""

    id: str             # the sign-in name: Cognito's username, the `cognito:username` claim
    name: str
    email: str | None
    enabled: bool       # the directory's own switch (Cognito: Enabled); Clarion's disable is separate
    status: str         # the directory's account status (Cognito: UserStatus, e.g. CONFIRMED)
    roles: frozenset[Role]


class UserDirectory(Protocol):
    """Who can sign in, and their roles: on deployed stages Cognito's user pool, where each role is
    a group named after it (a change applies from the user's next ID token); on the local stage
    the stored users. Raises NotFound for an unknown user, UnavailableError when unreachable."""

    def list_users(self) -> list[DirectoryUser]: ...
    def user(self, user_id: str) -> DirectoryUser | None: ...
    def members(self, role: Role) -> list[DirectoryUser]:
        """The users holding `role`."""
        ...
    def add_role(self, user_id: str, role: Role) -> None: ...
    def remove_role(self, user_id: str, role: Role) -> None: ...


class IdTokenVerifier(Protocol):
    """Checks a sign-in ID token (signature, issuer, audience, expiry) and returns its claims, as
    API Gateway's Cognito authorizer does on deployed stages. Raises Unauthenticated."""

    def claims(self, token: str) -> Mapping[str, object]: ...
