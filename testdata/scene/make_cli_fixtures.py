#!/usr/bin/env python3
"""Writes the small bad-input fixtures of the lift-scene CLI tests
(apps/intersynth/cli_tests.cmake). Run from this folder:
    /usr/bin/python3 make_cli_fixtures.py
Needs only NumPy; the PNGs are written by hand (zlib) so that no imaging
library is needed."""
import json
import struct
import zlib

import numpy as np


def write_png(path, pixels):
    """8-bit greyscale (H, W) or RGB (H, W, 3) PNG."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    colour = 2 if pixels.ndim == 3 else 0
    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


# A 16 x 12 key frame, its all-NaN and all-zero depth, masks.
rgb = np.zeros((12, 16, 3), np.uint8)
rgb[..., 0] = np.arange(16)[None, :] * 15
rgb[..., 1] = np.arange(12)[:, None] * 20
write_png("tiny_rgb_16x12.png", rgb)
np.save("nan_depth_16x12.npy", np.full((12, 16), np.nan, np.float32))
np.save("zero_depth_16x12.npy", np.zeros((12, 16), np.float32))
write_png("empty_mask_16x12.png", np.zeros((12, 16), np.uint8))
write_png("mask_8x6.png", np.full((6, 8), 255, np.uint8))
# The NYU frame's mask sizes, for the bundled scene.
write_png("empty_mask_560x425.png", np.zeros((425, 560), np.uint8))
write_png("mask_280x212.png", np.full((212, 280), 255, np.uint8))
with open("intrinsics_no_cy.json", "w") as f:
    json.dump({"fx": 518.86, "fy": 519.47, "cx": 284.58}, f, indent=2)
