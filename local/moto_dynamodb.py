"""Make moto's DynamoDB behave like DynamoDB under concurrency, and fast enough to run on.

moto's `transact_write_items` backs up every touched table with `copy.deepcopy` (O(table
size) per transaction) and restores the whole table on failure, which, with several threads,
throws away other writers' committed items, and between check and write lets two conditional
writers both win. Real DynamoDB transactions are atomic and isolated. So for the local stack and
the tests we serialise moto's DynamoDB operations with one lock and roll back only the items a
failed transaction touched. And moto answers a query on a table's key by sorting every item
in the table (O(n log n) per query, as the audit trail grows); DynamoDB reads one partition,
so a key query here looks only at its partition. moto also deep-copies every item a query
matches before serialising it (nothing mutates them on that path), which made a query over one
advisory's 30 deliveries cost as much as ten writes; a query here copies the list, not the items.
Production code is unaffected: this patches moto only.
"""
from __future__ import annotations

import copy
import functools
import threading
import types
from typing import Any, Callable

_LOCK = threading.RLock()
_applied = False

SERIALISED = ("put_item", "update_item", "delete_item", "get_item", "query", "scan",
              "batch_get_item", "batch_write_item", "transact_get_items")


def apply() -> None:
    """Patch moto's DynamoDB backend (idempotent)."""
    global _applied
    if _applied:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    for name in SERIALISED:
        setattr(backend, name, _locked(getattr(backend, name)))
    # Inside moto's transaction, "backing up" a table becomes a no-op; we roll back per item.
    models.copy = types.SimpleNamespace(  # type: ignore[attr-defined]
        deepcopy=lambda value, memo=None: value if isinstance(value, Table) else copy.deepcopy(value, memo),
        copy=copy.copy)
    backend.transact_write_items = _atomic(backend.transact_write_items)
    Table.query = _partition_query(Table.query)
    from moto.dynamodb.models import table as table_module
    from moto.dynamodb.models.dynamo_type import Item

    table_module.copy = types.SimpleNamespace(  # type: ignore[attr-defined]
        deepcopy=lambda value, memo=None: (list(value) if isinstance(value, list) and all(
            isinstance(v, Item) for v in value) else copy.deepcopy(value, memo)),
        copy=copy.copy)
    Table.all_items = _partition_items(Table.all_items)
    _applied = True


_partition = threading.local()


def _partition_query(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")  # moto passes it 8th
        on_key = index_name is None and hash_key is not None
        _partition.key = (self, hash_key) if on_key else None
        try:
            return method(self, hash_key, *args, **kwargs)
        finally:
            _partition.key = None

    return query


def _partition_items(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def all_items(self: Any) -> Any:
        hint = getattr(_partition, "key", None)
        if hint is None or hint[0] is not self or not self.range_key_attr:
            return method(self)
        return sorted(self.items.get(hint[1], {}).values(), key=lambda item: item.range_key)

    return all_items


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def serialised(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    return serialised


def _atomic(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def transact(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        with _LOCK:
            saved = [_snapshot(self, item) for item in transact_items]
            try:
                return method(self, transact_items)
            except Exception:
                for restore in reversed([s for s in saved if s]):
                    restore()
                raise

    return transact


def _snapshot(backend: Any, transact_item: dict[str, Any]) -> Callable[[], None] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    kind, op = next(iter(transact_item.items()))
    try:
        table = backend.get_table(op["TableName"])
        attrs = op.get("Item") or op["Key"]
        hash_value = DynamoType(attrs[table.hash_key_attr])
        range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    except Exception:
        return None  # moto will reject the malformed operation itself
    if range_value is not None:
        before = table.items.get(hash_value, {}).get(range_value)
    else:
        before = table.items.get(hash_value)
    if kind != "Put":  # moto's Put stores a new Item and leaves the old one untouched
        before = copy.deepcopy(before)

    def restore() -> None:
        if range_value is not None:
            bucket = table.items[hash_value]
            if before is None:
                bucket.pop(range_value, None)
            else:
                bucket[range_value] = before
        elif before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before

    return restore
