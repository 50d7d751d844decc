"""The canvas's scale and the print scale bar come from one geodesic computation (pakmap.map_scale).

At 30°N a Web Mercator unit is 0.867 m on the ground (WGS 84), not 1 m: a canvas reading 1 m per unit
there showed a scale 15% off the printed one. In EPSG:4326 a degree of longitude at 30°N is 96.5 km.
"""

from __future__ import annotations

import math

import pytest
from pyproj import CRS, Geod, Transformer

from pakmap.layout.scalebar import scale_bar
from pakmap.map_scale import metres_per_map_unit, scale_denominator, screen_scale_denominator

WEB = CRS.from_epsg(3857)
WGS84 = CRS.from_epsg(4326)
LON, LAT = 70.0, 30.0
DPI = 96.0


def _centre(crs: CRS) -> tuple[float, float]:
    return Transformer.from_crs(WGS84, crs, always_xy=True).transform(LON, LAT)


def test_web_mercator_at_30_north_is_0_867_metres_per_unit():
    x, y = _centre(WEB)
    per_unit = metres_per_map_unit(WEB, (x - 1000, y - 1000, x + 1000, y + 1000))
    assert per_unit == pytest.approx(0.867, abs=0.0015) and per_unit != pytest.approx(1.0, rel=0.1)
    # A 100 m stretch of the parallel measured on the ellipsoid, independently.
    (lon1, lon2), _ = Transformer.from_crs(WEB, WGS84, always_xy=True).transform([x - 50, x + 50], [y, y])
    assert per_unit == pytest.approx(Geod(ellps="WGS84").inv(lon1, LAT, lon2, LAT)[2] / 100, rel=1e-4)


@pytest.mark.parametrize("crs", [WEB, WGS84], ids=["EPSG:3857", "EPSG:4326"])
def test_the_screen_scale_is_the_print_scale_of_the_same_ground(crs):
    centre = _centre(crs)
    units_per_pixel = 250.0 if crs == WEB else 250.0 / 96_490  # about 250 m of ground per pixel
    screen = screen_scale_denominator(crs, centre, units_per_pixel, DPI)
    # The same ground on a printed frame: 400 px at 96 dpi is 105.83 mm.
    half = 200 * units_per_pixel
    extent = (centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
    printed = scale_denominator(crs, extent, 400 / DPI * 25.4)
    assert screen == pytest.approx(printed, rel=1e-3)
    bar = scale_bar(crs, extent, 400 / DPI * 25.4, 40.0)
    assert bar.metres / bar.length_mm * 1000 == pytest.approx(printed, rel=1e-6)  # the bar's own scale
    metres_per_pixel = printed / 1000 * 25.4 / DPI
    if crs == WEB:
        assert metres_per_pixel == pytest.approx(250 * 0.867, rel=2e-3)
    else:
        assert metres_per_pixel == pytest.approx(250 * 96_486 / 96_490, rel=2e-3)
        assert units_per_pixel * 111_320 * math.cos(math.radians(LAT)) == pytest.approx(metres_per_pixel, rel=5e-3)
