"""`make package`: the packaged template is complete, passes cfn-lint, and runs what app.py defines.

The package is built once per session with the same code `make package` runs
(`cloudformation.package`: `chalice package --merge-template`, then `finish`), for dev and prod.
"""
from __future__ import annotations

from fakes import capture

import json
import os
import platform as host
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import Role
from chalicelib.infra import cloudformation as cfn
from chalicelib.infra import resources as r
from chalicelib.infra.bootstrap import Provisioned
from conftest import PROJECT_DIR as _PROJECT_DIR
from test_api_access import PUBLIC, SIGN_IN_SETTINGS

PROJECT_DIR = Path(_PROJECT_DIR)

STAGES = ("dev", "prod")
# The routes the access tests treat as public (test_api_access.PUBLIC): the only ones without the authorizer.
PUBLIC_PATHS = {path.replace("{file}", "{file_name}") for _, path in PUBLIC + SIGN_IN_SETTINGS}


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("package")
    # One after the other: both stages share Chalice's dependency cache in .chalice/deployments.
    return {stage: cfn.package(stage, out / stage) for stage in STAGES}


@pytest.fixture(scope="session")
def templates(packaged: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return {stage: json.loads(path.read_text()) for stage, path in packaged.items()}


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Chalice name -> function properties."""
    out = {}
    for resource in of_type(template, "AWS::Serverless::Function").values():
        props = resource["Properties"]
        out[props["FunctionName"].split("-", 2)[2]] = props
    return out


# -- the template as a whole --------------------------------------------------------------------------
def test_cfn_lint_passes_on_both_stages(packaged: dict[str, Path]) -> None:
    with ThreadPoolExecutor(len(packaged)) as pool:
        results = dict(zip(packaged, pool.map(cfn.lint, packaged.values()), strict=False))
    for stage, result in results.items():
        assert result.returncode == 0, f"cfn-lint on {stage}:\n{result.stdout}{result.stderr}"


def test_cfn_lint_is_not_a_rubber_stamp(tmp_path: Path) -> None:
    broken = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Queue": {
        "Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60, "RedrivePolicy": {
            "deadLetterTargetArn": {"Fn::GetAtt": ["MissingDlq", "Arn"]}, "maxReceiveCount": 5}}}}}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = cfn.lint(path)
    assert result.returncode != 0 and "MissingDlq" in result.stdout


def test_every_function_app_py_defines_is_packaged(templates: dict[str, dict[str, Any]]) -> None:
    import app as app_module

    defined = {"api_handler"} | {c.name for c in app_module.app.event_sources}
    for stage, template in templates.items():
        assert set(functions(template)) == defined == set(cfn.function_names()), stage


def test_every_handler_names_a_callable_in_app_py(templates: dict[str, dict[str, Any]]) -> None:
    import app as app_module

    for name, props in functions(templates["dev"]).items():
        module, _, attribute = props["Handler"].partition(".")
        assert module == "app" and callable(getattr(app_module, attribute, None)), (name, props["Handler"])


# -- storage ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_the_table_keeps_its_data(templates: dict[str, dict[str, Any]], stage: str) -> None:
    table = templates[stage]["Resources"]["ClarionTable"]
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    definition = r.table_definition(stage)
    assert {k: props[k] for k in definition} == definition
    assert props["TableName"] == f"clarion-{stage}"


@pytest.mark.parametrize("stage", STAGES)
def test_the_owned_bucket_is_private_and_tls_only(templates: dict[str, dict[str, Any]], stage: str) -> None:
    resources = templates[stage]["Resources"]
    bucket = resources["OwnedBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketName"] == {"Fn::Sub": f"clarion-{stage}-owned-${{AWS::AccountId}}-${{AWS::Region}}"}
    [statement] = resources["OwnedBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# -- topics, queues, subscriptions ---------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_the_topics(templates: dict[str, dict[str, Any]], stage: str) -> None:
    resources = templates[stage]["Resources"]
    names = {lid: res["Properties"]["TopicName"] for lid, res in of_type(templates[stage], "AWS::SNS::Topic").items()}
    assert names == {"BroadcastTopic": r.broadcast_topic_name(stage), "TriggerTopic": r.trigger_topic_name(stage),
                     "AlertTopic": r.alert_topic_name(stage), "SmsTopic": r.sms_topic_name(stage)}
    # CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key.
    assert "KmsMasterKeyId" not in resources["AlertTopic"]["Properties"]


@pytest.mark.parametrize("stage", STAGES)
def test_one_queue_and_dlq_per_platform_with_redrive_filter_and_policy(
        templates: dict[str, dict[str, Any]], stage: str) -> None:
    resources = templates[stage]["Resources"]
    subscriptions = of_type(templates[stage], "AWS::SNS::Subscription")
    policies = of_type(templates[stage], "AWS::SQS::QueuePolicy")
    for platform, spec in r.QUEUES.items():
        queue_id, dlq_id = cfn.logical_id(platform, "queue"), cfn.logical_id(platform, "dlq")
        queue, dlq = resources[queue_id]["Properties"], resources[dlq_id]["Properties"]
        assert queue["QueueName"] == r.queue_name(platform, stage)
        assert dlq["QueueName"] == r.dlq_name(platform, stage)
        assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                                          "maxReceiveCount": spec.max_receive_count}
        [sub] = [s["Properties"] for s in subscriptions.values()
                 if s["Properties"].get("Endpoint") == {"Fn::GetAtt": [queue_id, "Arn"]}]
        assert sub["TopicArn"] == {"Ref": "BroadcastTopic"} and sub["Protocol"] == "sqs"
        assert sub["FilterPolicy"] == r.filter_policy(platform) and sub["RawMessageDelivery"] is True
        [policy] = [p["Properties"] for p in policies.values() if p["Properties"]["Queues"] == [{"Ref": queue_id}]]
        [statement] = policy["PolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "sns.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": "BroadcastTopic"}}}


@pytest.mark.parametrize("stage", STAGES)
def test_every_sqs_event_source_reports_batch_item_failures(templates: dict[str, dict[str, Any]], stage: str) -> None:
    resources = templates[stage]["Resources"]
    seen = set()
    for name, props in functions(templates[stage]).items():
        for event in props.get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            e = event["Properties"]
            assert e["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
            platform = name.removeprefix("deliver_")
            spec = r.QUEUES[platform]
            assert e["Queue"] == {"Fn::GetAtt": [cfn.logical_id(platform, "queue"), "Arn"]}, name
            assert e["BatchSize"] == spec.batch_size
            assert e["ScalingConfig"]["MaximumConcurrency"] >= 2  # Lambda's minimum
            # Lambda refuses a mapping whose queue's visibility timeout is below the function's timeout.
            queue = resources[cfn.logical_id(platform, "queue")]["Properties"]
            assert props["Timeout"] <= queue["VisibilityTimeout"], name
            seen.add(platform)
    assert seen == set(r.PLATFORMS)


@pytest.mark.parametrize("stage", STAGES)
def test_triggers_come_from_the_trigger_topic_and_failures_land_in_a_dlq(
        templates: dict[str, dict[str, Any]], stage: str) -> None:
    trigger = functions(templates[stage])["on_trigger"]
    [event] = trigger["Events"].values()
    assert event == {"Type": "SNS", "Properties": {"Topic": {"Ref": "TriggerTopic"}}}
    assert trigger["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["TriggerDlq", "Arn"]}}
    assert templates[stage]["Resources"]["TriggerDlq"]["Properties"]["QueueName"] == f"clarion-{stage}-trigger-dlq"


@pytest.mark.parametrize("stage", STAGES)
def test_the_sweeper_runs_every_minute(templates: dict[str, dict[str, Any]], stage: str) -> None:
    sweep = functions(templates[stage])["sweep"]
    assert sweep["Handler"] == "app.sweep"
    assert [e["Properties"]["Schedule"] for e in sweep["Events"].values() if e["Type"] == "Schedule"] == [
        "rate(1 minute)"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_readiness_checks_run_daily(templates: dict[str, dict[str, Any]], stage: str) -> None:
    readiness = functions(templates[stage])["readiness"]
    assert readiness["Handler"] == "app.readiness"
    assert [e["Properties"]["Schedule"] for e in readiness["Events"].values() if e["Type"] == "Schedule"] == [
        "rate(1 day)"]


# -- alarms ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_alarms_on_every_dlq_on_deliveries_past_deadline_and_on_the_sweeper(
        templates: dict[str, dict[str, Any]], stage: str) -> None:
    alarms = [a["Properties"] for a in of_type(templates[stage], "AWS::CloudWatch::Alarm").values()]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": "AlertTopic"}] and alarm["Threshold"] == 0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    watched = {a["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in alarms if a["Namespace"] == "AWS/SQS"}
    assert all(a["MetricName"] == "ApproximateNumberOfMessagesVisible" for a in alarms if a["Namespace"] == "AWS/SQS")
    assert watched == {cfn.logical_id(p, "dlq") for p in r.PLATFORMS} | {"TriggerDlq"}
    [late] = [a for a in alarms if a.get("MetricName") == "DeliveriesPastDeadline"]
    assert late["Namespace"] == "Clarion" and late["TreatMissingData"] == "breaching"
    assert late["Dimensions"] == [{"Name": "service", "Value": "clarion"}, {"Name": "stage", "Value": stage}]
    [errors] = [a for a in alarms if a["Namespace"] == "AWS/Lambda"]
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "Sweep"}}]


def test_the_past_deadline_alarm_watches_what_the_sweeper_emits(templates: dict[str, dict[str, Any]],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import observability

    monkeypatch.setenv("CLARION_STAGE", "dev")
    with capture() as out:
        observability.observe_sweep(observability.telemetry(), {"late": ["x:a", "slack:b"]}, {}, 1)
    [(value, dimensions)] = out.metrics()["DeliveriesPastDeadline"]
    [alarm] = [a["Properties"] for a in of_type(templates["dev"], "AWS::CloudWatch::Alarm").values()
               if a["Properties"].get("MetricName") == "DeliveriesPastDeadline"]
    assert value == [2.0]
    assert dimensions == {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert alarm["Namespace"] == observability.NAMESPACE


# -- users and the authorizer ---------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_cognito_pool_groups_and_the_authorizer(templates: dict[str, dict[str, Any]], stage: str) -> None:
    resources = templates[stage]["Resources"]
    pool = resources["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert pool["MfaConfiguration"] == ("ON" if stage == "prod" else "OPTIONAL")
    assert pool["DeletionProtection"] == ("ACTIVE" if stage == "prod" else "INACTIVE")
    groups = {g["Properties"]["GroupName"] for g in of_type(templates[stage], "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {role.value for role in Role} == set(cfn.ROLES)
    body = resources["RestAPI"]["Properties"]["DefinitionBody"]
    [(scheme_name, scheme)] = body["securityDefinitions"].items()
    assert scheme["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools", "providerARNs": [{"Fn::GetAtt": ["UserPool", "Arn"]}]}
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            expected = None if path in PUBLIC_PATHS else [{scheme_name: []}]
            assert operation.get("security") == expected, (method, path)


@pytest.mark.parametrize("stage", STAGES)
def test_the_console_signs_in_through_the_managed_login_with_pkce(templates: dict[str, dict[str, Any]],
                                                                    stage: str) -> None:
    resources = templates[stage]["Resources"]
    client = resources["UserPoolClient"]["Properties"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]  # no implicit flow: tokens never ride in a URL
    assert client["GenerateSecret"] is False  # a browser cannot keep a secret: PKCE instead
    assert client["CallbackURLs"] == client["LogoutURLs"] == [{"Fn::Sub": "${PublicBaseUrl}/"}]
    assert set(client["AllowedOAuthScopes"]) == {"openid", "email", "profile"}
    domain = resources["UserPoolDomain"]["Properties"]
    assert domain["UserPoolId"] == {"Ref": "UserPool"} and domain["ManagedLoginVersion"] == 2
    assert resources["ManagedLoginBranding"]["Properties"]["ClientId"] == {"Ref": "UserPoolClient"}
    api = functions(templates[stage])["api_handler"]["Environment"]["Variables"]
    assert api["CLARION_SIGN_IN_CLIENT_ID"] == {"Ref": "UserPoolClient"}
    assert api["CLARION_SIGN_IN_URL"] == {
        "Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}
    assert "CLARION_SIGN_IN_ISSUER" not in api  # API Gateway verifies tokens on deployed stages


# -- what every function is given -------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_every_function_knows_where_its_resources_are(templates: dict[str, dict[str, Any]], stage: str) -> None:
    wanted = set(Provisioned("t", "b", "tr", "a").environment()) | {"CLARION_STAGE", "CLARION_USER_POOL_ARN"}
    for name, props in functions(templates[stage]).items():
        variables = props["Environment"]["Variables"]
        assert wanted <= set(variables), name
        assert variables["CLARION_STAGE"] == stage
        assert variables["CLARION_TABLE"] == {"Ref": "ClarionTable"}
        assert variables["CLARION_SMS_TOPIC_ARN"] == {"Ref": "SmsTopic"}
        assert variables["CLARION_OWNED_BUCKET"] == {"Ref": "OwnedBucket"}
        assert variables["CLARION_USER_POOL_ARN"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
        assert props["FunctionName"] == f"clarion-{stage}-{name}"


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_has_its_own_role_with_its_own_policy_file(templates: dict[str, dict[str, Any]],
                                                                   stage: str) -> None:
    resources = templates[stage]["Resources"]
    roles = set()
    for name, props in functions(templates[stage]).items():
        role_id = props["Role"]["Fn::GetAtt"][0]
        roles.add(role_id)
        [policy] = resources[role_id]["Properties"]["Policies"]
        written = json.loads((PROJECT_DIR / ".chalice" / cfn.policy_file(stage, name)).read_text())
        assert policy["PolicyDocument"] == cfn.pin_arns(written, stage), name
        assert ":*:*:" not in json.dumps(policy["PolicyDocument"]), name  # region and account pinned
    assert len(roles) == len(cfn.function_names())


def test_pinned_arns_name_this_partition_region_account_and_bucket() -> None:
    assert cfn.pin_arns("arn:aws:sqs:*:*:clarion-dev-x", "dev") == {
        "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:clarion-dev-x"}
    assert cfn.pin_arns("arn:aws:s3:::clarion-prod-owned-*/*", "prod") == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::clarion-prod-owned-${AWS::AccountId}-${AWS::Region}/*"}
    assert cfn.pin_arns("ssm.*.amazonaws.com", "dev") == "ssm.*.amazonaws.com"


@pytest.mark.parametrize("stage", STAGES)
def test_the_email_worker_sends_only_as_the_deployments_sender_domain(templates: dict[str, dict[str, Any]],
                                                                       stage: str) -> None:
    """The policy files' placeholder domain becomes the SenderDomain parameter in the template."""
    template = templates[stage]
    assert "SenderDomain" in template["Parameters"] and "Default" not in template["Parameters"]["SenderDomain"]
    role_id = functions(template)["deliver_email"]["Role"]["Fn::GetAtt"][0]
    [policy] = template["Resources"][role_id]["Properties"]["Policies"]
    [send] = [st for st in policy["PolicyDocument"]["Statement"] if "ses:SendEmail" in st["Action"]]
    assert send["Resource"] == [{"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:"
                                            "identity/${SenderDomain}"}]
    assert send["Condition"]["StringLike"]["ses:FromAddress"] == {"Fn::Sub": "*@${SenderDomain}"}
    assert cfn.SENDER_DOMAIN_PLACEHOLDER not in json.dumps(template)


# -- the deployment package ----------------------------------------------------------------------------------------
def test_the_zip_holds_the_code_the_templates_and_the_dependencies(packaged: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(packaged["dev"].parent / "deployment.zip").namelist())
    templates_dir = PROJECT_DIR / "templates"
    wanted = {p.relative_to(PROJECT_DIR).as_posix() for p in templates_dir.rglob("*") if p.is_file()}
    assert wanted and wanted <= names
    assert {"app.py", "chalicelib/observability.py", "chalicelib/channels/mastodon.py"} <= names
    for package in ("pydantic", "jinja2", "aws_lambda_powertools", "regex", "gsm0338", "twitter_text"):
        assert any(n.startswith(package + "/") for n in names), package
    assert not any(n.startswith(("tests/", "local/", "bench/", "build/", ".chalice/")) for n in names)


def test_the_zip_carries_bytecode_that_stays_valid_after_extraction(packaged: dict[str, Path]) -> None:
    """Lambda cannot write __pycache__ in /var/task: without bytecode in the zip every cold start
    compiles every module (bench/cold_start.py measures it)."""
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(packaged["dev"].parent / "deployment.zip") as archive:
        names = set(archive.namelist())
        sources = [n for n in names if n.endswith(".py") and n.startswith(("app", "chalicelib/", "pydantic/"))]
        for source in sources:
            folder, _, file = source.rpartition("/")
            compiled = f"{folder + '/' if folder else ''}__pycache__/{file[:-3]}.{tag}.pyc"
            assert compiled in names, source
        header = archive.read(f"chalicelib/__pycache__/observability.{tag}.pyc")[:8]
    assert int.from_bytes(header[4:8], "little") == 0b01  # PEP 552: hash-based, unchecked


@pytest.mark.skipif(host.machine() != "x86_64" or sys.version_info[:2] != (3, 11),
                    reason="the package's compiled wheels are for Lambda's python3.11 on x86_64")
def test_the_zip_imports_and_renders_with_only_what_lambda_provides(packaged: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    """The zip on its own, plus only boto3 (which the Lambda runtime provides), as Lambda runs it:
    every function's handler exists and every Jinja2 template loads."""
    code = tmp_path / "task"
    zipfile.ZipFile(packaged["dev"].parent / "deployment.zip").extractall(code)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    import boto3
    import botocore
    import dateutil
    import jmespath
    import s3transfer
    import six
    import urllib3

    for module in (boto3, botocore, dateutil, jmespath, s3transfer, urllib3):
        os.symlink(Path(module.__file__).parent, runtime / Path(module.__file__).parent.name)
    os.symlink(six.__file__, runtime / "six.py")
    handlers = sorted({props["Handler"] for props in functions(json.loads(packaged["dev"].read_text())).values()})
    script = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "import app\n"
        "for handler in sys.argv[3:]: assert callable(getattr(app, handler.split('.', 1)[1])), handler\n"
        "from chalicelib.rendering.view import environment\n"
        "for name in environment().list_templates(): environment().get_template(name)\n"
        "print(len(environment().list_templates()), app.app.app_name)\n")
    env = {"CLARION_STAGE": "dev", "AWS_DEFAULT_REGION": "us-east-1", "PATH": os.environ.get("PATH", "")}
    done = subprocess.run([sys.executable, "-S", "-c", script, str(code), str(runtime), *handlers], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    count, name = done.stdout.split()
    assert int(count) > 0 and name == "clarion"


def test_packaging_ignores_local_overrides_and_needs_no_account(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLARION_TABLE", "CLARION_OWNED_BUCKET", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ACCESS_KEY_ID"):
        monkeypatch.setenv(name, "from-the-shell") if name.startswith(("CLARION", "AWS_END")) else \
            monkeypatch.delenv(name, raising=False)
    env = cfn.packaging_environment("prod")
    assert env["CLARION_STAGE"] == "prod"
    assert "CLARION_TABLE" not in env and "CLARION_OWNED_BUCKET" not in env and "AWS_ENDPOINT_URL" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "packaging-only"  # chalice package never calls AWS
