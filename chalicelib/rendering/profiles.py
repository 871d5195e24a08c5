"""How a platform's text is rendered: a post fitted to its limits, or a document.

Each platform module (chalicelib/channels/<platform>.py) gives its `PlatformSpec` one of these;
`render.py` reads nothing else about a platform.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from collections.abc import Callable, Sequence

from chalicelib.rendering.fit import Limit

if TYPE_CHECKING:
    from chalicelib.domain.models import Advisory, ChannelAccount, LocalizedText
    from chalicelib.domain.org import OrgSettings
    from chalicelib.domain.screening import Finding
    from chalicelib.rendering.model import Rendering


def unchanged(text: str) -> str:
    return text


def as_is(rendering: Rendering, account: ChannelAccount) -> Rendering:
    return rendering


def needle_as_is(needle: str, rendering: Rendering) -> str:
    return needle


@dataclass(frozen=True)
class PostProfile:
    """A post (or a thread of them) through the platform's template, fitted to its limits."""

    template: str
    unit: str
    limits: Callable[[ChannelAccount], list[Limit]]
    threads: bool = False
    escape: Callable[[str], str] = unchanged   # the platform's markup, so text stays text
    short_link: bool = False   # show a short link text; the full URI goes in `facets`
    # Rich text beside the text: (part, full link, link as shown, hashtags) -> the part's facets.
    facets: Callable[[str, str, str, Sequence[str]], list[dict[str, Any]]] | None = None
    reference: bool = True     # carry Clarion's reference, to find the post again
    # After the template: what the platform's medium asks of the text (e.g. SMS's alphabet).
    finish_text: Callable[[str], str] = unchanged
    # After fitting: platform-specific measures or structure (SMS parts, Slack blocks).
    finish: Callable[[Rendering, ChannelAccount], Rendering] = as_is
    # The required text as it appears once rendered (escaped, then as `finish_text` left it).
    required_as_rendered: Callable[[str, Rendering], str] = needle_as_is
    # How the rendering's size is told when it does not fit (default: the longest part's length).
    measured: Callable[[Rendering], str] | None = None


DocumentRenderer = Callable[["Advisory", "ChannelAccount", "LocalizedText", "OrgSettings"],
                            "tuple[Rendering, list[Finding]]"]


@dataclass(frozen=True)
class DocumentProfile:
    """One document the platform renders itself (e-mail, the banner, the CAP feed)."""

    render: DocumentRenderer
    required_text_whole: bool = True   # check that the required text appears whole


Profile = PostProfile | DocumentProfile


def fixed(limit: int, exact: Callable[[str], int], estimate: Callable[[str], int] | None = None,
          ) -> Callable[[ChannelAccount], list[Limit]]:
    """One limit that does not depend on the account's settings."""
    return lambda account: [Limit(limit, estimate or exact, exact)]
