"""Counting text the way each platform counts it.

- X: twitter-text v3 weighted length (`twitter-text-parser`): most CJK and emoji weigh 2,
  every URL 23.
- Mastodon: grapheme clusters, with every http(s) URL counted as 23 (as Mastodon's
  StatusLengthValidator does).
- Bluesky: grapheme clusters (limit 300) and UTF-8 bytes (limit 3000); URLs count in full.
- Telegram, Discord, Slack, Facebook: UTF-16 code units (what their JavaScript and Bot API
  count; never fewer than code points, so a fit here fits there).
- SMS: GSM 03.38 septets (extension characters count 2) or, when any character is outside
  the GSM alphabet, UCS-2 code units (a surrogate pair counts 2); split into parts of 153 / 67.

Each counter has an exact `measure` and a fast `estimate` that is never lower than it, so the
fitting loop can try many candidates cheaply and measure exactly only what it keeps.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Callable

import regex

GRAPHEME = regex.compile(r"\X")
HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)
DOT_THEN_TEXT = re.compile(r"\.[^\s.]")
SINGLE_URL = re.compile(r"https?://\S+", re.IGNORECASE)
URL_WEIGHT = 23


def graphemes(text: str) -> int:
    """Grapheme clusters; counted per line (cached) because renderings repeat most lines."""
    if "\r" in text:  # "\r\n" is one cluster: count the whole text
        return len(GRAPHEME.findall(text))
    lines = text.split("\n")
    return sum(_line_graphemes(line) for line in lines) + len(lines) - 1


@lru_cache(maxsize=16384)
def _line_graphemes(line: str) -> int:
    return len(line) if line.isascii() else len(GRAPHEME.findall(line))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


# -- X ----------------------------------------------------------------------------------------------
def x_weighted(text: str) -> int:
    """twitter-text v3 weighted length, as `twitter_text.parse_tweet` computes it, but fast.

    Weights add up across spaces and newlines (URLs and emoji never span them, and ASCII
    separators weigh 1), so each token is weighed once and cached; parse_tweet (whose emoji
    scan costs milliseconds) only ever sees tokens with non-ASCII characters in them.
    tests/test_measure.py checks this against parse_tweet on arbitrary Unicode.
    """
    if "\r" in text or CONTEXT_SENSITIVE.search(text):
        # parse_tweet rewrites line endings; control and direction characters change whether
        # the next word can start a URL: measure such (rare) text whole
        return _parse_tweet(text)
    tokens = TOKEN_SEPARATOR.split(text)
    return sum(_x_token(t) for t in tokens) + len(tokens) - 1


TOKEN_SEPARATOR = re.compile(r"[ \n]")
CONTEXT_SENSITIVE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@lru_cache(maxsize=16384)
def _x_token(token: str) -> int:
    if not token.isascii():
        return _parse_tweet(token)
    if "." not in token:  # no URL without a dot: every ASCII character weighs 1
        return len(token)
    from twitter_text import extract_urls_with_indices

    spans: list[list[int]] = [u["indices"] for u in extract_urls_with_indices(token)]  # [start, end]
    return len(token) - sum(end - start for start, end in spans) + URL_WEIGHT * len(spans)


def _parse_tweet(text: str) -> int:
    from twitter_text import parse_tweet  # the reference implementation

    return int(parse_tweet(text).weightedLength)


# twitter-text v3: code points in these ranges weigh 1, all others 2; © and ® are emoji (2).
HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]|[\u00a9\u00ae]")


def x_estimate(text: str) -> int:
    """Never below `x_weighted`, and fast (all counting in C).

    A line that is just a link is measured exactly (cached: templates put the advisory's link
    on a line of its own, and weights add up across lines). Elsewhere every code point counts
    at its full weight, plus 23 for every dot followed by text (every URL has one), in case
    twitter-text sees a URL there.
    """
    weight = 0
    for line in text.split("\n"):
        if SINGLE_URL.fullmatch(line):
            weight += _x_token(line)
        else:
            line = unicodedata.normalize("NFC", line)
            weight += len(line) + len(HEAVY.findall(line)) + URL_WEIGHT * len(DOT_THEN_TEXT.findall(line))
    return weight + text.count("\n")


# -- Mastodon -------------------------------------------------------------------------------------
def mastodon_length(text: str) -> int:
    """Graphemes, each http(s) URL counted as 23 (twitter-text's URL extraction, as Mastodon uses).

    URLs never span a newline, so lines are counted separately (and cached).
    """
    if "\r" in text:
        return _mastodon_text(text)
    lines = text.split("\n")
    return sum(_mastodon_line(line) for line in lines) + len(lines) - 1


def _mastodon_text(text: str) -> int:
    if "http" not in text.lower():
        return graphemes(text)
    from twitter_text import extract_urls_with_indices

    urls = [u for u in extract_urls_with_indices(text) if re.match(r"https?://", u["url"], re.I)]
    out, last = [], 0
    for u in urls:
        start, end = u["indices"]
        out.append(text[last:start])
        out.append("x" * URL_WEIGHT)
        last = end
    out.append(text[last:])
    return graphemes("".join(out))


@lru_cache(maxsize=16384)
def _mastodon_line(line: str) -> int:
    return _mastodon_text(line)


def mastodon_estimate(text: str) -> int:
    """Never below `mastodon_length`; a line that is just a link is measured exactly (cached)."""
    lines = text.split("\n")
    total = len(lines) - 1
    for line in lines:
        if SINGLE_URL.fullmatch(line):
            total += _mastodon_line(line)
        else:
            total += graphemes(line) + URL_WEIGHT * len(HTTP_URL.findall(line))
    return total


# -- SMS ------------------------------------------------------------------------------------------------
# Typographic characters with a GSM equivalent, used when they are all that forces UCS-2.
GSM_SUBSTITUTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "•": "-", "…": "...",
    "\u00a0": " ", "\u2009": " ", "\u202f": " "})
GSM_ESCAPE = 0x1B


@dataclass(frozen=True)
class SmsCount:
    encoding: str       # "GSM-7" or "UCS-2"
    units: int          # septets or UTF-16 code units
    segments: int

    @property
    def single_limit(self) -> int:
        return 160 if self.encoding == "GSM-7" else 70


def gsm_encode(text: str) -> bytes | None:
    """GSM 03.38 septets (one byte each, extension characters as escape + byte), or None."""
    import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

    try:
        return text.encode("gsm03.38")
    except UnicodeEncodeError:
        return None


def is_gsm(text: str) -> bool:
    return gsm_encode(text) is not None


def gsm_substitute(text: str) -> str:
    """Replace typographic characters by GSM ones, but only if that makes the whole text GSM-7."""
    if is_gsm(text):
        return text
    replaced = text.translate(GSM_SUBSTITUTES)
    return replaced if is_gsm(replaced) else text


def sms_count(text: str) -> SmsCount:
    septets = gsm_encode(text)
    if septets is not None:
        return SmsCount("GSM-7", len(septets), _parts(septets, 1, 160, 153, _splits_escape))
    units = text.encode("utf-16-be")
    return SmsCount("UCS-2", len(units) // 2, _parts(units, 2, 70, 67, _splits_surrogate))


def _splits_escape(data: bytes, end: int) -> bool:
    return data[end - 1] == GSM_ESCAPE


def _splits_surrogate(data: bytes, end: int) -> bool:
    return 0xD8 <= data[end - 2] <= 0xDB  # the last unit is a high surrogate


def _parts(data: bytes, width: int, single: int, per_part: int, splits: Callable[[bytes, int], bool]) -> int:
    """Parts needed; an escape sequence or a surrogate pair is never split across two parts."""
    size = len(data)
    if size <= single * width:
        return 1
    parts, pos = 0, 0
    while pos < size:
        end = min(pos + per_part * width, size)
        if end < size and splits(data, end):
            end -= width
        parts, pos = parts + 1, end
    return parts


def sms_segments(text: str) -> int:
    return sms_count(text).segments


# -- one table for the fitting engine ----------------------------------------------------------------
@dataclass(frozen=True)
class Counter:
    unit: str
    measure: Callable[[str], int]
    estimate: Callable[[str], int]


COUNTERS: dict[str, Counter] = {
    "x": Counter("weighted characters", x_weighted, x_estimate),
    "mastodon": Counter("graphemes (URLs count 23)", mastodon_length, mastodon_estimate),
    "bluesky": Counter("graphemes", graphemes, graphemes),
    "utf16": Counter("UTF-16 code units", utf16_units, utf16_units),
    "sms": Counter("SMS parts", sms_segments, sms_segments),
}
