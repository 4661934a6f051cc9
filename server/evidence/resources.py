"""A saved page's resources: what keeps its look when it is replayed (issue 10, "The saved page
keeps its look").

The extension fetches the listing's stylesheets and product images from the marketplace's own
CDN (extension/background/page-resources.js says which hosts, how many and how large) and
uploads each as an artifact; the record names it with the address it was fetched from (the
artifact's ``url``, server/evidence/store.py), and the pack writes it as a WARC ``response``
record at that address (server/evidence/wacz.py), so that ReplayWeb.page finds what the saved
page's ``<link rel=stylesheet>`` and ``<img src>`` name.

This module says which media types such an artifact may have, the largest of each, and whether
an image's bytes are the image its type says (a page names any address; what comes back is not
trusted).
"""

from __future__ import annotations

from urllib.parse import urlsplit

MEGABYTE = 1024 * 1024

# The largest of each type accepted (the extension keeps to the same caps). A stylesheet: the
# 2026 listing (tests/fixtures/pages/ali_1005010171981745_uk_GBP_renderedDOM_2026-07.html) links
# 19, minified, each of tens to a few hundred KB; 2 MB is room without letting a "stylesheet" be
# a page's worth of anything. An image: the CDN serves resized copies (…_220x220q75.jpg_.avif,
# …_960x960.png_.avif in that page), typically well under 1 MB; 5 MB keeps an original-size photo.
# A PNG resource falls under the screenshot's limit, image/png being one type for both.
LIMITS = {
    "text/css": 2 * MEGABYTE,
    "image/jpeg": 5 * MEGABYTE,
    "image/webp": 5 * MEGABYTE,
    "image/gif": 5 * MEGABYTE,
    "image/avif": 5 * MEGABYTE,
}
# The types a resource (an artifact with a ``url``) may have: the ones above and PNG.
MEDIA_TYPES = ("text/css", "image/jpeg", "image/png", "image/webp", "image/gif", "image/avif")


def image_problem(head: bytes, media_type: str) -> str | None:
    """Why ``head`` (the first bytes of a file, 16 or more) does not begin an image of
    ``media_type``, in words; None when it does or the type is not one checked here (PNG has
    server/evidence/png.py). The signatures: JPEG's SOI marker FF D8 FF (ITU T.81, B.1.1.3), GIF's
    "GIF87a"/"GIF89a", WebP's RIFF container with the form type "WEBP" (RFC 9649, 2.5), AVIF's
    ISO BMFF "ftyp" box with the brand "avif" or "avis" (AV1 Image File Format, 9.1)."""
    if media_type == "image/jpeg":
        return None if head.startswith(b"\xff\xd8\xff") else "it does not begin with JPEG's start-of-image marker"
    if media_type == "image/gif":
        return None if head[:6] in (b"GIF87a", b"GIF89a") else "it does not begin with GIF's signature"
    if media_type == "image/webp":
        return None if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else "it is not a RIFF file of form WEBP"
    if media_type == "image/avif":
        ok = head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis")
        return None if ok else "it does not begin with an ISO BMFF ftyp box of brand avif"
    return None


def media_type_of(data: bytes, file_name: str) -> str | None:
    """The type a stylesheet or image file saved by hand is kept as: an image by its bytes (PNG,
    JPEG, GIF, WebP, AVIF), a stylesheet by its ``.css`` name; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    for media_type in ("image/jpeg", "image/gif", "image/webp", "image/avif"):
        if image_problem(data[:64], media_type) is None:
            return media_type
    return "text/css" if file_name.lower().endswith(".css") else None


MAX_URL = 8192  # the store's limit for an address (server/evidence/store.py, MAX_TEXT)


def url_problem(url) -> str | None:
    """Why ``url`` is not the address of a resource (an absolute http(s) address with a host, at
    most MAX_URL characters), in words; None when it is one."""
    if not isinstance(url, str) or not url.strip():
        return "it must be a non-empty text"
    if len(url) > MAX_URL:
        return f"it is {len(url)} characters long; the limit is {MAX_URL}"
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return "it is not an absolute http(s) address with a host"
    return None
