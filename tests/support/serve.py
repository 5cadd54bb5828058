"""Serve a folder over HTTP on 127.0.0.1 for the length of a ``with`` block (browser tests)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def serve_directory(path: str | Path) -> Iterator[str]:
    """Serve ``path`` on a free loopback port from a background thread; yield the base URL.

    The URL has no trailing slash (``http://127.0.0.1:PORT``), so ``f"{base}/index.html"`` reads
    naturally. The server is shut down and its socket closed when the block exits.
    """
    root = Path(path)
    if not root.is_dir():
        raise NotADirectoryError(f"serve_directory: not a directory: {root}")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    # Port 0 lets the OS choose a free port, so parallel or repeated runs never collide.
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"serve_directory:{root.name}",
        daemon=True,
    )
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
