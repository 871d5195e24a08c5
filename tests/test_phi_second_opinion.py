"""The second opinion on patient data: Amazon Comprehend Medical DetectPHI, behind a setting.

Over real HTTP to the sandbox's DetectPHI stand-in (local/sandbox/comprehend_medical.py: it finds
what a test tells it to, in DetectPHI's own wire shape), through the real API: what it finds and
the screen did not is a warning on the field and span, English text only; it never blocks; when
it cannot answer the preview says so and goes on; triggers do not wait for it.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from chalicelib.domain import phi
from chalicelib.domain.models import Advisory, AdvisoryContent
from conftest import Api, advisory_body
from local.sandbox import SandboxServer, start_sandbox
from test_templates_and_triggers import GOOD_PARAMS, approved_template

THANKS = "Priya Natarajan reported the leak on 3 May."  # a name the screen does not tie to anything


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    server = start_sandbox(port=0)
    yield server
    server.stop()


@pytest.fixture
def reader(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The stand-in's control URL; the app's client points at the stand-in."""
    monkeypatch.setenv("CLARION_COMPREHEND_MEDICAL_URL", f"{sandbox.url}/comprehendmedical")
    sandbox.reset()
    yield f"{sandbox.url}/_sandbox/comprehend-medical"
    sandbox.reset()


def finds(control: str, *entities: tuple[str, str, float], mode: str = "ok") -> None:
    body = {"entities": [{"type": t, "text": text, "score": score} for t, text, score in entities], "mode": mode}
    requests.post(control, json=body, timeout=5).raise_for_status()


def sent(control: str) -> list[str]:
    texts: list[str] = requests.get(control, timeout=5).json()["texts"]
    return texts


def turn_on(api: Api) -> None:
    revision = api.call("GET", "/settings", "demo-admin").json_body["revision"]
    response = api.call("PUT", "/settings", "demo-admin", {"phi_second_opinion": True, "revision": revision})
    assert response.status_code == 200, response.json_body
    assert response.json_body["phi_second_opinion"] is True


def preview(api: Api, **overrides: Any) -> dict[str, Any]:
    response = api.call("POST", "/advisories/preview", "demo-spokesperson", advisory_body(**overrides))
    assert response.status_code == 200, response.json_body
    result: dict[str, Any] = response.json_body
    return result


def second_opinions(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if "Comprehend Medical" in f["message"]]


def test_off_by_default_nothing_leaves_clarion(api: Api, reader: str) -> None:
    finds(reader, ("NAME", "Priya Natarajan", 0.98))
    assert api.call("GET", "/settings", "demo-admin").json_body["phi_second_opinion"] is False
    assert second_opinions(preview(api, description=THANKS)) == []
    assert sent(reader) == []


def test_a_name_the_screen_missed_warns_on_its_span_and_does_not_block(api: Api, reader: str) -> None:
    turn_on(api)
    finds(reader, ("NAME", "Priya Natarajan", 0.98), ("DATE", "3 May", 0.9), ("PROFESSION", "nurse", 0.9))
    result = preview(api, description=THANKS)
    warnings = second_opinions(result)
    names = [f for f in warnings if f["identifier"] == "name"]
    assert len(names) == 1 and names[0]["field"] == "description" and names[0]["blocking"] is False
    assert THANKS[names[0]["start"]:names[0]["end"]] == "Priya Natarajan"
    assert any(f["identifier"] == "date" for f in warnings)  # a date counts when a name is in the same field
    assert not result["blocking"]
    # One call read every English field, the advisory's text joined.
    assert len(sent(reader)) == 1 and THANKS in sent(reader)[0] and "Boil tap water" in sent(reader)[0]
    created = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(description=THANKS)).json_body
    submitted = api.call("POST", f"/advisories/{created['id']}/submit", "demo-spokesperson")
    assert submitted.status_code == 200, submitted.json_body  # warnings: the approver judges


def test_only_english_text_is_sent_and_what_the_screen_found_is_not_repeated(api: Api, reader: str) -> None:
    turn_on(api)
    finds(reader, ("PHONE_OR_FAX", "(415) 555-2671", 0.99), ("DATE", "3 May", 0.9), ("AGE", "45", 0.9))
    spanish = {"headline": "Aviso", "instruction": "Hierva el agua.", "description": "Gracias a Lucía Pérez."}
    result = preview(api, description="Call her at (415) 555-2671. She is 45. Seen on 3 May.",
                     translations={"es": spanish})
    assert [f["code"] for f in result["findings"] if f["field"] == "description" and f["identifier"] == "phone"] \
        == ["phi_phone_number"]  # the screen's own, blocking; no second copy
    assert second_opinions(result) == []  # no NAME: a date alone is no finding; an age under 90 is none
    assert all("Lucía" not in text for text in sent(reader))


@pytest.mark.parametrize("mode,reason", [("throttled", "ThrottlingException"), ("denied", "AccessDeniedException"),
                                         ("malformed", "shape")])
def test_when_it_cannot_answer_the_preview_says_so_and_goes_on(api: Api, reader: str, mode: str,
                                                                reason: str) -> None:
    turn_on(api)
    finds(reader, ("NAME", "Priya Natarajan", 0.98), mode=mode)
    result = preview(api, description=THANKS)
    unavailable = [f for f in result["findings"] if f["code"] == "phi_second_opinion_unavailable"]
    assert len(unavailable) == 1 and reason in unavailable[0]["message"] and not unavailable[0]["blocking"]
    assert not result["blocking"]


def test_a_trigger_does_not_wait_for_it(api: Api, reader: str) -> None:
    template_id = approved_template(api)  # written and approved with the setting off
    turn_on(api)
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert response.status_code == 201, response.json_body
    assert sent(reader) == []


def test_batches_fit_the_limit_and_map_offsets_back() -> None:
    content = AdvisoryContent(headline="Heat warning", description="Ask Ann Lee.", instruction="Drink water.",
                              translations={"fr": {"headline": "Chaleur", "instruction": "Buvez."}})
    advisory = Advisory(content=content, author="a")
    batches = phi.second_opinion_batches(advisory, max_bytes=30)
    fields = [name for batch in batches for name, _, _ in batch.parts]
    assert fields == ["headline", "description", "instruction"]  # French is not read
    assert all(len(b.text.encode()) <= 30 for b in batches)
    one = phi.second_opinion_batches(advisory, max_bytes=20_000)[0]
    start = one.text.index("Ann Lee")
    mapped = one.by_field([phi.PhiEntity("NAME", start, start + 7, 0.9),
                           phi.PhiEntity("NAME", 0, len(one.text), 0.9)])  # across fields: none
    assert mapped == {"description": [phi.PhiEntity("NAME", 4, 11, 0.9)]}


def test_a_low_score_is_no_finding() -> None:
    text = "Ask Ann Lee."
    assert phi.second_opinion_findings("description", text, [phi.PhiEntity("NAME", 4, 11, 0.3)], []) == []
    [finding] = phi.second_opinion_findings("description", text, [phi.PhiEntity("NAME", 4, 11, 0.8)], [])
    assert (finding.start, finding.end, finding.blocking) == (4, 11, False)
