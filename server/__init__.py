"""emptor's local service: a Flask app that explains the risks of a marketplace listing.

The web app lives in :mod:`server.app`; the extraction (:mod:`server.marketplaces`), the
analysis pipeline and the command line's scanning do not import Flask, so this package does not
either until an app is made.
"""

from __future__ import annotations


def create_app(test_config: dict | None = None):
    """The Flask app (:func:`server.app.create_app`), imported only when one is made."""
    from .app import create_app as factory

    return factory(test_config)
