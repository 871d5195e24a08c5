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

Two more costs are moto's own, not DynamoDB's, and made the local stack's CPU the limit of the
delivery benchmark: moto parses a condition expression three times per transaction item (here a
parse is remembered by its text, names and values: the parse is a pure function of them), and
it walks the API's output shape to re-serialise every response (~1.5 ms per item returned, so a
30-item BatchGetItem cost 50 ms). DynamoDB's protocol is JSON and moto's data operations already
build their response in the wire's shape, so those are written with `json.dumps`; a test checks
both serialisers give the same JSON.
Production code is unaffected: this patches moto only.
"""
from __future__ import annotations

import copy
import functools
import json
import threading
import types
from typing import Any
from collections.abc import Callable

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
    _remember_condition_parses()
    _serialise_data_operations_as_json()
    _applied = True


# Data operations whose moto result is already DynamoDB's JSON response.
JSON_AS_IS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                        "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})
_PARSE_CACHE_SIZE = 4096
_as_is = threading.local()  # as_moto_serialises() turns the shortcut off, for the tests


class as_moto_serialises:
    """Within this block, this thread's DynamoDB responses go through moto's own serialiser."""

    def __enter__(self) -> None:
        _as_is.off = True

    def __exit__(self, *_: object) -> None:
        _as_is.off = False


def _remember_condition_parses() -> None:
    from moto.dynamodb.comparisons import ConditionExpressionParser

    original = ConditionExpressionParser.parse
    cache: dict[tuple[Any, ...], tuple[Any, list[str], list[str]]] = {}
    cache_lock = threading.Lock()

    @functools.wraps(original)
    def parse(self: Any) -> Any:
        try:
            key = (self.condition_expression, json.dumps(self.expression_attribute_names, sort_keys=True),
                   json.dumps(self.expression_attribute_values, sort_keys=True))
        except TypeError:  # not JSON (binary values): parse it every time
            return original(self)
        with cache_lock:
            hit = cache.get(key)
        if hit is None:
            tree = original(self)  # an invalid expression raises and is not remembered
            hit = (tree, list(self.expr_attr_names_found), list(self.expr_attr_values_found))
            with cache_lock:
                if len(cache) >= _PARSE_CACHE_SIZE:
                    cache.clear()
                cache[key] = hit
        tree, self.expr_attr_names_found, self.expr_attr_values_found = hit[0], list(hit[1]), list(hit[2])
        return tree

    ConditionExpressionParser.parse = parse  # type: ignore[method-assign]


def _serialise_data_operations_as_json() -> None:
    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoHandler, DynamoResult

    original = DynamoHandler.serialized
    plain = (ActionResult, DynamoResult)  # not a paginated or empty result

    @functools.wraps(original)
    def serialized(self: Any, action_result: Any) -> Any:
        result = action_result.result
        if getattr(_as_is, "off", False) or type(action_result) not in plain or not isinstance(result, dict) \
                or self._get_action() not in JSON_AS_IS:
            return original(self, action_result)
        try:
            body = json.dumps(_without_none(result))
        except (TypeError, ValueError):
            return original(self, action_result)
        status, headers, _ = original(self, ActionResult({}))  # this operation's status and headers
        return status, headers, body

    DynamoHandler.serialized = serialized  # type: ignore[method-assign]


def _without_none(value: Any) -> Any:
    """moto's serialiser leaves out members that are None; so does this."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


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
