"""Writing an approved advisory's delivery rows, for up to 1,000 accounts.

The approval commits what makes it binding, atomically: the approval, its content hash and the
accounts owed (`content.channels`, which the hash covers), with the broadcast's audit entries.
The rows (one pending DeliveryRecord per account) follow in transactions of at most 100 items,
each row a conditional create, so writing them again (a retried approval, the sweeper racing a
slow one) only creates what is missing. A crash part-way leaves a broadcasting advisory with
accounts owed but no row: the sweeper (services/operations.py) creates them and queues them, and
an advisory is never finished while a row is missing (services/delivery.py `_complete`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.messages import platform_of
from chalicelib.domain.models import Advisory, DeliveryRecord
from chalicelib.ports import Put, Store

# DynamoDB's TransactWriteItems holds 100 items; the rows are written without audit entries (the
# broadcast's entry, in the binding commit, says how many are owed), so without the chain head.
ROWS_PER_COMMIT = 100
CREATE_ATTEMPTS = 3  # a batch that lost a race is re-read and its missing rows written again


def missing(advisory: Advisory, rows: Sequence[DeliveryRecord]) -> list[str]:
    """The accounts the advisory owes a delivery that have no row yet, in the content's order."""
    have = {row.channel_account for row in rows}
    return [account for account in advisory.content.channels if account not in have]


def write_rows(store: Store, advisory: Advisory, accounts: Sequence[str], now: datetime) -> list[str]:
    """Create the pending rows of `accounts` that do not exist yet, ROWS_PER_COMMIT at a time;
    returns the accounts whose row this call created. Raises what the store raises (a batch that
    keeps losing races: StaleWrite); the rows already written stay, and the sweeper does the rest."""
    content_hash = advisory.content_hash()
    created: list[str] = []
    accounts = list(dict.fromkeys(accounts))
    for start in range(0, len(accounts), ROWS_PER_COMMIT):
        batch = accounts[start:start + ROWS_PER_COMMIT]
        for attempt in range(CREATE_ATTEMPTS):
            rows = [DeliveryRecord(advisory_id=advisory.id, channel_account=account, platform=platform_of(account),
                                   content_hash=content_hash, queued_at=now) for account in batch]
            if not rows:
                break
            try:
                store.commit([Put(row, None) for row in rows])
            except StaleWrite:
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
                # someone else created some of them (the sweeper, a retried approval): write the rest
                exists = store.load_deliveries([(advisory.id, a) for a in batch]).deliveries
                batch = [a for a in batch if (advisory.id, a) not in exists]
                continue
            created += batch
            break
    return created
