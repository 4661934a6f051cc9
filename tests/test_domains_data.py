"""The official domain lists: built from the inventory by tools/official_domains.py, and the
extension's copy the same lists as the service's (issue 11: "tied to the service's by a test")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from server import domains

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "server" / "data" / "official_domains.json"
EXTENSION = ROOT / "extension" / "lib" / "official-domains.json"


def test_both_files_are_what_the_inventory_gives():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "official_domains.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_the_extension_carries_the_services_lists():
    service = json.loads(SERVICE.read_text(encoding="utf-8"))
    extension = json.loads(EXTENSION.read_text(encoding="utf-8"))
    for key in ("registrable", "hosts", "never_trusted", "brands"):
        assert extension[key] == service[key], f"extension/lib/official-domains.json's {key} differs from the service's"


def test_the_extensions_confusable_letters_are_the_services_skeletons():
    letters = json.loads(EXTENSION.read_text(encoding="utf-8"))["confusable_letters"]
    assert len(letters) > 1000
    assert letters["\u0430"] == "a" and letters["\u0456"] == "i" and letters["\u00e9"] == "e"
    assert all(domains.skeleton(char) == folded for char, folded in letters.items())


def test_every_inventory_domain_is_official_or_never_trusted():
    lists = domains.official()
    inventory = (ROOT / "server" / "data" / "aliexpress_domains.tsv").read_text(encoding="utf-8").splitlines()[1:]
    registrable = {line.split("\t")[0] for line in inventory if line.split("\t")[3] in ("registrable", "third-party")}
    assert registrable == lists.registrable | lists.never_trusted
