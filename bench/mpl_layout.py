"""The whole-process geopandas + matplotlib peer of ``bench_process.py``: the same page to PNG and PDF.

    python bench/mpl_layout.py spec.json

``spec.json`` as for ``qgis_layout.py``. What a script written with the usual libraries does: read
with geopandas, join the table with pandas, quantile classes through ``scheme="Quantiles"``
(mapclassify), points as a scatter, an A4 landscape figure with a title and a legend, saved at
300 dpi. matplotlib has no scale bar of its own, so this page has none.
"""

from __future__ import annotations

import json
import sys
import warnings

RAMP = ["#CDE3F1", "#8FC1E1", "#4F9ED0", "#0072BC", "#05568B"]  # 5 classes of unhcr_blue


def main(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    import matplotlib

    matplotlib.use("Agg")
    import geopandas as gpd
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.colors import ListedColormap

    warnings.simplefilter("ignore")
    districts = gpd.read_file(spec["districts"], engine="pyogrio")
    if spec.get("table"):
        table = pd.read_csv(spec["table"])
        districts = districts.merge(table, how="left", left_on=spec["key"], right_on=spec["table_key"])
    points = gpd.read_file(spec["points"], engine="pyogrio")
    fig = plt.figure(figsize=(297 / 25.4, 210 / 25.4), dpi=300)
    ax = fig.add_axes((8 / 297, 25 / 210, 210 / 297, 158 / 210))
    ax.set_axis_off()
    line = 0.1 / 25.4 * 72
    districts.plot(
        ax=ax,
        column=spec["field"],
        scheme="Quantiles",
        k=5,
        cmap=ListedColormap(RAMP),
        edgecolor="white",
        linewidth=line,
        missing_kwds={"color": "#E6E6E6", "edgecolor": "white", "linewidth": line, "label": "No data"},
        legend=True,
        legend_kwds={"loc": "upper left", "bbox_to_anchor": (1.03, 0.7), "fontsize": 7, "frameon": False},
    )
    xy = points.geometry.get_coordinates().to_numpy()
    ax.scatter(xy[:, 0], xy[:, 1], s=(0.6 / 25.4 * 72) ** 2, c="#EF4A60", linewidths=0)
    fig.text(8 / 297, 1 - 14 / 210, spec["title"], fontsize=20, fontweight="bold", color="#0072BC")
    fig.savefig(spec["png"], dpi=300)
    fig.savefig(spec["pdf"], dpi=300)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
