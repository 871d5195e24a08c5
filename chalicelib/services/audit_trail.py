"""Reading the audit trail: filter, export as CSV, verify the hash chain."""
from __future__ import annotations

import base64
import binascii
import csv
import io
import re
from dataclasses import dataclass

from pydantic import AwareDatetime, BaseModel, Field

from chalicelib.domain import audit
from chalicelib.domain.errors import BadRequest, ValidationFailed
from chalicelib.domain.models import AuditEntry
from chalicelib.ports import Store

CSV_COLUMNS = ("seq", "at", "actor", "action", "advisory_id", "summary", "prev_hash", "hash")


DEFAULT_PAGE = 200
MAX_PAGE = 1000      # a JSON page stays far below Lambda's 6 MB response limit
MAX_CSV_PAGE = 5000  # about 1.5 MB of CSV
_CURSOR = re.compile(r"audit:(\d{1,12})")


class AuditFilter(BaseModel):
    advisory_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=128)
    action: str | None = Field(default=None, max_length=64)
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_CSV_PAGE)
    cursor: str | None = Field(default=None, max_length=100)

    def matches(self, entry: AuditEntry) -> bool:
        return ((self.advisory_id is None or entry.advisory_id == self.advisory_id)
                and (self.actor is None or entry.actor == self.actor)
                and (self.action is None or entry.action == self.action)
                and (self.since is None or entry.at >= self.since)
                and (self.until is None or entry.at <= self.until))


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None  # None: this was the last page
    first: bool                 # no cursor was given (a CSV page then starts with its header)


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

    def page(self, query: AuditFilter, csv_output: bool = False) -> AuditPage:
        """Up to `limit` matching entries after the cursor, oldest first, and the cursor of the
        next page. Reads lazily: a page stops reading once it is full."""
        if not csv_output and query.limit > MAX_PAGE:
            raise ValidationFailed(f"limit is at most {MAX_PAGE} for JSON (and {MAX_CSV_PAGE} for CSV); "
                                   "follow next_cursor for more", {"field": "limit"})
        limit = query.limit
        after = decode_cursor(query.cursor) if query.cursor else 0
        found: list[AuditEntry] = []
        for entry in self._store.audit_entries(after=after):
            if query.matches(entry):
                found.append(entry)
                if len(found) > limit:
                    break
        more = len(found) > limit
        found = found[:limit]
        return AuditPage(found, encode_cursor(found[-1].seq) if more else None, first=query.cursor is None)

    def verify(self) -> audit.Verification:
        # Read the head first: entries appended while we walk the chain are then simply extra.
        head = self._store.audit_head()
        entries = (e for e in self._store.audit_entries() if e.seq <= head.seq)
        return audit.verify(entries, head)

    @staticmethod
    def as_csv(entries: list[AuditEntry], header: bool = True) -> str:
        """CSV of the entries; pages after the first leave out the header, so the pages of
        one filter concatenate into one file."""
        out = io.StringIO()
        writer = csv.writer(out)
        if header:
            writer.writerow(CSV_COLUMNS)
        for e in entries:
            row = e.model_dump(mode="json")
            writer.writerow([_safe_cell(row[c]) for c in CSV_COLUMNS])
        return out.getvalue()


def _safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in exported text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

