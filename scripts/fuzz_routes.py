"""Fuzz every route, the SNS trigger and the delivery workers for a long run; print the
requests and statuses per route and every input that broke the oracle (a 5xx, a crash, an
error not in the error shape). Exit status 1 when anything broke.

    .venv/bin/python scripts/fuzz_routes.py --examples 5000
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing",
                  AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing", CLARION_STAGE="local")
os.environ.pop("AWS_ENDPOINT_URL", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000)
    examples = parser.parse_args().examples

    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import composition
    from chalicelib.infra.bootstrap import provision
    from local import moto_dynamodb
    from fuzz_kit import Fuzzer, run, seed_known_ids

    moto_dynamodb.apply()
    with mock_aws():
        provisioned = provision(boto3.Session(), "local")
        os.environ.update(provisioned.environment())
        composition.use(None)
        composition.seed_local_stage()
        import app

        with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
            from conftest import Api

            fuzzer = Fuzzer(client, seed_known_ids(Api(client)))
            started = time.perf_counter()
            tally = run(fuzzer, examples)
            elapsed = time.perf_counter() - started
    print(tally.report())
    print(f"{examples} examples in {elapsed:.0f} s")
    for line in tally.broken[:50]:
        print("BROKEN", line)
    return 1 if tally.broken else 0


if __name__ == "__main__":
    sys.exit(main())
