"""Renderings always fit, by each platform's own count, and never cut what must be said."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, UTC
from html.parser import HTMLParser
from typing import Any

import capvalidator
import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet

from chalicelib.domain.models import Advisory, AdvisoryContent, AdvisoryState, Approval, ChannelAccount, MsgType
from chalicelib.rendering import measure as m
from chalicelib.rendering.cap import atom_feed, cap_xml
from chalicelib.channels import mastodon, sms
from chalicelib.channels.owned import banner_data, banner_html
from chalicelib.rendering.render import render_for
from chalicelib.seed import LOCAL_CHANNELS
from chalicelib.settings import environment_settings

ACCOUNTS = {a.id: a for a in LOCAL_CHANNELS}
SOCIAL = [a for a in LOCAL_CHANNELS if a.platform not in ("email", "banner", "cap_feed")]

# The awkward parts of Unicode, as whole pieces so that sequences stay intact.
PIECES = [
    "👩‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇦", "🇯🇵", "👍🏽", "1️⃣", "©", "❤️", "日本語の注意報", "한국어", "中文",
    "مرحبا بالعالم", "שלום", "é", "é", "Z̤͔ͧ̑̓", "€", "[", "]", "{", "}", "~", "^", "\\", "|",
    "“quoted”", "it’s", "—", "…", "<b>", "&amp;", "\"", "'", "*bold*", "_x_", "@everyone", "#tag",
    "https://example.org/a/very/long/path/that/goes/on/and/on/for/ever?with=query&and=more",
    "http://xn--bcher-kva.example", "water", "boil", "before", "drinking", " ", " ", " ",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=12)),
    max_size=40).map(lambda parts: " ".join(parts).strip())
long_texts = st.lists(st.sampled_from(PIECES), min_size=0, max_size=160).map(lambda p: " ".join(p).strip())


def non_empty(limit: int) -> st.SearchStrategy[str]:
    return texts.map(lambda t: (t or "Notice")[:limit].strip() or "Notice")


@st.composite
def advisories(draw: Any) -> Advisory:
    content = AdvisoryContent(
        headline=draw(non_empty(160)), description=draw(st.one_of(texts, long_texts))[:5000],
        instruction=draw(non_empty(300)), required_text=draw(st.one_of(texts, long_texts))[:400],
        event="Boil Water Notice", urgency="Immediate", severity="Severe", certainty="Observed",
        area_desc=draw(non_empty(100)), status=draw(st.sampled_from(["Actual", "Exercise", "Test"])),
        web=draw(st.sampled_from([None, "https://health.example.org/boil",
                                  "https://health.example.org/" + "long-path/" * 20 + "?q=1"])),
        hashtags=draw(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True), max_size=4)),
        channels=list(ACCOUNTS))
    msg_type = draw(st.sampled_from(list(MsgType)))
    return Advisory(content=content, author="a", msg_type=msg_type,
                    references=["adv_earlier"] if msg_type is not MsgType.ALERT else [])


def platform_count(platform: str, text: str, account: ChannelAccount) -> tuple[int, int]:
    """Measured independently of the renderer, with each platform's reference counting."""
    if platform == "x":
        return parse_tweet(text).weightedLength, 280
    if platform == "mastodon":
        return mastodon.status_length(text), int(account.settings.get("max_characters", 500))
    if platform == "bluesky":
        return m.graphemes(text), 300
    limit = {"telegram": 4096, "discord": 2000, "facebook": 63206, "slack": 40000}[platform]
    return len(text.encode("utf-16-le")) // 2, limit


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(advisory=advisories())
def test_every_social_rendering_fits_and_keeps_the_required_text_whole(advisory: Advisory) -> None:
    for account in SOCIAL:
        result = render_for(advisory, account)
        if any(f.code == "does_not_fit" for f in result.findings):
            continue  # blocked with a clear finding: it will not be posted
        rendering = result.rendering
        for part in rendering.parts:
            if account.platform == "sms":
                assert sms.count(part.text).segments <= 3
                continue
            count, limit = platform_count(account.platform, part.text, account)
            assert count <= limit, (account.id, count, part.text)
            assert part.length == count
            if account.platform == "bluesky":
                assert m.utf8_bytes(part.text) <= 3000
        required = advisory.content.required_text
        if required and account.platform not in ("sms", "slack", "discord"):
            assert any(required in p.text for p in rendering.parts), account.id
        if advisory.content.status.is_drill:
            assert rendering.parts[0].text.lstrip("*").startswith(f"[{advisory.content.status.value.upper()}]")
        if account.platform == "slack":
            assert all(m.utf16_units(b["text"]["text"]) <= 3000 for b in rendering.blocks or [])


@settings(max_examples=40, deadline=None)
@given(advisory=advisories())
def test_cap_atom_banner_and_email_are_valid_and_escaped(advisory: Advisory) -> None:
    published = advisory.model_copy(update={
        "state": AdvisoryState.BROADCASTING,
        "approval": Approval(by="b", at=datetime.now(UTC), content_hash=advisory.content_hash())})
    earlier = published.model_copy(update={"id": "adv_earlier"})
    document = cap_xml(published, [earlier] if advisory.references else [], environment_settings())
    result = capvalidator.validate_cap_message(document.encode(), strict=False)
    assert result.passed, (result.message, document)
    assert ET.fromstring(document.encode()).find("{urn:oasis:names:tc:emergency:cap:1.2}info") is not None
    atom = atom_feed([published], environment_settings())
    feed = feedparser.parse(atom)
    assert not feed.bozo, feed.bozo_exception
    # The title as written: feedparser "repairs" text that looks double-encoded (Â¡ becomes ¡).
    ns = "{http://www.w3.org/2005/Atom}"
    assert ET.fromstring(atom.encode() if isinstance(atom, str) else atom).find(
        f"{ns}entry/{ns}title").text == advisory.content.headline
    email = render_for(advisory, ACCOUNTS["email:subscribers"]).rendering
    for html in (email.html or "", banner_html(banner_data(published, environment_settings()))):
        assert_escaped(html, advisory)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.add(tag)


def assert_escaped(html: str, advisory: Advisory) -> None:
    parser = _Tags()
    parser.feed(html)
    assert "b" not in parser.tags  # the "<b>" in advisory text stayed text
    assert "<b>" not in html


# -- the example in the issue: emoji, a long required safety statement, a long URL ------------------
SAFETY = ("Safety information: boiled water must cool before use. Infants, pregnant people and anyone "
          "with a weakened immune system should use bottled water. If you have diarrhoea, vomiting or "
          "fever, call the nurse line at 0800 555 0100.")
LONG_URL = "https://health.example.org/advisories/2026/11/boil-water-notice-riverside-and-oakwood-districts?utm_source=clarion"


def emoji_advisory(**overrides: Any) -> Advisory:
    fields: dict[str, Any] = dict(
        headline="🚰⚠️ Boil water notice for Riverside 👩‍👩‍👧‍👦",
        description="🧪 Tests found E. coli in the Riverside 🏘️ supply on 23 November. " * 4,
        instruction="🔥 Boil tap water for one full minute before drinking 🥤, cooking 🍳 or brushing teeth 🪥.",
        required_text=SAFETY, event="Boil Water Notice", urgency="Immediate", severity="Severe",
        certainty="Observed", area_desc="Riverside 🏘️ and Oakwood 🌳", web=LONG_URL,
        hashtags=["BoilWater", "Riverside", "PublicHealth"], channels=list(ACCOUNTS))
    fields.update(overrides)
    return Advisory(content=AdvisoryContent(**fields), author="a")


def test_the_emoji_example_fits_everywhere_with_the_required_text_whole() -> None:
    advisory = emoji_advisory()
    for account in SOCIAL:
        result = render_for(advisory, account)
        blocking = [f for f in result.findings if f.blocking]
        if account.platform == "sms":
            # Emoji force UCS-2: the SMS needs more than 3 parts, and says so clearly.
            assert [f.code for f in blocking] == ["does_not_fit"]
            assert "SMS parts" in blocking[0].message
            continue
        assert blocking == [], (account.id, blocking)
        for part in result.rendering.parts:
            count, limit = platform_count(account.platform, part.text, account)
            assert count <= limit
        assert any(SAFETY.replace("&", "&amp;") in p.text or SAFETY in p.text for p in result.rendering.parts)
    x = render_for(advisory, ACCOUNTS["x:city-health"]).rendering
    assert x.is_thread and x.parts[0].text.endswith(f"1/{len(x.parts)}")


def test_fitting_drops_hashtags_first_then_shortens_the_description() -> None:
    advisory = emoji_advisory(required_text="Call 0800 555 0100 if unwell.",
                              description="🧪 Tests found E. coli in the Riverside 🏘️ supply. " * 8)
    mastodon = render_for(advisory, ACCOUNTS["mastodon:city-health"]).rendering
    assert len(mastodon.parts) == 1
    text = mastodon.parts[0].text
    assert "#BoilWater" not in text and "…" in text
    assert mastodon.warnings == ["hashtags to fit", "description shortened to fit"]
    telegram = render_for(advisory, ACCOUNTS["telegram:city-health"]).rendering
    assert "#BoilWater" in telegram.parts[0].text and telegram.warnings == []


def test_the_mastodon_limit_is_the_accounts_instance_limit() -> None:
    advisory = emoji_advisory(required_text="Call 0800 555 0100 if unwell.")
    big = ACCOUNTS["mastodon:city-health"].model_copy(update={"settings": {"max_characters": 5000}})
    rendering = render_for(advisory, big).rendering
    assert rendering.parts[0].limit == 5000 and rendering.warnings == []


def test_bluesky_links_are_facets_with_utf8_byte_offsets() -> None:
    rendering = render_for(emoji_advisory(), ACCOUNTS["bluesky:city-health"]).rendering
    facets = [f for p in rendering.parts for f in p.facets]
    links = [(p, f) for p in rendering.parts for f in p.facets
             if f["features"][0]["$type"] == "app.bsky.richtext.facet#link"]
    assert links, facets
    part, facet = links[0]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    shown = part.text.encode("utf-8")[start:end].decode("utf-8")
    assert shown.startswith("health.example.org/") and facet["features"][0]["uri"] == LONG_URL
    assert LONG_URL not in part.text  # the long URL is not spent from the 300 graphemes


def test_sms_prefers_gsm_and_substitutes_typographic_characters() -> None:
    advisory = emoji_advisory(headline="Boil water – “Riverside” notice…", description="", hashtags=[],
                              instruction="Boil water for 1 minute; it’s safe after.", area_desc="Riverside",
                              required_text="Nurse line: 0800 555 0100 {24h}")
    rendering = render_for(advisory, ACCOUNTS["sms:subscribers"]).rendering
    assert rendering.sms is not None and rendering.sms.encoding == "GSM-7"
    text = rendering.parts[0].text
    assert '"Riverside"' in text and "it's" in text and "- " in text
    assert "{24h}" in text  # extension characters kept, counted as 2 septets each


@pytest.mark.parametrize("text,encoding,units,segments", [
    ("a" * 160, "GSM-7", 160, 1), ("a" * 161, "GSM-7", 161, 2), ("€" * 80, "GSM-7", 160, 1),
    ("€" * 81, "GSM-7", 162, 2), ("a" * 152 + "€", "GSM-7", 154, 1), ("a" * 152 + "€" + "a" * 7, "GSM-7", 161, 2), ("é" * 70, "GSM-7", 70, 1),
    ("ł" * 70, "UCS-2", 70, 1), ("ł" * 71, "UCS-2", 71, 2), ("😀" * 35, "UCS-2", 70, 1),
    ("😀" * 36, "UCS-2", 72, 2), ("a" * 66 + "😀", "UCS-2", 68, 1), ("a" * 66 + "😀" + "aaa", "UCS-2", 71, 2),
])
def test_sms_counting(text: str, encoding: str, units: int, segments: int) -> None:
    count = sms.count(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


def test_an_escape_sequence_is_never_split_across_parts() -> None:
    # 152 septets, then a 2-septet "€": the € cannot start in part 1's last septet.
    count = sms.count("a" * 152 + "€" + "a" * 152)
    assert count.segments == 3


def test_sms_over_the_maximum_parts_is_a_finding() -> None:
    advisory = emoji_advisory(headline="Boil water notice", instruction="Boil water. " * 40,
                              description="", required_text="", area_desc="Riverside")
    findings = render_for(advisory, ACCOUNTS["sms:subscribers"]).findings
    assert [f.code for f in findings if f.blocking] == ["does_not_fit"]


def test_required_text_that_cannot_fit_one_post_blocks_instead_of_being_cut() -> None:
    advisory = emoji_advisory(required_text="Safety information that is long. " * 20)
    findings = render_for(advisory, ACCOUNTS["x:city-health"]).findings
    assert any(f.code == "does_not_fit" and "required text" in f.message for f in findings)
    discord = render_for(advisory.model_copy(update={"content": advisory.content.model_copy(
        update={"required_text": "Safety. " * 300})}), ACCOUNTS["discord:community"])
    assert [f.code for f in discord.findings if f.blocking] == ["does_not_fit"]


def test_platform_escaping() -> None:
    advisory = emoji_advisory(headline="<!channel> @everyone *now*", required_text="", description="",
                              hashtags=[])
    slack = render_for(advisory, ACCOUNTS["slack:staff"]).rendering.parts[0].text
    assert "&lt;!channel&gt;" in slack and "<!channel>" not in slack
    discord = render_for(advisory, ACCOUNTS["discord:community"]).rendering.parts[0].text
    assert "@\u200beveryone" in discord and "\\*now\\*" in discord


def test_each_account_gets_its_language() -> None:
    french = ChannelAccount(id="mastodon:ville", platform="mastodon", name="Ville", language="fr-CA")
    spanish = ChannelAccount(id="x:ciudad", platform="x", name="Ciudad", language="es")
    advisory = emoji_advisory(translations={"fr": {
        "headline": "Avis d'ébullition de l'eau", "instruction": "Faites bouillir l'eau une minute.",
        "required_text": "Ligne infirmière : 0800 555 0100"}})
    result = render_for(advisory, french)
    assert result.rendering.parts[0].text.startswith("Avis d'ébullition")
    assert "Ligne infirmière" in result.rendering.parts[0].text
    missing = render_for(advisory, spanish).findings
    assert [f.code for f in missing if f.blocking] == ["missing_language"]


def test_cap_has_one_info_per_language_and_references_for_updates() -> None:
    advisory = emoji_advisory(translations={"fr": {"headline": "Avis", "instruction": "Bouillir."}})
    earlier = advisory.model_copy(update={"id": "adv_first"})
    update = advisory.model_copy(update={"id": "adv_second", "msg_type": MsgType.UPDATE,
                                         "references": ["adv_first"]})
    document = cap_xml(update, [earlier], environment_settings())
    assert capvalidator.validate_cap_message(document.encode(), strict=False).passed
    root = ET.fromstring(document.encode())
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert [i.findtext("cap:language", namespaces=ns) for i in root.findall("cap:info", ns)] == ["en-US", "fr"]
    assert root.findtext("cap:msgType", namespaces=ns) == "Update"
    assert root.findtext("cap:references", namespaces=ns).split(",")[1] == "adv_first"


def test_banner_is_empty_after_cancel_or_expiry() -> None:
    live = emoji_advisory()
    assert banner_data(live, environment_settings())["active"] is True
    cancel = live.model_copy(update={"msg_type": MsgType.CANCEL})
    assert banner_data(cancel, environment_settings()) == {"active": False}
    expired = emoji_advisory(expires=datetime.now(UTC) - timedelta(minutes=1))
    assert banner_data(expired, environment_settings()) == {"active": False}
    assert banner_html({"active": False}) == ""
    assert json.dumps(banner_data(None, environment_settings())) == '{"active": false}'
