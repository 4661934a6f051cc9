"""Paired callers for the tests: the Flask test client and httpx, signing every request and
checking every answer's signature.

The signing here is written from docs/api.md ("Pairing"), with hashlib and hmac only, and not
with server/pairing.py: a mistake made the same way on both sides would otherwise go unseen.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time

import httpx
from flask.testing import FlaskClient

TEST_SECRET = "emptor-test-secret-0123456789abcdef"


def hex_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret: str, method: str, path_with_query: str, body: bytes, *, ts: int | None = None,
                  nonce: str | None = None) -> tuple[str, str]:
    ts = int(time.time()) if ts is None else ts
    nonce = nonce or secrets.token_hex(16)
    signed = f"{method}\n{path_with_query}\n{ts}\n{nonce}\n{hex_sha256(body)}"
    return f"Emptor-HMAC-SHA256 ts={ts}, nonce={nonce}, sig={mac(secret, signed)}", nonce


def answer_signature(secret: str, nonce: str, status: int, body: bytes) -> str:
    return mac(secret, f"{nonce}\n{status}\n{hex_sha256(body)}")


# docs/api.md: the pages anyone may open; their answers are not signed.
OPEN_PATHS = {"/", "/rules", "/api/v1/health"}


def assert_signed_answer(secret: str, nonce: str, path: str, status: int, body: bytes, header: str | None) -> None:
    """A signature present must be right; a successful answer from a paired endpoint must carry
    one. (Refusals made before the signature is checked, such as 403 or 404, carry none.)"""
    if header is None:
        assert not (200 <= status < 300 and path.split("?")[0] not in OPEN_PATHS), f"{path} answered {status} unsigned"
        return
    assert header == answer_signature(secret, nonce, status, body), f"answer {status} to {path} is not signed with the secret"


class SignedClient(FlaskClient):
    """Flask's test client, paired: ``secret`` is set by the fixture (conftest.py). Pass
    ``signed=False`` to send a request as an unpaired caller would."""

    secret = TEST_SECRET

    def open(self, *args, signed: bool = True, buffered: bool = False, follow_redirects: bool = False, **kwargs):
        if not signed or (args and not isinstance(args[0], str)):
            return super().open(*args, buffered=buffered, follow_redirects=follow_redirects, **kwargs)
        request = self._request_from_builder_args(args, kwargs)
        environ = request.environ
        if environ["REQUEST_METHOD"] == "OPTIONS":  # a CORS preflight carries no credentials
            return super().open(request, buffered=buffered, follow_redirects=follow_redirects)
        body = environ["wsgi.input"].read()
        path = environ["REQUEST_URI"]  # what Werkzeug's test client puts on its "wire"
        header, nonce = authorization(self.secret, environ["REQUEST_METHOD"], path, body)
        environ.update({"wsgi.input": io.BytesIO(body), "HTTP_AUTHORIZATION": header})
        response = super().open(request, buffered=buffered, follow_redirects=follow_redirects)
        if response.status_code != 401:
            assert_signed_answer(self.secret, nonce, path, response.status_code, response.get_data(),
                                 response.headers.get("X-Emptor-Signature"))
        return response


class PairedAuth(httpx.Auth):
    """httpx authentication for a live service: signs each request, checks each answer."""

    requires_request_body = True
    requires_response_body = True

    def __init__(self, secret: str = TEST_SECRET):
        self.secret = secret

    def auth_flow(self, request: httpx.Request):
        path = request.url.raw_path.decode("ascii")
        header, nonce = authorization(self.secret, request.method, path, request.content)
        request.headers["Authorization"] = header
        response = yield request
        if response.status_code != 401:
            assert_signed_answer(self.secret, nonce, path, response.status_code, response.content,
                                 response.headers.get("X-Emptor-Signature"))
