"""Marketplace extractors behind one interface (:mod:`.base`), one package per marketplace.

Each marketplace is registered here, by name; nothing else needs to know which exist.
"""

from __future__ import annotations

from .aliexpress import AliExpress
from .base import Blob, Extraction, Marketplace, PageInput, host_of
from .problems import UnsupportedSite


def _register(*marketplaces: Marketplace) -> dict[str, Marketplace]:
    return {marketplace.name: marketplace for marketplace in marketplaces}


MARKETPLACES: dict[str, Marketplace] = _register(AliExpress())


def for_url(url: str) -> Marketplace:
    """The marketplace that serves ``url``; :class:`UnsupportedSite` for any other site."""
    host = host_of(url)
    for marketplace in MARKETPLACES.values():
        if marketplace.owns_host(host):
            return marketplace
    supported = ", ".join(sorted(MARKETPLACES))
    raise UnsupportedSite(f"{host} is not a supported marketplace; emptor reads {supported} listings.")


__all__ = ["MARKETPLACES", "Blob", "Extraction", "Marketplace", "PageInput", "for_url", "host_of"]
