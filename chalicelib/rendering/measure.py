"""Counting text the ways platforms count it, for the fitting engine.

- grapheme clusters (what people see as one character), per line and cached;
- UTF-16 code units (what JavaScript and the Telegram Bot API count; never fewer than code
  points, so a fit here fits there) and UTF-8 bytes.

A platform with its own way of counting (X's weighted length, Mastodon's URLs, SMS parts) keeps
it in its module (chalicelib/channels/<platform>.py), built on these. Each counter has an exact
`measure` and a fast `estimate` that is never lower than it, so the fitting loop can try many
candidates cheaply and measure exactly only what it keeps.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

GRAPHEME = regex.compile(r"\X")
HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)
SINGLE_URL = re.compile(r"https?://\S+", re.IGNORECASE)  # a whole line that is one link
URL_WEIGHT = 23  # what X and Mastodon count for any http(s) URL


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
