"""The tamper-evident audit trail: a hash chain over every entry.

Each entry's hash covers its own fields and the previous entry's hash, and entries carry a
gap-free sequence number, so a modified, deleted, inserted or reordered entry breaks the chain
at a point `verify` can name. The chain head (last seq and hash) is stored apart from the
entries, so deleting the newest entries is caught too.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from collections.abc import Iterable

from chalicelib.domain.models import AuditEntry, AuditEvent, canonical_json

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


EMPTY_CHAIN = ChainHead(seq=0, hash=GENESIS_HASH)


def entry_hash(seq: int, prev_hash: str, event: AuditEvent) -> str:
    body = {"seq": seq, "prev_hash": prev_hash, **event.model_dump(mode="json")}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def link(head: ChainHead, event: AuditEvent) -> AuditEntry:
    """The entry that extends the chain ending at `head`."""
    seq = head.seq + 1
    fields = AuditEvent.model_validate(event.model_dump())
    return AuditEntry(**fields.model_dump(), seq=seq, prev_hash=head.hash,
                      hash=entry_hash(seq, head.hash, fields))


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"intact": self.intact, "entries": self.entries}
        if not self.intact:
            out.update(first_broken_seq=self.first_broken_seq, problem=self.problem)
        return out


def verify(entries: Iterable[AuditEntry], head: ChainHead) -> Verification:
    """Walk the chain in stored order and name the first entry that does not fit."""
    expected = EMPTY_CHAIN
    count = 0
    for entry in entries:
        count += 1
        seq = expected.seq + 1
        if entry.seq != seq:
            return Verification(False, count, seq,
                                f"entry {seq} is missing (found {entry.seq} in its place)")
        if entry.prev_hash != expected.hash:
            return Verification(False, count, seq,
                                f"entry {seq} does not follow entry {seq - 1} (reordered or replaced)")
        event = AuditEvent(actor=entry.actor, action=entry.action, advisory_id=entry.advisory_id,
                           summary=entry.summary, at=entry.at)
        if entry_hash(seq, entry.prev_hash, event) != entry.hash:
            return Verification(False, count, seq, f"entry {seq} was modified")
        expected = ChainHead(seq, entry.hash)
    if expected != head:
        return Verification(False, count, expected.seq + 1,
                            f"the chain ends at entry {expected.seq} but the head records entry "
                            f"{head.seq}: later entries were deleted")
    return Verification(True, count)
