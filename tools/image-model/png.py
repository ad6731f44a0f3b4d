"""Minimal PNG writer (8-bit RGB or greyscale) for sample sheets and examples; Debian's python has no PIL here."""
import struct
import zlib

import numpy as np


def write_png(file, image):
    """image: uint8 [H, W, 3] or [H, W]."""
    image = np.ascontiguousarray(image, np.uint8)
    h, w = image.shape[:2]
    colour_type = 2 if image.ndim == 3 else 0
    raw = b"".join(b"\x00" + image[i].tobytes() for i in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(file, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def grid(images, columns, scale=1):
    """float [N, C, H, W] in [0, 1] -> uint8 sheet [rows*H*scale, columns*W*scale, C] (C squeezed when 1)."""
    n, c, h, w = images.shape
    rows = (n + columns - 1) // columns
    sheet = np.ones((rows * (h + 1) + 1, columns * (w + 1) + 1, c), np.float64)
    for i, im in enumerate(images):
        r, k = divmod(i, columns)
        sheet[1 + r * (h + 1):1 + r * (h + 1) + h, 1 + k * (w + 1):1 + k * (w + 1) + w] = im.transpose(1, 2, 0)
    sheet = np.kron(sheet, np.ones((scale, scale, 1)))
    out = (sheet.clip(0, 1) * 255).round().astype(np.uint8)
    return out[:, :, 0] if c == 1 else out
