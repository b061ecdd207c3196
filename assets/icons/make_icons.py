#!/usr/bin/env python3
"""Write UrbanChallenge's neutral favicons and app icons (standard library only).

GOV.UK Frontend's favicons, app icons and mask icon show the crown, which a
service off service.gov.uk must not use. These replace them: white "UC" on
GOV.UK blue (#1d70b8). One geometry, in a 32 x 32 design grid, drives both the
SVGs and the rasterised PNG/ICO files so they always match.

Usage: make_icons.py OUT_DIR   (writes into OUT_DIR, normally
urbanchallenge/static/images). Output is deterministic.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

BLUE = (0x1D, 0x70, 0xB8)
WHITE = (0xFF, 0xFF, 0xFF)

# Design grid: 32 x 32 units. Letters are strokes 3 units wide with butt caps.
STROKE = 3.0
HALF = STROKE / 2
TOP = 9.25  # top of both letters
BOTTOM = 22.75  # bottom of both letters (outer edge)
# "U": two stems joined by a half circle
U_LEFT, U_RIGHT = 5.1, 12.6  # stroke centre lines of the stems
U_R = (U_RIGHT - U_LEFT) / 2
U_CX = (U_LEFT + U_RIGHT) / 2
U_CY = BOTTOM - HALF - U_R
# "C": an arc open on the right, from +40 degrees round to -40 degrees
C_CX, C_CY = 23.35, 16.0
C_R = (BOTTOM - C_CY) - HALF
C_OPEN = 40.0  # half-angle of the opening, degrees

# Maskable icons keep their content inside the central 80% circle.
MASKABLE_SCALE = 0.72


def _n(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _c_end(sign: int) -> tuple[float, float]:
    a = math.radians(C_OPEN)
    return C_CX + C_R * math.cos(a), C_CY + sign * C_R * math.sin(a)


def letters_path() -> str:
    """SVG path data (stroked, not filled) for the two letters."""
    cx1, cy1 = _c_end(-1)
    cx2, cy2 = _c_end(+1)
    return (
        f"M{_n(U_LEFT)} {_n(TOP)}V{_n(U_CY)}"
        f"A{_n(U_R)} {_n(U_R)} 0 0 0 {_n(U_RIGHT)} {_n(U_CY)}V{_n(TOP)}"
        f"M{_n(cx1)} {_n(cy1)}"
        f"A{_n(C_R)} {_n(C_R)} 0 1 0 {_n(cx2)} {_n(cy2)}"
    )


def favicon_svg() -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        "<title>UrbanChallenge</title>"
        '<path fill="#1d70b8" d="M0 0h32v32H0z"/>'
        f'<path fill="none" stroke="#fff" stroke-width="{_n(STROKE)}" d="{letters_path()}"/>'
        "</svg>\n"
    )


def mask_svg() -> str:
    # Safari pinned-tab icon: one colour, black, transparent background.
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<path fill="none" stroke="#000" stroke-width="{_n(STROKE)}" d="{letters_path()}"/>'
        "</svg>\n"
    )


def inside_letters(x: float, y: float) -> bool:
    """Whether design-grid point (x, y) is covered by a letter stroke."""
    # U stems
    if TOP <= y <= U_CY and (abs(x - U_LEFT) <= HALF or abs(x - U_RIGHT) <= HALF):
        return True
    # U bowl: lower half of a ring
    if y >= U_CY and abs(math.hypot(x - U_CX, y - U_CY) - U_R) <= HALF:
        return True
    # C: a ring minus the wedge on the right
    if abs(math.hypot(x - C_CX, y - C_CY) - C_R) <= HALF:
        angle = math.degrees(math.atan2(y - C_CY, x - C_CX))
        if abs(angle) >= C_OPEN:
            return True
    return False


def render(size: int, scale: float = 1.0, samples: int = 6) -> list[list[tuple[int, int, int]]]:
    """Rasterise the icon at size x size pixels with samples^2 supersampling."""
    unit = 32.0 / size
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * unit
                    y = (py + (sy + 0.5) / samples) * unit
                    # undo the scale about the centre
                    x = 16 + (x - 16) / scale
                    y = 16 + (y - 16) / scale
                    if inside_letters(x, y):
                        hits += 1
            cover = hits / (samples * samples)
            row.append(tuple(round(b + (w - b) * cover) for b, w in zip(BLUE, WHITE, strict=True)))
        rows.append(row)
    return rows


def png_bytes(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico_bytes(sizes: list[int]) -> bytes:
    """A .ico with one 32-bit BMP image per size (widest browser support)."""
    images = []
    for size in sizes:
        pixels = render(size)
        header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
        xor = b"".join(bytes((b, g, r, 0xFF)) for row in reversed(pixels) for (r, g, b) in row)
        mask_row = ((size + 31) // 32) * 4  # 1 bit per pixel, rows padded to 32 bits
        and_mask = b"\x00" * (mask_row * size)  # fully opaque
        images.append((size, header + xor + and_mask))

    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        dim = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in images)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "favicon.svg").write_text(favicon_svg(), encoding="utf-8")
    (out / "icon-mask.svg").write_text(mask_svg(), encoding="utf-8")
    (out / "favicon.ico").write_bytes(ico_bytes([16, 32, 48]))
    (out / "icon-180.png").write_bytes(png_bytes(render(180)))
    for size in (192, 512):
        pixels = render(size, scale=MASKABLE_SCALE, samples=4)
        (out / f"icon-{size}.png").write_bytes(png_bytes(pixels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
