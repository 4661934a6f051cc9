"""GET /rules: docs/rules.md as a page, so the extension can link each finding to /rules#CODE."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response

from ..markdown import render

bp = Blueprint("rules_page", __name__)

RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emptor rules</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root {{ color-scheme: light dark; }}
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }}
h2 {{ margin-top: 2.5rem; border-top: 1px solid #8884; padding-top: 1rem; }}
:target {{ background: #ffd54f44; }}
code {{ font-size: 0.9em; }} table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #8886; padding: 0.2rem 0.5rem; }}
</style></head><body>
{body}
</body></html>"""


@lru_cache(maxsize=1)
def _rendered(mtime: float) -> str:
    return _PAGE.format(body=render(RULES_DOC.read_text(encoding="utf-8")))


@bp.get("/rules")
def rules_page():
    """The rules documentation as HTML; every rule code is an anchor."""
    return Response(_rendered(RULES_DOC.stat().st_mtime), mimetype="text/html")
