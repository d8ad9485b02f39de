"""What the browser tests share: Debian's chromium driven by playwright, and a local web server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# material renders each Mermaid diagram into a *closed* shadow root; open it so a test can see the svg
OPEN_SHADOW_ROOTS = ("const attach = Element.prototype.attachShadow;"
                     "Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: 'open'}); };")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian chromium under playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch(page: Any, *bases: str) -> tuple[list[str], list[str]]:
    """Record what ``page`` asks of hosts other than ``bases`` and the JavaScript errors it raises:
    (requests elsewhere, errors), filled as the page runs."""
    outside: list[str] = []
    errors: list[str] = []
    allowed = (*bases, "data:", "blob:")
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(allowed) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return outside, errors
