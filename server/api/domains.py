"""GET /api/v1/domain-check?domain=HOST: does a host imitate an official marketplace domain?

The extension asks about the hosts it navigates to (only brand-like ones; docs/extension.md), and
the shopper can ask with ``emptor check-domain``; both run server/domains.py's ``check``. Paired,
as every endpoint but the open pages: the host names a shopper visits are private.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import domains
from ..problems import InvalidRequest
from . import PREFIX

bp = Blueprint("domains", __name__, url_prefix=PREFIX)


@bp.get("/domain-check")
def domain_check():
    unknown = sorted(set(request.args) - {"domain"})
    if unknown:
        raise InvalidRequest("unknown_field", f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0])
    given = request.args.getlist("domain")
    if len(given) > 1:
        raise InvalidRequest("bad_domain", "Give one domain, not several.", field="domain")
    return jsonify(domains.check(given[0] if given else "").as_dict())
