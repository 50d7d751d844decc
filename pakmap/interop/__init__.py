"""Styles and projects shared with QGIS and ArcGIS Pro.

* ``qml``: a layer's style as a QGIS ``.qml`` (and a ``.qml`` read back into a pakmap style).
* ``sld``: a layer's style as OGC SLD 1.1 / SE 1.1 (GeoServer, ArcGIS Pro's import).
* ``layer_styles``: the GeoPackage ``layer_styles`` table QGIS reads a layer's default style from.
* ``qgis_symbols``: QGIS symbol XML from pakmap symbols and back; ``xml_safe``: parsing files that came by email.

The core writes and reads these formats itself (no QGIS needed); the tests check them with QGIS. A whole
project as a ``.qgz`` and style files in and out of a project are jobs (``pakmap.jobs.qgis_project``,
``pakmap.jobs.style_files``): they go through the export policy, which reads these formats.
"""

from .qml import ImportedStyle, read_qml, style_to_qml
from .sld import style_to_sld

__all__ = ["ImportedStyle", "read_qml", "style_to_qml", "style_to_sld"]
