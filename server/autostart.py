"""Start the service at login (issue 8): ``emptor autostart install|remove|status``.

Each platform gets its own login mechanism, built from the absolute path of the ``emptor``
command that is running (the console script pip installed beside the interpreter, whose first
line names that interpreter, so no virtual environment needs activating) and the settings that
decide which history the service keeps:

- Linux: a systemd user unit, ``$XDG_CONFIG_HOME/systemd/user/emptor.service`` (by default
  ``~/.config/systemd/user``), enabled and started with ``systemctl --user``; it restarts after a
  crash, gives up after five failed starts in a minute (a port already taken), and logs to the
  journal (``journalctl --user -u emptor``).
- macOS: a launchd agent, ``~/Library/LaunchAgents/local.emptor.serve.plist``, loaded with
  ``launchctl bootstrap gui/<uid>``; it restarts after a crash and writes its errors to
  ``logs/serve.log`` in the data directory.
- Windows: a scheduled task named ``emptor`` that runs at logon (``schtasks /Create /SC ONLOGON``),
  started with the user's saved environment (schtasks cannot give a task variables of its own)
  and with Task Scheduler's defaults (no start on battery power, stopped after 72 hours), which
  ``schtasks /Create`` without an XML definition cannot change.

The builders (:func:`systemd_unit`, :func:`launchd_plist`, :func:`schtasks_create`) are pure
functions; :func:`install`, :func:`remove` and :func:`status` act on a :class:`Machine`, whose
home directory, environment and command runner tests replace.

Only the non-secret settings in :data:`CARRIED` that are set when installing are written into
the unit or agent, so the service at login uses the same data directory as the shell that
installed it; ``EMPTOR_TOKEN`` and the test-only settings never are. The unit and the agent are
written 0600 (atomically, in directories created 0700): nothing in them is secret, but nobody
else needs to read them, and systemd's user manager and launchd read them as the user.

Every failure is an :class:`AutostartError` with a one-line message saying what was done and the
exact command to finish by hand; the CLI prints it and exits 1. ``install`` fails (exit 1) when it
wrote the file but could not enable or start the service (no systemd user session, as in
containers and CI): nothing would start emptor at login. ``remove`` succeeds once nothing will start
emptor at the next login, and says so when there was nothing to remove.
"""

from __future__ import annotations

import os
import plistlib
import secrets
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from . import config

UNIT_NAME = "emptor.service"
LAUNCHD_LABEL = "local.emptor.serve"
TASK_NAME = "emptor"
# schtasks refuses a /TR command line longer than this.
SCHTASKS_TR_LIMIT = 261
COMMAND_TIMEOUT_SECONDS = 60
PRIVATE_FILE, PRIVATE_DIRECTORY = 0o600, 0o700

# The settings a service started at login must share with the shell that installed it: where the
# history is, whether it grows, the body limit and the names it answers to. Never the pairing
# secret (it stays in the data directory's 0600 file) nor the settings that exist for tests.
CARRIED = ("DATA_DIR", "DATABASE", "RECORD_OBSERVATIONS", "MAX_REQUEST_BYTES", "ALLOWED_HOSTS")
PATH_SETTINGS = ("DATA_DIR", "DATABASE")

SUPPORTED = "Linux (systemd), macOS (launchd) and Windows (Task Scheduler)"


class AutostartError(Exception):
    """Autostart could not be set up or removed; the message is one line for the user."""


@dataclass(frozen=True)
class Ran:
    """What a command did: whether it succeeded, and its first line of output (or why it could not run)."""

    ok: bool
    output: str = ""


def run_command(argv: list[str]) -> Ran:
    """Run a platform tool (systemctl, launchctl, schtasks) and wait for it."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=COMMAND_TIMEOUT_SECONDS)
    except FileNotFoundError:
        return Ran(False, f"{argv[0]} was not found")
    except subprocess.TimeoutExpired:
        return Ran(False, f"no answer within {COMMAND_TIMEOUT_SECONDS} s")
    except OSError as exc:
        return Ran(False, exc.strerror or str(exc))
    lines = [line.strip() for line in (done.stderr + "\n" + done.stdout).splitlines() if line.strip()]
    return Ran(done.returncode == 0, lines[0] if lines else f"exit status {done.returncode}")


@dataclass(frozen=True)
class Machine:
    """Where and how autostart acts: the real machine by default (:meth:`current`)."""

    platform: str  # sys.platform's spelling: linux, darwin, win32
    home: Path
    environ: Mapping[str, str]
    python: str  # the interpreter whose sibling is the emptor command
    argv0: str  # the command that is running, when it is not beside the interpreter
    uid: int | None
    run: Callable[[list[str]], Ran] = run_command

    @classmethod
    def current(cls) -> "Machine":
        return cls(platform=sys.platform, home=Path.home(), environ=os.environ, python=sys.executable,
                   argv0=sys.argv[0] if sys.argv else "", uid=os.getuid() if hasattr(os, "getuid") else None)

    @property
    def windows(self) -> bool:
        return self.platform == "win32"


# --- what to run ----------------------------------------------------------------------------


def find_emptor(machine: Machine) -> str:
    """The absolute path of the ``emptor`` command: the console script beside the interpreter
    (a virtual environment's bin/ or Scripts/), else the command that is running."""
    name = "emptor.exe" if machine.windows else "emptor"
    candidates = [Path(machine.python).with_name(name)]
    if machine.argv0 and Path(machine.argv0).stem == "emptor":
        candidates += [Path(machine.argv0), Path(machine.argv0 + ".exe")]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate.absolute())
    raise AutostartError(f"cannot find the emptor command (looked for {candidates[0]}); "
                         "run the emptor that pip installed, e.g. .venv/bin/emptor autostart install.")


def _check_text(what: str, value: str) -> str:
    """A value that every format can carry: no control characters (a newline would end a line
    of the unit), and text that UTF-8 can write."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise AutostartError(f"{what} {value!r} contains a control character; autostart cannot write it.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise AutostartError(f"{what} {value!r} is not valid UTF-8; autostart cannot write it.") from None
    return value


def carried_environment(environ: Mapping[str, str], *, cwd: Path | None = None) -> dict[str, str]:
    """The ``EMPTOR_*`` variables of :data:`CARRIED` set in ``environ``, checked as the service
    would read them (a value it would refuse stops the install, not the login), paths made
    absolute (the service at login does not start in this directory)."""
    try:
        config.load(environ)
    except config.BadSetting as exc:
        raise AutostartError(str(exc)) from None
    carried = {}
    for name in CARRIED:
        variable = config.DECLARED[name].variable
        if variable not in environ:
            continue
        value = environ[variable].strip()
        if name in PATH_SETTINGS and value != ":memory:":
            path = Path(value).expanduser()
            value = str(path if path.is_absolute() else (cwd or Path.cwd()) / path)
        carried[variable] = _check_text(variable, value)
    return carried


# --- Linux: a systemd user unit ---------------------------------------------------------------


def _systemd_quote(word: str, *, executable: bool) -> str:
    """One word of an ExecStart= line (systemd.service(5), "Command lines"): ``%`` starts a
    specifier and is doubled; ``$`` starts a variable in the arguments (not in the executable's
    path) and is doubled; a word with a space, a quote, a backslash or a semicolon is written in
    double quotes with C escapes."""
    word = word.replace("%", "%%")
    if not executable:
        word = word.replace("$", "$$")
    if word and not any(char in word for char in " \t\"'\\;"):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _systemd_environment(variable: str, value: str) -> str:
    """An Environment= assignment: quoted with C escapes; ``%`` doubled; ``$`` means nothing there."""
    assignment = f"{variable}={value}".replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    return f'Environment="{assignment}"'


def systemd_unit(command: list[str], environment: Mapping[str, str]) -> str:
    """The text of ``emptor.service`` for ``command`` (the emptor path and ``serve``)."""
    for word in command:
        _check_text("the command", word)
    if not Path(command[0]).is_absolute():
        raise AutostartError(f"the emptor command {command[0]!r} is not an absolute path; systemd needs one.")
    exec_start = " ".join(_systemd_quote(word, executable=index == 0) for index, word in enumerate(command))
    lines = [
        "# Written by `emptor autostart install`; `emptor autostart remove` deletes it.",
        "[Unit]",
        "Description=emptor, the local safe-shopping service",
        # A service that keeps failing (the port taken by another emptor) stops being restarted.
        "StartLimitIntervalSec=60",
        "StartLimitBurst=5",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={exec_start}",
        *(_systemd_environment(variable, value) for variable, value in sorted(environment.items())),
        "Restart=on-failure",
        "RestartSec=5",
        "",
        "[Install]",
        "WantedBy=default.target",
    ]
    return "\n".join(lines) + "\n"


SYSTEMCTL = ["systemctl", "--user"]
SYSTEMCTL_BY_HAND = "systemctl --user daemon-reload && systemctl --user enable --now emptor.service"


def systemd_unit_path(machine: Machine) -> Path:
    """Where systemd's user manager looks for the user's own units. XDG_CONFIG_HOME must be an
    absolute path (the XDG base directory specification); a relative one is ignored."""
    configured = machine.environ.get("XDG_CONFIG_HOME", "")
    base = Path(configured) if configured and Path(configured).is_absolute() else machine.home / ".config"
    return base / "systemd" / "user" / UNIT_NAME


class Systemd:
    """A systemd user unit (Linux)."""

    @staticmethod
    def install(machine: Machine, command: list[str], environment: Mapping[str, str]) -> list[str]:
        path = systemd_unit_path(machine)
        changed = write_private(path, systemd_unit(command, environment).encode("utf-8"))
        steps = [
            ([*SYSTEMCTL, "daemon-reload"], f"start it from your login session with: {SYSTEMCTL_BY_HAND}"),
            ([*SYSTEMCTL, "enable", UNIT_NAME], f"start it from your login session with: {SYSTEMCTL_BY_HAND}"),
            # restart, not `start`: a second install applies a changed unit to a running service.
            ([*SYSTEMCTL, "restart", UNIT_NAME], "see why with: journalctl --user -u emptor.service"),
        ]
        for argv, advice in steps:
            ran = machine.run(argv)
            if not ran.ok:
                raise AutostartError(f"wrote {path}, but `{shlex.join(argv)}` failed ({ran.output}); {advice}")
        return [f"{'Wrote' if changed else 'Kept (already up to date)'} {path}.",
                "emptor.service is enabled and running: emptor now starts when you log in "
                "(logs: journalctl --user -u emptor). `emptor autostart remove` undoes it."]

    @staticmethod
    def remove(machine: Machine) -> list[str]:
        path = systemd_unit_path(machine)
        wanted = path.parent / "default.target.wants" / UNIT_NAME
        if not path.exists() and not wanted.is_symlink():
            return [f"Nothing to remove: autostart is not installed ({path} does not exist)."]
        stopped = machine.run([*SYSTEMCTL, "disable", "--now", UNIT_NAME])
        delete(path)
        if wanted.is_symlink():  # systemctl could not disable it: the link would outlive the unit
            delete(wanted)
        lines = [f"Removed {path}: emptor no longer starts when you log in."]
        if stopped.ok:
            machine.run([*SYSTEMCTL, "daemon-reload"])
        else:
            lines.append(f"Could not stop a running emptor ({stopped.output}); "
                         f"stop it with: systemctl --user stop {UNIT_NAME}")
        return lines

    @staticmethod
    def status(machine: Machine, command: list[str], environment: Mapping[str, str]) -> list[str]:
        path = systemd_unit_path(machine)
        if not path.exists():
            return [f"Not installed ({path} does not exist)."]
        expected = systemd_unit(command, environment).encode("utf-8")
        lines = [f"Installed: the systemd user unit {path}.", _staleness(path, expected)]
        active = machine.run([*SYSTEMCTL, "is-active", UNIT_NAME])
        lines.append(f"systemctl --user is-active {UNIT_NAME}: {active.output}")
        return [line for line in lines if line]


# --- macOS: a launchd agent -------------------------------------------------------------------


def launchd_plist(command: list[str], environment: Mapping[str, str], log_file: str) -> bytes:
    """The launchd agent: started at login (RunAtLoad), started again only if it exits with an
    error (KeepAlive SuccessfulExit false), its errors appended to ``log_file``."""
    for word in [*command, log_file, *environment.values()]:
        _check_text("the value", word)
    agent = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "StandardErrorPath": log_file,
    }
    if environment:
        agent["EnvironmentVariables"] = dict(sorted(environment.items()))
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML)


def launchd_plist_path(machine: Machine) -> Path:
    return machine.home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def launchd_log_file(machine: Machine, environment: Mapping[str, str]) -> Path:
    """``logs/serve.log`` in the data directory the service will use: EMPTOR_DATA_DIR's, else
    macOS's default (server/config.py) under the machine's home."""
    variable = config.DECLARED["DATA_DIR"].variable
    if variable in environment:
        data_dir = Path(environment[variable])
    else:
        data_dir = machine.home / "Library" / "Application Support" / "emptor"
    return data_dir / "logs" / "serve.log"


class Launchd:
    """A launchd agent (macOS)."""

    @staticmethod
    def install(machine: Machine, command: list[str], environment: Mapping[str, str]) -> list[str]:
        path, log_file = launchd_plist_path(machine), launchd_log_file(machine, environment)
        make_private_directories(log_file.parent)  # launchd creates the log file, not its directory
        changed = write_private(path, launchd_plist(command, environment, str(log_file)))
        domain = f"gui/{machine.uid}"
        machine.run(["launchctl", "bootout", f"{domain}/{LAUNCHD_LABEL}"])  # an older copy; fails when none runs
        load = ["launchctl", "bootstrap", domain, str(path)]
        ran = machine.run(load)
        if not ran.ok:
            raise AutostartError(f"wrote {path}, but `{shlex.join(load)}` failed ({ran.output}); "
                                 f"load it from your login session with: {shlex.join(load)}")
        return [f"{'Wrote' if changed else 'Kept (already up to date)'} {path}.",
                f"The agent is loaded: emptor now starts when you log in (errors: {log_file}). "
                "`emptor autostart remove` undoes it."]

    @staticmethod
    def remove(machine: Machine) -> list[str]:
        path = launchd_plist_path(machine)
        if not path.exists():
            return [f"Nothing to remove: autostart is not installed ({path} does not exist)."]
        unload = ["launchctl", "bootout", f"gui/{machine.uid}/{LAUNCHD_LABEL}"]
        stopped = machine.run(unload)
        delete(path)
        lines = [f"Removed {path}: emptor no longer starts when you log in."]
        if not stopped.ok:
            lines.append(f"`{shlex.join(unload)}` said: {stopped.output} (nothing was running, or stop it by hand).")
        return lines

    @staticmethod
    def status(machine: Machine, command: list[str], environment: Mapping[str, str]) -> list[str]:
        path = launchd_plist_path(machine)
        if not path.exists():
            return [f"Not installed ({path} does not exist)."]
        expected = launchd_plist(command, environment, str(launchd_log_file(machine, environment)))
        loaded = machine.run(["launchctl", "print", f"gui/{machine.uid}/{LAUNCHD_LABEL}"])
        lines = [f"Installed: the launchd agent {path}.", _staleness(path, expected),
                 "The agent is loaded." if loaded.ok else f"The agent is not loaded ({loaded.output})."]
        return [line for line in lines if line]


# --- Windows: a scheduled task ----------------------------------------------------------------


def schtasks_command_line(command: list[str]) -> str:
    """The /TR value: the program in double quotes when its path has a space (Task Scheduler
    splits the program from its arguments there), then the arguments. Windows paths cannot hold
    a double quote, and schtasks refuses more than 261 characters."""
    for word in command:
        _check_text("the command", word)
        if '"' in word:
            raise AutostartError(f"{word!r} contains a double quote, which a Windows command line cannot carry.")
    words = [f'"{word}"' if (" " in word or "\t" in word) else word for word in command]
    line = " ".join(words)
    if len(line) > SCHTASKS_TR_LIMIT:
        raise AutostartError(f"the command {line} is {len(line)} characters; schtasks takes at most "
                             f"{SCHTASKS_TR_LIMIT}. Install emptor in a shorter path.")
    return line


def schtasks_create(command: list[str]) -> list[str]:
    """``schtasks /Create``: the task runs ``command`` as this user whenever they log on; /F
    replaces a task of the same name, so installing twice leaves one task."""
    return ["schtasks", "/Create", "/SC", "ONLOGON", "/TN", TASK_NAME, "/TR", schtasks_command_line(command), "/F"]


def schtasks_delete() -> list[str]:
    return ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"]


class TaskScheduler:
    """A scheduled task (Windows)."""

    @staticmethod
    def install(machine: Machine, command: list[str], environment: Mapping[str, str]) -> list[str]:
        create = schtasks_create(command)
        line = create[create.index("/TR") + 1]
        machine.run(["schtasks", "/End", "/TN", TASK_NAME])  # a copy started by an older task; fails when none runs
        ran = machine.run(create)
        if not ran.ok:
            raise AutostartError(f"`{subprocess.list2cmdline(create)}` failed ({ran.output}); "
                                 "run it in a Command Prompt (as administrator if access is denied).")
        start = ["schtasks", "/Run", "/TN", TASK_NAME]
        started = machine.run(start)
        if not started.ok:
            raise AutostartError(f"created the scheduled task {TASK_NAME}, but `{subprocess.list2cmdline(start)}` failed "
                                 f"({started.output}); it starts at your next logon.")
        lines = [f"Created the scheduled task {TASK_NAME} (runs {line} at logon) and started it. "
                 "`emptor autostart remove` undoes it."]
        if environment:
            lines.append("Task Scheduler starts emptor with your saved user environment, not this window's: "
                         f"save {', '.join(sorted(environment))} with setx if they are set only here.")
        return lines

    @staticmethod
    def remove(machine: Machine) -> list[str]:
        if not machine.run(["schtasks", "/Query", "/TN", TASK_NAME]).ok:
            return [f"Nothing to remove: there is no scheduled task named {TASK_NAME}."]
        machine.run(["schtasks", "/End", "/TN", TASK_NAME])  # fails when it is not running
        delete_task = schtasks_delete()
        ran = machine.run(delete_task)
        if not ran.ok:
            raise AutostartError(f"`{subprocess.list2cmdline(delete_task)}` failed ({ran.output}); "
                                 "run it in a Command Prompt (as administrator if access is denied).")
        return [f"Deleted the scheduled task {TASK_NAME}: emptor no longer starts when you log on."]

    @staticmethod
    def status(machine: Machine, command: list[str], environment: Mapping[str, str]) -> list[str]:
        query = machine.run(["schtasks", "/Query", "/TN", TASK_NAME])
        if not query.ok:
            return [f"Not installed (no scheduled task named {TASK_NAME})."]
        return [f"Installed: the scheduled task {TASK_NAME} (it should run {schtasks_command_line(command)})."]


PLATFORMS = {"linux": Systemd, "darwin": Launchd, "win32": TaskScheduler}


# --- files ------------------------------------------------------------------------------------


def make_private_directories(directory: Path) -> None:
    """Create ``directory`` and any missing parent 0700; directories already there are the
    user's own (``~/.config``, ``~/Library``) and are left as they are."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    try:
        for path in reversed(missing):
            path.mkdir(mode=PRIVATE_DIRECTORY, exist_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot create {path}: {exc.strerror or exc}.") from None


def write_private(path: Path, data: bytes) -> bool:
    """Write ``path`` 0600, whole or not at all; False when it already held ``data``."""
    try:
        if path.is_file() and path.read_bytes() == data:
            os.chmod(path, PRIVATE_FILE)  # a copy an editor saved readable
            return False
        make_private_directories(path.parent)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot write {path}: {exc.strerror or exc}.") from None
    return True


def delete(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot delete {path}: {exc.strerror or exc}.") from None


def _staleness(path: Path, expected: bytes) -> str:
    try:
        current = path.read_bytes()
    except OSError as exc:
        return f"It cannot be read ({exc.strerror or exc})."
    if current == expected:
        return ""
    return "It differs from what `emptor autostart install` would write now (emptor moved?); run it again to update."


# --- what the CLI calls -----------------------------------------------------------------------


def backend(machine: Machine):
    try:
        return PLATFORMS[machine.platform]
    except KeyError:
        raise AutostartError(f"autostart knows {SUPPORTED}, not {machine.platform!r}; "
                             "have your system run `emptor serve` at login.") from None


def _what_to_run(machine: Machine) -> tuple[list[str], dict[str, str]]:
    return [find_emptor(machine), "serve"], carried_environment(machine.environ)


def install(machine: Machine | None = None) -> list[str]:
    """Make the service start at login, and start it now; the lines to show the user."""
    machine = machine or Machine.current()
    platform = backend(machine)
    return platform.install(machine, *_what_to_run(machine))


def remove(machine: Machine | None = None) -> list[str]:
    """Undo :func:`install`; says so when there is nothing to undo."""
    machine = machine or Machine.current()
    return backend(machine).remove(machine)


def status(machine: Machine | None = None) -> list[str]:
    machine = machine or Machine.current()
    return backend(machine).status(machine, *_what_to_run(machine))
