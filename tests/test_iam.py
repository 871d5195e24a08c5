"""The IAM policies (.chalice/policy-<stage>[-<function>].json): least privilege.

`make generate` (chalicelib/infra/generate.py) writes them, and .chalice/config.json which gives
each function its own, from the platforms' specifications: every function has its own role and
policy, and a platform's worker gets what its platform's grants (chalicelib/platforms.Grant) say.
This test does not trust the generator: it holds, per function and per grant, every (action,
resource) needed and why; it checks that

- the files on disk are what the specifications generate (`generate --check`);
- every AWS operation the code can make is in the table below (found by scanning the code for
  the operations of the AWS services it makes clients for), mapped to its IAM actions;
- each function's policy allows exactly what that function needs: nothing missing (a call that
  would be denied at 3 a.m.), nothing extra;
- no policy has a `*` action, a wildcard action, a `*` resource, NotAction / NotResource or Deny
  tricks, and prod's policies are dev's with the stage's names.
"""
from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from collections.abc import Iterable

import botocore.session
import pytest
from botocore import xform_name

from chalicelib.infra import cloudformation as cfn
from chalicelib.infra import generate
from chalicelib.platforms import Grant, indexed
from chalicelib.infra import resources as r
from conftest import PROJECT_DIR as _PROJECT_DIR

PROJECT_DIR = Path(_PROJECT_DIR)
CHALICE = PROJECT_DIR / ".chalice"
STAGES = ("dev", "prod")
ACCOUNT, REGION = "123456789012", "eu-west-1"

# Every AWS operation the Lambda code makes, and the IAM actions it needs (DynamoDB transactions
# are authorised per item: TransactItems holding only `Put` need dynamodb:PutItem).
OPERATIONS: dict[str, tuple[str, ...]] = {
    "get_item": ("dynamodb:GetItem",),                     # adapters/dynamodb.py: reads
    "query": ("dynamodb:Query",),                          # adapters/dynamodb.py: table, gsi1, gsi2
    "batch_get_item": ("dynamodb:BatchGetItem",),          # adapters/dynamodb.py: reads by many keys
    "transact_write_items": ("dynamodb:PutItem",),         # adapters/dynamodb.py: every write
    "publish": ("sns:Publish",),                           # adapters/sns.py, channels/sms.py
    "publish_batch": ("sns:Publish",),                     # adapters/sns.py: a large fan-out, ten a call
    "send_message": ("sqs:SendMessage",),                  # adapters/sqs.py: redrive, dead-letter, hold
    "get_queue_url": ("sqs:GetQueueUrl",),                 # adapters/sqs.py
    "change_message_visibility": ("sqs:ChangeMessageVisibility",),  # adapters/sqs.py: backoff
    "get_parameter": ("ssm:GetParameter",),                # secrets.py: channel credentials
    "put_parameter": ("ssm:PutParameter",),                # secrets.py: PUT /channels/{id}/credentials
    "delete_parameter": ("ssm:DeleteParameter",),          # secrets.py: DELETE /channels/{id}
    "send_email": ("ses:SendEmail",),                      # channels/email.py (SES v2)
    "get_object": ("s3:GetObject",),                       # channels/owned.py
    "put_object": ("s3:PutObject",),                       # channels/owned.py
    # the readiness checks (channels/*.py `_check`, services/readiness.py): read-only questions
    "get_account": ("ses:GetAccount",),                    # channels/email.py: sending enabled, production
    "get_email_identity": ("ses:GetEmailIdentity",),       # channels/email.py: the sender is verified
    "get_sms_sandbox_account_status": ("sns:GetSMSSandboxAccountStatus",),  # channels/sms.py
    "get_sms_attributes": ("sns:GetSMSAttributes",),       # channels/sms.py: MonthlySpendLimit
    "head_bucket": ("s3:ListBucket",),                     # channels/owned.py: HeadBucket is ListBucket's
    "invoke": ("lambda:InvokeFunction",),                  # adapters/lambda_readiness.py: the API's checks
    # adapters/digests.py: the signed audit digests (the digest function signs and writes; the API verifies)
    "sign": ("kms:Sign",),
    "verify": ("kms:Verify",),
    "list_objects_v2": ("s3:ListBucket",),
    # adapters/cognito.py: the user directory (GET /users, PUT / DELETE /users/{id}/roles/{role});
    # `list_users` is also the Store's and the access service's (DynamoDB), a word shared with Cognito
    "list_users": ("cognito-idp:ListUsers",),
    "list_users_in_group": ("cognito-idp:ListUsersInGroup",),
    "admin_list_groups_for_user": ("cognito-idp:AdminListGroupsForUser",),
    "admin_add_user_to_group": ("cognito-idp:AdminAddUserToGroup",),
    "admin_remove_user_from_group": ("cognito-idp:AdminRemoveUserFromGroup",),
    "detect_phi": ("comprehendmedical:DetectPHI",),
}
# Operations in the code that no Lambda function makes, and why.
NOT_IN_LAMBDA = {
    "delete_object": "owned channels' delete(): only scripts/try_post.py --delete-after deletes a post",
    "scan": "phi.scan() (screening), a word that is also a DynamoDB operation; the store never scans",
    "get_user": "Store.get_user (DynamoDB), a word that is also a Cognito operation; the directory never calls it",
}
# Read-only questions about the AWS account itself, and Comprehend Medical's DetectPHI (which has
# no resource types), which IAM authorises on no resource but `*`.
ACCOUNT_LEVEL_READS = {"ses:GetAccount", "sns:GetSMSAttributes", "sns:GetSMSSandboxAccountStatus",
                       "comprehendmedical:DetectPHI"}
# Actions no code calls but the platform needs on the function's behalf.
PLATFORM_ACTIONS = {
    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",    # the function's logs
    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",    # the SQS event source
    "kms:Decrypt",          # SecureString parameters under a customer managed key (via SSM only)
    "kms:Encrypt", "kms:GenerateDataKey",  # writing them (standard / advanced tier), via SSM only
    "s3:ListBucket",        # without it S3 answers 403, not NoSuchKey, for a banner not yet written
}


def arn(service: str, resource: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def needs(stage: str, function: str) -> set[tuple[str, str]]:
    """Everything `function` does in AWS, as (action, concrete resource ARN)."""
    p = r.prefix(stage)
    table, index = arn("dynamodb", f"table/{p}"), arn("dynamodb", f"table/{p}/index/gsi1")
    log_group = arn("logs", f"log-group:/aws/lambda/{cfn.function_name(stage, function)}")
    topic = {name: arn("sns", name) for name in (r.broadcast_topic_name(stage), r.alert_topic_name(stage),
                                                 r.sms_topic_name(stage))}
    queues = [arn("sqs", r.queue_name(x, stage)) for x in r.PLATFORMS]
    bucket = f"{p}-owned-{ACCOUNT}-{REGION}"
    # CreateLogGroup is authorised on `log-group:NAME` or `log-group:NAME:*`: both name this group only.
    out = {("logs:CreateLogGroup", log_group), ("logs:CreateLogGroup", f"{log_group}:*"),
           ("logs:CreateLogStream", f"{log_group}:log-stream:2024/01/01/x"),
           ("logs:PutLogEvents", f"{log_group}:log-stream:2024/01/01/x"),
           ("dynamodb:GetItem", table), ("dynamodb:Query", table), ("dynamodb:Query", index),
           ("dynamodb:BatchGetItem", table),  # a worker's batch; the accounts an advisory targets
           ("dynamodb:PutItem", table)}

    def redrive() -> set[tuple[str, str]]:  # operations.retry / sweep -> SqsRedriver.redrive
        return {(a, q) for q in queues for a in ("sqs:SendMessage", "sqs:GetQueueUrl")}

    def secrets(platforms: Iterable[str]) -> set[tuple[str, str]]:  # registry.credentials -> SSM
        found = set()
        for platform in platforms:
            parameter = arn("ssm", f"parameter/clarion/{stage}/channels/{platform}/city-health")
            found |= {("ssm:GetParameter", parameter), ("kms:Decrypt", arn("kms", "key/1234abcd-12ab-34cd-56ef"))}
        return found

    def owned() -> set[tuple[str, str]]:  # channels/owned.py: S3Documents.read / write
        return {("s3:GetObject", f"arn:aws:s3:::{bucket}/banner.json"),
                ("s3:PutObject", f"arn:aws:s3:::{bucket}/cap/feed.json"),
                ("s3:ListBucket", f"arn:aws:s3:::{bucket}")}

    def granted(grant: str, platforms: list[str]) -> set[tuple[str, str]]:  # what a Grant is for
        if grant == Grant.SECRETS:
            return secrets(platforms)
        if grant == Grant.SMS_TOPIC:  # channels/sms.py publishes to the subscribers' topic
            return {("sns:Publish", topic[r.sms_topic_name(stage)])}
        if grant == Grant.SEND_EMAIL:  # channels/email.py: SES v2 from the organisation's domain
            return {("ses:SendEmail", arn("ses", "identity/health.example.org"))}
        if grant == Grant.OWNED_BUCKET:
            return owned()
        raise AssertionError(f"unknown grant {grant!r}: say here what it needs")

    digests = f"arn:aws:s3:::{p}-audit-digests-{ACCOUNT}-{REGION}"
    audit_key = arn("kms", "key/1234abcd-12ab-34cd-56ef")

    def read_digests() -> set[tuple[str, str]]:  # AuditTrail.signed_digests: list, read, verify
        return {("s3:ListBucket", digests), ("s3:GetObject", f"{digests}/audit-digests/2026/x.json"),
                ("kms:Verify", audit_key)}

    platforms = indexed()
    if function == "audit_digest":  # services/audit_digest.py: reads the heads, signs, writes, pages
        out -= {("dynamodb:PutItem", table)}  # it appends nothing: no audit (or other) item to write
        out |= read_digests() | {("kms:Sign", audit_key), ("s3:PutObject", f"{digests}/audit-digests/2026/x.json"),
                                 ("sns:Publish", topic[r.alert_topic_name(stage)])}
    elif function == "api_handler":  # approve -> broadcast; POST /advisories/{id}/retry -> redrive
        out |= {("sns:Publish", topic[r.broadcast_topic_name(stage)])} | redrive() | read_digests()
        out |= {("dynamodb:Query", arn("dynamodb", f"table/{p}/index/gsi2"))}  # GET /advisories?view=
        # adapters/cognito.py on the stage's user pool (named by its placeholder until it is packaged)
        pool = arn("cognito-idp", f"userpool/{cfn.USER_POOL_PLACEHOLDER}")
        out |= {(a, pool) for a in ("cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup",
                                    "cognito-idp:AdminListGroupsForUser", "cognito-idp:AdminAddUserToGroup",
                                    "cognito-idp:AdminRemoveUserFromGroup")}
        # services/channel_accounts.py: an HTTP platform's account's credentials into SSM (and out, on
        # delete); a test post to a sandbox account reads them, as that platform's worker does
        http = [name for name, row in platforms.items() if Grant.SECRETS in row.grants]
        out |= secrets(http)
        key = arn("kms", "key/1234abcd-12ab-34cd-56ef")
        for platform in http:
            parameter = arn("ssm", f"parameter/clarion/{stage}/channels/{platform}/city-health")
            out |= {("ssm:PutParameter", parameter), ("ssm:DeleteParameter", parameter),
                    ("kms:Encrypt", key), ("kms:GenerateDataKey", key)}
        # POST /channels/{id}/check, /channels/check: the readiness function runs them (its role reads)
        out |= {("lambda:InvokeFunction", arn("lambda", f"function:{cfn.function_name(stage, 'readiness')}"))}
        out |= {("comprehendmedical:DetectPHI", "*")}  # the second opinion on patient data (a setting)
    elif function == "on_trigger":  # a template trigger broadcasts; Lambda parks failed events
        out |= {("sns:Publish", topic[r.broadcast_topic_name(stage)]),
                ("sqs:SendMessage", arn("sqs", cfn.trigger_dlq_name(stage)))}
    elif function == "readiness":  # services/readiness.py: asks every platform, posts nowhere, pages once
        out |= {("sns:Publish", topic[r.alert_topic_name(stage)])}
        having = {grant: [name for name, row in platforms.items() if grant in row.grants] for grant in Grant}
        out |= secrets(having[Grant.SECRETS])  # the HTTP platforms' "who am I" calls need their tokens
        if having[Grant.SMS_TOPIC]:  # channels/sms.py: the SMS sandbox and the spend limit
            out |= {("sns:GetSMSSandboxAccountStatus", "*"), ("sns:GetSMSAttributes", "*")}
        if having[Grant.SEND_EMAIL]:  # channels/email.py: the account, the sender address or its domain
            out |= {("ses:GetAccount", "*"), ("ses:GetEmailIdentity", arn("ses", "identity/health.example.org")),
                    ("ses:GetEmailIdentity", arn("ses", "identity/alerts@health.example.org"))}
        if having[Grant.OWNED_BUCKET]:  # channels/owned.py: HeadBucket, then the current documents
            out |= {("s3:ListBucket", f"arn:aws:s3:::{bucket}"), ("s3:GetObject", f"arn:aws:s3:::{bucket}/banner.json"),
                    ("s3:GetObject", f"arn:aws:s3:::{bucket}/cap/feed.json")}
    elif function == "sweep":  # release_due broadcasts; late deliveries: redrive + alert; pins
        out |= {("sns:Publish", topic[r.broadcast_topic_name(stage)]),
                ("sns:Publish", topic[r.alert_topic_name(stage)])} | redrive()
        # Unpinning on expiry goes through each platform's channel: it reads the credentials of
        # every platform that has them, and rewrites the owned documents; it never sends SMS or email.
        for grant in (Grant.SECRETS, Grant.OWNED_BUCKET):
            having = [name for name, row in platforms.items() if grant in row.grants]
            if having:
                out |= granted(grant, having)
    else:
        platform = function.removeprefix("deliver_")
        queue, dlq = arn("sqs", r.queue_name(platform, stage)), arn("sqs", r.dlq_name(platform, stage))
        out |= {("sns:Publish", topic[r.alert_topic_name(stage)])}   # DeliveryService._fail alerts
        out |= {(a, queue) for a in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                     "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl")}
        out |= {("sqs:SendMessage", dlq), ("sqs:GetQueueUrl", dlq)}  # SqsRedriver.dead_letter
        out |= {("sqs:SendMessage", queue)}  # SqsRedriver.hold: the kill switch holds a message
        for grant in platforms[platform].grants:
            out |= granted(grant, [platform])
    return out


def policy(stage: str, function: str) -> dict[str, Any]:
    return json.loads((CHALICE / cfn.policy_file(stage, function)).read_text())


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(action, resource, statement.get("Condition", {})) for statement in document["Statement"]
            for action in as_list(statement["Action"]) for resource in as_list(statement["Resource"])]


def allowed(document: dict[str, Any], action: str, resource: str) -> bool:
    return any(a.lower() == action.lower() and fnmatchcase(resource, pattern)
               for a, pattern, _ in grants(document))


FUNCTIONS = cfn.function_names()
CASES = [(stage, function) for stage in STAGES for function in FUNCTIONS]


# -- the code's AWS calls ------------------------------------------------------------------------------------
def code_files() -> list[Path]:
    local_only = {PROJECT_DIR / "chalicelib/infra/bootstrap.py", PROJECT_DIR / "chalicelib/seed.py"}
    return [p for p in sorted((PROJECT_DIR / "chalicelib").rglob("*.py")) if p not in local_only] + [
        PROJECT_DIR / "app.py"]


def aws_operations_in_code() -> dict[str, set[str]]:
    """Operation name -> files, for every operation of every AWS service the code makes clients for."""
    texts = {path: path.read_text() for path in code_files()}
    services = {s for text in texts.values() for s in re.findall(r"client\(\s*[\"']([a-z0-9-]+)[\"']", text)}
    session = botocore.session.get_session()
    operations = {xform_name(o) for s in services for o in session.get_service_model(s).operation_names}
    found: dict[str, set[str]] = {}
    for path, text in texts.items():
        for name in re.findall(r"(?:\.|[\"'])([a-z][a-z0-9_]+)\b", text):
            if name in operations:
                found.setdefault(name, set()).add(path.relative_to(PROJECT_DIR).as_posix())
    return found


def test_every_aws_operation_in_the_code_is_accounted_for() -> None:
    found = aws_operations_in_code()
    assert {"dynamodb", "sns", "sqs", "ssm", "sesv2", "s3"} <= {
        s for text in map(Path.read_text, code_files()) for s in re.findall(r"client\(\s*\"([a-z0-9-]+)\"", text)}
    unexplained = set(found) - set(OPERATIONS) - set(NOT_IN_LAMBDA)
    assert not unexplained, f"new AWS calls: add them to OPERATIONS and the policies: {unexplained}"
    assert set(OPERATIONS) | set(NOT_IN_LAMBDA) == set(found), "stale entries in the tables above"


def test_dynamodb_transactions_only_put() -> None:
    text = (PROJECT_DIR / "chalicelib/adapters/dynamodb.py").read_text()
    kinds = set(re.findall(r"[\"'](Put|Update|Delete|ConditionCheck)[\"']\s*:", text))
    assert kinds == {"Put"}, "other transaction items need dynamodb:UpdateItem/DeleteItem/ConditionCheckItem"


def test_every_needed_action_comes_from_the_code_or_the_platform() -> None:
    actions = {a for stage, function in CASES for a, _ in needs(stage, function)}
    from_code = {a for group in OPERATIONS.values() for a in group}
    assert actions == from_code | PLATFORM_ACTIONS


# -- each function's policy ------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage,function", CASES)
def test_the_policy_allows_everything_the_function_does(stage: str, function: str) -> None:
    document = policy(stage, function)
    missing = sorted(n for n in needs(stage, function) if not allowed(document, *n))
    assert not missing, f"{function} ({stage}) would be denied: {missing}"


@pytest.mark.parametrize("stage,function", CASES)
def test_the_policy_allows_nothing_else(stage: str, function: str) -> None:
    wanted = needs(stage, function)
    for action, pattern, _ in grants(policy(stage, function)):
        assert any(a == action and fnmatchcase(res, pattern) for a, res in wanted), (
            f"{function} ({stage}): {action} on {pattern} is not needed")


@pytest.mark.parametrize("stage,function", CASES)
def test_no_wildcard_actions_or_resources(stage: str, function: str) -> None:
    document = policy(stage, function)
    assert document["Version"] == "2012-10-17"
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}  # no Not*
        for action in as_list(statement["Action"]):
            assert "*" not in action and re.fullmatch(r"[a-z0-9-]+:[A-Za-z]+", action), action
        for resource in as_list(statement["Resource"]):
            if resource == "*":  # only the account-level reads, which IAM authorises on nothing narrower
                assert set(as_list(statement["Action"])) <= ACCOUNT_LEVEL_READS, statement
                continue
            assert resource.startswith("arn:aws:"), resource
            _service, region, account, rest = resource.split(":", 5)[2:6]
            assert region in ("*", "") and account in ("*", ""), resource  # pinned when packaged
            assert rest not in ("*", "*/*") and not rest.startswith("*"), resource


@pytest.mark.parametrize("stage,function", CASES)
def test_writes_only_in_transactions_and_keys_only_through_ssm(stage: str, function: str) -> None:
    for statement in policy(stage, function)["Statement"]:
        actions = as_list(statement["Action"])
        if "dynamodb:PutItem" in actions:  # every write carries its audit entry (Store.commit)
            assert actions == ["dynamodb:PutItem"]
            condition = dict(statement["Condition"])
            assert condition.pop("ForAnyValue:StringEquals") == {
                "dynamodb:EnclosingOperation": ["TransactWriteItems"]}
            kind = "worker" if function.startswith("deliver_") else function
            if kind == "api_handler":  # writes every kind of item
                assert condition == {}
            else:  # only its own partitions, and the audit trail
                assert condition == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(generate.WRITES[kind])}}
                assert "AUDIT#*" in generate.WRITES[kind] and not {"USER#*", "TPL#*", "CONF#*"} & set(generate.WRITES[kind])
        if "kms:Decrypt" in actions:
            condition = statement["Condition"]["StringLike"]
            assert condition["kms:ViaService"] == "ssm.*.amazonaws.com"
            secrets = [g[1] for g in grants({"Statement": [s for s in policy(stage, function)["Statement"]
                                                            if "ssm:GetParameter" in as_list(s["Action"])]})]
            assert condition["kms:EncryptionContext:PARAMETER_ARN"] == secrets
        if "kms:Encrypt" in actions or "kms:GenerateDataKey" in actions:
            condition = statement["Condition"]["StringLike"]
            assert condition["kms:ViaService"] == "ssm.*.amazonaws.com"
            written = [res for a, res, _ in grants(policy(stage, function)) if a == "ssm:PutParameter"]
            assert condition["kms:EncryptionContext:PARAMETER_ARN"] == written


def test_only_the_digest_function_signs_and_writes_digests_and_no_one_deletes_an_item() -> None:
    """Issue 16: a table writer must not be able to forge the trail's anchor. Only audit_digest may
    kms:Sign (the audit key, by its alias) and put digests; it writes no table item; and no
    function may delete or update any item (audit entries included), only PutItem in transactions."""
    for stage, function in CASES:
        actions = {a for a, _, _ in grants(policy(stage, function))}
        signs = {"kms:Sign", "s3:PutObject"} & actions
        if function == "audit_digest":
            assert signs == {"kms:Sign", "s3:PutObject"} and "dynamodb:PutItem" not in actions
            [(_, _key, condition)] = [g for g in grants(policy(stage, function)) if g[0] == "kms:Sign"]
            assert condition == {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [r.audit_key_alias(stage)]}}
            put = [res for a, res, _ in grants(policy(stage, function)) if a == "s3:PutObject"]
            assert put == [f"arn:aws:s3:::{r.prefix(stage)}-audit-digests-*/audit-digests/*"]
        else:
            assert "kms:Sign" not in actions and not any(
                "audit-digests" in res for a, res, _ in grants(policy(stage, function)) if a == "s3:PutObject")
        assert not actions & {"dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}


def test_the_readiness_function_asks_but_never_sends_or_writes() -> None:
    document = policy("prod", "readiness")
    sends_or_writes = {"ses:SendEmail", "s3:PutObject", "s3:DeleteObject", "ssm:PutParameter", "ssm:DeleteParameter",
                       "sqs:SendMessage", "kms:Encrypt"}
    assert not {a for a, _, _ in grants(document)} & sends_or_writes
    assert [r for a, r, _ in grants(document) if a == "sns:Publish"] == [
        arn("sns", r.alert_topic_name("prod"), "*", "*")]  # on-call's topic only, never the SMS one
    assert allowed(document, "ssm:GetParameter", arn("ssm", "parameter/clarion/prod/channels/slack/staff"))
    assert not allowed(policy("prod", "api_handler"), "ses:GetAccount", "*")  # the API asks the function
    assert allowed(policy("prod", "api_handler"), "lambda:InvokeFunction", arn("lambda", "function:clarion-prod-readiness"))


def test_a_worker_reads_only_its_own_platforms_secrets() -> None:
    document = policy("prod", "deliver_mastodon")
    assert allowed(document, "ssm:GetParameter", arn("ssm", "parameter/clarion/prod/channels/mastodon/city"))
    assert not allowed(document, "ssm:GetParameter", arn("ssm", "parameter/clarion/prod/channels/x/city"))
    assert not allowed(document, "ssm:GetParameter", arn("ssm", "parameter/clarion/dev/channels/mastodon/city"))
    assert not allowed(document, "ssm:PutParameter", arn("ssm", "parameter/clarion/prod/channels/mastodon/city"))


def test_the_api_writes_only_http_platforms_channel_secrets_of_its_stage() -> None:
    """PUT /channels/{id}/credentials, DELETE /channels/{id}, and test posts (which read them)."""
    api = policy("prod", "api_handler")
    for action in ("ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameter"):
        assert allowed(api, action, arn("ssm", "parameter/clarion/prod/channels/mastodon/city"))
        assert not allowed(api, action, arn("ssm", "parameter/clarion/dev/channels/mastodon/city"))
        assert not allowed(api, action, arn("ssm", "parameter/clarion/prod/other/secret"))
    aws_backed = [name for name, row in indexed().items() if Grant.SECRETS not in row.grants]
    for name in aws_backed:  # no credentials: their workers post with their own role
        assert not allowed(api, "ssm:PutParameter", arn("ssm", f"parameter/clarion/prod/channels/{name}/x"))
    for stage, function in CASES:  # no other function writes a secret
        document = policy(stage, function)
        assert any(a in ("ssm:PutParameter", "ssm:DeleteParameter", "kms:Encrypt", "kms:GenerateDataKey")
                   for a, _, _ in grants(document)) == (function == "api_handler"), function


def test_only_the_api_reaches_the_user_directory_and_only_the_stages_pool() -> None:
    for stage, function in CASES:
        actions = {a for a, _, _ in grants(policy(stage, function)) if a.startswith("cognito-idp:")}
        assert bool(actions) == (function == "api_handler"), function
    pool = arn("cognito-idp", f"userpool/{cfn.USER_POOL_PLACEHOLDER}")
    assert not allowed(policy("dev", "api_handler"), "cognito-idp:AdminCreateUser", pool)
    assert not allowed(policy("dev", "api_handler"), "cognito-idp:ListUsers",
                       arn("cognito-idp", "userpool/eu-west-1_SomeOther"))
    # Packaged, the placeholder is the template's own pool: `${UserPool}` is its id.
    assert cfn.pin_arns(f"arn:aws:cognito-idp:*:*:userpool/{cfn.USER_POOL_PLACEHOLDER}", "dev") == {
        "Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${UserPool}"}


def test_prod_is_dev_with_the_stage_names() -> None:
    for function in FUNCTIONS:
        dev = json.dumps(policy("dev", function))
        expected = dev.replace("clarion-dev", "clarion-prod").replace("/clarion/dev/", "/clarion/prod/")
        assert json.loads(expected) == policy("prod", function), function


def test_config_gives_every_function_its_policy_and_no_policy_is_stray() -> None:
    config = json.loads((CHALICE / "config.json").read_text())
    assert config["autogen_policy"] is False
    referenced = set()
    for stage in STAGES:
        settings = config["stages"][stage]
        assert settings["iam_policy_file"] == cfn.policy_file(stage, "api_handler")
        per_function = settings["lambda_functions"]
        assert set(per_function) == set(FUNCTIONS)
        for function in FUNCTIONS:
            assert per_function[function]["iam_policy_file"] == cfn.policy_file(stage, function)
            referenced.add(per_function[function]["iam_policy_file"])
    assert {p.name for p in CHALICE.glob("policy-*.json")} == referenced


def test_the_checker_catches_a_missing_and_an_extra_grant() -> None:
    platform = next(name for name, row in indexed().items() if Grant.SMS_TOPIC in row.grants)
    document = policy("dev", f"deliver_{platform}")
    sms_topic = arn("sns", r.sms_topic_name("dev"))
    assert allowed(document, "sns:Publish", sms_topic)
    without = {"Statement": [s for s in document["Statement"] if s["Sid"] != "PublishSms"]}
    assert not allowed(without, "sns:Publish", sms_topic)
    assert not allowed(document, "sns:Publish", arn("sns", r.broadcast_topic_name("dev")))


# -- the grants and the generated files -----------------------------------------------------------------------
def test_every_grant_is_used_and_its_needs_are_stated_here() -> None:
    used = {grant for row in indexed().values() for grant in row.grants}
    assert used == set(Grant), f"grants no platform has: {set(Grant) - used}"
    assert all(needs("dev", f"deliver_{name}") for name in indexed())  # no unknown grant (needs raises)


def test_an_http_platforms_worker_may_read_its_credentials() -> None:
    # An HTTP platform's adapter is built with its account's credentials from SSM (registry.credentials).
    for name, row in indexed().items():
        assert (Grant.SECRETS in row.grants) == row.http, name


def test_the_files_on_disk_are_what_the_specifications_generate(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--check"]) == 0, capsys.readouterr().out


# -- what each function writes, observed ---------------------------------------------------------------------
def partitions_of(document: dict[str, Any]) -> list[str] | None:
    """The LeadingKeys patterns a function's writes are held to (None: any)."""
    for statement in document["Statement"]:
        if "dynamodb:PutItem" in as_list(statement["Action"]):
            return statement["Condition"].get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
    return []


def test_what_each_function_writes_is_within_its_partitions(api: Any, aws: Any) -> None:
    """Run the functions through their real handlers on moto, note the partition key of every item
    each one writes, and check each against its policy's dynamodb:LeadingKeys."""
    import json
    from contextlib import contextmanager

    from chalicelib.composition import get_db
    from conftest import advisory_body, deliver_queued
    from test_observability import scheduled_event
    from test_templates_and_triggers import GOOD_PARAMS, approved_template, invoke_trigger

    written: dict[str, set[str]] = {}
    running = ["api_handler"]

    def note(params: dict[str, Any], **_: Any) -> None:
        for item in params.get("TransactItems", []):
            written.setdefault(running[-1], set()).add(item["Put"]["Item"]["pk"]["S"])

    @contextmanager
    def as_function(name: str) -> Any:
        running.append(name)
        try:
            yield
        finally:
            running.pop()

    get_db().meta.events.register("provide-client-params.dynamodb.TransactWriteItems", note)
    advisory = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body
    api.call("POST", f"/advisories/{advisory['id']}/submit", "demo-spokesperson")
    assert api.call("POST", f"/advisories/{advisory['id']}/approve", "demo-approver").status_code == 200
    for platform in ("mastodon", "sms", "banner"):
        with as_function(f"deliver_{platform}"):
            deliver_queued(api, aws, platform)
    template_id = approved_template(api)
    with as_function("on_trigger"):
        assert invoke_trigger(api, json.dumps({"template_id": template_id, "parameters": GOOD_PARAMS,
                                               "source": "iam-test"})).startswith("triggered")
    for name in ("sweep", "readiness"):
        with as_function(name):
            api.client.lambda_.invoke(name, scheduled_event())
    assert {"api_handler", "deliver_mastodon", "on_trigger", "readiness"} <= set(written), written
    for function, keys in written.items():
        patterns = partitions_of(policy("prod", function))
        assert patterns is not None or function == "api_handler"
        outside = sorted(k for k in keys if patterns is not None and not any(fnmatchcase(k, p) for p in patterns))
        assert not outside, f"{function} writes {outside}, outside {patterns}"
