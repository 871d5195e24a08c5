"""Counting text the way each platform does, so the sandbox refuses what the platform would."""
from __future__ import annotations

import html
import unicodedata

import regex

# A URL as Mastodon and X count it (scheme required; trailing punctuation is not part of it).
URL_RE = regex.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]")
REMOTE_MENTION_RE = regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w")
HASHTAG_RE = regex.compile(r"(?<![\w#/&])#(\w*[^\W\d_]\w*)")

URL_WEIGHT = 23


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def mastodon_length(text: str) -> int:
    """Mastodon's StatusLengthValidator: every URL counts 23, @user@domain counts as @user."""
    countable = URL_RE.sub("x" * URL_WEIGHT, text)
    countable = REMOTE_MENTION_RE.sub(r"\1", countable)
    return graphemes(countable)


def x_weighted_length(text: str) -> int:
    """twitter-text v3 weighted length (280 max): most CJK and emoji weigh 2, URLs 23."""
    try:
        from twitter_text import parse_tweet  # the library the brief names for X
    except ImportError:  # pragma: no cover - only without the optional package
        return _x_weighted_fallback(text)
    return parse_tweet(text).weightedLength


_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def _x_weighted_fallback(text: str) -> int:
    text = unicodedata.normalize("NFC", URL_RE.sub("x" * URL_WEIGHT, text))
    total = 0
    for cluster in regex.findall(r"\X", text):
        if regex.search(r"\p{Extended_Pictographic}", cluster):
            total += 2
            continue
        total += sum(1 if any(lo <= ord(c) <= hi for lo, hi in _X_LIGHT_RANGES) else 2
                     for c in cluster)
    return total


def mastodon_html(text: str, base_url: str) -> str:
    """Plain text as Mastodon renders a status' `content`: <p> per paragraph, <br /> per line,
    links and hashtags as anchors, everything else escaped."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{_mastodon_line_html(p, base_url)}</p>" for p in paragraphs)


def _mastodon_line_html(paragraph: str, base_url: str) -> str:
    out: list[str] = []
    pos = 0
    for match in URL_RE.finditer(paragraph):
        out.append(_hashtags_html(paragraph[pos:match.start()], base_url))
        url = match.group(0)
        scheme, _, rest = url.partition("://")
        out.append(f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener noreferrer" '
                   f'translate="no"><span class="invisible">{html.escape(scheme)}://</span>'
                   f'<span class="">{html.escape(rest)}</span><span class="invisible"></span></a>')
        pos = match.end()
    out.append(_hashtags_html(paragraph[pos:], base_url))
    return "".join(out).replace("\n", "<br />")


def _hashtags_html(segment: str, base_url: str) -> str:
    escaped = html.escape(segment, quote=False)
    return HASHTAG_RE.sub(
        lambda m: f'<a href="{base_url}/tags/{m.group(1).lower()}" class="mention hashtag" '
                  f'rel="tag">#<span>{m.group(1)}</span></a>', escaped)
