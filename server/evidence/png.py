"""Is it a PNG? The signature and a well-formed IHDR chunk (the first chunk every PNG has,
https://www.w3.org/TR/png-3/#11IHDR), so that a screenshot saved as evidence is an image."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The bit depths each colour type allows.
_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def problem(data: bytes) -> str | None:
    """Why ``data`` is not a PNG image, in words; None when it is one."""
    if not data.startswith(SIGNATURE):
        return "it does not begin with the PNG signature"
    header = data[len(SIGNATURE): len(SIGNATURE) + 25]
    if len(header) < 25:
        return "it ends before its IHDR header"
    length, kind = struct.unpack(">I4s", header[:8])
    if kind != b"IHDR" or length != 13:
        return "its first chunk is not an IHDR header"
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", header[8:21])
    if struct.unpack(">I", header[21:25])[0] != zlib.crc32(header[4:21]):
        return "its IHDR header is damaged (wrong checksum)"
    if not (0 < width < 2**31 and 0 < height < 2**31):
        return "its IHDR header gives no size"
    if depth not in _DEPTHS.get(colour, ()) or compression or filtering or interlace > 1:
        return "its IHDR header is not one a PNG can have"
    return None
