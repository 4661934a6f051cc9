"""The one JSON error shape, and the only place exceptions become HTTP responses.

Every error the service returns looks like::

    {"ok": false, "status": 413, "code": "request_too_large",
     "message": "The request body is 17.1 MB after decompression; the limit is 16 MB."}

``code`` is a stable machine-readable code, ``message`` one sentence for a person, and
``field`` (when present) the part of the request at fault. The code raises the problems of
:mod:`server.problems`, which know nothing of HTTP; :data:`STATUS_BY_KIND` gives each kind its
status (400 against 422 is explained there). Views never build error JSON themselves.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from .problems import (
    Busy,
    FetchFailed,
    Forbidden,
    InvalidRequest,
    NotFound,
    Problem,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnreadableInput,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)

STATUS_BY_KIND: dict[type[Problem], int] = {
    InvalidRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    TooLarge: 413,
    UnsupportedMediaType: 415,
    UnreadableInput: 422,
    FetchFailed: 502,
    Busy: 503,
    Unavailable: 501,
}


def status_of(problem: type[Problem] | Problem) -> int:
    """The status of a problem's nearest kind (a subclass inherits its kind's status)."""
    cls = problem if isinstance(problem, type) else type(problem)
    return next(STATUS_BY_KIND[kind] for kind in cls.__mro__ if kind in STATUS_BY_KIND)


def error_body(status: int, code: str, message: str, field: str | None = None) -> dict:
    body = {"ok": False, "status": status, "code": code, "message": message}
    if field is not None:
        body["field"] = field
    return body


def _http_code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def handle_problem(problem: Problem):
        status = status_of(problem)
        return jsonify(error_body(status, problem.code, problem.message, problem.field)), status

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        # Keeps the status and headers (Allow on 405) of errors raised during routing.
        response = exc.get_response()
        response.data = app.json.dumps(error_body(exc.code, _http_code(exc), exc.description or exc.name))
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if app.config["PROPAGATE_UNEXPECTED"]:
            raise exc
        log.exception("unexpected error")
        return jsonify(error_body(500, "internal_error", "emptor hit an unexpected error; it is logged.")), 500
