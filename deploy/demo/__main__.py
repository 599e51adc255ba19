"""Serve the demo feeds until interrupted: ``python -m deploy.demo [--port 8765]``.

The URLs are logged at startup; ``/`` answers a JSON index and ``/feeds.opml`` an OPML list.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
from collections.abc import Sequence

from deploy.demo.server import DEFAULT_SLOW_SECONDS, serve_demo_feeds

_LOG = logging.getLogger("deploy.demo")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, serve until Ctrl-C, return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m deploy.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=DEFAULT_SLOW_SECONDS,
        help="how long /slow.xml waits before answering",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with serve_demo_feeds(port=args.port, slow_seconds=args.slow_seconds) as server:
        for slug, url in server.feed_urls(include_faulty=True).items():
            _LOG.info("%-20s %s", slug, url)
        _LOG.info("%-20s %s", "opml", server.opml_url)
        _LOG.info("serving; press Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
