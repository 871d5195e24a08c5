"""The sandbox platforms in a process of their own, as real platforms are.

The stack runs them this way so that their work happens on another core, not under the API's
and workers' interpreter lock; the handle offers the same controls as the in-process server.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from typing import Any


class SandboxProcess:
    def __init__(self, host: str, port: int) -> None:
        self.url = f"http://{host}:{port}"
        self._process = subprocess.Popen([sys.executable, "-m", "local.sandbox", "--host", host, "--port", str(port)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_up()

    def _wait_until_up(self, timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the sandbox platforms exited at start (is {self.url} taken?)")
            try:
                self.state()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the sandbox platforms did not start on {self.url}")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def base_url(self, platform: str) -> str:
        return f"{self.url}/{platform}"

    def state(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_sandbox/state"))

    def reset(self) -> None:
        self._call("POST", "/_sandbox/reset")

    def set_faults(self, platform: str, **spec: Any) -> None:
        self._call("POST", "/_sandbox/faults", {"platform": platform, **spec})

    def clear_faults(self) -> None:
        self._call("DELETE", "/_sandbox/faults")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()


def start_sandbox_process(host: str, port: int) -> SandboxProcess:
    return SandboxProcess(host, port)
