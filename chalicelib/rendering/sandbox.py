"""Admin-written channel wordings (a template's `renderings`), run in Jinja's sandbox, bounded.

An admin may give a pre-approved template its own wording for a platform, e.g. a terser SMS.
That source is template code written by a person, so it runs in an ImmutableSandboxedEnvironment
with StrictUndefined: it sees only the `post` fields, and any reach for Python internals
(`__class__`, `mro`, ...) is refused with a clear error instead of running.

The sandbox keeps code away from internals but not from using time and memory
(`{{ 'x' * 10**8 }}`, nested `range()` loops). So every render is bounded:
- output: at most MAX_OUTPUT characters, counted while the template streams;
- time: at most MAX_SECONDS, checked on every line the compiled template runs (a trace
  function on this thread only, active only inside template code);
- memory: no single operation may build something large before the output check sees it —
  `*`, `**`, `+` and `%` are intercepted and sized first, calls and filters refuse numbers
  above MAX_NUMBER, `range` yields at most MAX_RANGE items, and only the string methods
  and filters that cannot amplify their input are available.
"""
from __future__ import annotations

import functools
import re
import sys
import time
from functools import lru_cache
from types import FrameType
from typing import Any
from collections.abc import Callable, Iterator

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 64 * 1024
MAX_SECONDS = 1.0
MAX_NUMBER = 10_000
MAX_RANGE = 1_000
MAX_POWER = 64

# Filters that a wording needs and that cannot turn a small input into a large output
# (`replace` and `join` are sized before they run).
FILTERS = ("abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join",
           "last", "length", "list", "lower", "max", "min", "replace", "reverse", "round", "sort",
           "string", "striptags", "title", "trim", "truncate", "upper", "wordcount")
STRING_METHODS = frozenset({"capitalize", "casefold", "count", "endswith", "find", "isdigit", "lower", "lstrip",
                            "rfind", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "title",
                            "upper"})
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(\*|\d{4,})|%[-#0 +]*\d*\.(\*|\d{4,})")


class CustomTemplateError(ValueError):
    """An admin-written template that does not compile or render; the message says why."""


class RenderBudgetExceeded(CustomTemplateError):
    """The wording used more time or built more text than a wording may."""


def _refuse(reason: str) -> RenderBudgetExceeded:
    return RenderBudgetExceeded(f"the template {reason}")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise _refuse(f"uses the number {value if value < 10 ** 12 else 'that large'}; "
                      f"numbers in calls and filters are at most {MAX_NUMBER}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
        sized = max(_size(left), _size(right))
        if counts and sized and sized * max(counts) > MAX_OUTPUT:
            raise _refuse(f"would build {sized * max(counts)} characters; a wording is at most {MAX_OUTPUT}")
    elif operator == "**":
        if isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise _refuse(f"raises to the power {right}; powers are at most {MAX_POWER}")
    elif operator == "+":
        if _size(left) + _size(right) > MAX_OUTPUT:
            raise _refuse(f"would build more than {MAX_OUTPUT} characters")
    elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
        raise _refuse("formats with a width or precision above 999")


def _check_result(value: Any) -> Any:
    if _size(value) > MAX_OUTPUT:
        raise _refuse(f"built {_size(value)} items; a wording is at most {MAX_OUTPUT}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        raise _refuse("built a number too large to show")
    return value


def _bounded_range(*args: int) -> Iterator[int]:
    for value in args:
        _check_number(value)
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _refuse(f"asks for range of {len(numbers)} items; a range is at most {MAX_RANGE}")
    return iter(numbers)


def _join_size(items: Any, separator: str = "", attribute: Any = None) -> int:
    values = list(items)
    return sum(len(str(v)) for v in values) + len(separator) * max(len(values) - 1, 0)


def _sized_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses huge numbers, sizes `replace` and `join` before running, and
    checks what it returns."""

    @functools.wraps(original)  # keeps jinja_pass_arg, so context-taking filters still work
    def guarded(*args: Any, **kwargs: Any) -> Any:
        plain = [a for a in args if not hasattr(a, "environment")]  # skip a passed context
        for value in (*plain, *kwargs.values()):
            _check_number(value)
        if name == "replace" and len(plain) >= 3:
            text, old, new = str(plain[0]), str(plain[1]), str(plain[2])
            hits = len(text) + 1 if old == "" else text.count(old)
            if len(text) + hits * (len(new) - len(old)) > MAX_OUTPUT:
                raise _refuse(f"replace would build more than {MAX_OUTPUT} characters")
        if name == "join" and len(plain) >= 2 and _join_size(plain[1], *[str(a) for a in plain[2:3]]) > MAX_OUTPUT:
            raise _refuse(f"join would build more than {MAX_OUTPUT} characters")
        return _check_result(original(*args, **kwargs))

    return guarded


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _check_result(super().call_binop(context, operator, left, right))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in STRING_METHODS:
            return False  # format, center, ljust, replace, join, zfill, expandtabs...: amplifiers
        return bool(super().is_safe_attribute(obj, attr, value))

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format takes widths ("{:>999999999}"): refused like the other amplifiers

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check_number(value)
        return _check_result(super().call(__context, __obj, *args, **kwargs))


@lru_cache(maxsize=1)
def sandbox() -> BoundedSandbox:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=False, auto_reload=False)
    environment.filters = {name: _sized_filter(name, environment.filters[name]) for name in FILTERS}
    environment.globals = {"range": _bounded_range, "dict": dict}
    return environment


@lru_cache(maxsize=256)
def _compiled(source: str) -> Any:
    try:
        return sandbox().from_string(source)
    except TemplateError as error:
        raise CustomTemplateError(f"the template does not compile: {error}") from error


class _Deadline:
    """A trace function that stops template code once its time is up. It traces only frames
    of compiled templates, so the filters and Python it calls run at full speed."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if frame.f_code.co_filename != "<template>":
            return None
        return self._line

    def _line(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if time.monotonic() > self.ends:
            raise _refuse(f"ran longer than {MAX_SECONDS:g} s")
        return self._line


def render_custom(source: str, view: dict[str, Any]) -> str:
    """The wording rendered within the budget, or a CustomTemplateError saying what it broke."""
    template = _compiled(source)
    previous = sys.gettrace()
    sys.settrace(_Deadline(MAX_SECONDS))
    try:
        pieces, size = [], 0
        for piece in template.generate(post=view):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise _refuse(f"wrote more than {MAX_OUTPUT} characters")
            pieces.append(piece)
        return "".join(pieces)
    except CustomTemplateError:
        raise
    except TemplateError as error:  # SecurityError and UndefinedError are TemplateErrors
        raise CustomTemplateError(f"the template failed: {error}") from error
    except Exception as error:  # e.g. a ZeroDivisionError in admin code: still never a crash
        raise CustomTemplateError(f"the template failed: {type(error).__name__}: {error}") from error
    finally:
        sys.settrace(previous)
