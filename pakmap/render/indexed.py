"""Page-sized point images as palette indices: one colour table, 1 to 8 bits a pixel.

Stamps drawn without antialiasing (PDF) hold a few exact colours and nothing half-transparent, so a
page of them is fully described by a small palette and an index per pixel, index 0 transparent.
Such an image is a quarter of the bytes of ARGB before compression (a 32nd at 1 bit) and PDF can
store it as it is (an ``/Indexed`` colour space masked by the colour key of index 0), where Qt's
own PDF image writer would split ARGB into RGB plus a mask and deflate both.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

# Index 0 is transparent, so 255 colours fill an 8-bit palette.
MAX_COLOURS = 255
# How the packed rows are deflated (measured on A4 at 300 dpi; figures in bench/README.md). One bit
# a pixel: its bytes are runs of empty space between marker bits that long matches barely shorten,
# so run-length matching only (Z_RLE) is both the fastest and the smallest. More bits: repeated
# marker shapes do match, so run-length alone compresses much worse; level 3 is close to level 6's
# size at a fraction of its time, and smaller than Qt's RGB plus mask.
DEFLATE_LEVEL = 3


@dataclass(frozen=True)
class IndexedImage:
    """An image of palette indices, its rows deflated (zlib), ready to be stored as it is."""

    width: int
    height: int
    bits: int  # per pixel: 1, 2, 4 or 8; each row padded to a whole byte
    palette: bytes  # RGB triples, entry 0 first (the transparent index; see ``index_stamps``)
    data: bytes  # zlib-compressed rows of packed indices

    @property
    def colours(self) -> int:
        """Palette entries, the transparent one included."""
        return len(self.palette) // 3


def bits_per_index(entries: int) -> int:
    """The fewest bits a pixel (1, 2, 4 or 8: what PDF allows for indexed images) for ``entries`` palette entries."""
    if not 1 <= entries <= MAX_COLOURS + 1:
        raise ValueError(f"{entries} palette entries do not fit 8 bits")
    for bits in (1, 2, 4, 8):
        if entries <= 1 << bits:
            return bits
    raise AssertionError("unreachable")


def index_stamps(stamps: dict[int, np.ndarray], background: int) -> tuple[bytes, dict[int, np.ndarray]] | None:
    """The palette and each stamp as uint8 indices (0 where it is clear), or None when the stamps
    have a pixel that is neither opaque nor clear, or more than ``MAX_COLOURS`` colours.

    ``stamps`` are ARGB32 (uint32) arrays. Entry 0 of the palette is ``background`` (0xRRGGBB): it is
    never shown, but viewers that resample the image blend marker edges with it (pass a marker colour).
    """
    alphas = [s >> 24 for s in stamps.values()]
    if not all(np.isin(a, (0, 255)).all() for a in alphas):
        return None
    opaque = [s[a == 255] & 0x00FFFFFF for s, a in zip(stamps.values(), alphas)]
    colours = np.unique(np.concatenate(opaque)) if opaque else np.empty(0, np.uint32)
    if len(colours) > MAX_COLOURS:
        return None
    indexed = {}
    for (c, stamp), a in zip(stamps.items(), alphas):
        index = np.zeros(stamp.shape, np.uint8)
        index[a == 255] = np.searchsorted(colours, stamp[a == 255] & 0x00FFFFFF) + 1
        indexed[c] = index
    rgb = np.concatenate([np.array([background], np.uint32), colours]).astype(">u4")
    palette = rgb.view(np.uint8).reshape(-1, 4)[:, 1:].tobytes()  # big-endian 0x00RRGGBB -> R, G, B
    return palette, indexed


def pack_rows(indices: np.ndarray, bits: int) -> np.ndarray:
    """(h, w) uint8 indices below ``2 ** bits`` as (h, ceil(w * bits / 8)) bytes, first pixel in the
    high bits, each row padded with zero bits to a whole byte (as PDF and PNG store them)."""
    if bits == 8:
        return np.ascontiguousarray(indices)
    if bits == 1:
        return np.packbits(indices, axis=1)
    per_byte = 8 // bits
    height, width = indices.shape
    padded_width = -(-width // per_byte) * per_byte
    padded = np.zeros((height, padded_width), np.uint8)
    padded[:, :width] = indices
    groups = padded.reshape(height, padded_width // per_byte, per_byte)
    packed = groups[:, :, 0] << (8 - bits)
    for i in range(1, per_byte):
        packed |= groups[:, :, i] << (8 - bits * (i + 1))
    return packed


def encode_indexed(indices: np.ndarray, palette: bytes) -> IndexedImage:
    """``indices`` ((h, w) uint8, any strides) with ``palette`` (RGB bytes) as an ``IndexedImage``."""
    bits = bits_per_index(len(palette) // 3)
    packed = pack_rows(indices, bits)
    height, width = indices.shape
    return IndexedImage(width, height, bits, palette, _deflate(packed, bits))


def _deflate(packed: np.ndarray, bits: int) -> bytes:
    """The zlib stream of ``packed`` rows (see ``DEFLATE_LEVEL`` for the choice of strategy)."""
    strategy = zlib.Z_RLE if bits == 1 else zlib.Z_DEFAULT_STRATEGY
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS, 8, strategy)
    return compressor.compress(packed.data) + compressor.flush()
