"""What every renderer shares: the Jinja2 environment, the post's fields in one language, and
Clarion's reference. Platform modules build their renderings from these."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from collections.abc import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from chalicelib.domain.models import Advisory, LocalizedText, MsgType
from chalicelib.rendering.fit import Post

TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "templates")
ESCAPED_SUFFIXES = (".html.j2", ".xml.j2", ".atom.j2")
MSG_LABELS = {MsgType.ALERT: "", MsgType.UPDATE: "UPDATE", MsgType.CANCEL: "ALL CLEAR"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined,
                       autoescape=lambda name: name is not None and name.endswith(ESCAPED_SUFFIXES),
                       auto_reload=False)


def clarion_ref(advisory_id: str) -> str:
    """The short reference Clarion puts in each post, to find it again."""
    return "Ref CL-" + advisory_id.split("_")[-1][:8].upper()


def tidy(text: str) -> str:
    """Trailing spaces go and empty paragraphs collapse."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def localized(advisory: Advisory, language: str) -> LocalizedText | None:
    """The advisory's text in `language` (exact tag first, then the same primary language)."""
    content = advisory.content
    texts: dict[str, LocalizedText] = {content.language: content, **content.translations}
    if language in texts:
        return texts[language]
    primary = language.split("-")[0].lower()
    return next((t for tag, t in texts.items() if tag.split("-")[0].lower() == primary), None)


def post_for(advisory: Advisory, text: LocalizedText, escape: Callable[[str], str] | None = None) -> Post:
    esc = escape or (lambda s: s)
    content = advisory.content
    return Post(
        status_marker=content.status.value.upper() if content.status.is_drill else "",
        msg_label=MSG_LABELS[advisory.msg_type],
        headline=esc(text.headline), area=esc(content.area_desc or ""),
        description=esc(text.description), instruction=esc(text.instruction),
        required_text=esc(text.required_text), link=str(content.web) if content.web else "",
        hashtags=tuple(content.hashtags), ref=clarion_ref(advisory.id),
        contact=esc(content.contact or ""), language=content.language)
