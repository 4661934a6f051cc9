"""The app factory (flaskr style): settings, then the test's overrides, then the blueprints."""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS

from . import callers, config, db, errors, jsontext, pairing, workers
from .api import analyze, domains, evidence, landing, messages, meta, orders, products, rules_page


class JSONProvider(DefaultJSONProvider):
    """Answers encoded by orjson (a report in a tenth of the time ``json`` takes; keys in the
    order the code builds them, text as UTF-8), with Flask's own encoder for anything orjson
    cannot encode."""

    sort_keys = False
    ensure_ascii = False

    def response(self, *args, **kwargs):
        body = jsontext.dumps_fast(self._prepare_response_obj(args, kwargs), fallback=self.dumps)
        return self._app.response_class(body, mimetype="application/json")


def create_app(test_config: dict | None = None) -> Flask:
    """The service as a WSGI app.

    :param test_config: overrides of declared settings (server/config.py) or of Flask's own,
        such as ``{"TESTING": True, "DATABASE": tmp_path / "t.db"}``.
    :raises config.BadSetting: an environment variable or override that cannot be read.
    """
    app = Flask(__name__, static_folder=None)  # no static files: every page is generated
    app.json = JSONProvider(app)
    overrides = dict(test_config or {})
    flask_own = {key: overrides.pop(key) for key in list(overrides) if key in app.config}
    app.config.from_mapping(config.load(overrides=overrides), **flask_own)
    # Werkzeug's own cap on raw bodies, one byte over ours so that the view sees an oversized
    # chunked body as oversized; gzip bodies are capped again after decompression.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"] + 1

    # The extension must read the answer's signature, which a browser hides unless it is exposed.
    CORS(app, resources={r"/api/*": {"origins": list(config.EXTENSION_ORIGINS)}},
         expose_headers=[pairing.SIGNATURE_HEADER])

    errors.init_app(app)
    app.before_request(callers.check_host)
    app.before_request(callers.check_origin)
    pairing.init_app(app)  # after the two checks above: a forbidden caller is told so, not asked to pair
    db.init_app(app)
    if app.config["ANALYSIS_WORKERS"]:
        app.extensions["emptor_workers"] = workers.AnalysisWorkers(
            app.config["ANALYSIS_WORKERS"], app.config["DATABASE"],
            workers.Budget(app.config["ANALYSIS_SECONDS"], config.WORKER_MEMORY_BYTES, config.WORKER_RECYCLE_BYTES),
            debug=app.config["DEBUG_RULES"],
        )
    app.register_blueprint(analyze.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(evidence.bp)
    app.register_blueprint(orders.bp)
    app.register_blueprint(messages.bp)
    app.register_blueprint(domains.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(rules_page.bp)
    app.register_blueprint(landing.bp)
    return app
