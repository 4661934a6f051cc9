"""The one JSON error shape, and the only place exceptions become HTTP responses.

Every error the service returns looks like::

    {"ok": false, "status": 413, "error": "request_too_large",
     "message": "The request body is 17.1 MB after decompression; the limit is 16 MB."}

``error`` is a stable machine-readable code, ``message`` one sentence for a person. Callers may
add context keys (``field``…) but never remove these four. Views raise :class:`APIError`
subclasses or ``abort()``; they never build error JSON themselves.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class APIError(Exception):
    """An error with a status, a stable code and a sentence for the user."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.extra = extra


class BadInput(APIError):
    """The request or file could not be read as a marketplace page."""


class TooLarge(APIError):
    """The input exceeds the size limit."""

    status = 413


class FetchFailed(APIError):
    """A marketplace page could not be fetched."""

    status = 502


class NotFound(APIError):
    status = 404


class Forbidden(APIError):
    status = 403


def error_body(status: int, code: str, message: str, **extra) -> dict:
    return {"ok": False, "status": status, "error": code, "message": message, **extra}


def _http_code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def init_app(app: Flask) -> None:
    @app.errorhandler(APIError)
    def handle_api_error(exc: APIError):
        return jsonify(error_body(exc.status, exc.code, exc.message, **exc.extra)), exc.status

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        # Keeps the status and headers (Allow on 405) of errors raised during routing.
        response = exc.get_response()
        response.data = app.json.dumps(error_body(exc.code, _http_code(exc), exc.description or exc.name))
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise exc
        log.exception("unexpected error")
        return jsonify(error_body(500, "internal_error", "emptor hit an unexpected error; it is logged.")), 500
