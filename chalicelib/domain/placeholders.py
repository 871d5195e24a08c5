"""Pre-approved templates: `{name}` placeholders in advisory fields, filled from typed parameters.

Filling is plain text substitution in a single pass (a value that itself contains `{x}` is
never expanded again), so parameters can never inject template code.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterator, Mapping, Sequence

from chalicelib.domain.models import ParameterType, TemplateParameter

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,39})\}")


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
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).lstrip("-").isdigit():
            return "", "must be a whole number"
        text = str(int(raw))
    elif not isinstance(raw, str):
        return "", f"must be a {param.type.value} given as text"
    elif param.type is ParameterType.DATE:
        try:
            text = date.fromisoformat(raw).isoformat()
        except ValueError:
            return "", "must be a date like 2026-11-23"
    elif param.type is ParameterType.DATETIME:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return "", "must be a date and time like 2026-11-23T18:00:00+00:00"
        if parsed.tzinfo is None:
            return "", "must include a time zone offset"
        text = parsed.isoformat()
    else:
        text = raw.strip()
    if param.allowed and text not in param.allowed:
        return "", f"must be one of: {', '.join(param.allowed)}"
    if len(text) > param.max_length:
        return "", f"must be at most {param.max_length} characters"
    if any(ord(c) < 32 for c in text):
        return "", "must not contain control characters"
    return text, None
