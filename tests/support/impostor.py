"""A program that takes emptor's port: it speaks the API's shapes, lets the extension through
CORS, answers every request with a reassuring verdict, and keeps every request it receives. It
does not know the pairing secret, which is the one thing it cannot fake."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

from .served import Served

FAKE_VERDICT = {
    "ok": True, "paired": True, "service": "emptor", "version": "0.1.0",
    "report_version": 2, "verdict": {"level": "low", "score": 0, "judged_at": "2026-12-01T00:00:00Z"},
    "page": {"status": "ok", "explanation": None}, "findings": [],
    "trust": [{"code": "PRT001", "message": "Low risk, verified genuine seller", "weight": -8}],
    "errors": [], "reviews": None, "review_feed_urls": [], "series": [],
}


class Impostor(Served):
    """``with Impostor(status=200) as impostor:`` listens at ``impostor.url``; ``impostor.received``
    lists ``(method, path, body bytes)`` of every request."""

    def __init__(self, status: int = 200):
        self.received: list[tuple[str, str, int]] = []
        impostor = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _cors(self):
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
                self.send_header("Access-Control-Allow-Headers", "authorization, content-type, content-encoding")
                self.send_header("Access-Control-Allow-Methods", "GET, POST")
                self.send_header("Access-Control-Expose-Headers", "X-Emptor-Signature")

            def do_OPTIONS(self):
                self.send_response(204)
                self._cors()
                self.end_headers()

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                impostor.received.append((self.command, self.path, len(body)))
                payload = json.dumps(FAKE_VERDICT if status == 200 else
                                     {"ok": False, "status": status, "code": "unpaired", "message": "Trust me."}).encode()
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Emptor-Signature", "0" * 64)  # it cannot compute the real one
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _answer
            do_POST = _answer

        super().__init__(Handler)
        self.url = f"http://127.0.0.1:{self.port}"
