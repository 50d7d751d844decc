"""Coordinate reference systems: reading what the user typed, and cached reprojection.

Every layer knows its CRS or says it has none; nothing here guesses WGS 84. Transformers are
expensive to build (pyproj looks up the best pipeline), so they are cached per (source, target)
pair and always use x = longitude/easting, y = latitude/northing order (``always_xy``), which is the
order every pakmap coordinate array uses. Sharing a cached Transformer between the GUI's render
thread and the main thread is safe: since pyproj 3.1 each thread gets its own PROJ object inside it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer
from pyproj.database import query_crs_info
from pyproj.enums import PJType
from pyproj.exceptions import CRSError

from .errors import SourceError

WGS84 = CRS.from_epsg(4326)


def parse_crs(value, *, path: str | os.PathLike | None = None, what: str = "the CRS") -> CRS:
    """A CRS from what a user types: ``EPSG:32642``, ``32642``, a WKT or PROJ string, or a CRS.

    Raises ``SourceError`` naming ``path`` with a fix when pyproj cannot read it.
    """
    if isinstance(value, CRS):
        return value
    text = str(value).strip()
    if text.isdigit():  # officers often type just the EPSG code
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise SourceError(
            f"{what} '{shown}' is not a coordinate reference system pyproj knows ({_first_line(exc)})",
            path=path,
            fix="give an EPSG code such as EPSG:4326 (WGS 84) or EPSG:32642 (UTM 42N)",
        ) from None


def check_placeable(crs: CRS | None, *, path: str | os.PathLike | None = None) -> None:
    """``SourceError`` for a local engineering CRS (a site grid, ``LOCAL_CS`` in a .prj): its
    coordinates have no place on the Earth, so no map, scale bar or web map can be drawn from them."""
    if crs is not None and crs.is_engineering:
        raise SourceError(
            f"its coordinate system '{crs.name}' is a local engineering grid, not tied to a place on the Earth",
            path=path,
            fix="if you know the real CRS, set it (--crs EPSG:… on the "
            'command line, crs = "EPSG:…" in a project); otherwise georeference the data first',
        )


def crs_label(crs: CRS | None) -> str:
    """A short human description: ``EPSG:4326 (WGS 84)``, or a sentence when there is none."""
    if crs is None:
        return "none (the file does not say; not assumed to be WGS 84)"
    code = crs.to_authority(min_confidence=70)
    ident = f"{code[0]}:{code[1]}" if code else "custom"
    return f"{ident} ({crs.name})"


# What maps of Pakistan use, offered first by the CRS pickers: WGS 84 (GPS, COD-AB), Web Mercator
# (web maps), the UTM zones across the country and the national Kalianpur 1962 datum's.
COMMON_CODES = (
    "EPSG:4326",
    "EPSG:3857",
    "EPSG:32641",
    "EPSG:32642",
    "EPSG:32643",
    "EPSG:4145",
    "EPSG:24311",
    "EPSG:24312",
    "EPSG:24313",
)


@dataclass(frozen=True)
class CrsChoice:
    """One entry of pyproj's CRS database, as a picker lists it."""

    code: str  # "EPSG:32642"
    name: str  # "WGS 84 / UTM zone 42N"
    area: str  # where it is meant for: "Between 66°E and 72°E, northern hemisphere…"

    @property
    def words(self) -> str:
        """What a search matches: code, name and area, lower case."""
        return f"{self.code} {self.name} {self.area}".lower()


@functools.lru_cache(maxsize=1)
def crs_choices() -> tuple[CrsChoice, ...]:
    """The EPSG geographic, projected and compound CRSs of pyproj's database (not deprecated),
    ``COMMON_CODES`` first, then by code number."""
    infos = query_crs_info(
        auth_name="EPSG",
        pj_types=[PJType.GEOGRAPHIC_2D_CRS, PJType.PROJECTED_CRS, PJType.COMPOUND_CRS],
        allow_deprecated=False,
    )
    found = {
        f"{i.auth_name}:{i.code}": CrsChoice(
            f"{i.auth_name}:{i.code}", i.name, (i.area_of_use.name or "") if i.area_of_use else ""
        )
        for i in infos
    }
    common = [found[c] for c in COMMON_CODES if c in found]
    rest = sorted((c for k, c in found.items() if k not in COMMON_CODES), key=lambda c: int(c.code.split(":")[1]))
    return tuple(common + rest)


def matching(choices, text: str) -> list:
    """The choices whose code, name or area contain every word of ``text`` (in any order): those
    found by code and name alone first ("kalianpur 43" is zone 43N before a zone whose area says 43°)."""
    words = text.lower().split()
    found = [c for c in choices if all(w in c.words for w in words)]
    named = [c for c in found if all(w in f"{c.code} {c.name}".lower() for w in words)]
    named_codes = {c.code for c in named}
    return named + [c for c in found if c.code not in named_codes]


@functools.lru_cache(maxsize=64)
def _transformer(src_wkt: str, dst_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(src_wkt), CRS.from_wkt(dst_wkt), always_xy=True)


def transformer(src, dst) -> Transformer:
    """A cached always-xy ``Transformer`` from ``src`` to ``dst`` (CRS objects or user strings)."""
    src, dst = parse_crs(src), parse_crs(dst)
    return _transformer(src.to_wkt(), dst.to_wkt())


def transform_xy(x, y, src, dst) -> tuple[np.ndarray, np.ndarray]:
    """Reproject coordinate arrays in one vectorized call (no per-point Python)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if parse_crs(src) == parse_crs(dst):
        return x.copy(), y.copy()
    return transformer(src, dst).transform(x, y)


Bounds = tuple[float, float, float, float]


def as_bounds(values) -> Bounds:
    """Any four numbers (a list, an array, shapely's total_bounds) as (xmin, ymin, xmax, ymax) floats."""
    xmin, ymin, xmax, ymax = values
    return float(xmin), float(ymin), float(xmax), float(ymax)


def transform_bounds(bounds, src, dst, densify: int = 21) -> Bounds:
    """Bounds reprojected densely along the edges (corners alone underestimate curved edges)."""
    if parse_crs(src) == parse_crs(dst):
        return as_bounds(bounds)
    xmin, ymin, xmax, ymax = bounds
    return as_bounds(transformer(src, dst).transform_bounds(xmin, ymin, xmax, ymax, densify_pts=densify))


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:120]


__all__ = [
    "COMMON_CODES",
    "CrsChoice",
    "crs_choices",
    "matching",
    "WGS84",
    "parse_crs",
    "crs_label",
    "transformer",
    "transform_xy",
    "transform_bounds",
    "as_bounds",
    "Bounds",
]
