"""Making an advisory fit a platform without ever cutting what must be said.

Never cut: the status marker (EXERCISE / TEST), the headline, the instruction, the link, the
required text and Clarion's reference. Optional parts give way in this fixed order:

1. hashtags are dropped;
2. the description is shortened at a word boundary, with an ellipsis;
3. the description is dropped;
4. the area line is dropped.

If the required parts still do not fit one post, platforms with threads (X, Mastodon, Bluesky,
Telegram) get a numbered thread that carries everything, the required text whole within one
part; other platforms get a blocking finding.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from collections.abc import Callable, Sequence

ELLIPSIS = "…"
MIN_DESCRIPTION = 40  # shorter than this, a description says nothing useful: drop it instead


@dataclass(frozen=True)
class Post:
    """The fields one post shows; a template turns it into text."""

    status_marker: str = ""
    msg_label: str = ""
    headline: str = ""
    area: str = ""
    description: str = ""
    instruction: str = ""
    required_text: str = ""
    link: str = ""
    hashtags: tuple[str, ...] = ()
    ref: str = ""
    numbering: str = ""
    continued: bool = False  # a later part of a thread: no headline block
    contact: str = ""        # e-mail only
    language: str = "en-US"

    def as_view(self) -> dict[str, object]:
        return {**self.__dict__, "hashtags": list(self.hashtags)}


@dataclass(frozen=True)
class Limit:
    """A platform limit: `fits(text)` cheaply (estimate) and `exact(text)` for the record."""

    limit: int
    estimate: Callable[[str], int]
    exact: Callable[[str], int]


@dataclass
class Fitted:
    texts: list[str]
    dropped: list[str] = field(default_factory=list)
    blocking: str | None = None


Render = Callable[[Post], str]


def fits(text: str, limits: Sequence[Limit]) -> bool:
    return all(lim.estimate(text) <= lim.limit for lim in limits)


def fits_exactly(text: str, limits: Sequence[Limit]) -> bool:
    return all(lim.exact(text) <= lim.limit for lim in limits)


def fit(post: Post, render: Render, limits: Sequence[Limit], threads: bool) -> Fitted:
    """The post as one text if it can fit, else a thread, else a blocking reason."""
    dropped: list[str] = []
    candidate = post
    text = render(candidate)
    if _ok(text, limits):
        return Fitted([text])
    for name in ("hashtags", "description", "area"):
        if not getattr(candidate, name):
            continue
        if name == "description":
            shortened = _shorten_description(candidate, render, limits)
            if shortened is not None:
                return Fitted([render(shortened)], [*dropped, "description shortened"])
        candidate = _with(candidate, name, () if name == "hashtags" else "")
        dropped.append(name)
        text = render(candidate)
        if _ok(text, limits):
            return Fitted([text], dropped)
    if threads:
        return thread(post, render, limits)
    return Fitted([text], dropped, blocking="the required parts do not fit in one post")


def _ok(text: str, limits: Sequence[Limit]) -> bool:
    return fits(text, limits) or fits_exactly(text, limits)


def _with(post: Post, name: str, value: object) -> Post:
    """`post` with the field called `name` set to `value` (the field is chosen at run time)."""
    change: dict[str, Any] = {name: value}
    return replace(post, **change)


def _shorten_description(post: Post, render: Render, limits: Sequence[Limit]) -> Post | None:
    """The longest word-boundary prefix of the description that fits (binary search on words)."""
    words = post.description.split(" ")
    lo, hi, best = 1, len(words) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        text = " ".join(words[:mid]).rstrip(" ,;:.-–—") + ELLIPSIS
        candidate = replace(post, description=text)
        if len(text) < MIN_DESCRIPTION:
            lo = mid + 1  # too short to be worth keeping: look at longer prefixes
        elif fits(render(candidate), limits):
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


# -- threads ----------------------------------------------------------------------------------------
NUMBERING_RESERVE = "99/99"


def thread(post: Post, render: Render, limits: Sequence[Limit]) -> Fitted:
    """Pack every field into numbered parts, in reading order; only the description may be split."""
    head = Post(status_marker=post.status_marker, msg_label=post.msg_label, headline=post.headline,
                link=post.link, ref=post.ref, numbering=NUMBERING_RESERVE)
    blocks: list[tuple[str, str, bool]] = [
        ("area", post.area, False), ("instruction", post.instruction, False),
        ("description", post.description, True), ("required_text", post.required_text, False),
    ]
    parts: list[Post] = [head]
    for name, text, splittable in blocks:
        if not text:
            continue
        error = _place(parts, name, text, splittable, render, limits)
        if error:
            return Fitted([render(p) for p in parts], blocking=error)
    if post.hashtags:
        with_tags = replace(parts[-1], hashtags=post.hashtags)
        if fits(render(with_tags), limits):
            parts[-1] = with_tags
    if not fits(render(parts[0]), limits):
        return Fitted([render(p) for p in parts], blocking="the headline, link and reference alone do not fit")
    total = len(parts)
    texts = [render(replace(p, numbering=f"{i}/{total}")) for i, p in enumerate(parts, start=1)]
    return Fitted(texts, ["thread"])


def _part(name: str, text: str) -> Post:
    """A later part of a thread that holds one field."""
    field_value: dict[str, Any] = {name: text}  # the field is chosen at run time
    return Post(numbering=NUMBERING_RESERVE, continued=True, **field_value)


def _place(parts: list[Post], name: str, text: str, splittable: bool, render: Render,
           limits: Sequence[Limit]) -> str | None:
    """Add a field to the last part, or to a new part; split the description by words if needed."""
    joined = _with(parts[-1], name, text)
    if fits(render(joined), limits):
        parts[-1] = joined
        return None
    alone = _part(name, text)
    if fits(render(alone), limits):
        parts.append(alone)
        return None
    if not splittable:
        return f"the {name.replace('_', ' ')} alone is longer than one post"
    for chunk in _chunks(text, name, render, limits):
        if chunk is None:
            return f"a single word of the {name} is longer than one post"
        parts.append(_part(name, chunk))
    return None


def _chunks(text: str, name: str, render: Render, limits: Sequence[Limit]) -> list[str | None]:
    """Split at word boundaries into the fewest parts (binary search for each part's last word)."""
    def fits_alone(words: list[str]) -> bool:
        chunk = " ".join(words)
        return fits(render(_part(name, chunk)), limits)

    words, chunks = text.split(" "), []
    while words:
        lo, hi, best = 1, len(words), 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if fits_alone(words[:mid]):
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best == 0:
            return [None]
        chunks.append(" ".join(words[:best]))
        words = words[best:]
    return list(chunks)
