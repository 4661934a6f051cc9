"""Saved files as people save them, made from the real fixture pages (tests/fixtures/pages/).

Each function turns a real capture into what a person ends up with on disk: a tool's log line in
front of it, UTF-16 from a Windows shell, the page's data script saved on its own, Chrome's
single-file save, a download cut short. Nothing is invented but the damage itself.
"""

from __future__ import annotations

import email.charset
import json
import re
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

LOG_LINE = "2024-05-02 10:14:03,512 INFO saver: wrote page"


def with_log_line(data: bytes, line: str = LOG_LINE) -> bytes:
    """What `tool > page.html` leaves when the tool logs to standard output before the page."""
    return (line + "\n").encode() + data


def utf16(text: str, *, bom: bool, byteorder: str = "little") -> bytes:
    """The page as a Windows shell redirection writes it (PowerShell 5's `>`: UTF-16 LE with a
    byte-order mark); without one, as some editors save "Unicode"."""
    codec = "utf-16-le" if byteorder == "little" else "utf-16-be"
    mark = {"little": b"\xff\xfe", "big": b"\xfe\xff"}[byteorder] if bom else b""
    return mark + text.encode(codec)


def data_script(html: str) -> str:
    """The page's own ``window.runParams = {…};`` statement, cut out of its script element exactly
    as the page has it (a JavaScript object whose ``data`` member is JSON)."""
    start = re.search(r"window\.runParams\s*=\s*\{", html).start()
    data = html.index("data:", start)
    _, end = json.JSONDecoder().raw_decode(html, html.index("{", data))
    return html[start : html.index("};", end) + 2] + "\n"


def cut_after_title(html: str) -> str:
    """A download that stopped right after the page's ``</title>``."""
    end = html.index("</title>") + len("</title>")
    return html[:end]


def cut_inside_data(html: str, into: int = 20_000) -> str:
    """A download that stopped ``into`` characters inside the product data script."""
    return html[: re.search(r"window\.runParams\s*=\s*\{", html).end() + into]


def cut_inside_character(data: bytes) -> bytes:
    """A download that stopped between the bytes of a character (the last non-ASCII one in the
    first half of the page)."""
    for end in range(len(data) // 2, 0, -1):
        if data[end] >= 0xC0:  # the first byte of a multi-byte UTF-8 sequence
            return data[: end + 1]
    raise ValueError("the page has no character of more than one byte")


def mhtml(html: str, address: str) -> bytes:
    """Chrome's "Webpage, Single File" save: a multipart/related message whose first part is the
    page, quoted-printable, with the address it was saved from in ``Snapshot-Content-Location``."""
    message = MIMEMultipart("related", type="text/html")
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = address
    message["Subject"] = "AliExpress"
    charset = email.charset.Charset("utf-8")
    charset.body_encoding = email.charset.QP
    page = MIMEText(html, "html", charset)
    page["Content-Location"] = address
    message.attach(page)
    style = MIMEText("body { margin: 0 }", "css")
    style["Content-Location"] = "https://assets.alicdn.com/style.css"
    message.attach(style)
    return message.as_bytes()


def without_ids(value):
    """A product feed with every product id taken out (as a scraper that keeps only what it shows
    might save it)."""
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key not in ("productId", "itemId", "productIdStr")}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def without_own_address(html: str) -> str:
    """The page without the links that name its own address (canonical, og:url, alternates)."""
    html = re.sub(r"<link[^>]+rel=\"?(?:canonical|alternate)[^>]*>", "", html, flags=re.IGNORECASE)
    return re.sub(r"<meta[^>]+property=\"?og:url[^>]*>", "", html, flags=re.IGNORECASE)
