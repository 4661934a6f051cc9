"""`make screenshots` makes real PNGs of the badge, the panel and the popup after saving evidence,
and a test run writes only to a temporary directory (the committed docs/screenshots stay as they
are)."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from tests.support.browser import find_chromium

ROOT = Path(__file__).parents[2]


def test_screenshots_tool_writes_the_badge_the_panel_and_the_evidence_popup(browser, tmp_path):
    # `browser` makes this test skip (or fail under CI) exactly when the other browser tests do.
    before = subprocess.run(["git", "status", "--porcelain", "docs"], cwd=ROOT, capture_output=True, text=True).stdout
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"EMPTOR_CHROMIUM": find_chromium(), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # The popup is 320 px wide plus its padding (extension/popup/popup.css).
    sizes = (("badge.png", 600, 40), ("panel.png", 600, 400), ("reviews.png", 600, 400), ("evidence-popup.png", 320, 300),
             ("lookalike-warning.png", 1200, 700), ("shield-popup.png", 250, 300))
    for name, minimum_width, minimum_height in sizes:
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert width >= minimum_width and height >= minimum_height, (name, width, height)
    after = subprocess.run(["git", "status", "--porcelain", "docs"], cwd=ROOT, capture_output=True, text=True).stdout
    assert before == after
