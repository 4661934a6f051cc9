"""The ``emptor`` command: serve the API, pair a browser, scan a page or address, show a product's
price history, keep evidence for a dispute (``emptor evidence``: exit 0 done or intact, 1 bad input
or a problem found, 2 a usage error).

Exit codes (scan and history): 0 a report was produced, whatever the page status or risk; 1 the
input could not be read, is unsupported or too large, or the fetch failed (one line on
stderr, naming the file or argument at fault); 2 a usage error (click's own).

What the command prints is for a person: the service's words for its request fields ("the html
field", ``data[0]``, ``reviews[1]``) become the file and arguments given here (:func:`_in_cli_words`,
the one place), and the report is said in words with units (``--json`` prints it as it is).
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import email.policy
import errno
import html as htmllib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from heuristics.phrasing import money

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


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}
_NOT_HERE = {errno.EADDRNOTAVAIL, getattr(errno, "WSAEADDRNOTAVAIL", errno.EADDRNOTAVAIL)}
_DENIED = {errno.EACCES, getattr(errno, "WSAEACCES", errno.EACCES)}


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    """Why ``emptor serve`` could not listen, and what to do: another port, or the emptor that
    already answers there."""
    other = port + 1 if port < 65535 else port - 1
    instead = f"start this one on another port (emptor serve --port {other}, or make run PORT={other})"
    if exc.errno in _IN_USE:
        version = _emptor_answering(host, port)
        if version:
            return f"emptor {version} is already running on http://{_url_host(host)}:{port}; use it, or {instead}."
        return f"port {port} on {host} is in use by another program; {instead}."
    if exc.errno in _NOT_HERE:
        return f"{host} is not an address of this machine, so emptor cannot listen on it; leave out --host for 127.0.0.1."
    if exc.errno in _DENIED:
        return f"this user may not listen on port {port} of {host}; {instead}."
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}."


def _emptor_answering(host: str, port: int) -> str | None:
    """The version of the emptor answering on the port, or None for any other program (its open
    health check says so; one short try, as it only words an error)."""
    import httpx

    probe = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    try:
        answer = httpx.get(f"http://{_url_host(probe)}:{port}/api/v1/health", timeout=1.0)
        health = answer.json()
    except (httpx.HTTPError, ValueError):
        return None
    if isinstance(health, dict) and health.get("service") == "emptor":
        return str(health.get("version") or "")
    return None


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
    everywhere = host in ("0.0.0.0", "::")
    if everywhere:
        allowed = None
    elif allowed is not None and host.lower() not in allowed:
        allowed = [*allowed, host.lower()]
    try:
        app = create_app({"ALLOWED_HOSTS": allowed})
    except config.BadSetting as exc:  # an unreadable pairing secret
        fail(str(exc))

    def listening() -> None:
        # Said only once the port is bound: "on http://…" before a failed bind would claim a
        # service that never ran.
        click.echo(f"emptor {config.version()} on http://{_url_host(host)}:{port} (database {app.config['DATABASE']}); "
                   "`emptor pair` prints the code that pairs a browser.", err=True)
        if everywhere:
            click.echo("emptor: warning: listening on every interface; requests are accepted whatever host name they use.",
                       err=True)
        if not _is_loopback(host):
            click.echo(f"emptor: warning: listening on {host} exposes your shopping history to that network.", err=True)

    try:
        serve_forever(app, host, port, threads=threads, listening=listening)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        fail(_cannot_listen(host, port, exc))
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


# --- saved files, as people save them ----------------------------------------------------------
#
# A page saved by hand is not always the page as served: a tool's log line or a byte-order mark
# before the markup, UTF-16 from a Windows shell, the page's data script on its own, a single-file
# (MHTML) save, a download cut short. What can be read is read; what was skipped or is missing is
# said in the report's errors (code "file"), so that a partial reading never passes for a whole one.

_SNIFF_BYTES = 4096  # where a file's encoding shows
_SNIFF_CHARS = 64 * 1024  # how far a file's content is looked for: a longer preamble is no stray line
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# A few bytes that are not text in a page of megabytes (a Latin-1 byte in a pasted line) are read
# as U+FFFD; more than one in a thousand means the file is not in the encoding tried.
_BAD_BYTES_PER_THOUSAND = 1
_DECLARED_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_MHTML = re.compile(rb"^content-type:\s*multipart/related", re.IGNORECASE | re.MULTILINE)

# Where a file's content starts, and what it is: markup anywhere on a line (so a log prefix on the
# same line is skipped too), JSON, JSONP or a script at the start of a line. The leftmost match
# wins, so a feed whose strings hold markup is still a feed. A log line in brackets
# ("[2024-01-01 12:00] saved") is not JSON: JSON opens an object with a key, or an array with a
# string, object or array.
_CONTENT = re.compile(
    r"(?P<html><(?:(?:!doctype|\?xml|html|head|body|meta|title|script|link|style|div)\b|!--))"
    r"|^[ \t\ufeff]*(?:"
    r"(?P<json>\{\s*[\"}]|\[\s*[\[{\"\]])"
    r"|(?P<jsonp>[\w$.]+\(\s*[{\[])"
    r"|(?P<script>(?:var|let|const)\s+[\w$]+\s*=|[\w$.]+\s*=\s*[{\[]|//|/\*)"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
# The reader for a file whose content says nothing clear: its extension's, else HTML's (whose
# refusal, "not HTML", is the most useful for a file that is nothing emptor reads).
_KIND_OF_SUFFIX = {".json": "json", ".js": "script"}
_WHITESPACE = " \t\r\n\ufeff"


@dataclass
class _Scan:
    """What ``emptor scan`` is reading, and the names its input goes by in messages: the API's
    fields (``html``, ``data[0]``, ``reviews[1]``) are this command's file and arguments."""

    name: str  # the file as typed, or the address
    is_file: bool
    url_given: bool = False
    review_names: list[str] = field(default_factory=list)
    page: PageInput = field(default_factory=PageInput)
    marketplace: Marketplace | None = None
    notes: list[str] = field(default_factory=list)  # what of the file was skipped
    cut: str | None = None  # where the file was cut off, when it was

    def review_name(self, index: int) -> str:
        if index < len(self.review_names):
            return self.review_names[index]
        return f"review feed page {index + 1}"


def _quote(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip(_WHITESPACE)), "")
    return f'"{first if len(first) <= 60 else first[:57] + "…"}"'


def _stray_note(name: str, stray: str) -> str:
    lines = [line for line in stray.splitlines() if line.strip(_WHITESPACE)]
    what = "a line that is" if len(lines) <= 1 else f"{len(lines)} lines that are"
    return f"{name} starts with {what} not part of the page ({_quote(stray)}); skipped."


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: markup is mostly ASCII, so every other byte is 0."""
    pairs = len(head) // 2
    if pairs < 16:
        return None
    even, odd = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    if odd > pairs * 0.3 and even < pairs * 0.02:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < pairs * 0.02:
        return "utf-16-be"
    return None


def _declared_encoding(data: bytes) -> str | None:
    """The encoding a page's markup declares (``<meta charset>``), when Python knows it."""
    match = _DECLARED_CHARSET.search(data[:_SNIFF_CHARS])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _decode(name: str, data: bytes, notes: list[str]) -> tuple[str, bool]:
    """The file's text, and whether it ends inside a character (so was cut off there). UTF-8 first
    (a page declaring another encoding is UTF-8 more often than not when it decodes as such), then
    UTF-16 by its byte-order mark or its zero bytes, then the encoding the markup declares."""
    head = data[:_SNIFF_BYTES]
    encoding = None
    for bom, codec in _UTF16_BOMS:
        at = head.find(bom)
        # At the start, or after a line a tool wrote in UTF-8 before a UTF-16 page (PowerShell).
        if at == 0 or (at > 0 and head[at - 1 : at] == b"\n" and b"\x00" not in head[:at]):
            if data[:at].strip():
                notes.append(_stray_note(name, data[:at].decode("utf-8", "replace")))
            data, encoding = data[at + len(bom) :], codec
            break
    encoding = encoding or _utf16_without_bom(head)
    if encoding is None and b"\x00" in head:
        raise UnreadableInput("binary_input", f"{name} is binary, not an HTML page or JSON.")
    failure = None
    for codec in dict.fromkeys(filter(None, [encoding] if encoding else ["utf-8", _declared_encoding(data)])):
        try:
            return data.decode(codec).lstrip("\ufeff"), False
        except UnicodeDecodeError as exc:
            if exc.end >= len(data) and exc.reason in ("unexpected end of data", "truncated data"):
                return data[: exc.start].decode(codec).lstrip("\ufeff"), True
            failure = failure or exc
    codec = encoding or "utf-8"
    text = data.decode(codec, "replace")
    bad = text.count("\ufffd")
    if bad * 1000 > max(len(data), 1000) * _BAD_BYTES_PER_THOUSAND:
        raise UnreadableInput(
            "not_utf8_file",
            f"{name} is not UTF-8 text (byte {failure.start:,} is not) and declares no encoding emptor reads.",
        )
    notes.append(
        f"{name} holds {bad} byte{'s' if bad != 1 else ''} that {'are' if bad != 1 else 'is'} not "
        f"{codec.upper()} text (the first at byte {failure.start:,}); read as \ufffd."
    )
    return text.lstrip("\ufeff"), False


def _mhtml(data: bytes) -> tuple[bytes, str | None] | None:
    """The page inside a single-file save (Chrome's "Webpage, Single File", .mhtml): its HTML part,
    decoded from quoted-printable, and the address the browser saved it from."""
    if not _MHTML.search(data[:_SNIFF_BYTES]):
        return None
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            try:
                codec = codecs.lookup(part.get_content_charset() or "utf-8").name
            except LookupError:
                codec = "utf-8"  # a charset Python does not know: the bytes are read as UTF-8 or not at all
            if codec != "utf-8":
                payload = payload.decode(codec, "replace").encode("utf-8")
            location = str(message.get("Snapshot-Content-Location") or part.get("Content-Location") or "")
            return payload, location if location.startswith(("https://", "http://")) else None
    return None


def _title_at_end(html: str, lowered: str) -> str | None:
    """The text of the page's title when nothing but whitespace follows its end tag: found from
    the last "<title", not by a search that would rescan to the end once per "<title" in the file."""
    end = lowered.rfind("</title")
    start = lowered.rfind("<title", 0, end) if end != -1 else -1
    close = lowered.find(">", end)
    if start == -1 or close == -1 or lowered[close + 1:].strip():
        return None
    opened = lowered.find(">", start, end)
    return html[opened + 1:end] if opened != -1 else None


def _cut_html(name: str, html: str) -> str | None:
    """Where a page that opened ``<html>`` and never closed it was cut off, in the reader's words."""
    if not re.search(r"<html\b", html[:_SNIFF_CHARS], re.IGNORECASE) or re.search(r"</html\s*>", html, re.IGNORECASE):
        return None
    lowered = html.lower()
    open_script = lowered.rfind("<script")
    data = open_script > lowered.rfind("</script") and next(
        (var for marketplace in MARKETPLACES.values() for var in _page_variables(marketplace)
         if re.search(rf"(?<![\w$]){re.escape(var)}\s*=", html[open_script:])), None)
    if data:
        where = f"inside the script that holds the page's product data ({data}), which cannot be read in part"
    elif title := _title_at_end(html, lowered):
        where = f"right after the page's title ({_quote(htmllib.unescape(title))})"
    elif "</head" not in lowered:
        where = "inside the page's head, before the listing"
    else:
        where = "inside the page's body"
    return f"{name} is cut off {where}: it ends without the page's closing </html>, so only the part before the cut was read."


def _cut_code(name: str, text: str, what: str) -> str | None:
    """A feed or script that ends mid-value: JSON and JavaScript end with a bracket or a semicolon."""
    if text.rstrip(_WHITESPACE).endswith(("}", "]", ")", ";")):
        return None
    return f"{name} is cut off: it ends in the middle of its {what}, after {len(text):,} characters."


def _page_variables(marketplace: Marketplace) -> list[str]:
    """The page variables a marketplace reads (runParams, _init_data_), as opposed to its feeds."""
    return [source for source in marketplace.blob_sources if re.fullmatch(r"[\w$]+", source)]


def _read_script(scan: _Scan, script: str) -> None:
    """A page's data script saved on its own (``window.runParams = {…};``): read as the script it
    was in the page, by the marketplace whose page variable it sets, so that it is read exactly as
    the same script inside a page is."""
    for marketplace in MARKETPLACES.values():
        if any(re.search(rf"(?<![\w$]){re.escape(var)}\s*=\s*[{{\[]", script) for var in _page_variables(marketplace)):
            scan.page.html = f"<script>\n{script}\n</script>"
            scan.marketplace = marketplace
            scan.cut = _cut_code(scan.name, script, "script")
            return
    known = ", ".join(var for marketplace in MARKETPLACES.values() for var in _page_variables(marketplace))
    raise UnreadableInput(
        "unsupported_script", f"{scan.name} is JavaScript, but it sets none of the page variables emptor reads ({known})."
    )


def _feed_blob(text: str):
    for marketplace in MARKETPLACES.values():
        blob = marketplace.blob_from_capture(text)
        if blob is not None:
            return blob, marketplace
    return None


def _json_end(text: str) -> int | None:
    """Where a JSON value at the start of ``text`` ends, when more than space follows it."""
    try:
        _, end = jsontext.raw_decode(text, 0)
    except jsontext.NotJSON:
        return None
    return end if text[end:].strip(_WHITESPACE) else None


def _read_feed(scan: _Scan, text: str) -> None:
    """A saved product feed (runParams, _init_data_, an mtop answer, window._d_c_), recognised by
    the marketplace that reads it; a log line written after it is skipped like one before."""
    try:
        found = _feed_blob(text)
    except Problem as exc:
        end = _json_end(text)
        if end is None:
            scan.cut = _cut_code(scan.name, text, "JSON")
            # The marketplace says what is wrong ("is not valid JSON…"); the file is its subject.
            raise type(exc)(exc.code, f"{scan.cut} JSON cut short cannot be read at all." if scan.cut
                            else f"{scan.name} {exc.message}") from None
        scan.notes.append(f"{scan.name} goes on after its JSON ends ({_quote(text[end:])}); skipped.")
        found = _feed_blob(text[:end])
    if found is None:
        raise UnreadableInput(
            "unsupported_json",
            f"{scan.name} is JSON but not a product feed emptor knows (runParams, _init_data_, an mtop response "
            "or a saved window._d_c_). A review feed goes with --reviews.",
        )
    blob, scan.marketplace = found
    scan.page.blobs.append(blob)


def _read_saved(scan: _Scan, path: Path, limit: int) -> None:
    """Read a saved page, feed or script by its content; its extension decides only when the
    content does not (which reader's refusal a file that is none of them gets)."""
    data = _read_file(path, limit)
    single_file = _mhtml(data)
    if single_file is not None:
        data, location = single_file
        scan.page.url = scan.page.url or location
    text, cut_in_character = _decode(scan.name, data, scan.notes)
    match = _CONTENT.search(text, 0, _SNIFF_CHARS)
    kind = match.lastgroup if match else _KIND_OF_SUFFIX.get(path.suffix.lower(), "html")
    start = match.start(kind) if match else 0
    if text[:start].strip(_WHITESPACE):
        scan.notes.insert(0, _stray_note(scan.name, text[:start]))
    text = text[start:]
    if cut_in_character:
        scan.cut = f"{scan.name} is cut off in the middle of a character, after {len(text):,} characters."
    if kind in ("json", "jsonp"):
        _read_feed(scan, text)
    elif kind == "script":
        _read_script(scan, text)
    else:
        scan.page.html = text
        scan.cut = _cut_html(scan.name, text) or scan.cut


# --- the API's words, as this command's --------------------------------------------------------

# A field path a message may quote, with the source name the service adds ("data[0] (runParams)").
_DATA_FIELD = re.compile(r"data\[(\d+)\](?:\.source)?(?: \([^)]*\))?")
_REVIEWS_FIELD = re.compile(r"reviews\[(\d+)\]")
# Where a message points into a format ("(expected data.evaViewList)", "(no .feedback-item)"):
# a path or a CSS class, which says nothing to the person who saved the file.
_FORMAT_HINT = re.compile(r" \((?:expected [\w.]+|no \.[\w-]+)\)")
_OTHER_PRODUCT = re.compile(r"(?:describes|names) product (\d+), not (?:the page's product )?(\d+)")
_NO_PRODUCT = re.compile(r"names no product, not the page's product (\d+)")


def _in_cli_words(code: str, message: str, scan: _Scan) -> str:
    """A message from the analysis, a marketplace or a report's errors, in this command's terms:
    the file (or the address) for ``html`` and ``data[i]``, the review file for ``reviews[i]``,
    --url for the address a request carries, and what to do about it. The one place the CLI
    rewrites the service's words (tests/test_cli_words.py has a case for each)."""
    name = scan.name
    fixed = {
        "empty_html": f"{name} is empty.",
        "binary_input": f"{name} is binary data, not a saved page.",
        "not_html": f"{name} is not HTML, nor a product feed or page script emptor knows: it has no markup in its first 4 KB.",
        "no_url": f"{name} does not name its own address (no canonical link or og:url), so emptor cannot tell which "
        "listing it is; give the address it was saved from with --url.",
    }
    if code in fixed:
        return fixed[code]
    if scan.is_file:
        message = _file_words(code, message, scan)
    message = _DATA_FIELD.sub(lambda _: name, message)  # a function: a Windows path's backslashes stay as they are
    message = _REVIEWS_FIELD.sub(lambda match: scan.review_name(int(match.group(1))), message)
    return _FORMAT_HINT.sub("", message)


def _file_words(code: str, message: str, scan: _Scan) -> str:
    """What the service says of "the page" and "the page's product", said of a saved file and of
    the address it came with (--url, or the one a single-file save records)."""
    name = scan.name
    whose = "the product --url names" if scan.url_given else "the product of the address it was saved from"
    if code == "no_product_id":
        if scan.url_given:
            nor = ", nor does the address given with --url"
        elif scan.page.html is not None:  # a page: its address would name the product
            nor = ", nor an address with one (give the address it was saved from with --url)"
        else:  # a feed: only its data could name the product
            nor = ""
        return f"{name} names no product id{nor}, so emptor cannot tell which listing it describes; it was not judged."
    if code in ("html", "data") and (other := _OTHER_PRODUCT.search(message)):
        verb = "'s own address names" if code == "html" else " describes"
        return f"{name}{verb} product {other.group(1)}, not {other.group(2)}, {whose}; its content was ignored."
    if code == "data" and (none := _NO_PRODUCT.search(message)):
        return f"{name} names no product id, so it cannot be taken for {none.group(1)}, {whose}; it was ignored."
    if code == "unsupported_site":  # the site the page names as its own
        return re.sub(r"^(\S+) is not", lambda match: f"{name} is a page of {match.group(1)}, which is not", message)
    for subject, said in (("The page's ", f"{name}'s "), ("The page ", f"{name} ")):
        if message.startswith(subject):
            return said + message[len(subject) :]
    return message


def _check_url_option(url: str) -> None:
    """--url must be an address of a marketplace emptor reads (a usage error otherwise: nothing
    has been read yet)."""
    try:
        for_url(url)
    except Problem as exc:
        if exc.code == "bad_url":
            raise click.BadParameter(f"{url!r} is not an address; give the page's https://… address.",
                                     param_hint="--url") from None
        raise click.BadParameter(exc.message, param_hint="--url") from None


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


def _review_pages(job: _Scan, limit: int) -> list:
    """The saved review feed pages (--reviews), each decoded like a saved page: UTF-16 and a stray
    line before the content are read; the feed's own reader refuses what is not a feed page."""
    pages = []
    for name in job.review_names:
        text, _ = _decode(name, _read_file(Path(name), limit), job.notes)
        match = _CONTENT.search(text, 0, _SNIFF_CHARS)
        if match and text[: match.start(match.lastgroup)].strip(_WHITESPACE):
            job.notes.append(_stray_note(name, text[: match.start(match.lastgroup)]))
            text = text[match.start(match.lastgroup) :]
        if text.lstrip(_WHITESPACE).startswith("<"):
            pages.append(text)  # the retired review HTML page
            continue
        try:
            pages.append(jsontext.loads(text))
        except jsontext.NotJSON as exc:
            raise UnreadableInput("not_json_file", f"review file {name} is not valid JSON: {exc}.") from None
    return pages


def _review_fetcher(fetcher, job: _Scan):
    """Fetch the first review feed pages of a listing; a failed page ends the attempt, not the scan."""

    def fetch(marketplace: Marketplace, listing) -> tuple[list, list[dict]]:
        pages, errors = [], []
        for feed_url in marketplace.review_feed_urls(listing, config.REVIEW_PAGES_TO_FETCH):
            try:
                pages.append(fetcher.get(feed_url).text)
                job.review_names.append(f"the review feed page {feed_url}")
            except Problem as exc:
                errors.append({"code": "reviews", "message": exc.message})
                break
        return pages, errors

    return fetch


@cli.command()
@click.argument("path_or_url")
@click.option("--url", "page_url", metavar="ADDRESS",
              help="The address a saved page was saved from, for a page that does not name its own.")
@click.option(
    "--reviews", "review_files", multiple=True, type=click.Path(dir_okay=False), help="A saved review feed page (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--record", is_flag=True, help="Add the prices of an address fetched now to the history (not of a saved page).")
def scan(path_or_url: str, page_url: str | None, review_files, as_json: bool, record: bool):
    """Analyse a saved listing (a page, .html or .mhtml; a product feed, .json; the page's data
    script, .js) or an https address.

    \b
    Examples:
        emptor scan page.html
        emptor scan https://www.aliexpress.com/item/1005003568989271.html --json
        emptor scan page.html --reviews reviews-page-1.json
        emptor scan cut-short.html --url https://www.aliexpress.com/item/1005003568989271.html
        emptor scan https://www.aliexpress.com/item/1005003568989271.html --record

    A file is read by what it holds (UTF-8 or UTF-16; a log line before or after it is skipped;
    a file cut short is read as far as it goes), and what was not read is listed under "Left out
    of the verdict". A saved page is judged at the time it was saved, when it says, and never
    recorded: a date written in a page proves nothing, and the history must hold only what was seen.
    """
    is_address = path_or_url.startswith(("http://", "https://"))
    if record and not is_address:
        raise click.UsageError("--record adds only pages fetched now (emptor scan https://…) to the history, "
                               "never a saved page, whose date cannot be checked.")
    if page_url is not None:
        if is_address:
            raise click.UsageError("--url names the address of a saved file; an address to fetch is given on its own.")
        _check_url_option(page_url)
    options = settings()
    database, limit = Path(options["DATABASE"]), options["MAX_REQUEST_BYTES"]
    job = _Scan(name=path_or_url, is_file=not is_address, url_given=page_url is not None,
                 review_names=list(review_files), page=PageInput(url=page_url))
    try:
        now = dt.datetime.now(dt.timezone.utc)
        review_pages = _review_pages(job, limit)
        load_history = _history_loader(database)
        if is_address:
            from .fetch import make_fetcher

            for_url(path_or_url)  # refuse other sites before any network traffic
            with make_fetcher(host_map=options["TEST_HOST_MAP"]) as fetcher:
                fetched = fetcher.get(path_or_url)
                # After a redirect (aliexpress.com → aliexpress.us) the final address names the
                # site, and so the country and the id form the page was rendered for.
                job.page = PageInput(url=fetched.final_url, html=fetched.text, review_pages=review_pages)
                fetch_reviews = None if review_pages else _review_fetcher(fetcher, job)
                result = analyze(job.page, now=now, fetch_reviews=fetch_reviews, load_history=load_history)
        else:
            _read_saved(job, Path(path_or_url), limit)
            job.page.review_pages.extend(review_pages)
            result = analyze(job.page, now=now, marketplace=job.marketplace, load_history=load_history, capture="saved")
        # What of the files was not read is part of the report, with what else was left out.
        notes = [*job.notes, *([job.cut] if job.cut else [])]
        result.report["errors"][:0] = [{"code": "file", "message": note} for note in notes]
        if record and result.extraction.status == "ok":
            db = store.open_configured(options)
            try:
                store.record(db, result.extraction.listing, now)
            finally:
                db.close()
    except Problem as exc:
        message = _in_cli_words(exc.code, exc.message, job)
        # A file cut short explains most refusals ("names no address": the part that names it is gone).
        fail(message if not job.cut or job.cut in message else f"{message} {job.cut}")
    if as_json:
        click.echo(json.dumps(result.report, ensure_ascii=False, indent=2))
    else:
        _print_report(result.report, job)


# --- the report in words -------------------------------------------------------------------------
#
# The human output shows no JSON, field paths or internal names (--json is for programs): statuses,
# coverage fields and evidence are said in words, money with two decimals and its currency after
# it. The tables are the CLI's: the report carries the names only (docs/api.md), and the
# extension, which reads the report, has its own view (extension/lib/verdict-view.js).

STATUS_WORDS = {
    "ok": "read",
    "blocked": "blocked by a robot check",
    "not_found": "item removed",
    "no_data": "no product data",
    "not_product": "not a product listing",
}

# Every field of server/report.py's COVERAGE_FIELDS, as the shopper would name it, in the words
# of the extension's panel (extension/lib/labels.js, COVERAGE): tests/test_cli_words.py fails when
# a field is added to the report and not here, or when the two tables say different things.
COVERAGE_LABELS = {
    "title": "title",
    "locale.country": "ship-to country",
    "locale.currency": "currency",
    "locale.language": "language",
    "price.min": "price",
    "price.original_min": "original price",
    "variants": "variants",
    "shipping": "shipping options",
    "specs": "specifications",
    "seller.name": "store name",
    "seller.store_id": "store number",
    "seller.positive_rate": "store's positive feedback",
    "seller.feedback_count": "number of store ratings",
    "seller.followers": "store followers",
    "seller.opened": "store opening date",
    "seller.top_rated": "top-rated seller mark",
    "rating.average": "average rating",
    "rating.count": "number of ratings",
    "rating.histogram": "ratings by stars",
    "orders": "number of orders",
    "badges.choice": "Choice badge",
    "badges.free_return": "free returns",
    "badges.buyer_protection_days": "buyer protection",
    "badges.delivery_guarantee": "delivery guarantee",
    "image_keys": "photos",
}


@dataclass(frozen=True)
class Said:
    """How one evidence value is said: its label, the kind of value (which gives its unit) and
    any words after it."""

    label: str
    kind: str = "plain"
    suffix: str = ""


# Each name the rules give their evidence (docs/rules.md, "Evidence"), in the panel's words
# (extension/lib/labels.js, EVIDENCE). None hides a name whose value another already says (the
# currency is said with each price) or that means nothing to a shopper (AliExpress's value ids);
# tests/test_cli_words.py fails when a rule gives a name that is not here.
EVIDENCE: dict[str, Said | None] = {
    # the seller
    "positive_rate": Said("positive feedback", "percent"),
    "feedback_count": Said("store ratings", "count"),
    "followers": Said("store followers", "count"),
    "opened": Said("store opened", "date"),
    "age_days": Said("store age", "days"),
    "judged_on": Said("judged on", "date"),
    "top_rated": Said("top-rated seller", "yes/no"),
    "store_name": Said("store", "text"),
    "threshold": Said("threshold"),
    "threshold_days": Said("threshold", "days"),
    # shipping
    "shipping_cost": Said("shipping", "money"),
    "item_price": Said("item price", "money"),
    "method": Said("shipping method", "text"),
    "tracked": Said("tracked", "yes/no"),
    "estimate_days": Said("estimated delivery", "days"),
    "max_days": Said("longest delivery time shown", "days"),
    "delivery_date": Said("delivery date shown", "date"),
    "ships_from": Said("ships from", "text"),
    "more_than_item": Said("costs more than the item", "yes/no"),
    "free_over": Said("ships free on orders from", "money"),
    "country": Said("ship-to country", "text"),
    "options": Said("delivery options", "count"),
    "deliverable_options": Said("options that can deliver", "count"),
    # protection and badges
    "choice": Said("AliExpress Choice", "yes/no"),
    "free_return": Said("free returns", "yes/no"),
    "buyer_protection_days": Said("buyer protection", "days"),
    "days": Said("days", "days"),
    "by_date": Said("delivery guaranteed by", "date"),
    "compensation": Said("compensation if late", "text"),
    # counterfeit and misleading listings
    "title_words": Said("words in the title", "quoted"),
    "condition_name": Said("specification", "text"),
    "condition_value": Said("condition given", "text"),
    "condition_value_id": None,
    "words": Said("copy words found", "by place"),
    "brands": Said("brands named", "list"),
    "compatible_with": Said("named as what it fits", "list"),
    "variant": Said("variant", "text"),
    "claimed_tb": Said("claimed capacity", "plain", "TB"),
    "price": Said("price", "money"),
    "usd_per_tb": Said("price per terabyte", "usd"),
    "threshold_usd_per_tb": Said("genuine storage costs at least", "usd", "per terabyte"),
    "usd_per_unit": Said("exchange rate", "rate"),
    "rates_date": Said("exchange rates of", "date"),
    "changes": Said("what changed", "changes"),
    "last_seen": Said("last seen", "date"),
    "reviews": Said("reviews", "count"),
    # price
    "original_price": Said("\u201cwas\u201d price", "money"),
    "current_price": Said("price now", "money"),
    "discount_percent": Said("discount claimed", "percent"),
    "highest_recorded": Said("highest recorded price", "money"),
    "history_days": Said("price history", "days"),
    "observations": Said("prices recorded", "count"),
    "since": Said("recorded since", "date"),
    "price_before_rise": Said("price before the rise", "money"),
    "before_rise_on": Said("before the rise, on", "date"),
    "raised_to": Said("raised to", "money"),
    "raised_on": Said("raised on", "date"),
    "window_days": Said("period checked", "days"),
    "recorded_low": Said("lowest recorded price", "money"),
    "low_on": Said("lowest on", "date"),
    "product": Said("genuine product", "text"),
    "matched": Said("matched in the title", "quoted"),
    "price_paid": Said("price with shipping", "money"),
    "shipping": Said("shipping", "money"),
    "usd": Said("in US dollars", "usd"),
    "genuine_floor_usd": Said("genuine one sells from", "usd"),
    "share_of_floor": Said("share of the genuine price", "share"),
    "floor_source": Said("genuine price from", "text"),
    "sku_id": None,
    "variant_price": Said("variant price", "money"),
    "variants_at_price": Said("variants at that price", "list"),
    "accessory_words": Said("accessory words", "quoted"),
    "items_median_price": Said("median price of the other items", "money"),
    "items_compared": Said("items compared", "count"),
    "next_cheapest": Said("next cheapest", "money"),
    "next_cheapest_variant": Said("next cheapest variant", "text"),
    "median_variant_price": Said("median variant price", "money"),
    "quantity": Said("pieces", "count"),
    "unit_price": Said("price per piece", "money"),
    "lowest_other_unit_price": Said("lowest price per piece of the others", "money"),
    "currency": None,
    # reviews (the review tests' evidence, which their findings repeat)
    "basis": Said("based on", "basis"),
    "count": Said("ratings counted", "count"),
    "shares": Said("ratings by stars", "stars split"),
    "pattern": Said("pattern", "text"),
    "with_text": Said("reviews with text", "count"),
    "duplicated": Said("copied texts", "count"),
    "groups": Said("groups of copies", "count"),
    "largest_group": Said("largest group", "count"),
    "compared_pairs": Said("pairs compared", "count"),
    "dated": Said("dated reviews", "count"),
    "per_day": Said("usual rate", "plain", "a day"),
    "burst_limit": Said("busy-day limit", "reviews"),
    "burst_days": Said("busy days", "by day"),
    "short_or_stock": Said("short or stock texts", "count"),
    "top_country": Said("most reviews from", "text"),
    "countries": Said("reviews by country", "by country"),
    "viewer_country": Said("page shown for", "text"),
    "with_country": Said("reviews naming a country", "count"),
    "follow_ups": Said("follow-ups", "count"),
    "negative": Said("follow-ups reporting a problem", "count"),
    "examples": Said("examples", "examples"),
    "substantive": Said("reviews long enough to check", "count"),
    "mentioning_title": Said("mentioning the title", "count"),
    "variant_match_share": Said("bought a variant still listed", "share"),
    "without_text": Said("stars without text", "count"),
    "selected_by_aliexpress": Said("chosen by AliExpress", "count"),
    "imported_from_other_sites": Said("imported from other sites", "count"),
    "ai_generated": Said("marked AI-written", "count"),
    "anonymous": Said("anonymous", "count"),
    "imported_or_generated_share": Said("imported or AI-written", "share"),
    "shown_rating": Said("rating shown", "stars"),
    "adjusted_rating": Said("adjusted rating", "stars"),
    "drop": Said("drop", "stars"),
    "rests_on": Said("reviews it rests on", "count"),
    "strength": Said("strength of the evidence", "text"),
    "share": Said("share", "share"),
    # what a reason to trust answers (heuristics/scoring.py): the risks it offsets, and by how much
    "offsets": Said("offsets", "list"),
    "covers": Said("answers", "list"),
    "limited_from": Said("its full weight", "plain"),
}
# Where one rule means something more precise by a name (a threshold is a percentage, a count of
# ratings or a number of days), as the panel says it (extension/lib/labels.js, EVIDENCE_BY_RULE).
EVIDENCE_BY_RULE: dict[tuple[str, str], Said] = {
    ("SEL001", "threshold"): Said("flagged below", "percent"),
    ("SEL002", "threshold"): Said("flagged below", "ratings"),
    ("SEL003", "threshold_days"): Said("flagged when younger than", "days"),
    ("SEL004", "threshold"): Said("flagged below", "followers"),
    ("SHP001", "share"): Said("shipping adds", "share", "to the price"),
    ("SHP003", "basis"): Said("estimate from", "basis"),
    ("SHP003", "threshold_days"): Said("flagged above", "days"),
    ("PRT003", "threshold"): Said("counts from", "days"),
    ("PRT004", "days"): Said("delivery guaranteed within", "days"),
    ("PRT004", "threshold_days"): Said("counts up to", "days"),
    ("PRC004", "threshold"): Said("flagged below", "share", "of the genuine price"),
    ("PRC005", "threshold"): Said("flagged below", "share", "of the others' price"),
    ("CNT005", "reviews"): Said("reviews kept", "count"),
    ("REV002", "share"): Said("share copied", "share"),
    ("REV003", "days"): Said("period covered", "days"),
    ("REV003", "share"): Said("share on busy days", "share"),
    ("REV004", "share"): Said("share short or stock", "share"),
    ("REV005", "share"): Said("share from that country", "share"),
    ("REV007", "share"): Said("share mentioning the title", "share"),
    ("REV007", "title_words"): Said("title words compared", "count"),
    ("REV008", "reviews"): Said("reviews read", "count"),
    ("REV008", "share"): Said("share without text", "share"),
    ("REV009", "reviews"): Said("reviews read", "count"),
    ("REV010", "threshold"): Said("flagged from a drop of", "stars"),
}
# SHP003 says which figure its delivery estimate rests on by the figure's field name.
BASIS_WORDS = {"delivery_date": "the delivery date shown", "max_days": "the longest delivery time shown"}
_TEXT_LIMIT = 80
_LEGEND = ("Each reason shows what it adds to the score (+) or takes off (-), its rule, and "
           "[severity/confidence]: how much it matters, and how sure emptor is of it.")


def _plural(count, unit: str) -> str:
    return f"{_number(count)} {unit}" if count == 1 else f"{_number(count)} {unit}s"


def _number(value) -> str:
    """Thousands separated, at most two decimals, none when whole: 1528 → "1,528", 2.25 → "2.25"."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


def _short(text) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def _moment(text) -> str:
    """A stored timestamp ("2022-12-20T18:36:11Z") as "2022-12-20 18:36 UTC"; a date as it is."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?Z", str(text))
    return f"{match.group(1)} {match.group(2)} UTC" if match else str(text)


# Numbers by kind: each says its unit. Money is written as the rules write it (heuristics/phrasing.py):
# with its currency's decimals (3.80 USD, 1,500 JPY) and the code after it.
_NUMBER_WORDS = {
    "money": lambda value, evidence: money(value, evidence.get("currency")),
    "usd": lambda value, evidence: money(value, "USD"),
    "rate": lambda value, evidence: f"{value:g} USD per {evidence.get('currency') or 'unit'}",
    "percent": lambda value, evidence: f"{_number(value)}%",
    "share": lambda value, evidence: f"{value:.0%}",
    "days": lambda value, evidence: _plural(value, "day"),
    "reviews": lambda value, evidence: _plural(value, "review"),
    "ratings": lambda value, evidence: _plural(value, "rating"),
    "followers": lambda value, evidence: _plural(value, "follower"),
    "stars": lambda value, evidence: f"{value:g} star" + ("" if value == 1 else "s"),
    "count": lambda value, evidence: _number(value),
    "plain": lambda value, evidence: _number(value),
}
# Collections by kind, each said as a sentence would.
_STRUCTURE_WORDS = {
    ("stars split", dict): lambda value: ", ".join(
        f"{stars} stars {share:.0%}" for stars, share in sorted(value.items(), reverse=True) if isinstance(share, (int, float))
    ),
    ("by day", dict): lambda value: ", ".join(f"{key} ({_plural(count, 'review')})" for key, count in value.items()),
    ("by country", dict): lambda value: ", ".join(f"{key} ({_plural(count, 'review')})" for key, count in value.items()),
    ("by place", dict): lambda value: "; ".join(
        f"in the {place}: {', '.join(_quoted(word) for word in words)}" for place, words in value.items()
        if isinstance(words, list)
    ),
    ("quoted", list): lambda value: ", ".join(_quoted(item) for item in value),
    ("examples", list): lambda value: "; ".join(_example(item) for item in value if isinstance(item, dict)),
    ("changes", dict): lambda value: "; ".join(
        _change(what, change) for what, change in value.items() if isinstance(change, dict)
    ),
}


def _quoted(text) -> str:
    return f"\u201c{_short(text)}\u201d"


def _value(kind: str, value, evidence: dict) -> str:
    """One evidence value in words, by its kind; a value of another shape than its kind expects
    is still said plainly."""
    if kind == "yes/no" or isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and kind in _NUMBER_WORDS:
        return _NUMBER_WORDS[kind](value, evidence)
    if kind == "date":
        return _moment(value)
    if kind == "basis":
        return BASIS_WORDS.get(value, _short(value))
    if kind == "quoted" and isinstance(value, str):
        return _quoted(value)
    for (structure, shape), words in _STRUCTURE_WORDS.items():
        if kind == structure and isinstance(value, shape):
            return words(value)
    return _plain(value)


def _plain(value) -> str:
    """Any other value in words: lists joined, objects as "name value" pairs, never as JSON."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{str(key).replace('_', ' ')} {_plain(item)}" for key, item in value.items())
    return _short(value)


def _example(item: dict) -> str:
    said = []
    if isinstance(item.get("rating"), (int, float)):
        said.append(f"{item['rating']:g} star" + ("" if item["rating"] == 1 else "s"))
    if isinstance(item.get("days_later"), int):
        said.append(f"{_plural(item['days_later'], 'day')} later")
    return _quoted(item.get("text", "")) + (f" ({', '.join(said)})" if said else "")


def _change(what: str, change: dict) -> str:
    if what == "images":
        return f"photos: {change.get('shared')} kept of {change.get('was')} before, {change.get('now')} now"
    text = f"{'store' if what == 'seller' else what} before {_quoted(change.get('was'))}, now {_quoted(change.get('now'))}"
    if isinstance(change.get("similarity"), (int, float)):
        text += f" ({change['similarity']:.0%} of the words in common)"
    return text


def evidence_in_words(code: str, evidence: dict) -> str:
    """A finding's evidence as "label: value" pairs with their units, in the order the rule gave
    them; a name no table knows is still said in words ("largest_group" as "largest group")."""
    parts = []
    for name, value in evidence.items():
        if value is None or value == [] or value == {}:
            continue  # not shown on the page: the message says what the rule had
        said = EVIDENCE_BY_RULE.get((code, name)) or EVIDENCE.get(name, Said(name.replace("_", " ")))
        if said is None:
            continue
        words = _value(said.kind, value, evidence)
        parts.append(f"{said.label}: {words}" + (f" {said.suffix}" if said.suffix else ""))
    return "; ".join(parts)


def _generation(generation: str) -> str:
    layout = re.fullmatch(r"dom-(\d{4})", generation)
    return f"from the rendered page, {layout.group(1)} layout" if layout else f"data format {generation}"


def _print_report(report: dict, job: _Scan) -> None:
    _print_heading(report)
    if report["findings"] or report["trust"]:
        click.echo(f"\n{_LEGEND}")
    for title, findings in (("Risks", report["findings"]), ("Reasons to trust", report["trust"])):
        if findings:
            click.echo(f"\n{title}:")
            for f in findings:
                sign = f"{f['weight']:+d}" if f["weight"] else "0"  # a protection with nothing to offset adds nothing
                click.echo(f"  {sign:>4} {f['code']} [{f['severity']}/{f['confidence']}] {f['message']}")
                evidence = evidence_in_words(f["code"], f["evidence"])
                if evidence:
                    click.echo(f"       Evidence: {evidence}")
    missing = report["coverage"]["missing"]
    if report["page"]["status"] == "ok":
        found = len(report["coverage"]["found"])
        click.echo(f"\nFound {found} of the {found + len(missing)} details emptor looks for."
                   + (f" Not found on this page: {', '.join(coverage_label(name) for name in missing)}." if missing else ""))
    if report["errors"]:
        click.echo("\nLeft out of the verdict:")
        for error in report["errors"]:
            click.echo(click.style(f"  {_error_in_words(error, job)}", fg="red"))


def _print_heading(report: dict) -> None:
    """What was read (the product, its title, how the page was read) and the verdict."""
    listing, page, verdict = report["listing"], report["page"], report["verdict"]
    # The marketplace as `emptor history --marketplace` names it, and the id that command takes.
    shown = listing.get("product_id_shown")
    ident = listing.get("product_id") or "unknown product"
    if shown and shown != ident:
        ident += f" (shown as {shown})"
    click.echo(click.style(f"{listing['marketplace']} {ident}", bold=True))
    if listing.get("title"):
        click.echo(listing["title"])
    details = ", ".join(filter(None, [
        page["generation"] and _generation(page["generation"]),
        page["captured_at"] and f"served {_moment(page['captured_at'])}",
    ]))
    click.echo(f"Page: {STATUS_WORDS.get(page['status'], page['status'].replace('_', ' '))}"
               + (f" ({details})" if details else ""))
    level = verdict["level"]
    if verdict["score"] is None:
        headline = "Verdict: not judged" if level == "unknown" else f"Verdict: {level.upper()} risk, no score"
    else:
        headline = f"Verdict: {level.upper()} risk, score {verdict['score']}"
    click.echo(click.style(headline, fg=LEVEL_COLOURS.get(level, "white"), bold=True))
    # The status's general sentence, unless an error below says more precisely why the page was
    # not judged ("has not loaded its product data yet" is not what a feed without ids means).
    if page["explanation"] and not any(error["code"] == "no_product_id" for error in report["errors"]):
        click.echo(page["explanation"])


def coverage_label(name: str) -> str:
    return COVERAGE_LABELS.get(name) or name.rsplit(".", 1)[-1].replace("_", " ")


def _error_in_words(error: dict, job: _Scan) -> str:
    if re.fullmatch(r"[A-Z]{3}\d{3}", error["code"]):
        return f"rule {error['code']} failed, so it was not applied: {error['message']}"
    return _in_cli_words(error["code"], error["message"], job)


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



# --- evidence ---------------------------------------------------------------------------------


@cli.group("evidence")
def evidence_group():
    """Keep pages and screenshots as dispute evidence: stored as they are in the data directory,
    private to you, each record chained to the one before by its SHA-256 so that a change shows
    (server/evidence/store.py; docs/privacy.md, "Evidence").

    \b
    Example:
        emptor evidence save --url https://www.aliexpress.com/item/1005005939875273.html \\
            --page listing.html --screenshot listing.png
        emptor evidence list
        emptor evidence check
        emptor evidence export --product 1005005939875273 -o dispute.wacz
        emptor evidence verify dispute.wacz
        emptor evidence delete --order 8123456789012345
    """


def _evidence_settings() -> tuple[dict, object]:
    options = settings()
    return options, store.open_configured(options)


def _listing_product(url: str) -> str | None:
    """The global product id of an AliExpress listing address, or None for any other address."""
    from .marketplaces.aliexpress import hosts

    host = hosts.host_or_none(url)
    if not host or not hosts.is_site_host(host):
        return None
    return hosts.global_product_id(hosts.product_id_from_url(url))


def _evidence_file(path: Path, limit: int, what: str) -> bytes:
    try:
        data = _read_file(path, limit)
    except Problem as exc:
        fail(exc.message if exc.code != "file_too_large" else f"{exc.message[:-1]} for {what}.")
    if not data:
        fail(f"{path} is empty.")
    return data


@evidence_group.command("save")
@click.option("--url", required=True, metavar="ADDRESS", help="The address the page was saved from (http or https).")
@click.option("--page", "page", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The page as saved by the browser (HTML; at most 16 MB).")
@click.option("--screenshot", "screenshots", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A PNG screenshot of the page (at most 25 MB); repeat for several.")
@click.option("--kind", type=click.Choice(["listing", "order", "tracking", "messages"]), default="listing",
              show_default=True, help="What the page is.")
@click.option("--order", "order_id", metavar="ID", help="The order the page concerns.")
@click.option("--product", "product_id", metavar="ID",
              help="The product the page concerns (taken from --url when it is a listing's address).")
@click.option("--no-redact", is_flag=True,
              help="Keep your name, address, phone and e-mail in an order or tracking page (redacted by default).")
@click.option("--resource", "page_resources", multiple=True, metavar="URL FILE",
              type=(str, click.Path(dir_okay=False, path_type=Path)),
              help="A stylesheet (.css, at most 2 MB) or image (JPEG, PNG, GIF, WebP or AVIF, at most 5 MB) of the "
                   "page and the address the page loads it from, so that the pack replays the page with its look; "
                   "repeat for several.")
def evidence_save(url: str, page: Path, screenshots: tuple[Path, ...], kind: str, order_id, product_id, no_redact: bool,
                  page_resources: tuple[tuple[str, Path], ...]):
    """Save a page you saved by hand (and its screenshots) as evidence; prints the record's id.

    The page is kept as it is (text/html), except that in an order or tracking page your name,
    street address, phone numbers and e-mail are replaced by "[redacted: …]" unless --no-redact
    (server/evidence/redact.py); each screenshot must be a PNG image. Limits: 16 MB for the page,
    25 MB for each screenshot. Each --resource URL FILE keeps a stylesheet or image of the page
    with the address the page loads it from, which the pack replays it at.
    """
    from . import evidence
    from .evidence import png, redact

    from_url = _listing_product(url)
    if product_id is not None:
        product_id = _global_product(product_id)
        if from_url and from_url != product_id:
            raise click.BadParameter(f"the address is of product {from_url}, not {product_id}.", param_hint="--product")
    if order_id is not None and not re.fullmatch(r"[0-9A-Za-z-]{1,64}", order_id):
        raise click.BadParameter(f"{order_id!r} is not an order id.", param_hint="--order")
    page_bytes = _evidence_file(page, evidence.MAX_PAGE_BYTES, "a page")
    facts = {"source": "emptor evidence save"}
    if kind in redact.REDACTED_PAGES:
        try:
            text = page_bytes.decode("utf-8-sig")
        except UnicodeDecodeError:
            if not no_redact:
                fail(f"{page} is not UTF-8 text, so emptor cannot find your personal data in it to redact; "
                     "save the page as UTF-8, or give --no-redact.")
            text = None
        if text is not None:
            redacted, found = redact.redact_page(text, kind, redact=not no_redact)
            page_bytes = redacted.encode("utf-8")
            facts["redaction"] = redact.redaction_facts(found, redacted=not no_redact)
    artifacts = [evidence.Artifact("page.html", page_bytes, "text/html")]
    for number, path in enumerate(screenshots, 1):
        data = _evidence_file(path, evidence.MAX_SCREENSHOT_BYTES, "a screenshot")
        wrong = png.problem(data)
        if wrong:
            fail(f"{path} is not a PNG image: {wrong}; take the screenshot as PNG.")
        artifacts.append(evidence.Artifact(f"screenshot-{number}.png", data, "image/png"))
    artifacts += _page_resources(page_resources)
    options, db = _evidence_settings()
    try:
        record = evidence.save(db, options["DATA_DIR"], kind=kind, url=url, artifacts=artifacts,
                               product_id=product_id or from_url, order_id=order_id, facts=facts)
    except evidence.EvidenceError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the evidence in {options['DATA_DIR']}: {exc.strerror or exc}.")
    finally:
        db.close()
    click.echo(record["id"])
    click.echo(f"emptor: saved {_plural(len(artifacts), 'file')} as {kind} evidence (sha256 chain {record['hash'][:12]}…).",
               err=True)


def _page_resources(given: tuple[tuple[str, Path], ...]) -> list:
    """``--resource URL FILE`` pairs as artifacts carrying their address (server/evidence/resources.py)."""
    from . import evidence
    from .evidence import resources

    artifacts, numbers = [], {"style": 0, "image": 0}
    for url, path in given:
        why = resources.url_problem(url)
        if why:
            raise click.BadParameter(f"{url[:200]!r} is not the address of a stylesheet or image: {why}.",
                                     param_hint="--resource")
        data = _evidence_file(path, evidence.MAX_SCREENSHOT_BYTES, "a stylesheet or image")
        media_type = resources.media_type_of(data, path.name)
        if media_type is None:
            fail(f"{path} is neither a stylesheet (a .css file) nor a JPEG, PNG, GIF, WebP or AVIF image.")
        limit = resources.LIMITS.get(media_type, evidence.MAX_SCREENSHOT_BYTES)
        if len(data) > limit:
            fail(f"{path} is {len(data) / evidence.MEGABYTE:.1f} MB; the limit for {media_type} is "
                 f"{limit // evidence.MEGABYTE} MB.")
        kind = "style" if media_type == "text/css" else "image"
        numbers[kind] += 1
        suffix = "css" if kind == "style" else media_type.split("/")[1].replace("jpeg", "jpg")
        artifacts.append(evidence.Artifact(f"{kind}-{numbers[kind]}.{suffix}", data, media_type, url))
    return artifacts


def _global_product(product_id: str) -> str:
    global_id = MARKETPLACES["aliexpress"].global_product_id(product_id)
    if global_id is None:
        raise click.BadParameter(f"{product_id!r} is not a product id (digits only).", param_hint="--product")
    return global_id


@evidence_group.command("list")
def evidence_list():
    """List the evidence saved: id, kind, when, product or order, and how many files."""
    from . import evidence

    _options, db = _evidence_settings()
    try:
        saved = evidence.records(db)
    finally:
        db.close()
    live = [record for record in saved if record["kind"] != "tombstone"]
    if not live:
        click.echo("No evidence saved.")
    else:
        click.echo(f"{'id':32}  {'kind':8}  {'captured':20}  {'product / order':28}  files")
        for record in live:
            about = " / ".join(filter(None, (record["product_id"], record["order_id"] and f"order {record['order_id']}")))
            click.echo(f"{record['id']:32}  {record['kind']:8}  {record['captured_at']:20}  {about or '-':28}  "
                       f"{len(record['artifacts'])}")
    deleted = len(saved) - len(live)
    if deleted:
        click.echo(f"({_plural(deleted, 'deleted record')} kept in the chain as tombstones.)")


@evidence_group.command("delete")
@click.argument("record_id", required=False, metavar="[ID]")
@click.option("--order", "order_id", metavar="ID", help="Delete every record of this order.")
@click.option("--all", "everything", is_flag=True, help="Delete all the evidence.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def evidence_delete(record_id, order_id, everything: bool, yes: bool):
    """Delete one record (ID, or the first 8+ characters of it), an order's records (--order) or
    everything (--all): their files are removed and each record leaves a tombstone (its id and
    hash, nothing else) so that the chain still verifies."""
    from . import evidence

    if sum((record_id is not None, order_id is not None, everything)) != 1:
        raise click.UsageError("name one record (ID), one order (--order ID) or --all.")
    options, db = _evidence_settings()
    try:
        try:
            chosen = evidence.select(db, record_id=record_id, order_id=order_id, everything=everything)
        except evidence.EvidenceError as exc:
            fail(str(exc))
        if not chosen:
            click.echo("No evidence to delete.")
            return
        what = (f"record {chosen[0]['id']}" if record_id is not None
                else f"the {_plural(len(chosen), 'record')} of order {order_id}" if order_id is not None
                else f"all {_plural(len(chosen), 'evidence record')}")
        if not yes:
            click.confirm(f"Delete {what} and {'its' if len(chosen) == 1 else 'their'} files?", abort=True, err=True)
        try:
            deleted = evidence.delete(db, options["DATA_DIR"], [record["id"] for record in chosen])
        except OSError as exc:
            fail(f"cannot remove the evidence files in {options['DATA_DIR']}: {exc.strerror or exc}.")
    finally:
        db.close()
    click.echo(f"Deleted {_plural(len(deleted), 'record')}; {'its' if len(deleted) == 1 else 'their'} tombstones keep the chain.")


@evidence_group.command("check")
def evidence_check():
    """Verify the evidence: every record's hash, every link of the chain, every file's SHA-256
    and size. Exit 0 when intact, 1 naming every problem."""
    from . import evidence

    options, db = _evidence_settings()
    try:
        saved = evidence.records(db)
        problems = evidence.verify(db, options["DATA_DIR"])
    finally:
        db.close()
    if problems:
        for problem in problems:
            click.echo(problem)
        fail(f"the evidence is not intact: {_plural(len(problems), 'problem')} (above).")
    live = [record for record in saved if record["kind"] != "tombstone"]
    files = sum(len(record["artifacts"]) for record in live)
    tombstones = len(saved) - len(live)
    kept = f", {_plural(tombstones, 'tombstone')}" if tombstones else ""
    click.echo(f"Evidence intact: {_plural(len(live), 'record')}, {_plural(files, 'file')}{kept}.")


@evidence_group.command("export")
@click.option("--product", "product_id", metavar="ID", help="Export the evidence saved for this product.")
@click.option("--order", "order_id", metavar="ID", help="Export an order's evidence and the listings saved for its products.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The pack to write (a .wacz file; ReplayWeb.page opens it).")
def evidence_export(product_id, order_id, output: Path):
    """Export a signed evidence pack (WACZ: the saved pages as web-archive records, the screenshots,
    an offline report at report/index.html, and the chain's hashes), for one product or one order."""
    from .evidence import EvidenceError, wacz

    if (product_id is None) == (order_id is None):
        raise click.UsageError("name one product (--product ID) or one order (--order ID).")
    options, db = _evidence_settings()
    try:
        pack = wacz.export_pack(db, options["DATA_DIR"], output, product_id=product_id, order_id=order_id)
    except (EvidenceError, wacz.PackError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}.")
    finally:
        db.close()
    click.echo(f"Wrote {pack.path}: {_plural(pack.records, 'record')}, {_plural(pack.artifacts, 'file')}, "
               f"signed {pack.created} by the key {pack.fingerprint}.")


@evidence_group.command("verify")
@click.argument("pack", type=click.Path(dir_okay=False, path_type=Path))
def evidence_verify(pack: Path):
    """Verify an evidence pack: every file's hash and size, no file unlisted, the signature, the
    chain and every record and file in it. Exit 0 when intact, 1 naming every file or record that
    fails. The signature proves the pack unchanged since the key signed it, at that computer's
    clock: it is not a trusted timestamp."""
    from .evidence import wacz

    if not pack.is_file():
        fail(f"{pack} does not exist or is not a file.")
    try:
        result = wacz.verify(pack)
    except wacz.PackError as exc:
        fail(str(exc))
    if not result.intact:
        for problem in result.problems:
            click.echo(problem)
        fail(f"{pack} is not intact: {_plural(len(result.problems), 'problem')} (above).")
    click.echo(f"{pack} is intact: {_plural(result.records, 'record')}, signed {result.created} by the key "
               f"{result.fingerprint}.")


@cli.group("rules")
def rules_group():
    """The extension's tracker-blocking and clean-link rules (docs/privacy.md, "Tracker blocking")."""


@rules_group.command("build")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when the committed files differ from a build.")
def rules_build(check: bool):
    """Build the extension's rulesets (extension/rules/) and server/data/trackers/trackers.tsv from
    the data in server/data/trackers/, and print the build log (counts per category and ruleset)."""
    from . import trackers

    try:
        result = trackers.build()
    except (trackers.RulesProblem, OSError) as exc:
        fail(str(exc))
    click.echo(result.log, nl=False)
    if check:
        stale = [name for name, content in result.files.items()
                 if not (trackers.ROOT / name).is_file() or (trackers.ROOT / name).read_text(encoding="utf-8") != content]
        if stale:
            fail(f"stale: {', '.join(stale)}; run `emptor rules build`.")
        click.echo("The committed rules are what the build makes.")
        return
    changed = trackers.write(result)
    click.echo(f"Wrote {', '.join(changed)}." if changed else "Nothing changed.")


@rules_group.command("import")
@click.argument("list_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The rules file to write, for the extension's options page (Import blocking rules).")
@click.option("--max-rules", default=5000, show_default=True, type=click.IntRange(1, 30000),
              help="At most this many rules: Firefox takes 5,000 dynamic rules, Chrome 121+ 30,000.")
def rules_import(list_file: Path, output: Path, max_rules: int):
    """Convert an Adblock Plus / EasyPrivacy-style filter list (or a hosts file) to blocking rules the
    extension loads as dynamic rules; every line that cannot be converted is counted, with why."""
    from . import trackers

    try:
        # EasyPrivacy is about 2 MB (2026): 32 MB leaves room for the largest lists in use.
        data = _read_file(list_file, 32 * config.MEGABYTE)
        text = data.decode("utf-8-sig")
    except Problem as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"{list_file} is not UTF-8 text (byte {exc.start}): a filter list is plain text.")
    result = trackers.import_filter_list(text, limit=max_rules)
    if not result.rules:
        click.echo(result.summary())
        fail(f"{list_file} holds no filter that the browser's blocking rules can express; nothing written.")
    try:
        output.write_text(trackers.imported_document(result, list_file.name), encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}.")
    click.echo(result.summary())
    click.echo(f"Wrote {output}: open emptor's options page, Import blocking rules, and choose it.")


@cli.command("check-domain")
@click.argument("domain")
@click.option("--json", "as_json", is_flag=True, help="Print the answer GET /api/v1/domain-check gives.")
def check_domain(domain: str, as_json: bool):
    """Say whether DOMAIN (a host name, such as aliexpress.com.deals.top) imitates an official
    AliExpress domain, and why.

    Exit status: 0 not a lookalike (or an official domain), 1 a lookalike, 2 not a host name (an
    address, an IP address, spaces…: the message says what to give instead).

    \b
    Example:
        emptor check-domain aliexpress-sale.shop
    """
    import json

    from . import domains

    try:
        verdict = domains.check(domain)
    except domains.BadDomain as exc:
        raise click.UsageError(exc.message) from None
    if as_json:
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
    elif verdict.lookalike:
        click.echo(f"{verdict.unicode}: a lookalike of {verdict.imitates}. This is not AliExpress.")
        for reason in verdict.reasons:
            click.echo(f"  {reason.code}: {reason.message}")
    else:
        said = "an official domain" if verdict.official else "not a lookalike of an official AliExpress domain"
        click.echo(f"{verdict.unicode}: {said}.")
    sys.exit(1 if verdict.lookalike else 0)


def main() -> None:
    cli()
