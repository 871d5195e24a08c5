"""Admin-written channel wordings (a template's `renderings`), run in Jinja's sandbox.

An admin may give a pre-approved template its own wording for a platform, e.g. a terser SMS.
That source is template code written by a person, so it runs in a SandboxedEnvironment with
StrictUndefined: it sees only the `post` fields, and any reach for Python internals
(`__class__`, `mro`, ...) is refused with a clear error instead of running.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment


class CustomTemplateError(ValueError):
    """An admin-written template that does not compile or render; the message says why."""


@lru_cache(maxsize=1)
def sandbox() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, auto_reload=False)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Any:
    try:
        return sandbox().from_string(source)
    except TemplateError as error:
        raise CustomTemplateError(f"the template does not compile: {error}") from error


def render_custom(source: str, view: dict[str, Any]) -> str:
    try:
        return str(_compiled(source).render(post=view))
    except CustomTemplateError:
        raise
    except TemplateError as error:  # SecurityError and UndefinedError are TemplateErrors
        raise CustomTemplateError(f"the template failed: {error}") from error
    except Exception as error:  # e.g. a ZeroDivisionError in admin code: still never a crash
        raise CustomTemplateError(f"the template failed: {type(error).__name__}: {error}") from error
