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
from typing import Callable

import regex

GRAPHEME = regex.compile(r"\X")
HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)
URL_LIKE = re.compile(r"\S+\.\S+")
SINGLE_URL = re.compile(r"https?://\S+", re.IGNORECASE)
URL_WEIGHT = 23


def graphemes(text: str) -> int:
    return len(GRAPHEME.findall(text))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


# -- X ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def x_weighted(text: str) -> int:
    from twitter_text import parse_tweet  # the reference implementation; a few ms per call

    return int(parse_tweet(text).weightedLength)


# twitter-text v3: code points in these ranges weigh 1, all others 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_EMOJI_IN_LIGHT = {0xA9, 0xAE}  # © ® are emoji that would otherwise weigh 1


def _light(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _LIGHT)


def x_estimate(text: str) -> int:
    """Never below `x_weighted`, and fast.

    A line that is just a link is measured exactly (cached: templates put the advisory's link
    on a line of its own, and weights add up across lines). Elsewhere every code point counts
    at its full weight, plus 23 for each URL-like token in case twitter-text sees a URL.
    """
    lines = text.split("\n")
    weight = len(lines) - 1
    for line in lines:
        if SINGLE_URL.fullmatch(line):
            weight += x_weighted(line)
            continue
        line = unicodedata.normalize("NFC", line)
        weight += sum(1 if (_light(ord(c)) and ord(c) not in _EMOJI_IN_LIGHT) else 2 for c in line)
        weight += URL_WEIGHT * len(URL_LIKE.findall(line))
    return weight


# -- Mastodon -------------------------------------------------------------------------------------
def mastodon_length(text: str) -> int:
    """Graphemes, each http(s) URL counted as 23 (twitter-text's URL extraction, as Mastodon uses)."""
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


@lru_cache(maxsize=1024)
def _mastodon_line(line: str) -> int:
    return mastodon_length(line)


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
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("^{}\\[~]|€\f")
# Typographic characters with a GSM equivalent, used when they are all that forces UCS-2.
GSM_SUBSTITUTES = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
                   "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...",
                   "\u00a0": " ", "\u2009": " ", "\u202f": " ", "•": "-", "«": '"', "»": '"'}


@dataclass(frozen=True)
class SmsCount:
    encoding: str       # "GSM-7" or "UCS-2"
    units: int          # septets or UTF-16 code units
    segments: int

    @property
    def single_limit(self) -> int:
        return 160 if self.encoding == "GSM-7" else 70


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def gsm_substitute(text: str) -> str:
    """Replace typographic characters by GSM ones, but only if that makes the whole text GSM-7."""
    if is_gsm(text):
        return text
    replaced = "".join(GSM_SUBSTITUTES.get(c, c) for c in text)
    return replaced if is_gsm(replaced) else text


def sms_count(text: str) -> SmsCount:
    if is_gsm(text):
        units = [2 if c in GSM_EXTENSION else 1 for c in text]
        return SmsCount("GSM-7", sum(units), _segments(units, 160, 153))
    units = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return SmsCount("UCS-2", sum(units), _segments(units, 70, 67))


def _segments(units: list[int], single: int, per_part: int) -> int:
    """Parts needed; an escape sequence or surrogate pair is never split across two parts."""
    total = sum(units)
    if total <= single:
        return 1
    parts, used = 1, 0
    for width in units:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
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
