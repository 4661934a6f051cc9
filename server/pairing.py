"""Pairing: only a caller that knows the shopper's secret gets in, and only the real service can
answer it.

The secret is created on first run in ``DATA_DIR/pairing-secret`` (0600), or given as
``EMPTOR_TOKEN``. ``emptor pair`` prints it; the shopper pastes it into the extension's options
page. The secret never travels: each request carries an HMAC of what it asks for, and each
answer an HMAC of what it says, keyed by the secret's UTF-8 bytes (docs/api.md, "Pairing").

- A request signs ``METHOD \\n PATH_WITH_QUERY \\n ts \\n nonce \\n sha256(body)`` in
  ``Authorization: Emptor-HMAC-SHA256 ts=…, nonce=…, sig=…``. A timestamp more than
  :data:`CLOCK_SKEW_SECONDS` from the service's clock, a nonce seen before, a bad signature or
  none is a 401, so a recorded request cannot be replayed.
- An answer signs ``nonce \\n STATUS \\n sha256(body)`` in ``X-Emptor-Signature``, so a program
  that takes the port while emptor is not running cannot pass off its own verdict: it cannot
  sign one.

Open without pairing, and saying nothing private: ``GET /``, ``GET /rules`` and
``GET /api/v1/health`` (``OPEN_ENDPOINTS`` in server/callers.py). The command line reads the database as the same
user and needs no pairing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response, current_app, g, request

from .api.requestbody import raw_body
from .callers import OPEN_ENDPOINTS
from .config import MIN_TOKEN_CHARACTERS, BadSetting
from .problems import Busy, Unauthorized
from .store.database import PRIVATE_FILE, private_directory

SCHEME = "Emptor-HMAC-SHA256"
SIGNATURE_HEADER = "X-Emptor-Signature"
SECRET_FILE_NAME = "pairing-secret"
# Issue 8 asks for at least 128 bits; 160 bits is 32 base32 letters, easy to paste.
SECRET_BYTES = 20
# Requests are accepted within two minutes of the service's clock (issue 8), which absorbs
# ordinary clock drift; a nonce is remembered for twice that, past which its timestamp is refused.
CLOCK_SKEW_SECONDS = 120
NONCE_PATTERN = re.compile(r"[0-9a-f]{16,64}")
# A full ledger means some caller sends thousands of signed requests a second: a paired caller,
# since unsigned ones are refused before their nonce is kept. 100,000 nonces are about 10 MB.
MAX_REMEMBERED_NONCES = 100_000


_AUTHORIZATION = re.compile(
    rf"\s*{SCHEME}\s+ts=(?P<ts>[0-9]{{1,12}})\s*,\s*nonce=(?P<nonce>[^,\s]*)\s*,\s*sig=(?P<sig>[^,\s]*)\s*",
    re.IGNORECASE,
)


def new_secret() -> str:
    """A random secret: 160 bits as 32 lowercase base32 letters and digits."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").lower()


def secret_file(data_dir: str | Path) -> Path:
    return Path(data_dir) / SECRET_FILE_NAME


def _write_private(path: Path, text: str, *, replace: bool) -> None:
    """Write ``path`` whole or not at all, private to the user from its first byte. Without
    ``replace``, a file that appeared meanwhile (another emptor starting) is kept."""
    private_directory(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)  # unlike a rename, never replaces a file already there
    finally:
        temporary.unlink(missing_ok=True)


def _read_secret(path: Path) -> str:
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadSetting(f"cannot read the pairing secret {path} ({exc}); `emptor pair --rotate` makes a new one.") from None
    if len(secret) < MIN_TOKEN_CHARACTERS:
        raise BadSetting(f"the pairing secret in {path} is missing or too short; `emptor pair --rotate` makes a new one.")
    return secret


def read_or_create_secret(path: Path) -> str:
    """The secret in ``path``, created (0600) on first run."""
    if not path.exists():
        _write_private(path, new_secret(), replace=False)
    os.chmod(path, PRIVATE_FILE)  # an older copy, or one restored from a backup, may be readable
    return _read_secret(path)


def rotate_secret(path: Path) -> str:
    """Replace the secret: every paired browser is unpaired until the new one is pasted."""
    secret = new_secret()
    _write_private(path, secret, replace=True)
    return secret


class SecretSource:
    """The secret a running service checks against: ``EMPTOR_TOKEN`` when set, else the file,
    read again whenever the file changes, so ``emptor pair --rotate`` takes effect at once."""

    def __init__(self, token: str | None, path: Path):
        self.path = path
        self._token = token
        self._lock = threading.Lock()
        self._seen: tuple | None = None
        self._secret = token or read_or_create_secret(path)

    def current(self) -> str:
        if self._token:
            return self._token
        try:
            status = self.path.stat()
            seen = (status.st_ino, status.st_mtime_ns, status.st_size)
        except OSError:
            seen = None  # removed by hand: keep the last secret rather than open the door
        if seen is not None and seen != self._seen:
            with self._lock:
                self._secret, self._seen = _read_secret(self.path), seen
        return self._secret


class NonceLedger:
    """Nonces of accepted requests, each kept until its request's timestamp falls outside the
    accepted window: a replayed request is refused either for its nonce or for its age."""

    def __init__(self, limit: int = MAX_REMEMBERED_NONCES):
        self._limit = limit
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._expiry)

    def accept(self, nonce: str, request_time: float, now: float) -> bool:
        """True, and the nonce remembered, when it was not seen before."""
        with self._lock:
            if nonce in self._expiry:
                return False
            if len(self._expiry) >= self._limit:
                self._forget_expired(now)
                if len(self._expiry) >= self._limit:
                    raise Busy("too_many_requests", "Too many signed requests in the last few minutes; try again shortly.")
            self._expiry[nonce] = request_time + CLOCK_SKEW_SECONDS + 1
            return True

    def _forget_expired(self, now: float) -> None:
        self._expiry = {nonce: until for nonce, until in self._expiry.items() if until > now}


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def request_signature(secret: str, method: str, path_with_query: str, ts: str, nonce: str, body: bytes) -> str:
    return _mac(secret, "\n".join((method.upper(), path_with_query, ts, nonce, digest(body))))


def response_signature(secret: str, nonce: str, status: int, body: bytes) -> str:
    return _mac(secret, "\n".join((nonce, str(status), digest(body))))


def authorization_header(secret: str, method: str, path_with_query: str, body: bytes = b"",
                         *, now: float | None = None, nonce: str | None = None) -> tuple[str, str]:
    """``(header value, nonce)`` for a request: what a script calling the service sends."""
    ts = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(16)
    return f"{SCHEME} ts={ts}, nonce={nonce}, sig={request_signature(secret, method, path_with_query, ts, nonce, body)}", nonce


def wire_path(environ: dict) -> str:
    """The path and query exactly as the client sent them (waitress and Werkzeug both keep it
    in ``REQUEST_URI``); rebuilt from the decoded parts only for a server that does not."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return raw
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/:@!$&'()*+,;=-._~%")
    query = environ.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def _unauthorized(reason: str) -> Unauthorized:
    return Unauthorized("unpaired", f"{reason} Run `emptor pair` and paste the code into the extension's options page.")


def check_signature() -> None:
    """Refuse every request to a paired endpoint that does not carry a valid signature."""
    if request.method == "OPTIONS" or request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return  # a CORS preflight carries no credentials; unknown paths answer 404 unsigned
    header = request.headers.get("Authorization", "")
    if not header:
        raise _unauthorized(f"The request has no Authorization header; the service needs {SCHEME}.")
    match = _AUTHORIZATION.fullmatch(header)
    if not match:
        raise _unauthorized(f"The Authorization header is not `{SCHEME} ts=<seconds>, nonce=<hex>, sig=<hex>`.")
    ts, nonce, sig = match["ts"], match["nonce"], match["sig"]
    if not NONCE_PATTERN.fullmatch(nonce):
        raise _unauthorized("The nonce must be 16 to 64 lowercase hex characters.")
    now = time.time()
    if abs(now - int(ts)) > CLOCK_SKEW_SECONDS:
        raise Unauthorized("stale_request", f"The request's timestamp is {int(now) - int(ts)} s away from the service's "
                           f"clock; the limit is {CLOCK_SKEW_SECONDS} s. Check the computer's clock.")
    state = current_app.extensions["emptor_pairing"]
    secret = state.secrets.current()
    body = raw_body()  # the bytes as sent, before any gzip is undone
    expected = request_signature(secret, request.method, wire_path(request.environ), ts, nonce, body)
    if not hmac.compare_digest(expected, sig.lower()):
        raise _unauthorized("The request's signature does not match this service's pairing secret.")
    if not state.nonces.accept(nonce, int(ts), now):
        raise Unauthorized("replayed_request", "This request's nonce was used before; each request needs a new one.")
    g.pairing_nonce = nonce


def sign_response(response: Response) -> Response:
    nonce = g.get("pairing_nonce")
    if nonce and response.status_code != 401:
        secret = current_app.extensions["emptor_pairing"].secrets.current()
        response.headers[SIGNATURE_HEADER] = response_signature(secret, nonce, response.status_code, response.get_data())
    return response


class PairingState:
    def __init__(self, secrets_: SecretSource):
        self.secrets = secrets_
        self.nonces = NonceLedger()


def init_app(app: Flask) -> None:
    token = app.config["TOKEN"]
    app.extensions["emptor_pairing"] = PairingState(SecretSource(token, secret_file(app.config["DATA_DIR"])))
    app.before_request(check_signature)
    app.after_request(sign_response)
