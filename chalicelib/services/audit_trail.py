"""Reading the audit trail: filter, export as CSV, verify the hash chain."""
from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import hashlib
import heapq
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import (AfterValidator, AliasChoices, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field,
                      ValidationInfo, field_validator, model_validator)

from chalicelib.domain import audit
from chalicelib.domain.errors import BadRequest, ValidationFailed
from chalicelib.domain.models import EARLIEST, LATEST, AuditEntry
from chalicelib.ports import DigestArchive, DigestSigner, Store

CSV_COLUMNS = ("seq", "at", "actor", "action", "advisory_id", "summary", "prev_hash", "hash", "chain")


DEFAULT_PAGE = 200
MAX_PAGE = 1000      # a JSON page stays far below Lambda's 6 MB response limit
MAX_CSV_PAGE = 5000  # about 1.5 MB of CSV
# One request reads at most this many entries; a filter that matches few of them answers a short
# (even empty) page with a next_cursor to continue from, so no request walks the whole trail.
MAX_EXAMINED = 20_000
# An entry's `at` is when its event was made, a little before its commit gave it its place (seq) in
# the chain: entries are in time order only to within the longest a Lambda runs (15 minutes). A
# filter with `until` stops reading once entries are that much later than it.
UNTIL_MARGIN = timedelta(minutes=15)
_CURSOR = re.compile(r"audit:([0-9T:.Z-]{27}#[^\s]{1,200}#\d{12})")
_SPACE_FOR_PLUS = re.compile(r"^(\d{4}-\d\d-\d\dT[\d:.]+) (\d\d(?::?\d\d)?)$")


def _plus_kept(value: Any) -> Any:
    """A `+` left unencoded in a query string arrives as a space: `...T10:00:00 00:00` meant `+00:00`."""
    if isinstance(value, str):
        return _SPACE_FOR_PLUS.sub(r"\1+\2", value.strip())
    return value


def _in_window(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError("must be between 2000-01-01 and 2099-12-31")
    return value


# A date and time in a query: ISO 8601 with a UTC offset (2026-11-23T18:00:00Z), within the years
# Clarion can mean, so arithmetic on it (margins) never overflows.
QueryMoment = Annotated[AwareDatetime, BeforeValidator(_plus_kept), AfterValidator(_in_window)]


def time_range(until: datetime | None, info: ValidationInfo, names: tuple[str, str] = ("since", "until")
               ) -> datetime | None:
    """A range that ends before it starts is a mistake to name (on its end), not an empty answer.
    A field validator of the end; the start is validated before it."""
    since = info.data.get("since")
    if since is not None and until is not None and until < since:
        raise ValueError(f"{names[1]} must not be before {names[0]}")
    return until


class AuditFilter(BaseModel):
    """GET /audit's query. `from`/`to` are accepted for `since`/`until` (as GET /deliveries names
    them); an unknown parameter is a 422, never silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    advisory_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=128)
    action: str | None = Field(default=None, max_length=64)
    since: QueryMoment | None = Field(default=None, validation_alias=AliasChoices("since", "from"))
    until: QueryMoment | None = Field(default=None, validation_alias=AliasChoices("until", "to"))
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_CSV_PAGE)
    cursor: str | None = Field(default=None, max_length=400)

    @model_validator(mode="before")
    @classmethod
    def _one_name_each(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            for name, alias in (("since", "from"), ("until", "to")):
                if name in data and alias in data:
                    raise ValueError(f"give {name} or {alias}, not both")
        return data

    @field_validator("until")
    @classmethod
    def _ordered(cls, until: datetime | None, info: ValidationInfo) -> datetime | None:
        return time_range(until, info)

    def matches(self, entry: AuditEntry) -> bool:
        return ((self.advisory_id is None or entry.advisory_id == self.advisory_id)
                and (self.actor is None or entry.actor == self.actor)
                and (self.action is None or entry.action == self.action)
                and (self.since is None or entry.at >= self.since)
                and (self.until is None or entry.at <= self.until))

    def past_the_end(self, entry: AuditEntry) -> bool:
        """No later entry can match: this one is well past `until`."""
        return self.until is not None and entry.at > self.until + UNTIL_MARGIN


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None  # None: this was the last page
    first: bool                 # no cursor was given (a CSV page then starts with its header)


@dataclass(frozen=True)
class TrailVerification(audit.Verification):
    """The chain's verification, with the stored entry where it broke (None when the break is
    entries deleted from the end, where there is no entry to show)."""

    broken_entry: AuditEntry | None = None
    head_seq: int = 0     # the entries the chain heads record, over all chains
    chains: int = 0
    digests: int = 0      # signed digests checked
    digested_at: str | None = None  # the newest one's time
    scope: str = "full"   # "full": every entry; "recent": what changed since the newest digest

    def as_dict(self) -> dict[str, object]:
        out = super().as_dict()
        out.update(head_seq=self.head_seq, chains=self.chains, digests=self.digests, digested_at=self.digested_at,
                   scope=self.scope)
        if not self.intact:
            out["verified_through_seq"] = (self.first_broken_seq or 1) - 1
            out["broken_entry"] = self.broken_entry.model_dump(mode="json") if self.broken_entry else None
        return out


def encode_cursor(position: str) -> str:
    return base64.urlsafe_b64encode(f"audit:{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    match = _CURSOR.fullmatch(text)
    if not match:
        raise BadRequest("cursor is not one this API gave out; start again without it", {"field": "cursor"})
    return match.group(1)


class AuditTrail:
    def __init__(self, store: Store, archive: DigestArchive | None = None, signer: DigestSigner | None = None,
                 alarm: Callable[[str, str], None] | None = None) -> None:
        self._store = store
        self._archive, self._signer, self._alarm = archive, signer, alarm

    def attach(self, archive: DigestArchive | None, signer: DigestSigner | None,
               alarm: Callable[[str, str], None] | None) -> None:
        """The signed digests to verify against, and on-call's alarm (composition wires them)."""
        self._archive, self._signer, self._alarm = archive, signer, alarm

    def entries(self, query: AuditFilter) -> list[AuditEntry]:
        return [e for e in self._store.audit_entries() if query.matches(e)]

    def for_advisories(self, advisory_ids: Iterable[str], limit: int | None = None) -> tuple[list[AuditEntry], bool]:
        """Every entry about these advisories, oldest first, and whether the whole trail was read
        (False: `limit` entries were examined first). The trail has no index by advisory: this
        reads each advisory's entries by its own index key, so the rest of the trail is not read."""
        streams = [self._store.audit_entries_about(a) for a in dict.fromkeys(advisory_ids)]
        found: list[AuditEntry] = []
        for entry in heapq.merge(*streams, key=audit.position):
            found.append(entry)
            if limit is not None and len(found) >= limit:
                return found, False
        return found, True

    def page(self, query: AuditFilter, csv_output: bool = False) -> AuditPage:
        """Up to `limit` matching entries after the cursor, oldest first, and the cursor of the
        next page. Reads lazily: a page stops reading once it is full, once entries are well past
        `until`, or after MAX_EXAMINED entries (then the page may be short, even empty, and
        next_cursor continues where it stopped)."""
        if not csv_output and query.limit > MAX_PAGE:
            raise ValidationFailed(f"limit is at most {MAX_PAGE} for JSON (and {MAX_CSV_PAGE} for CSV); "
                                   "follow next_cursor for more", {"field": "limit"})
        limit = query.limit
        after = decode_cursor(query.cursor) if query.cursor else None
        found: list[AuditEntry] = []
        examined, last = 0, after
        entries = (self._store.audit_entries_about(query.advisory_id, after=after) if query.advisory_id
                   else self._store.audit_entries(after=after))
        for entry in entries:
            if query.past_the_end(entry):
                return AuditPage(found, None, first=query.cursor is None)
            if query.matches(entry):
                found.append(entry)
                if len(found) > limit:
                    break
            examined, last = examined + 1, audit.position(entry)
            if examined >= MAX_EXAMINED and len(found) <= limit and last is not None:
                return AuditPage(found, encode_cursor(last), first=query.cursor is None)
        more = len(found) > limit
        found = found[:limit]
        return AuditPage(found, encode_cursor(audit.position(found[-1])) if more else None, first=query.cursor is None)

    def signed_digests(self) -> tuple[list[audit.Digest], str | None]:
        """The stored digests whose signatures verify, oldest first, and the first problem with
        them (a bad signature, or a digest that does not follow the one before: one is missing)."""
        if self._archive is None or self._signer is None:
            return [], None
        digests: list[audit.Digest] = []
        previous = audit.GENESIS_HASH
        for name in self._archive.names():
            body, signature = self._archive.get(name)
            if not self._signer.verify(body, signature):
                return digests, f"the digest {name} is not signed by the audit key"
            digest = audit.Digest.parse(body, name)
            if digest.previous != previous:
                return digests, f"the digest {name} does not follow the digest before it (a digest is missing)"
            previous = hashlib.sha256(body).hexdigest()
            digests.append(digest)
        return digests, None

    def verify(self, scope: str = "full") -> TrailVerification:
        """Every chain against its stored head and the signed digests: intact, or the first
        chain that is not, where, why, and the entry as stored. A break raises the integrity alarm.
        `scope="recent"` reads only what changed since the newest signed digest (see verify_recent)."""
        if scope == "recent":
            return self.verify_recent()
        if scope != "full":
            raise ValidationFailed("scope is full (every entry) or recent (since the newest signed digest)",
                                   {"field": "scope"})
        # Read the digests and heads first: entries appended while we walk are then simply extra.
        digests, digest_problem = self.signed_digests()
        heads = self._store.audit_heads()
        by_chain: dict[str, list[AuditEntry]] = {}
        for entry in self._store.audit_entries():
            by_chain.setdefault(entry.chain, []).append(entry)
        checkpoints = audit.Checkpoints.of(digests)
        chains = sorted(set(heads) | set(by_chain) | set(checkpoints.by_chain))
        total = 0
        result: TrailVerification | None = None
        for chain in chains:
            found = self._verify_chain(chain, by_chain.get(chain, []), heads.get(chain),
                                       checkpoints.by_chain.get(chain, []))
            if not found.intact:
                # The index is read eventually consistent: judge the chain again on consistent reads.
                found = self._verify_chain(chain, self._store.audit_chain(chain), self._store.audit_head(chain),
                                           checkpoints.by_chain.get(chain, []))
            if chain in heads:  # a chain begun after we read the heads is not counted (nor judged by them)
                total += found.entries
            if not found.intact and result is None:
                result = found
        return self._answer(result, digest_problem, total, heads, len(chains), digests, "full")

    def verify_recent(self) -> TrailVerification:
        """The digests' signatures and links, then only the chains the newest digest signed or that
        were written since (with the digest job's overlap for index lag), each from its newest
        signed checkpoint on: the cost follows what changed, not the trail's size. What it cannot
        see -- an entry before its checkpoint edited, the head of a chain quiet since an older digest
        deleted or moved -- the full verify catches. No digest yet: the full verify."""
        digests, digest_problem = self.signed_digests()
        if not digests:
            return self.verify()
        newest = digests[-1]
        checkpoints = audit.Checkpoints.of(digests)
        changed = self._store.audit_heads(changed_since=newest.at - audit.DIGEST_OVERLAP)
        chains = sorted(set(changed) | set(newest.heads))  # a deleted head is in no index
        total, result = 0, None
        for chain in chains:
            latest = max(checkpoints.by_chain.get(chain, []), key=lambda c: c.head.seq, default=None)
            head = self._store.audit_head(chain)
            if latest is None or latest.head.seq == 0:  # begun since the newest digest: all of it
                found = self._verify_chain(chain, self._store.audit_chain(chain), head, [])
            else:
                entries = self._store.audit_chain(chain, from_seq=latest.head.seq)
                checked = audit.verify_since(chain, latest, entries, head)
                broken = next((e for e in entries if e.seq == checked.first_broken_seq), None)
                found = TrailVerification(checked.intact, checked.entries, checked.first_broken_seq, checked.problem,
                                          chain, broken_entry=broken)
            total += found.entries
            if not found.intact:
                result = found
                break
        return self._answer(result, digest_problem, total, changed, len(chains), digests, "recent")

    def _answer(self, broken: TrailVerification | None, digest_problem: str | None, entries: int,
                heads: Mapping[str, audit.ChainHead], chains: int, digests: Sequence[audit.Digest],
                scope: str) -> TrailVerification:
        """The verification as the API gives it; a break (of a chain, or of the digests) pages on-call."""
        if broken is None and digest_problem is not None:
            broken = TrailVerification(False, entries, None, digest_problem)
        summary = TrailVerification(True, entries, head_seq=sum(h.seq for h in heads.values()), chains=chains,
                                    digests=len(digests), digested_at=digests[-1].at.isoformat() if digests else None,
                                    scope=scope)
        if broken is None:
            return summary
        if self._alarm is not None:
            with contextlib.suppress(Exception):  # the answer matters more than the alarm
                self._alarm("Clarion audit trail integrity alarm", f"audit verify: {broken.problem}")
        return replace(summary, intact=False, first_broken_seq=broken.first_broken_seq, problem=broken.problem,
                       chain=broken.chain, broken_entry=broken.broken_entry)

    @staticmethod
    def _verify_chain(chain: str, entries: list[AuditEntry], head: audit.ChainHead | None,
                      checkpoints: Sequence[audit.Checkpoint]) -> TrailVerification:
        ordered = sorted(entries, key=lambda e: e.seq)
        if head is not None:  # entries appended after we read the head are simply extra
            ordered = [e for e in ordered if e.seq <= head.seq]
        result = audit.verify_chain(chain, ordered, head, checkpoints)
        broken = None
        if not result.intact and result.first_broken_seq is not None:
            at = [e for e in ordered if e.seq >= result.first_broken_seq]
            broken = at[0] if at else None
        return TrailVerification(result.intact, result.entries, result.first_broken_seq, result.problem,
                                 result.chain, broken_entry=broken)

    @staticmethod
    def as_csv(entries: list[AuditEntry], header: bool = True) -> str:
        """CSV of the entries; pages after the first leave out the header, so the pages of
        one filter concatenate into one file."""
        return csv_text(CSV_COLUMNS, (e.model_dump(mode="json") for e in entries), header=header)


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], header: bool = True,
             trailer: Sequence[str] | None = None) -> str:
    """CSV of `rows` (each a mapping with the `columns`), every cell safe to open in a
    spreadsheet; `trailer`, a last row (e.g. saying the export was cut short)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(row.get(c)) for c in columns])
    if trailer is not None:
        writer.writerow([_safe_cell(cell) for cell in trailer])
    return out.getvalue()


def _safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in exported text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
