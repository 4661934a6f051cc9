"""What the extension and the service must agree on, and cannot share at run time.

The service owns what there is to know about a marketplace; the extension learns most of it
from each report (family names, what a page status means, where the reviews are read). What
the extension needs before it can ask (which pages are listings, when a page has rendered its
product, which page variables and feeds to capture before any page script runs) is written in
JavaScript too, and tied to the service's own values here, so that the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from server import config
from server.api import PREFIX
from server.marketplaces import MARKETPLACES
from server.marketplaces.aliexpress import PUNISH_MARKERS, REVIEW_FEED_URL, dom, embedded, hosts
from server.marketplaces.problems import BadBlob

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "extension"
MANIFEST = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
HOOK = (EXTENSION / "content" / "page-hook.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def constants() -> dict:
    """lib/constants.js as the extension sees it, evaluated by node."""
    node = shutil.which("node")
    assert node, "node is needed to read the extension's constants (make test installs the JS tools with it)"
    script = "import('./extension/lib/constants.js').then(() => console.log(JSON.stringify(globalThis.EMPTOR)))"
    return json.loads(
        subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    )


def _strings(javascript: str, declaration: str) -> list[str]:
    """The string literals of ``const <declaration> = [...]`` or ``{...}`` in a script."""
    match = re.search(rf"const {declaration} = ([\[{{].*?[\]}}]);", javascript, re.DOTALL)
    assert match, f"no `const {declaration} = …;` in the script"
    literal = match.group(1)
    if literal.startswith("{"):
        literal = re.sub(r"\b(\w+):", "", literal)  # the values of {name: "value", …}
    return re.findall(r'"([^"]+)"', literal)


def test_the_hook_captures_exactly_what_the_service_reads():
    captured = _strings(HOOK, "SCRIPT_VARIABLES") + _strings(HOOK, "FEEDS")
    assert sorted(captured) == sorted(MARKETPLACES["aliexpress"].blob_sources)


# A listing address of each form the manifest matches (docs/sources.md, "Product ids").
LISTING_EXAMPLES = {"/item/*": "/item/1005003568989271.html", "/store/product/*": "/store/product/x/1392990_32993251330.html"}


def _listing_scripts():
    """The page-world hook and the listing's content script (the one that starts the analysis),
    which run on the same pages: listings."""
    listing = [s for s in MANIFEST["content_scripts"] if "content/schedule.js" in s["js"]]
    hooks = [s for s in MANIFEST["content_scripts"] if s.get("world") == "MAIN" and s["matches"] == listing[0]["matches"]]
    return hooks, listing


def test_the_extension_runs_on_every_listing_address_the_service_reads_and_no_other():
    matched_hosts = set()
    hooks, listing = _listing_scripts()
    assert len(hooks) == 1 and len(listing) == 1
    for script in hooks + listing:
        for pattern in script["matches"]:
            parts = re.fullmatch(r"\*://\*\.([^/]+)(/.*)", pattern)
            assert parts, f"unexpected match pattern {pattern}"
            domain, path = parts.groups()
            assert hosts.is_site_host(domain), f"{pattern}: not a host the service reads"
            example = "https://www." + domain + LISTING_EXAMPLES[path]
            assert hosts.is_product_path(example), f"{pattern}: not a listing address for the service ({example})"
            matched_hosts.add(domain)
    assert matched_hosts == set(hosts.SITE_DOMAINS)


# The shopper's account pages (issue 10; docs/extension.md, "Account pages"), one address of each
# form the manifest matches, and the kind of page the service is told it is.
ACCOUNT_EXAMPLES = {
    "/p/order/*": "/p/order/detail.html?orderId=8212313961591322",
    "/p/tracking/*": "/p/tracking/index.html?tradeOrderId=8212313961591322",
    "/p/trade/confirm.html*": "/p/trade/confirm.html?objectId=1005006454451334&skuId=12000023368692244",
    "/p/message/*": "/p/message/index.html",
}


def test_the_account_page_scripts_run_on_account_pages_only():
    hooks, listing = _listing_scripts()
    others = [s for s in MANIFEST["content_scripts"] if s not in hooks + listing]
    assert others, "no account page scripts"
    for script in others:
        assert "content/schedule.js" not in script["js"] and "content/view.js" not in script["js"]  # no badge there
        for pattern in script["matches"]:
            parts = re.fullmatch(r"\*://(\*\.)?([^/]+)(/.*)", pattern)
            assert parts, f"unexpected match pattern {pattern}"
            wildcard, domain, path = parts.groups()
            if wildcard:
                assert domain in hosts.SITE_DOMAINS and path in ACCOUNT_EXAMPLES, pattern
                assert not hosts.is_product_path("https://www." + domain + ACCOUNT_EXAMPLES[path]), pattern
            else:  # the older order pages and the seller message host, by name
                assert domain in ("trade.aliexpress.com", "msg.aliexpress.com"), pattern
    # The hook that reads the order feeds runs where the order pages load them.
    account_hook = [s for s in others if s.get("world") == "MAIN"]
    assert len(account_hook) == 1 and account_hook[0]["js"] == ["content/page-hook.js"]
    for path in ("/p/order/*", "/p/tracking/*", "/p/trade/confirm.html*"):
        assert f"*://*.aliexpress.com{path}" in account_hook[0]["matches"]


def test_the_hook_captures_exactly_the_order_feeds_the_service_reads():
    from server.marketplaces.aliexpress import orders

    assert sorted(_strings(HOOK, "ORDER_FEEDS")) == sorted(orders.ORDER_FEEDS)


def test_the_extension_may_fetch_the_review_feed_the_service_names():
    feed_host = urlsplit(REVIEW_FEED_URL).hostname
    assert f"*://{feed_host}/*" in MANIFEST["host_permissions"]


def test_the_extension_waits_for_the_signs_the_service_reads(constants):
    page = constants["PRODUCT_PAGE"]
    assert sorted(page["TITLE_SELECTORS"]) == sorted(dom.TITLE_SELECTORS.values())
    final = " ".join(page["FINAL_SELECTORS"])
    assert dom.NOT_FOUND_SELECTOR in page["FINAL_SELECTORS"]
    assert "/_____tmd_____/punish" in PUNISH_MARKERS and "/_____tmd_____/punish" in final
    assert "bx-pu-qrcode-wrap" in PUNISH_MARKERS and "#bx-pu-qrcode-wrap" in page["FINAL_SELECTORS"]
    assert page["TEMPLATE_VARIABLE"] == embedded.TEMPLATE_VARIABLE


def test_the_extension_talks_to_the_service_where_it_listens(constants):
    assert constants["DEFAULT_SERVICE_URL"] == f"http://{config.DEFAULT_HOST}:{config.DEFAULT_PORT}"
    assert constants["API_PREFIX"] == PREFIX
    assert constants["MAX_REQUEST_BYTES"] < config.MAX_REQUEST_BYTES  # the worker's cap is under the service's
    assert constants["MAX_HTML_CHARS"] * 3 <= config.MAX_REQUEST_BYTES  # a character is at most 3 bytes of UTF-8 here


def test_the_extension_pairs_as_the_service_checks(constants):
    from server import pairing

    assert constants["MIN_PAIRING_CODE_CHARS"] == config.MIN_TOKEN_CHARACTERS
    # A code the service made is long enough for the options page, and the challenge is asked
    # well within the window in which the service accepts a request's timestamp.
    assert len(pairing.new_secret()) >= constants["MIN_PAIRING_CODE_CHARS"]
    assert constants["PAIRING_CHECK_INTERVAL_MS"] <= 60_000
    client = (EXTENSION / "background" / "service-client.js").read_text(encoding="utf-8")
    assert '"/pairing"' in client  # the challenge the service answers (GET /api/v1/pairing)
    assert f'"{pairing.SIGNATURE_HEADER}"' in client


def test_the_worker_leaves_out_exactly_the_blobs_the_service_refuses_one_by_one():
    """A blob the service cannot decode is refused by code, naming it in field; the worker sends
    the request again without it (background/requests.js). Data from a source the service does not
    read is set aside in the report, not refused."""
    requests = (EXTENSION / "background" / "requests.js").read_text(encoding="utf-8")
    refused = re.search(r"DATA_REFUSED = Object\.freeze\(\[(.*?)\]\)", requests).group(1)
    assert re.findall(r'"([^"]+)"', refused) == [BadBlob.code]


def test_the_extension_accepts_only_service_addresses_the_service_answers_to():
    service_url = (EXTENSION / "lib" / "service-url.js").read_text(encoding="utf-8")
    names = re.search(r"LOOPBACK_HOSTS = new Set\(\[(.*?)\]\)", service_url).group(1)
    assert {name.strip("[]") for name in re.findall(r'"([^"]+)"', names)} == set(config.LOOPBACK_HOSTS)


def test_the_contract_checks_can_fail():
    """The string reader the checks above rest on finds what is there and only that."""
    script = 'const FEEDS = ["a.b", "c"];\nconst SCRIPT_VARIABLES = { x: "runParams", y: "_init_data_" };'
    assert _strings(script, "FEEDS") == ["a.b", "c"]
    assert _strings(script, "SCRIPT_VARIABLES") == ["runParams", "_init_data_"]
    with pytest.raises(AssertionError):
        _strings(script, "MISSING")


def test_the_page_statuses_the_extension_acts_on_are_the_reports():
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    statuses = set(schema["properties"]["page"]["properties"]["status"]["enum"])
    named = set()
    for path in sorted(EXTENSION.rglob("*.js")):
        if "tests" not in path.parts:
            # (a tab's own loading status, chrome.tabs' change.status, is not a page status)
            named |= set(re.findall(r'(?<!change\.)status [!=]== "(\w+)"', path.read_text(encoding="utf-8")))
    assert named >= {"ok", "no_data"}, "the check no longer finds what it checks"
    assert named <= statuses


# --- the panel's words for what the service reports ---------------------------------------------


@pytest.fixture(scope="module")
def labels() -> dict:
    """lib/labels.js as the extension's frame sees it, evaluated by node."""
    node = shutil.which("node")
    assert node, "node is needed to read the extension's labels"
    script = "import('./extension/lib/labels.js').then(() => console.log(JSON.stringify(globalThis.EMPTOR_LABELS)))"
    return json.loads(
        subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    )


def _documented_evidence() -> dict[str, set[str]]:
    """Every rule's evidence keys as its docstring lists them (the "**Evidence.**" paragraph)."""
    import heuristics

    keys = {}
    for rule in heuristics.RULES.values():
        doc = rule.check.__doc__ or ""
        paragraph = re.split(r"\n\s*\n", doc.split("**Evidence.**", 1)[1])[0] if "**Evidence.**" in doc else ""
        keys[rule.code] = {span for span in re.findall(r"`([^`]+)`", paragraph) if re.fullmatch(r"[a-z_]+", span)}
    return keys


def test_the_panel_has_words_for_every_evidence_key_a_rule_documents(labels):
    """The panel falls back to readable words for an unknown key, but every key a rule documents
    has its own label (and unit) in extension/lib/labels.js: a rule that adds a key adds its words."""
    missing = sorted(f"{code}.{key}" for code, keys in _documented_evidence().items() for key in keys
                     if key not in labels["EVIDENCE"] and key not in labels["EVIDENCE_BY_RULE"].get(code, {}))
    assert missing == []


def test_the_panel_has_words_for_every_coverage_field(labels):
    from server.report import COVERAGE_FIELDS

    assert sorted(set(COVERAGE_FIELDS) - set(labels["COVERAGE"])) == []
