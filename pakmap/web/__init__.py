"""Interactive web maps (folium/Leaflet): small, safe, self-contained HTML files.

``export_webmap(loaded, out_path)`` is what ``pakmap render project.toml -o map.html`` calls.
"""

from .webmap import build_webmap, export_webmap, render_html

__all__ = ["build_webmap", "export_webmap", "render_html"]
