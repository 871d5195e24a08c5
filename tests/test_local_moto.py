"""The local stack's DynamoDB shortcuts (local/moto_dynamodb.py) answer exactly as moto would."""
from __future__ import annotations

import contextlib
from typing import Any
from collections.abc import Callable, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local.moto_dynamodb import as_moto_serialises


@pytest.fixture
def db() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}])
        for n in range(5):
            client.put_item(TableName="t", Item=item(n))
        yield client


def item(n: int, **extra: Any) -> dict[str, Any]:
    return {"pk": {"S": "P"}, "sk": {"S": f"S#{n}"}, "n": {"N": str(n)}, "flag": {"BOOL": n % 2 == 0},
            "none": {"NULL": True}, "tags": {"SS": ["a", "b"]}, "blob": {"B": b"\x00\x01"},
            "nested": {"M": {"list": {"L": [{"S": "x"}, {"N": "1.5"}]}}}, **extra}


def both_ways(call: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    fast = call()
    with as_moto_serialises():
        slow = call()
    for response in (fast, slow):
        response.pop("ResponseMetadata")
    return fast, slow


KEY = {"pk": {"S": "P"}, "sk": {"S": "S#1"}}
READS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "get": lambda db: db.get_item(TableName="t", Key=KEY),
    "get missing": lambda db: db.get_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "none"}}),
    "get projected": lambda db: db.get_item(TableName="t", Key=KEY, ProjectionExpression="#n, nested.list",
                                            ExpressionAttributeNames={"#n": "n"}),
    "query page": lambda db: db.query(TableName="t", KeyConditionExpression="pk = :p", Limit=2,
                                      ExpressionAttributeValues={":p": {"S": "P"}}, ReturnConsumedCapacity="TOTAL"),
    "query filtered": lambda db: db.query(TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                                          FilterExpression="flag = :t", ScanIndexForward=False,
                                          ExpressionAttributeValues={":p": {"S": "P"}, ":s": {"S": "S#"},
                                                                     ":t": {"BOOL": True}}),
    "scan": lambda db: db.scan(TableName="t", Select="COUNT"),
    "batch get": lambda db: db.batch_get_item(RequestItems={"t": {"Keys": [KEY, {"pk": {"S": "P"}, "sk": {"S": "S#3"}},
                                                                            {"pk": {"S": "Q"}, "sk": {"S": "x"}}]}}),
    "transact get": lambda db: db.transact_get_items(TransactItems=[{"Get": {"TableName": "t", "Key": KEY}}]),
    # Writes that leave the table as they found it, so both serialisers see the same state.
    "put returning old": lambda db: db.put_item(TableName="t", Item=item(1), ReturnValues="ALL_OLD"),
    "update returning new": lambda db: db.update_item(TableName="t", Key=KEY, UpdateExpression="SET n = :n",
                                                      ExpressionAttributeValues={":n": {"N": "1"}},
                                                      ReturnValues="ALL_NEW"),
    "transact write": lambda db: db.transact_write_items(TransactItems=[
        {"Put": {"TableName": "t", "Item": item(1), "ConditionExpression": "attribute_exists(pk)"}}]),
    "batch write": lambda db: db.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": item(2)}}]}),
}


@pytest.mark.parametrize("name", READS)
def test_data_operations_answer_as_moto_serialises_them(db: Any, name: str) -> None:
    fast, slow = both_ways(lambda: READS[name](db))
    assert fast == slow


def test_a_remembered_condition_still_judges_each_item_on_its_values(db: Any) -> None:
    def put_if_n_is(value: str) -> None:
        db.put_item(TableName="t", Item=item(1), ConditionExpression="#n = :n",
                    ExpressionAttributeNames={"#n": "n"}, ExpressionAttributeValues={":n": {"N": value}})

    put_if_n_is("1")
    put_if_n_is("1")  # the same parse, remembered, still passes
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        put_if_n_is("2")
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        db.transact_write_items(TransactItems=[{"Put": {
            "TableName": "t", "Item": item(1), "ConditionExpression": "#n = :n",
            "ExpressionAttributeNames": {"#n": "n"}, "ExpressionAttributeValues": {":n": {"N": "3"}}}}])


@pytest.mark.parametrize("attempt", [1, 2])  # the second time the parse would be remembered
def test_errors_a_parse_finds_are_raised_every_time(db: Any, attempt: int) -> None:
    with pytest.raises(ClientError, match="unused"):
        db.put_item(TableName="t", Item=item(1), ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeNames={"#n": "n"})
    with pytest.raises((ClientError, ValueError), match="Bad comparison"):  # moto raises it unwrapped
        db.put_item(TableName="t", Item=item(1), ConditionExpression="pk = = :p",
                    ExpressionAttributeValues={":p": {"S": "P"}})


@contextlib.contextmanager
def patched_server() -> Iterator[tuple[Any, str]]:
    """moto's server with local/moto_server.py applied: (a session, its endpoint URL)."""
    from moto.server import ThreadedMotoServer

    from local import moto_server

    moto_server.apply()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield (boto3.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"),
               f"http://{host}:{port}")
    finally:
        server.stop()


def test_the_server_routes_each_request_by_its_host_without_listing_moto_again(monkeypatch: Any) -> None:
    import os

    import moto

    with patched_server() as (session, endpoint):
        db = session.client("dynamodb", endpoint_url=endpoint)
        sqs = session.client("sqs", endpoint_url=endpoint)

        def calls() -> None:
            assert "TableNames" in db.list_tables()
            assert sqs.create_queue(QueueName="routed")["QueueUrl"].endswith("/routed")
            with pytest.raises(ClientError, match="ResourceNotFoundException"):
                db.describe_table(TableName="missing")

        calls()  # the first requests load each service's model (moto lists its data then, once)
        listed: list[str] = []
        real_listdir = os.listdir
        monkeypatch.setattr(os, "listdir", lambda path: listed.append(path) or real_listdir(path))
        calls()
        assert os.path.dirname(moto.__file__) not in listed  # moto's server listed it on every request


def test_the_server_knows_the_local_stages_unsigned_clients() -> None:
    """DynamoDB, SQS and SNS skip signing on the local stage (composition._local): the server
    routes them by what they name, not to S3."""
    from botocore import UNSIGNED
    from botocore.config import Config

    with patched_server() as (session, endpoint):
        def client(service: str) -> Any:
            return session.client(service, endpoint_url=endpoint, config=Config(signature_version=UNSIGNED))

        assert "TableNames" in client("dynamodb").list_tables()
        sqs = client("sqs")
        url = sqs.create_queue(QueueName="unsigned")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["hello"]
        sns = client("sns")
        topic = sns.create_topic(Name="unsigned")["TopicArn"]
        assert sns.publish(TopicArn=topic, Message="hello")["MessageId"]
