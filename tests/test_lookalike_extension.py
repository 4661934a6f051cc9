"""The extension's lookalike check (extension/lib/lookalike.js, run by node) answers as the
service's (server/domains.py) does over a corpus: the service tests' hosts, dnstwist's
permutations of every official domain (when dnstwist is installed, as the test extra installs
it), 2,315 real unrelated domains (bench/data/whotracksme-2019-04-domains.txt) and 705 real scam
hosts from a public blocklist (bench/data/scam-blocklist-*.tsv). The only
disagreements allowed are the documented ones below (docs/extension.md, "Lookalike shops")."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from server import domains
from server.problems import Problem
from tests.support.scam_hosts import AL_RUN, BRAND_NAMES, scam_hosts

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "bench" / "data" / "whotracksme-2019-04-domains.txt"

# The JS checker over stdin's hosts (the form the browser gives: ASCII, punycode), one JSON answer a line.
RUNNER = """
import { readFileSync } from "node:fs";
import { makeChecker } from "./extension/lib/lookalike.js";
const checker = makeChecker(JSON.parse(readFileSync("extension/lib/official-domains.json", "utf8")));
const hosts = readFileSync(0, "utf8").split("\\n").filter(Boolean);
for (const host of hosts) process.stdout.write(JSON.stringify([host, checker.check(host)]) + "\\n");
"""

# Where the two may answer differently, and why: each is a host the service judges with data the
# extension does not carry. Empty today; a new entry needs its reason in docs/extension.md.
DOCUMENTED_DISAGREEMENTS: dict[str, str] = {}


def js_verdicts(hosts: list[str]) -> dict[str, dict | None]:
    node = shutil.which("node")
    assert node, "node is needed to run the extension's lookalike check (make test installs the JS tools with it)"
    out = subprocess.run([node, "--input-type=module", "-e", RUNNER], cwd=ROOT, input="\n".join(hosts),
                         check=True, capture_output=True, text=True).stdout
    return {host: verdict for host, verdict in map(json.loads, out.splitlines())}


def service_verdict(host: str):
    try:
        return domains.check(host)
    except Problem:
        return None


def as_browser_gives(host: str) -> str | None:
    """The host as a browser hands it to the extension: ASCII, punycode; None when it is not one."""
    try:
        return domains.parse_host(host)[0]
    except Problem:
        return None


def service_test_hosts() -> list[str]:
    """The hosts of the service tests' parametrized cases, read from tests/test_domains.py as data
    (its decorators' literals; tests share code only through tests/support, so it is not imported)."""
    tree = ast.parse((ROOT / "tests" / "test_domains.py").read_text(encoding="utf-8"))
    wanted = {"test_official_domains_and_their_subdomains_are_never_lookalikes", "test_unrelated_sites_are_not_lookalikes",
              "test_each_reason_fires", "test_near_misses_stay_quiet", "test_shared_hosting_is_never_trusted_whole"}
    hosts = ["evil.aliyuncs.com", "aliexpress-login.oss-cn-hangzhou.aliyuncs.com", "aliexpress.akamaized.net"]
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name not in wanted:
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize":
                hosts += [case if isinstance(case, str) else case[0] for case in ast.literal_eval(decorator.args[1])]
    return hosts


def dnstwist_hosts() -> list[str]:
    dnstwist = pytest.importorskip("dnstwist", reason="dnstwist is in the test extra: pip install -e .[test]")
    tlds = sorted({suffix for suffix in domains._extractor().tlds if "." not in suffix})
    found = set()
    for brand in domains.official().brands:
        for domain in brand.domains:
            fuzzer = dnstwist.Fuzzer(domain, tld_dictionary=tlds)
            fuzzer.generate()
            found |= {item["domain"] for item in fuzzer.domains}
    return sorted(found)


def compare(hosts: list[str]) -> tuple[list[str], int]:
    """Hosts where the extension and the service disagree (lookalike or not, and the domain
    imitated), and how many hosts both judged."""
    ascii_hosts = sorted({h for h in map(as_browser_gives, hosts) if h})
    answers = js_verdicts(ascii_hosts)
    wrong = []
    judged = 0
    for host in ascii_hosts:
        theirs = service_verdict(host)
        if theirs is None:  # the service refuses it (no public suffix): the browser never reaches such a shop
            continue
        judged += 1
        ours = answers[host]
        assert ours is not None, f"the extension could not read {host}, which the service judges"
        same = (ours["lookalike"], ours["official"], ours["imitates"]) == (theirs.lookalike, theirs.official, theirs.imitates)
        if not same and host not in DOCUMENTED_DISAGREEMENTS:
            wrong.append(f"{host}: extension {ours['lookalike']}/{ours['imitates']}, "
                         f"service {theirs.lookalike}/{theirs.imitates}")
    return wrong, judged


def test_the_service_tests_hosts_get_the_same_answer():
    hosts = service_test_hosts()
    assert len(hosts) > 50
    wrong, judged = compare(hosts)
    assert judged > 50
    assert wrong == []


def test_dnstwist_permutations_get_the_same_answer():
    hosts = dnstwist_hosts()
    assert len(hosts) > 1000
    wrong, judged = compare(hosts)
    assert judged > 1000
    assert wrong == []


def test_real_unrelated_domains_get_the_same_answer():
    hosts = [line.strip() for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(hosts) == 2315
    wrong, judged = compare(hosts + [f"www.{host}" for host in hosts[:500]])
    assert judged > 2500
    assert wrong == []


def test_real_scam_hosts_from_a_public_blocklist_get_the_same_answer():
    hosts = {domain for domain, _ in scam_hosts(BRAND_NAMES) + scam_hosts(AL_RUN)}
    assert len(hosts) == 653  # 116 + 589 names, 52 of them in both lists
    wrong, judged = compare(sorted(hosts))
    assert judged == len(hosts)
    assert wrong == []


def test_the_extension_refuses_what_is_not_a_host_name():
    answers = js_verdicts(["127.0.0.1", "localhost", "a..com", "[::1]"])
    assert answers == {"127.0.0.1": None, "localhost": None, "a..com": None, "[::1]": None}
