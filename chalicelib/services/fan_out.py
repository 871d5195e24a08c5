"""Writing an approved advisory's delivery rows, for up to 1,000 accounts.

The approval commits what makes it binding, atomically: the approval, its content hash and the
accounts owed (`content.channels`, which the hash covers), with the broadcast's audit entries.
The rows (one pending DeliveryRecord per account) follow in transactions of at most 100 items,
written at once (1,000 accounts: ten transactions side by side, not one after another), each row
a conditional create, so writing them again (a retried approval, the sweeper racing a slow one)
only creates what is missing. A crash part-way leaves a broadcasting advisory with
accounts owed but no row: the sweeper (services/operations.py) creates them and queues them, and
an advisory is never finished while a row is missing (services/delivery.py `_complete`).
"""
from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.messages import platform_of
from chalicelib.domain.models import Advisory, DeliveryRecord
from chalicelib.ports import Put, Store

# DynamoDB's TransactWriteItems holds 100 items; the rows are written without audit entries (the
# broadcast's entry, in the binding commit, says how many are owed), so without the chain head.
ROWS_PER_COMMIT = 100
CREATE_ATTEMPTS = 3  # a batch that lost a race is re-read and its missing rows written again
PARALLEL_COMMITS = 10  # the row transactions written at once: all of them, up to 1,000 accounts


def missing(advisory: Advisory, rows: Sequence[DeliveryRecord]) -> list[str]:
    """The accounts the advisory owes a delivery that have no row yet, in the content's order."""
    have = {row.channel_account for row in rows}
    return [account for account in advisory.content.channels if account not in have]


def write_rows(store: Store, advisory: Advisory, accounts: Sequence[str], now: datetime) -> list[str]:
    """Create the pending rows of `accounts` that do not exist yet, in transactions of
    ROWS_PER_COMMIT written at once; returns the accounts whose row this call created. Raises what
    the store raises (a batch that keeps losing races: StaleWrite) once every batch has been tried;
    the rows written stay, and the sweeper does the rest."""
    content_hash = advisory.content_hash()
    accounts = list(dict.fromkeys(accounts))
    batches = [accounts[start:start + ROWS_PER_COMMIT] for start in range(0, len(accounts), ROWS_PER_COMMIT)]
    if len(batches) <= 1:
        return [account for batch in batches for account in _write_batch(store, advisory, batch, content_hash, now)]
    with ThreadPoolExecutor(max_workers=min(PARALLEL_COMMITS, len(batches)), thread_name_prefix="rows") as pool:
        futures = [pool.submit(_write_batch, store, advisory, batch, content_hash, now) for batch in batches]
    created: list[str] = []
    failure: BaseException | None = None
    for future in futures:
        error = future.exception()
        if error is not None:
            failure = failure or error
        else:
            created += future.result()
    if failure is not None:
        raise failure
    return created


def _write_batch(store: Store, advisory: Advisory, batch: list[str], content_hash: str, now: datetime) -> list[str]:
    """One transaction's rows; the accounts whose row it created."""
    for attempt in range(CREATE_ATTEMPTS):
        rows = [DeliveryRecord(advisory_id=advisory.id, channel_account=account, platform=platform_of(account),
                               content_hash=content_hash, queued_at=now) for account in batch]
        if not rows:
            return []
        try:
            store.commit([Put(row, None) for row in rows])
        except StaleWrite:
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            # someone else created some of them (the sweeper, a retried approval): write the rest
            exists = store.load_deliveries([(advisory.id, a) for a in batch]).deliveries
            batch = [a for a in batch if (advisory.id, a) not in exists]
            continue
        return batch
    return []
