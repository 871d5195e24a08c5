"""The CloudFormation resources for a stage, built from the same definitions as the local bootstrap.

`make package STAGE=dev` runs `package()`: it writes `resources_template(stage)` to
`build/<stage>/merge-template.json`, runs `chalice package --merge-template` on it (Chalice makes
the functions, their roles from `.chalice/policy-<stage>*.json`, the API and the event sources),
then `finish()` completes what Chalice 1.34 leaves out, and the result is `build/<stage>/sam.json`
(with `deployment.zip` beside it). What runs on AWS is what `provision()` creates on moto.

Never imported by a Lambda handler (it lives in chalicelib only to share `resources.py`).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from chalicelib.infra import resources as r

PROJECT_DIR = Path(__file__).resolve().parents[2]
SERVICE = "clarion"                  # POWERTOOLS_SERVICE_NAME: the `service` metric dimension
METRICS_NAMESPACE = "Clarion"        # where chalicelib/observability.py puts its metrics
PAST_DEADLINE_METRIC = "DeliveriesPastDeadline"
ROLES = ("spokesperson", "approver", "oncall", "auditor", "admin")  # = domain.models.Role values
# Chalice reads the authorizer's provider ARN from the environment when it imports app.py; the
# packaged template points it at the stage's user pool instead (see `finish`).
PLACEHOLDER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_packaging"


def logical_id(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", "-".join(words)) if w)


def function_names() -> list[str]:
    """Every Lambda function app.py defines, by its Chalice name (each has its own IAM policy)."""
    return ["api_handler", "on_trigger", "sweep", "readiness", "audit_digest",
            *[f"deliver_{p}" for p in r.PLATFORMS]]


def function_name(stage: str, name: str) -> str:
    """The deployed function's name (fixed, so its log group and policy can name it exactly)."""
    return f"{r.prefix(stage)}-{name}"


def policy_file(stage: str, name: str) -> str:
    """The hand-written policy of one function: `.chalice/policy-<stage>.json` is the API's."""
    return f"policy-{stage}.json" if name == "api_handler" else f"policy-{stage}-{name}.json"


# -- storage ---------------------------------------------------------------------------------------
def table(stage: str) -> dict[str, Any]:
    definition = r.table_definition(stage)
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            **definition,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"SSEEnabled": True},
        },
    }


def owned_bucket(stage: str) -> dict[str, Any]:
    """The owned channels' documents (banner, CAP, Atom). Private: the API serves them. Bucket
    names are global, so the deployed one carries the account and region."""
    return {
        "OwnedBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": {"Fn::Sub": owned_bucket_sub(stage)},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                # What the banner and the feed said, and when, outlives the current object.
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "expire-old-versions", "Status": "Enabled",
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 400}}]},
            },
        },
        "OwnedBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "OwnedBucket"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": ["OwnedBucket", "Arn"]},
                                 {"Fn::Sub": "${OwnedBucket.Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
            },
        },
    }


def owned_bucket_sub(stage: str) -> str:
    return f"{r.prefix(stage)}-owned-${{AWS::AccountId}}-${{AWS::Region}}"


def audit_digest_bucket_sub(stage: str) -> str:
    return f"{r.prefix(stage)}-audit-digests-${{AWS::AccountId}}-${{AWS::Region}}"


# How long each signed audit digest is locked (compliance mode: no one, root included, can delete
# or overwrite it before then).
AUDIT_DIGEST_RETENTION_DAYS = {"dev": 30, "prod": 2557}


def audit_digests(stage: str) -> dict[str, Any]:
    """The audit digests' signing key (asymmetric: only the digest function may kms:Sign; the API
    may kms:Verify) and their write-once bucket (Object Lock, compliance mode)."""
    return {
        "AuditDigestKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Signs Clarion's audit digests ({stage})",
                "KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "EnableKeyRotation": False,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "AccountAdministersThroughIam", "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                    "Action": "kms:*", "Resource": "*"}]},
            },
        },
        "AuditDigestKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": r.audit_key_alias(stage), "TargetKeyId": {"Ref": "AuditDigestKey"}},
        },
        "AuditDigestBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": {"Fn::Sub": audit_digest_bucket_sub(stage)},
                "ObjectLockEnabled": True,
                "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {
                    "Mode": "COMPLIANCE", "Days": AUDIT_DIGEST_RETENTION_DAYS.get(stage, 30)}}},
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            },
        },
    }


# -- topics and queues -------------------------------------------------------------------------------
def topic(name: str, encrypted: bool = True) -> dict[str, Any]:
    properties: dict[str, Any] = {"TopicName": name}
    if encrypted:
        properties["KmsMasterKeyId"] = "alias/aws/sns"
    return {"Type": "AWS::SNS::Topic", "Properties": properties}


def platform_queues(stage: str, platform: str) -> dict[str, Any]:
    """The queue, its DLQ, the policy letting only the broadcast topic send, the filtered
    subscription, and the alarm on the DLQ's depth."""
    spec = r.QUEUES[platform]
    queue, dlq = logical_id(platform, "queue"), logical_id(platform, "dlq")
    return {
        dlq: {"Type": "AWS::SQS::Queue",
              "Properties": {"QueueName": r.dlq_name(platform, stage),
                             "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}},
        queue: {"Type": "AWS::SQS::Queue",
                "Properties": {
                    "QueueName": r.queue_name(platform, stage),
                    "VisibilityTimeout": spec.visibility_timeout_s,
                    "SqsManagedSseEnabled": True,
                    "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                                      "maxReceiveCount": spec.max_receive_count}}},
        logical_id(platform, "queue-policy"): {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": queue}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                    "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "BroadcastTopic"}}}}]}}},
        logical_id(platform, "subscription"): {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": {"Ref": "BroadcastTopic"}, "Protocol": "sqs",
                           "Endpoint": {"Fn::GetAtt": [queue, "Arn"]},
                           "RawMessageDelivery": True,
                           "FilterPolicy": r.filter_policy(platform)}},
        logical_id(platform, "dlq-alarm"): dlq_alarm(stage, dlq, f"{platform}-dlq", f"{platform} deliveries"),
    }


def trigger_dlq(stage: str) -> dict[str, Any]:
    """Where a template trigger from SNS lands when the `on_trigger` function still fails after
    Lambda's two retries of an asynchronous invocation (a 3 a.m. trigger must never vanish)."""
    return {
        "TriggerDlq": {"Type": "AWS::SQS::Queue",
                       "Properties": {"QueueName": trigger_dlq_name(stage),
                                      "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}},
        "TriggerDlqAlarm": dlq_alarm(stage, "TriggerDlq", "trigger-dlq", "template triggers"),
    }


def trigger_dlq_name(stage: str) -> str:
    return f"{r.trigger_topic_name(stage)}-dlq"


# -- alarms ------------------------------------------------------------------------------------------
def _alarm(name: str, description: str, **properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": name, "AlarmDescription": description,
        "AlarmActions": [{"Ref": "AlertTopic"}], "OKActions": [{"Ref": "AlertTopic"}],
        "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0, "EvaluationPeriods": 1,
        **properties}}


def dlq_alarm(stage: str, dlq_logical_id: str, short: str, what: str) -> dict[str, Any]:
    return _alarm(
        f"{r.prefix(stage)}-{short}-not-empty",
        f"Messages in the dead-letter queue of {what}: something was not delivered. "
        "See docs/runbook.md, 'A dead-letter queue is not empty'.",
        Namespace="AWS/SQS", MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_logical_id, "QueueName"]}}],
        Statistic="Maximum", Period=60, TreatMissingData="notBreaching")


def metric_dimensions(stage: str) -> list[dict[str, str]]:
    """The dimensions observability.py puts on its stage-wide metrics (Powertools adds `service`)."""
    return [{"Name": "service", "Value": SERVICE}, {"Name": "stage", "Value": stage}]


def past_deadline_alarm(stage: str) -> dict[str, Any]:
    """The sweeper counts deliveries past their deadline every minute (0 when all is well), so no
    data for five minutes means the sweeper itself is not running: that alarms too."""
    return _alarm(
        f"{r.prefix(stage)}-deliveries-past-deadline",
        "Deliveries not final by their deadline (or the sweeper has stopped reporting). "
        "See docs/runbook.md, 'Deliveries past their deadline'.",
        Namespace=METRICS_NAMESPACE, MetricName=PAST_DEADLINE_METRIC,
        Dimensions=metric_dimensions(stage), Statistic="Maximum", Period=300,
        TreatMissingData="breaching")


def function_errors_alarm(stage: str, function_logical_id: str, name: str) -> dict[str, Any]:
    return _alarm(
        f"{r.prefix(stage)}-{name}-errors",
        f"The {name} function failed. See docs/runbook.md, 'Alarms'.",
        Namespace="AWS/Lambda", MetricName="Errors",
        Dimensions=[{"Name": "FunctionName", "Value": {"Ref": function_logical_id}}],
        Statistic="Sum", Period=300, TreatMissingData="notBreaching")


# -- users --------------------------------------------------------------------------------------------
# The console is served at the API's root; sign-in comes back there and sign-out goes there.
CONSOLE_URL = {"Fn::Sub": "${PublicBaseUrl}/"}
SIGN_IN_URL = {"Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}


def user_pool(stage: str) -> dict[str, Any]:
    """Cognito: the signed-in people; a user's groups are their Clarion roles."""
    prod = stage == "prod"
    flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    if not prod:  # lets `aws cognito-idp initiate-auth` fetch a token for a first test (docs/deploy.md)
        flows.append("ALLOW_USER_PASSWORD_AUTH")
    out: dict[str, Any] = {
        "UserPool": {
            "Type": "AWS::Cognito::UserPool",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "UserPoolName": f"{r.prefix(stage)}-users",
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                "AutoVerifiedAttributes": ["email"],
                "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
                           {"Name": "name", "AttributeDataType": "String", "Required": False, "Mutable": True}],
                "Policies": {"PasswordPolicy": {
                    "MinimumLength": 14, "RequireLowercase": True, "RequireUppercase": True,
                    "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 3}},
                "MfaConfiguration": "ON" if prod else "OPTIONAL",
                "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
                "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
                "DeletionProtection": "ACTIVE" if prod else "INACTIVE",
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": f"{r.prefix(stage)}-console",
                "UserPoolId": {"Ref": "UserPool"},
                "GenerateSecret": False,
                "ExplicitAuthFlows": flows,
                # The console signs in through the managed login: authorization code with PKCE
                # (a public client: no secret), back to the console at PublicBaseUrl.
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": ["openid", "email", "profile"],
                "SupportedIdentityProviders": ["COGNITO"],
                "CallbackURLs": [CONSOLE_URL],
                "LogoutURLs": [CONSOLE_URL],
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": True,
                # API Gateway accepts an ID token until it expires, even after a global sign-out:
                # keep them short (the app's disable endpoint refuses a disabled user at once).
                "IdTokenValidity": 30, "AccessTokenValidity": 30, "RefreshTokenValidity": 12,
                "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes",
                                       "RefreshToken": "hours"},
            },
        },
    }
    out["UserPoolDomain"] = {
        # The managed login's address: https://<prefix>.auth.<region>.amazoncognito.com. The
        # account id keeps the prefix unique across Cognito; a custom domain can replace it.
        "Type": "AWS::Cognito::UserPoolDomain",
        "Properties": {"UserPoolId": {"Ref": "UserPool"},
                       "Domain": {"Fn::Sub": f"{r.prefix(stage)}-${{AWS::AccountId}}"},
                       "ManagedLoginVersion": 2},
    }
    out["ManagedLoginBranding"] = {
        # Managed login (version 2) shows a page only for a client that has a style.
        "Type": "AWS::Cognito::ManagedLoginBranding",
        "DependsOn": ["UserPoolDomain"],
        "Properties": {"UserPoolId": {"Ref": "UserPool"}, "ClientId": {"Ref": "UserPoolClient"},
                       "UseCognitoProvidedValues": True},
    }
    for role in ROLES:
        out[logical_id("group", role)] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": role, "UserPoolId": {"Ref": "UserPool"},
                           "Description": f"Clarion role: {role}"},
        }
    return out


# -- the merge template -------------------------------------------------------------------------------
def function_environment(stage: str) -> dict[str, Any]:
    """Every function's environment: where its resources are (cf. bootstrap.Provisioned.environment)."""
    return {
        "CLARION_STAGE": stage,
        "CLARION_TABLE": {"Ref": "ClarionTable"},
        "CLARION_BROADCAST_TOPIC_ARN": {"Ref": "BroadcastTopic"},
        "CLARION_TRIGGER_TOPIC_ARN": {"Ref": "TriggerTopic"},
        "CLARION_ALERT_TOPIC_ARN": {"Ref": "AlertTopic"},
        "CLARION_SMS_TOPIC_ARN": {"Ref": "SmsTopic"},
        "CLARION_OWNED_BUCKET": {"Ref": "OwnedBucket"},
        "CLARION_AUDIT_DIGEST_BUCKET": {"Ref": "AuditDigestBucket"},
        "CLARION_AUDIT_KEY_ID": {"Fn::GetAtt": ["AuditDigestKey", "Arn"]},
        "CLARION_USER_POOL_ARN": {"Fn::GetAtt": ["UserPool", "Arn"]},
        "CLARION_USER_POOL_ID": {"Ref": "UserPool"},  # the API's user directory (adapters/cognito.py)
        "CLARION_PUBLIC_BASE_URL": {"Ref": "PublicBaseUrl"},
        "CLARION_SIGN_IN_URL": SIGN_IN_URL,
        "CLARION_SIGN_IN_CLIENT_ID": {"Ref": "UserPoolClient"},
        "POWERTOOLS_SERVICE_NAME": SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    }


def resources_template(stage: str) -> dict[str, Any]:
    """The merge template: everything but the functions, their roles and the API."""
    out: dict[str, Any] = {
        "ClarionTable": table(stage),
        "BroadcastTopic": topic(r.broadcast_topic_name(stage)),
        "TriggerTopic": topic(r.trigger_topic_name(stage)),
        # CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key; the
        # alerts carry ids and channel names only.
        "AlertTopic": topic(r.alert_topic_name(stage), encrypted=False),
        "SmsTopic": topic(r.sms_topic_name(stage)),
        "AlertEmailSubscription": {
            "Type": "AWS::SNS::Subscription", "Condition": "HasAlertEmail",
            "Properties": {"TopicArn": {"Ref": "AlertTopic"}, "Protocol": "email",
                           "Endpoint": {"Ref": "AlertEmail"}}},
        "PastDeadlineAlarm": past_deadline_alarm(stage),
        **owned_bucket(stage),
        **audit_digests(stage),
        **trigger_dlq(stage),
        **user_pool(stage),
    }
    for platform in r.PLATFORMS:
        out.update(platform_queues(stage, platform))
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Clarion ({stage}): crisis-communication broadcaster",
        "Parameters": {
            "PublicBaseUrl": {
                "Type": "String", "AllowedPattern": "^https://[^/]+(/.*[^/])?$",
                "Description": "The public address of the API (or its custom domain), for links in "
                               "the banner and the CAP/Atom feeds, e.g. https://alerts.example.org/api"},
            "AlertEmail": {"Type": "String", "Default": "",
                           "Description": "Optional: an on-call address subscribed to the alert topic"},
            "SenderDomain": {
                "Type": "String",
                "AllowedPattern": r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                "Description": "The SES-verified domain advisories are e-mailed from (the e-mail "
                               "worker may send only as *@this domain), e.g. alerts.example.org"},
        },
        "Conditions": {"HasAlertEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]}},
        "Resources": out,
        "Outputs": {
            "TableName": {"Value": {"Ref": "ClarionTable"}},
            "BroadcastTopicArn": {"Value": {"Ref": "BroadcastTopic"}},
            "TriggerTopicArn": {"Value": {"Ref": "TriggerTopic"}},
            "AlertTopicArn": {"Value": {"Ref": "AlertTopic"}},
            "SmsTopicArn": {"Value": {"Ref": "SmsTopic"}},
            "OwnedBucketName": {"Value": {"Ref": "OwnedBucket"}},
            "AuditDigestBucketName": {"Value": {"Ref": "AuditDigestBucket"}},
            "AuditDigestKeyArn": {"Value": {"Fn::GetAtt": ["AuditDigestKey", "Arn"]}},
            "UserPoolId": {"Value": {"Ref": "UserPool"}},
            "UserPoolArn": {"Value": {"Fn::GetAtt": ["UserPool", "Arn"]}},
            "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
            "SignInUrl": {"Value": SIGN_IN_URL},
            "ConsoleUrl": {"Value": CONSOLE_URL},
        },
    }


# -- completing what `chalice package` generates ------------------------------------------------------
class PackagingError(RuntimeError):
    pass


def finish(template: dict[str, Any], stage: str) -> dict[str, Any]:
    """What Chalice 1.34 leaves out of its SAM template, done in place (and returned):

    - `FunctionResponseTypes: [ReportBatchItemFailures]` on every SQS event source (the workers
      return `batchItemFailures`; without it Lambda deletes the whole batch);
    - event sources that reference the template's queues and topic (Chalice builds their ARNs
      from names with Fn::Sub, which creates no dependency: the mapping could be created before
      its queue);
    - every function's name, environment, and `on_trigger`'s dead-letter queue;
    - the Cognito authorizer pointed at the stage's user pool;
    - the API function's log group named after the API function (Chalice names it after the
      function's resource before renaming that resource to `APIHandler`);
    - the role policies' ARNs pinned to this partition, region and account;
    - an alarm on the sweeper's errors.
    """
    resources = template["Resources"]
    by_logical_id = _function_logical_ids()
    queue_ids = {r.queue_name(p, stage): logical_id(p, "queue") for p in r.PLATFORMS}
    environment = function_environment(stage)
    for lid, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        name = by_logical_id.get(lid)
        if name is None:
            raise PackagingError(f"function {lid} is not in cloudformation.function_names(): add it there "
                                 f"and give it its own .chalice/policy-<stage>-<name>.json")
        props = resource["Properties"]
        props["FunctionName"] = function_name(stage, name)
        props.setdefault("Environment", {}).setdefault("Variables", {}).update(environment)
        for event in props.get("Events", {}).values():
            _finish_event(event, stage, queue_ids)
        if name == "on_trigger":
            props["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["TriggerDlq", "Arn"]}}
    for resource in list(resources.values()):
        if resource.get("Type") == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                policy["PolicyDocument"] = pin_arns(policy["PolicyDocument"], stage)
    _point_authorizers_at_pool(resources)
    for resource in resources.values():
        if resource.get("Type") == "AWS::Logs::LogGroup":
            props = resource["Properties"]
            if props.get("LogGroupName") == {"Fn::Sub": "/aws/lambda/${ApiHandler}"}:
                props["LogGroupName"] = {"Fn::Sub": "/aws/lambda/${APIHandler}"}
    if "Sweep" in resources:
        resources["SweepErrorsAlarm"] = function_errors_alarm(stage, "Sweep", "sweep")
    return template


def _function_logical_ids() -> dict[str, str]:
    from chalice.utils import to_cfn_resource_name

    ids = {to_cfn_resource_name(n): n for n in function_names()}
    ids["APIHandler"] = "api_handler"  # Chalice renames the API's function
    return ids


def _finish_event(event: dict[str, Any], stage: str, queue_ids: dict[str, str]) -> None:
    props = event.get("Properties", {})
    if event.get("Type") == "SQS":
        name = _name_from_sub(props.get("Queue"), "sqs")
        if name not in queue_ids:
            raise PackagingError(f"an SQS event source reads {name!r}, which is not a queue in the template")
        props["Queue"] = {"Fn::GetAtt": [queue_ids[name], "Arn"]}
        props["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    elif event.get("Type") == "SNS":
        name = _name_from_sub(props.get("Topic"), "sns")
        if name != r.trigger_topic_name(stage):
            raise PackagingError(f"an SNS event source reads {name!r}, which is not the trigger topic")
        props["Topic"] = {"Ref": "TriggerTopic"}


def _name_from_sub(value: Any, service: str) -> str | None:
    text = value.get("Fn::Sub") if isinstance(value, dict) else value
    if not isinstance(text, str) or f":{service}:" not in text:
        return None
    return text.rsplit(":", 1)[-1]


def _point_authorizers_at_pool(resources: dict[str, Any]) -> None:
    for resource in resources.values():
        if resource.get("Type") != "AWS::Serverless::Api":
            continue
        body = resource["Properties"].get("DefinitionBody", {})
        for scheme in body.get("securityDefinitions", {}).values():
            authorizer = scheme.get("x-amazon-apigateway-authorizer", {})
            if authorizer.get("type") == "cognito_user_pools":
                authorizer["providerARNs"] = [{"Fn::GetAtt": ["UserPool", "Arn"]}]


_ARN = re.compile(r"^arn:aws:([a-z0-9-]+):([a-z0-9-]*|\*):(\d{12}|\*|):(.+)$")
# The policy files name the sender domain with this placeholder; the template's SenderDomain
# parameter replaces it, so one package serves any organisation's verified SES domain.
SENDER_DOMAIN_PLACEHOLDER = "health.example.org"
# The user pool's id is known only once it is created: the policy files name the stage's pool
# `userpool/<this>`, which becomes the template's own pool (`${UserPool}`, its id).
USER_POOL_PLACEHOLDER = "clarion-user-pool"


def pin_arns(document: Any, stage: str) -> Any:
    """The policy files name resources with `*` for region and account (so they are valid IAM as
    they are); in the template every ARN becomes this partition's, region's and account's, and
    the owned bucket's `clarion-<stage>-owned-*` the stage's one bucket, the placeholder
    sender domain the SenderDomain parameter, and the placeholder user pool the stage's pool."""
    if isinstance(document, dict):
        return {k: pin_arns(v, stage) for k, v in document.items()}
    if isinstance(document, list):
        return [pin_arns(v, stage) for v in document]
    if not isinstance(document, str):
        return document
    match = _ARN.match(document)
    if not match:
        if document.endswith("@" + SENDER_DOMAIN_PLACEHOLDER):  # the ses:FromAddress condition
            return {"Fn::Sub": document.replace(SENDER_DOMAIN_PLACEHOLDER, "${SenderDomain}")}
        return document
    service, region, account, rest = match.groups()
    region = "${AWS::Region}" if region == "*" else region
    account = "${AWS::AccountId}" if account == "*" else account
    rest = rest.replace(f"{r.prefix(stage)}-owned-*", owned_bucket_sub(stage))
    rest = rest.replace(f"{r.prefix(stage)}-audit-digests-*", audit_digest_bucket_sub(stage))
    rest = rest.replace(f"identity/{SENDER_DOMAIN_PLACEHOLDER}", "identity/${SenderDomain}")
    rest = rest.replace(f"identity/*@{SENDER_DOMAIN_PLACEHOLDER}", "identity/*@${SenderDomain}")  # readiness
    rest = rest.replace(f"userpool/{USER_POOL_PLACEHOLDER}", "userpool/${UserPool}")
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:{region}:{account}:{rest}"}


# -- the deployment package ----------------------------------------------------------------------------
def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise PackagingError(f"{name} is not installed: run `make venv`")
    return found


def packaging_environment(stage: str) -> dict[str, str]:
    """What `chalice package` runs with: the stage (queue and topic names come from it), no
    local-stack or resource overrides, a region, and dummy credentials if there are none
    (packaging never calls AWS)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CLARION_") and k != "AWS_ENDPOINT_URL"}
    env.update(CLARION_STAGE=stage, CLARION_USER_POOL_ARN=PLACEHOLDER_POOL_ARN)
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", "us-east-1"))
    if not (env.get("AWS_ACCESS_KEY_ID") or env.get("AWS_PROFILE")):
        env.update(AWS_ACCESS_KEY_ID="packaging-only", AWS_SECRET_ACCESS_KEY="packaging-only")
    return env


def package(stage: str, out_dir: Path | str | None = None) -> Path:
    """`chalice package` with the merge template, finished: returns the path of the template."""
    if stage not in ("dev", "prod"):
        raise PackagingError(f"package a deployed stage (dev or prod), not {stage!r}")
    out = Path(out_dir or PROJECT_DIR / "build" / stage).resolve()
    out.mkdir(parents=True, exist_ok=True)
    merge = out / "merge-template.json"
    merge.write_text(json.dumps(resources_template(stage), indent=2))
    command = [_tool("chalice"), "--project-dir", str(PROJECT_DIR), "package", "--stage", stage,
               "--merge-template", str(merge), str(out)]
    done = subprocess.run(command, cwd=PROJECT_DIR, env=packaging_environment(stage),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise PackagingError(f"chalice package failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    generated = out / "sam.json"
    raw = json.loads(generated.read_text())
    (out / "chalice-sam.json").write_text(json.dumps(raw, indent=2))
    finished = finish(raw, stage)
    generated.write_text(json.dumps(finished, indent=2))
    add_templates(out / "deployment.zip")
    runtimes = {f["Properties"]["Runtime"] for f in finished["Resources"].values()
                if f.get("Type") == "AWS::Serverless::Function"}
    if runtimes == {f"python{sys.version_info[0]}.{sys.version_info[1]}"}:
        precompile(out / "deployment.zip")
    return generated


def add_templates(zip_path: Path) -> None:
    """Chalice packages app.py, chalicelib/ and vendor/ only; the renderer reads the Jinja2
    templates from `templates/` beside app.py (chalicelib/rendering/render.py: TEMPLATES_DIR)."""
    with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        present = set(archive.namelist())
        for path in sorted((PROJECT_DIR / "templates").rglob("*")):
            name = path.relative_to(PROJECT_DIR).as_posix()
            if path.is_file() and name not in present:
                archive.write(path, name)


def precompile(zip_path: Path) -> int:
    """Rebuild the zip with bytecode for every module. Lambda's /var/task is read-only, so Python
    cannot cache what it compiles: without it, every cold start compiles app.py, chalicelib and
    every dependency from source (bench/cold_start.py: `import app` takes about twice as long).
    Unchecked-hash .pyc files (PEP 552) stay valid whatever timestamps the extraction leaves; any
    .pyc Chalice copied from a local __pycache__ is dropped. Chalice sets the functions' runtime
    to this interpreter's version, so the bytecode matches it. Returns how many were added."""
    import compileall
    import py_compile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        rebuilt = Path(tmp) / "deployment.zip"
        with zipfile.ZipFile(zip_path) as original:
            kept = [i for i in original.infolist() if not i.filename.endswith(".pyc")]
            for info in kept:
                if not info.is_dir():
                    target = root / info.filename
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(original.read(info))
            compileall.compile_dir(root, quiet=2, workers=0,
                                   invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            compiled = sorted(root.rglob("*.pyc"))
            with zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED) as out:
                for info in kept:
                    out.writestr(info, original.read(info), compress_type=zipfile.ZIP_DEFLATED)
                for path in compiled:
                    out.write(path, path.relative_to(root).as_posix())
        shutil.move(str(rebuilt), zip_path)
    return len(compiled)


def lint(template: Path | str) -> subprocess.CompletedProcess[str]:
    """cfn-lint on a packaged template (it expands the SAM transform itself, offline)."""
    return subprocess.run([_tool("cfn-lint"), "--", str(template)], capture_output=True, text=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["package"]:
        stage = argv[1] if len(argv) > 1 else "dev"
        path = package(stage, argv[2] if len(argv) > 2 else None)
        print(f"{path} ({path.parent / 'deployment.zip'})")
        return 0
    if argv[:1] == ["lint"]:
        result = lint(argv[1])
        print(result.stdout + result.stderr, end="")
        if result.returncode == 0:
            print(f"cfn-lint: {argv[1]} passes")
        return result.returncode
    print(json.dumps(resources_template(argv[0] if argv else "dev"), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
