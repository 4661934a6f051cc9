"""Settings: declared once (server/config.py), each read from the environment by its own type,
and refused with a sentence naming the variable when they cannot be read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from server import config
from server.app import create_app
from tests.support.cli import run_emptor

ROOT = Path(__file__).resolve().parents[1]


def test_each_setting_is_read_by_its_own_type():
    settings = config.load({
        "EMPTOR_DATA_DIR": "/tmp/emptor-x",
        "EMPTOR_MAX_REQUEST_BYTES": "1048576",
        "EMPTOR_RECORD_OBSERVATIONS": "off",
        "EMPTOR_ALLOWED_HOSTS": "127.0.0.1, emptor.local",
        "EMPTOR_TEST_HOST_MAP": "www.aliexpress.com=http://127.0.0.1:8123",
    })
    assert settings["DATABASE"] == "/tmp/emptor-x/emptor.db"
    assert settings["MAX_REQUEST_BYTES"] == 1048576
    assert settings["RECORD_OBSERVATIONS"] is False
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "emptor.local"]
    assert settings["TEST_HOST_MAP"] == {"www.aliexpress.com": "http://127.0.0.1:8123"}


def test_text_that_looks_like_json_is_not_parsed_as_json():
    # Flask's from_prefixed_env would read "[1]" as a list and "1e3" as a number.
    assert config.load({"EMPTOR_DATA_DIR": "[1]"})["DATA_DIR"].endswith("[1]")
    with pytest.raises(config.BadSetting, match="EMPTOR_MAX_REQUEST_BYTES is '1e3': expected a whole number"):
        config.load({"EMPTOR_MAX_REQUEST_BYTES": "1e3"})


@pytest.mark.parametrize("variable, value, expected", [
    ("EMPTOR_RECORD_OBSERVATIONS", "maybe", "expected one of 1, true"),
    ("EMPTOR_MAX_REQUEST_BYTES", "-5", "expected a whole number"),
    ("EMPTOR_TEST_HOST_MAP", "www.aliexpress.com=http://10.0.0.8:80", "the target of www.aliexpress.com is not a loopback"),
    ("EMPTOR_ALLOWED_HOSTS", ",", "expected comma-separated host names"),
])
def test_a_setting_that_cannot_be_read_is_named(variable, value, expected):
    with pytest.raises(config.BadSetting) as raised:
        config.load({variable: value})
    assert str(raised.value).startswith(f"{variable} is {value!r}: {expected}")


def test_the_factory_refuses_an_undeclared_setting():
    with pytest.raises(config.BadSetting, match="no such setting: DEBUG_RULS"):
        create_app({"DATABASE": ":memory:", "DEBUG_RULS": True})


def test_defaults_are_not_shared_between_loads():
    first = config.load({})
    first["ALLOWED_HOSTS"].append("evil.example")
    assert "evil.example" not in config.load({})["ALLOWED_HOSTS"]


def test_the_command_line_names_a_bad_variable(tmp_path):
    result = run_emptor("history", "1005003568989271", env_extra={"EMPTOR_MAX_REQUEST_BYTES": "lots"}, tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "emptor: EMPTOR_MAX_REQUEST_BYTES is 'lots': expected a whole number."


def _config_keys_read(path: Path):
    """Every ``….config["KEY"]`` and ``….config.get("KEY")`` in a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "config":
            if isinstance(node.slice, ast.Constant):
                yield "subscript", node.slice.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            owner = node.func.value
            if (
                isinstance(owner, ast.Attribute)
                and owner.attr == "config"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                yield "get", node.args[0].value


def test_the_service_reads_only_declared_settings_and_never_with_a_fallback():
    flask_own = {"MAX_CONTENT_LENGTH"}
    read = [
        (path.relative_to(ROOT), how, key) for path in (ROOT / "server").rglob("*.py") for how, key in _config_keys_read(path)
    ]
    assert read, "the check found no settings read at all"
    assert [r for r in read if r[1] == "get"] == [], "settings read with .get(): declare them instead"
    undeclared = [r for r in read if r[2] not in config.DECLARED and r[2] not in flask_own]
    assert undeclared == []


def test_every_declared_setting_is_used_and_documented():
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "server").rglob("*.py") if path.name != "config.py")
    docs = (ROOT / "README.md").read_text(encoding="utf-8") + (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        used = f'"{setting.name}"' in source or (setting.name == "DATA_DIR")  # DATA_DIR only places DATABASE
        assert used, f"{setting.name} is declared but nothing reads it"
        assert setting.variable in docs, f"{setting.variable} is not documented"


def test_a_renamed_variable_is_pointed_out_not_ignored():
    with pytest.raises(config.BadSetting, match="EMPTOR_DB is now called EMPTOR_DATABASE"):
        config.load({"EMPTOR_DB": "/tmp/old.db"})
