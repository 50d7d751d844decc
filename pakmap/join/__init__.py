"""Joins that never fail silently: attribute joins with reports, spatial joins, zonal statistics.

Modules, by what they hold:

- ``normalize``: key normalization the officer can see (``normalize_key``);
- ``aliases``: alias tables (``layers/aliases/*.csv`` plus the user's own), groups of units among them;
- ``totals``: recognising totals rows ("Grand Total", "Total Sindh") so they are reported, not joined;
- ``dissolve``: boundaries dissolved by a field, and a group's features merged into one;
- ``matching``: resolving table rows to layer features, stage by stage;
- ``suggest``: ranked fuzzy suggestions for what did not match (rapidfuzz);
- ``report``: ``JoinReport`` / ``JoinResult`` (summary, CSV, accepted matches for the project);
- ``attribute``: ``join_attributes``, the attribute join with its cardinality rules;
- ``spatial``: ``aggregate_points_in_polygons`` (points counted and summed per polygon);
- ``zonal``: ``zonal_statistics`` (raster values per polygon, exactextract);
- ``catalog``: the layer catalog ``layers/catalog.toml``.
"""

from .attribute import AGGREGATES, join_attributes
from .normalize import NormalizedKey, normalize_key
from .report import JoinReport, JoinResult, Suggestion, accepted_from_dict, accepted_to_dict

__all__ = [
    "join_attributes",
    "AGGREGATES",
    "normalize_key",
    "NormalizedKey",
    "JoinReport",
    "JoinResult",
    "Suggestion",
    "accepted_from_dict",
    "accepted_to_dict",
]
