"""Data protection built into every export.

Which fields are personal data is decided per layer when it is read (``pakmap.sensitivity``); this
package decides what each export may publish.

* ``counts``: small-count suppression ("<5") for tables and legends.
* ``aggregate``: points of individuals/households counted per admin unit or hexagon.
* ``policy``: what an export may publish (``plan_export``), the findings (``check_project``), the
  copy exporters work from (``safe_loaded``) and the guard of ``render``/``map`` (``guard_export``).
* ``record``: the export record written beside every export (``write_export_record``).
* ``publish``: exported layers as a GeoPackage, small counts as "<5" (``write_geopackage``).
* ``decisions``: allows and aggregations saved in the project (``allow_field``, ``set_aggregation``).
"""

from .aggregate import aggregate_points
from .counts import count_fields, published_frame, suppression_counts
from .decisions import allow_field, revoke_allow, set_aggregation
from .policy import ExportPlan, Finding, LayerPlan, check_project, guard_export, plan_export, safe_loaded
from .publish import write_geopackage
from .record import write_export_record

__all__ = [
    "aggregate_points",
    "count_fields",
    "published_frame",
    "suppression_counts",
    "ExportPlan",
    "Finding",
    "LayerPlan",
    "check_project",
    "guard_export",
    "plan_export",
    "safe_loaded",
    "write_export_record",
    "write_geopackage",
    "allow_field",
    "revoke_allow",
    "set_aggregation",
]
