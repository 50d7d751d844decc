"""The catalog of standard layers and name alias tables, as data (TOML/CSV).

This folder is installed as the import package ``pakmap_layers`` (``[tool.setuptools.package-dir]``
in pyproject.toml); the core finds its files through ``pakmap.resources.layers_dir``.
"""
