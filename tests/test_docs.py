"""Documentation is part of the work: an undocumented rule, threshold or endpoint fails here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from heuristics import RULES, THRESHOLDS
from server import create_app

ROOT = Path(__file__).parents[1]
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_docs_rules_md_is_the_page_the_registry_builds():
    from server import rules_doc

    assert RULES_DOC == rules_doc.markdown(), "docs/rules.md is stale: run `make docs`"


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_documents_itself(code):
    """Each rule's docstring says what it checks, why, on what evidence, with an example, and
    names no threshold that does not exist (formatting it would fail)."""
    documentation = RULES[code].documentation
    for part in ("**What.**", "**Why.**", "**Evidence.**", "**Example.**"):
        assert part in documentation, f"{code}'s docstring lacks {part}"
    section = re.search(rf"^## {code} ([^\n]+)$(.*?)(?=^## |\Z)", RULES_DOC, re.MULTILINE | re.DOTALL)
    assert section and section.group(1).strip() == RULES[code].title


def test_no_section_documents_a_rule_that_does_not_exist():
    documented = set(re.findall(r"^## ([A-Z]{3}\d{3}) ", RULES_DOC, re.MULTILINE))
    assert documented == set(RULES)


HEURISTICS_SOURCE = "\n".join(
    path.read_text(encoding="utf-8") for path in (ROOT / "heuristics").rglob("*.py") if path.name != "thresholds.py"
)


@pytest.mark.parametrize("threshold", THRESHOLDS, ids=lambda t: t.name)
def test_every_threshold_is_used_documented_and_says_who_uses_it(threshold):
    assert f'"{threshold.name}"' in HEURISTICS_SOURCE, f"{threshold.name} is declared but no rule reads it"
    assert f"`{threshold.name}`" in RULES_DOC
    assert threshold.used_by and all(user in RULES or user == "adjusted rating" for user in threshold.used_by)


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


def _problems_raised() -> set[tuple[str, type]]:
    """Every (code, problem class) the service can raise: the classes with a fixed code, and
    each ``Kind("code", …)`` call of a general kind in server/."""
    import ast

    import server.app  # noqa: F401  (loads every module that defines a problem)
    from server.problems import Problem

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    kinds = {cls.__name__: cls for cls in subclasses(Problem)}
    raised = {(cls.code, cls) for cls in kinds.values() if cls.code}
    for path in (ROOT / "server").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in kinds and len(node.args) == 2:
                code = node.args[0]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    raised.add((code.value, kinds[node.func.id]))
    return raised


def test_every_error_code_is_documented_with_the_status_its_kind_gives():
    from server.errors import status_of

    raised = _problems_raised()
    assert len(raised) > 30, "the scan found too few problems to be looking in the right place"
    table = {code: int(status) for status, code in re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", API_DOC, re.MULTILINE)}
    for code, kind in sorted(raised, key=lambda pair: pair[0]):
        assert f"`{code}`" in API_DOC, f"error code {code} is not in docs/api.md"
        if code in table:
            assert table[code] == status_of(kind), (
                f"docs/api.md gives {code} status {table[code]}, its kind {kind.__name__} {status_of(kind)}"
            )


def test_one_code_one_status():
    """400 against 422 is decided by the kind of problem (docs/api.md, "Errors"), so a code
    raised in two places must be of kinds with one status."""
    from server.errors import status_of

    statuses: dict[str, set[int]] = {}
    for code, kind in _problems_raised():
        statuses.setdefault(code, set()).add(status_of(kind))
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}


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


TRACKED = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
# (A tracked file deleted in the working tree, before the deletion is committed, cites nothing.)
CITING = [ROOT / name for name in TRACKED
          if name.endswith((".py", ".js", ".md", ".toml", ".json", ".css", ".html")) and not name.startswith("tests/fixtures/")
          and (ROOT / name).is_file()]


def test_nothing_cites_notes_outside_the_repository():
    """A reader of the repository can open every source cited: outside research notes are
    summarised, with their public origins, in docs/sources.md."""
    outside = re.compile(r"research/[A-Z_]+\.(?:md|tsv)|\.\./shared/|\bANATOMY §|ANCHORS\.md")
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path in CITING
                 for match in outside.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_section_of_docs_sources_that_is_cited_exists():
    headings = set(re.findall(r"^## (.+)$", (ROOT / "docs" / "sources.md").read_text(encoding="utf-8"), re.MULTILINE))
    cited = set()
    for path in CITING:
        text = re.sub(r'"\s*\n\s*"', "", path.read_text(encoding="utf-8"))  # Python's "…" "…" strings, joined
        for section in re.findall(r'docs/sources\.md[,:]? \\?"([^"\\]+)\\?"', text):
            cited.add((path.relative_to(ROOT), " ".join(section.split())))
    assert cited, "no citation of docs/sources.md was found: the pattern is wrong"
    assert sorted((str(path), section) for path, section in cited if section not in headings) == []


def test_relative_links_in_the_docs_lead_to_files():
    broken = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "tests" / "fixtures").rglob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target) and not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []
