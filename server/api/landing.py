"""GET /: what answers on this port, for a shopper who opens it in a tab. Open without pairing,
so it says nothing private: the name, the version and how to pair."""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, url_for

from ..config import version

bp = Blueprint("landing", __name__)

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>emptor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}}
code{{background:#f3f3f3;padding:.1em .3em;border-radius:3px}}</style></head>
<body>
<h1>emptor {version} is running</h1>
<p>This is the local service of the emptor browser extension. It answers only the extension it is
paired with.</p>
<p>To pair a browser, run <code>emptor pair</code> in a terminal and paste the code it prints into the
extension's options page.</p>
<p><a href="{rules}">What emptor checks</a></p>
</body>
</html>
"""


@bp.get("/")
def landing():
    return Response(_PAGE.format(version=escape(version()), rules=escape(url_for("rules_page.rules_page"))),
                    mimetype="text/html")
