"""The extension's fixture reports are what the service says today.

extension/tests/fixtures/reports.json feeds the extension's unit tests (the panel's words); copied
by hand, it drifted from the service. tools/extension_reports.py makes it through the service's
own code; here it runs in-process and its output must be the committed file, byte for byte.
"""

from __future__ import annotations

import json

import pytest

from tools import extension_reports

RUN_THE_TOOL = "run `make extension-reports` (python tools/extension_reports.py) and commit the new file"


@pytest.fixture(scope="module")
def generated() -> str:
    return extension_reports.render(extension_reports.build())


def test_the_committed_reports_are_what_the_service_says(generated):
    committed = extension_reports.OUT.read_text(encoding="utf-8")
    if committed == generated:
        return
    # Name the reports that changed rather than print two 40 KB files.
    old, new = json.loads(committed), json.loads(generated)
    changed = sorted(name for name in old["reports"].keys() | new["reports"].keys()
                     if old["reports"].get(name) != new["reports"].get(name))
    what = f"the reports {', '.join(changed)} changed" if changed else "its about text or layout changed"
    pytest.fail(f"{extension_reports.OUT.relative_to(extension_reports.ROOT)} is not what the service says now "
                f"({what}): {RUN_THE_TOOL}.")


def test_the_reports_are_judged_at_fixed_times(generated):
    """Deterministic: a saved page with a capture time is judged at it, everything else at the
    tool's fixed clock, never at the time the tool runs."""
    reports = json.loads(generated)["reports"]
    clock = f"{extension_reports.CLOCK:%Y-%m-%dT%H:%M:%SZ}"
    sources = {name: (report["verdict"]["judged_at_from"], report["verdict"]["judged_at"]) for name, report in reports.items()}
    assert sources["ali_32993251330_he_runParams_2020-07.html"] == ("captured_at", "2020-07-09T01:01:35Z")
    assert sources["ali_store_4682001_desktop_2024-02.html"] == ("service_clock", clock)
    assert all(when == clock for source, when in sources.values() if source == "service_clock")
    # The lower price recorded three weeks before the clock is what PRC003 reports.
    lower = reports["ali_3256803382674519_desktop_runParams_2022-12_after_a_lower_price.html"]
    prc003 = next(finding for finding in lower["findings"] if finding["code"] == "PRC003")
    assert prc003["evidence"]["low_on"] == f"{extension_reports.EARLIER:%Y-%m-%dT%H:%M:%SZ}"


def test_the_check_fails_on_a_drifted_file(tmp_path, capsys):
    """The tool's --check, on a file one word away from what the service says."""
    drifted = tmp_path / "reports.json"
    drifted.write_text(extension_reports.OUT.read_text(encoding="utf-8").replace("Shipping costs", "Shipping cost", 1),
                       encoding="utf-8")
    assert extension_reports.main(["--check", "--out", str(drifted)]) == 1
    assert "make extension-reports" in capsys.readouterr().err
