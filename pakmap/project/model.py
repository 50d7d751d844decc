"""The project model: everything a map is made of, as plain data.

A project is what the officer saves and re-renders next month: which files to read (paths relative
to the project file), how to join tables to boundaries (with the fuzzy matches they accepted), how
each layer is styled, the page layout, the web map, the exports and the data-protection decisions.

Each table of the project file (``docs/project-format.md``) is one dataclass below; the TOML reader
(``pakmap.project.toml_format``) maps keys to fields generically, so adding a field here extends the
format, and an unknown key in a file is reported rather than ignored.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from ..events import Signal
from ..postgis.address import is_database_address
from ..style import LabelStyle, RasterStyle, VectorStyle

FORMAT_VERSION = 1
JOIN_KINDS = ("attribute", "spatial", "zonal")
JOIN_ROLES = ("layer", "table", "points", "raster")  # the JoinSpec fields that name project layers
PRODUCT_KINDS = ("quality", "exposure", "3w")
PRODUCT_FILES = ("input", "against", "hazard", "people", "by")  # ProductSpec fields that name files read
CHART_KINDS = ("bar", "table")
MAX_CHART_ROWS = 40  # a chart or table on a page: beyond this no row is readable


@dataclass
class DissolveSpec:
    """A layer made from another layer of the project: its features dissolved by one or more fields."""

    source: str  # the name of another layer of the project (as read, before joins)
    by: str | list[str]  # the field(s) whose values become the new features ("province")

    @property
    def fields(self) -> list[str]:
        return [self.by] if isinstance(self.by, str) else list(self.by)


@dataclass
class LayerSpec:
    """One layer: where its data is (a file, or ``dissolve`` of another layer) and how it is drawn."""

    name: str
    path: str = (
        ""  # relative to the project file (forward slashes), or absolute, or postgresql://…; empty with ``dissolve``
    )
    # A database table, view or query instead of a file: service/host/port/dbname/user, and table or
    # query, and geometry (pakmap.postgis.address; never a password)
    source: dict[str, Any] = dataclasses.field(default_factory=dict)
    layer: str | None = None  # layer inside a multi-layer file (GeoPackage, KML, zip)
    crs: str | None = None  # set the CRS of a file that has none (never assumed)
    repair: bool = False  # make_valid invalid geometries on load (reported, never silent)
    visible: bool = True
    opacity: float = 1.0
    options: dict[str, Any] = dataclasses.field(default_factory=dict)  # reader options: sheet, header_row, lat, lon…
    # Typed styles (pakmap.style); None: the default of the layer's kind. The TOML tables are read
    # and written by pakmap.project.toml_format, the file boundary, and nowhere else.
    style: VectorStyle | RasterStyle | None = None
    labels: LabelStyle | None = None
    popup_fields: list[str] = dataclasses.field(default_factory=list)  # fields shown in web-map popups/tooltips
    legend: bool = True  # listed in the print legend
    dissolve: DissolveSpec | None = None  # made from another layer instead of read from ``path``
    # field -> "count" | "rate" | "measure" | "identifier" | "other" (pakmap.field_kinds): only counts
    # are suppressed below the protection threshold
    fields: dict[str, str] = dataclasses.field(default_factory=dict)
    # field -> the count field of its contributors (a rate -> its population, a mean -> its households):
    # values over 1 … threshold − 1 contributors are suppressed in exports
    denominators: dict[str, str] = dataclasses.field(default_factory=dict)
    # field -> expression (pakmap.calculate), calculated in order after the layer's joins: a new field,
    # or an existing one replaced (the file itself is never changed)
    calculate: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass
class JoinSpec:
    """Attach a statistics table to a layer (attribute join), count or sum points in polygons
    (spatial), or sum or average a raster's cells per polygon (zonal). Every kind is re-run each
    time the project is loaded, so next month's data goes through the same steps."""

    layer: str  # the target layer (boundaries)
    table: str = ""  # attribute join: the table layer
    kind: str = "attribute"  # "attribute", "spatial" or "zonal"
    on: list[list[str]] = dataclasses.field(default_factory=list)  # [[layer_field, table_field], …]
    within: list[str] = dataclasses.field(default_factory=list)  # [layer_parent_field, table_parent_field]
    fields: list[str] = dataclasses.field(default_factory=list)  # table fields to bring over (empty: all)
    aggregate: str | None = None  # sum | mean | count | first, for one-to-many tables
    aliases: list[str] = dataclasses.field(default_factory=list)  # extra alias files, relative to the project
    accepted: dict[str, str] = dataclasses.field(default_factory=dict)  # table key -> layer key, user-accepted
    groups: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # row name -> units it stands for
    strict: bool = False  # unmatched table rows with values are an error, not a warning
    points: str = ""  # spatial join: the point layer
    stats: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # spatial: output field -> "count" | "sum:FIELD" | "mean:FIELD"; zonal: output field -> "sum" | "mean" | …
    raster: str = ""  # zonal statistics: the raster layer
    band: int = 1  # zonal statistics: the raster band


@dataclass
class ExtentSpec:
    """The main map's extent: a layer's bounds, one feature's bounds, or explicit bounds."""

    layer: str | None = None
    field: str | None = None  # with value: the feature of ``layer`` whose ``field`` equals ``value``
    value: Any = None
    bounds: list[float] = dataclasses.field(default_factory=list)  # [xmin, ymin, xmax, ymax] in the map CRS
    margin: float = 0.03  # relative padding around the extent
    scale: float | None = None  # fixed scale denominator (e.g. 2_000_000), optional


@dataclass
class AtlasSpec:
    layer: str  # coverage layer: one page per feature
    name_field: str = "name"  # used in titles ({name}) and file names
    title: str = "{name}"
    sort_field: str | None = None


@dataclass
class ChartSpec:
    """A bar chart or a table on the page (and on the web dashboard) drawn from a layer's data:
    its ``top`` features by ``field``, or, with ``by`` (a column such as the province), the
    totals per group. Values pass the same small-count suppression as the map."""

    kind: str  # "bar" | "table"
    layer: str
    field: str = ""  # the value shown; "" = the field the layer's style maps
    by: str = ""  # "" = one row per feature; a column of the layer = one total per group
    label: str = ""  # the column naming each feature; "" = the layer's label field, else its name field
    top: int = 10
    title: str = ""  # "" = made from the field ("Top 10 districts by population")


INSETS_LIMIT = 4  # insets a page may ask for: more would crowd out the map they explain


@dataclass
class LayoutSpec:
    """The print page: template plus the fields an officer edits for each edition."""

    template: str = "a4_landscape"  # a file in styles/templates/ (or a path)
    title: str = ""
    subtitle: str = ""
    as_of: str = ""  # the data's date, "as of 31 October 2026"
    map_id: str = ""
    sources: str = ""
    contact: str = ""
    locator: bool = True
    # Inset maps for dense clusters whose labels do not fit (Karachi): true (up to two), false, or
    # how many at most (0 to INSETS_LIMIT).
    inset: bool | int = True
    extent: ExtentSpec = dataclasses.field(default_factory=ExtentSpec)
    atlas: AtlasSpec | None = None
    charts: list[ChartSpec] = dataclasses.field(default_factory=list)  # in a panel beside the map


@dataclass
class WebSpec:
    basemap: str = "none"  # an xyzservices provider name (e.g. "CartoDB.Positron") or "none" (offline)
    min_zoom: int = 4
    max_zoom: int = 12


@dataclass
class ExportSpec:
    """One output of ``pakmap render``: a file (its format from the extension), or a database table
    (``postgresql://…/schema.table``) that publishes one vector layer of the project."""

    path: str  # output file, relative to the project; or a database address
    dpi: int = 300
    world_file: bool = False
    atlas: bool = False
    layer: str = ""  # a database export: the layer it publishes
    replace: bool = False  # a database export: replace the table (and its companions) if it exists
    dashboard: bool = False  # an .html export: the web dashboard (map, chart and table following a filter)


@dataclass
class ProductSpec:
    """A regular product re-made by ``pakmap render``: a data-quality report of a file (``quality``),
    people and places inside a hazard footprint per admin unit (``exposure``), or who does what where
    from a partner activity table (``3w``). Paths are relative to the project file, like layers'."""

    kind: str  # "quality" | "exposure" | "3w"
    outputs: list[str] = dataclasses.field(default_factory=list)  # .html/.pdf/.csv; exposure: .csv/.gpkg/.pdf/.png
    title: str = ""
    # quality
    input: str = ""  # the table or point layer checked
    against: str = ""  # boundaries whose names and P-codes it should use
    sheet: str | None = None  # layer or sheet of ``input``
    header_row: int | None = None  # the row of ``input`` holding the column names
    name_field: str | None = None
    pcode_field: str | None = None
    key_field: str | None = None
    places: bool = False  # the points are sites or villages, not people
    # exposure
    hazard: str = ""  # flood raster (GeoTIFF) or footprint polygons
    threshold: float = 0.0  # raster cells above this value are the footprint
    people: str = ""  # villages, sites or households (points)
    value: str | None = None  # field of ``people`` to sum (population)
    by: str = ""  # admin units
    # 3w: ``input`` is the activity table, ``by`` the units, ``value`` the people reached
    by_layer: str | None = None  # layer of ``by``
    partner_field: str | None = None
    sector_field: str | None = None
    statuses: list[str] = dataclasses.field(default_factory=list)  # only rows with these statuses


@dataclass
class AllowSpec:
    """An explicit decision to let a sensitive field into an export."""

    layer: str
    field: str
    export: str = "*"  # an export path, or "*" for every export
    reason: str = ""


@dataclass
class ProtectionSpec:
    threshold: int = 5  # counts below are shown as "<threshold"
    threshold_reason: str = ""  # why a threshold below 5 is enough (required then; kept in the export record)
    allow: list[AllowSpec] = dataclasses.field(default_factory=list)
    # Point layers of individuals/households published as counts: layer -> "hex:SIZE_KM" or "admin:BOUNDARY_LAYER"
    aggregate: dict[str, str] = dataclasses.field(default_factory=dict)
    # Point layers read from a CSV, XLSX or KML list are taken as people unless declared here as places
    # (villages, facilities, sites): layer names
    places: list[str] = dataclasses.field(default_factory=list)


@dataclass
class MapSpec:
    title: str = ""
    crs: str | None = None  # the map's CRS; default: the first layer's


@dataclass
class ViewSpec:
    """The desktop window as the project was last saved from it, restored when it is reopened."""

    extent: list[float] = dataclasses.field(default_factory=list)  # [xmin, ymin, xmax, ymax], map CRS
    panels: dict[str, bool] = dataclasses.field(default_factory=dict)  # dock name -> open ("layers": true)


@dataclass
class Project:
    map: MapSpec = dataclasses.field(default_factory=MapSpec)
    layers: list[LayerSpec] = dataclasses.field(default_factory=list)
    joins: list[JoinSpec] = dataclasses.field(default_factory=list)
    layout: LayoutSpec = dataclasses.field(default_factory=LayoutSpec)
    web: WebSpec = dataclasses.field(default_factory=WebSpec)
    exports: list[ExportSpec] = dataclasses.field(default_factory=list)
    protection: ProtectionSpec = dataclasses.field(default_factory=ProtectionSpec)
    products: list[ProductSpec] = dataclasses.field(default_factory=list)
    illustrative: bool = False  # generated example data: every output says so on its face
    view: ViewSpec = dataclasses.field(default_factory=ViewSpec)

    def __post_init__(self) -> None:
        self.path: Path | None = None  # where it was loaded from / saved to
        self.changed: Signal[[Project]] = Signal(Project)  # views repaint / mark unsaved on emit

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, relative: str) -> Path:
        """A path from the project file, made absolute against the project's folder (a database
        address, ``postgresql://…``, is returned as it is)."""
        if is_database_address(relative):
            return relative  # type: ignore[return-value]
        p = Path(relative).expanduser()
        return p if p.is_absolute() else (self.folder / p)

    def layer_spec(self, name: str) -> LayerSpec:
        for spec in self.layers:
            if spec.name == name:
                return spec

        raise ProjectError(
            f"no layer named '{name}' in the project",
            path=self.path,
            fix=f"use one of: {', '.join(s.name for s in self.layers) or '(no layers)'}",
        )
