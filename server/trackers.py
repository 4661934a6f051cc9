"""Tracker blocking and clean links: the extension's declarativeNetRequest (DNR) rulesets, built
from data in the repository (``emptor rules build``), and filter lists the shopper supplies,
converted to dynamic rules (``emptor rules import``). docs/privacy.md, "Tracker blocking", says
what is blocked, from which sources and under which licences.

Nothing here runs in the service: the rulesets are files the browser applies itself, with no
JavaScript per request.

- ``server/data/trackers/whotracksme-2019-04/``: WhoTracks.Me's April 2019 data (CC BY 4.0), as
  published. :func:`curate` keeps the domains of the trackers of :data:`BLOCKED_CATEGORIES`
  seen on at least :data:`MIN_SITES_TOP10K` of the 10,000 most visited sites, less
  ``not-blocked.tsv``, and writes them with their company and reach to ``trackers.tsv``.
- ``checkout-allow.tsv``: hosts and pages no rule may block (checkout, payment, 3-D Secure,
  sign-in): allow rules of :data:`ALLOW_PRIORITY`, above every block rule.
- ``marketplace-telemetry.tsv``: AliExpress's own beacons, a ruleset that is off by default.

Rule ids are derived from what a rule is about (a hash of its ruleset and domain), so a build
with one domain more or less changes no other rule's id, and the extension's per-company counts
(``rules-meta.json``) keep their meaning across builds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .marketplaces.aliexpress.hosts import SITE_DOMAINS

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "trackers"
WHOTRACKSME = DATA / "whotracksme-2019-04"
RULES_DIR = ROOT / "extension" / "rules"
DATA_MONTH = "2019-04"
SOURCE = f"WhoTracks.Me {DATA_MONTH} (CC BY 4.0)"

# WhoTracks.Me's categories whose trackers are blocked. Left out: cdn, hosting, essential,
# audio_video_player, comments, misc, unknown, extensions (content, not tracking: fonts, CDNs,
# players) and customer_interaction (chat and support widgets, payment buttons: blocking them
# breaks what the shopper uses).
BLOCKED_CATEGORIES = ("advertising", "site_analytics", "social_media", "pornvertising")
# A tracker seen on fewer than 10 of the 10,000 most visited sites (0.1 %) is left out: the
# trackers at or above it account for 99.6 % of the blocked categories' presence on those sites,
# weighted by how many sites each reaches, with 115 trackers fewer (the build log prints both).
MIN_SITES_TOP10K = 10

# DNR priorities: a higher one wins, and at equal priority allow beats block (Chrome's and
# Firefox's DNR documentation, "Rule priorities"). Imported lists use 1 to 3 (IMPORT_PRIORITIES).
BLOCK_PRIORITY = 1
ALLOW_PRIORITY = 1000

# Where blocking applies by default: requests made by the marketplaces' pages (and their
# subdomains: checkout, cart, orders).
MARKETPLACE_DOMAINS = list(SITE_DOMAINS)
# Every DNR resource type but the page itself: a tracker's address typed or clicked by the shopper
# still opens.
NOT_PAGES = ["main_frame"]

# Tracking parameters removed from marketplace page addresses (Clean links). DNR's
# queryTransform.removeParams takes exact names only. Seen on AliExpress links in the fixtures and
# affiliate links (spm … _t, aff_*, sk/af/cn/cv/dp: the affiliate redirector's), plus the common
# ad-click families. Kept on purpose: sku_id, skuId (the variant), _randl_currency and
# _randl_shipto (the shopper's currency and destination), gatewayAdapt (it routes a shopper between
# storefronts: AliExpress's own reload address carries it, ae:reload_path in the 2025 capture
# tests/fixtures/pages/ali_1005008204179129_desktop_de_NOTFOUND_DCData_2025-10.html, and ClearURLs
# keeps it for the same reason), and every parameter not listed.
TRACKING_PARAMETERS = [
    "spm", "scm", "scm_id", "scm-url", "scm_url", "pvid", "gps-id", "_t", "btsid", "ws_ab_test",
    "algo_pvid", "algo_expid", "algo_exp_id", "pdp_ext_f", "pdp_npi", "utparam", "utparam-url",
    "aff_fcid", "aff_fsk", "aff_platform", "aff_platfrom", "aff_trace_key", "aff_short_key", "aff_request_id",
    "sk", "af", "cn", "cv", "dp", "terminal_id", "afSmartRedirect", "mall_affr",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "twclid", "ttclid", "mc_cid", "mc_eid",
]

# Chrome's guaranteed static rules per extension and Firefox's (GUARANTEED_MINIMUM_STATIC_RULES,
# 30,000 in both: docs/privacy.md, "Limits"); the build refuses to write more.
MAX_STATIC_RULES = 30_000
# Dynamic rules: Firefox allows 5,000, Chrome 30,000 of block and allow rules since Chrome 121
# (docs/privacy.md, "Limits"). An import keeps to Firefox's unless told otherwise.
MAX_DYNAMIC_RULES = 5_000
MAX_DYNAMIC_RULES_CHROME = 30_000


class RulesProblem(Exception):
    """Bad data or input for a ruleset, said in words (the CLI prints it and exits 1)."""


# --- the data ----------------------------------------------------------------------------------


def read_tsv(path: Path) -> list[dict]:
    """A tab-separated file with a header row; lines starting with # are comments."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, 2):
        if None in row or any(value is None or value == "" for value in row.values()):
            raise RulesProblem(f"{path.name}: row {number} does not have a value in every column: {row}")
    return rows


@dataclass
class Tracker:
    id: str
    name: str
    company: str
    category: str
    sites_top10k: int
    reach: float
    domains: list[str] = field(default_factory=list)


def load_whotracksme(folder: Path = WHOTRACKSME) -> list[Tracker]:
    """Every tracker of the month's measurements with its category, company and domains."""
    database = sqlite3.connect(":memory:")
    try:
        database.executescript((folder / "trackerdb.sql").read_text(encoding="utf-8"))
        described = {
            row[0]: row[1:]
            for row in database.execute(
                "SELECT t.id, t.name, COALESCE(c.name, t.company_id, t.name), COALESCE(k.name, 'unknown') FROM trackers t"
                " LEFT JOIN companies c ON c.id = t.company_id LEFT JOIN categories k ON k.id = t.category_id"
            )
        }
        domains: dict[str, list[str]] = {}
        for tracker, domain in database.execute("SELECT tracker, domain FROM tracker_domains ORDER BY domain"):
            domains.setdefault(tracker, []).append(domain.strip().lower())
    finally:
        database.close()
    trackers = []
    with (folder / "trackers.csv").open(encoding="utf-8", newline="") as measured:
        for row in csv.DictReader(measured):
            name, company, category = described.get(row["tracker"], (row["tracker"], row["tracker"], "unknown"))
            trackers.append(Tracker(row["tracker"], name, company.strip(), category, int(float(row["site_reach_top10k"] or 0)),
                                    float(row["reach"] or 0), domains.get(row["tracker"], [])))
    return trackers


def curate(trackers: list[Tracker], not_blocked: set[str]) -> list[dict]:
    """The rows of trackers.tsv: each domain of each tracker kept, by reach (most sites first)."""
    rows, seen = [], set()
    kept = [t for t in trackers if t.category in BLOCKED_CATEGORIES and t.sites_top10k >= MIN_SITES_TOP10K]
    for tracker in sorted(kept, key=lambda t: (-t.sites_top10k, -t.reach, t.id)):
        for domain in tracker.domains:
            if domain in not_blocked or domain in seen or _is_marketplace_host(domain):
                continue
            seen.add(domain)
            rows.append({"domain": domain, "tracker": tracker.id, "company": tracker.company, "category": tracker.category,
                         "sites_top10k": str(tracker.sites_top10k), "reach": f"{tracker.reach:.6f}", "source": SOURCE})
    return rows


TRACKERS_COLUMNS = ["domain", "tracker", "company", "category", "sites_top10k", "reach", "source"]


def trackers_tsv(rows: list[dict]) -> str:
    out = io.StringIO()
    out.write("# Generated by `emptor rules build` (server/trackers.py) from WhoTracks.Me's April 2019 data\n"
              "# (CC BY 4.0, whotracks.me; server/data/trackers/whotracksme-2019-04/SOURCE.md). Do not edit: change\n"
              "# the build or not-blocked.tsv. sites_top10k: on how many of the 10,000 most visited sites the\n"
              "# tracker was seen; reach: share of page loads.\n")
    out.write("\t".join(TRACKERS_COLUMNS) + "\n")
    for row in rows:
        out.write("\t".join(row[column] for column in TRACKERS_COLUMNS) + "\n")
    return out.getvalue()


def _is_marketplace_host(host: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in SITE_DOMAINS)


# --- rules -------------------------------------------------------------------------------------


def rule_id(ruleset: str, key: str) -> int:
    """A stable id in 1..2^31-1 for the rule about ``key`` in ``ruleset`` (DNR ids are positive
    32-bit integers); a collision within a ruleset fails the build rather than renumbering."""
    digest = hashlib.sha256(f"{ruleset}\n{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


def _block(ruleset: str, domain: str, *, initiators: list[str] | None, third_party: bool = False) -> dict:
    condition: dict = {"requestDomains": [domain]}
    if initiators:
        condition["initiatorDomains"] = initiators
    if third_party:
        condition["domainType"] = "thirdParty"
    condition["excludedResourceTypes"] = NOT_PAGES
    return {"id": rule_id(ruleset, domain), "priority": BLOCK_PRIORITY, "action": {"type": "block"}, "condition": condition}


FRAMES = ["main_frame", "sub_frame"]


def marketplace_page_regex(path: str) -> str:
    """Addresses whose path starts with ``path`` on a marketplace host (any port: the tests serve
    the pages on one), for DNR's regexFilter (RE2, matched case-insensitively by default)."""
    hosts = "|".join(re.escape(domain) for domain in MARKETPLACE_DOMAINS)
    return rf"^https?://([^/?#]*\.)?({hosts})(:[0-9]+)?{re.escape(path)}"


def allow_rules(entries: list[dict]) -> list[dict]:
    """A host: allowed as a request of any kind, and as a frame whose requests are all allowed (a
    3-D Secure frame's own scripts). A marketplace page (host ``*``): all its requests allowed."""
    rules = []
    for entry in entries:
        host, path = entry["host"].lower(), entry["path"]
        if host == "*":
            # The path right after the host: a urlFilter matches anywhere in the address, so a
            # link carrying the path in its query would turn blocking off for its page.
            rules.append({"id": rule_id("allow-checkout", f"page {path}"), "priority": ALLOW_PRIORITY,
                          "action": {"type": "allowAllRequests"},
                          "condition": {"regexFilter": marketplace_page_regex(path), "requestDomains": MARKETPLACE_DOMAINS,
                                        "resourceTypes": FRAMES}})
            continue
        if path != "-":
            raise RulesProblem(f"checkout-allow.tsv: {host}: a path is for marketplace pages (host *) only")
        rules.append({"id": rule_id("allow-checkout", f"host {host}"), "priority": ALLOW_PRIORITY, "action": {"type": "allow"},
                      "condition": {"requestDomains": [host]}})
        rules.append({"id": rule_id("allow-checkout", f"frame {host}"), "priority": ALLOW_PRIORITY,
                      "action": {"type": "allowAllRequests"}, "condition": {"requestDomains": [host], "resourceTypes": FRAMES}})
    return rules


def clean_links_rule() -> dict:
    return {"id": rule_id("clean-links", "marketplace pages"), "priority": BLOCK_PRIORITY,
            "action": {"type": "redirect", "redirect": {"transform": {"queryTransform": {"removeParams": TRACKING_PARAMETERS}}}},
            "condition": {"requestDomains": MARKETPLACE_DOMAINS, "resourceTypes": ["main_frame"]}}


@dataclass
class Ruleset:
    id: str
    path: str
    enabled: bool
    rules: list[dict]
    what: str


def rulesets(tracker_rows: list[dict], allowed: list[dict], telemetry: list[dict]) -> list[Ruleset]:
    domains = [row["domain"] for row in tracker_rows]
    sets = [
        Ruleset("allow-checkout", "rules/allow-checkout.json", True, allow_rules(allowed),
                "checkout, payment, 3-D Secure and sign-in: never blocked"),
        Ruleset("trackers", "rules/trackers.json", True,
                [_block("trackers", d, initiators=MARKETPLACE_DOMAINS) for d in domains],
                "trackers, on the marketplaces' pages"),
        Ruleset("trackers-everywhere", "rules/trackers-everywhere.json", False,
                [_block("trackers-everywhere", d, initiators=None, third_party=True) for d in domains],
                "the same trackers on every site (option, off by default)"),
        Ruleset("marketplace-telemetry", "rules/marketplace-telemetry.json", False,
                [_block("marketplace-telemetry", row["domain"], initiators=MARKETPLACE_DOMAINS) for row in telemetry],
                "AliExpress's own telemetry (option, off by default)"),
        Ruleset("clean-links", "rules/clean-links.json", True, [clean_links_rule()],
                "tracking parameters removed from marketplace addresses"),
    ]
    for ruleset in sets:
        ids = Counter(rule["id"] for rule in ruleset.rules)
        clashes = [rule_id_ for rule_id_, count in ids.items() if count > 1]
        if clashes:
            raise RulesProblem(f"ruleset {ruleset.id}: rule ids {clashes} are derived twice (two rules about the same thing?)")
    total = sum(len(ruleset.rules) for ruleset in sets)
    if total > MAX_STATIC_RULES:
        raise RulesProblem(f"{total} static rules: more than the {MAX_STATIC_RULES} the browsers guarantee")
    return sets


def ruleset_json(rules: list[dict]) -> str:
    """One rule a line: a build that adds a domain shows as one added line."""
    return "[\n" + ",\n".join(json.dumps(rule, ensure_ascii=True) for rule in rules) + "\n]\n"


@dataclass
class Build:
    files: dict[str, str]  # repository path -> content
    log: str
    sets: list[Ruleset]


def build(data: Path = DATA) -> Build:
    """Everything ``emptor rules build`` writes, from the data alone (no clock, no network): the
    same data always builds the same files."""
    not_blocked = {row["domain"].lower() for row in read_tsv(data / "not-blocked.tsv")}
    trackers = load_whotracksme(data / WHOTRACKSME.name)
    rows = curate(trackers, not_blocked)
    allowed = read_tsv(data / "checkout-allow.tsv")
    telemetry = read_tsv(data / "marketplace-telemetry.tsv")
    sets = rulesets(rows, allowed, telemetry)
    meta = {"source": SOURCE, "rules": {
        "trackers": {str(rule_id("trackers", r["domain"])): [r["company"], r["category"], r["domain"]] for r in rows},
        "trackers-everywhere": {str(rule_id("trackers-everywhere", r["domain"])): [r["company"], r["category"], r["domain"]]
                                for r in rows},
        "marketplace-telemetry": {str(rule_id("marketplace-telemetry", r["domain"])): [r["company"], "marketplace_telemetry",
                                                                                      r["domain"]] for r in telemetry},
    }}
    files = {"server/data/trackers/trackers.tsv": trackers_tsv(rows)}
    for ruleset in sets:
        files[f"extension/{ruleset.path}"] = ruleset_json(ruleset.rules)
    files["extension/rules/rules-meta.json"] = json.dumps(meta, ensure_ascii=True, sort_keys=True, indent=0) + "\n"
    log = build_log(trackers, rows, sets, allowed)
    files["server/data/trackers/build-log.txt"] = log
    return Build(files, log, sets)


def coverage(trackers: list[Tracker], kept: set[str]) -> tuple[float, int]:
    """The share of the blocked categories' presence (sites of the top 10,000, summed over
    trackers) of the trackers ``kept``, and how many trackers those categories have."""
    candidates = [t for t in trackers if t.category in BLOCKED_CATEGORIES]
    total = sum(t.sites_top10k for t in candidates)
    return (sum(t.sites_top10k for t in candidates if t.id in kept) / total if total else 0.0), len(candidates)


def build_log(trackers: list[Tracker], rows: list[dict], sets: list[Ruleset], allowed: list[dict]) -> str:
    above = {t.id for t in trackers if t.sites_top10k >= MIN_SITES_TOP10K}
    threshold_share, candidates = coverage(trackers, above)
    share, _ = coverage(trackers, {row["tracker"] for row in rows})
    by_category = Counter(row["category"] for row in rows)
    trackers_kept = len({row["tracker"] for row in rows})
    lines = [
        f"emptor rules build: {SOURCE}",
        f"trackers in blocked categories ({', '.join(BLOCKED_CATEGORIES)}): {candidates}; kept (seen on >= "
        f"{MIN_SITES_TOP10K} of the top 10,000 sites): {trackers_kept}, with {len(rows)} domains",
        f"share of the blocked categories' site presence: {threshold_share:.1%} above the threshold, {share:.1%} with a"
        " domain blocked (not-blocked.tsv leaves out Google's own sites and facebook.com, for sign-in, and services shops"
        " need: fraud checks, images, search, video, site hosting)",
        "domains by category: " + ", ".join(f"{name} {by_category[name]}" for name in BLOCKED_CATEGORIES),
        f"companies: {len({row['company'] for row in rows})}",
        f"never blocked (checkout-allow.tsv): {len(allowed)} entries",
        "rulesets:",
    ]
    for ruleset in sets:
        state = "on" if ruleset.enabled else "off"
        lines.append(f"  {ruleset.id:<22} {len(ruleset.rules):>5} rules, {state} by default: {ruleset.what}")
    total = sum(len(ruleset.rules) for ruleset in sets)
    lines.append(f"static rules in all: {total} (browsers guarantee {MAX_STATIC_RULES})")
    return "\n".join(lines) + "\n"


def write(result: Build, root: Path = ROOT) -> list[str]:
    """Write the build's files; the ones whose content changed."""
    changed = []
    for name, content in result.files.items():
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            changed.append(name)
    return changed


def manifest_rule_resources(sets: list[Ruleset]) -> list[dict]:
    """What manifest.json's declarative_net_request.rule_resources must say."""
    return [{"id": s.id, "enabled": s.enabled, "path": s.path} for s in sets]


# --- what a request meets (tests and the benchmark) --------------------------------------------

ACTION_ORDER = {"allow": 0, "allowAllRequests": 1, "block": 2, "upgradeScheme": 3, "redirect": 4}
_SUPPORTED_CONDITIONS = {"requestDomains", "excludedRequestDomains", "initiatorDomains", "resourceTypes",
                         "excludedResourceTypes", "urlFilter", "regexFilter"}


def _host_in(host: str, domains: list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _matches(rule: dict, url: str, host: str, initiator: str | None, resource_type: str) -> bool:
    condition = rule["condition"]
    unknown = set(condition) - _SUPPORTED_CONDITIONS
    if unknown:
        raise NotImplementedError(f"the matcher does not judge {sorted(unknown)}")
    if "requestDomains" in condition and not _host_in(host, condition["requestDomains"]):
        return False
    if _host_in(host, condition.get("excludedRequestDomains", [])):
        return False
    if "initiatorDomains" in condition and not (initiator and _host_in(initiator, condition["initiatorDomains"])):
        return False
    if "resourceTypes" in condition:
        if resource_type not in condition["resourceTypes"]:
            return False
    elif resource_type in condition.get("excludedResourceTypes", ["main_frame"]):
        return False
    url_filter = condition.get("urlFilter")
    if url_filter is not None:
        if re.search(r"[|^*]", url_filter):
            raise NotImplementedError("the matcher judges plain urlFilter substrings only")
        if url_filter.lower() not in url.lower():
            return False
    regex_filter = condition.get("regexFilter")
    if regex_filter is not None and not re.search(regex_filter, url, re.IGNORECASE):
        return False
    return True


def decide(rules: list[dict], url: str, resource_type: str, page_url: str | None = None) -> dict | None:
    """The rule DNR applies to a request for ``url`` of ``resource_type`` made by the page at
    ``page_url`` (the initiator), for the rule forms this module writes: the highest priority
    wins, and at equal priority allow, then allowAllRequests, then block, then redirect. An
    allowAllRequests rule counts when it matches the page itself (as its main_frame)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    initiator = (urlsplit(page_url).hostname or "").lower() if page_url else None
    found = []
    for rule in rules:
        if rule["action"]["type"] == "allowAllRequests":
            frame = page_url if page_url and resource_type != "main_frame" else url
            frame_host = (urlsplit(frame).hostname or "").lower()
            if _matches(rule, frame, frame_host, None, "main_frame"):
                found.append(rule)
        elif _matches(rule, url, host, initiator, resource_type):
            found.append(rule)
    if not found:
        return None
    return min(found, key=lambda rule: (-rule.get("priority", 1), ACTION_ORDER[rule["action"]["type"]]))


def load_rules(names=("allow-checkout", "trackers", "clean-links"), folder: Path = RULES_DIR) -> list[dict]:
    rules = []
    for name in names:
        rules += json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return rules


# --- filter lists the shopper supplies (`emptor rules import`) --------------------------------

# Adblock Plus option -> DNR resource type (Chrome's and Firefox's DNR ResourceType; ABP's
# "Available filter options").
RESOURCE_OPTIONS = {
    "script": "script", "image": "image", "stylesheet": "stylesheet", "css": "stylesheet", "object": "object",
    "xmlhttprequest": "xmlhttprequest", "xhr": "xmlhttprequest", "subdocument": "sub_frame", "frame": "sub_frame",
    "ping": "ping", "beacon": "ping", "media": "media", "font": "font", "websocket": "websocket", "other": "other",
}
IMPORT_PRIORITIES = {"block": 1, "allow": 2, "important": 3}
IMPORT_FORMAT = "emptor-imported-rules/1"
_HOSTS_LINE = re.compile(r"^(?:0\.0\.0\.0|127\.0\.0\.1|::1?|::)\s+([A-Za-z0-9.-]+)\s*(?:#.*)?$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_NOT_BLOCKED_HOSTS = {"localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback", "0.0.0.0"}


@dataclass
class Imported:
    rules: list[dict]
    skipped: Counter  # reason -> lines
    examples: dict  # reason -> the first line skipped for it
    comments: int
    lines: int

    def summary(self) -> str:
        lines = [f"{len(self.rules)} rules from {self.lines} lines ({self.comments} comments or blank)"]
        if self.skipped:
            lines.append(f"{sum(self.skipped.values())} lines not converted:")
            for reason, count in sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])):
                lines.append(f"  {count:>6}  {reason} (first: {self.examples[reason]})")
        else:
            lines.append("every filter was converted")
        return "\n".join(lines)


class _Skip(Exception):
    pass


def _initiators(value: str, condition: dict) -> None:
    """$domain=a.com|~b.com: the pages the filter applies to, and those it does not."""
    included, excluded = [], []
    for domain in value.split("|"):
        target = excluded if domain.startswith("~") else included
        domain = domain.lstrip("~").lower()
        if not _DOMAIN.match(domain):
            raise _Skip(f"$domain= names something other than a domain ({domain or 'empty'})")
        target.append(domain)
    if included:
        condition["initiatorDomains"] = included
    if excluded:
        condition["excludedInitiatorDomains"] = excluded


def _parse_options(text: str, condition: dict) -> bool:
    """Fill ``condition`` from a filter's $options; True when $important. Raises _Skip naming the
    first option DNR cannot express."""
    important = False
    resource_types, excluded_types = [], []
    seen: set[str] = set()
    for option in (part.strip() for part in text.split(",")):
        name, _, value = option.partition("=")
        name = name.lower()
        negated = name.startswith("~")
        bare = name.lstrip("~")
        # The same option twice ($domain=a,domain=b; $image,~image): which one the list meant is
        # not for emptor to guess, and one would silently go.
        key = {"3p": "third-party", "1p": "third-party", "first-party": "third-party"}.get(bare, bare)
        if key in seen:
            raise _Skip(f"option ${bare} given twice (the list's meaning is unclear)")
        seen.add(key)
        if bare in ("third-party", "3p", "first-party", "1p"):
            third = (bare in ("third-party", "3p")) != negated
            condition["domainType"] = "thirdParty" if third else "firstParty"
        elif bare in RESOURCE_OPTIONS:
            (excluded_types if negated else resource_types).append(RESOURCE_OPTIONS[bare])
        elif bare == "domain" and not negated and value:
            _initiators(value, condition)
        elif bare == "important" and not negated:
            important = True
        elif bare == "match-case" and not negated:
            condition["isUrlFilterCaseSensitive"] = True
        else:
            raise _Skip(f"option ${bare or option} has no DNR form")
    if resource_types:
        condition["resourceTypes"] = sorted(set(resource_types))
    elif excluded_types:
        condition["excludedResourceTypes"] = sorted(set(excluded_types) | {"main_frame"})
    return important


def _split_options(body: str) -> tuple[str, str | None]:
    """A filter's pattern and its options (after the last $ that is not part of a regex)."""
    if body.startswith("/") and body.endswith("/"):
        return body, None
    pattern, dollar, options = body.rpartition("$")
    if not dollar or not re.match(r"^~?[a-z0-9-]+(=|,|$)", options, re.IGNORECASE):
        return body, None
    return pattern, options


def convert_filter(line: str) -> dict:
    """One network filter as a DNR rule without its id; raises _Skip with the reason."""
    if "##" in line or "#@#" in line or "#?#" in line or "#$#" in line or "#%#" in line:
        raise _Skip("cosmetic filter (hides page elements; DNR filters requests only)")
    hosts = _HOSTS_LINE.match(line)
    if hosts:
        domain = hosts.group(1).lower().rstrip(".")
        if domain in _NOT_BLOCKED_HOSTS:
            raise _Skip("hosts-file entry for this machine (localhost, broadcasthost)")
        if not _DOMAIN.match(domain):
            raise _Skip("hosts-file entry whose name is not a domain")
        return {"action": {"type": "block"}, "condition": {"requestDomains": [domain], "excludedResourceTypes": ["main_frame"]},
                "priority": IMPORT_PRIORITIES["block"]}
    allow = line.startswith("@@")
    body = line[2:] if allow else line
    pattern, options = _split_options(body)
    if pattern.startswith("/") and pattern.endswith("/") and len(pattern) > 2:
        raise _Skip("regular-expression filter (DNR's regex rules are few and use another syntax)")
    if not pattern.isascii():
        raise _Skip("non-ASCII pattern (DNR's urlFilter takes ASCII only)")
    condition: dict = {}
    important = _parse_options(options, condition) if options is not None else False
    domain = re.fullmatch(r"\|\|([a-z0-9.-]+)\^?\|?", pattern.lower())
    if domain and _DOMAIN.match(domain.group(1)):
        condition = {"requestDomains": [domain.group(1)], **condition}
    else:
        if pattern.startswith("||*") or pattern.startswith("|||"):
            # Chromium refuses a urlFilter whose domain anchor is followed by a wildcard (or
            # another anchor): one such rule would make the browser refuse the whole import.
            raise _Skip("domain anchor followed by a wildcard or another anchor (the browser refuses it)")
        bare = pattern.strip("*")
        if len(bare.replace("|", "").replace("^", "")) < 3:
            raise _Skip("pattern too short to name what it blocks (it would match nearly every request)")
        condition = {"urlFilter": pattern, **condition}
    if "resourceTypes" not in condition and "excludedResourceTypes" not in condition:
        condition["excludedResourceTypes"] = ["main_frame"]
    kind = "allow" if allow else "block"
    priority = IMPORT_PRIORITIES["important"] if important else IMPORT_PRIORITIES[kind]
    return {"action": {"type": kind}, "condition": condition, "priority": priority}


def import_filter_list(text: str, *, limit: int = MAX_DYNAMIC_RULES) -> Imported:
    """Every network filter of an Adblock Plus / EasyPrivacy-style list (or a hosts file) that DNR
    can express, as dynamic rules numbered from 1; the others counted by reason, never dropped
    unsaid. Beyond ``limit`` rules, the rest are counted as over the limit."""
    rules, skipped, examples = [], Counter(), {}
    comments = lines = 0
    seen = set()
    for raw in text.splitlines():
        lines += 1
        line = raw.strip()
        hosts_comment = line.startswith("#") and not re.match(r"#[@?$%]?#", line)
        if not line or line.startswith("!") or (line.startswith("[") and line.endswith("]")) or hosts_comment:
            comments += 1
            continue
        try:
            rule = convert_filter(line)
            key = json.dumps(rule, sort_keys=True)
            if key in seen:
                raise _Skip("the same rule as an earlier line")
            if len(rules) >= limit:
                raise _Skip(f"over the limit of {limit} dynamic rules")
        except _Skip as reason:
            skipped[str(reason)] += 1
            examples.setdefault(str(reason), line[:120])
            continue
        seen.add(key)
        rules.append({"id": len(rules) + 1, **rule})
    return Imported(rules, skipped, examples, comments, lines)


def imported_document(result: Imported, source_name: str) -> str:
    """The file the options page imports: the rules and what was left out."""
    return json.dumps({"format": IMPORT_FORMAT, "source": source_name, "rules": result.rules,
                       "skipped": dict(sorted(result.skipped.items()))}, ensure_ascii=True, indent=1) + "\n"
