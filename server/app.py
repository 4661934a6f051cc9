"""The app factory (flaskr style): settings, then the test's overrides, then the blueprints."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from . import callers, config, db, errors
from .api import analyze, meta, products, rules_page


def create_app(test_config: dict | None = None) -> Flask:
    """The service as a WSGI app.

    :param test_config: overrides of declared settings (server/config.py) or of Flask's own,
        such as ``{"TESTING": True, "DATABASE": tmp_path / "t.db"}``.
    :raises config.BadSetting: an environment variable or override that cannot be read.
    """
    app = Flask(__name__)
    overrides = dict(test_config or {})
    flask_own = {key: overrides.pop(key) for key in list(overrides) if key in app.config}
    app.config.from_mapping(config.load(overrides=overrides), **flask_own)
    # Werkzeug's own cap on raw bodies, one byte over ours so that the view sees an oversized
    # chunked body as oversized; gzip bodies are capped again after decompression.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"] + 1
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    CORS(app, resources={r"/api/*": {"origins": list(config.EXTENSION_ORIGINS)}})

    errors.init_app(app)
    app.before_request(callers.check_host)
    db.init_app(app)
    app.register_blueprint(analyze.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(rules_page.bp)
    return app
