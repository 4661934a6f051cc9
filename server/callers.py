"""Which Host a request may name: a defence against DNS rebinding.

A web page can make its own domain resolve to 127.0.0.1 and then call the service from the
browser as a "same-origin" page, which neither CORS nor the Origin check in
``api/requestbody.py`` sees. Such a request still names the attacker's domain in its ``Host``
header, so only the loopback names (and the address ``emptor serve --host`` was given) are
answered. This is the check Chrome's Private Network Access and tools like Jupyter rely on too.
Serving on every interface (``--host 0.0.0.0`` or ``::``) turns the check off, with a warning:
the clients are then other machines, whose names the service cannot know.
"""

from __future__ import annotations

from flask import current_app, request

from .problems import Forbidden


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
