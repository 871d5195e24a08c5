"""What Clarion is about: advisories (CAP 1.2 vocabulary), deliveries, templates, users.

Pure data and rules. Nothing here knows about boto3, HTTP or Jinja.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta, UTC
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import (AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field,
                      HttpUrl,
                      field_validator, model_validator)

from chalicelib.domain.errors import Conflict


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(kind: str) -> str:
    return f"{kind}_{uuid.uuid4().hex[:20]}"


# ---------------------------------------------------------------------------------------------
# CAP 1.2 enumerations (OASIS CAP 1.2, section 3.2). Clarion issues public messages, so
# `scope` is always Public, and of the CAP statuses it broadcasts only Actual, Exercise and
# Test (System and Draft are not meant for the public); msgType Ack/Error are not ours either.
# ---------------------------------------------------------------------------------------------
class Status(str, Enum):
    ACTUAL = "Actual"
    EXERCISE = "Exercise"
    TEST = "Test"

    @property
    def is_drill(self) -> bool:
        return self is not Status.ACTUAL


class MsgType(str, Enum):
    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


class Category(str, Enum):
    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    SECURITY = "Security"
    RESCUE = "Rescue"
    FIRE = "Fire"
    HEALTH = "Health"
    ENV = "Env"
    TRANSPORT = "Transport"
    INFRA = "Infra"
    CBRNE = "CBRNE"
    OTHER = "Other"


class ResponseType(str, Enum):
    SHELTER = "Shelter"
    EVACUATE = "Evacuate"
    PREPARE = "Prepare"
    EXECUTE = "Execute"
    AVOID = "Avoid"
    MONITOR = "Monitor"
    ASSESS = "Assess"
    ALL_CLEAR = "AllClear"
    NONE = "None"


class Urgency(str, Enum):
    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"
    UNKNOWN = "Unknown"


class Severity(str, Enum):
    EXTREME = "Extreme"
    SEVERE = "Severe"
    MODERATE = "Moderate"
    MINOR = "Minor"
    UNKNOWN = "Unknown"


class Certainty(str, Enum):
    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"


class Role(str, Enum):
    SPOKESPERSON = "spokesperson"
    APPROVER = "approver"
    ONCALL = "oncall"
    AUDITOR = "auditor"
    ADMIN = "admin"


ALL_ROLES = frozenset(Role)


# Control characters, and what XML 1.0 cannot carry at all (surrogates, U+FFFE, U+FFFF): every
# text ends up in a CAP or Atom document, where one such character breaks the feed for every reader.
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def unsafe_character(value: str) -> str | None:
    """What is wrong with the first character a public text must not hold, if any."""
    found = UNSAFE_TEXT.search(value)
    if found is None:
        return None
    return f"must not contain the character U+{ord(found.group()):04X} (control characters and " \
           "characters XML cannot carry are refused)"


def _safe_text(value: str) -> str:
    problem = unsafe_character(value)
    if problem:
        raise ValueError(problem)
    return value


# Dates a health advisory can mean; outside this window the CAP writers cannot even format them.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _datetime_as_text(value: Any) -> Any:
    """A date and time arrives as ISO 8601 text (or a datetime from code), never as a number."""
    if isinstance(value, (datetime, str)):
        return value
    raise ValueError("must be a date and time as text, like 2026-11-23T18:00:00+00:00")


def _in_window(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError("must be between 2000-01-01 and 2099-12-31")
    return value


def _no_credentials(value: HttpUrl) -> HttpUrl:
    if value.username or value.password:
        raise ValueError("must not carry a user name or password")
    return value


Text = Annotated[str, AfterValidator(_safe_text)]
Moment = Annotated[AwareDatetime, BeforeValidator(_datetime_as_text), AfterValidator(_in_window)]
def _with_scheme(value: Any) -> Any:
    """"health.example.org/heat" is what people paste from a poster: it means https."""
    if isinstance(value, str) and re.match(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]|$)", value.strip(), re.I):
        return "https://" + value.strip()
    return value


PublicUrl = Annotated[HttpUrl, BeforeValidator(_with_scheme), AfterValidator(_no_credentials)]
ChannelAccountId = Annotated[str, Field(pattern=r"^[a-z_]+:[a-z0-9][a-z0-9-]{0,62}$")]


def _without_hash(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and value.startswith("#") else value


# "#BoilWater" and "BoilWater" are the same tag: people type the # (it is stored without).
Hashtag = Annotated[str, BeforeValidator(_without_hash),
                    Field(pattern=r"^\w{1,60}$", description="without the leading #")]
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


class Model(BaseModel):
    """Every domain model: pydantic builds its validators on first use, not at import (cold start)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """Unknown fields are an error: a typo must never be silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LocalizedText(Strict):
    """The human text of an advisory in one language (a CAP `info` block's text)."""

    headline: Text = Field(min_length=1, max_length=160)
    description: Text = Field(default="", max_length=5000)
    instruction: Text = Field(default="", max_length=2000)
    required_text: Text = Field(default="", max_length=2000)


MAX_CHANNELS = 1000  # the channel accounts one advisory may target


class AdvisoryContent(LocalizedText):
    """Everything the spokesperson writes. Completeness is checked on submit, not on save."""

    status: Status = Status.ACTUAL
    event: Text | None = Field(default=None, max_length=100)
    category: list[Category] = Field(default_factory=lambda: [Category.HEALTH], min_length=1)
    response_type: list[ResponseType] = Field(default_factory=list)
    urgency: Urgency | None = None
    severity: Severity | None = None
    certainty: Certainty | None = None
    area_desc: Text | None = Field(default=None, max_length=500)
    effective: Moment | None = None
    expires: Moment | None = None
    web: PublicUrl | None = None
    contact: Text | None = Field(default=None, max_length=200)
    hashtags: list[Hashtag] = Field(default_factory=list, max_length=10)
    # The accounts owed a delivery: approval binds this list; the rows are written in batches after
    # it (services/fan_out.py), up to MAX_CHANNELS of them.
    channels: list[ChannelAccountId] = Field(default_factory=list, max_length=MAX_CHANNELS)
    language: LanguageTag = "en-US"
    translations: dict[LanguageTag, LocalizedText] = Field(default_factory=dict, max_length=10)

    @field_validator("channels", "hashtags")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))

    @model_validator(mode="after")
    def _expires_after_effective(self) -> AdvisoryContent:
        if self.effective and self.expires and self.expires <= self.effective:
            raise ValueError("expires must be after effective")
        return self

    def canonical(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class AdvisoryState(str, Enum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    BROADCASTING = "broadcasting"
    DELIVERED = "delivered"
    PARTIALLY_DELIVERED = "partially_delivered"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # taken back by its author (or an admin) before approval; never broadcast


class Approval(Model):
    """Who approved which exact content. Void as soon as the content hash no longer matches."""

    by: str
    at: datetime
    content_hash: str
    via_template: str | None = None
    triggered_by: str | None = None


class Rejection(Model):
    by: str
    at: datetime
    reason: str


class Withdrawal(Model):
    by: str
    at: datetime
    reason: str = ""


class ChosenGroup(Model):
    """A channel group an advisory (or template) named as `group:<name>`, as it was expanded when
    the draft was saved (domain/groups.py): its label then, the accounts it added to
    `content.channels`, and its members left out (disabled or deleted then)."""

    name: str
    label: str
    channels: list[str] = Field(default_factory=list)
    left_out: list[str] = Field(default_factory=list)


def _groups_hashed(payload: dict[str, Any], groups: list[ChosenGroup]) -> dict[str, Any]:
    """A content hash covers the groups chosen, when there are any (so no earlier hash changes)."""
    if groups:
        payload["channel_groups"] = [g.model_dump(mode="json") for g in groups]
    return payload


class Advisory(Model):
    id: str = Field(default_factory=lambda: new_id("adv"))
    msg_type: MsgType = MsgType.ALERT
    references: list[str] = Field(default_factory=list)
    content: AdvisoryContent
    # Admin-written wording per platform (from a pre-approved template), rendered in a sandbox.
    renderings: dict[str, str] = Field(default_factory=dict)
    # The channel groups `content.channels` was chosen by, expanded at draft save (domain/groups.py).
    channel_groups: list[ChosenGroup] = Field(default_factory=list)
    state: AdvisoryState = AdvisoryState.DRAFT
    author: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    approval: Approval | None = None
    # The latest rejection: kept when the author revises, so the reason stays in view while they fix it.
    rejection: Rejection | None = None
    withdrawal: Withdrawal | None = None
    # Optimistic lock: every write is conditional on the revision that was read.
    revision: int = 0

    def content_hash(self) -> str:
        """The hash an approval is bound to: content, message type and references."""
        payload = {"content": self.content.canonical(), "msg_type": self.msg_type.value,
                   "references": self.references}
        if self.renderings:
            payload["renderings"] = self.renderings
        return hashlib.sha256(canonical_json(_groups_hashed(payload, self.channel_groups)).encode()).hexdigest()

    @property
    def approval_is_valid(self) -> bool:
        return self.approved_hash() is not None

    def approved_hash(self) -> str | None:
        """The content hash its approval binds, while the approval still holds (else None): one
        hash, where `approval_is_valid` and `content_hash()` together would take two."""
        if self.approval is None:
            return None
        content_hash = self.content_hash()
        return content_hash if self.approval.content_hash == content_hash else None

    # -- its transitions ------------------------------------------------------------------------
    # Each checks the move against the lifecycle table (a 409 naming the current state when it is
    # illegal now) and returns the next revision, and the audit event of the change where there
    # is one; nothing is stored. Who may make the move is the services' to check: a refusal is
    # recorded on the trail.
    def edit(self, content: AdvisoryContent, by: str, at: datetime,
             channel_groups: list[ChosenGroup] | None = None) -> tuple[Advisory, AuditEvent]:
        """New content (its channels chosen by `channel_groups`, if any), back to draft; any
        approval is void. The latest rejection stays: the author keeps seeing what to fix while
        revising."""
        lifecycle.require(self, lifecycle.Action.EDIT)
        edited = self._next(content=content, state=lifecycle.target(lifecycle.Action.EDIT), approval=None,
                            channel_groups=channel_groups or [], updated_at=at)
        summary = "edited; the approval is void" if self.approval is not None else "edited"
        if self.state is not AdvisoryState.DRAFT:
            summary += f" (was {self.state.value}, back to draft)"
        return edited, edited._event(by, "edit", summary)

    def submit(self, by: str, at: datetime) -> tuple[Advisory, AuditEvent]:
        """draft -> pending_approval (screening is the service's, before it is stored)."""
        lifecycle.require(self, lifecycle.Action.SUBMIT)
        submitted = self._next(state=lifecycle.target(lifecycle.Action.SUBMIT), submitted_at=at, updated_at=at)
        return submitted, submitted._event(by, "submit", f"content {submitted.content_hash()[:12]}")

    def approve(self, by: str, at: datetime, reviewed_hash: str | None = None) -> tuple[Advisory, AuditEvent]:
        """pending_approval -> approved, bound to the content hash; `reviewed_hash`, when given, is
        the hash the approver saw, and must still be the content's."""
        lifecycle.require(self, lifecycle.Action.APPROVE)
        content_hash = self.content_hash()
        if reviewed_hash is not None and reviewed_hash != content_hash:
            raise Conflict("the advisory changed since you reviewed it; review it again",
                           {"reviewed_hash": reviewed_hash, "content_hash": content_hash})
        approved = self._next(state=lifecycle.target(lifecycle.Action.APPROVE),
                              approval=Approval(by=by, at=at, content_hash=content_hash), updated_at=at)
        return approved, approved._event(by, "approve", f"approved content {content_hash[:12]}")

    def reject(self, by: str, at: datetime, reason: str) -> tuple[Advisory, AuditEvent]:
        """pending_approval -> rejected, with the reason the author will see."""
        lifecycle.require(self, lifecycle.Action.REJECT)
        rejected = self._next(state=lifecycle.target(lifecycle.Action.REJECT), updated_at=at,
                              rejection=Rejection(by=by, at=at, reason=reason))
        return rejected, rejected._event(by, "reject", reason)

    def withdraw(self, by: str, at: datetime, reason: str = "") -> tuple[Advisory, AuditEvent]:
        """draft / rejected / pending_approval -> withdrawn: final, never broadcast."""
        lifecycle.require(self, lifecycle.Action.WITHDRAW)
        withdrawn = self._next(state=lifecycle.target(lifecycle.Action.WITHDRAW), updated_at=at,
                               withdrawal=Withdrawal(by=by, at=at, reason=reason))
        summary = f"withdrawn (was {self.state.value})" + (f": {reason}" if reason else "")
        return withdrawn, withdrawn._event(by, "withdraw", summary)

    def start_broadcasting(self, by: str, at: datetime) -> tuple[Advisory, AuditEvent]:
        """approved -> broadcasting, only under an approval of exactly this content."""
        lifecycle.require(self, lifecycle.Action.BROADCAST)
        if not self.approval_is_valid:
            raise Conflict("the approval does not match the content; it must be approved again",
                           {"state": self.state.value})
        broadcasting = self._next(state=lifecycle.target(lifecycle.Action.BROADCAST), updated_at=at)
        return broadcasting, broadcasting._event(by, "broadcast",
                                                 f"{len(self.content.channels)} deliveries pending")

    def reopen_for_redrive(self, by: str, at: datetime, owed: int) -> tuple[Advisory, AuditEvent]:
        """partially_delivered / failed -> broadcasting, while `owed` deliveries are redriven."""
        lifecycle.require(self, lifecycle.Action.REDRIVE)
        reopened = self._next(state=lifecycle.target(lifecycle.Action.REDRIVE), updated_at=at)
        return reopened, reopened._event(by, "retry", f"reopened to redrive {owed} deliveries")

    def finish_broadcast(self, by: str, at: datetime, sent: int, failed: int) -> tuple[Advisory, AuditEvent]:
        """broadcasting -> delivered / partially_delivered / failed, once every delivery is final."""
        lifecycle.require(self, lifecycle.Action.DELIVER)
        outcome = lifecycle.delivery_outcome(sent, failed)
        done = self._next(state=outcome, updated_at=at)
        return done, done._event(by, "deliver", f"{outcome.value}: {sent} sent, {failed} failed")

    def expire(self, by: str, at: datetime) -> tuple[Advisory, AuditEvent]:
        """A live advisory past its `expires` -> expired."""
        lifecycle.require(self, lifecycle.Action.EXPIRE)
        expired = self._next(state=lifecycle.target(lifecycle.Action.EXPIRE), updated_at=at)
        return expired, expired._event(by, "expire", "past its expiry time")

    def supersede(self, at: datetime) -> Advisory:
        """A live advisory -> superseded, as an Update referencing it goes out (recorded by the
        Update's broadcast, not on its own)."""
        lifecycle.require(self, lifecycle.Action.SUPERSEDE)
        return self._next(state=lifecycle.target(lifecycle.Action.SUPERSEDE), updated_at=at)

    def cancel(self, at: datetime) -> Advisory:
        """A live advisory -> cancelled, as a Cancel referencing it goes out (recorded by the
        Cancel's broadcast, not on its own)."""
        lifecycle.require(self, lifecycle.Action.CANCEL)
        return self._next(state=lifecycle.target(lifecycle.Action.CANCEL), updated_at=at)

    def _next(self, **changes: Any) -> Advisory:
        """The next revision with `changes`: every write is conditional on the one it was made from."""
        return self.model_copy(update={**changes, "revision": self.revision + 1})

    def _event(self, by: str, action: str, summary: str) -> AuditEvent:
        return AuditEvent(actor=by, action=action, advisory_id=self.id, summary=summary)


class DeliveryState(str, Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    RECONCILING = "reconciling"
    SKIPPED = "skipped"


class PinState(str, Enum):
    NONE = "none"
    PINNED = "pinned"
    PIN_BY_HAND = "pin_by_hand"      # X: no pin API; a person pins it (a task on the delivery)
    PIN_FAILED = "pin_failed"        # posted, but the pin did not take; the sweeper retries
    PIN_WAITING = "pin_waiting"      # another rotation held the account's pin too long; the sweeper pins it
    UNPINNED = "unpinned"
    NOT_APPLICABLE = "n/a"


class PostRecord(Model):
    """Where a delivery landed on its platform (a thread: every part's id)."""

    post_id: str
    url: str | None = None
    part_ids: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)


class DeliveryRecord(Model):
    """One advisory on one channel account: the unit that is posted exactly once."""

    advisory_id: str
    channel_account: str
    platform: str
    content_hash: str
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    post: PostRecord | None = None
    pin_state: PinState = PinState.NONE
    pin_error: str | None = None
    last_error: str | None = None
    queued_at: datetime = Field(default_factory=utcnow)
    attempted_at: datetime | None = None  # the latest claim: a reconcile searches back to it
    sent_at: datetime | None = None
    finished_at: datetime | None = None
    lease_until: datetime | None = None
    next_attempt_at: datetime | None = None
    redrives: int = 0
    revision: int = 0

    @property
    def post_id(self) -> str | None:
        return self.post.post_id if self.post else None

    @property
    def post_url(self) -> str | None:
        return self.post.url if self.post else None

    @property
    def latency_ms(self) -> int | None:
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.queued_at).total_seconds() * 1000)

    WORKER: ClassVar[str] = "system:worker"  # the actor of what the delivery workers record

    # -- its transitions ------------------------------------------------------------------------
    # Each checks a change of state against the delivery rules (domain/delivery.py: a 409 naming
    # the current state when it is illegal) and returns the next revision with its audit event;
    # nothing is stored. Summaries read "<from> -> <to>: why", as the trail has always shown.
    def claim(self, at: datetime, lease_until: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """-> sending: this worker's attempt, under a lease; a reconcile searches back to `at`."""
        return self._move(DeliveryState.SENDING, f"attempt {self.attempts + 1}", attempts=self.attempts + 1,
                          lease_until=lease_until, next_attempt_at=None, attempted_at=at)

    def renew(self, lease_until: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """The claim kept (sending -> sending) with a longer lease, before the post."""
        return self._move(DeliveryState.SENDING, "lease renewed before the post", lease_until=lease_until)

    def record_post(self, post: PostRecord, pin_state: PinState, at: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """-> sent: final from here; the pin follows (`pin_state` is where it starts)."""
        return self._move(DeliveryState.SENT, f"posted {post.url or post.post_id}", post=post, pin_state=pin_state,
                          lease_until=None, sent_at=at, finished_at=at, last_error=None)

    def record_link(self) -> tuple[DeliveryRecord, AuditEvent]:
        """The post's link, fetched after it was recorded (sent -> sent)."""
        return self._move(DeliveryState.SENT, f"link {self.post_url}")

    def retry(self, error: str, delay_s: float, now: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """-> pending: owed again after `delay_s` (a retryable error)."""
        return self._move(DeliveryState.PENDING, f"retry in {delay_s:.1f}s: {error}", last_error=error,
                          lease_until=None, next_attempt_at=now + timedelta(seconds=delay_s))

    def ambiguous(self, error: str) -> tuple[DeliveryRecord, AuditEvent]:
        """-> unknown: the post may have been made; reconcile before posting again."""
        return self._move(DeliveryState.UNKNOWN, f"outcome unknown: {error}", last_error=error, lease_until=None)

    def reconciling(self, lease_until: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """-> reconciling: this worker checks, under a lease, whether the post exists."""
        return self._move(DeliveryState.RECONCILING, "checking whether the post exists", lease_until=lease_until)

    def unchecked(self, error: str) -> tuple[DeliveryRecord, AuditEvent]:
        """-> unknown: the platform could not be asked yet whether the post exists."""
        return self._move(DeliveryState.UNKNOWN, f"could not check yet: {error}", last_error=error,
                          lease_until=None)

    def owed_again(self) -> tuple[DeliveryRecord, AuditEvent]:
        """-> pending: the post is not there (or a re-post cannot duplicate it)."""
        return self._move(DeliveryState.PENDING, "not posted: owed again", lease_until=None)

    def fail(self, reason: str, at: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """-> failed: final until on-call redrives it."""
        return self._move(DeliveryState.FAILED, reason, last_error=reason, lease_until=None, finished_at=at)

    def skip(self, reason: str, at: datetime) -> tuple[DeliveryRecord, AuditEvent]:
        """-> skipped: final; the content is no longer what was approved."""
        return self._move(DeliveryState.SKIPPED, reason, lease_until=None, finished_at=at)

    def redrive(self, by: str) -> tuple[DeliveryRecord, AuditEvent]:
        """On-call's retry: a fresh attempt budget; a failed delivery is pending again."""
        state = DeliveryState.PENDING if self.state is DeliveryState.FAILED else self.state
        if state is not self.state:
            delivery_rules.require_move(self, state)
        redriven = self._next(state=state, attempts=0, next_attempt_at=None, finished_at=None)
        return redriven, self._event(f"redriven by {by}", by=by, action="retry")

    def redriven_late(self, by: str, deadline_s: float) -> tuple[DeliveryRecord, AuditEvent]:
        """Not final by the deadline: counted as redriven (the sweeper does it once)."""
        return self._next(redrives=self.redrives + 1), self._event(
            f"not final after {deadline_s:.0f}s ({self.state.value}); redriven", by=by)

    # The pin's state changes with the state of the delivery unchanged; the pin rotation words them.
    def pin_moved(self, pin_state: PinState, summary: str,
                  error: str | None = None) -> tuple[DeliveryRecord, AuditEvent]:
        """The pin after a rotation or its attempt; `error`, why it did not take."""
        return self._next(pin_state=pin_state, pin_error=error), self._event(summary)

    def pin_waits(self, summary: str) -> tuple[DeliveryRecord, AuditEvent]:
        """Another rotation held the account's pin too long: the sweeper pins this one later."""
        return self._next(pin_state=PinState.PIN_WAITING), self._event(summary)

    def unpin_failed(self, summary: str, error: str) -> tuple[DeliveryRecord, AuditEvent]:
        """Taking down a superseded pin failed: the pin state stays, with why."""
        return self._next(pin_error=error), self._event(summary)

    def _move(self, to: DeliveryState, summary: str, **changes: Any) -> tuple[DeliveryRecord, AuditEvent]:
        if to is not self.state:
            delivery_rules.require_move(self, to)
        return self._next(state=to, **changes), self._event(f"{self.state.value} -> {to.value}: {summary}")

    def _next(self, **changes: Any) -> DeliveryRecord:
        """The next revision with `changes`: every write is conditional on the one it was made from."""
        return self.model_copy(update={**changes, "revision": self.revision + 1})

    def _event(self, summary: str, by: str = WORKER, action: str = "delivery") -> AuditEvent:
        return AuditEvent(actor=by, action=action, advisory_id=self.advisory_id,
                          summary=f"{self.channel_account}: {summary}"[:2000])


class ChannelAccount(Model):
    """A place Clarion posts to: one platform account (a health system may have several)."""

    id: ChannelAccountId
    platform: str
    name: str
    language: LanguageTag = "en-US"
    enabled: bool = True
    sandbox: bool = False
    # Where the credentials live (SSM parameter / secret name), never the credentials.
    secret_ref: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    # The Clarion post currently pinned on this account, so the next advisory can replace it.
    pinned: PinnedPost | None = None
    # Held by the one pin rotation in progress on this account (see services/pin_lease.py).
    pin_lease: PinLease | None = None
    # What the latest readiness check found (services/readiness.py); None: never checked.
    health: Readiness | None = None
    # Deleted by an admin (a tombstone: the row stays, disabled, so the id is never reused and the
    # trail still names what it was); left out of GET /channels.
    deleted_at: datetime | None = None
    revision: int = 0

    @model_validator(mode="after")
    def _named_for_its_platform(self) -> ChannelAccount:
        # Each platform's worker takes the accounts named `<platform>:...` from a delivery message.
        if self.id.split(":", 1)[0] != self.platform:
            raise ValueError(f"a {self.platform} account's id starts with '{self.platform}:'")
        return self


class PinnedPost(Model):
    advisory_id: str
    post: PostRecord
    at: datetime
    # The pinned advisory's creation time: whether a later delivery is newer needs no extra read.
    advisory_created_at: datetime | None = None


class PinLease(Model):
    holder: str  # the delivery (or expiry) rotating the pin
    until: datetime


class ReadinessProblem(str, Enum):
    """Why a channel account is not ready, and so what on-call should do about it."""

    CREDENTIALS = "credentials"      # the token is revoked, expired or invalid: renew it
    PERMISSION = "permission"        # the token works but may not post there: grant it
    CONFIGURATION = "configuration"  # the account's settings or the AWS account need fixing
    UNAVAILABLE = "unavailable"      # the platform could not be asked (5xx, 429, timeout): not a verdict


class Readiness(Model):
    """What a readiness check found on a channel account's platform, asked WITHOUT posting: can
    Clarion post there now, may it pin, and when does its token expire (where the platform says)."""

    healthy: bool
    reason: str = ""                  # why not; when healthy, any caveat ("cannot pin: ...")
    problem: ReadinessProblem | None = None  # set when not healthy
    can_pin: bool | None = None       # None: the platform does not say (or pins do not apply)
    token_expires_at: datetime | None = None
    checked_at: datetime = Field(default_factory=utcnow)

    def same_as(self, other: Readiness | None) -> bool:
        """The same finding, whenever it was made: only a change is worth an audit entry."""
        return other is not None and self.model_dump(exclude={"checked_at"}) == other.model_dump(
            exclude={"checked_at"})

    def summary(self) -> str:
        state = "healthy" if self.healthy else f"unhealthy ({self.problem.value if self.problem else '?'})"
        pin = {True: "can pin", False: "cannot pin", None: "pin unknown"}[self.can_pin]
        expiry = f", token expires {self.token_expires_at:%Y-%m-%d %H:%M} UTC" if self.token_expires_at else ""
        return f"{state}, {pin}{expiry}: {self.reason}"


class User(Model):
    id: str
    name: str
    roles: frozenset[Role]
    disabled: bool = False
    revision: int = 0

    def has(self, role: Role) -> bool:
        return role in self.roles


class ParameterType(str, Enum):
    STRING = "string"
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"


class TemplateParameter(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: ParameterType = ParameterType.STRING
    required: bool = True
    allowed: list[str] | None = Field(default=None, min_length=1, max_length=100)
    max_length: int = Field(default=200, ge=1, le=2000)
    description: str = Field(default="", max_length=500)


class TemplateState(str, Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"  # taken out of use by an admin: final, never triggered again, still listed


class Retirement(Model):
    by: str
    at: datetime
    reason: str = ""


class Template(Model):
    """A pre-approved advisory with `{placeholders}`, filled in one step by on-call staff."""

    id: str = Field(default_factory=lambda: new_id("tpl"))
    name: str
    content: dict[str, Any]
    parameters: list[TemplateParameter]
    renderings: dict[str, str] = Field(default_factory=dict)
    # The channel groups `content["channels"]` was chosen by, expanded when it was saved.
    channel_groups: list[ChosenGroup] = Field(default_factory=list)
    state: TemplateState = TemplateState.DRAFT
    author: str
    created_at: datetime = Field(default_factory=utcnow)
    approval: Approval | None = None
    # Everyone who edited it after its author (none of them may approve it), the latest edit,
    # and who retired it, when and why.
    editors: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None
    retirement: Retirement | None = None
    revision: int = 0

    def content_hash(self) -> str:
        payload = {"content": self.content, "renderings": self.renderings,
                   "parameters": [p.model_dump(mode="json") for p in self.parameters]}
        return hashlib.sha256(canonical_json(_groups_hashed(payload, self.channel_groups)).encode()).hexdigest()

    def wrote(self, user_id: str) -> bool:
        """Whether `user_id` wrote any of it (its author or an editor): they may not approve it."""
        return user_id == self.author or user_id in self.editors

    @property
    def triggerable(self) -> bool:
        """Approved, under an approval of exactly this content."""
        return (self.state is TemplateState.APPROVED and self.approval is not None
                and self.approval.content_hash == self.content_hash())

    # -- its transitions (lifecycle.TEMPLATE_TRANSITIONS); like Advisory's, nothing is stored ----
    def approve(self, by: str, at: datetime) -> tuple[Template, AuditEvent]:
        """draft -> approved, bound to the content hash (who may approve is the service's to check)."""
        if self.state is TemplateState.APPROVED:
            raise Conflict("this template is already approved", {"state": self.state.value})
        lifecycle.require_template(self, lifecycle.TemplateAction.APPROVE)
        approved = self._next(state=TemplateState.APPROVED,
                              approval=Approval(by=by, at=at, content_hash=self.content_hash()))
        return approved, AuditEvent(actor=by, action="template_approve", summary=f"{self.id}: {self.name}")

    def edit(self, name: str, content: dict[str, Any], parameters: list[TemplateParameter],
             renderings: dict[str, str], by: str, at: datetime,
             channel_groups: list[ChosenGroup] | None = None) -> tuple[Template, AuditEvent]:
        """draft / approved -> draft with the new wording; any approval is void (as an advisory's
        edit voids its approval): an approved template is not triggerable until approved again."""
        lifecycle.require_template(self, lifecycle.TemplateAction.EDIT)
        editors = self.editors if self.wrote(by) else [*self.editors, by]
        edited = self._next(name=name, content=content, parameters=parameters, renderings=renderings,
                            state=lifecycle.template_target(lifecycle.TemplateAction.EDIT), approval=None,
                            channel_groups=channel_groups or [], editors=editors, updated_at=at)
        summary = f"{self.id}: {name}: edited"
        if self.approval is not None:
            summary += f"; the approval by {self.approval.by} is void (was {self.state.value}, back to draft)"
        return edited, AuditEvent(actor=by, action="template_edit", summary=summary)

    def retire(self, by: str, at: datetime, reason: str = "") -> tuple[Template, AuditEvent]:
        """draft / approved -> retired: final; it stays listed and on the trail, never triggered."""
        lifecycle.require_template(self, lifecycle.TemplateAction.RETIRE)
        retired = self._next(state=lifecycle.template_target(lifecycle.TemplateAction.RETIRE), updated_at=at,
                             retirement=Retirement(by=by, at=at, reason=reason))
        summary = f"{self.id}: {self.name}: retired (was {self.state.value})" + (f": {reason}" if reason else "")
        return retired, AuditEvent(actor=by, action="template_retire", summary=summary[:2000])

    def _next(self, **changes: Any) -> Template:
        """The next revision with `changes`: every write is conditional on the one it was made from."""
        return self.model_copy(update={**changes, "revision": self.revision + 1})


class AuditEvent(Model):
    """Something a person or the machine did, before it is chained."""

    actor: str
    action: str
    advisory_id: str | None = None
    summary: str = ""
    at: datetime = Field(default_factory=utcnow)


class AuditEntry(AuditEvent):
    """An event in the hash chain: `hash` covers every field and the previous entry's hash."""

    seq: int
    prev_hash: str
    hash: str
    # The hash chain this entry is on (domain/audit.py): the item its commit wrote, or a system shard.
    chain: str = ""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


# The lifecycle table and the delivery rules are written in the states above and the transitions
# consult them, so they are imported last and used at call time: either module may be imported first.
from chalicelib.domain import lifecycle  # noqa: E402
from chalicelib.domain import delivery as delivery_rules  # noqa: E402
