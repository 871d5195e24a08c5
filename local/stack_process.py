"""The whole local stack (`python -m local.stack`) as a child process on free ports, for the
browser tests and the console benchmark: they use Clarion as a person would, over HTTP."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningStack:
    api: str
    sandbox: str
    signin: str
    process: subprocess.Popen[bytes]
    log: Path

    def call(self, method: str, path: str, token: str, body: Any = None,
             headers: dict[str, str] | None = None) -> Any:
        """The HTTP API with a demo token (for setting up and checking what the browser did)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_stack(log: Path, seconds: float = 120) -> RunningStack:
    """Start the stack on free ports and wait until its API, sign-in and sandbox platforms answer."""
    ports = {name: free_port() for name in ("CLARION_PORT", "CLARION_MOTO_PORT", "CLARION_SANDBOX_PORT",
                                            "CLARION_SIGNIN_PORT")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLARION_", "AWS_"))}
    env.update({k: str(v) for k, v in ports.items()})
    env["CLARION_SANDBOX_URL"] = f"http://127.0.0.1:{ports['CLARION_SANDBOX_PORT']}"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=PROJECT_DIR, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    running = RunningStack(f"http://127.0.0.1:{ports['CLARION_PORT']}", env["CLARION_SANDBOX_URL"],
                           f"http://127.0.0.1:{ports['CLARION_SIGNIN_PORT']}", process, log)
    try:
        _wait_until_ready(running, seconds)
    except BaseException:
        running.stop()
        raise
    return running


def _wait_until_ready(stack: RunningStack, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(f"the local stack stopped:\n{stack.log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(stack.api + "/console/sign-in.json", timeout=2) as response:
                if response.status == 200:
                    urllib.request.urlopen(stack.signin + "/.well-known/jwks.json", timeout=2).close()
                    urllib.request.urlopen(stack.sandbox + "/", timeout=2).close()  # started last
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the local stack did not start in {seconds} s:\n{stack.log.read_text()[-4000:]}")
