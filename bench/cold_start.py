"""Cold start: the import time of app.py and of each Lambda handler's import path.

    .venv/bin/python bench/cold_start.py [--runs 7] [--check]      (or: make cold-start)

Every figure is the median over `--runs` fresh interpreters, measured with `python -X importtime`
(the sum of the top-level imports made by the measured step), with CLARION_STAGE=dev as on AWS:

- `import boto3` alone, the yardstick (goal: `import app` at most 1.5 times it); the two are
  measured alternately and the ratio is the median of the pairs' ratios;
- `import app`, what every function's cold start pays first (all share app.py);
- each handler's path: `import app`, then what its first invocation imports before it can work:
  the composition root with its boto3 clients (chalicelib/composition.py `clarion()`),
  Powertools (chalicelib/observability.py), and for a delivery worker its platform's adapter
  (chalicelib/channels/registry.py `channel_for`). No AWS call is made: the endpoint is a closed
  local port, and boto3 clients call nothing until used.

It also prints the wall time of that first-invocation setup (client creation reads botocore's
service models, which no import time shows) and the biggest imports under `import app`.
`--check` exits 1 when the ratio is above the goal.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL = 1.5
MARK = "@@clarion-bench@@"
LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")

CHILD = f"""
import json, sys, time
def mark(name):
    sys.stderr.write("{MARK}" + name + "\\n"); sys.stderr.flush()
spec = json.loads(sys.argv[1])
mark("measure")
t0 = time.perf_counter()
for name in spec["imports"]:
    __import__(name)
t1 = time.perf_counter()
mark("path")
if spec.get("path"):
    from chalicelib import composition, observability
    composition.clarion()
    observability.telemetry()
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider
    if spec.get("registry"):
        import chalicelib.channels.registry
    if spec.get("account"):
        from chalicelib.channels.registry import channel_for
        from chalicelib.domain.models import ChannelAccount
        from chalicelib.secrets import InMemorySecretStore
        account = ChannelAccount.model_validate(spec["account"])
        secrets = InMemorySecretStore({{account.secret_ref: spec["credentials"]}} if account.secret_ref else {{}})
        channel_for(account, secrets, composition._channel_client)
t2 = time.perf_counter()
mark("end")
print(json.dumps({{"import_s": t1 - t0, "path_s": t2 - t1}}))
"""


def environment() -> dict[str, str]:
    """The dev stage's environment from .chalice/config.json, resources named, AWS unreachable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLARION_", "AWS_", "PYDANTIC_"))}
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env.update(config.get("environment_variables", {}))
    env.update(config["stages"]["dev"].get("environment_variables", {}))
    env.update(CLARION_STAGE="dev", AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench",
               AWS_SECRET_ACCESS_KEY="bench", AWS_ENDPOINT_URL="http://127.0.0.1:9",
               CLARION_TABLE="clarion-dev", CLARION_OWNED_BUCKET="clarion-dev-owned-bench",
               POWERTOOLS_METRICS_DISABLED="true",
               **{f"CLARION_{n}_TOPIC_ARN": f"arn:aws:sns:us-east-1:123456789012:clarion-dev-{n.lower()}"
                  for n in ("BROADCAST", "TRIGGER", "ALERT", "SMS")})
    return env


def run_once(spec: dict[str, Any], isolated: list[Path] | None = None) -> dict[str, Any]:
    """One fresh interpreter. `isolated`: no site-packages, only these directories on the path, and
    nothing written to __pycache__ (Lambda's /var/task is read-only)."""
    env, flags = environment(), []
    if isolated:
        env.update(PYTHONPATH=os.pathsep.join(map(str, isolated)), PYTHONDONTWRITEBYTECODE="1")
        flags = ["-S"]
    done = subprocess.run([sys.executable, *flags, "-X", "importtime", "-c", CHILD, json.dumps(spec)],
                          cwd=isolated[0] if isolated else ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"measuring {spec} failed:\n{done.stderr[-3000:]}")
    sections: dict[str, list[tuple[int, int, int, str]]] = {}
    current: str | None = None
    for line in done.stderr.splitlines():
        if line.startswith(MARK):
            current = line[len(MARK):]
            continue
        match = LINE.match(line)
        if match and current:
            own, cumulative, indent, name = match.groups()
            sections.setdefault(current, []).append((int(own), int(cumulative), len(indent) // 2, name))
    timings = json.loads(done.stdout.strip().splitlines()[-1])

    def top_level_ms(section: str) -> float:
        return sum(c for _, c, depth, _ in sections.get(section, []) if depth == 0) / 1000

    return {"import_ms": top_level_ms("measure"), "path_ms": top_level_ms("path"),
            "setup_ms": timings["path_s"] * 1000, "tree": sections.get("measure", [])}


def median_of(spec: dict[str, Any], runs: int) -> dict[str, Any]:
    results = [run_once(spec) for _ in range(runs)]
    out = {key: statistics.median(r[key] for r in results) for key in ("import_ms", "path_ms", "setup_ms")}
    out["tree"] = results[len(results) // 2]["tree"]
    return out


def lambda_like(package: Path, workdir: Path) -> dict[str, list[Path]]:
    """The deployment package extracted as Lambda sees it, with and without its bytecode, and a
    runtime directory holding only what the Lambda Python runtime provides (boto3 and its deps)."""
    import shutil
    import zipfile

    import boto3
    import botocore
    import dateutil
    import jmespath
    import s3transfer
    import six
    import urllib3

    runtime = workdir / "runtime"
    runtime.mkdir()
    for module in (boto3, botocore, dateutil, jmespath, s3transfer, urllib3):
        os.symlink(Path(module.__file__).parent, runtime / Path(module.__file__).parent.name)
    os.symlink(six.__file__, runtime / "six.py")
    task = workdir / "task"
    zipfile.ZipFile(package).extractall(task)
    bare = workdir / "task-without-bytecode"
    shutil.copytree(task, bare, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return {"with": [task, runtime], "without": [bare, runtime]}


def handler_specs() -> dict[str, dict[str, Any]]:
    from chalicelib.channels.registry import channel_for  # noqa: F401  (the adapter registry)
    from chalicelib.infra import resources
    from chalicelib.seed import LOCAL_CHANNELS, SANDBOX_CREDENTIALS

    specs: dict[str, dict[str, Any]] = {
        "api_handler": {"imports": ["app"], "path": True},
        "on_trigger": {"imports": ["app"], "path": True},
        "sweep": {"imports": ["app"], "path": True, "registry": True},
    }
    for platform in resources.PLATFORMS:
        account = next(a for a in LOCAL_CHANNELS if a.platform == platform)
        specs[f"deliver_{platform}"] = {
            "imports": ["app"], "path": True, "account": json.loads(account.model_dump_json()),
            "credentials": SANDBOX_CREDENTIALS.get(account.id, {})}
    return specs


def biggest_under_app(tree: list[tuple[int, int, int, str]], count: int = 14) -> list[tuple[str, float]]:
    """The heaviest modules imported (directly or not) by `import app`: packages at their top, and
    chalicelib modules, by cumulative time, without double counting a module inside another listed one."""
    chosen: list[tuple[str, float]] = []
    for _own, cumulative, depth, name in tree:
        if depth == 0:
            continue
        top = name.split(".")[0]
        if (top != "chalicelib" and name == top) or name.startswith("chalicelib."):
            chosen.append((name, cumulative / 1000))
    chosen.sort(key=lambda item: -item[1])
    return chosen[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per figure (median)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if app/boto3 is above {GOAL}")
    parser.add_argument("--package", type=Path, default=ROOT / "build" / "dev" / "deployment.zip",
                        help="a deployment package to measure as Lambda runs it (default: make package's)")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)

    print(f"Cold start: python -X importtime, median of {runs} fresh processes, CLARION_STAGE=dev, "
          f"Python {sys.version.split()[0]}")
    # Alternate the two so that a busy machine slows both alike; the ratio is the median of pairs.
    pairs = [(run_once({"imports": ["boto3"]}), run_once({"imports": ["app"]})) for _ in range(runs)]
    boto3 = {"import_ms": statistics.median(b["import_ms"] for b, _ in pairs)}
    app = {"import_ms": statistics.median(a["import_ms"] for _, a in pairs),
           "tree": sorted(pairs, key=lambda p: p[1]["import_ms"])[len(pairs) // 2][1]["tree"]}
    ratio = statistics.median(a["import_ms"] / b["import_ms"] for b, a in pairs)
    print(f"  import boto3                {boto3['import_ms']:8.1f} ms")
    print(f"  import app                  {app['import_ms']:8.1f} ms   ratio to boto3 {ratio:.2f} "
          f"(goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'})")
    package = args.package
    if package.exists():
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            paths = lambda_like(package, Path(tmp))
            print(f"\nAs Lambda runs it: {package.relative_to(ROOT) if package.is_relative_to(ROOT) else package} "
                  "extracted, no site-packages, boto3 from the runtime only, no bytecode written:")
            for label in ("with", "without"):
                pairs = [(run_once({"imports": ["boto3"]}, paths[label]), run_once({"imports": ["app"]}, paths[label]))
                         for _ in range(runs)]
                z_boto3 = statistics.median(b["import_ms"] for b, _ in pairs)
                z_app = statistics.median(a["import_ms"] for _, a in pairs)
                z_ratio = statistics.median(a["import_ms"] / b["import_ms"] for b, a in pairs)
                print(f"  {label + ' precompiled bytecode':<30} import boto3 {z_boto3:7.1f} ms   import app "
                      f"{z_app:7.1f} ms   ratio {z_ratio:.2f}")
    else:
        print(f"\n(no {package}: run `make package` to also measure the deployment package as Lambda runs it)")
    print("\nEach handler's import path: `import app` + what its first invocation imports "
          "(ms; setup = wall time of that first-invocation setup, incl. boto3 clients):")
    print(f"  {'handler':<20} {'app':>8} {'+ lazy':>8} {'= path':>8} {'/ boto3':>8} {'setup':>8}")
    for name, spec in handler_specs().items():
        m = median_of(spec, runs)
        total = m["import_ms"] + m["path_ms"]
        print(f"  {name:<20} {m['import_ms']:8.1f} {m['path_ms']:8.1f} {total:8.1f} "
              f"{total / boto3['import_ms']:8.2f} {m['setup_ms']:8.1f}")
    print("\nHeaviest imports under `import app` (cumulative ms, one run near the median):")
    for name, ms in biggest_under_app(app["tree"]):
        print(f"  {ms:8.1f}  {name}")
    return 1 if args.check and ratio > GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
