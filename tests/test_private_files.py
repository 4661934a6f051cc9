"""Every file the service writes is private to the user (issue 8): the database and its -wal and
-shm files are 0600 and emptor's own data directory 0700, whatever the umask, and files an older
emptor left readable are tightened on the next start. Real files, real permissions (POSIX only:
Windows has no mode bits, and CI runs on Debian)."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from server import config, create_app, store
from tests.support.cli import run_emptor

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def permissive_umask():
    """The loosest umask a user could have: only emptor's own choices keep the files private."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def write_something(db) -> None:
    db.execute("create table if not exists probe (x)")
    db.execute("insert into probe values (1)")
    db.conn.commit()


def test_a_new_database_and_its_directory_are_private_whatever_the_umask(tmp_path, permissive_umask):
    settings = config.load({"EMPTOR_DATA_DIR": str(tmp_path / "data")})
    db = store.open_configured(settings)
    write_something(db)
    database = tmp_path / "data" / "emptor.db"
    assert mode(tmp_path / "data") == 0o700
    for file in (database, database.with_name("emptor.db-wal"), database.with_name("emptor.db-shm")):
        assert file.exists(), file
        assert mode(file) == 0o600, file
    db.close()


def test_files_an_older_emptor_left_readable_are_tightened(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    database = data / "emptor.db"
    store.open_database(database).close()
    os.chmod(database, 0o644)
    assert mode(database) == 0o644 and mode(data) == 0o755
    store.open_configured(config.load({"EMPTOR_DATA_DIR": str(data)})).close()
    assert mode(database) == 0o600
    assert mode(data) == 0o700


def test_a_database_elsewhere_is_private_but_its_directory_is_left_alone(tmp_path, permissive_umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    settings = config.load({"EMPTOR_DATA_DIR": str(tmp_path / "data"), "EMPTOR_DATABASE": str(shared / "mine.db")})
    store.open_configured(settings).close()
    assert mode(shared / "mine.db") == 0o600
    assert mode(shared) == 0o755  # not emptor's directory: other people's files may be in it
    assert not (tmp_path / "data").exists()  # nothing written where nothing is kept


def test_a_shared_sticky_data_directory_is_not_chmodded(tmp_path):
    shared = tmp_path / "like-tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    store.open_configured(config.load({"EMPTOR_DATA_DIR": str(shared)})).close()
    assert mode(shared) == 0o1777
    assert mode(shared / "emptor.db") == 0o600


def test_the_service_keeps_its_database_private(tmp_path, permissive_umask):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "DATABASE": str(tmp_path / "data" / "emptor.db")})
    assert app.config["DATABASE"].startswith(str(tmp_path))
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "emptor.db") == 0o600


def test_the_cli_records_into_a_private_database(tmp_path, marketplace_server):
    data = tmp_path / "data"
    host_map = ",".join(f"{host}={target}" for host, target in marketplace_server.items())
    result = run_emptor("scan", "https://www.aliexpress.us/item/3256803382674519.html", "--record", tmp_path=data,
                        env_extra={"EMPTOR_TEST_HOST_MAP": host_map}, preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    for file in data.iterdir():
        assert mode(file) == 0o600, file
