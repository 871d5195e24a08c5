"""Sandbox platforms: a local HTTP server speaking the real wire protocol of every platform
Clarion posts to (X, Facebook, Mastodon, Bluesky, Telegram, Slack, Discord), keeping what it
received and injecting faults on demand. `make run` starts it on http://127.0.0.1:8001;
tests start their own with `start_sandbox(port=0)`. See README.md beside this file.
"""
from local.sandbox.server import SandboxServer, start_sandbox

__all__ = ["SandboxServer", "start_sandbox"]
