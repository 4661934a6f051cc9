"""Checks the API tests share: the one error shape, and what the database holds."""

from __future__ import annotations

from server.store import open_database


def assert_error(response, status: int, code: str) -> dict:
    """Every error is JSON {ok: false, status, code, message}, never a traceback."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type.startswith("application/json")
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status and body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def price_rows(app):
    db = open_database(app.config["DATABASE"])
    try:
        return db.execute("select count(*) from price_observations").fetchone()[0]
    finally:
        db.close()
