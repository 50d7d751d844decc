"""Make the hostile corpus: small files built to break a reader, each made at test time.

Every function named ``make_<case>`` writes the files of one case into a folder and returns the
command-line arguments (after ``pakmap``) that feed them to pakmap. ``tests/hostile/cases.py`` pairs
each case with its expected outcome; nothing generated here is committed.

Run as a script to write the corpus into a folder and look at it: ``python make_corpus.py DIR``.
"""

from __future__ import annotations

import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path

# --- building blocks -------------------------------------------------------------------------------


def _shp_points(points: list[tuple[float, float]]) -> tuple[bytes, bytes]:
    """The .shp and .shx of a point shapefile."""
    records, index, offset = b"", b"", 50  # offsets and lengths in 16-bit words
    for i, (x, y) in enumerate(points, 1):
        content = struct.pack("<idd", 1, x, y)
        records += struct.pack(">ii", i, len(content) // 2) + content
        index += struct.pack(">ii", offset, len(content) // 2)
        offset += 4 + len(content) // 2
    xs, ys = [p[0] for p in points], [p[1] for p in points]

    def header(length_bytes: int) -> bytes:
        return (
            struct.pack(">i", 9994)
            + b"\0" * 20
            + struct.pack(">i", length_bytes // 2)
            + struct.pack("<ii", 1000, 1)
            + struct.pack("<4d", min(xs), min(ys), max(xs), max(ys))
            + b"\0" * 32
        )

    return header(100 + len(records)) + records, header(100 + len(index)) + index


def _dbf_header(fields: list[tuple[str, int]], n_records: int) -> bytes:
    """A dBASE III header of text fields ``(name, width)``."""
    record_len = 1 + sum(w for _, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    out = struct.pack("<BBBBIHH20x", 3, 126, 1, 1, n_records, header_len, record_len)
    for name, width in fields:
        out += name.encode("ascii").ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([width, 0]) + b"\0" * 14
    return out + b"\r"


def _dbf(fields: list[tuple[str, int]], rows: list[list[str]]) -> bytes:
    body = b"".join(b" " + b"".join(v.encode("latin-1").ljust(w)[:w] for v, (_, w) in zip(row, fields)) for row in rows)
    return _dbf_header(fields, len(rows)) + body + b"\x1a"


def _write_shapefile(
    folder: Path, stem: str, fields, rows, points, prj: str | None = None, cpg: str | None = None
) -> Path:
    shp, shx = _shp_points(points)
    (folder / f"{stem}.shp").write_bytes(shp)
    (folder / f"{stem}.shx").write_bytes(shx)
    (folder / f"{stem}.dbf").write_bytes(_dbf(fields, rows))
    if prj is not None:
        (folder / f"{stem}.prj").write_text(prj)
    if cpg is not None:
        (folder / f"{stem}.cpg").write_text(cpg)
    return folder / f"{stem}.shp"


WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


def _inflating_member(head: bytes, chunk: bytes, times: int) -> tuple[bytes, int, int]:
    """Raw deflate data of ``head`` then ``chunk`` repeated ``times`` times, with its size and CRC,
    made without holding the inflated data: after a full flush the compressor forgets its history,
    so every repeat compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    prefix = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return prefix + block * times + compressor.flush(zlib.Z_FINISH), len(head) + len(chunk) * times, crc


def _zip_with_raw_member(
    path: Path, members: dict[str, bytes], name: str, deflated: bytes, size: int, crc: int
) -> None:
    """A zip of ordinary ``members`` plus ``name`` whose deflate stream is given (a bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    # Append the prepared member by hand: zipfile would compress it again.
    data = path.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    n_entries = struct.unpack("<H", data[end + 10 : end + 12])[0]
    cd_size, cd_offset = struct.unpack("<II", data[end + 12 : end + 20])
    central = data[cd_offset : cd_offset + cd_size]
    raw_name = name.encode()
    local = (
        struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(raw_name), 0)
        + raw_name
        + deflated
    )
    entry = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(deflated),
            size,
            len(raw_name),
            0,
            0,
            0,
            0,
            0,
            cd_offset,
        )
        + raw_name
    )
    new_central = central + entry
    tail = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, n_entries + 1, n_entries + 1, len(new_central), cd_offset + len(local), 0
    )
    path.write_bytes(data[:cd_offset] + local + new_central + tail)


def _xlsx(path: Path, sheet_xml: str, shared_strings: str | None = None, *, drop: tuple[str, ...] = ()) -> None:
    """A minimal workbook with one sheet whose XML is given."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared_strings
                else ""
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            + (
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                if shared_strings
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared_strings:
        parts["xl/sharedStrings.xml"] = shared_strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            if name not in drop:
                z.writestr(name, text)


_SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows: list[str], dimension: str | None = None, doctype: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {_SHEET_NS}>{dim}<sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>"
    )


def _row(n: int, cells: list[str]) -> str:
    return f'<row r="{n}">' + "".join(cells) + "</row>"


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _number_cell(ref: str, value: float) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def _geojson(path: Path, features: list[dict] | str) -> Path:
    text = features if isinstance(features, str) else json.dumps({"type": "FeatureCollection", "features": features})
    path.write_text(text)
    return path


def _point_feature(name: str, x: float, y: float) -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Point", "coordinates": [x, y]}}


def _square(name: str, x: float, y: float, value: float) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {
        "type": "Feature",
        "properties": {"name": name, "refugees": value},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _districts(folder: Path) -> Path:
    return _geojson(
        folder / "districts.geojson",
        [_square("Peshawar", 71, 34, 1200), _square("Quetta", 66, 30, 800), _square("Karachi", 67, 24, 50)],
    )


def _project(folder: Path, body: str, *, data: Path | None = None, name: str = "project.toml") -> Path:
    data = data or _districts(folder)
    text = (
        f'[pakmap]\nformat = 1\n\n[map]\ntitle = "Hostile"\n\n[[layers]]\nname = "districts"\n'
        f'path = "{data.name}"\n' + body
    )
    (folder / name).write_text(text)
    return folder / name


def _render(folder: Path, suffix: str) -> list[str]:
    return ["render", str(folder / "project.toml"), "-o", str(folder / f"out.{suffix}")]


# --- bombs: bounded memory -------------------------------------------------------------------------


def make_zip_dbf_bomb(folder: Path) -> list[str]:
    """A zipped shapefile whose .dbf inflates to 600 MB (a 600 kB archive)."""
    shp, shx = _shp_points([(71.5, 34.0)])
    header = _dbf_header([("NAME", 250)], 2_400_000)
    deflated, size, crc = _inflating_member(header, (b" " + b"x" * 250) * 4096, 585)
    _zip_with_raw_member(
        folder / "bomb.zip", {"bomb.shp": shp, "bomb.shx": shx, "bomb.prj": WGS84_PRJ}, "bomb.dbf", deflated, size, crc
    )
    return ["info", str(folder / "bomb.zip")]


def make_zip_over_cap(folder: Path) -> list[str]:
    """An honest zipped shapefile above a lowered absolute cap (the environment variable works)."""
    import random

    rng = random.Random(13)
    rows = [["".join(rng.choice("abcdefghij") for _ in range(200))] for _ in range(6000)]
    stem = folder / "big"
    stem.mkdir()
    _write_shapefile(stem, "big", [("NAME", 200)], rows, [(71.0 + i * 1e-4, 34.0) for i in range(6000)])
    with zipfile.ZipFile(folder / "big.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for part in stem.iterdir():
            z.write(part, part.name)
    return ["info", str(folder / "big.zip")]


def make_kmz_bomb(folder: Path) -> list[str]:
    """A KMZ whose doc.kml inflates to 400 MB of blanks inside a description."""
    head = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><description>'
    deflated, size, crc = _inflating_member(head, b" " * (1 << 20), 400)
    # The tail never arrives: a reader that inflates the whole member is already lost.
    _zip_with_raw_member(folder / "bomb.kmz", {}, "doc.kml", deflated, size, crc)
    return ["info", str(folder / "bomb.kmz")]


def make_xlsx_dimension(folder: Path) -> list[str]:
    """A 2 kB workbook that declares every cell of a sheet (A1:XFD1048576) and fills four."""
    rows = [
        _row(1, [_text_cell("A1", "district"), _text_cell("B1", "refugees")]),
        _row(2, [_text_cell("A2", "Peshawar"), _number_cell("B2", 12)]),
        _row(1048576, [_number_cell("XFD1048576", 1)]),
    ]
    _xlsx(folder / "huge.xlsx", _sheet(rows, "A1:XFD1048576"))
    return ["info", str(folder / "huge.xlsx")]


def make_xlsx_wide_rows(folder: Path) -> list[str]:
    """No dimension declared, but 20,000 rows each with a cell in the last column (XFD)."""
    rows = [_row(i, [_number_cell(f"A{i}", i), _number_cell(f"XFD{i}", i)]) for i in range(1, 20001)]
    _xlsx(folder / "wide.xlsx", _sheet(rows))
    return ["info", str(folder / "wide.xlsx")]


def make_xlsx_far_row(folder: Path) -> list[str]:
    """A cell in row 999,999,999,999: far beyond Excel's last row, a million-fold loop for a reader."""
    rows = [
        _row(1, [_text_cell("A1", "district"), _text_cell("B1", "refugees")]),
        _row(2, [_text_cell("A2", "Peshawar"), _number_cell("B2", 12)]),
        _row(999_999_999_999, [_number_cell("A999999999999", 1)]),
    ]
    _xlsx(folder / "far.xlsx", _sheet(rows))
    return ["info", str(folder / "far.xlsx")]


def make_label_size(folder: Path) -> list[str]:
    _project(folder, '[layers.labels]\nfield = "name"\nsize = 1e6\n')
    return _render(folder, "png")


def make_halo_width(folder: Path) -> list[str]:
    _project(folder, '[layers.labels]\nfield = "name"\nhalo_width = 100000.0\n')
    return _render(folder, "pdf")


def make_marker_size(folder: Path) -> list[str]:
    data = _geojson(folder / "points.geojson", [_point_feature("Kababiyan", 71.5, 34.0)])
    _project(folder, "[layers.style.symbol]\nsize = 500000.0\nstroke_width = 10000.0\n", data=data)
    return _render(folder, "svg")


def make_page_size(folder: Path) -> list[str]:
    template = (Path(__file__).resolve().parents[2] / "styles" / "templates" / "a4_landscape.toml").read_text()
    template = template.replace("width = 297", "width = 2970000", 1)
    (folder / "huge_page.toml").write_text(template)
    _project(folder, f'\n[layout]\ntemplate = "{(folder / "huge_page.toml").as_posix()}"\n')
    return _render(folder, "pdf")


def make_export_dpi(folder: Path) -> list[str]:
    _project(folder, '\n[[exports]]\npath = "out.png"\ndpi = 1200\n\n[[exports]]\npath = "poster.pdf"\ndpi = 100000\n')
    return ["render", str(folder / "project.toml")]


# --- archives ----------------------------------------------------------------------------------------


def _geojson_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "villages.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [_point_feature("Kababiyan", 71.5, 34.0), _point_feature("Jalala", 71.9, 34.2)],
                }
            ),
        )


def make_zip_encrypted(folder: Path) -> list[str]:
    """A zip whose member is marked encrypted (what a password-protected zip from Windows is)."""
    path = folder / "locked.zip"
    _geojson_zip(path)
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 1  # general purpose flag, bit 0: encrypted
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    return ["info", str(path)]


def make_zip_bad_crc(folder: Path) -> list[str]:
    """A zip whose member's data was damaged in transit (its CRC no longer matches)."""
    path = folder / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(
            "villages.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [_point_feature("Kababiyan", 71.5, 34.0), _point_feature("Jalala", 71.9, 34.2)],
                }
            ),
        )
    data = bytearray(path.read_bytes())
    at = data.index(b"Kababiyan")
    data[at : at + 9] = b"Kabab1yan"  # same length: only the checksum can tell
    path.write_bytes(bytes(data))
    return ["info", str(path)]


# --- malformed data ----------------------------------------------------------------------------------


def make_infinity_coordinates(folder: Path) -> list[str]:
    _geojson(
        folder / "inf.geojson",
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "a"}, "geometry": {"type": "Point", "coordinates": [Infinity, 34.0]}}, {"type": "Feature", '
        '"properties": {"name": "b"}, "geometry": {"type": "Point", "coordinates": [71.0, 34.0]}}]}',
    )
    return ["map", str(folder / "inf.geojson"), "-o", str(folder / "out.png")]


def make_infinity_csv(folder: Path) -> list[str]:
    (folder / "inf.csv").write_text("name,lat,lon\nKababiyan,34.0,inf\nJalala,34.2,71.9\n")
    return ["map", str(folder / "inf.csv"), "-o", str(folder / "out.pdf")]


def make_nested_collection(folder: Path) -> list[str]:
    inner = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [71.5, 34.0]}]},
            {"type": "Polygon", "coordinates": [[[71, 34], [72, 34], [72, 35], [71, 34]]]},
        ],
    }
    _geojson(
        folder / "nested.geojson",
        [{"type": "Feature", "properties": {"name": "a"}, "geometry": inner}, _point_feature("b", 71.9, 34.2)],
    )
    return ["map", str(folder / "nested.geojson"), "-o", str(folder / "out.html")]


def make_polygon_collections(folder: Path) -> list[str]:
    """Collections (nested) of polygons only are the MultiPolygon they mean (KML MultiGeometry)."""
    nested = {
        "type": "GeometryCollection",
        "geometries": [
            {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "coordinates": [[[71, 34], [72, 34], [72, 35], [71, 34]]]}],
            },
            {"type": "Polygon", "coordinates": [[[73, 34], [74, 34], [74, 35], [73, 34]]]},
        ],
    }
    _geojson(folder / "collections.geojson", [{"type": "Feature", "properties": {"name": "a"}, "geometry": nested}])
    return ["info", str(folder / "collections.geojson")]


def make_duplicate_fields(folder: Path) -> list[str]:
    _write_shapefile(
        folder, "dup", [("NAME", 20), ("NAME", 20)], [["Peshawar", "Quetta"]], [(71.5, 34.0)], prj=WGS84_PRJ
    )
    return ["info", str(folder / "dup.shp")]


def make_csv_big_field(folder: Path) -> list[str]:
    """A 1 MB cell (a long WKT or a pasted document) is data: it is read."""
    (folder / "big_field.csv").write_text('district,notes\nPeshawar,"' + "n" * 1_000_000 + '"\nQuetta,short\n')
    return ["info", str(folder / "big_field.csv")]


def make_csv_field_over_limit(folder: Path) -> list[str]:
    (folder / "huge_field.csv").write_text('district,notes\nPeshawar,"' + "n" * 1_500_000 + '"\nQuetta,short\n')
    return ["info", str(folder / "huge_field.csv")]


def make_csv_utf16_no_bom(folder: Path) -> list[str]:
    text = "district,refugees\nPeshāwar,1200\nQuetta,800\nKarāchi,50\n"
    (folder / "utf16.csv").write_bytes(text.encode("utf-16-le"))
    return ["info", str(folder / "utf16.csv")]


def make_csv_zero_bytes(folder: Path) -> list[str]:
    """Zero bytes that are not UTF-16: a binary file named .csv."""
    (folder / "binary.csv").write_bytes(b"district,refugees\nPeshawar,12\x00\x00\x00\x00\nQuetta,\x00\x07\x00\x00\n")
    return ["info", str(folder / "binary.csv")]


def make_xlsx_formula_errors(folder: Path) -> list[str]:
    rows = [
        _row(1, [_text_cell("A1", "district"), _text_cell("B1", "rate")]),
        _row(2, [_text_cell("A2", "Peshawar"), _number_cell("B2", 0.25)]),
        _row(3, [_text_cell("A3", "Quetta"), '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>']),
        _row(4, [_text_cell("A4", "Karachi"), '<c r="B4" t="e"><f>X1</f><v>#REF!</v></c>']),
    ]
    _xlsx(folder / "errors.xlsx", _sheet(rows, "A1:B4"))
    return ["info", str(folder / "errors.xlsx")]


def make_xlsx_broken_part(folder: Path) -> list[str]:
    rows = [_row(1, [_text_cell("A1", "district"), _text_cell("B1", "refugees")])]
    _xlsx(folder / "broken.xlsx", _sheet(rows)[:-40])  # the sheet's XML stops in the middle
    return ["info", str(folder / "broken.xlsx")]


def make_xlsx_missing_part(folder: Path) -> list[str]:
    rows = [_row(1, [_text_cell("A1", "district"), _text_cell("B1", "refugees")])]
    _xlsx(folder / "no_sheet.xlsx", _sheet(rows), drop=("xl/worksheets/sheet1.xml",))
    return ["info", str(folder / "no_sheet.xlsx")]


def make_xlsx_entity_expansion(folder: Path) -> list[str]:
    doctype = (
        '<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + "]>"
    )
    rows = [
        _row(1, [_text_cell("A1", "district"), _text_cell("B1", "notes")]),
        _row(2, [_text_cell("A2", "Peshawar"), _text_cell("B2", "&lol9;")]),
    ]
    _xlsx(folder / "laughs.xlsx", _sheet(rows, doctype=doctype))
    return ["info", str(folder / "laughs.xlsx")]


def make_xlsx_xxe(folder: Path) -> list[str]:
    doctype = '<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    rows = [
        _row(1, [_text_cell("A1", "district"), _text_cell("B1", "notes")]),
        _row(2, [_text_cell("A2", "Peshawar"), _text_cell("B2", "&secret;")]),
    ]
    _xlsx(folder / "xxe.xlsx", _sheet(rows, doctype=doctype))
    return ["info", str(folder / "xxe.xlsx")]


def make_cpg_not_text(folder: Path) -> list[str]:
    """A .cpg naming a codec Python knows that is not a text encoding: the bytes decide."""
    _write_shapefile(folder, "cpg", [("NAME", 20)], [["Peshawar"]], [(71.5, 34.0)], prj=WGS84_PRJ, cpg="hex_codec")
    return ["info", str(folder / "cpg.shp")]


def make_engineering_crs(folder: Path) -> list[str]:
    prj = 'LOCAL_CS["Camp site grid",LOCAL_DATUM["Site datum",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    _write_shapefile(folder, "site", [("NAME", 20)], [["Block A"]], [(120.0, 340.0)], prj=prj)
    return ["map", str(folder / "site.shp"), "-o", str(folder / "out.png")]


def make_garbage_flatgeobuf(folder: Path) -> list[str]:
    import random

    rng = random.Random(7)
    (folder / "garbage.fgb").write_bytes(b"fgb\x03fgb\x00" + bytes(rng.randrange(256) for _ in range(4000)))
    return ["info", str(folder / "garbage.fgb")]


def make_gpkg_bad_application_id(folder: Path) -> list[str]:
    import geopandas as gpd
    from shapely.geometry import Point

    path = folder / "odd.gpkg"
    gpd.GeoDataFrame({"name": ["Kababiyan"]}, geometry=[Point(71.5, 34.0)], crs="EPSG:4326").to_file(path)
    data = bytearray(path.read_bytes())
    data[68:72] = b"XXXX"  # SQLite header: application_id (GeoPackage: "GPKG")
    path.write_bytes(bytes(data))
    return ["info", str(path)]


def make_gpkg_bad_application_id_error(folder: Path) -> list[str]:
    """The same file with a mistake of the officer's: pakmap's one line, and no GDAL warning beside it."""
    return make_gpkg_bad_application_id(folder) + ["--layer", "missing"]


def _geotiff(path: Path, width: int, height: int, **profile) -> None:
    import numpy as np
    import rasterio
    from rasterio.transform import from_bounds

    options = dict(
        driver="GTiff",
        width=width,
        height=height,
        count=1,
        dtype="uint8",
        crs="EPSG:4326",
        transform=from_bounds(60, 23, 78, 37, width, height),
        nodata=0,
    )
    options.update(profile)
    with rasterio.open(path, "w", **options) as dst:
        if width * height <= 4_000_000:
            dst.write(np.arange(width * height, dtype=np.uint32).reshape(1, height, width).astype("uint8") | 1)
        else:  # sparse: write one block, the rest stays unwritten (no bytes on disk)
            dst.write(np.full((1, 256, 256), 7, dtype="uint8"), window=((0, 256), (0, 256)))


def _raster_project(folder: Path, raster: str) -> list[str]:
    """A project of the districts over ``raster``, rendered to PNG."""
    _project(folder, f'\n[[layers]]\nname = "population"\npath = "{raster}"\n')
    return _render(folder, "png") + ["--dpi", "150"]


def make_sparse_geotiff(folder: Path) -> list[str]:
    _geotiff(
        folder / "sparse.tif",
        50_000,
        50_000,
        tiled=True,
        blockxsize=256,
        blockysize=256,
        sparse_ok=True,
        compress="deflate",
    )
    return _raster_project(folder, "sparse.tif")


def make_corrupt_tiles(folder: Path) -> list[str]:
    path = folder / "corrupt.tif"
    _geotiff(path, 1024, 1024, tiled=True, blockxsize=256, blockysize=256, compress="deflate")
    data = bytearray(path.read_bytes())
    # Overwrite the middle of the file (the compressed tiles) with bytes no inflater accepts.
    middle = len(data) // 2
    data[middle - 2000 : middle + 2000] = b"\xff" * 4000
    path.write_bytes(bytes(data))
    return _raster_project(folder, "corrupt.tif")


def make_zonal_corrupt_tiles(folder: Path) -> list[str]:
    """Zonal statistics (population per district) over the damaged raster."""
    make_corrupt_tiles(folder)
    with open(folder / "project.toml", "a") as f:
        f.write(
            '\n[[joins]]\nkind = "zonal"\nlayer = "districts"\nraster = "population"\nstats = { population = "sum" }\n'
        )
    return _render(folder, "html")


# --- project files -----------------------------------------------------------------------------------


# Project text after the districts layer, and the output format: numbers no map setting means.
_PROJECT_NUMBERS = {
    "project_nan": ("opacity = nan\n", "png"),
    "project_infinite_bounds": ("\n[layout.extent]\nbounds = [-inf, 20.0, inf, 40.0]\n", "png"),
    "project_huge_numbers": ("\n[layout.extent]\nscale = 1e300\nmargin = 1e300\n", "png"),
    "project_huge_zoom": ("\n[web]\nmin_zoom = -9223372036854775808\nmax_zoom = 9223372036854775807\n", "html"),
}


def _project_numbers_maker(body: str, suffix: str):
    def make(folder: Path) -> list[str]:
        _project(folder, body)
        return _render(folder, suffix)

    return make


def make_deep_toml(folder: Path) -> list[str]:
    depth = 100_000
    (folder / "deep.toml").write_text("[pakmap]\nformat = 1\n\n[map]\ntitle = " + "[" * depth + "]" * depth + "\n")
    return ["render", str(folder / "deep.toml"), "-o", str(folder / "out.png")]


CASE_MAKERS = {name[len("make_") :]: fn for name, fn in globals().items() if name.startswith("make_")}
CASE_MAKERS.update({name: _project_numbers_maker(*spec) for name, spec in _PROJECT_NUMBERS.items()})


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "hostile-corpus")
    for name, make in CASE_MAKERS.items():
        folder = target / name
        folder.mkdir(parents=True, exist_ok=True)
        print(name, " ".join(make(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
