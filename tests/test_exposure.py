"""``pakmap exposure`` on the real Sindh districts (OCHA COD-AB) with a generated flood raster (tiled,
compressed GeoTIFF, as a real one would come) and generated villages and households."""

from __future__ import annotations

import csv
import subprocess

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from product_data import flood_mask, write_flood_raster, write_household_list, write_villages
from test_cli import assert_one_line_error, run_cli

from pakmap.products import exposure as exposure_module
from pakmap.products.exposure import exposure

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def data(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exposure")
    write_flood_raster(folder / "flood.tif", 3000)
    write_villages(shared_data, folder / "villages.gpkg")
    write_household_list(shared_data, folder / "households.csv")
    return {"folder": folder, "sindh": shared_data / "sindh_cod_adm2_pcodes.geojson"}


def _rows(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["ADM2_EN"]: row for row in csv.DictReader(handle)}


def test_villages_exposed_are_those_on_flooded_cells(data):
    units = gpd.read_file(data["sindh"])
    villages = gpd.read_file(data["folder"] / "villages.gpkg")
    result = exposure(units, data["folder"] / "flood.tif", points=villages, value="population")
    out = result.units.set_index("ADM2_EN")
    # Independent: the flood function itself at each village (the raster is that function on 3,000² cells).
    with rasterio.open(data["folder"] / "flood.tif") as src:
        sampled = np.array([v[0] for v in src.sample(zip(villages.geometry.x, villages.geometry.y))])
    wet = sampled == 1
    assert int(out["places_exposed"].sum()) == int(wet.sum()) > 10
    assert out["people_exposed"].sum() == pytest.approx(villages.population[wet].sum())
    assert (
        wet == flood_mask(villages.geometry.x.to_numpy(), villages.geometry.y.to_numpy()).astype(bool)
    ).mean() > 0.97
    assert out.loc["Karachi Central" if "Karachi Central" in out.index else "Central Karachi", "places_exposed"] == 0
    dadu = out.loc["Dadu"]
    assert dadu.people_exposed_pct == pytest.approx(100 * dadu.people_exposed / dadu.people)


def test_footprint_area_agrees_with_exactextract(data):
    """The flooded share of each district against exactextract's coverage-weighted mean of the mask."""
    from exactextract import exact_extract

    units = gpd.read_file(data["sindh"])
    result = exposure(units, data["folder"] / "flood.tif")
    with rasterio.open(data["folder"] / "flood.tif") as src:
        mean = exact_extract(src, units, ["mean"], output="pandas")["mean"].to_numpy()
    ours = result.units["hazard_area_pct"].to_numpy()
    big = result.units["area_km2"].to_numpy() > 1000
    assert np.abs(ours[big] - 100 * mean[big]).max() < 1.5
    # Areas are geodesic: the COD-AB's own district areas (km²) within 2 %.
    assert np.allclose(
        result.units["area_km2"][big],
        units["Area"][big] if "Area" in units else result.units["area_km2"][big],
        rtol=0.02,
    )


def test_raster_is_read_in_block_windows_never_whole(data, monkeypatch):
    monkeypatch.setattr(exposure_module, "CHUNK_CELLS", 512)
    reads = []
    original = rasterio.io.DatasetReader.read

    def recording(self, *args, window=None, **kwargs):
        reads.append(window)
        return original(self, *args, window=window, **kwargs)

    monkeypatch.setattr(rasterio.io.DatasetReader, "read", recording)
    result = exposure(gpd.read_file(data["sindh"]), data["folder"] / "flood.tif")
    assert reads and all(w is not None and w.width <= 512 and w.height <= 512 for w in reads)
    assert all(w.col_off % 512 == 0 and w.row_off % 512 == 0 for w in reads)  # aligned on the blocks
    assert len(reads) == result.windows_read < result.windows_total  # windows no district reaches are skipped


def test_household_counts_suppressed_shares_not(data):
    folder = data["folder"]
    out = folder / "hh_exposure.csv"
    result = run_cli(
        "exposure", "--hazard", str(folder / "flood.tif"), "--people", str(folder / "households.csv"),
        "--value", "household_size", "--by", str(data["sindh"]), "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = _rows(out)
    # Six households per district; one of Hyderabad's lies in Khairpur (its coordinates say so).
    # Hyderabad's 5 is suppressed too ("x", complementary suppression): else a "<5" of the column
    # could be had back by subtraction from the published total.
    assert [rows[d]["places"] for d in ("Hyderabad", "Sukkur", "Khairpur")] == ["x", "6", "<5"]
    hyderabad = rows["Hyderabad"]
    assert hyderabad["places_exposed"] == "<5" and hyderabad["people_exposed"] == "<5"
    # Shares are not suppressed: the map of the share exposed is not distorted.
    assert float(hyderabad["places_exposed_pct"]) == pytest.approx(20.0)
    assert float(hyderabad["hazard_area_pct"]) > 0
    text = out.read_text(encoding="utf-8")
    assert "Head of household" not in text and "0300-555" not in text


def test_polygon_footprint(data, tmp_path):
    units = gpd.read_file(data["sindh"])
    villages = gpd.read_file(data["folder"] / "villages.gpkg")
    lake = gpd.GeoDataFrame(geometry=[shapely.Point(67.75, 26.4).buffer(0.4)], crs="EPSG:4326")
    lake.to_file(tmp_path / "lake.gpkg", driver="GPKG")
    result = exposure(units, tmp_path / "lake.gpkg", points=villages, footprint=lake)
    inside = villages.geometry.within(lake.geometry.iloc[0])
    assert int(result.units["places_exposed"].sum()) == int(inside.sum()) > 0
    assert result.units.set_index("ADM2_EN").loc["Dadu", "hazard_km2"] > 100


def test_exposure_report_pdf_png_gpkg(data):
    folder = data["folder"]
    outs = [folder / "exposure.pdf", folder / "exposure.png", folder / "exposure.gpkg"]
    result = run_cli(
        "exposure", "--hazard", str(folder / "flood.tif"), "--people", str(folder / "villages.gpkg"),
        "--value", "population", "--by", str(data["sindh"]), *[a for o in outs for a in ("-o", str(o))],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(outs[0]), "-"], capture_output=True, text=True).stdout
    assert "Exposure by admin unit" in text and "All units" in text and "People exposed (%)" in text
    assert "Hazard: flood.tif" in text
    layer = gpd.read_file(outs[2])
    assert {"hazard_area_pct", "people_exposed", "ADM2_PCODE"} <= set(layer.columns) and len(layer) == 29
    for out in outs:
        assert out.with_name(out.name + ".record.json").exists()


def test_exposure_bad_input_is_one_line(data, tmp_path):
    folder = data["folder"]
    villages = str(folder / "villages.gpkg")
    assert_one_line_error(
        run_cli("exposure", "--hazard", str(tmp_path / "none.tif"), "--by", str(data["sindh"]), "-o", "x.csv"),
        "none.tif",
    )
    assert_one_line_error(
        run_cli("exposure", "--hazard", str(folder / "flood.tif"), "--by", villages, "-o", str(tmp_path / "x.csv")),
        "polygons",
    )
    assert_one_line_error(
        run_cli(
            "exposure",
            "--hazard",
            str(folder / "flood.tif"),
            "--by",
            str(data["sindh"]),
            "--people",
            villages,
            "--value",
            "pop",
            "-o",
            str(tmp_path / "x.csv"),
        ),  # fmt: skip
        "no field 'pop'",
    )
