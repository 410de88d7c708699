"""A screenshot's pixels without an imaging library: Chromium's PNGs (8-bit RGB or RGBA, not interlaced)
decoded to grey levels, the form a barcode reader takes."""

from __future__ import annotations

import struct
import zlib

_CHANNELS = {2: 3, 6: 4}  # PNG colour types: RGB, RGBA


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def grey(png: bytes) -> tuple[bytes, int, int]:
    """(one byte of lightness per pixel, width, height) of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
            assert (depth, interlace) == (8, 0), "an unexpected kind of PNG"
            assert colour in _CHANNELS, "an unexpected kind of PNG"
            channels = _CHANNELS[colour]
        elif kind == b"IDAT":
            idat += data
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    out = bytearray()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        out.extend(
            (line[i] * 299 + line[i + 1] * 587 + line[i + 2] * 114) // 1000
            for i in range(0, stride, channels)
        )
        previous = line
    return bytes(out), width, height
