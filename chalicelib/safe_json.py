"""JSON from outside (HTTP bodies, SNS and SQS messages), parsed so that no input can crash us."""
from __future__ import annotations

import json
from typing import Any
from collections.abc import Iterable

# No message Clarion takes nests deeper than a few levels; a deep one is an attack or a mistake.
MAX_DEPTH = 32


class JsonRefused(ValueError):
    """Not JSON, or JSON no Clarion message can be; the message says which."""


def loads(raw: str | bytes) -> Any:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except RecursionError as error:
        raise JsonRefused(f"the JSON is nested more than {MAX_DEPTH} levels deep") from error
    except (UnicodeDecodeError, ValueError) as error:  # ValueError: also a number of over 4,300 digits
        raise JsonRefused(f"not valid JSON: {error}") from error
    if _depth(value) > MAX_DEPTH:
        raise JsonRefused(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return value


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
