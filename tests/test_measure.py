"""The fast counters agree with the reference implementations on arbitrary Unicode."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet

from chalicelib.channels import mastodon, x
from chalicelib.rendering import measure as m
from test_rendering import PIECES

unicode_text = st.lists(st.one_of(st.sampled_from([*PIECES, "\n", "  ", "example.org", "a.b", "x.com/y"]),
                                  st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)),
                        max_size=30).map("".join)


@settings(max_examples=1000, deadline=None)
@given(unicode_text)
def test_x_weighted_length_is_parse_tweet(text: str) -> None:
    assert x.weighted_length(text) == parse_tweet(text).weightedLength


@settings(max_examples=300, deadline=None)
@given(unicode_text)
def test_estimates_never_undercount(text: str) -> None:
    assert x.weighted_estimate(text) >= parse_tweet(text).weightedLength
    assert mastodon.status_estimate(text) >= mastodon.status_length(text)


def test_known_weights() -> None:
    assert x.weighted_length("Hello 👩‍👩‍👧 日本 https://example.com/very/long/path") == 37
    assert x.weighted_length("a" * 280) == 280 and x.weighted_length("日" * 140) == 280
    assert mastodon.status_length("see https://example.org/" + "x" * 100) == 4 + 23
    assert m.graphemes("👩‍👩‍👧‍👦🇺🇦é") == 3
