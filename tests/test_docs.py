"""Documentation is part of the work: an undocumented rule, threshold or endpoint fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from heuristics import RULES, THRESHOLDS
from server import create_app

ROOT = Path(__file__).parents[1]
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_section(code):
    section = re.search(rf"^## {code} ([^\n]+)$(.*?)(?=^## |\Z)", RULES_DOC, re.MULTILINE | re.DOTALL)
    assert section, f"docs/rules.md has no '## {code} …' section"
    assert section.group(1).strip() == RULES[code].title
    for part in ("**What.**", "**Why.**", "**Evidence.**", "**Example.**"):
        assert part in section.group(2), f"{code} section lacks {part}"


def test_no_section_documents_a_rule_that_does_not_exist():
    documented = set(re.findall(r"^## ([A-Z]{3}\d{3}) ", RULES_DOC, re.MULTILINE))
    assert documented == set(RULES)


@pytest.mark.parametrize("name", [t.name for t in THRESHOLDS])
def test_every_threshold_is_documented(name):
    assert f"`{name}`" in RULES_DOC


def test_every_endpoint_is_documented():
    app = create_app({"TESTING": True, "DATABASE": ":memory:"})
    for route in app.url_map.iter_rules():
        if route.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route.rule)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            assert f"`{method} {path}`" in API_DOC, f"docs/api.md does not document {method} {path}"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:\w+)?\n(.*?)```", readme, re.DOTALL).group(1)
    assert first_block.split() == ["make", "run", "make", "test"]


def test_every_error_code_raised_is_documented():
    codes = set()
    for path in (ROOT / "server").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'(?:BadInput|TooLarge|FetchFailed|NotFound|APIError)\(\s*"([a-z_]+)"', text))
    assert codes
    for code in sorted(codes):
        assert f"`{code}`" in API_DOC, f"error code {code} is not in docs/api.md"


def test_readme_sample_output_is_what_the_cli_prints(tmp_path):
    """The README shows a real `emptor scan`; a change to rules or wording must update it."""
    import os
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "tests/fixtures/pages/ali_32993251330_he_runParams_2020-07.html"
    assert f".venv/bin/emptor scan {command}" in readme
    emptor = Path(sys.executable).with_name("emptor")
    printed = subprocess.run([str(emptor), "scan", str(ROOT / command)], capture_output=True, text=True,
                             env={**os.environ, "EMPTOR_DATA_DIR": str(tmp_path)}, check=True).stdout
    sample = re.search(r"```\n(aliexpress 32993251330\n.*?)```", readme, re.DOTALL).group(1)
    assert sample.strip() == printed.strip()
