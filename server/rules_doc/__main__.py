"""``python -m server.rules_doc [PATH]``: write the rules page as Markdown (``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import markdown

if len(sys.argv) > 1:
    Path(sys.argv[1]).write_text(markdown(), encoding="utf-8")
else:
    sys.stdout.write(markdown())
