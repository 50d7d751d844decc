"""pakmap: desktop GIS and print/web mapping for refugee-operation information management.

The core package (this one) never imports Qt widgets: it reads data, joins, classifies, renders into
any QPainter surface, lays out pages and writes exports. The desktop front end lives in
``pakmap_ui`` (the repository's ``ui/`` folder), the layer catalog in ``pakmap_layers`` and the
UNHCR styles in ``pakmap_styles``.
"""

__version__ = "0.1.0"
