"""Real scam hosts from a public blocklist, as the lookalike check's tests and benchmark read them
(bench/data/scam-blocklist-*.tsv; bench/data/SOURCE.md says where each came from and how it was
chosen and labelled)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
# Every name of the 2024-04-06 list that carries a brand, by group (aliexpress, alibaba,
# alibaba-group-other, other-brand-punycode).
BRAND_NAMES = DATA / "scam-blocklist-2024-04-06.tsv"
# Every name of the 2024-04-18 list that starts with "al", with what a person reads it as
# imitating (aliexpress, alibaba, or "-").
AL_RUN = DATA / "scam-blocklist-2024-04-18-al.tsv"


def scam_hosts(path: Path) -> list[tuple[str, str]]:
    """The file's (domain, group or label) rows, its '#' lines left out."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [(row[0], row[1]) for row in csv.reader(lines[1:], delimiter="\t")]
