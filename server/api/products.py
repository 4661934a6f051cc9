"""GET /api/v1/products/<marketplace>/<id>/history: the prices a listing was seen at."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..db import get_db
from ..marketplaces import MARKETPLACES
from ..problems import InvalidRequest, NotFound
from ..store import prices
from . import PREFIX

bp = Blueprint("products", __name__, url_prefix=PREFIX)


@bp.get("/products/<marketplace>/<product_id>/history")
def history(marketplace: str, product_id: str):
    """Every recorded price of a product, oldest first (empty when it was never seen)."""
    if marketplace not in MARKETPLACES:
        raise NotFound("unknown_marketplace", f"{marketplace!r} is not a marketplace emptor knows ({', '.join(MARKETPLACES)}).")
    global_id = MARKETPLACES[marketplace].global_product_id(product_id)
    if global_id is None:
        raise InvalidRequest("bad_product_id", f"{product_id!r} is not a product id (up to 17 ASCII digits).")
    return jsonify(
        {"marketplace": marketplace, "product_id": global_id, "series": prices.series(get_db(), marketplace, global_id)}
    )
