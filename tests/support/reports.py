"""What the tests expect of reports: the report schema's validator, and the outcome of every
saved page (the golden reports, checked through the API and through `emptor scan`)."""

from __future__ import annotations

import json

import jsonschema

from .fixtures import F2020, F2209, F2212, F2607, F2607_DOM, NOT_FOUND, PUNISH, ROOT, SHELL, STORE

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

GOLDEN = {
    F2020.name: {
        "status": "ok", "generation": "A", "level": "high", "score": 72,
        "findings": ["CNT001", "CNT002", "SEL001", "CNT003", "SHP003"], "trust": ["PRT003"],
    },
    F2212.name: {
        # PRT004 is not a reason to trust here: the 25-day guarantee is broken by the page's
        # own estimate (delivery on 2023-03-02, 72 days after capture; SHP003).
        "status": "ok", "generation": "A", "level": "high", "score": 64,
        "findings": ["SEL001", "SHP001", "SHP003"], "trust": [],
    },
    F2209.name: {
        "status": "ok", "generation": "B", "level": "low", "score": 6,
        "findings": ["SEL001"], "trust": ["PRT004"],
    },
    SHELL.name: {"status": "no_data", "generation": None, "level": "unknown", "score": None, "findings": [], "trust": []},
    NOT_FOUND.name: {"status": "not_found", "generation": None, "level": "unknown", "score": None, "findings": [], "trust": []},
    PUNISH.name: {"status": "blocked", "generation": None, "level": "unknown", "score": None, "findings": [], "trust": []},
    STORE.name: {"status": "not_product", "generation": None, "level": "unknown", "score": None, "findings": [], "trust": []},
    F2607.name: {
        # A Choice item with a delivery guarantee and free returns from a store 94.5% positive:
        # the protections (-40) outweigh the store (+16) today. Issue 9's calibration (a
        # protection offsets only the risks it covers) will change this outcome.
        "status": "ok", "generation": "D", "level": "low", "score": 0,
        "findings": ["SEL001"], "trust": ["PRT001", "PRT004", "PRT002"],
    },
    F2607_DOM.name: {
        # The rendered page alone: its service panel shows the delivery promise and free returns
        # (in words, read in the site's language); the Choice programme is only in the feed (F2607).
        "status": "ok", "generation": "dom-2024", "level": "low", "score": 0,
        "findings": ["SEL001"], "trust": ["PRT004", "PRT002"],
    },
}
