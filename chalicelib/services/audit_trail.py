"""Reading the audit trail: filter, export as CSV, verify the hash chain."""
from __future__ import annotations

import base64
import binascii
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import (AfterValidator, AliasChoices, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field,
                      ValidationInfo, field_validator, model_validator)

from chalicelib.domain import audit
from chalicelib.domain.errors import BadRequest, ValidationFailed
from chalicelib.domain.models import EARLIEST, LATEST, AuditEntry
from chalicelib.ports import Store

CSV_COLUMNS = ("seq", "at", "actor", "action", "advisory_id", "summary", "prev_hash", "hash")


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
_CURSOR = re.compile(r"audit:(\d{1,12})")
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
    cursor: str | None = Field(default=None, max_length=100)

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
    head_seq: int = 0

    def as_dict(self) -> dict[str, object]:
        out = super().as_dict()
        out["head_seq"] = self.head_seq
        if not self.intact:
            out["verified_through_seq"] = (self.first_broken_seq or 1) - 1
            out["broken_entry"] = self.broken_entry.model_dump(mode="json") if self.broken_entry else None
        return out


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    match = _CURSOR.fullmatch(text)
    if not match:
        raise BadRequest("cursor is not one this API gave out; start again without it", {"field": "cursor"})
    return int(match.group(1))


class AuditTrail:
    def __init__(self, store: Store) -> None:
        self._store = store

    def entries(self, query: AuditFilter) -> list[AuditEntry]:
        return [e for e in self._store.audit_entries() if query.matches(e)]

    def for_advisories(self, advisory_ids: Iterable[str], limit: int | None = None) -> tuple[list[AuditEntry], bool]:
        """Every entry about these advisories, oldest first, and whether the whole trail was read
        (False: `limit` entries were examined first). The trail has no index by advisory: this
        reads it from the start, as GET /audit?advisory_id= does."""
        wanted = set(advisory_ids)
        found: list[AuditEntry] = []
        for examined, entry in enumerate(self._store.audit_entries(), start=1):
            if entry.advisory_id in wanted:
                found.append(entry)
            if limit is not None and examined >= limit:
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
        after = decode_cursor(query.cursor) if query.cursor else 0
        found: list[AuditEntry] = []
        examined, last_seq = 0, after
        for entry in self._store.audit_entries(after=after):
            if query.past_the_end(entry):
                return AuditPage(found, None, first=query.cursor is None)
            if query.matches(entry):
                found.append(entry)
                if len(found) > limit:
                    break
            examined, last_seq = examined + 1, entry.seq
            if examined >= MAX_EXAMINED and len(found) <= limit:
                return AuditPage(found, encode_cursor(last_seq), first=query.cursor is None)
        more = len(found) > limit
        found = found[:limit]
        return AuditPage(found, encode_cursor(found[-1].seq) if more else None, first=query.cursor is None)

    def verify(self) -> TrailVerification:
        """Intact, or the first entry that does not fit, why, and that entry as stored."""
        # Read the head first: entries appended while we walk the chain are then simply extra.
        head = self._store.audit_head()
        seen: list[AuditEntry] = []  # the latest entry read: where verify stopped, if it broke

        def chain() -> Iterator[AuditEntry]:
            for entry in self._store.audit_entries():
                if entry.seq > head.seq:
                    return
                seen[:] = [entry]
                yield entry

        result = audit.verify(chain(), head)
        # audit.verify stops at the entry that breaks the chain, the `entries`-th it read; when
        # instead the chain ran out before the head (entries deleted from the end), it counted one
        # entry fewer than its first broken position, and there is no entry to show.
        broken = seen[0] if seen and not result.intact and result.entries == result.first_broken_seq else None
        return TrailVerification(result.intact, result.entries, result.first_broken_seq, result.problem,
                                 broken_entry=broken, head_seq=head.seq)

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
