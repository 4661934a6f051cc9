"""The shopper's tracker-blocking choice survives a new version of emptor (issue 11), in Chromium:
the browser keeps the enabled rulesets itself but puts them back to the manifest's defaults when a
new version is installed, so the worker applies the choice kept in chrome.storage.local again
(extension/lib/shield.js ``restoreChoice``). A copy of the extension is installed, the choice made
as the popup and the options page make it, the browser closed, the copy's version raised, and the
browser started again on the same profile. (Chromium installs an extension loaded from a folder
afresh at each start, its storage kept, and says "install" where a store update says "update":
the worker restores the choice on both.) The first test shows the reset itself.

This module starts its own browsers, one after the other (Playwright's sync API runs one at a
time), so it sorts before the modules that use the session's browser.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support.browser import BROWSER_SKIP_REASON, EXTENSION_DIR, extension_browser, find_chromium, shield_call, wait_until

DEFAULTS = ["allow-checkout", "clean-links", "trackers"]


@pytest.fixture()
def installed(tmp_path):
    """A copy of the extension and a profile, and how to start the browser on them."""
    chromium = find_chromium()
    if not chromium:
        pytest.skip(BROWSER_SKIP_REASON)  # under CI the browser tests' conftest fails instead
    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION_DIR, copy)
    profile = tmp_path / "profile"
    profile.mkdir()
    return lambda: extension_browser(chromium, extension_dir=copy, profile=str(profile)), copy


def enabled(emptor) -> list[str]:
    return sorted(emptor.worker.evaluate("() => chrome.declarativeNetRequest.getEnabledRulesets()"))


def restored(emptor):
    """Wait for the worker's restore at install (runtime.onInstalled) to finish; what it applied."""
    wait_until(lambda: emptor.worker.evaluate("() => 'emptorShieldRestored' in globalThis"), "the worker's restore to start")
    return emptor.worker.evaluate("() => globalThis.emptorShieldRestored")


def new_version(copy) -> str:
    manifest_path = copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    major, minor, patch = manifest["version"].split(".")
    manifest["version"] = f"{major}.{minor}.{int(patch) + 1}"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return manifest["version"]


def test_the_browser_puts_the_rulesets_back_to_their_defaults_when_nothing_restores_them(installed):
    """The premise, shown: rulesets changed without a choice kept (as the browser's own API
    allows) are back to the manifest's defaults after the new version starts."""
    start, copy = installed
    with start() as emptor:
        emptor.worker.evaluate("() => chrome.declarativeNetRequest.updateEnabledRulesets("
                               "{ enableRulesetIds: ['trackers-everywhere'], disableRulesetIds: ['trackers'] })")
        assert enabled(emptor) == ["allow-checkout", "clean-links", "trackers-everywhere"]
    new_version(copy)
    with start() as emptor:
        assert restored(emptor) is None
        assert enabled(emptor) == DEFAULTS


def test_the_every_site_and_telemetry_options_come_back_after_an_update(installed):
    start, copy = installed
    with start() as emptor:
        assert enabled(emptor) == DEFAULTS
        shield_call(emptor, "setOption", "everywhere", True)
        shield_call(emptor, "setOption", "telemetry", True)
        chosen = enabled(emptor)
        assert chosen == sorted(DEFAULTS + ["marketplace-telemetry", "trackers-everywhere"])
    version = new_version(copy)
    with start() as emptor:
        assert emptor.worker.evaluate("() => chrome.runtime.getManifest().version") == version
        assert restored(emptor) == {"on": True, "everywhere": True, "telemetry": True}
        assert enabled(emptor) == chosen


def test_blocking_switched_off_stays_off_after_an_update(installed):
    start, copy = installed
    with start() as emptor:
        shield_call(emptor, "setOption", "everywhere", True)
        shield_call(emptor, "setBlocking", False)
        assert enabled(emptor) == ["allow-checkout", "clean-links"]
    new_version(copy)
    with start() as emptor:
        assert restored(emptor) == {"on": False, "everywhere": True, "telemetry": False}
        assert enabled(emptor) == ["allow-checkout", "clean-links"]
        shield_call(emptor, "setBlocking", True)  # the popup's switch: the every-site option comes back with it
        assert enabled(emptor) == sorted(DEFAULTS + ["trackers-everywhere"])


def test_a_shopper_who_never_chose_keeps_the_defaults(installed):
    start, copy = installed
    with start() as emptor:
        assert restored(emptor) is None
        assert enabled(emptor) == DEFAULTS
    new_version(copy)
    with start() as emptor:
        assert restored(emptor) is None
        assert enabled(emptor) == DEFAULTS


@pytest.mark.parametrize("stored", [
    True, "on", [], {"everywhere": True}, {"on": "false", "everywhere": False, "telemetry": False},
])
def test_a_stored_value_that_is_not_a_choice_leaves_the_defaults(installed, stored):
    """Whatever else lies under the key (an old build's value, a foreign one) is not a choice:
    blocking stays as the browser has it, never switched off by it."""
    start, copy = installed
    with start() as emptor:
        emptor.worker.evaluate("(value) => chrome.storage.local.set({ shieldChoice: value })", stored)
    new_version(copy)
    with start() as emptor:
        assert restored(emptor) is None
        assert enabled(emptor) == DEFAULTS
