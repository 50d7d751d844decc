"""Dissolving boundaries: districts into divisions or provinces, or a join group into one feature.

``dissolve_by(districts, ["province"])`` gives one feature per province: the union of its districts'
geometry, the ``by`` fields, and every other field whose value is the same on all the features it
merges (a division's province); a field that differs (a district's name, its P-code, its area) has no
single value for the union and is left out, and the notes say which. Invalid geometries (4 of the
156 published districts) are made valid first, and counted, because a union of invalid polygons
fails or drops area. Features without a value in a ``by`` field are not merged with anything: they
stay as they are, and are reported.

``merge_features`` does the same for chosen sets of features (a table row for "Karachi" joined onto
the seven Karachi districts), keeping the layer's order.
"""

from __future__ import annotations

from typing import Any, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import JoinError


def union(geometries: Sequence) -> tuple[Any, int]:
    """The union of ``geometries`` and how many of them had to be made valid first."""
    values = np.asarray([g for g in geometries if g is not None], dtype=object)
    invalid = ~shapely.is_valid(values) if len(values) else np.zeros(0, bool)
    if invalid.any():
        values = values.copy()
        values[invalid] = shapely.make_valid(values[invalid])
    result = shapely.union_all(values)
    if shapely.get_type_id(result) == 7 and all(shapely.get_type_id(v) in (3, 6, 7) for v in values):
        # make_valid may leave slivers as lines or points: the union of areas is an area.
        parts = shapely.get_parts(result)
        result = shapely.multipolygons(shapely.get_parts(parts[np.isin(shapely.get_type_id(parts), (3, 6))]))
    return result, int(invalid.sum())


def _single_values(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, Any]:
    """Each column's value where all rows agree (missing counts as a value), others left out."""
    out = {}
    for column in columns:
        values = frame[column]
        if values.isna().all():
            out[column] = values.iloc[0]
        elif values.notna().all() and values.nunique(dropna=False) == 1:
            out[column] = values.iloc[0]
    return out


def dissolve_by(
    gdf: gpd.GeoDataFrame, by: Sequence[str] | str, *, layer_name: str = "layer"
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One feature per distinct value of ``by`` (see the module docstring); returns it with notes."""
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise JoinError("dissolve needs a field to dissolve by", fix="e.g. --by province")
    missing = [f for f in by if f not in gdf.columns]
    if missing:
        raise JoinError(
            f"the layer '{layer_name}' has no field {', '.join(map(repr, missing))} to dissolve by",
            fix=f"use one of: {', '.join(c for c in gdf.columns if c != gdf.geometry.name)}",
        )
    geometry = gdf.geometry.name
    others = [c for c in gdf.columns if c not in by and c != geometry]
    keyed = gdf[by].notna().all(axis=1).to_numpy()
    parts = [part for _, part in gdf[keyed].groupby(by, sort=False)]
    agreed = [_single_values(part, others) for part in parts]
    kept = [c for c in others if all(c in values for values in agreed)]
    dropped = [c for c in others if c not in kept]
    unions = [union(part.geometry.to_numpy()) for part in parts]
    repaired = sum(fixed for _, fixed in unions)
    records = [
        {**{f: part[f].iloc[0] for f in by}, **{c: values[c] for c in kept}} for part, values in zip(parts, agreed)
    ]
    out = gpd.GeoDataFrame(
        pd.DataFrame.from_records(records, columns=by + kept),
        geometry=gpd.GeoSeries([shape for shape, _ in unions], crs=gdf.crs),
    )
    notes = [f"{len(gdf)} features of '{layer_name}' dissolved by {', '.join(by)} into {len(out)}"]
    if dropped:
        notes.append(f"fields with more than one value in a unit, left out: {', '.join(dropped)}")
    if repaired:
        notes.append(f"{repaired} invalid geometr{'y' if repaired == 1 else 'ies'} made valid before the union")
    unkeyed = int((~keyed).sum())
    if unkeyed:
        leftover = gdf[~keyed].drop(columns=dropped)
        if leftover.geometry.name != "geometry":
            leftover = leftover.rename_geometry("geometry")
        out = pd.concat([out, leftover], ignore_index=True)
        notes.append(f"{unkeyed} feature(s) without a value in {', '.join(by)} kept as they are")
    return out, notes


def merge_features(
    gdf: gpd.GeoDataFrame, merges: Sequence[tuple[Sequence[int], dict[str, Any]]]
) -> tuple[gpd.GeoDataFrame, int]:
    """``gdf`` with each set of positions in ``merges`` replaced by one feature at the first position.

    The merged feature has the union of their geometries, the fields on which they agree, and the
    values given with the set (the group's name in the key field). Returns the frame and how many
    geometries had to be made valid.
    """
    geometry = gdf.geometry.name
    columns = [c for c in gdf.columns if c != geometry]
    out = gdf.copy()
    drop: list[int] = []
    repaired = 0
    for positions, values in merges:
        positions = sorted(positions)
        part = gdf.iloc[positions]
        shape, fixed = union(part.geometry.to_numpy())
        repaired += fixed
        agreed = _single_values(part, columns)
        first = positions[0]
        for column in columns:
            value = values.get(column, agreed.get(column))
            out.iat[first, out.columns.get_loc(column)] = value if column in values or column in agreed else None
        out.iat[first, out.columns.get_loc(geometry)] = shape
        drop.extend(positions[1:])
    keep = np.ones(len(out), dtype=bool)
    keep[drop] = False
    return out[keep], repaired


__all__ = ["dissolve_by", "merge_features", "union"]
