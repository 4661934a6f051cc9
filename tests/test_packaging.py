"""emptor as a shopper installs it: a wheel in a fresh virtual environment, away from this
checkout, must serve everything it needs from inside the package (the rules page above all)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from heuristics import RULES
from tests.support.cli import serving

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed with its `emptor` command into a new venv.

    Its dependencies come from the project's own environment (a path line in the new venv, so
    nothing is downloaded); the checkout itself is not on that path, so the code that runs is
    the wheel's."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so the build leaves nothing (build/, *.egg-info) in the checkout.
    source = work / "source"
    for name in ("pyproject.toml", "README.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for package in ("server", "heuristics"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(work / "dist"), str(source)], check=True, capture_output=True, cwd=work)
    (wheel,) = (work / "dist").glob("emptor-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        cwd=work,
    )
    new_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
    (new_site / "emptor-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return {"wheel": wheel, "venv": venv, "python": python, "work": work}


def test_the_wheel_carries_the_rules_page_sources(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    assert "server/rules_doc/introduction.md" in names and "server/data/price_floors.json" in names
    assert not any(name.startswith(("tests/", "docs/", "extension/")) for name in names)


def test_the_installed_code_is_the_wheels_not_the_checkouts(installed):
    where = subprocess.run(
        [str(installed["python"]), "-c", "import server, heuristics; print(server.__file__, heuristics.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=installed["work"],
    ).stdout.split()
    assert all(path.startswith(str(installed["venv"])) for path in where), where


def test_an_installed_emptor_serves_the_rules_page_with_every_rule(installed, tmp_path):
    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path)}
    env.pop("EMPTOR_DATABASE", None)
    env.pop("PYTHONPATH", None)
    with serving([str(installed["venv"] / "bin" / "emptor"), "serve"], env=env, cwd=installed["work"]) as served:
        page = httpx.get(f"{served.url}/rules", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    missing = [code for code in RULES if f'id="{code}"' not in page.text]
    assert missing == []
