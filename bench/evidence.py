"""Evidence packs (`make bench`): saving snapshots, exporting a pack of 100, verifying it.

A snapshot here is issue 10's: the real 2020 listing page (396 KB) with a 1280×900 screenshot
(a PNG of that size built here: varied pixel rows, so that it compresses like a real screenshot
rather than to nothing). Target: verifying a pack of 100 such snapshots in at most 1 s; saving
and exporting are reported. Figures go into docs/performance.md ("Evidence").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import machine  # noqa: E402

from server import evidence  # noqa: E402
from server.evidence import Artifact, wacz  # noqa: E402
from server.store import open_database  # noqa: E402
from tests.support.fixtures import F2020, PAGE_URLS  # noqa: E402


def screenshot(width: int = 1280, height: int = 900, seed: int = 7) -> bytes:
    """A real PNG (signature, IHDR, IDAT, IEND with their checksums) of ``width``×``height`` drawn
    like a page: a white background, a grey header, an image block with a colour gradient and
    lines of dark "text" dashes at random lengths, so that it compresses as screenshots of pages
    do (hundreds of KB), neither to nothing nor not at all."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        row = bytearray(b"\xff" * (width * 3))
        if y < 60:
            row[:] = b"\xee" * (width * 3)
        elif 100 <= y < 600:  # the product image: a gradient with noise
            for x in range(80, 620):
                row[x * 3:x * 3 + 3] = bytes(((x + y) % 256, (2 * y + rng.randrange(24)) % 256, (x * 3 // 2) % 256))
        if y % 24 in range(8, 18) and y > 100:  # text lines beside the image
            x = 680
            while x < width - 60:
                length = rng.randrange(12, 90)
                row[x * 3:(x + length) * 3] = b"\x22" * (length * 3)
                x += length + rng.randrange(6, 14)
        rows.append(b"\x00" + bytes(row))
    pixels = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=100)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    page, shot = F2020.read_bytes(), screenshot()
    print(f"machine: {machine()}\n")
    print(f"snapshot: page {len(page) // 1024} KB, screenshot 1280x900 PNG {len(shot) // 1024} KB")
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        db = open_database(data_dir / "emptor.db")
        save_ms = []
        for n in range(args.snapshots):
            start = time.perf_counter()
            # Each snapshot's page differs by a comment, as pages saved at different times do.
            evidence.save(db, data_dir, kind="listing", url=PAGE_URLS[F2020.name], product_id="32993251330",
                          artifacts=[Artifact("page.html", page + f"<!-- {n} -->".encode(), "text/html"),
                                     Artifact("screenshot-1.png", shot, "image/png")],
                          facts={"verdict": {"level": "high", "score": 72}})
            save_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        pack = wacz.export_pack(db, data_dir, data_dir / "pack.wacz", product_id="32993251330",
                                now=dt.datetime.now(dt.timezone.utc))
        export_s = time.perf_counter() - start
        size_mb = pack.path.stat().st_size / 2**20
        verify_s = []
        for _ in range(3):
            start = time.perf_counter()
            result = wacz.verify(pack.path)
            verify_s.append(time.perf_counter() - start)
            assert result.intact, result.problems
        db.close()
    save_ms.sort()
    figures = {
        "machine": machine(), "snapshots": args.snapshots, "page_kb": len(page) // 1024, "screenshot_kb": len(shot) // 1024,
        "save_p50_ms": save_ms[len(save_ms) // 2], "save_max_ms": save_ms[-1],
        "export_s": export_s, "pack_mb": size_mb, "verify_s": min(verify_s),
    }
    print(f"save one snapshot (store, fsync, chain): p50 {figures['save_p50_ms']:.1f} ms, max {figures['save_max_ms']:.1f} ms")
    print(f"export {args.snapshots} snapshots: {export_s:.2f} s, pack {size_mb:.1f} MB")
    print(f"verify the pack: {figures['verify_s']:.2f} s (best of 3; target <= 1 s for 100 snapshots)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
