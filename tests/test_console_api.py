"""What the console reads and does through the HTTP API: its lists, withdrawing, and findings
that name the field and span to mark (chalice.test.Client on moto)."""
from __future__ import annotations

from conftest import Api, advisory_body


def created(api: Api, token: str = "demo-spokesperson", **overrides: object) -> str:
    response = api.call("POST", "/advisories", token, advisory_body(**overrides))
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def listed(api: Api, token: str, query: str) -> list[str]:
    response = api.call("GET", f"/advisories?{query}", token)
    assert response.status_code == 200, response.json_body
    return [a["id"] for a in response.json_body["advisories"]]


def test_each_view_lists_what_its_user_needs_newest_first(api: Api) -> None:
    mine = created(api, headline="mine, a draft")
    theirs = created(api, "demo-spokesperson-2", headline="theirs, a draft")
    pending = created(api, headline="mine, awaiting approval")
    assert api.call("POST", f"/advisories/{pending}/submit", "demo-spokesperson").status_code == 200
    live = created(api, "demo-spokesperson-2", headline="theirs, live")
    assert api.call("POST", f"/advisories/{live}/submit", "demo-spokesperson-2").status_code == 200
    assert api.call("POST", f"/advisories/{live}/approve", "demo-approver").status_code == 200

    assert listed(api, "demo-spokesperson", "view=drafts") == [mine]
    assert listed(api, "demo-spokesperson", "view=mine") == [pending, mine]
    assert listed(api, "demo-approver", "view=awaiting_approval") == [pending]
    assert listed(api, "demo-oncall", "view=live") == [live]
    assert listed(api, "demo-auditor", "view=all") == [live, pending, theirs, mine]
    assert listed(api, "demo-auditor", "") == [live, pending, theirs, mine]


def test_pages_join_up_and_a_foreign_cursor_is_400(api: Api) -> None:
    ids = [created(api, headline=f"advisory {n}") for n in range(5)]
    seen: list[str] = []
    query = "view=mine&limit=2"
    for _ in range(5):
        body = api.call("GET", f"/advisories?{query}", "demo-spokesperson").json_body
        assert len(body["advisories"]) <= 2
        seen += [a["id"] for a in body["advisories"]]
        if not body["next_cursor"]:
            break
        query = f"view=mine&limit=2&cursor={body['next_cursor']}"
    assert seen == list(reversed(ids))
    first = api.call("GET", "/advisories?view=mine&limit=2", "demo-spokesperson").json_body
    other_view = api.call("GET", f"/advisories?view=drafts&cursor={first['next_cursor']}", "demo-spokesperson")
    assert other_view.status_code == 400 and other_view.json_body["error"]["details"]["field"] == "cursor"
    forged = api.call("GET", "/advisories?cursor=bm90LW91cnM", "demo-spokesperson")
    assert forged.status_code == 400


def test_bad_list_queries_are_422_naming_the_parameter(api: Api) -> None:
    for query, field in (("view=everything", "view"), ("limit=0", "limit"), ("limit=201", "limit"),
                         ("limit=ten", "limit")):
        response = api.call("GET", f"/advisories?{query}", "demo-auditor")
        assert response.status_code == 422, (query, response.json_body)
        assert field in str(response.json_body["error"]), query


def test_the_author_withdraws_before_approval_and_it_is_final(api: Api) -> None:
    draft = created(api)
    pending = created(api)
    assert api.call("POST", f"/advisories/{pending}/submit", "demo-spokesperson").status_code == 200
    # Not someone else's: another spokesperson is refused, an admin may.
    refused = api.call("POST", f"/advisories/{pending}/withdraw", "demo-spokesperson-2")
    assert refused.status_code == 403
    withdrawn = api.call("POST", f"/advisories/{pending}/withdraw", "demo-admin", {"reason": "sent twice"})
    assert withdrawn.status_code == 200, withdrawn.json_body
    assert withdrawn.json_body["state"] == "withdrawn" and withdrawn.json_body["withdrawn_by"] == "demo-admin"
    assert api.call("POST", f"/advisories/{draft}/withdraw", "demo-spokesperson").json_body["state"] == "withdrawn"
    # Final: no approval, no edit, no second withdrawal; off the approver's queue.
    assert api.call("POST", f"/advisories/{pending}/approve", "demo-approver").status_code == 409
    assert api.call("PUT", f"/advisories/{draft}", "demo-spokesperson", advisory_body()).status_code == 409
    assert api.call("POST", f"/advisories/{draft}/withdraw", "demo-spokesperson").status_code == 409
    assert pending not in listed(api, "demo-approver", "view=awaiting_approval")
    assert draft not in listed(api, "demo-spokesperson", "view=drafts")
    actions = [e["action"] for e in api.call("GET", f"/audit?advisory_id={pending}", "demo-auditor")
               .json_body["entries"]]
    assert actions == ["create", "submit", "refused:withdraw", "withdraw"]


def test_an_approved_advisory_cannot_be_withdrawn(api: Api) -> None:
    advisory_id = created(api)
    api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    response = api.call("POST", f"/advisories/{advisory_id}/withdraw", "demo-spokesperson")
    assert response.status_code == 409


def test_findings_name_the_field_and_the_span_to_mark(api: Api) -> None:
    description = "Ward update: call the husband at (415) 555-2671 today."
    advisory_id = created(api, description=description, event="")
    findings = api.call("GET", f"/advisories/{advisory_id}/preview", "demo-spokesperson").json_body["findings"]
    phone = next(f for f in findings if f["field"] == "description" and f["start"] is not None
                 and "415" in description[f["start"]:f["end"]])
    assert description[phone["start"]:phone["end"]].strip() == "(415) 555-2671"
    missing = next(f for f in findings if f["code"] == "missing_field")
    assert missing["field"] == "event" and missing["start"] is None


def test_on_call_preview_a_trigger_exactly_and_nothing_is_stored(api: Api) -> None:
    from test_templates_and_triggers import BOIL_WATER, GOOD_PARAMS, approved_template

    template_id = approved_template(api)
    before = listed(api, "demo-auditor", "view=all")
    response = api.call("POST", f"/templates/{template_id}/preview", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert response.status_code == 200, response.json_body
    preview = response.json_body
    assert [c["channel_account"] for c in preview["channels"]] == BOIL_WATER["content"]["channels"]
    mastodon = preview["channels"][0]
    assert "Boil water notice for Riverside until 2026-11-30" in mastodon["parts"][0]["text"]
    assert preview["blocking"] is False
    # The launch that follows sends exactly what was previewed.
    launched = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS},
                        headers={"Idempotency-Key": "launch-1"})
    assert launched.status_code in (200, 201), launched.json_body
    advisory_id = launched.json_body["advisory"]["id"] if "advisory" in launched.json_body else launched.json_body["id"]
    sent = api.call("GET", f"/advisories/{advisory_id}/preview", "demo-oncall").json_body
    # (except the reference, which names the advisory the launch creates)
    def unreferenced(text: str) -> str:
        return text.rsplit("\n\nRef ", 1)[0]

    assert [unreferenced(p["text"]) for p in sent["channels"][0]["parts"]] == \
        [unreferenced(p["text"]) for p in mastodon["parts"]]
    # Previewing stored nothing: only the launch added an advisory.
    assert listed(api, "demo-auditor", "view=all") == [advisory_id, *before]


def test_a_trigger_preview_names_bad_parameters_and_refuses_other_roles(api: Api) -> None:
    from test_templates_and_triggers import GOOD_PARAMS, approved_template

    template_id = approved_template(api)
    bad = api.call("POST", f"/templates/{template_id}/preview", "demo-oncall",
                   {"parameters": {**GOOD_PARAMS, "urgency": "Whenever"}})
    assert bad.status_code == 422 and "urgency" in str(bad.json_body["error"]["details"])
    assert api.call("POST", f"/templates/{template_id}/preview", "demo-spokesperson",
                    {"parameters": GOOD_PARAMS}).status_code == 403
    unknown = api.call("POST", "/templates/tpl_missing/preview", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert unknown.status_code == 404


def test_the_monitor_polls_deliveries_with_an_etag(api: Api) -> None:
    advisory_id = created(api)
    api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    path = f"/advisories/{advisory_id}/deliveries"
    first = api.call("GET", path, "demo-oncall")
    assert first.status_code == 200 and first.json_body == {"advisory_state": "pending_approval", "deliveries": []}
    etag = first.headers["ETag"]
    unchanged = api.call("GET", path, "demo-oncall", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.body in (b"", "", None)
    assert api.call("GET", path, "demo-oncall", headers={"If-None-Match": '"other", W/' + etag}).status_code == 304
    api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    changed = api.call("GET", path, "demo-oncall", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json_body["advisory_state"] in ("approved", "broadcasting")
    assert len(changed.json_body["deliveries"]) == 3
    assert api.call("GET", "/advisories/adv_missing/deliveries", "demo-oncall").status_code == 404


def test_the_local_stack_starts_with_approved_templates_that_launch(api: Api) -> None:
    from chalicelib import composition

    assert composition.seed_local_templates() == 3
    assert composition.seed_local_templates() == 0  # once only
    templates = api.call("GET", "/templates", "demo-oncall").json_body["templates"]
    assert {t["state"] for t in templates} == {"approved"} and len(templates) == 3
    for template in templates:
        values = {p["name"]: p["allowed"][0] for p in template["parameters"]}
        preview = api.call("POST", f"/templates/{template['id']}/preview", "demo-oncall", {"parameters": values})
        assert preview.status_code == 200 and not preview.json_body["blocking"], preview.json_body
