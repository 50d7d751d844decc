"""Web-map size benchmark: pakmap's HTML against ``GeoDataFrame.explore()`` on the same layers.

The product: the real 156 districts of Pakistan with the 2023 census joined (population choropleth,
5 natural-breaks classes) and refugee-village points, as one HTML file. pakmap goes through its whole
pipeline: a project file is written, loaded (reader, attribute join) and exported with
``pakmap.jobs.outputs.write_output`` (protection guard, web export, export record). ``explore()`` maps the
same loaded layers (all their fields, as it does by default).

Targets (issue 6): pakmap's file under 1.5 MB and at least 5× smaller than explore's. A second run
with 10,000 points shows how the sizes grow (skipped with ``--quick``).

    python bench/bench_web.py [--quick]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

from pakmap.style import GraduatedStyle, LabelStyle, SingleSymbolStyle, Symbol

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("PAKMAP_SHARED_DATA", HERE.parent.parent / "shared" / "data"))
LIMIT_BYTES = 1_500_000
MIN_RATIO = 5.0


def write_villages(folder: Path, count: int) -> Path:
    """Generated refugee-village points inside the real districts (there is no public list)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from pakmap.jobs.demo_data import refugee_villages

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        districts = gpd.read_file(DATA / "pak_districts.geojson")
    districts = districts.assign(geometry=districts.make_valid())
    villages = refugee_villages(districts, "province")
    if count > len(villages):  # more points for the scale run: anywhere inside Pakistan
        rng = np.random.default_rng(7)
        area = districts.union_all()
        xmin, ymin, xmax, ymax = area.bounds
        extra = []
        while len(extra) < count - len(villages):
            pts = shapely.points(rng.uniform(xmin, xmax, 4096), rng.uniform(ymin, ymax, 4096))
            extra.extend(pts[shapely.contains_xy(area, *shapely.get_coordinates(pts).T)])
        extra = extra[: count - len(villages)]
        more = gpd.GeoDataFrame(
            {"village": [f"Site {i:05d}" for i in range(len(extra))], "population": rng.integers(50, 5000, len(extra))},
            geometry=extra,
            crs=4326,
        )
        villages = gpd.GeoDataFrame(gpd.pd.concat([villages, more], ignore_index=True), crs=4326)
    out = folder / f"villages_{count}.geojson"
    villages.to_file(out, driver="GeoJSON")
    return out


def project_file(folder: Path, villages: Path) -> Path:
    from pakmap.project import JoinSpec, LayerSpec, LayoutSpec, MapSpec, Project, WebSpec, save_project

    project = Project(
        map=MapSpec(title="Pakistan: population by district"),
        layers=[
            LayerSpec("census", str(DATA / "pak_census2023_districts.csv"), visible=False, legend=False),
            LayerSpec(
                "Districts",
                str(DATA / "pak_districts.geojson"),
                repair=True,
                style=GraduatedStyle(field="population_2023", classes=5),
                labels=LabelStyle(field="name"),
                popup_fields=["province", "population_2023", "literacy_rate"],
            ),
            LayerSpec(
                "Refugee villages",
                str(villages),
                style=SingleSymbolStyle(Symbol(fill="#EF4A60", size=2.5)),
                popup_fields=["village", "population"],
            ),
        ],
        joins=[
            JoinSpec(
                layer="Districts",
                table="census",
                on=[["name", "district"]],
                fields=["population_2023", "literacy_rate"],
            )
        ],
        layout=LayoutSpec(
            title="Pakistan: population by district",
            subtitle="Census 2023",
            sources="Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023",
        ),
        web=WebSpec(basemap="none"),
    )
    return save_project(project, folder / "web_bench.toml")


def run(folder: Path, points: int) -> tuple[int, int, float]:
    """(pakmap bytes, explore bytes, pakmap seconds) for districts + ``points`` villages."""
    from pakmap.jobs.outputs import write_output
    from pakmap.layer import VectorLayer
    from pakmap.project import load_project
    from pakmap.project.loader import load_layers

    villages = write_villages(folder, points)
    start = time.perf_counter()
    loaded = load_layers(load_project(project_file(folder, villages)))
    out = folder / f"pakmap_{points}.html"
    write_output(loaded, out)
    seconds = time.perf_counter() - start
    drawn = [layer for layer in loaded.drawable if isinstance(layer, VectorLayer)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = drawn[0].data.explore(column="population_2023")
        for layer in drawn[1:]:
            layer.data.explore(m=m)
    explore = folder / f"explore_{points}.html"
    m.save(explore)
    return out.stat().st_size, explore.stat().st_size, seconds


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not (DATA / "pak_districts.geojson").exists():
        print(f"bench_web: real data not found at {DATA}; skipped")
        return 0
    runs = [54] if "--quick" in argv else [54, 10_000]
    status = 0
    with tempfile.TemporaryDirectory(prefix="pakmap-bench-web-") as tmp:
        for points in runs:
            ours, theirs, seconds = run(Path(tmp), points)
            ratio = theirs / ours
            print(
                f"156 districts + {points:,} points: pakmap {ours / 1e6:.2f} MB ({seconds:.1f} s), "
                f"explore() {theirs / 1e6:.2f} MB, {ratio:.1f}× smaller"
            )
            if points == 54:
                ok = ours < LIMIT_BYTES and ratio >= MIN_RATIO
                print(
                    f"  target: < {LIMIT_BYTES / 1e6:.2f} MB and ≥ {MIN_RATIO:.0f}× smaller: "
                    f"{'met' if ok else 'NOT MET'}"
                )
                status |= 0 if ok else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
