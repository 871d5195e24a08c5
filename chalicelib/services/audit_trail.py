"""Reading the audit trail: filter, export as CSV, verify the hash chain."""
from __future__ import annotations

import csv
import io
from typing import Optional

from pydantic import AwareDatetime, BaseModel, Field

from chalicelib.domain import audit
from chalicelib.domain.models import AuditEntry
from chalicelib.ports import Store

CSV_COLUMNS = ("seq", "at", "actor", "action", "advisory_id", "summary", "prev_hash", "hash")


class AuditFilter(BaseModel):
    advisory_id: Optional[str] = Field(default=None, max_length=64)
    actor: Optional[str] = Field(default=None, max_length=128)
    since: Optional[AwareDatetime] = None
    until: Optional[AwareDatetime] = None

    def matches(self, entry: AuditEntry) -> bool:
        return ((self.advisory_id is None or entry.advisory_id == self.advisory_id)
                and (self.actor is None or entry.actor == self.actor)
                and (self.since is None or entry.at >= self.since)
                and (self.until is None or entry.at <= self.until))


class AuditTrail:
    def __init__(self, store: Store) -> None:
        self._store = store

    def entries(self, query: AuditFilter) -> list[AuditEntry]:
        return [e for e in self._store.audit_entries() if query.matches(e)]

    def verify(self) -> audit.Verification:
        # Read the head first: entries appended while we walk the chain are then simply extra.
        head = self._store.audit_head()
        entries = (e for e in self._store.audit_entries() if e.seq <= head.seq)
        return audit.verify(entries, head)

    @staticmethod
    def as_csv(entries: list[AuditEntry]) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            row = e.model_dump(mode="json")
            writer.writerow([_safe_cell(row[c]) for c in CSV_COLUMNS])
        return out.getvalue()


def _safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in exported text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

