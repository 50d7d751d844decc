"""UNHCR palettes, read from ``styles/palettes.toml``.

Palettes are data so an officer can add one without a programmer. Sequential ramps are resampled to
the number of classes asked for: with as many classes as colours or fewer, the ramp's own colours
are used (spread over the ramp); with more, colours are interpolated in RGB along the ramp so the first and last colours are always kept.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .errors import StyleError
from .resources import read_data_file, style_file


@dataclass(frozen=True)
class Palette:
    name: str
    kind: str  # "sequential" or "categorical"
    label: str
    colors: tuple[str, ...]
    colorblind_safe: bool

    def ramp(self, n: int) -> list[str]:
        """``n`` colours light to dark (sequential) or cycled (categorical)."""
        if n <= 0:
            return []
        if self.kind == "categorical":
            return [self.colors[i % len(self.colors)] for i in range(n)]
        if n == len(self.colors):
            return list(self.colors)
        if n == 1:
            return [self.colors[len(self.colors) // 2]]
        if n < len(self.colors):
            # Fewer classes than ramp colours: pick brand colours spread over the ramp, exactly.
            step = (len(self.colors) - 1) / (n - 1)
            return [self.colors[round(i * step)] for i in range(n)]
        rgb = [_hex_to_rgb(c) for c in self.colors]
        out = []
        for i in range(n):
            pos = i * (len(rgb) - 1) / (n - 1)
            lo = int(pos)
            hi = min(lo + 1, len(rgb) - 1)
            t = pos - lo
            out.append(_rgb_to_hex(tuple(round(a + (b - a) * t) for a, b in zip(rgb[lo], rgb[hi]))))
        return out


def _hex_to_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _rgb_to_hex(rgb) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


@functools.lru_cache(maxsize=None)
def _load() -> tuple[dict[str, str], dict[str, Palette]]:
    path = style_file("palettes.toml")
    data = read_data_file(path, "palette file")
    palettes = {}
    for name, spec in data.get("palettes", {}).items():
        colors = tuple(spec.get("colors", ()))
        if spec.get("kind") not in ("sequential", "categorical") or not colors:
            raise StyleError(
                f"palette '{name}' needs kind = sequential|categorical and a list of colors",
                path=path,
                fix="see the other palettes in the file for the form",
            )
        palettes[name] = Palette(
            name, spec["kind"], spec.get("label", name), colors, bool(spec.get("colorblind_safe", False))
        )
    return dict(data.get("brand", {})), palettes


def brand_color(name: str) -> str:
    brand, _ = _load()
    try:
        return brand[name]
    except KeyError:
        raise StyleError(
            f"unknown brand colour '{name}'", path=style_file("palettes.toml"), fix=f"use one of: {', '.join(brand)}"
        ) from None


def palette(name: str) -> Palette:
    _, palettes = _load()
    try:
        return palettes[name]
    except KeyError:
        raise StyleError(f"unknown palette '{name}'", fix=f"use one of: {', '.join(palettes)}") from None


def palettes() -> dict[str, Palette]:
    return dict(_load()[1])
