"""The listen backlog of the local stack's busy HTTP servers: moto's and the sandbox platforms'."""
from __future__ import annotations

from typing import Any

# werkzeug listens with a backlog of 128. An approval to 300 accounts opens about 300 connections
# to the sandbox at once (every worker's posts, in parallel); the kernel drops the connection
# requests over the backlog and each client tries again a second later (TCP's initial
# retransmission timeout): a second the emulator adds to a delivery, not Clarion or a platform.
# Measured before this: 30 listen overflows in one 300-account run of bench/delivery_bench.py
# --processes (`nstat -az TcpExtListenOverflows`), and none after.
LISTEN_BACKLOG = 1024


def listen_deeply(server: Any) -> None:
    """Listen again with LISTEN_BACKLOG (Linux takes a new backlog on a listening socket; the kernel
    caps it at net.core.somaxconn)."""
    server.socket.listen(LISTEN_BACKLOG)
