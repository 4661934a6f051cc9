"""`emptor autostart install|remove|status` (issue 8): the service starts at login.

On Linux the real `emptor` process writes a real systemd user unit into the test's own HOME and
XDG_CONFIG_HOME, and systemd's own parser (`systemd-analyze verify`) reads it. This machine has
no systemd user session (nor has CI), so the real process meets the path where systemctl cannot
reach one: the unit is written and one line says what to run. The systemctl commands themselves
are checked in-process with a recording runner standing in for systemd, which cannot run here.

launchd and Task Scheduler cannot run on this Linux machine either: the launchd agent is parsed
back with plistlib, the schtasks command lines are checked as text, and their install and remove
steps run against a recording runner in a home directory of the test's own.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server import autostart, config
from server.autostart import AutostartError, Machine, Ran
from tests.support.cli import EMPTOR, run_emptor

SECRET = "a-pairing-secret-that-must-stay-put"
on_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="systemd user units are Linux's")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def login_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """HOME and XDG_CONFIG_HOME of the test's own, and no way to reach a systemd user manager
    (a developer's real session must not be touched): the bus and runtime directory named
    here do not exist."""
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_RUNTIME_DIR": str(tmp_path / "no-runtime"),
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'no-bus'}", **extra}


def unit_in(tmp_path: Path) -> Path:
    return tmp_path / "config" / "systemd" / "user" / "emptor.service"


class Recorder:
    """Stands in for systemctl, launchctl and schtasks: records each command and answers as told."""

    def __init__(self, failing=lambda argv: False, output="it failed"):
        self.commands: list[list[str]] = []
        self.failing, self.output = failing, output

    def __call__(self, argv: list[str]) -> Ran:
        self.commands.append(list(argv))
        return Ran(False, self.output) if self.failing(argv) else Ran(True, "ok")


def machine(tmp_path: Path, platform: str = "linux", environ: dict | None = None, run=None, python: str = sys.executable):
    return Machine(platform=platform, home=tmp_path / "home", environ=environ or {}, python=python,
                   argv0="", uid=501, run=run or Recorder())


# --- Linux, the real command ------------------------------------------------------------------


@on_linux
def test_install_writes_a_private_unit_that_runs_this_emptor_and_says_how_to_start_it(tmp_path):
    data = tmp_path / "data"
    result = run_emptor("autostart", "install", tmp_path=data, preexec_fn=lambda: os.umask(0),
                        env_extra=login_environment(tmp_path, EMPTOR_TOKEN=SECRET, EMPTOR_DEBUG_RULES="1",
                                                    EMPTOR_RECORD_OBSERVATIONS="off"))
    unit = unit_in(tmp_path)
    # No systemd user session here: the unit is written, the command fails in one line naming
    # what to run, and nothing would start emptor at login, so the exit code is 1.
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"emptor: wrote {unit}, but `systemctl --user daemon-reload` failed (")
    assert result.stderr.rstrip().endswith(
        "start it from your login session with: systemctl --user daemon-reload && systemctl --user enable --now emptor.service")
    text = unit.read_text(encoding="utf-8")
    assert f"\nExecStart={EMPTOR} serve\n" in text
    assert Path(EMPTOR).is_absolute() and os.access(EMPTOR, os.X_OK)
    assert f'\nEnvironment="EMPTOR_DATA_DIR={data}"\n' in text
    assert '\nEnvironment="EMPTOR_RECORD_OBSERVATIONS=off"\n' in text
    assert SECRET not in text and "TOKEN" not in text and "DEBUG" not in text
    assert "\nRestart=on-failure\n" in text and "\nWantedBy=default.target\n" in text
    # Private whatever the umask: the unit 0600, every directory install created 0700.
    assert mode(unit) == 0o600
    for directory in (tmp_path / "config", unit.parent.parent, unit.parent):
        assert mode(directory) == 0o700, directory
    assert not (tmp_path / "home").exists()  # XDG_CONFIG_HOME was set: nothing under HOME


@on_linux
def test_installing_twice_leaves_one_identical_unit(tmp_path):
    environment = login_environment(tmp_path)
    first = run_emptor("autostart", "install", tmp_path=tmp_path / "data", env_extra=environment)
    written = unit_in(tmp_path).read_bytes()
    second = run_emptor("autostart", "install", tmp_path=tmp_path / "data", env_extra=environment)
    assert (first.returncode, second.returncode) == (1, 1)
    assert second.stderr == first.stderr
    assert unit_in(tmp_path).read_bytes() == written
    assert sorted(path.name for path in unit_in(tmp_path).parent.iterdir()) == ["emptor.service"]  # no temporary left


@on_linux
def test_remove_deletes_the_unit_and_remove_again_says_there_is_nothing(tmp_path):
    environment = login_environment(tmp_path)
    run_emptor("autostart", "install", tmp_path=tmp_path / "data", env_extra=environment)
    assert unit_in(tmp_path).exists()
    removed = run_emptor("autostart", "remove", tmp_path=tmp_path / "data", env_extra=environment)
    assert removed.returncode == 0, removed.stderr
    assert not unit_in(tmp_path).exists()
    assert f"Removed {unit_in(tmp_path)}: emptor no longer starts when you log in." in removed.stdout
    assert "stop it with: systemctl --user stop emptor.service" in removed.stdout  # no session to stop it in
    again = run_emptor("autostart", "remove", tmp_path=tmp_path / "data", env_extra=environment)
    assert again.returncode == 0
    assert again.stdout.strip() == f"Nothing to remove: autostart is not installed ({unit_in(tmp_path)} does not exist)."


@on_linux
def test_remove_when_nothing_is_installed_says_so_and_writes_nothing(tmp_path):
    result = run_emptor("autostart", "remove", tmp_path=tmp_path / "data", env_extra=login_environment(tmp_path))
    assert result.returncode == 0 and result.stderr == ""
    assert "Nothing to remove: autostart is not installed" in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == []


@on_linux
def test_without_xdg_config_home_the_unit_goes_under_home(tmp_path):
    result = run_emptor("autostart", "install", tmp_path=tmp_path / "data",
                        env_extra=login_environment(tmp_path, XDG_CONFIG_HOME=""))
    assert result.returncode == 1
    assert (tmp_path / "home" / ".config" / "systemd" / "user" / "emptor.service").is_file()
    assert not (tmp_path / "config").exists()


@on_linux
def test_status_says_whether_the_unit_is_installed_and_current(tmp_path):
    environment = login_environment(tmp_path)
    before = run_emptor("autostart", "status", tmp_path=tmp_path / "data", env_extra=environment)
    assert before.returncode == 0 and before.stdout.startswith("Not installed")
    run_emptor("autostart", "install", tmp_path=tmp_path / "data", env_extra=environment)
    current = run_emptor("autostart", "status", tmp_path=tmp_path / "data", env_extra=environment)
    assert current.stdout.startswith(f"Installed: the systemd user unit {unit_in(tmp_path)}.\n")
    assert "differs" not in current.stdout
    moved = run_emptor("autostart", "status", tmp_path=tmp_path / "elsewhere", env_extra=environment)
    assert "It differs from what `emptor autostart install` would write now" in moved.stdout


@on_linux
def test_a_bad_setting_stops_install_before_anything_is_written(tmp_path):
    result = run_emptor("autostart", "install", tmp_path=tmp_path / "data",
                        env_extra=login_environment(tmp_path, EMPTOR_MAX_REQUEST_BYTES="lots"))
    assert result.returncode == 1
    assert result.stderr == "emptor: EMPTOR_MAX_REQUEST_BYTES is 'lots': expected a whole number.\n"
    assert not (tmp_path / "config").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None and not os.environ.get("EMPTOR_REQUIRE_BROWSER"),
                    reason="needs systemd-analyze (Debian's systemd package; .ci/run installs it, and CI requires it)")
def test_systemd_reads_the_executable_path_back_whatever_it_contains(tmp_path):
    """systemd's own parser: `verify` fails when ExecStart's program does not exist, so a path
    with spaces, a percent sign and a dollar is read back exactly only if it is quoted right."""
    program = tmp_path / "my venv 100%" / "bin$HOME" / "emptor"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o700)
    unit = tmp_path / "emptor.service"

    def verify(text: str) -> subprocess.CompletedProcess:
        unit.write_text(text)
        return subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60)

    built = autostart.systemd_unit([str(program), "serve"], {"EMPTOR_DATA_DIR": "/tmp/a b/100%"})
    assert verify(built).returncode == 0, verify(built).stderr
    naive = built.replace(f'ExecStart="{str(program).replace("%", "%%")}"', f"ExecStart={program}")
    assert naive != built
    result = verify(naive)  # the control: unquoted, systemd looks for another program
    assert result.returncode != 0 and "is not executable" in result.stderr
    assert verify(autostart.systemd_unit([EMPTOR, "serve"], {})).returncode == 0  # the real emptor


# --- Linux, the systemctl commands (a recording runner stands in for systemd) -----------------


def test_install_and_remove_issue_these_systemctl_commands(tmp_path):
    runner = Recorder()
    lines = autostart.install(machine(tmp_path, run=runner))
    unit = tmp_path / "home" / ".config" / "systemd" / "user" / "emptor.service"
    assert runner.commands == [["systemctl", "--user", "daemon-reload"],
                               ["systemctl", "--user", "enable", "emptor.service"],
                               ["systemctl", "--user", "restart", "emptor.service"]]
    assert lines[0] == f"Wrote {unit}."
    assert "enabled and running" in lines[1]
    assert autostart.install(machine(tmp_path, run=Recorder()))[0] == f"Kept (already up to date) {unit}."
    runner = Recorder()
    assert autostart.remove(machine(tmp_path, run=runner)) == [f"Removed {unit}: emptor no longer starts when you log in."]
    assert runner.commands == [["systemctl", "--user", "disable", "--now", "emptor.service"],
                               ["systemctl", "--user", "daemon-reload"]]
    assert not unit.exists()


def test_a_service_that_does_not_start_points_at_its_journal(tmp_path):
    runner = Recorder(failing=lambda argv: "restart" in argv, output="Job for emptor.service failed.")
    with pytest.raises(AutostartError) as raised:
        autostart.install(machine(tmp_path, run=runner))
    assert str(raised.value).endswith("failed (Job for emptor.service failed.); "
                                      "see why with: journalctl --user -u emptor.service")


def test_remove_takes_away_the_login_link_systemctl_could_not(tmp_path):
    autostart.install(machine(tmp_path))
    user = tmp_path / "home" / ".config" / "systemd" / "user"
    (user / "default.target.wants").mkdir()
    (user / "default.target.wants" / "emptor.service").symlink_to(user / "emptor.service")  # what `enable` made
    runner = Recorder(failing=lambda argv: True, output="Failed to connect to bus")
    lines = autostart.remove(machine(tmp_path, run=runner))
    assert runner.commands == [["systemctl", "--user", "disable", "--now", "emptor.service"]]
    assert not (user / "emptor.service").exists()
    assert not os.path.lexists(user / "default.target.wants" / "emptor.service")
    assert lines[1] == ("Could not stop a running emptor (Failed to connect to bus); "
                        "stop it with: systemctl --user stop emptor.service")


def test_a_relative_xdg_config_home_is_ignored_as_the_specification_says(tmp_path):
    relative = machine(tmp_path, environ={"XDG_CONFIG_HOME": "relative/config"})
    assert autostart.systemd_unit_path(relative) == tmp_path / "home" / ".config" / "systemd" / "user" / "emptor.service"
    absolute = machine(tmp_path, environ={"XDG_CONFIG_HOME": str(tmp_path / "x")})
    assert autostart.systemd_unit_path(absolute) == tmp_path / "x" / "systemd" / "user" / "emptor.service"


# --- the unit's text --------------------------------------------------------------------------


@pytest.mark.parametrize(("program", "exec_start"), [
    ("/opt/emptor/bin/emptor", "/opt/emptor/bin/emptor serve"),
    ("/home/ann/my venv/bin/emptor", '"/home/ann/my venv/bin/emptor" serve'),
    ("/home/ann/100%/bin/emptor", "/home/ann/100%%/bin/emptor serve"),  # % starts a specifier
    ("/home/ann/$dir/emptor", "/home/ann/$dir/emptor serve"),  # the program's path is not expanded
    ('/home/ann/say "hi"/emptor', '"/home/ann/say \\"hi\\"/emptor" serve'),
    ("/home/ann/back\\slash/emptor", '"/home/ann/back\\\\slash/emptor" serve'),
])
def test_exec_start_quoting(program, exec_start):
    assert f"\nExecStart={exec_start}\n" in autostart.systemd_unit([program, "serve"], {})


def test_arguments_have_their_dollars_doubled_and_values_their_percents():
    unit = autostart.systemd_unit(["/e/emptor", "serve", "$x"], {"EMPTOR_DATA_DIR": '/a b/"q"/50%/$HOME'})
    assert "\nExecStart=/e/emptor serve $$x\n" in unit
    assert '\nEnvironment="EMPTOR_DATA_DIR=/a b/\\"q\\"/50%%/$HOME"\n' in unit  # `$` means nothing in Environment=


@pytest.mark.parametrize("value", ["/home/ann/two\nlines/emptor", "/home/ann/tab\tname/emptor", "/home/\udcffbytes/emptor"])
def test_what_a_unit_cannot_carry_is_refused_in_one_sentence(value):
    with pytest.raises(AutostartError, match="autostart cannot write it"):
        autostart.systemd_unit([value, "serve"], {})


def test_a_relative_program_is_refused():
    with pytest.raises(AutostartError, match="not an absolute path"):
        autostart.systemd_unit(["emptor", "serve"], {})


# --- the settings carried ---------------------------------------------------------------------


def test_only_the_non_secret_settings_set_now_are_carried_with_paths_made_absolute(tmp_path):
    environ = {"EMPTOR_DATA_DIR": "relative/data", "EMPTOR_DATABASE": "~/history.db", "EMPTOR_TOKEN": SECRET,
               "EMPTOR_DEBUG_RULES": "1", "EMPTOR_TEST_HOST_MAP": "www.aliexpress.com=http://127.0.0.1:1",
               "EMPTOR_PROPAGATE_UNEXPECTED": "on", "EMPTOR_ALLOWED_HOSTS": "localhost", "HOME": str(tmp_path),
               "PATH": "/usr/bin"}
    assert autostart.carried_environment(environ, cwd=tmp_path) == {
        "EMPTOR_DATA_DIR": str(tmp_path / "relative" / "data"),
        "EMPTOR_DATABASE": str(Path("~/history.db").expanduser()),
        "EMPTOR_ALLOWED_HOSTS": "localhost",
    }
    assert autostart.carried_environment({}) == {}


def test_no_secret_or_test_only_setting_is_ever_carried():
    assert set(autostart.CARRIED) <= set(config.DECLARED)
    assert not [name for name in autostart.CARRIED if config.DECLARED[name].secret]
    assert not set(autostart.CARRIED) & {"TOKEN", "DEBUG_RULES", "PROPAGATE_UNEXPECTED", "TEST_HOST_MAP"}


def test_a_bad_setting_is_named():
    with pytest.raises(AutostartError, match="^EMPTOR_DB is now called EMPTOR_DATABASE; set that instead.$"):
        autostart.carried_environment({"EMPTOR_DB": "/x.db"})
    with pytest.raises(AutostartError, match="^EMPTOR_TOKEN is not accepted"):  # the secret is not repeated
        autostart.carried_environment({"EMPTOR_TOKEN": "short"})


# --- which emptor -----------------------------------------------------------------------------


def test_the_emptor_beside_the_interpreter_is_the_one_installed(tmp_path):
    assert autostart.find_emptor(machine(tmp_path)) == EMPTOR
    elsewhere = tmp_path / "bin" / "emptor"
    elsewhere.parent.mkdir()
    elsewhere.write_text("#!/bin/sh\n")
    lonely = Machine(platform="linux", home=tmp_path, environ={}, python=str(tmp_path / "python3"),
                     argv0=str(elsewhere), uid=None)
    assert autostart.find_emptor(lonely) == str(elsewhere)  # a user install: the command that runs
    with pytest.raises(AutostartError, match="cannot find the emptor command"):
        autostart.find_emptor(Machine(platform="linux", home=tmp_path, environ={}, python=str(tmp_path / "python3"),
                                      argv0="python", uid=None))


def test_an_unknown_platform_is_a_clear_error(tmp_path):
    for action in (autostart.install, autostart.remove, autostart.status):
        with pytest.raises(AutostartError) as raised:
            action(machine(tmp_path, platform="freebsd14"))
        assert str(raised.value) == ("autostart knows Linux (systemd), macOS (launchd) and Windows (Task Scheduler), "
                                     "not 'freebsd14'; have your system run `emptor serve` at login.")
    assert not (tmp_path / "home").exists()


# --- macOS: launchd cannot run here; the agent is parsed back and the steps recorded ------------


def test_the_launchd_agent_parses_back():
    program = "/Users/ann/My Projects/emptor/.venv/bin/emptor"
    log = "/Users/ann/Library/Application Support/emptor/logs/serve.log"
    agent = plistlib.loads(autostart.launchd_plist([program, "serve"], {"EMPTOR_DATA_DIR": "/Users/ann/a & b"}, log))
    assert agent == {
        "Label": "local.emptor.serve",
        "ProgramArguments": [program, "serve"],  # one string per argument: spaces need no quoting
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},  # started again after a crash, not after a clean stop
        "StandardErrorPath": log,
        "EnvironmentVariables": {"EMPTOR_DATA_DIR": "/Users/ann/a & b"},
    }
    assert "EnvironmentVariables" not in plistlib.loads(autostart.launchd_plist([program, "serve"], {}, log))


def test_launchd_install_and_remove_in_a_home_of_its_own(tmp_path):
    data = tmp_path / "emptor data"
    runner = Recorder(failing=lambda argv: argv[1] == "bootout")  # nothing loaded yet
    lines = autostart.install(machine(tmp_path, platform="darwin", environ={"EMPTOR_DATA_DIR": str(data)}, run=runner))
    plist = tmp_path / "home" / "Library" / "LaunchAgents" / "local.emptor.serve.plist"
    assert runner.commands == [["launchctl", "bootout", "gui/501/local.emptor.serve"],
                               ["launchctl", "bootstrap", "gui/501", str(plist)]]
    assert lines[0] == f"Wrote {plist}."
    agent = plistlib.loads(plist.read_bytes())
    assert agent["ProgramArguments"] == [EMPTOR, "serve"]
    assert agent["StandardErrorPath"] == str(data / "logs" / "serve.log")
    assert agent["EnvironmentVariables"] == {"EMPTOR_DATA_DIR": str(data)}
    assert mode(plist) == 0o600 and mode(data / "logs") == 0o700 and mode(plist.parent) == 0o700
    runner = Recorder()
    assert autostart.remove(machine(tmp_path, platform="darwin", run=runner)) == [
        f"Removed {plist}: emptor no longer starts when you log in."]
    assert runner.commands == [["launchctl", "bootout", "gui/501/local.emptor.serve"]]
    assert not plist.exists()
    assert autostart.remove(machine(tmp_path, platform="darwin"))[0].startswith("Nothing to remove")


def test_a_launchd_agent_that_does_not_load_says_what_to_run(tmp_path):
    runner = Recorder(failing=lambda argv: True, output="Bootstrap failed: 5: Input/output error")
    with pytest.raises(AutostartError) as raised:
        autostart.install(machine(tmp_path, platform="darwin", run=runner))
    plist = tmp_path / "home" / "Library" / "LaunchAgents" / "local.emptor.serve.plist"
    assert str(raised.value) == (f"wrote {plist}, but `launchctl bootstrap gui/501 {plist}` failed (Bootstrap failed: 5: "
                                 f"Input/output error); load it from your login session with: "
                                 f"launchctl bootstrap gui/501 {plist}")


# --- Windows: Task Scheduler cannot run here; the command lines are checked as text ----------


def test_schtasks_quotes_a_program_path_with_spaces():
    program = r"C:\Users\Ann Lee\emptor\.venv\Scripts\emptor.exe"
    create = autostart.schtasks_create([program, "serve"])
    assert create == ["schtasks", "/Create", "/SC", "ONLOGON", "/TN", "emptor",
                      "/TR", rf'"{program}" serve', "/F"]
    # What reaches schtasks on Windows (and what a user types in cmd.exe): the inner quotes escaped.
    assert subprocess.list2cmdline(create) == (
        r'schtasks /Create /SC ONLOGON /TN emptor /TR "\"C:\Users\Ann Lee\emptor\.venv\Scripts\emptor.exe\" serve" /F')
    assert autostart.schtasks_create([r"C:\emptor\Scripts\emptor.exe", "serve"])[7] == r"C:\emptor\Scripts\emptor.exe serve"
    assert autostart.schtasks_delete() == ["schtasks", "/Delete", "/TN", "emptor", "/F"]


@pytest.mark.parametrize(("program", "message"), [
    ("C:\\" + "long\\" * 60 + "emptor.exe", "schtasks takes at most 261"),
    ('C:\\odd"name\\emptor.exe', "double quote"),
    ("C:\\two\nlines\\emptor.exe", "control character"),
])
def test_schtasks_refuses_what_it_cannot_carry(program, message):
    with pytest.raises(AutostartError, match=message):
        autostart.schtasks_create([program, "serve"])


def test_task_scheduler_install_and_remove_issue_these_commands(tmp_path):
    scripts = tmp_path / "Scripts"
    scripts.mkdir()
    (scripts / "emptor.exe").write_bytes(b"MZ")
    python = str(scripts / "python.exe")
    runner = Recorder(failing=lambda argv: argv[1] == "/End")  # no task running yet
    lines = autostart.install(machine(tmp_path, platform="win32", environ={"EMPTOR_DATA_DIR": "C:\\data"},
                                      run=runner, python=python))
    # On this Linux machine the path is POSIX-shaped, hence not quoted by Windows rules here.
    assert runner.commands == [["schtasks", "/End", "/TN", "emptor"],
                               autostart.schtasks_create([str(scripts / "emptor.exe"), "serve"]),
                               ["schtasks", "/Run", "/TN", "emptor"]]
    assert "save EMPTOR_DATA_DIR with setx" in lines[1]
    assert not (tmp_path / "home").exists()  # Task Scheduler keeps the task; emptor writes no file
    runner = Recorder(failing=lambda argv: argv[1] == "/End")
    assert autostart.remove(machine(tmp_path, platform="win32", run=runner, python=python)) == [
        "Deleted the scheduled task emptor: emptor no longer starts when you log on."]
    assert runner.commands == [["schtasks", "/Query", "/TN", "emptor"], ["schtasks", "/End", "/TN", "emptor"],
                               ["schtasks", "/Delete", "/TN", "emptor", "/F"]]
    runner = Recorder(failing=lambda argv: argv[1] == "/Query")
    assert autostart.remove(machine(tmp_path, platform="win32", run=runner, python=python)) == [
        "Nothing to remove: there is no scheduled task named emptor."]
    assert runner.commands == [["schtasks", "/Query", "/TN", "emptor"]]
