"""emptor's local service: a Flask app that explains the risks of a marketplace listing."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from . import config


def create_app(test_config: dict | None = None) -> Flask:
    """The app factory (flaskr style): defaults, then ``test_config``, then blueprints.

    :param test_config: overrides such as ``{"TESTING": True, "DATABASE": tmp_path / "t.db"}``.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE=str(config.database_path()),
        MAX_REQUEST_BYTES=config.MAX_REQUEST_BYTES,
        # Werkzeug's own cap on raw bodies, one byte over ours so that the view sees an oversized
        # chunked body as oversized; gzip bodies are capped again after decompression.
        MAX_CONTENT_LENGTH=config.MAX_REQUEST_BYTES + 1,
        RECORD_OBSERVATIONS=True,
        ALLOWED_HOSTS=list(config.LOOPBACK_HOSTS),
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update({k: (str(v) if k == "DATABASE" else v) for k, v in test_config.items()})
        if "MAX_REQUEST_BYTES" in test_config:
            app.config["MAX_CONTENT_LENGTH"] = test_config["MAX_REQUEST_BYTES"] + 1
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    CORS(app, resources={r"/api/*": {"origins": list(config.EXTENSION_ORIGINS)}})

    from . import callers, db, errors
    from .api import analyze, meta, products, rules_page

    errors.init_app(app)
    app.before_request(callers.check_host)
    db.init_app(app)
    app.register_blueprint(analyze.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(rules_page.bp)
    return app
