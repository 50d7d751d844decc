"""The PySide6 desktop front end: a thin view over the pakmap core."""
