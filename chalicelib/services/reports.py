"""The auditors' back office: the delivery log across advisories, and after-action reports.

Read-only. Nothing here knows HTTP, CSV or PDF (chalicelib/reports_output.py renders them), nor
boto3: every read goes through the Store port, with no index of its own:

* the delivery log walks the advisories newest first (`Store.page_advisories(View.ALL)`) and
  reads each one's deliveries, filtering here, within a budget of reads per request;
* a report reads the advisories of an incident (an Alert, the Updates and the Cancel linked to it
  by `references`), their deliveries and the audit trail's entries about them.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.lifecycle import View
from chalicelib.domain.models import (Advisory, AdvisoryState, AuditEntry, DeliveryRecord, DeliveryState, MsgType,
                                      User)
from chalicelib.ports import Clock, Store
from chalicelib.services.audit_trail import AuditTrail, QueryMoment, time_range
from chalicelib.services.common import found

# -- the delivery log ------------------------------------------------------------------------------
DEFAULT_LOG_PAGE = 50
MAX_LOG_PAGE = 200
MAX_CSV_ROWS = 10_000         # one CSV export; a trailer row says when it was cut short
MAX_CSV_BYTES = 4_000_000     # ... and it stays below Lambda's 6 MB response limit
# The work of one request: advisories whose deliveries are read, and advisories walked in all
# (those that cannot match, e.g. drafts or outside the time range, cost no delivery read).
READS_PER_PAGE, WALK_PER_PAGE = 50, 500
READS_PER_CSV, WALK_PER_CSV = 1_000, 5_000
ADVISORY_BATCH = 50
# ASSUMPTION: a delivery happens (is queued, and ends) within 7 days of its advisory's creation:
# approval, a scheduled `effective` time and the delivery's retries all fit in that. An advisory is
# always created before its deliveries, so walking advisories newest first, the log stops at the
# first advisory created more than DELIVERY_WINDOW before `from`. A delivery redriven by hand weeks
# later is the exception this misses when filtering by time; without `from`, nothing is missed.
DELIVERY_WINDOW = timedelta(days=7)
# Advisories that never had deliveries: their deliveries are created with the move to broadcasting.
NEVER_BROADCAST = frozenset({AdvisoryState.DRAFT, AdvisoryState.PENDING_APPROVAL, AdvisoryState.APPROVED,
                             AdvisoryState.REJECTED, AdvisoryState.WITHDRAWN})
_SORT_KEY = re.compile(r"[0-9T:.+\-Z]{10,40}#[A-Za-z0-9_\-]{1,80}")
_CHANNEL = r"^[a-z_]+:[a-z0-9][a-z0-9-]{0,62}$"


class DeliveryLogQuery(BaseModel):
    """GET /deliveries' query. Every parameter is checked; an unknown one is a 422."""

    model_config = ConfigDict(extra="forbid")

    since: QueryMoment | None = Field(default=None, validation_alias="from")
    until: QueryMoment | None = Field(default=None, validation_alias="to")
    channel: str | None = Field(default=None, pattern=_CHANNEL, max_length=100)
    platform: str | None = Field(default=None, pattern=r"^[a-z_]{1,40}$")
    state: DeliveryState | None = None
    advisory: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]{1,64}$")
    limit: int = Field(default=DEFAULT_LOG_PAGE, ge=1, le=MAX_LOG_PAGE)
    after: str | None = Field(default=None, max_length=400)
    format: Literal["json", "csv"] = "json"

    @field_validator("until")
    @classmethod
    def _ordered(cls, until: datetime | None, info: ValidationInfo) -> datetime | None:
        return time_range(until, info, ("from", "to"))

    def matches(self, delivery: DeliveryRecord) -> bool:
        at = delivery_time(delivery)
        return ((self.channel is None or delivery.channel_account == self.channel)
                and (self.platform is None or delivery.platform == self.platform)
                and (self.state is None or delivery.state is self.state)
                and (self.since is None or at >= self.since)
                and (self.until is None or at <= self.until))

    def may_have_deliveries(self, advisory: Advisory) -> bool:
        """Whether reading the advisory's deliveries can find a match (to skip the read if not)."""
        channels = advisory.content.channels  # frozen once broadcasting began: its deliveries' accounts
        return (advisory.state not in NEVER_BROADCAST
                and (self.until is None or advisory.created_at <= self.until)
                and (self.channel is None or self.channel in channels)
                and (self.platform is None or any(c.split(":", 1)[0] == self.platform for c in channels)))

    def past_the_end(self, advisory: Advisory) -> bool:
        """This advisory, and every older one, was created too long before `from` to match."""
        return self.since is not None and advisory.created_at < self.since - DELIVERY_WINDOW


def delivery_time(delivery: DeliveryRecord) -> datetime:
    """A delivery's own time, as the log filters and shows it: when it ended (sent, failed or
    skipped), or when it was queued while it has not ended."""
    return delivery.finished_at or delivery.queued_at


@dataclass(frozen=True)
class Position:
    """Where the walk is: at the advisory `advisory_id` (created at `created_at`), after its channel
    account `channel` (None: not begun); its batch of advisories is read after the sort key `after`
    (None: from the newest). Encoded, it is the log's opaque `after` cursor.

    The advisory is named, not counted: advisories created since the page before sort before it
    (newest first), so they never shift where the walk goes on."""

    after: str | None = None
    created_at: datetime | None = None
    advisory_id: str | None = None
    channel: str | None = None

    def encode(self) -> str:
        text = json.dumps({"a": self.after, "t": self.created_at.isoformat() if self.created_at else None,
                           "i": self.advisory_id, "c": self.channel}, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii"))
            fields = _CursorFields.model_validate(data)
        except (binascii.Error, ValueError, UnicodeDecodeError, TypeError, ValidationError):
            raise ValidationFailed("the request is not valid", [{
                "field": "after", "problem": "not a cursor this API gave out; start again without it"}]) from None
        return cls(fields.a, fields.t, fields.i, fields.c)

    def listed_before(self, advisory: Advisory) -> bool:
        """Whether `advisory` sorts before this position (newest first): the walk has passed it."""
        if self.created_at is None or self.advisory_id is None:
            return False
        return (advisory.created_at, advisory.id) > (self.created_at, self.advisory_id)


class _CursorFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: str | None = Field(default=None, pattern=_SORT_KEY.pattern)
    t: AwareDatetime | None = None
    i: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]{1,80}$")
    c: str | None = Field(default=None, pattern=_CHANNEL)


@dataclass(frozen=True)
class LogRow:
    advisory: Advisory
    delivery: DeliveryRecord
    position: Position  # the cursor that continues after this row


@dataclass(frozen=True)
class DeliveryLog:
    rows: list[LogRow]
    next_cursor: str | None      # None: nothing more matches
    examined: int                # advisories walked by this request
    reached: datetime | None     # the creation time of the oldest advisory walked
    truncated: bool = False      # a CSV export cut short (next_cursor continues it)
    output: str = "json"


@dataclass
class _Walk:
    rows: list[LogRow]
    next: Position | None
    examined: int = 0
    reads: int = 0
    reached: datetime | None = None


# -- after-action reports --------------------------------------------------------------------------
MAX_INCIDENT_WALK = 2_000     # advisories walked to find an incident's follow-ups
INCIDENT_BATCH = 100
MAX_TRAIL_READ = 500_000      # audit entries read for one report's timeline
MAX_FAILURES_SHOWN = 10       # per delivery
_APPROVED = re.compile(r"approved content ([0-9a-f]{6,64})")


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "csv", "pdf"] = "json"


class ApprovalRecord(BaseModel):
    """Who approved which exact content: the advisory's approval in force (with the full hash)."""

    by: str
    at: datetime
    content_hash: str
    valid: bool                    # the content still has this hash
    via_template: str | None = None
    triggered_by: str | None = None


class ApprovalEvent(BaseModel):
    """Every approval the trail records (an edit voids one; the content is then approved again)."""

    seq: int
    at: datetime
    by: str
    content_hash_prefix: str


class Failure(BaseModel):
    at: datetime
    what: str


class ReportDelivery(BaseModel):
    channel_account: str
    channel_name: str | None
    platform: str
    state: DeliveryState
    attempts: int
    retries: int                   # attempts put back to pending after a retryable error
    redrives: int                  # redriven by on-call or by the sweeper
    post_id: str | None
    post_url: str | None
    queued_at: datetime
    attempted_at: datetime | None
    sent_at: datetime | None
    finished_at: datetime | None
    latency_from_approval_ms: int | None   # approval -> sent
    latency_from_approval_text: str | None
    latency_ms: int | None                 # queued -> finished
    pin_state: str
    pin_error: str | None
    last_error: str | None
    failures: list[Failure]
    content_hash: str
    matches_approval: bool         # what was posted is the content that was approved


class ReportAdvisory(BaseModel):
    id: str
    label: str = ""                # within the incident: Alert, Update 1, Update 2, Cancel
    msg_type: MsgType
    status: str
    state: AdvisoryState
    headline: str
    event: str | None
    area_desc: str | None
    severity: str | None
    urgency: str | None
    references: list[str]
    author: str
    created_at: datetime
    submitted_at: datetime | None
    content_hash: str
    approval: ApprovalRecord | None
    approvals: list[ApprovalEvent]
    rejection: dict[str, Any] | None
    withdrawal: dict[str, Any] | None
    deliveries: list[ReportDelivery]
    counts: dict[str, int]         # deliveries by state
    first_post_at: datetime | None
    last_post_at: datetime | None
    max_latency_from_approval_ms: int | None


class TimelineEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    actor_kind: Literal["human", "machine"]
    action: str
    advisory_id: str | None
    channel_account: str | None    # for a delivery's own events
    summary: str
    hash: str


class ReportTotals(BaseModel):
    advisories: int
    deliveries: int
    by_state: dict[str, int]
    first_approval_at: datetime | None
    first_post_at: datetime | None
    last_post_at: datetime | None
    cancelled_at: datetime | None          # the Cancel / all-clear's first post
    max_latency_from_approval_ms: int | None
    max_latency_from_approval_text: str | None


class Report(BaseModel):
    """An after-action report: what was approved, what went out where and when, and every action."""

    kind: Literal["advisory", "incident"]
    requested_id: str
    incident_id: str               # the first advisory (the Alert) of the incident
    title: str
    headline: str
    generated_at: datetime
    generated_by: str
    advisories: list[ReportAdvisory]
    timeline: list[TimelineEntry]
    totals: ReportTotals
    # False when a bound was reached: the follow-up search or the trail read stopped early.
    incident_complete: bool
    timeline_complete: bool
    notes: list[str]


def human_duration(ms: int | None) -> str | None:
    """A latency as people read it: 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min, 3 d 04 h."""
    if ms is None:
        return None
    if ms < 0:
        return "-" + (human_duration(-ms) or "")
    if ms < 1000:
        return f"{ms} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    if whole < 86400:
        return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
    return f"{whole // 86400} d {whole % 86400 // 3600:02d} h"


def _ms(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() * 1000)


class ReportService:
    def __init__(self, store: Store, audit: AuditTrail, clock: Clock) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock

    # -- the delivery log ------------------------------------------------------------------------
    def delivery_log(self, query: DeliveryLogQuery) -> DeliveryLog:
        """One page (JSON: up to `limit` rows) or the whole filter (CSV, capped), newest advisory
        first and, within one, by channel account. A page may hold fewer rows than `limit`, even
        none, when the request's budget of reads ran out: follow next_cursor until it is null."""
        start = Position.decode(query.after) if query.after else Position()
        csv_output = query.format == "csv"
        max_rows = MAX_CSV_ROWS if csv_output else query.limit
        if query.advisory is not None:
            walk = self._one_advisory(query, start, max_rows)
        else:
            reads, steps = (READS_PER_CSV, WALK_PER_CSV) if csv_output else (READS_PER_PAGE, WALK_PER_PAGE)
            walk = self._walk(query, start, max_rows, reads, steps)
        return DeliveryLog(walk.rows, walk.next.encode() if walk.next else None, walk.examined, walk.reached,
                           truncated=csv_output and walk.next is not None, output=query.format)

    def _one_advisory(self, query: DeliveryLogQuery, start: Position, max_rows: int) -> _Walk:
        advisory = self._store.get_advisory(query.advisory or "")
        walk = _Walk([], None, examined=1 if advisory else 0, reached=advisory.created_at if advisory else None)
        if advisory is None or not query.may_have_deliveries(advisory):
            return walk
        for delivery in self._matching(query, advisory, start.channel):
            if len(walk.rows) == max_rows:
                walk.next = walk.rows[-1].position
                break
            walk.rows.append(LogRow(advisory, delivery, Position(channel=delivery.channel_account)))
        return walk

    def _matching(self, query: DeliveryLogQuery, advisory: Advisory, after_channel: str | None
                  ) -> list[DeliveryRecord]:
        deliveries = sorted(self._store.deliveries_for(advisory.id), key=lambda d: d.channel_account)
        return [d for d in deliveries
                if (after_channel is None or d.channel_account > after_channel) and query.matches(d)]

    def _walk(self, query: DeliveryLogQuery, start: Position, max_rows: int, max_reads: int,
              max_steps: int) -> _Walk:
        walk = _Walk([], None)
        for batch_after, advisory, after_channel in self._advisories(start):
            if query.past_the_end(advisory):
                return walk  # nothing older can match: the end
            here = Position(batch_after, advisory.created_at, advisory.id)
            if walk.examined >= max_steps or walk.reads >= max_reads:
                walk.next = here  # the budget is spent: the next request goes on from here
                return walk
            walk.examined += 1
            walk.reached = advisory.created_at
            if not query.may_have_deliveries(advisory):
                continue
            walk.reads += 1
            for delivery in self._matching(query, advisory, after_channel):
                if len(walk.rows) == max_rows:  # one more matches: the page is full, and there is more
                    walk.next = walk.rows[-1].position
                    return walk
                walk.rows.append(LogRow(advisory, delivery, replace(here, channel=delivery.channel_account)))
        return walk

    def _advisories(self, start: Position) -> Iterator[tuple[str | None, Advisory, str | None]]:
        """Every advisory from `start` on, newest first: (the sort key its batch was read after,
        the advisory, the channel account its deliveries go on after)."""
        after, resuming = start.after, start.advisory_id is not None
        while True:
            page = self._store.page_advisories(View.ALL, "", self._clock.now(), ADVISORY_BATCH, after)
            for advisory in page.advisories:
                if resuming and start.listed_before(advisory):
                    continue
                yield after, advisory, start.channel if resuming and advisory.id == start.advisory_id else None
                resuming = False
            if page.after is None:
                return
            after = page.after

    # -- after-action reports --------------------------------------------------------------------
    def advisory_report(self, advisory_id: str, caller: User) -> Report:
        """One advisory: its approval, deliveries and every action on it."""
        advisory = found(self._store.get_advisory(advisory_id), "advisory", advisory_id)
        return self._report("advisory", advisory_id, [advisory], caller, incident_complete=True)

    def incident_report(self, advisory_id: str, caller: User) -> Report:
        """The incident `advisory_id` belongs to: its Alert, every Update and the Cancel."""
        members, complete = self.incident(advisory_id)
        return self._report("incident", advisory_id, members, caller, incident_complete=complete)

    def incident(self, advisory_id: str) -> tuple[list[Advisory], bool]:
        """The advisories linked to this one by `references`, both ways, oldest first; and whether
        the search for follow-ups was complete (it walks at most MAX_INCIDENT_WALK advisories).

        Up: each advisory names the one it updates or cancels. Down there is no index: follow-ups
        are created after what they follow, so the advisories created since the earliest member
        are walked newest first, and the links are closed over once they are all read."""
        start = found(self._store.get_advisory(advisory_id), "advisory", advisory_id)
        members = {start.id: start}
        self._add_referenced(members, list(start.references))
        earliest = min(a.created_at for a in members.values())
        followers: dict[str, Advisory] = {}
        complete, walked, after = True, 0, None
        while True:
            page = self._store.page_advisories(View.ALL, "", self._clock.now(), INCIDENT_BATCH, after)
            done = page.after is None
            for advisory in page.advisories:
                if advisory.created_at < earliest:
                    done = True
                    break
                walked += 1
                if advisory.references:
                    followers[advisory.id] = advisory
                if walked >= MAX_INCIDENT_WALK:
                    complete, done = False, True
                    break
            if done:
                break
            after = page.after
        grown = True
        while grown:
            grown = False
            for advisory in followers.values():
                if advisory.id not in members and any(r in members for r in advisory.references):
                    members[advisory.id] = advisory
                    self._add_referenced(members, list(advisory.references))
                    grown = True
        return sorted(members.values(), key=lambda a: (a.created_at, a.id)), complete

    def _add_referenced(self, members: dict[str, Advisory], frontier: list[str]) -> None:
        while frontier:
            ref = frontier.pop()
            if ref in members:
                continue
            earlier = self._store.get_advisory(ref)
            if earlier is not None:
                members[ref] = earlier
                frontier.extend(earlier.references)

    def _report(self, kind: Literal["advisory", "incident"], requested_id: str, advisories: list[Advisory],
                caller: User, incident_complete: bool) -> Report:
        ids = [a.id for a in advisories]
        entries, timeline_complete = self._audit.for_advisories(ids, limit=MAX_TRAIL_READ)
        by_advisory: dict[str, list[AuditEntry]] = {i: [] for i in ids}
        for entry in entries:
            by_advisory[entry.advisory_id or ""].append(entry)
        channel_names = {c.id: c.name for c in self._store.list_channels()}
        by_id = {a.id: a for a in advisories}
        sections = [self._section(a, by_advisory[a.id], channel_names) for a in advisories]
        seen: dict[MsgType, int] = {}
        for section in sections:
            seen[section.msg_type] = seen.get(section.msg_type, 0) + 1
            alone = sum(1 for s in sections if s.msg_type is section.msg_type) == 1
            section.label = section.msg_type.value + ("" if alone else f" {seen[section.msg_type]}")
        root = advisories[0]
        notes = []
        if not incident_complete:
            notes.append(f"The search for follow-ups stopped after {MAX_INCIDENT_WALK} advisories: "
                         "later Updates or a Cancel may be missing.")
        if not timeline_complete:
            notes.append(f"The timeline stopped after {MAX_TRAIL_READ} audit entries: later actions may be missing.")
        if any(a.status != "Actual" for a in sections):
            notes.append("This incident includes drills (Exercise / Test): they went only to test accounts.")
        return Report(
            kind=kind, requested_id=requested_id, incident_id=root.id,
            title=f"After-action report: {root.content.headline}", headline=root.content.headline,
            generated_at=self._clock.now(), generated_by=caller.id, advisories=sections,
            timeline=[self._timeline_entry(e, by_id) for e in entries],
            totals=self._totals(sections), incident_complete=incident_complete,
            timeline_complete=timeline_complete, notes=notes)

    def _section(self, advisory: Advisory, entries: list[AuditEntry], names: dict[str, str]) -> ReportAdvisory:
        approval = advisory.approval
        record = None if approval is None else ApprovalRecord(
            by=approval.by, at=approval.at, content_hash=approval.content_hash, valid=advisory.approval_is_valid,
            via_template=approval.via_template, triggered_by=approval.triggered_by)
        approvals = []
        for entry in entries:
            match = _APPROVED.search(entry.summary) if entry.action == "approve" else None
            if match:
                approvals.append(ApprovalEvent(seq=entry.seq, at=entry.at, by=entry.actor,
                                               content_hash_prefix=match.group(1)))
        deliveries = [self._delivery(d, approval.at if approval else None,
                                     approval.content_hash if approval else None, entries, names)
                      for d in sorted(self._store.deliveries_for(advisory.id), key=lambda d: d.channel_account)]
        counts: dict[str, int] = {}
        for d in deliveries:
            counts[d.state.value] = counts.get(d.state.value, 0) + 1
        posted = [d.sent_at for d in deliveries if d.sent_at is not None]
        latencies = [d.latency_from_approval_ms for d in deliveries if d.latency_from_approval_ms is not None]
        content = advisory.content
        return ReportAdvisory(
            id=advisory.id, msg_type=advisory.msg_type, status=content.status.value, state=advisory.state,
            headline=content.headline, event=content.event, area_desc=content.area_desc,
            severity=content.severity.value if content.severity else None,
            urgency=content.urgency.value if content.urgency else None, references=advisory.references,
            author=advisory.author, created_at=advisory.created_at, submitted_at=advisory.submitted_at,
            content_hash=advisory.content_hash(), approval=record, approvals=approvals,
            rejection=advisory.rejection.model_dump(mode="json") if advisory.rejection else None,
            withdrawal=advisory.withdrawal.model_dump(mode="json") if advisory.withdrawal else None,
            deliveries=deliveries, counts=counts, first_post_at=min(posted, default=None),
            last_post_at=max(posted, default=None), max_latency_from_approval_ms=max(latencies, default=None))

    @staticmethod
    def _delivery(delivery: DeliveryRecord, approved_at: datetime | None, approved_hash: str | None,
                  entries: list[AuditEntry], names: dict[str, str]) -> ReportDelivery:
        prefix = f"{delivery.channel_account}: "
        own = [e for e in entries if e.action in ("delivery", "retry") and e.summary.startswith(prefix)]
        retries = sum(1 for e in own if " -> pending: retry in " in e.summary)
        failures = [Failure(at=e.at, what=e.summary[len(prefix):]) for e in own
                    if any(word in e.summary for word in ("retry in", "-> failed", "outcome unknown",
                                                          "could not check", "pin_failed", "did not take"))]
        latency = _ms(approved_at, delivery.sent_at)
        return ReportDelivery(
            channel_account=delivery.channel_account, channel_name=names.get(delivery.channel_account),
            platform=delivery.platform, state=delivery.state, attempts=delivery.attempts, retries=retries,
            redrives=delivery.redrives + sum(1 for e in own if e.action == "retry"), post_id=delivery.post_id,
            post_url=delivery.post_url, queued_at=delivery.queued_at, attempted_at=delivery.attempted_at,
            sent_at=delivery.sent_at, finished_at=delivery.finished_at, latency_from_approval_ms=latency,
            latency_from_approval_text=human_duration(latency), latency_ms=delivery.latency_ms,
            pin_state=delivery.pin_state.value, pin_error=delivery.pin_error, last_error=delivery.last_error,
            failures=failures[-MAX_FAILURES_SHOWN:], content_hash=delivery.content_hash,
            matches_approval=approved_hash is not None and delivery.content_hash == approved_hash)

    @staticmethod
    def _timeline_entry(entry: AuditEntry, advisories: dict[str, Advisory]) -> TimelineEntry:
        channel = None
        if entry.action in ("delivery", "retry"):
            own = advisories.get(entry.advisory_id or "")
            channels = own.content.channels if own else []
            channel = next((c for c in channels if entry.summary.startswith(f"{c}: ")), None)
        return TimelineEntry(seq=entry.seq, at=entry.at, actor=entry.actor,
                             actor_kind="machine" if entry.actor.startswith("system:") else "human",
                             action=entry.action, advisory_id=entry.advisory_id, channel_account=channel,
                             summary=entry.summary, hash=entry.hash)

    @staticmethod
    def _totals(sections: list[ReportAdvisory]) -> ReportTotals:
        deliveries = [d for s in sections for d in s.deliveries]
        by_state: dict[str, int] = {}
        for d in deliveries:
            by_state[d.state.value] = by_state.get(d.state.value, 0) + 1
        approvals = [s.approval.at for s in sections if s.approval] + [e.at for s in sections for e in s.approvals]
        posted = [d.sent_at for d in deliveries if d.sent_at is not None]
        cancels = [s.first_post_at for s in sections if s.msg_type is MsgType.CANCEL and s.first_post_at]
        latencies = [d.latency_from_approval_ms for d in deliveries if d.latency_from_approval_ms is not None]
        worst = max(latencies, default=None)
        return ReportTotals(advisories=len(sections), deliveries=len(deliveries), by_state=by_state,
                            first_approval_at=min(approvals, default=None), first_post_at=min(posted, default=None),
                            last_post_at=max(posted, default=None), cancelled_at=min(cancels, default=None),
                            max_latency_from_approval_ms=worst, max_latency_from_approval_text=human_duration(worst))
