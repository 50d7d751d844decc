"""UNHCR palettes, symbols and page templates, as data (TOML/SVG) that an officer can edit.

This folder is installed as the import package ``pakmap_styles`` (``[tool.setuptools.package-dir]``
in pyproject.toml); the core finds its files through ``pakmap.resources.styles_dir``.
"""
