"""The house rules of the tree that no linter checks: what may import what."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports, absolute or relative (as written), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(("." * node.level + (node.module or ""), node.lineno))
    return found


def _is_test_module(name: str) -> bool:
    parts = name.lstrip(".").split(".")
    return parts[-1] == "conftest" or parts[-1].startswith("test_") or (parts[0] == "tests" and parts[1:2] != ["support"])


PYTHON_FILES = sorted(
    path for folder in ("tests", "bench", "tools") for path in (ROOT / folder).rglob("*.py") if "fixtures" not in path.parts
)


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_support_package_is_shared(path):
    """Tests share code through tests/support alone: never by importing a test module or a
    conftest (whose fixtures pytest provides, and whose import runs it twice)."""
    offending = [f"line {line}: {name}" for name, line in imported_modules(path) if _is_test_module(name)]
    assert offending == [], f"{path.relative_to(ROOT)} imports test modules: {offending}"


def test_the_rule_is_checked_on_what_it_should_catch():
    assert _is_test_module("conftest") and _is_test_module("test_golden") and _is_test_module("tests.browser.conftest")
    assert not _is_test_module("tests.support.fixtures") and not _is_test_module("server.analysis")


WEB_FRAMEWORK = ("flask", "werkzeug", "flask_cors")


@pytest.mark.parametrize(
    "module", ["server.marketplaces", "server.marketplaces.aliexpress", "server.analysis", "server.cli", "server.fetch"]
)
def test_extraction_and_analysis_load_without_the_web_framework(module):
    """A fresh interpreter imports the module; no Flask, Werkzeug or flask-cors may come with it."""
    import subprocess
    import sys

    probe = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_FRAMEWORK!r}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]", f"importing {module} loads {result.stdout.strip()}"


def test_the_web_framework_probe_sees_it_when_it_is_loaded():
    import subprocess
    import sys

    probe = f"import sys, server.app; print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_FRAMEWORK!r})[:1])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "['flask']"


def absolute_imports(source: str, package: str) -> list[str]:
    """Every module a file of ``package`` imports, made absolute (``from .. import x`` in
    server.a.b is server.a.x, or server.a when x is a name)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            found += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return found


def test_marketplace_packages_do_not_import_their_registry():
    """server/marketplaces/__init__.py imports each marketplace to register it; a marketplace
    importing the registry back would be an import cycle."""
    for path in (ROOT / "server" / "marketplaces").glob("*/*.py"):
        package = ".".join(path.relative_to(ROOT).parts[:-1])
        imported = absolute_imports(path.read_text(encoding="utf-8"), package)
        assert "server.marketplaces" not in imported, f"{path.relative_to(ROOT)} imports the marketplace registry"


@pytest.mark.parametrize("line", ["from .. import Blob", "from ... import marketplaces", "import server.marketplaces",
                                  "from server import marketplaces"])
def test_the_registry_check_sees_every_way_of_writing_the_import(line):
    assert "server.marketplaces" in absolute_imports(line, "server.marketplaces.aliexpress")
    assert "server.marketplaces" not in absolute_imports("from ..base import Blob", "server.marketplaces.aliexpress")
