# The two commands a new machine needs are `make run` and `make test`; both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: install install-js run test test-js test-python bench bench-load fuzz docs rules extension-reports screenshots clean

install: $(STAMP)

# Re-install only when the project's dependencies change, so `make test` stays quick.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The extension needs no build; node only runs its unit tests and linters.
install-js: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# `make run PORT=8766` serves on another port. Set with := so that a PORT in the environment
# (which other tools use for their own servers) is not taken up; one on make's command line is.
PORT :=
run: install
	$(BIN)/emptor serve $(if $(PORT),--port $(PORT))

test: test-js test-python

test-js: install-js
	node --test --test-reporter=spec extension/tests/
	node_modules/.bin/eslint extension tests/support/firefox_driver.mjs
	node_modules/.bin/web-ext lint --source-dir extension --self-hosted --output=text

# Includes the browser tests, which run whenever Chromium is present (and always under CI), and
# the Firefox tests (tests/firefox/), which need Firefox ESR and node's puppeteer-core (install-js).
test-python: install install-js
	$(BIN)/ruff check server heuristics tools bench tests
	$(BIN)/python -m pytest

# Ghostery's TrackerDB (CC BY-NC-SA: not for an MIT project to ship), unpacked from npm under
# bench/.trackerdb (ignored by git) for the tracker benchmark's comparison only; npm checks its integrity.
TRACKERDB_VERSION := 1.0.945
TRACKERDB := bench/.trackerdb/package/dist/trackerdb.json

$(TRACKERDB):
	mkdir -p bench/.trackerdb
	cd bench/.trackerdb && npm pack --silent @ghostery/trackerdb@$(TRACKERDB_VERSION) >/dev/null && tar xzf ghostery-trackerdb-$(TRACKERDB_VERSION).tgz

# install-js: the lookalike benchmark runs the extension's check under node.
bench: install install-js $(TRACKERDB)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/extension.py
	$(BIN)/python bench/evidence.py
	$(BIN)/python bench/evidence_browser.py
	$(BIN)/python bench/trackers.py
	$(BIN)/python bench/domains.py
	$(BIN)/python bench/lookalike_extension.py

# 50 busy tabs against the real service for about two minutes (docs/performance.md, "Under load").
bench-load: install
	$(BIN)/python bench/load.py

# The property tests' hostile inputs on thousands of random examples (bench/fuzz.py --help).
fuzz: install
	$(BIN)/python bench/fuzz.py

# The extension's tracker-blocking rulesets (extension/rules/) from server/data/trackers/; a test fails when they are stale.
rules: install
	$(BIN)/emptor rules build

# docs/rules.md is built from the rule registry (server/rules_doc/); a test fails when it is stale.
docs: install
	$(BIN)/python -m server.rules_doc docs/rules.md

# The extension's fixture reports, made by the service itself; tests/test_extension_fixtures.py fails when they are stale.
extension-reports: install
	$(BIN)/python tools/extension_reports.py

screenshots: install
	$(BIN)/python tools/screenshots.py --out docs/screenshots

clean:
	rm -rf $(VENV) node_modules build *.egg-info .pytest_cache bench/.trackerdb
