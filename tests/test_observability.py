"""Structured logs and metrics from the middleware: what every line says, and what none ever says."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import boto3
import pytest

from chalicelib import composition, observability
from fakes import FakeChannels, capture
from chalicelib.channels.port import PermanentError
from chalicelib.infra import cloudformation
from chalicelib.infra.bootstrap import Provisioned
from conftest import PROJECT_DIR, Api, advisory_body
from test_workers import approved, invoke, queued

TEXT_FIELDS = ("headline", "description", "instruction", "required_text")
DELIVERY_FIELDS = {"request_id", "correlation_id", "advisory_id", "channel", "platform", "state", "attempts",
                   "latency_ms", "final", "outcome"}


def secrets_in_ssm() -> list[str]:
    """Every credential string the local stage holds (the sandbox accounts' tokens)."""
    ssm = boto3.client("ssm")
    values = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(Path="/clarion/", Recursive=True,
                                                                       WithDecryption=True):
        for parameter in page["Parameters"]:
            values += [v for v in json.loads(parameter["Value"]).values() if isinstance(v, str) and len(v) >= 6]
    assert values, "the local stage seeds channel credentials"
    return values


def unreachable(*accounts: str) -> None:
    """Point HTTP accounts at a closed port: the adapter holds its token, the post cannot go out."""
    from chalicelib.services.common import revise

    store = composition.clarion().store
    for account_id in accounts:
        account = store.get_channel(account_id)
        store.commit([revise(account, settings={**account.settings, "base_url": "http://127.0.0.1:9"})[1]])


def assert_clean(text: str, secrets: list[str]) -> None:
    body = advisory_body()
    for field in TEXT_FIELDS:
        assert body[field] not in text, f"the advisory's {field} was logged"
    for secret in secrets:
        assert secret not in text, "a credential was logged"
    assert "demo-approver" not in text and "demo-spokesperson" not in text  # the local bearer tokens
    assert "Bearer" not in text


def test_a_delivery_and_a_failed_delivery_log_who_what_state_and_latency_and_nothing_secret(
        api: Api, aws: Provisioned) -> None:
    secrets = secrets_in_ssm()
    # Telegram cannot reach its platform: the adapter held its token (in the URL it calls), the
    # delivery is deferred for a retry. Slack's credentials are gone: it fails for good.
    unreachable("telegram:city-health")
    ref = composition.clarion().store.get_channel("slack:staff").secret_ref
    boto3.client("ssm").delete_parameter(Name=ref)
    with capture() as out:
        advisory_id = approved(api, ["sms:subscribers", "slack:staff", "telegram:city-health"])
        for platform in ("sms", "slack", "telegram"):
            invoke(api, platform, queued(aws, platform))
    lines = out.lines  # every line is JSON
    deliveries = out.logs("delivery")
    assert {(d["channel"], d["state"]) for d in deliveries} >= {
        ("sms:subscribers", "sent"), ("telegram:city-health", "pending"), ("slack:staff", "failed")}
    for line in deliveries:
        assert set(line) >= DELIVERY_FIELDS, line
        assert line["advisory_id"] == advisory_id and isinstance(line["latency_ms"], int)
        assert line["platform"] == line["channel"].split(":")[0]
    [failed] = [d for d in deliveries if d["state"] == "failed"]
    assert failed["final"] is True and failed["level"] == "WARNING" and ref in failed["error"]
    [sent] = [d for d in deliveries if d["state"] == "sent"]
    assert sent["outcome"] == "finished now" and sent["attempts"] == 1
    requests = out.logs("request")
    assert {(r["route"], r["status"]) for r in requests} >= {("/advisories/{advisory_id}/approve", 200)}
    assert all("request_id" in r and "latency_ms" in r and "method" in r for r in requests)
    assert len(lines) > len(deliveries) + len(requests)  # batches and metrics too
    assert_clean(out.text, secrets)


def test_an_error_that_echoes_the_advisory_or_a_token_is_cut_before_it_is_logged(
        api: Api, aws: Provisioned) -> None:
    body = advisory_body()
    fakes = FakeChannels()
    fakes.channel(composition.clarion().store.get_channel("mastodon:city-health")).script = [
        PermanentError(f"422 Unprocessable: status {body['description']} {body['required_text']} "
                       f"rejected; access_token=s3cr3t-t0ken-value")]
    with capture() as out:
        approved(api, ["mastodon:city-health"])
        composition.clarion().delivery.channels = fakes
        invoke(api, "mastodon", queued(aws, "mastodon"))
    [failed] = out.logs("delivery")
    assert failed["state"] == "failed"
    assert "[advisory text]" in failed["error"] and "access_token=***" in failed["error"]
    assert "s3cr3t-t0ken-value" not in out.text
    assert_clean(out.text, [])


def test_delivery_metrics_per_platform(api: Api, aws: Provisioned) -> None:
    unreachable("slack:staff")
    with capture() as out:
        approved(api, ["sms:subscribers", "email:subscribers", "slack:staff"])
        for platform in ("sms", "email", "slack"):
            invoke(api, platform, queued(aws, platform))
    metrics = out.metrics()
    sent = {dims["platform"]: value for value, dims in metrics["DeliveriesSent"]}
    assert sent == {"sms": [1.0], "email": [1.0], "slack": [0.0]}
    assert {dims["platform"] for _, dims in metrics["DeliveryLatencyMs"]} == {"sms", "email"}
    assert all(v[0] >= 0 for v, _ in metrics["DeliveryLatencyMs"])
    assert {dims["platform"]: value for value, dims in metrics["DeliveriesDeferred"]}["slack"] == [1.0]
    for _, dims in metrics["DeliveriesSent"]:
        assert dims["service"] == "clarion" and dims["stage"] == "local"


def test_a_permanent_failure_counts_as_failed(api: Api, aws: Provisioned) -> None:
    approved(api, ["slack:staff"])
    ref = composition.clarion().store.get_channel("slack:staff").secret_ref
    boto3.client("ssm").delete_parameter(Name=ref)
    with capture() as out:
        invoke(api, "slack", queued(aws, "slack"))
    assert out.metrics()["DeliveriesFailed"] == [([1.0], {"stage": "local", "platform": "slack",
                                                          "service": "clarion"})]


def scheduled_event() -> dict[str, Any]:
    return {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": "2024-01-01T00:00:00Z", "region": "us-east-1",
            "resources": [], "detail": {}}


def test_every_sweep_reports_deliveries_past_their_deadline(api: Api, aws: Provisioned) -> None:
    with capture() as out:
        report = api.client.lambda_.invoke("sweep", scheduled_event()).payload
    assert "late" in report and "alerted" in report  # the sweeper's SweepReport, which observability counts
    [(value, dimensions)] = out.metrics()["DeliveriesPastDeadline"]
    assert value == [0.0]
    alarm = cloudformation.past_deadline_alarm("local")["Properties"]
    assert dimensions == {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    [line] = out.logs("sweep")
    assert line["past_deadline"] == 0 and "request_id" in line


def test_past_deadline_counts_every_late_delivery_not_only_the_new_alerts() -> None:
    with capture() as out:
        observability.observe_sweep(observability.telemetry(), {
            "released": 1, "redriven": ["x:a"], "late": ["x:a", "slack:b", "x:a"], "alerted": ["x:a"],
            "expired": [], "repinned": []}, {"request_id": "r-1"}, 5)
    metrics = out.metrics()
    assert metrics["DeliveriesPastDeadline"][0][0] == [3.0]
    assert metrics["DeliveriesRedriven"][0][0] == [1.0] and metrics["AdvisoriesReleased"][0][0] == [1.0]
    [line] = out.logs("sweep")
    assert line["level"] == "WARNING" and line["late_channels"] == ["slack:b", "x:a"] and line["alerted"] == 1


@pytest.mark.parametrize("count", [1, 99, 100, 250])
def test_a_batch_of_many_deliveries_emits_every_value_in_documents_of_at_most_99(count: int) -> None:
    latencies = [float(n) for n in range(count)]
    with capture() as out:
        observability.telemetry().emit([("DeliveryLatencyMs", "Milliseconds", latencies),
                                        ("DeliveriesSent", "Count", count)], "local", platform="sms")
    documents = out.metrics()["DeliveryLatencyMs"]
    values = [v for value, _ in documents for v in (value if isinstance(value, list) else [value])]
    assert sorted(values) == latencies and len(documents) == -(-count // 99)
    assert all(len(value if isinstance(value, list) else [value]) <= 99 for value, _ in documents)
    assert [v for v, _ in out.metrics()["DeliveriesSent"]] in ([float(count)], [[float(count)]])
    assert not out.logs("could not observe deliveries")


def test_a_trigger_logs_its_outcome_not_its_parameters(api: Api, aws: Provisioned) -> None:
    event = {"Records": [{"EventSource": "aws:sns", "Sns": {
        "MessageId": "m-42", "Message": json.dumps({"template_id": "tpl_missing", "parameters": {
            "area": "Riverside secret area"}, "source": "pager"}), "TopicArn": aws.trigger_topic_arn,
        "Subject": None, "Timestamp": "2024-01-01T00:00:00Z", "MessageAttributes": {}}}]}
    with capture() as out:
        assert api.client.lambda_.invoke("on_trigger", event).payload.startswith("refused")
    [line] = out.logs("trigger")
    assert line["outcome"] == "refused" and line["correlation_id"] == "m-42"
    assert "Riverside secret area" not in out.text
    assert out.metrics()["TemplateTriggers"] == [([1.0], {"stage": "local", "outcome": "refused",
                                                          "service": "clarion"})]


def test_masking() -> None:
    assert observability.mask("Authorization: Bearer abc.def") == "Authorization: ***"
    assert observability.mask('{"bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef12"}') == '{"bot_token": "***"}'
    assert observability.mask("xoxb-1234-abcd") == "***"
    assert observability.mask("delivered to mastodon:city-health") == "delivered to mastodon:city-health"


def test_importing_the_app_does_not_import_powertools() -> None:
    code = "import sys, app; print('aws_lambda_powertools' in sys.modules, 'boto3' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                          env={"CLARION_STAGE": "dev", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_metric_names_are_the_ones_the_alarms_watch(stage: str) -> None:
    alarm = cloudformation.past_deadline_alarm(stage)["Properties"]
    assert alarm["Namespace"] == observability.NAMESPACE == cloudformation.METRICS_NAMESPACE
    assert alarm["MetricName"] == cloudformation.PAST_DEADLINE_METRIC == "DeliveriesPastDeadline"
    assert cloudformation.SERVICE == observability.SERVICE
