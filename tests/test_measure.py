"""The fast counters agree with the reference implementations on arbitrary Unicode."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet

from chalicelib.rendering import measure as m
from test_rendering import PIECES

unicode_text = st.lists(st.one_of(st.sampled_from([*PIECES, "\n", "  ", "example.org", "a.b", "x.com/y"]),
                                  st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)),
                        max_size=30).map("".join)


@settings(max_examples=1000, deadline=None)
@given(unicode_text)
def test_x_weighted_is_parse_tweet(text: str) -> None:
    assert m.x_weighted(text) == parse_tweet(text).weightedLength


@settings(max_examples=300, deadline=None)
@given(unicode_text)
def test_estimates_never_undercount(text: str) -> None:
    assert m.x_estimate(text) >= parse_tweet(text).weightedLength
    assert m.mastodon_estimate(text) >= m.mastodon_length(text)


def test_known_weights() -> None:
    assert m.x_weighted("Hello 👩‍👩‍👧 日本 https://example.com/very/long/path") == 37
    assert m.x_weighted("a" * 280) == 280 and m.x_weighted("日" * 140) == 280
    assert m.mastodon_length("see https://example.org/" + "x" * 100) == 4 + 23
    assert m.graphemes("👩‍👩‍👧‍👦🇺🇦é") == 3
