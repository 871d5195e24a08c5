"""The digest job: every few minutes, sign the audit chain heads that moved and store them
write-once (the way CloudTrail's digest files anchor its logs).

Each digest holds the heads written since the previous digest (with a margin for index lag and
clock skew) and the hash of the previous digest, so the digests are themselves a chain: the one
global chain, appended at one entry per run, never by a request. `AuditTrail.verify` holds every
chain to the newest signed checkpoint of it: a rewritten, rolled back, truncated or deleted chain,
or a deleted head, no longer matches what was signed.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from chalicelib.domain import audit
from chalicelib.ports import Clock, DigestArchive, DigestSigner, Store

OVERLAP = audit.DIGEST_OVERLAP  # heads written this long before the previous digest are signed again
ALARM_SUBJECT = "Clarion audit trail integrity alarm"
log = logging.getLogger("clarion.audit")


class AuditDigester:
    def __init__(self, store: Store, archive: DigestArchive, signer: DigestSigner, clock: Clock,
                 alarm: Callable[[str, str], None] | None = None) -> None:
        self._store, self._archive, self._signer, self._clock = store, archive, signer, clock
        self._alarm = alarm

    def run(self) -> audit.Digest:
        names = self._archive.names()
        previous_hash, since, signed = audit.GENESIS_HASH, None, audit.Checkpoints()
        if names:
            body, signature = self._archive.get(names[-1])
            if not self._signer.verify(body, signature):
                self._raise(f"the newest audit digest {names[-1]} is not signed by the audit key")
            last = audit.Digest.parse(body, names[-1])
            previous_hash, since = hashlib.sha256(body).hexdigest(), last.at - OVERLAP
            signed = audit.Checkpoints.of([last])
        heads = self._store.audit_heads(changed_since=since)
        for chain, checkpoints in signed.by_chain.items():  # a head signed last time went back?
            head = heads.get(chain) or self._store.audit_head(chain)
            old = checkpoints[-1].head
            if head is None or head.seq < old.seq:
                self._raise(f"the head of audit chain {chain} is {'missing' if head is None else f'at {head.seq}'}"
                            f" but the digest {checkpoints[-1].digest} signed entry {old.seq}")
        now = self._clock.now()
        name = now.strftime("%Y/%m/%d/%Y-%m-%dT%H-%M-%S.%fZ.json")
        digest = audit.Digest(at=now, heads=heads, previous=previous_hash, name=name)
        body = digest.body()
        self._archive.put(name, body, self._signer.sign(body), self._signer.key_id)
        log.info("audit digest signed", extra={"digest": name, "chains": len(heads)})
        return digest

    def _raise(self, message: str) -> None:
        log.error("audit integrity alarm", extra={"problem": message})
        if self._alarm is not None:
            self._alarm(ALARM_SUBJECT, message)
