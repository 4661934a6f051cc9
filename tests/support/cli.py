"""The `emptor` command as a real process, with its data directory in a test's own folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EMPTOR = str(Path(sys.executable).with_name("emptor"))


def run_emptor(*args, env_extra=None, tmp_path=None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path), **(env_extra or {})}
    env.pop("EMPTOR_DATABASE", None)
    return subprocess.run([EMPTOR, *args], capture_output=True, text=True, env=env, timeout=60, **kwargs)
