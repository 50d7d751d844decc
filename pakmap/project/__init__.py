"""Project files: the model (``model``), the TOML format (``toml_format``) and loading a project's
layers with its joins applied (``loader``)."""

from .model import (
    AllowSpec,
    AtlasSpec,
    DissolveSpec,
    ExportSpec,
    ExtentSpec,
    JoinSpec,
    LayerSpec,
    LayoutSpec,
    MapSpec,
    Project,
    ProtectionSpec,
    ViewSpec,
    WebSpec,
)
from .toml_format import load_project, save_project

__all__ = [
    "AllowSpec",
    "AtlasSpec",
    "DissolveSpec",
    "ExportSpec",
    "ExtentSpec",
    "JoinSpec",
    "LayerSpec",
    "LayoutSpec",
    "MapSpec",
    "Project",
    "ProtectionSpec",
    "ViewSpec",
    "WebSpec",
    "load_project",
    "save_project",
]
