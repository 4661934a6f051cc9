"""A web page cannot use the shopper's service (issue 11, "The service stays locked"): a script on
any site the browser opens, here one served at a marketplace address, calls the service on
127.0.0.1 with fetch, XMLHttpRequest and a form POST. It gets nothing back and changes nothing:
the service refuses web origins before reading a body, requires the pairing signature, and allows
CORS to extension origins only (docs/security.md)."""

from __future__ import annotations

import json
import sqlite3

from tests.support.browser import wait_until

PAGE = "/hostile-page.html"


def _tables(service) -> dict:
    with sqlite3.connect(service.database) as db:
        names = [row[0] for row in db.execute("select name from sqlite_master where type = 'table'")]
        return {name: db.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}


def test_a_web_pages_fetch_xhr_and_form_post_get_nothing_and_change_nothing(emptor, site, service):
    seen = []
    original = service.recorder.wsgi_app

    def spy(environ, start_response):
        def recording(status, headers, exc_info=None):
            seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_ORIGIN", ""), status))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return original(environ, recording)

    before = _tables(service)
    body = json.dumps({"url": "https://www.aliexpress.com/item/1005001.html", "html": "<html></html>", "record": True})
    # Constructed: what any script on a page could do.
    site.routes[PAGE] = lambda: f"""<!doctype html><html><body>
<form id="form" method="post" action="{service.url}/api/v1/analyze" enctype="text/plain">
  <input name='{{"url": "https://www.aliexpress.com/item/1005001.html", "x": "' value='"}}'>
</form>
<script>
  const target = "{service.url}/api/v1/analyze";
  const outcome = {{}};
  const fetched = fetch(target, {{ method: "POST", headers: {{ "Content-Type": "application/json" }}, body: {json.dumps(body)} }})
    .then((r) => r.text().then((t) => "read " + r.status + " " + t), (e) => "refused " + e.name);
  const simple = fetch(target, {{ method: "POST", mode: "no-cors", body: {json.dumps(body)} }})
    .then((r) => "opaque " + r.type + " " + r.status, (e) => "refused " + e.name);
  const xhr = new Promise((resolve) => {{
    const request = new XMLHttpRequest();
    request.open("POST", target);
    request.setRequestHeader("Content-Type", "text/plain");
    request.onload = () => resolve("read " + request.status + " " + request.responseText);
    request.onerror = () => resolve("refused status " + request.status);
    request.send({json.dumps(body)});
  }});
  Promise.all([fetched, simple, xhr]).then(([f, s, x]) => {{
    document.documentElement.dataset.outcome = JSON.stringify({{ fetch: f, noCors: s, xhr: x }});
  }});
</script></body></html>""".encode()
    service.recorder.wsgi_app = spy
    try:
        page = emptor.new_page()
        page.goto(site.url("www.aliexpress.com", PAGE))
        page.wait_for_function("() => document.documentElement.dataset.outcome", timeout=20000)
        outcome = json.loads(page.evaluate("() => document.documentElement.dataset.outcome"))
        # The form navigates the tab to the service's answer: a refusal, which the page cannot read.
        page.evaluate("() => document.getElementById('form').submit()")
        wait_until(lambda: sum(1 for method, path, _, _ in seen if method == "POST") >= 3, "the form's POST to arrive")
    finally:
        service.recorder.wsgi_app = original
        site.routes.pop(PAGE, None)
    assert outcome["fetch"] == "refused TypeError", outcome  # CORS: no extension origin, no answer to read
    assert outcome["noCors"] == "opaque opaque 0", outcome  # sent, but its answer cannot be read
    assert outcome["xhr"] == "refused status 0", outcome
    posts = [(path, origin, status) for method, path, origin, status in seen if method == "POST"]
    assert posts and all(path == "/api/v1/analyze" and origin.startswith("http://www.aliexpress.com") and status.startswith("403")
                         for path, origin, status in posts), posts
    assert _tables(service) == before  # nothing stored
