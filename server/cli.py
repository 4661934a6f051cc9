"""The ``emptor`` command: serve the API, pair a browser, scan a page or address, show a product's
price history.

Exit codes (scan and history): 0 a report was produced, whatever the page status or risk; 1 the
input could not be read, is unsupported or too large, or the fetch failed (one line on
stderr); 2 a usage error (click's own).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import click

from . import config, jsontext, store
from .analysis import analyze
from .marketplaces import MARKETPLACES, Marketplace, PageInput, for_url
from .problems import Problem, TooLarge, UnreadableInput

LEVEL_COLOURS = {"low": "green", "medium": "yellow", "high": "red", "unknown": "white"}


def fail(message: str) -> None:
    click.echo(f"emptor: {message}", err=True)
    sys.exit(1)


def settings() -> dict:
    """The settings (server/config.py), or exit 1 naming the environment variable that is wrong."""
    try:
        return config.load()
    except config.BadSetting as exc:
        fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(config.version(), prog_name="emptor")
def cli():
    """emptor: let the buyer beware. A local service that explains the risks of a listing."""


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost"


@cli.command()
@click.option("--host", default=config.DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=config.DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=config.SERVE_THREADS, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
def serve(host: str, port: int, threads: int):
    """Run the local service the browser extension talks to, until Ctrl-C or SIGTERM (requests
    in flight finish first).

    \b
    Example:
        emptor serve --port 8765
    """
    from . import create_app
    from .serve import serve_forever

    allowed = settings()["ALLOWED_HOSTS"]
    if host in ("0.0.0.0", "::"):
        allowed = None
        click.echo("emptor: warning: listening on every interface; requests are accepted whatever host name they use.", err=True)
    elif allowed is not None and host.lower() not in allowed:
        allowed = [*allowed, host.lower()]
    try:
        app = create_app({"ALLOWED_HOSTS": allowed})
    except config.BadSetting as exc:  # an unreadable pairing secret
        fail(str(exc))
    click.echo(f"emptor {config.version()} on http://{host}:{port} (database {app.config['DATABASE']}); "
               "`emptor pair` prints the code that pairs a browser.", err=True)
    if not _is_loopback(host):
        click.echo(f"emptor: warning: listening on {host} exposes your shopping history to that network.", err=True)
    try:
        serve_forever(app, host, port, threads=threads)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}.")
    click.echo("emptor: stopped.", err=True)


@cli.command()
@click.option("--rotate", is_flag=True, help="Make a new code: every paired browser must be paired again.")
def pair(rotate: bool):
    """Print the code that pairs a browser's emptor extension with this service.

    Paste it into the extension's options page (Chrome and Firefox can share one code). The code
    is a secret: anyone who has it can read your price history. It never leaves this machine:
    the extension signs its requests with it instead of sending it.

    \b
    Example:
        emptor pair            # show the code
        emptor pair --rotate   # a new code; the old one stops working at once
    """
    from . import pairing

    options = settings()
    if options["TOKEN"]:
        if rotate:
            fail("EMPTOR_TOKEN sets the secret; change or unset it instead of rotating.")
        secret, where = options["TOKEN"], "EMPTOR_TOKEN"
    else:
        path = pairing.secret_file(options["DATA_DIR"])
        try:
            secret = pairing.rotate_secret(path) if rotate else pairing.read_or_create_secret(path)
        except OSError as exc:
            fail(f"cannot write the pairing secret {path}: {exc.strerror or exc}.")
        except config.BadSetting as exc:
            fail(str(exc))
        where = str(path)
    click.echo(secret)
    if rotate:
        click.echo("emptor: a new code; every browser paired before must be given it.", err=True)
    click.echo(f"emptor: paste the code above into the extension's options page (kept in {where}).", err=True)


def _read_file(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableInput("unreadable", f"cannot read {path}: {exc.strerror or exc}.") from None
    if size > limit:
        raise TooLarge(
            "file_too_large", f"{path} is {size / config.MEGABYTE:.1f} MB; the limit is {limit // config.MEGABYTE} MB."
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableInput("unreadable", f"cannot read {path}: {exc.strerror or exc}.") from None


def _text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableInput("binary_input", f"{path} is binary, not an HTML page or JSON.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableInput("not_utf8_file", f"{path} is not UTF-8 text.") from None


_JSONP_START = re.compile(r"^\s*[\w$.]+\s*\(")


def _page_from_file(path: Path, limit: int) -> tuple[PageInput, Marketplace | None]:
    text = _text(path, _read_file(path, limit))
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("{", "[")) or _JSONP_START.match(stripped):
        for marketplace in MARKETPLACES.values():
            try:
                blob = marketplace.blob_from_capture(text)
            except Problem as exc:
                raise type(exc)(exc.code, f"{path} {exc.message}") from None
            if blob is not None:
                return PageInput(blobs=[blob]), marketplace
        raise UnreadableInput(
            "unsupported_json",
            f"{path} is JSON but not a product feed emptor knows (runParams, _init_data_, an mtop response "
            "or a saved window._d_c_). A review feed goes with --reviews.",
        )
    return PageInput(html=text), None


def _history_loader(path: Path):
    """Judge a page against what the history database recorded, when there is one (read only:
    scanning without --record creates nothing)."""
    if not path.exists():
        return None

    def load(marketplace: str, product_id: str):
        db = store.connect(path)
        try:
            return store.load_history(db, marketplace, product_id)
        finally:
            db.close()

    return load


def _review_pages(files, limit: int) -> list:
    pages = []
    for name in files:
        path = Path(name)
        text = _text(path, _read_file(path, limit))
        if text.lstrip().startswith("<"):
            pages.append(text)  # the retired review HTML page
            continue
        try:
            pages.append(jsontext.loads(text))
        except jsontext.NotJSON as exc:
            raise UnreadableInput("not_json_file", f"review file {path} is not valid JSON: {exc}.") from None
    return pages


def _review_fetcher(fetcher):
    """Fetch the first review feed pages of a listing; a failed page ends the attempt, not the scan."""

    def fetch(marketplace: Marketplace, listing) -> tuple[list, list[dict]]:
        pages, errors = [], []
        for feed_url in marketplace.review_feed_urls(listing, config.REVIEW_PAGES_TO_FETCH):
            try:
                pages.append(fetcher.get(feed_url).text)
            except Problem as exc:
                errors.append({"code": "reviews", "message": exc.message})
                break
        return pages, errors

    return fetch


@cli.command()
@click.argument("path_or_url")
@click.option(
    "--reviews", "review_files", multiple=True, type=click.Path(dir_okay=False), help="A saved review feed page (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--record", is_flag=True, help="Add the prices of an address fetched now to the history (not of a saved page).")
def scan(path_or_url: str, review_files, as_json: bool, record: bool):
    """Analyse a saved listing page (.html), a saved product feed (.json) or an https address.

    \b
    Examples:
        emptor scan page.html
        emptor scan https://www.aliexpress.com/item/1005003568989271.html --json
        emptor scan page.html --reviews reviews-page-1.json
        emptor scan https://www.aliexpress.com/item/1005003568989271.html --record

    A saved page is judged at the time it was saved, when it says, and never recorded: a date
    written in a page proves nothing, and the history must hold only what was seen.
    """
    is_address = path_or_url.startswith(("http://", "https://"))
    if record and not is_address:
        raise click.UsageError("--record adds only pages fetched now (emptor scan https://…) to the history, "
                               "never a saved page, whose date cannot be checked.")
    options = settings()
    database, limit = Path(options["DATABASE"]), options["MAX_REQUEST_BYTES"]
    try:
        now = dt.datetime.now(dt.timezone.utc)
        review_pages = _review_pages(review_files, limit)
        load_history = _history_loader(database)
        if is_address:
            from .fetch import make_fetcher

            for_url(path_or_url)  # refuse other sites before any network traffic
            with make_fetcher(host_map=options["TEST_HOST_MAP"]) as fetcher:
                fetched = fetcher.get(path_or_url)
                # After a redirect (aliexpress.com → aliexpress.us) the final address names the
                # site, and so the country and the id form the page was rendered for.
                page = PageInput(url=fetched.final_url, html=fetched.text, review_pages=review_pages)
                result = analyze(page, now=now, fetch_reviews=None if review_pages else _review_fetcher(fetcher),
                                 load_history=load_history)
        else:
            page, marketplace = _page_from_file(Path(path_or_url), limit)
            page.review_pages.extend(review_pages)
            result = analyze(page, now=now, marketplace=marketplace, load_history=load_history, capture="saved")
        if record and result.extraction.status == "ok":
            db = store.open_configured(options)
            try:
                store.record(db, result.extraction.listing, now)
            finally:
                db.close()
    except Problem as exc:
        fail(exc.message)
    if as_json:
        click.echo(json.dumps(result.report, ensure_ascii=False, indent=2))
    else:
        _print_report(result.report)


def _print_report(report: dict) -> None:
    listing, page, verdict = report["listing"], report["page"], report["verdict"]
    shown = listing.get("product_id_shown")
    ident = listing.get("product_id") or "unknown product"
    if shown and shown != ident:
        ident += f" (shown as {shown})"
    click.echo(click.style(f"{listing['marketplace']} {ident}", bold=True))
    if listing.get("title"):
        click.echo(listing["title"])
    details = ", ".join(
        filter(
            None,
            [
                page["generation"] and f"generation {page['generation']}",
                page["captured_at"] and f"captured {page['captured_at']}",
            ],
        )
    )
    click.echo(f"Page: {page['status']}" + (f" ({details})" if details else ""))
    level = verdict["level"]
    score = "no score" if verdict["score"] is None else f"score {verdict['score']}"
    click.echo(click.style(f"Verdict: {level.upper()} risk, {score}", fg=LEVEL_COLOURS[level], bold=True))
    if page["explanation"]:
        click.echo(page["explanation"])
    for title, findings in (("Risks", report["findings"]), ("Reasons to trust", report["trust"])):
        if findings:
            click.echo(f"\n{title}:")
            for f in findings:
                sign = f"{f['weight']:+d}"
                click.echo(f"  {sign:>4} {f['code']} [{f['severity']}/{f['confidence']}] {f['message']}")
    missing = report["coverage"]["missing"]
    if page["status"] == "ok":
        found = len(report["coverage"]["found"])
        click.echo(
            f"\nCoverage: {found} of {found + len(missing)} fields found"
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    for error in report["errors"]:
        click.echo(click.style(f"Error in {error['code']}: {error['message']}", fg="red"), err=True)


@cli.command()
@click.argument("product_id")
@click.option("--marketplace", default="aliexpress", show_default=True, type=click.Choice(sorted(MARKETPLACES)))
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON.")
def history(product_id: str, marketplace: str, as_json: bool):
    """Show every price recorded for a product (the global id or the id a site shows)."""
    global_id = MARKETPLACES[marketplace].global_product_id(product_id)
    if global_id is None:
        raise click.BadParameter(f"{product_id!r} is not a product id (digits only).", param_hint="PRODUCT_ID")
    db = store.open_configured(settings())
    try:
        series = store.prices.series(db, marketplace, global_id)
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps({"marketplace": marketplace, "product_id": global_id, "series": series}, indent=2))
        return
    if not series:
        click.echo(f"No prices recorded for {marketplace} {global_id}.")
        return
    click.echo(f"{'observed at':20}  {'variant':18}  {'ctry':4}  {'price':>10}  {'original':>10}")
    for row in series:
        original = "" if row["original_price"] is None else f"{row['original_price']:.2f}"
        click.echo(
            f"{row['observed_at']:20}  {row['sku_id'] or '(listing)':18}  {row['country'] or '':4}  "
            f"{row['price']:>7.2f} {row['currency'] or '':3}  {original:>10}"
        )


@cli.group("autostart")
def autostart_group():
    """Start the service when you log in: a systemd user unit (Linux), a launchd agent (macOS)
    or a scheduled task (Windows) that runs this emptor's `serve` (server/autostart.py).

    \b
    Example:
        emptor autostart install   # starts now and at every login
        emptor autostart status
        emptor autostart remove
    """


def _autostart(action: str) -> None:
    from . import autostart

    try:
        lines = getattr(autostart, action)()
    except autostart.AutostartError as exc:
        fail(str(exc))
    for line in lines:
        click.echo(line)


@autostart_group.command("install")
def autostart_install():
    """Write the login entry for this emptor (with EMPTOR_DATA_DIR and the other non-secret
    settings set now) and start the service. Running it again updates the entry."""
    _autostart("install")


@autostart_group.command("remove")
def autostart_remove():
    """Stop the service and delete the login entry; says so when there is none."""
    _autostart("remove")


@autostart_group.command("status")
def autostart_status():
    """Say whether the login entry exists, whether it is current, and whether the service runs."""
    _autostart("status")


def main() -> None:
    cli()
