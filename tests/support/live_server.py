"""The real emptor service on 127.0.0.1 (Werkzeug's threaded server in a thread), for tests,
benchmarks and screenshots, with a paired HTTP client for it."""

from __future__ import annotations

import gzip
import io
import json
import threading
from contextlib import contextmanager
from pathlib import Path

import httpx
from werkzeug.serving import make_server

from tests.support.pairing import PairedAuth


class LiveServer:
    """``with LiveServer(app) as server:`` serves ``app`` at ``server.url`` until the block ends;
    ``server.http`` is an httpx client paired with it (every request signed, every answer's
    signature checked), ``server.secret`` the secret they share."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = app.extensions["emptor_pairing"].secrets.current()
        self.http = httpx.Client(base_url=self.url, auth=PairedAuth(self.secret), timeout=30)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.http.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class RequestRecorder:
    """WSGI middleware keeping every analyze request the service receives (decoded), so a test
    can check what the extension sent."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.analyze_requests: list[dict] = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/api/v1/analyze" and environ.get("REQUEST_METHOD") == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            body = gzip.decompress(raw) if environ.get("HTTP_CONTENT_ENCODING") == "gzip" else raw
            try:
                self.analyze_requests.append({"body": json.loads(body), "wire_bytes": len(raw), "json_bytes": len(body)})
            except ValueError:
                pass
        return self.wsgi_app(environ, start_response)


def service_report(service: LiveServer, body: dict) -> dict:
    """What the live ``service`` says about an analysis request, without recording it."""
    response = service.http.post("/api/v1/analyze", json={**body, "record": False})
    response.raise_for_status()
    return response.json()


@contextmanager
def recorded_service(data_dir: Path):
    """The real service on 127.0.0.1 with a data directory of its own (evidence and exports go
    there, never into the user's), recording the analyze requests it receives: ``server.recorder``,
    ``server.database``, ``server.data_dir``."""
    from server import create_app

    data_dir = Path(data_dir)
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE": data_dir / "emptor.db"})
    recorder = RequestRecorder(app.wsgi_app)
    app.wsgi_app = recorder
    with LiveServer(app) as server:
        server.recorder = recorder
        server.database = app.config["DATABASE"]
        server.data_dir = data_dir
        yield server
