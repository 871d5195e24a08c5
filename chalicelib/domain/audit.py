"""The tamper-evident audit trail: many small hash chains, checkpointed by signed digests.

There is no global chain and so no global head every writer must update. Each entry is on one
chain (`AuditEntry.chain`), named after the item its commit writes first (`ADV#<id>/ADV`,
`ADV#<id>/DLV#<account>`, `USER#<id>/USER`, ...), or, for a commit that writes no item, one of
SYSTEM_SHARDS system chains. Writers that would conflict on a chain head already conflict on the
item itself, so the trail adds no contention of its own.

Within a chain each entry's hash covers its chain, its gap-free sequence number, its fields and
the previous entry's hash, so a modified, deleted, inserted or reordered entry breaks the chain at
a point `verify_chain` can name; the chain's head (last seq and hash) is stored apart from the
entries, so deleting the newest entries is caught too.

A table writer can still re-hash a chain consistently, roll a head back over deleted entries, or
delete a chain with its head. Against that, a digest job periodically signs every chain head with a
KMS asymmetric key and writes the digest to write-once storage (S3 Object Lock, compliance mode):
each digest is a checkpoint `verify_chain` holds the table to (see `Digest`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib.domain.models import AuditEntry, AuditEvent, canonical_json

GENESIS_HASH = "0" * 64
# Each digest signs the heads written since the one before it, less this: the heads index is
# eventually consistent and Lambdas' clocks differ a little.
DIGEST_OVERLAP = timedelta(minutes=5)
# Once a day the digest run whose schedule falls in this hour's first quarter (UTC) also verifies
# the whole trail, which the quick check (from the newest digest on) cannot.
FULL_CHECK_HOUR = 3
SYSTEM_SHARDS = 16


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


EMPTY_CHAIN = ChainHead(seq=0, hash=GENESIS_HASH)


def system_chain(n: int) -> str:
    """One of the chains for commits that write no item (e.g. a refusal recorded on its own)."""
    return f"SYS#{n % SYSTEM_SHARDS:02d}"


def entry_hash(seq: int, prev_hash: str, event: AuditEvent, chain: str = "") -> str:
    body = {"seq": seq, "prev_hash": prev_hash, "chain": chain, **event.model_dump(mode="json")}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def event_of(entry: AuditEntry) -> AuditEvent:
    return AuditEvent(actor=entry.actor, action=entry.action, advisory_id=entry.advisory_id,
                      summary=entry.summary, at=entry.at)


def link(head: ChainHead, event: AuditEvent, chain: str = "") -> AuditEntry:
    """The entry that extends the chain `chain` ending at `head`."""
    seq = head.seq + 1
    fields = AuditEvent.model_validate(event.model_dump())
    return AuditEntry(**fields.model_dump(), seq=seq, prev_hash=head.hash, chain=chain,
                      hash=entry_hash(seq, head.hash, fields, chain))


def position(entry: AuditEntry) -> str:
    """Where an entry sorts in the whole trail: by time, then chain and seq (text order = time order)."""
    moment = entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{moment}#{entry.chain}#{entry.seq:012d}"


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None
    chain: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"intact": self.intact, "entries": self.entries}
        if not self.intact:
            out.update(first_broken_seq=self.first_broken_seq, problem=self.problem, chain=self.chain)
        return out


def verify(entries: Iterable[AuditEntry], head: ChainHead, chain: str | None = None,
           start: ChainHead = EMPTY_CHAIN) -> Verification:
    """Walk one chain in seq order and name the first entry that does not fit. `chain`: the
    chain's name (None: the first entry's); `start`: the entry before the first given (a signed
    checkpoint), the chain's beginning by default."""
    expected = start
    count = 0
    for entry in entries:
        chain = entry.chain if chain is None else chain
        count += 1
        seq = expected.seq + 1
        if entry.seq != seq:
            return Verification(False, count, seq,
                                f"entry {seq} is missing (found {entry.seq} in its place)", chain)
        if entry.prev_hash != expected.hash or entry.chain != chain:
            return Verification(False, count, seq,
                                f"entry {seq} does not follow entry {seq - 1} (reordered or replaced)", chain)
        if entry_hash(seq, entry.prev_hash, event_of(entry), entry.chain) != entry.hash:
            return Verification(False, count, seq, f"entry {seq} was modified", chain)
        expected = ChainHead(seq, entry.hash)
    if expected.seq < head.seq or (expected.seq == head.seq and expected != head):
        return Verification(False, count, expected.seq + 1,
                            f"the chain ends at entry {expected.seq} but the head records entry "
                            f"{head.seq}: later entries were deleted", chain)
    return Verification(True, count, chain=chain)


def verify_since(chain: str, checkpoint: Checkpoint, entries: Sequence[AuditEntry],
                 head: ChainHead | None) -> Verification:
    """One chain from its newest signed checkpoint on: `entries` are the checkpointed entry and
    those after it, in seq order. The checkpoint is trusted (its digest is signed), so the entries
    before it are not read: a rewrite of them is caught by a full verify, not here. Names a deleted
    head or chain, a head rolled back below the checkpoint, a truncated chain, the checkpointed entry
    rewritten, and any entry after it that breaks the chain."""
    signed = checkpoint.head
    count = len(entries)
    if head is None:
        what = "chain" if not entries else "head of chain"
        return Verification(False, count, signed.seq, f"the {what} {chain} was deleted: the signed digest "
                            f"{checkpoint.digest} records entry {signed.seq}", chain)
    if head.seq < signed.seq:
        return Verification(False, count, head.seq + 1,
                            f"the head of chain {chain} was rolled back to entry {head.seq}: the signed digest "
                            f"{checkpoint.digest} records entry {signed.seq}", chain)
    first = entries[0] if entries else None
    if first is None or first.seq != signed.seq:
        return Verification(False, count, signed.seq, f"chain {chain} was truncated: the signed digest "
                            f"{checkpoint.digest} records entry {signed.seq}", chain)
    if first.hash != signed.hash or entry_hash(first.seq, first.prev_hash, event_of(first), chain) != first.hash:
        return Verification(False, count, signed.seq, f"chain {chain} was rewritten: entry {signed.seq} does not "
                            f"match the signed digest {checkpoint.digest}", chain)
    result = verify(entries[1:], head, chain, start=signed)
    return Verification(result.intact, count, result.first_broken_seq, result.problem, chain)


# -- signed digests ------------------------------------------------------------------------------
def full_check_due(scheduled_at: str) -> bool:
    """Whether the digest run scheduled at this time (the event's ISO time) carries the nightly
    full verify: runs are 15 minutes apart, so one a day falls in the window. A time that does
    not parse is not due (the quick checks and the next night's run go on)."""
    try:
        at = datetime.fromisoformat(scheduled_at.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, AttributeError):
        return False
    return at.hour == FULL_CHECK_HOUR and at.minute < 15


@dataclass(frozen=True)
class Digest:
    """Every chain head at `at`, and the hash of the digest before it (a chain of digests).
    Signed by the digest job's KMS key and stored write-once; `name` is its object key."""

    at: datetime
    heads: Mapping[str, ChainHead]
    previous: str = GENESIS_HASH
    name: str = ""

    def body(self) -> bytes:
        return canonical_json({
            "at": self.at.astimezone(UTC).isoformat(), "previous": self.previous,
            "heads": {c: {"seq": h.seq, "hash": h.hash} for c, h in sorted(self.heads.items())},
        }).encode()

    def digest_hash(self) -> str:
        return hashlib.sha256(self.body()).hexdigest()

    @staticmethod
    def parse(body: bytes, name: str = "") -> Digest:
        import json

        doc = json.loads(body)
        return Digest(at=datetime.fromisoformat(doc["at"]), previous=doc["previous"], name=name,
                      heads={c: ChainHead(int(h["seq"]), str(h["hash"])) for c, h in doc["heads"].items()})


@dataclass(frozen=True)
class Checkpoint:
    """A chain's head as a signed digest recorded it."""

    digest: str
    head: ChainHead


@dataclass
class Checkpoints:
    by_chain: dict[str, list[Checkpoint]] = field(default_factory=dict)

    @staticmethod
    def of(digests: Sequence[Digest]) -> Checkpoints:
        out = Checkpoints()
        for digest in digests:
            for chain, head in digest.heads.items():
                out.by_chain.setdefault(chain, []).append(Checkpoint(digest.name, head))
        return out


def verify_chain(chain: str, entries: Sequence[AuditEntry], head: ChainHead | None,
                 checkpoints: Sequence[Checkpoint] = ()) -> Verification:
    """One chain (entries in seq order) against its stored head (None: no head item) and the
    signed digests' checkpoints of it. Names, in this order: a deleted chain, a deleted head, a
    head rolled back below a signed checkpoint, an entry that breaks the chain, and a consistent
    rewrite (the chain disagrees with a signed checkpoint)."""
    latest = max(checkpoints, key=lambda c: c.head.seq, default=None)
    count = len(entries)
    if not entries and latest is not None and latest.head.seq > 0:
        return Verification(False, 0, 1, f"chain {chain} was deleted: the signed digest {latest.digest} "
                            f"records {latest.head.seq} entries", chain)
    if head is None:
        if not entries:
            return Verification(True, 0, chain=chain)
        return Verification(False, count, entries[-1].seq + 1,
                            f"the head of chain {chain} was deleted (the chain has {count} entries)", chain)
    if latest is not None and head.seq < latest.head.seq:
        return Verification(False, count, head.seq + 1,
                            f"the head of chain {chain} was rolled back to entry {head.seq}: the signed digest "
                            f"{latest.digest} records entry {latest.head.seq}", chain)
    result = verify(entries, head, chain)
    if not result.intact:
        return result
    by_seq = {e.seq: e for e in entries}
    for checkpoint in sorted(checkpoints, key=lambda c: c.head.seq):
        entry = by_seq.get(checkpoint.head.seq)
        if checkpoint.head.seq == 0:
            continue
        if entry is None:
            return Verification(False, count, checkpoint.head.seq,
                                f"chain {chain} was truncated: the signed digest {checkpoint.digest} records "
                                f"entry {checkpoint.head.seq}", chain)
        if entry.hash != checkpoint.head.hash:
            return Verification(False, count, checkpoint.head.seq,
                                f"chain {chain} was rewritten: entry {checkpoint.head.seq} does not match the "
                                f"signed digest {checkpoint.digest}", chain)
    return Verification(True, count, chain=chain)
