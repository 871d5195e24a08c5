"""Patient-data findings marked where they are, in a real browser: in the link and the hashtags a
spokesperson typed (the server screens them normalised: the URL as the standard writes it, the
tags without # and one space apart), and in a parameter on-call staff type at launch."""
from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Screen, Stack

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_name_in_the_link_and_the_hashtags_is_marked_under_each(screens: Any, width: str) -> None:
    screen: Screen = screens(width)
    page = screen.page
    screen.sign_in("Sam Spokesperson")
    page.goto(screen.stack.api + "/#/write")
    page.get_by_label("Headline").fill("Pertussis case at Riverside school")
    page.get_by_label("What happened").fill("A pupil at Riverside school has whooping cough.")
    page.get_by_label("What people should do").fill("Watch for a cough that lasts; call your doctor.")
    page.get_by_label("More information (link)").fill("HTTPS://Health.example.org/cases?patient=maria-lopez")
    page.get_by_label("Hashtags").fill("#Pertussis,  #PrayForDerekOwens")
    page.get_by_label("@cityhealth@health.social").check()
    web = page.locator(".field-findings .finding.blocking").filter(has_text="link")
    web.first.wait_for()
    assert web.first.locator("mark").inner_text() == "patient=maria-lopez"
    tags = page.locator(".field-findings .finding.blocking").filter(has_text="hashtag")
    tags.first.wait_for()
    assert tags.first.locator("mark").inner_text() == "PrayForDerekOwens"
    screen.look("write-findings-link-hashtags")


def test_a_parameter_typed_at_launch_is_marked_in_the_check(screens: Any, stack: Stack) -> None:
    template = stack.call("POST", "/templates", "demo-admin", {
        "name": "Exposure notice (free text)",
        "content": {"headline": "Exposure notice: {place}", "description": "Someone with measles was at {place}.",
                    "instruction": "Check your vaccination record.", "event": "Measles exposure",
                    "urgency": "Expected", "severity": "Moderate", "certainty": "Observed", "area_desc": "Riverside",
                    "channels": ["mastodon:city-health"]},
        "parameters": [{"name": "place", "max_length": 120, "description": "Where"}]})
    stack.call("POST", f"/templates/{template['id']}/approve", "demo-approver")
    try:
        screen: Screen = screens("phone")
        page = screen.page
        screen.sign_in("Jo On-call")
        page.goto(stack.api + f"/#/launch/{template['id']}")
        page.get_by_label(re.compile("place")).fill("the home of Ruth Castle, SSN 987-65-4321")
        page.get_by_role("button", name="Check what will be sent").click()
        page.get_by_role("heading", name="Check and launch").wait_for()
        marks = page.locator(".notice.error .finding mark").all_inner_texts()
        assert "987-65-4321" in marks, marks
        assert page.get_by_role("button", name=re.compile("Launch to")).is_disabled()
        screen.look("launch-parameter-finding")
    finally:
        stack.call("POST", f"/templates/{template['id']}/retire", "demo-admin", {"reason": "test over"})
