"""Pre-approved templates: `{name}` placeholders in advisory fields, filled from typed parameters.

Filling is plain text substitution in a single pass (a value that itself contains `{x}` is
never expanded again), so parameters can never inject template code.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from collections.abc import Iterator, Mapping, Sequence

from chalicelib.domain.models import (EARLIEST, LATEST, ParameterType, TemplateParameter,
                                      unsafe_character)

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,39})\}")
MAX_DIGITS = 15
# What a person never reviews (a trigger's parameters) must not create links or mentions:
# a scheme or "www." link, a bare domain the platforms autolink (twitter-text's list of TLDs),
# an @account at the start of a word (X, Mastodon, Telegram; Facebook's "@[id]").
SCHEME_LINK = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://|\bwww\.")
MENTION = re.compile(r"(?<![\w.+-])@[\w\[]")
WHOLE_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")


def placeholders_in(value: Any) -> Iterator[str]:
    """Every placeholder name used anywhere in a (nested) template content."""
    if isinstance(value, str):
        yield from PLACEHOLDER.findall(value)
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from placeholders_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from placeholders_in(v)


def fill(value: Any, params: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: params.get(m.group(1), ""), value)
    if isinstance(value, Mapping):
        return {k: fill(v, params) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [fill(v, params) for v in value]
    return value


def sample_value(param: TemplateParameter) -> str:
    """A valid value for the parameter, to check that the template fills into a valid advisory."""
    if param.allowed:
        return param.allowed[0]
    return {ParameterType.STRING: "x", ParameterType.INTEGER: "1",
            ParameterType.DATE: "2030-01-01",
            ParameterType.DATETIME: "2030-01-01T00:00:00+00:00"}[param.type]


def validate_parameters(schema: Sequence[TemplateParameter], given: Mapping[str, Any]
                        ) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The parameters as text ready to fill, and a list of problems naming each bad one."""
    by_name = {p.name: p for p in schema}
    problems = [{"field": name, "problem": "is not a parameter of this template"}
                for name in given if name not in by_name]
    values: dict[str, str] = {}
    for param in schema:
        if given.get(param.name) in (None, ""):
            if param.required:
                problems.append({"field": param.name, "problem": "is required"})
            continue
        text, problem = _coerce(param, given[param.name])
        if problem:
            problems.append({"field": param.name, "problem": problem})
        else:
            values[param.name] = text
    return values, problems


def _coerce(param: TemplateParameter, raw: Any) -> tuple[str, str | None]:
    if param.type is ParameterType.INTEGER:
        # ASCII digits only: str.isdigit() also takes "²" and "፫", which int() then refuses
        if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 10 ** MAX_DIGITS:
            raw = str(raw)
        if not isinstance(raw, str) or not WHOLE_NUMBER.fullmatch(raw.strip()):
            return "", f"must be a whole number of at most {MAX_DIGITS} digits, like 12"
        text = str(int(raw.strip()))
    elif not isinstance(raw, str):
        return "", f"must be a {param.type.value} given as text"
    elif param.type is ParameterType.DATE:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return "", "must be a date like 2026-11-23"
        if not EARLIEST.date() <= day < LATEST.date():
            return "", "must be between 2000-01-01 and 2099-12-31"
        text = day.isoformat()
    elif param.type is ParameterType.DATETIME:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return "", "must be a date and time like 2026-11-23T18:00:00+00:00"
        if parsed.tzinfo is None:
            return "", "must include a time zone offset"
        if not EARLIEST.date() <= parsed.date() < LATEST.date():  # the date as written: no overflow
            return "", "must be between 2000-01-01 and 2099-12-31"
        text = parsed.isoformat()
    else:
        text = raw.strip()
    if param.allowed and text not in param.allowed:
        return "", f"must be one of: {', '.join(param.allowed)}"
    if len(text) > param.max_length:
        return "", f"must be at most {param.max_length} characters"
    problem = unsafe_character(text) or (_link_or_mention(text) if param.type is ParameterType.STRING
                                         and not param.allowed else None)
    if problem:
        return "", problem
    return text, None


def _link_or_mention(text: str) -> str | None:
    from twitter_text import extract_urls  # X's own autolinker: what the platforms would link

    if SCHEME_LINK.search(text) or extract_urls(text):
        return "contains a link; a trigger's parameters are plain text (put links in the template)"
    if MENTION.search(text):
        return "mentions an account (@...); a trigger's parameters cannot notify accounts: write the name without @"
    return None
