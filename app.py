"""Clarion's HTTP API and event handlers. Each is a few lines: who may call, parse, call a service."""
from __future__ import annotations

import os
from typing import Any

from chalice.app import Chalice, CognitoUserPoolAuthorizer, Rate, Request, Response

from chalicelib import observability, web
from chalicelib.composition import channel_accounts, clarion, system_actor
from chalicelib.domain.models import ALL_ROLES, AdvisoryContent, MsgType, Role, User
from chalicelib.infra import resources
from chalicelib.services.audit_trail import AuditFilter

app = Chalice(app_name="clarion")
observability.install(app)  # structured logs and metrics for every route and event handler
route = web.routes(app)

# Deployed stages put API Gateway's Cognito authorizer in front of every route; the local stage
# uses the demo users' fixed tokens instead (and they are refused everywhere else).
AUTHORIZER: CognitoUserPoolAuthorizer | None = None
if resources.stage() != "local":
    AUTHORIZER = CognitoUserPoolAuthorizer(
        "clarion-users", provider_arns=[os.environ.get("CLARION_USER_POOL_ARN", "")])

ANYONE = ALL_ROLES
SPOKESPERSON = frozenset({Role.SPOKESPERSON})
APPROVER = frozenset({Role.APPROVER})
ONCALL = frozenset({Role.ONCALL})
ADMIN = frozenset({Role.ADMIN})
AUDITOR = frozenset({Role.AUDITOR, Role.ADMIN})


def current() -> Request:
    """The request being answered (Chalice sets it before every route runs)."""
    request = app.current_request
    assert request is not None, "called outside a request"
    return request


def header(name: str) -> str | None:
    return current().headers.get(name)


def signed_in(roles: frozenset[Role], action: str) -> User:
    """The caller, if their credentials are good (401) and they hold one of `roles` (403)."""
    request = current()
    claims = (request.context.get("authorizer") or {}).get("claims")
    services = clarion()
    user = services.access.authenticate(request.headers.get("authorization"), claims)
    services.access.authorize(user, roles, action)
    return user


def body(model: Any, optional: bool = False) -> Any:
    raw = current().raw_body
    return web.body_as(model, raw.encode() if isinstance(raw, str) else raw, optional=optional)


def query() -> dict[str, str]:
    return dict(current().query_params or {})


# -- advisories ---------------------------------------------------------------------------------
@route("/advisories", methods=["POST"], authorizer=AUTHORIZER)
def create_advisory() -> Response:
    user = signed_in(SPOKESPERSON, "create")
    advisory = clarion().advisories.create(user, body(AdvisoryContent))
    return Response(web.advisory_view(advisory), status_code=201)


@route("/advisories", methods=["GET"], authorizer=AUTHORIZER)
def list_advisories() -> dict[str, Any]:
    user = signed_in(ANYONE, "list")
    from chalicelib.services.advisories import AdvisoryListQuery

    return web.advisory_list_view(clarion().advisories.page(user, web.validate(AdvisoryListQuery, query())))


@route("/advisories/{advisory_id}", methods=["GET"], authorizer=AUTHORIZER)
def get_advisory(advisory_id: str) -> dict[str, Any]:
    signed_in(ANYONE, "read")
    return web.advisory_view(clarion().advisories.get(advisory_id))


@route("/advisories/{advisory_id}", methods=["PUT"], authorizer=AUTHORIZER)
def edit_advisory(advisory_id: str) -> dict[str, Any]:
    user = signed_in(SPOKESPERSON, "edit")
    return web.advisory_view(clarion().advisories.edit(user, advisory_id, body(AdvisoryContent)))


@route("/advisories/{advisory_id}/submit", methods=["POST"], authorizer=AUTHORIZER)
def submit_advisory(advisory_id: str) -> dict[str, Any]:
    user = signed_in(SPOKESPERSON, "submit")
    return web.advisory_view(clarion().advisories.submit(user, advisory_id))


@route("/advisories/{advisory_id}/approve", methods=["POST"], authorizer=AUTHORIZER)
def approve_advisory(advisory_id: str) -> dict[str, Any]:
    user = signed_in(APPROVER, "approve")
    review = body(web.ApprovalRequest, optional=True)
    result = clarion().advisories.approve(user, advisory_id, review.content_hash if review else None)
    return web.broadcast_view(result)


@route("/advisories/{advisory_id}/reject", methods=["POST"], authorizer=AUTHORIZER)
def reject_advisory(advisory_id: str) -> dict[str, Any]:
    user = signed_in(APPROVER, "reject")
    reason = body(web.RejectionRequest).reason
    return web.advisory_view(clarion().advisories.reject(user, advisory_id, reason))


@route("/advisories/{advisory_id}/withdraw", methods=["POST"], authorizer=AUTHORIZER)
def withdraw_advisory(advisory_id: str) -> dict[str, Any]:
    user = signed_in(frozenset({Role.SPOKESPERSON, Role.ADMIN}), "withdraw")
    request = body(web.WithdrawalRequest, optional=True)
    return web.advisory_view(clarion().advisories.withdraw(user, advisory_id, request.reason if request else ""))


@route("/advisories/{advisory_id}/update", methods=["POST"], authorizer=AUTHORIZER)
def update_advisory(advisory_id: str) -> Response:
    user = signed_in(SPOKESPERSON, "update")
    draft = clarion().advisories.follow_up(user, advisory_id, MsgType.UPDATE,
                                           body(AdvisoryContent, optional=True))
    return Response(web.advisory_view(draft), status_code=201)


@route("/advisories/{advisory_id}/cancel", methods=["POST"], authorizer=AUTHORIZER)
def cancel_advisory(advisory_id: str) -> Response:
    user = signed_in(SPOKESPERSON, "cancel")
    draft = clarion().advisories.follow_up(user, advisory_id, MsgType.CANCEL,
                                           body(AdvisoryContent, optional=True))
    return Response(web.advisory_view(draft), status_code=201)


@route("/advisories/preview", methods=["POST"], authorizer=AUTHORIZER)
def preview_draft() -> dict[str, Any]:
    user = signed_in(ANYONE, "preview")
    draft = clarion().advisories.draft_for_preview(user, body(AdvisoryContent))
    return web.preview_view(draft, clarion().advisories.preview(draft), clarion().advisories.screen(draft))


@route("/advisories/{advisory_id}/preview", methods=["GET"], authorizer=AUTHORIZER)
def preview_advisory(advisory_id: str) -> dict[str, Any]:
    signed_in(ANYONE, "preview")
    advisory = clarion().advisories.get(advisory_id)
    return web.preview_view(advisory, clarion().advisories.preview(advisory),
                            clarion().advisories.screen(advisory))


@route("/advisories/{advisory_id}/retry", methods=["POST"], authorizer=AUTHORIZER)
def retry_deliveries(advisory_id: str) -> dict[str, Any]:
    user = signed_in(frozenset({Role.ONCALL, Role.ADMIN}), "retry")
    redriven = clarion().operations.retry(user, advisory_id)
    return {"redriven": [web.delivery_view(d) for d in redriven]}


@route("/advisories/{advisory_id}/deliveries", methods=["GET"], authorizer=AUTHORIZER)
def list_deliveries(advisory_id: str) -> Response:
    signed_in(ANYONE, "read")
    advisory = clarion().advisories.get(advisory_id)
    deliveries = clarion().advisories.deliveries(advisory_id)
    view = {"advisory_state": advisory.state.value, "deliveries": [web.delivery_view(d) for d in deliveries]}
    return web.conditional(view, header("if-none-match"))


# -- templates ----------------------------------------------------------------------------------
@route("/templates", methods=["GET"], authorizer=AUTHORIZER)
def list_templates() -> dict[str, Any]:
    signed_in(ANYONE, "read")
    return {"templates": [web.template_view(t) for t in clarion().templates.all()]}


@route("/templates", methods=["POST"], authorizer=AUTHORIZER)
def create_template() -> Response:
    user = signed_in(ADMIN, "template_create")
    from chalicelib.services.templates import TemplateDraft  # with the templates service, on first use

    template = clarion().templates.create(user, body(TemplateDraft))
    return Response(web.template_view(template), status_code=201)


@route("/templates/{template_id}", methods=["GET"], authorizer=AUTHORIZER)
def get_template(template_id: str) -> dict[str, Any]:
    signed_in(ANYONE, "read")
    return web.template_view(clarion().templates.get(template_id))


@route("/templates/{template_id}/approve", methods=["POST"], authorizer=AUTHORIZER)
def approve_template(template_id: str) -> dict[str, Any]:
    user = signed_in(APPROVER, "template_approve")
    review = body(web.ApprovalRequest, optional=True)
    return web.template_view(clarion().templates.approve(user, template_id, review.content_hash if review else None))


@route("/templates/{template_id}/trigger", methods=["POST"], authorizer=AUTHORIZER)
def trigger_template(template_id: str) -> Response:
    user = signed_in(ONCALL, "trigger")
    from chalicelib.services.templates import TriggerRequest

    request = web.with_idempotency_key(body(TriggerRequest), header("idempotency-key"))
    result = clarion().templates.trigger(user, template_id, request)
    return web.trigger_view(result)


@route("/templates/{template_id}/preview", methods=["POST"], authorizer=AUTHORIZER)
def preview_trigger(template_id: str) -> dict[str, Any]:
    user = signed_in(ONCALL, "trigger_preview")
    from chalicelib.services.templates import TriggerRequest

    parameters = body(TriggerRequest).parameters
    filled = clarion().templates.preview(user, template_id, parameters)
    return web.preview_view(filled, clarion().advisories.preview(filled),
                            clarion().templates.screen_trigger(filled, parameters))


@route("/templates/{template_id}", methods=["PUT"], authorizer=AUTHORIZER)
def edit_template(template_id: str) -> dict[str, Any]:
    user = signed_in(ADMIN, "template_edit")
    from chalicelib.services.templates import TemplateDraft

    return web.template_view(clarion().templates.edit(user, template_id, body(TemplateDraft)))


@route("/templates/{template_id}/retire", methods=["POST"], authorizer=AUTHORIZER)
def retire_template(template_id: str) -> dict[str, Any]:
    user = signed_in(ADMIN, "template_retire")
    from chalicelib.services.templates import RetireRequest

    request = body(RetireRequest, optional=True)
    return web.template_view(clarion().templates.retire(user, template_id, request.reason if request else ""))


@route("/templates/preview", methods=["POST"], authorizer=AUTHORIZER)
def preview_template_draft() -> dict[str, Any]:
    user = signed_in(ADMIN | APPROVER, "template_preview")  # the writer, and whoever reviews it
    from chalicelib.services.templates import TemplatePreviewRequest

    filled = clarion().templates.preview_draft(user, body(TemplatePreviewRequest))
    advisories = clarion().advisories
    return web.preview_view(filled, advisories.preview(filled), advisories.screen(filled))


# -- audit, channels, users ---------------------------------------------------------------------
@route("/audit", methods=["GET"], authorizer=AUTHORIZER)
def read_audit() -> Any:
    signed_in(AUDITOR, "audit_read")
    params = query()
    output = web.output_format(params)
    page = clarion().audit.page(web.validate(AuditFilter, params), csv_output=output == "csv")
    return web.audit_view(page, output, params)


@route("/audit/verify", methods=["GET"], authorizer=AUTHORIZER)
def verify_audit() -> dict[str, Any]:
    signed_in(AUDITOR, "audit_verify")
    return clarion().audit.verify(query().get("scope", "full")).as_dict()


@route("/channels", methods=["GET"], authorizer=AUTHORIZER)
def list_channels() -> dict[str, Any]:
    signed_in(ANYONE, "read")
    accounts = [c for c in clarion().store.list_channels() if c.deleted_at is None]  # deleted: a tombstone
    return {"channels": [web.channel_view(c) for c in accounts]}


@route("/me", methods=["GET"], authorizer=AUTHORIZER)
def who_am_i() -> dict[str, Any]:
    return web.dump(signed_in(ANYONE, "read"))


@route("/users", methods=["GET"], authorizer=AUTHORIZER)
def list_users() -> dict[str, Any]:
    signed_in(ADMIN, "users_read")
    return {"users": [web.dump(u) for u in clarion().access.list_users()]}


@route("/users/{user_id}/disable", methods=["POST"], authorizer=AUTHORIZER)
def disable_user(user_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "user_disable")
    return web.dump(clarion().access.set_disabled(admin, user_id, True))


@route("/users/{user_id}/enable", methods=["POST"], authorizer=AUTHORIZER)
def enable_user(user_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "user_enable")
    return web.dump(clarion().access.set_disabled(admin, user_id, False))


@route("/users/{user_id}/roles/{role}", methods=["PUT"], authorizer=AUTHORIZER)
def add_user_role(user_id: str, role: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "user_role_add")
    return web.dump(clarion().access.change_role(admin, user_id, role, grant=True))


@route("/users/{user_id}/roles/{role}", methods=["DELETE"], authorizer=AUTHORIZER)
def remove_user_role(user_id: str, role: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "user_role_remove")
    return web.dump(clarion().access.change_role(admin, user_id, role, grant=False))


# -- back office: auditors (delivery log, after-action reports) ----------------------------------
app.api.binary_types.append("application/pdf")  # an after-action report's PDF goes out as bytes


@route("/deliveries", methods=["GET"], authorizer=AUTHORIZER)
def delivery_log() -> Any:
    signed_in(AUDITOR, "deliveries_read")
    from chalicelib import reports_output  # the back office's glue loads with its first use
    from chalicelib.services.reports import DeliveryLogQuery

    params = query()
    log = clarion().reports.delivery_log(web.validate(DeliveryLogQuery, params))
    return reports_output.delivery_log_view(log, params)


@route("/advisories/{advisory_id}/report", methods=["GET"], authorizer=AUTHORIZER)
def advisory_report(advisory_id: str) -> Any:
    user = signed_in(AUDITOR, "report_read")
    from chalicelib import reports_output
    from chalicelib.services.reports import ReportQuery

    output = web.validate(ReportQuery, query()).format
    reports_output.require_accepted(output, header("accept"))
    return reports_output.report_view(clarion().reports.advisory_report(advisory_id, user), output)


@route("/incidents/{advisory_id}/report", methods=["GET"], authorizer=AUTHORIZER)
def incident_report(advisory_id: str) -> Any:
    """The incident (Alert, Updates, Cancel) that the advisory `advisory_id` belongs to."""
    user = signed_in(AUDITOR, "report_read")
    from chalicelib import reports_output
    from chalicelib.services.reports import ReportQuery

    output = web.validate(ReportQuery, query()).format
    reports_output.require_accepted(output, header("accept"))
    return reports_output.report_view(clarion().reports.incident_report(advisory_id, user), output)


# -- back office: channel accounts (admin) -------------------------------------------------------
# Settings are validated by the platform's own module; credentials go to SSM and never come back
# (chalicelib/services/channel_accounts.py). `{channel_id}` is `<platform>:<slug>`.
def channel_id_of(raw: str) -> str:
    from urllib.parse import unquote  # `mastodon%3Acity-health`, as encodeURIComponent sends it

    return unquote(raw)


def json_body() -> Any:
    raw = current().raw_body
    return web.parse_json(raw.encode() if isinstance(raw, str) else raw)


@route("/platforms", methods=["GET"], authorizer=AUTHORIZER)
def list_platforms() -> dict[str, Any]:
    signed_in(ADMIN, "channel_read")
    from chalicelib.services.channel_accounts import describe_platforms

    return {"platforms": describe_platforms()}


@route("/channels", methods=["POST"], authorizer=AUTHORIZER)
def create_channel() -> Response:
    admin = signed_in(ADMIN, "channel_create")
    from chalicelib.services.channel_accounts import ChannelAccountDraft

    account = channel_accounts().create(admin, body(ChannelAccountDraft))
    return Response(web.channel_admin_view(account), status_code=201)


@route("/channels/{channel_id}", methods=["GET"], authorizer=AUTHORIZER)
def get_channel(channel_id: str) -> dict[str, Any]:
    signed_in(ADMIN, "channel_read")
    return web.channel_admin_view(channel_accounts().get(channel_id_of(channel_id)))


@route("/channels/{channel_id}", methods=["PUT"], authorizer=AUTHORIZER)
def edit_channel(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_edit")
    from chalicelib.services.channel_accounts import ChannelAccountChange

    change = body(ChannelAccountChange)
    return web.channel_admin_view(channel_accounts().change(admin, channel_id_of(channel_id), change))


@route("/channels/{channel_id}/enable", methods=["POST"], authorizer=AUTHORIZER)
def enable_channel(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_enable")
    return web.channel_admin_view(channel_accounts().set_enabled(admin, channel_id_of(channel_id), True))


@route("/channels/{channel_id}/disable", methods=["POST"], authorizer=AUTHORIZER)
def disable_channel(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_disable")
    return web.channel_admin_view(channel_accounts().set_enabled(admin, channel_id_of(channel_id), False))


@route("/channels/{channel_id}/credentials", methods=["PUT"], authorizer=AUTHORIZER)
def set_channel_credentials(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_credentials")
    at = channel_accounts().set_credentials(admin, channel_id_of(channel_id), json_body())
    return {"credentials": "set", "updated_at": at.isoformat()}


@route("/channels/{channel_id}", methods=["DELETE"], authorizer=AUTHORIZER)
def delete_channel(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_delete")
    deleted = channel_accounts().delete(admin, channel_id_of(channel_id))
    return {"id": deleted.account.id, "deleted_at": deleted.at.isoformat(), "credentials": deleted.credentials}


@route("/channels/{channel_id}/test-post", methods=["POST"], authorizer=AUTHORIZER)
def test_post_channel(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_test_post")
    from chalicelib.services.channel_accounts import TryPostRequest

    request = body(TryPostRequest, optional=True) or TryPostRequest()
    result = channel_accounts().test_post(admin, channel_id_of(channel_id), request)
    return {"post_id": result.post_id, "url": result.url, "part_ids": list(result.part_ids),
            "marker": result.marker, "posted_at": result.posted_at.isoformat()}


# -- channel groups (issue 16): named lists of accounts; an advisory's `group:<name>` is expanded
# to them when the draft is saved (chalicelib/domain/groups.py, services/channel_groups.py).
CHOOSERS = frozenset({Role.SPOKESPERSON, Role.APPROVER, Role.ONCALL, Role.ADMIN})


@route("/channel-groups", methods=["GET"], authorizer=AUTHORIZER)
def list_channel_groups() -> dict[str, Any]:
    signed_in(CHOOSERS, "channel_group_read")
    return {"channel_groups": [web.group_view(g) for g in clarion().groups.all()]}


@route("/channel-groups/{name}", methods=["PUT"], authorizer=AUTHORIZER)
def put_channel_group(name: str) -> Response:
    admin = signed_in(ADMIN, "channel_group_put")
    from chalicelib.domain.groups import ChannelGroupDraft

    group, created = clarion().groups.put(admin, name, body(ChannelGroupDraft))
    return Response(web.group_view(group), status_code=201 if created else 200)


@route("/channel-groups/{name}", methods=["DELETE"], authorizer=AUTHORIZER)
def delete_channel_group(name: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_group_delete")
    from chalicelib.services.channel_groups import DeleteGroupQuery

    deleted = clarion().groups.delete(admin, name, web.validate(DeleteGroupQuery, query()).revision)
    return web.deleted_group_view(deleted)


# -- back office: readiness checks ----------------------------------------------------------------
# Each account's platform is asked "who am I, what may I do" without posting; the finding is recorded
# on the account (GET /channels shows it) and on-call is paged once per problem
# (chalicelib/services/readiness.py). On deployed stages the readiness function runs the checks.
@route("/channels/{channel_id}/check", methods=["POST"], authorizer=AUTHORIZER)
def check_channel(channel_id: str) -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_check")
    from chalicelib.composition import readiness as checks

    return web.channel_view(checks().check(admin, channel_id_of(channel_id)))


@route("/channels/check", methods=["POST"], authorizer=AUTHORIZER)
def check_channels() -> dict[str, Any]:
    admin = signed_in(ADMIN, "channel_check")
    from chalicelib.composition import readiness as checks

    checked, summary = checks().check_all(admin)
    return {"channels": [web.channel_view(c) for c in checked], "not_checked": summary.not_checked,
            "paged": summary.paged}


@app.schedule(Rate(1, unit=Rate.DAYS), name="readiness")
def readiness(event: Any) -> dict[str, Any]:
    """Every enabled channel account, daily (`detail` {}); the API's checks on deployed stages."""
    from chalicelib.composition import readiness as checks
    from chalicelib.services.readiness import run_request

    return checks().checks.run(run_request(event.detail)).model_dump()


# -- back office: organisation settings and the kill switch ----------------------------------------
@route("/settings", methods=["GET"], authorizer=AUTHORIZER)
def read_settings() -> dict[str, Any]:
    signed_in(ANYONE, "read")
    return web.dump(clarion().settings.current())


@route("/settings", methods=["PUT"], authorizer=AUTHORIZER)
def change_settings() -> dict[str, Any]:
    admin = signed_in(ADMIN, "settings_change")
    from chalicelib.domain.org import SettingsUpdate

    update = body(SettingsUpdate)
    return web.dump(clarion().settings.change(admin, update, update.revision))


@route("/switch", methods=["GET"], authorizer=AUTHORIZER)
def delivery_switch() -> Response:
    """The kill switch: running, pause_requested or paused (the console's banner while paused)."""
    signed_in(ANYONE, "read")
    return web.conditional(web.dump(clarion().switch.state()), header("if-none-match"))


@route("/switch/pause", methods=["POST"], authorizer=AUTHORIZER)
def request_pause() -> dict[str, Any]:
    admin = signed_in(ADMIN, "pause_request")
    from chalicelib.services.switch import PauseRequest

    return web.dump(clarion().switch.request_pause(admin, body(PauseRequest).reason))


@route("/switch/confirm", methods=["POST"], authorizer=AUTHORIZER)
def confirm_pause() -> dict[str, Any]:
    approver = signed_in(APPROVER, "pause_confirm")
    return web.dump(clarion().switch.confirm_pause(approver))


@route("/switch/resume", methods=["POST"], authorizer=AUTHORIZER)
def resume_deliveries() -> dict[str, Any]:
    admin = signed_in(ADMIN, "resume")
    resumed = clarion().switch.resume(admin)
    return {**web.dump(resumed.switch), "redriven": resumed.redriven}

# -- the console and the owned channels: public, no sign-in (the console's API calls carry the token)
@route("/", methods=["GET"])
def console() -> Response:
    return web.console_page(header("if-none-match"))


@route("/console/sign-in.json", methods=["GET"])
def console_sign_in() -> Response:
    return web.console_settings()


@route("/console/{asset}", methods=["GET"])
def console_asset(asset: str) -> Response:
    return web.console_asset(asset, header("if-none-match"))


@route("/favicon.ico", methods=["GET"])
def favicon() -> Response:
    return web.console_asset("favicon.svg", header("if-none-match"))


# -- the owned channels: public, no sign-in --------------------------------------------------------
@route("/feeds/cap.atom", methods=["GET"])
def cap_atom_feed() -> Response:
    return web.document(clarion().feeds.atom(), "application/atom+xml")


@route("/feeds/cap/{file_name}", methods=["GET"])
def cap_document(file_name: str) -> Response:
    advisory_id = web.strip_suffix(file_name, ".xml")
    return web.document(clarion().feeds.cap_document(advisory_id), "application/cap+xml")


@route("/banner.json", methods=["GET"])
def banner_json() -> Response:
    return web.public_json(clarion().feeds.banner_json())


@route("/banner.html", methods=["GET"])
def banner_html() -> Response:
    return web.document(clarion().feeds.banner_html(), "text/html")


# -- events -------------------------------------------------------------------------------------
@app.on_sns_message(topic=resources.trigger_topic_name(), name="on_trigger")
def on_trigger(event: Any) -> str:
    from chalicelib import handlers  # each handler imports its glue on first use: a small cold start

    return handlers.handle_sns_trigger(clarion(), handlers.sns_message_id(event), event.message)


def _delivery_worker(platform: str) -> Any:
    def deliver(event: Any) -> Any:
        """A typed DeliveryBatch; the SQS middleware logs it and answers Lambda with its response()."""
        from chalicelib import handlers

        return handlers.handle_delivery_batch(clarion(), platform, event.to_dict()["Records"])

    # Lambda finds a handler as `app.<function name>`: each worker is named and bound here.
    deliver.__name__ = deliver.__qualname__ = f"deliver_{platform}"
    return deliver


# One worker per platform queue; its concurrency follows the platform's rate limit.
for _platform, _spec in resources.QUEUES.items():
    globals()[f"deliver_{_platform}"] = app.on_sqs_message(
        queue=resources.queue_name(_platform), batch_size=_spec.batch_size,
        maximum_concurrency=_spec.max_concurrency,
        name=f"deliver_{_platform}")(_delivery_worker(_platform))


@app.schedule(Rate(15, unit=Rate.MINUTES), name="audit_digest")
def audit_digest(event: Any) -> dict[str, Any]:
    """Sign the audit chain heads that moved since the last digest, into the write-once digest
    bucket (services/audit_digest.py); the only function that may sign them."""
    from chalicelib.composition import audit_digester
    from chalicelib.domain.audit import full_check_due

    digest = audit_digester().run()
    # once a day, the whole trail too; a break pages on-call (AuditTrail.verify)
    full = clarion().audit.verify().as_dict() if full_check_due(event.time) else None
    return {"digest": digest.name, "chains": len(digest.heads), "full_check": full}


@app.schedule(Rate(1, unit=Rate.MINUTES), name="sweep")
def sweep(event: Any) -> dict[str, Any]:
    """Release advisories whose time has come, redrive late deliveries, expire old advisories."""
    released = clarion().advisories.release_due(system_actor("scheduler"))
    report = clarion().operations.sweep()
    return {"released": len(released), **report.__dict__}
