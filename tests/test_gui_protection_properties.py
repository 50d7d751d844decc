"""Property test (hypothesis) of the desktop app's export actions: no generated personal value in any byte.

For generated household lists (names in Latin and Urdu script, phones and CNICs in several formats,
exact coordinates), added to the real main window beside the provinces and aggregated to them as the
officer decides, the layout's export action (PDF, SVG, web map) and Project ▸ Export as QGIS project
(.qgz and its GeoPackage) write no name, phone or CNIC: not in the PDF's decompressed streams nor
its text and metadata, not in SVG, HTML, GeoPackage tables, the QGIS project, the export records
nor in any file name.
"""

from __future__ import annotations

import re
import tempfile
import zlib
from pathlib import Path

import pytest
from gui_helpers import WAIT_MS, add_files
from hypothesis import HealthCheck, Phase, given, settings
from test_protection_exports import output_text
from test_protection_properties import _all_text, household_lists, personal

from pakmap.protection.decisions import set_aggregation

pytestmark = pytest.mark.filterwarnings("ignore:More than one layer found:UserWarning")

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_streams(data: bytes) -> str:
    """Every stream of a PDF, inflated where it is deflated (content streams, fonts' ToUnicode maps)."""
    out = []
    for raw in _STREAM.findall(data):
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            out.append(raw.decode("latin-1"))
    return "\n".join(out)


def _every_byte(path: Path) -> str:
    text = path.name + "\n" + path.read_bytes().decode("utf-8", "replace")
    if path.suffix == ".pdf":
        text += pdf_streams(path.read_bytes()) + output_text(path)
    elif path.suffix in (".gpkg", ".qgz"):
        text += _all_text(path)
    return text


def _export(window, qtbot, start) -> list:
    written, errors_before = [], len(window.errors)
    start(written.extend)
    qtbot.waitUntil(lambda: bool(written) or len(window.errors) > errors_before, timeout=WAIT_MS)
    assert len(window.errors) == errors_before, window.errors[-1]
    return written


def _clear(window) -> None:
    for layer in [l.name for l in window.document.layers]:
        window.document.remove_layer(layer)


@pytest.mark.timeout(240)
@settings(
    max_examples=2,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # each example exports four files through the app: no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(table=household_lists())
def test_no_household_value_in_any_file_the_app_exports(window, qtbot, shared_data, table):
    _clear(window)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        households = folder / "households.csv"
        table.to_csv(households, index=False)
        add_files(window, qtbot, shared_data / "pak_provinces.geojson", households)
        window.document.decide(
            lambda project: set_aggregation(project, "households", "admin:pak_provinces"), "Aggregate households"
        )
        out = folder / "out"
        out.mkdir()
        layout = window.open_layout()
        for suffix in (".pdf", ".svg", ".html"):
            _export(window, qtbot, lambda done, s=suffix: layout.export_to(out / f"map{s}", on_done=done))
        layout.close()
        qgz = out / "project.qgz"
        with qtbot.waitSignal(window.interop.exported, timeout=WAIT_MS):
            window.interop.export_qgis(str(qgz))
        files = sorted(p for p in out.iterdir() if p.is_file())
        assert {p.suffix for p in files} >= {".pdf", ".svg", ".html", ".qgz", ".gpkg", ".json"}
        values = [v for v in personal(table) if len(v) >= 4]
        for path in files:
            text = _every_byte(path)
            leaked = [v for v in values if v in text]
            assert not leaked, (path.name, leaked[:3])
        _clear(window)
