"""Draw the app icons (static/icons/*.png) from the favicon's shapes (static/favicon.svg),
without an image library: a signed-distance rasteriser and a PNG writer from the standard
library. Run it after changing the favicon: `python scripts/make_icons.py`.

- icon-<size>.png: the rounded square, as the favicon;
- maskable-<size>.png: a full square whose drawing keeps inside the 80 % safe zone, for
  launchers that cut their own shape;
- apple-touch-icon.png: full square, 180 px (iOS rounds the corners itself).
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "static" / "icons"
BLUE = (0x1F, 0x6F, 0xEB)
WHITE = (0xFF, 0xFF, 0xFF)
# The favicon's drawing on its 32-unit grid: two wheels and the frame, 2.5 units wide.
STROKE = 1.25
RINGS = ((9.5, 20.0, 5.0), (22.5, 20.0, 5.0))
SEGMENTS = (
    ((9.5, 20.0), (16.0, 10.0)),
    ((16.0, 10.0), (22.5, 20.0)),
    ((12.5, 10.0), (19.5, 10.0)),
)


Point = tuple[float, float]


def _segment_distance(px: float, py: float, a: Point, b: Point) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _drawing_distance(x: float, y: float) -> float:
    """Distance (in grid units) from the point to the white strokes' edge (< 0: inside)."""
    d = min(abs(math.hypot(x - cx, y - cy) - r) for cx, cy, r in RINGS)
    d = min([d, *(_segment_distance(x, y, a, b) for a, b in SEGMENTS)])
    return d - STROKE


def _rounded_square_distance(x: float, y: float, radius: float) -> float:
    """Distance from the point to the 32-unit rounded square's edge (< 0: inside)."""
    qx = abs(x - 16.0) - (16.0 - radius)
    qy = abs(y - 16.0) - (16.0 - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def _coverage(distance: float, pixel: float) -> float:
    """Anti-aliased coverage of a pixel `pixel` grid units wide at this edge distance."""
    return max(0.0, min(1.0, 0.5 - distance / pixel))


def draw(size: int, *, rounded: bool, scale: float) -> bytes:
    """RGBA rows of the icon; `scale` shrinks the drawing around the centre (maskable)."""
    pixel = 32.0 / size
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # PNG filter: none
        for i in range(size):
            x, y = (i + 0.5) * pixel, (j + 0.5) * pixel
            alpha = _coverage(_rounded_square_distance(x, y, 7.0), pixel) if rounded else 1.0
            # The drawing, shrunk around the centre by `scale`.
            dx, dy = 16.0 + (x - 16.0) / scale, 16.0 + (y - 16.0) / scale
            white = _coverage(_drawing_distance(dx, dy) * scale, pixel)
            colour = [round(b + (w - b) * white) for b, w in zip(BLUE, WHITE, strict=True)]
            rows += bytes([*colour, round(alpha * 255)])
    return bytes(rows)


def png(size: int, rgba_rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rgba_rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icons = {
        "icon-192.png": (192, True, 1.0),
        "icon-512.png": (512, True, 1.0),
        # The drawing reaches 16.4 units from the centre; at 0.75 it keeps inside the safe
        # circle (radius 12.8).
        "maskable-192.png": (192, False, 0.75),
        "maskable-512.png": (512, False, 0.75),
        "apple-touch-icon.png": (180, False, 0.9),
    }
    for name, (size, rounded, scale) in icons.items():
        (OUT / name).write_bytes(png(size, draw(size, rounded=rounded, scale=scale)))
        print(f"{OUT / name}")


if __name__ == "__main__":
    main()
