"""Errors a GIS officer can act on.

Every error pakmap raises for bad input says three things on one line: which file, what is wrong,
and how to fix it. The command line prints ``str(error)`` and exits with status 2; the desktop app
shows the same sentence in a message box. Nothing else should ever reach the user as a traceback.
"""

from __future__ import annotations

import os
from typing import Any


class PakmapError(Exception):
    """Base class: a problem with the user's input, described so the user can fix it."""

    def __init__(self, problem: str, *, path: str | os.PathLike | None = None, fix: str | None = None):
        self.problem = problem
        self.path = None if path is None else os.fspath(path)
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.path}: {self.problem}" if self.path else self.problem
        if self.fix:
            text = f"{text} — {self.fix}"
        # One line, always: multi-line library messages would break the CLI contract.
        return " ".join(text.split())

    def __str__(self) -> str:
        return self.message


class SourceError(PakmapError):
    """A data file cannot be opened or is not what it claims to be."""


class ProjectError(PakmapError):
    """A project file is malformed, of an unknown version, or refers to something missing."""


class StyleError(PakmapError):
    """A style, palette or template definition is invalid."""


class JoinError(PakmapError):
    """A join cannot be made as asked (unknown field, one-to-many without aggregation, strict mode)."""

    # The report of a join refused after matching (``pakmap.join.JoinReport``): the CLI and the GUI
    # show it, so the officer sees what to fix.
    report: Any = None


class ExpressionError(PakmapError):
    """A filter expression cannot be evaluated on a table (syntax, unknown field, not a condition)."""


class ExportError(PakmapError):
    """An export cannot be written."""


class ProtectionError(PakmapError):
    """An export would publish personal data or small counts that the user has not allowed."""
