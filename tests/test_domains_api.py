"""GET /api/v1/domain-check and `emptor check-domain`: the same check (server/domains.py) over
the real app, paired like every endpoint, and as a real process with its exit codes."""

from __future__ import annotations

import json

import pytest

from tests.support.api import assert_error
from tests.support.cli import run_emptor

ENDPOINT = "/api/v1/domain-check"


def ask(client, domain, **kwargs):
    return client.get(ENDPOINT, query_string={"domain": domain}, **kwargs)


def test_a_lookalike_names_the_domain_it_imitates_and_why(client):
    answer = ask(client, "aliexpress.com.deals.top")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["lookalike"] is True and body["imitates"] == "aliexpress.com" and body["official"] is False
    assert body["domain"] == "aliexpress.com.deals.top"
    assert [r["code"] for r in body["reasons"]] == ["brand_subdomain"]
    assert set(body["reasons"][0]) == {"code", "message"} and "deals.top" in body["reasons"][0]["message"]


def test_official_and_unrelated_domains_are_not_lookalikes(client):
    official = ask(client, "shoppingcart.aliexpress.com").get_json()
    assert official == {"domain": "shoppingcart.aliexpress.com", "unicode": "shoppingcart.aliexpress.com", "official": True,
                        "lookalike": False, "imitates": None, "reasons": []}
    unrelated = ask(client, "express.co.uk").get_json()
    assert unrelated["lookalike"] is False and unrelated["official"] is False and unrelated["reasons"] == []


def test_a_unicode_lookalike_answers_both_forms(client):
    body = ask(client, "\u0430liexpress.com").get_json()
    assert body["lookalike"] and body["domain"].startswith("xn--") and body["unicode"] == "\u0430liexpress.com"
    assert [r["code"] for r in body["reasons"]] == ["homoglyph", "punycode"]


@pytest.mark.parametrize(("domain", "code"), [
    ("", "missing_domain"),
    ("a" * 300 + ".com", "bad_domain"),
    (".".join(["abcdefghi"] * 26) + ".com", "bad_domain"),
    ("a" * 100_000, "bad_domain"),
    ("192.168.0.1", "domain_is_ip"),
    ("[::1]", "domain_is_ip"),
    ("3232235521", "domain_is_ip"),
    ("0xc0a80001", "domain_is_ip"),
    ("xn--zz.com", "bad_domain"),
    ("https://aliexpress.com/item/1.html", "domain_is_url"),
    ("ali express.com", "bad_domain"),
    ("ali\x01express.com", "bad_domain"),
    ("localhost", "no_public_suffix"),
])
def test_hostile_input_is_a_400_naming_the_field(client, domain, code):
    error = assert_error(ask(client, domain), 400, code)
    assert error["field"] == "domain"


def test_no_domain_several_domains_and_unknown_parameters(client):
    assert_error(client.get(ENDPOINT), 400, "missing_domain")
    assert_error(client.get(ENDPOINT + "?domain=a.com&domain=b.com"), 400, "bad_domain")
    assert_error(client.get(ENDPOINT + "?domain=a.com&url=b"), 400, "unknown_field")
    assert_error(client.get(ENDPOINT + "?domain=%FF%FE.com"), 400, "bad_domain")


def test_it_is_paired(client):
    assert_error(ask(client, "aliexpress.com", signed=False), 401, "unpaired")


def test_the_command_line_says_the_same_with_exit_codes(tmp_path):
    lookalike = run_emptor("check-domain", "aliexpress-sale.shop", tmp_path=tmp_path)
    assert lookalike.returncode == 1, lookalike.stderr
    assert "a lookalike of aliexpress.com" in lookalike.stdout and "brand_keyword:" in lookalike.stdout
    official = run_emptor("check-domain", "de.aliexpress.com", "--json", tmp_path=tmp_path)
    assert official.returncode == 0 and json.loads(official.stdout)["official"] is True
    unrelated = run_emptor("check-domain", "google.com", tmp_path=tmp_path)
    assert unrelated.returncode == 0 and "not a lookalike" in unrelated.stdout
    refused = run_emptor("check-domain", "https://aliexpress.com.deals.top/x", tmp_path=tmp_path)
    assert refused.returncode == 2 and "send its host alone (aliexpress.com.deals.top)" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_command_line_json_is_the_endpoints_answer(client, tmp_path):
    printed = run_emptor("check-domain", "--json", "aliexpres.com", tmp_path=tmp_path)
    assert printed.returncode == 1
    assert json.loads(printed.stdout) == ask(client, "aliexpres.com").get_json()
