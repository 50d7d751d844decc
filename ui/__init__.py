"""The PySide6 desktop front end: a thin view over the pakmap core.

This folder is installed as the import package ``pakmap_ui`` (``[tool.setuptools.package-dir]`` in
pyproject.toml): ``from pakmap_ui.main_window import MainWindow`` reads ``ui/main_window.py``.
"""
