"""`python -m local.sandbox [--port 8001]`: the sandbox platforms on their own, without the stack."""
from __future__ import annotations

import argparse
import logging
import threading

from local.sandbox import start_sandbox


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = start_sandbox(args.host, args.port)
    print(f"Sandbox platforms on {server.url}/ (Ctrl-C stops)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
