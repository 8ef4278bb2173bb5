"""Draws icons/icon.png: a red receipt with a white seal ring, as an RGBA PNG.

Run once by hand (python3 scripts/dev/make_icon.py); the PNG is committed. Plain
zlib so that no imaging library is needed.
"""
import math
import struct
import zlib

SIZE = 512


def pixel(x, y):
    cx, cy = SIZE / 2, SIZE / 2
    # Rounded square body.
    margin, radius = 40, 80
    dx = max(margin + radius - x, 0, x - (SIZE - margin - radius))
    dy = max(margin + radius - y, 0, y - (SIZE - margin - radius))
    if dx * dx + dy * dy > radius * radius:
        return (0, 0, 0, 0)
    # A seal ring and three text lines in white on red.
    d = math.hypot(x - cx, y - cy + 30)
    if 110 <= d <= 130:
        return (255, 255, 255, 255)
    for line_y in (360, 400, 440):
        if line_y <= y <= line_y + 16 and 130 <= x <= SIZE - 130:
            return (255, 255, 255, 255)
    return (200, 30, 40, 255)


def png(path):
    rows = b"".join(
        b"\x00" + b"".join(struct.pack("BBBB", *pixel(x, y)) for x in range(SIZE))
        for y in range(SIZE)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(chunk(b"IHDR", header))
        out.write(chunk(b"IDAT", zlib.compress(rows, 9)))
        out.write(chunk(b"IEND", b""))


if __name__ == "__main__":
    png("icons/icon.png")
