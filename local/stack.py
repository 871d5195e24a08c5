"""`make run`: the whole of Clarion on this machine, with no AWS account.

    moto (127.0.0.1:4566)  the table, topics and queues that `provision()` creates in AWS
    Chalice local (:8000)  the HTTP API and console, as API Gateway + Lambda would serve them
    EventPump              SQS → worker and SNS → Lambda delivery, with Lambda's semantics
    sandbox (:8001)        fake platforms, when `local.sandbox` exists
    sign-in (:8002)        a stand-in for Cognito's managed login (local/signin.py)

Usage: python -m local.stack [--app module:attr]. Ctrl-C or SIGTERM stops everything.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import os
import signal
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from chalicelib.infra import resources
from chalicelib.infra.bootstrap import Provisioned, provision
from chalicelib.settings import environment_settings

log = logging.getLogger("local.stack")  # not under "clarion", which Chalice sets to ERROR

PROJECT_DIR = Path(__file__).resolve().parents[1]
STAGE = "local"
HOST = "127.0.0.1"
DEMO_TOKENS = ("demo-spokesperson", "demo-spokesperson-2", "demo-approver", "demo-oncall",
               "demo-auditor", "demo-admin")


@dataclass
class Settings:
    app_ref: str = "app:app"
    host: str = HOST
    api_port: int = 8000
    moto_port: int = 4566
    sandbox_port: int = 8001
    signin_port: int = 8002

    @classmethod
    def from_env(cls, app_ref: str) -> Settings:
        return cls(
            app_ref=app_ref,
            api_port=int(os.environ.get("CLARION_PORT", 8000)),
            moto_port=int(os.environ.get("CLARION_MOTO_PORT", 4566)),
            sandbox_port=int(os.environ.get("CLARION_SANDBOX_PORT", 8001)),
            signin_port=int(os.environ.get("CLARION_SIGNIN_PORT", 8002)),
        )

    @property
    def moto_url(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    @property
    def signin_url(self) -> str:
        return f"http://{self.host}:{self.signin_port}"


@dataclass
class LocalStack:
    """Starts the parts in dependency order and stops them in reverse."""

    settings: Settings
    provisioned: Provisioned | None = None
    app: Any = None
    _moto: Any = None
    _mock: Any = None
    _http: Any = None
    _http_thread: threading.Thread | None = None
    _pump: Any = None
    _sandbox: Any = None
    _signin: Any = None
    _stopped: bool = field(default=False)
    # Event handlers this stack's pump does not feed (others do, e.g. the processes of
    # bench/delivery_bench.py --processes); by default it feeds them all.
    pump_exclude: frozenset[str] = frozenset()

    def start(self) -> None:
        self._start_moto()
        configure_environment(self.settings.moto_url)
        self.provisioned = provision(boto3.Session(), STAGE)
        self._sandbox_account()
        os.environ.update(self.provisioned.environment())  # before the app reads its settings
        # Links in posts and feeds point at this stack's own API, whatever port it was given.
        os.environ.setdefault("CLARION_PUBLIC_BASE_URL", self.settings.api_url)
        environment_settings.cache_clear()
        self._start_signin()  # before the app loads: it reads where sign-in is
        seed_local_stage()
        self.app = load_app(self.settings.app_ref)
        self._start_http()
        self._start_pump()
        self._start_sandbox()

    def stop(self) -> None:
        """Idempotent; each part is stopped even if another fails to."""
        if self._stopped:
            return
        self._stopped = True
        for name, stop in (("sandbox", self._stop_sandbox), ("event pump", self._stop_pump),
                           ("HTTP server", self._stop_http), ("sign-in", self._stop_signin),
                           ("moto", self._stop_moto)):
            try:
                stop()
            except Exception:
                log.exception("stopping the %s failed", name)

    # ----------------------------------------------------------------------------- moto

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        from local import moto_dynamodb, moto_server
        from local.listen import listen_deeply

        moto_dynamodb.apply()  # atomic, isolated DynamoDB transactions, as on AWS
        moto_server.apply()  # requests over HTTP routed without a global queue
        from moto import mock_aws

        self._mock = mock_aws()  # in-process clients; the server below shares its backends
        self._mock.start()
        # ThreadedMotoServer.start() waits forever if its thread cannot bind, so check first.
        require_free_port(self.settings.host, self.settings.moto_port, "CLARION_MOTO_PORT")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request
        self._moto = ThreadedMotoServer(ip_address=self.settings.host, port=self.settings.moto_port,
                                        verbose=False)
        self._moto.start()
        listen_deeply(self._moto._server)  # every process's clients connect here at once

    @staticmethod
    def _sandbox_account() -> None:
        """The local AWS account as the readiness checks expect a working one: SES out of its
        sandbox, SMS with a spend limit above AWS's default 1 USD (moto lacks two of the calls)."""
        from local.sandbox.aws_account import teach_moto

        teach_moto()
        boto3.client("sns").set_sms_attributes(attributes={"MonthlySpendLimit": "100"})

    def _stop_moto(self) -> None:
        if self._moto is not None:
            self._moto.stop()
        if self._mock is not None:
            self._mock.stop()

    # ----------------------------------------------------------------------------- HTTP

    def _start_http(self) -> None:
        from chalice.deploy.validate import validate_routes
        from chalice.local import create_local_server

        validate_routes(self.app.routes)  # as `chalice local` does: fail on what deploy would refuse
        require_free_port(self.settings.host, self.settings.api_port, "CLARION_PORT")
        self._http = create_local_server(self.app, chalice_config(self.app), self.settings.host,
                                         self.settings.api_port)
        self._http_thread = threading.Thread(target=self._http.server.serve_forever,
                                             name="chalice-local", daemon=True)
        self._http_thread.start()

    def _stop_http(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server.server_close()
        if self._http_thread is not None:
            self._http_thread.join(timeout=5)

    # ----------------------------------------------------------------------------- sign-in

    def _start_signin(self) -> None:
        from local.signin import SignInServer, SignInStandIn, demo_users

        s = self.settings
        require_free_port(s.host, s.signin_port, "CLARION_SIGNIN_PORT")
        stand_in = SignInStandIn(issuer=s.signin_url, users=demo_users(), redirect_uris=(console_url(),),
                                 token_seconds=int(os.environ.get("CLARION_SIGNIN_TOKEN_SECONDS", 3600)))
        self._signin = SignInServer(stand_in, s.host, s.signin_port).start()
        os.environ.update({"CLARION_SIGN_IN_URL": s.signin_url, "CLARION_SIGN_IN_ISSUER": s.signin_url,
                           "CLARION_SIGN_IN_CLIENT_ID": stand_in.client_id})

    def _stop_signin(self) -> None:
        if self._signin is not None:
            self._signin.stop()

    # ----------------------------------------------------------------------------- pump

    def _start_pump(self) -> None:
        from local.pump import EventPump

        assert self.provisioned is not None
        urls = {resources.queue_name(p, STAGE): u for p, u in self.provisioned.queue_urls.items()}
        self._pump = EventPump(self.app, boto3.Session(), urls, stage=STAGE, exclude=self.pump_exclude)
        self._pump.start()
        for src in self._pump.sources:
            log.info("pump: %s <- %s (batch %d, concurrency %d)", src.name,
                     src.topic_arn or src.queue_name, src.batch_size, src.concurrency)

    def _stop_pump(self) -> None:
        if self._pump is not None:
            self._pump.stop()

    # ----------------------------------------------------------------------------- sandbox

    def _start_sandbox(self) -> None:
        from local.sandbox_process import start_sandbox_process

        require_free_port(self.settings.host, self.settings.sandbox_port, "CLARION_SANDBOX_PORT")
        self._sandbox = start_sandbox_process(self.settings.host, self.settings.sandbox_port)

    def _stop_sandbox(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()

    def banner(self) -> str:
        s = self.settings
        lines = [
            "",
            "Clarion is running locally (stage 'local'; no AWS account is used).",
            f"  API and console : {s.api_url}/",
            f"  embedded AWS    : {s.moto_url}  (moto; e.g. AWS_ENDPOINT_URL={s.moto_url} aws sqs list-queues)",
        ]
        if self._sandbox is not None:
            lines.append(f"  sandbox platforms: http://{s.host}:{s.sandbox_port}/")
        if self._signin is not None:
            lines.append(f"  sign-in stand-in: {s.signin_url}/  (open the console and press Sign in)")
        if self._pump is not None:
            lines.append(f"  event pump      : {len(self._pump.sources)} handler(s) fed from SQS/SNS")
        lines += [
            "  demo bearer tokens (Authorization: Bearer <token>):",
            *(f"    {t}" for t in DEMO_TOKENS),
            f"  try: curl -H 'Authorization: Bearer demo-spokesperson' {s.api_url}/",
            "Press Ctrl-C to stop.",
            "",
        ]
        return "\n".join(lines)


def console_url() -> str:
    """The console's address: where sign-in comes back to (as the app reports it)."""
    return os.environ["CLARION_PUBLIC_BASE_URL"].rstrip("/") + "/"


def configure_environment(moto_url: str) -> None:
    """Every AWS client in this process talks to moto, with credentials that open no real account.

    The process's own clients go through moto's in-process mock (no HTTP: about four times
    cheaper per call, which matters with dozens of deliveries in flight); the server on
    `moto_url` shares the same backends, for the aws CLI and other tools.
    """
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)
    os.environ.update(stage_environment())
    os.environ.update({
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local-dummy",
        "AWS_SECRET_ACCESS_KEY": "local-dummy",
        "CLARION_STAGE": STAGE,
    })


def stage_environment() -> dict[str, str]:
    """The environment variables .chalice/config.json gives the local stage, as `chalice local` sets."""
    return dict(chalice_config(None).environment_variables)


def chalice_config(app: Any) -> Any:
    """The Config `chalice local --stage local` would build from .chalice/config.json."""
    from chalice.config import Config

    path = PROJECT_DIR / ".chalice" / "config.json"
    from_disk = json.loads(path.read_text()) if path.exists() else {}
    return Config(
        chalice_stage=STAGE,
        user_provided_params={"chalice_app": app} if app is not None else {},
        config_from_disk=from_disk,
        default_params={"project_dir": str(PROJECT_DIR), "api_gateway_stage": "api",
                        "api_gateway_endpoint_type": "EDGE", "autogen_policy": True},
    )


def seed_local_stage() -> None:
    """Demo users and channel accounts, if the composition root offers them (it may not yet)."""
    if importlib.util.find_spec("chalicelib.composition") is None:
        return
    composition = importlib.import_module("chalicelib.composition")
    if hasattr(composition, "seed_local_stage"):
        composition.seed_local_stage()
    if hasattr(composition, "seed_local_templates"):
        composition.seed_local_templates()


def load_app(ref: str) -> Any:
    """`module:attr` → the Chalice app object (default: the repo's app.py)."""
    module_name, _, attr = ref.partition(":")
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    return getattr(importlib.import_module(module_name), attr or "app")


def require_free_port(host: str, port: int, env_var: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise SystemExit(f"{host}:{port} is in use ({exc.strerror}); set {env_var} to another port") from exc


def wait_for_signal() -> None:
    """Block until Ctrl-C or SIGTERM."""
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    while not done.wait(1):  # a timed wait keeps the main thread responsive to signals
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.stack", description=__doc__.split("\n")[0])
    parser.add_argument("--app", default="app:app", help="the Chalice app as module:attr (default app:app)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)  # "Found credentials…" on every client
    stack = LocalStack(Settings.from_env(args.app))
    try:
        stack.start()
        print(stack.banner(), flush=True)
        wait_for_signal()
        print("Stopping…", flush=True)
    except KeyboardInterrupt:  # Ctrl-C while still starting
        pass
    finally:
        stack.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
