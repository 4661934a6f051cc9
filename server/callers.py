"""Who may call the service: the Host a request names and the Origin it comes from, checked
before anything else (then the signature, server/pairing.py).

DNS rebinding: a web page can make its own domain resolve to 127.0.0.1 and then call the service
from the browser as a "same-origin" page, which neither CORS nor the Origin check sees. Such a
request still names the attacker's domain in its ``Host`` header, so only the loopback names (and
the address ``emptor serve --host`` was given) are answered. This is the check Chrome's Private
Network Access and tools like Jupyter rely on too. Serving on every interface (``--host 0.0.0.0``
or ``::``) turns the check off, with a warning: the clients are then other machines, whose names
the service cannot know.
"""

from __future__ import annotations

import re

from flask import current_app, request

from .config import EXTENSION_ORIGINS
from .problems import Forbidden

# Open without pairing, and saying nothing private: the landing page, the rules page (the
# panel's links open it in a tab) and the health check (issue 8).
OPEN_ENDPOINTS = frozenset({"landing.landing", "rules_page.rules_page", "meta.health"})


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port: ``[::1]:8765`` → ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.rstrip(".")  # "localhost." is the same name, fully qualified


def check_host() -> None:
    allowed = current_app.config["ALLOWED_HOSTS"]
    if allowed is None:  # `emptor serve --host 0.0.0.0`: every name the network may use
        return
    header = request.headers.get("Host", "")
    if host_name(header) not in allowed:
        shown = header[:100] or "missing"
        raise Forbidden(
            "forbidden_host",
            f"The Host header is {shown}; the emptor service answers only requests addressed to "
            f"{', '.join(current_app.config['ALLOWED_HOSTS'])}.",
        )


def check_origin() -> None:
    """Web pages may not call the service; only the extension and local programs may.

    Browsers name the page a request comes from in ``Origin``; CORS alone would only hide the
    answer from a page, not stop the request. The open pages (server/pairing.py) answer anyone:
    they say nothing private.
    """
    origin = request.headers.get("Origin")
    if not origin or request.endpoint in OPEN_ENDPOINTS or request.method == "OPTIONS":
        return
    if not any(re.fullmatch(pattern, origin) for pattern in EXTENSION_ORIGINS):
        raise Forbidden(
            "forbidden_origin",
            f"Requests from {origin} are not accepted; only the emptor extension and local programs may call the service.",
        )
