"""The hostile corpus's expected outcomes: one row per ``make_<id>`` of ``make_corpus.py``.

``exit`` is the command's exit status. For 2, ``phrase`` must be in the one line pakmap prints on
stderr; for 0, in what it prints on stdout (stderr must then be empty). ``env`` is set for that case
only (the limits' environment variables, to show that raising or lowering them works).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expected:
    id: str
    exit: int
    phrase: str
    env: dict[str, str] = field(default_factory=dict)


EXPECTED = [
    # Bombs: refused before they inflate, naming the limit and its variable.
    Expected("zip_dbf_bomb", 2, "PAKMAP_MAX_ZIP_RATIO"),
    Expected("zip_over_cap", 2, "PAKMAP_MAX_UNZIPPED_MB", env={"PAKMAP_MAX_UNZIPPED_MB": "1"}),
    Expected("kmz_bomb", 2, "PAKMAP_MAX_ZIP_RATIO"),
    Expected("xlsx_dimension", 0, "district (text), refugees"),  # the declared size is not trusted
    Expected("xlsx_wide_rows", 2, "PAKMAP_MAX_SHEET_CELLS"),
    Expected("xlsx_far_row", 2, "rows beyond Excel's last"),
    Expected("label_size", 2, "PAKMAP_MAX_LABEL_PT"),
    Expected("halo_width", 2, "PAKMAP_MAX_LINE_MM"),
    Expected("marker_size", 2, "PAKMAP_MAX_MARKER_MM"),
    Expected("page_size", 2, "PAKMAP_MAX_PAGE_MM"),
    Expected("export_dpi", 2, "dpi of export 'poster.pdf'"),
    Expected("sparse_geotiff", 2, "PAKMAP_MAX_RASTER_PIXELS"),
    # Archives.
    Expected("zip_encrypted", 2, "password-protected"),
    Expected("zip_bad_crc", 2, "fails its checksum"),
    # Malformed data.
    Expected("infinity_coordinates", 2, "infinite coordinates"),
    Expected("infinity_csv", 2, "outside ±180 degrees"),
    Expected("nested_collection", 2, "geometry collection(s) mixing points, lines and polygons"),
    Expected("polygon_collections", 0, "MultiPolygon"),
    Expected("duplicate_fields", 0, "NAME (text), NAME_2 (text)"),
    Expected("csv_big_field", 0, "notes (text)"),
    Expected("csv_field_over_limit", 2, "PAKMAP_MAX_CSV_FIELD_MB", env={"PAKMAP_MAX_CSV_FIELD_MB": "1"}),
    Expected("csv_utf16_no_bom", 0, "district (text), refugees (integer)"),
    Expected("csv_zero_bytes", 2, "zero bytes"),
    Expected("xlsx_formula_errors", 0, "2 cell(s) with Excel formula errors (#DIV/0!, #REF!) read as missing"),
    Expected("xlsx_broken_part", 2, "damaged or unsafe workbook"),
    Expected("xlsx_missing_part", 2, "no readable worksheet"),
    Expected("xlsx_entity_expansion", 2, "damaged or unsafe workbook"),
    Expected("xlsx_xxe", 2, "damaged or unsafe workbook"),
    Expected("cpg_not_text", 0, "text encoding: utf-8"),  # a .cpg naming a codec that is no encoding
    Expected("engineering_crs", 2, "local engineering grid"),
    Expected("garbage_flatgeobuf", 2, "empty or damaged"),
    Expected("gpkg_bad_application_id", 0, "features:  1"),
    Expected("gpkg_bad_application_id_error", 2, "has no layer 'missing'"),
    Expected("corrupt_tiles", 2, "pixel data is damaged"),
    Expected("zonal_corrupt_tiles", 2, "pixel data is damaged"),
    # Project files.
    Expected("project_nan", 2, "not a finite number"),
    Expected("project_infinite_bounds", 2, "not a finite number"),
    Expected("project_huge_numbers", 2, "out of range"),
    Expected("project_huge_zoom", 2, "min_zoom"),
    Expected("deep_toml", 2, "nested too deeply"),
]

__all__ = ["Expected", "EXPECTED"]
