"""``pakmap boundaries fetch`` against a local HTTP server serving a copy of the real districts.

The server stands in for https://www.geoboundaries.org/api/current/gbOpen/PAK/ADM2/ (this machine
has no internet): it answers the API's JSON with a ``gjDownloadURL`` pointing at the copy.
"""

from __future__ import annotations

import functools
import json
import shutil
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pakmap.cli import main
from pakmap.errors import SourceError
from pakmap.sources import open_layer
from pakmap.sources.boundaries import cache_paths, default_cache_dir, fetch_boundaries


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def api(tmp_path, districts_path):
    """A local geoBoundaries look-alike; yields its API base URL and a request counter."""
    root = tmp_path / "server"
    (root / "api" / "PAK" / "ADM2").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy(districts_path, root / "data" / "geoBoundaries-PAK-ADM2.geojson")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    meta = {
        "boundaryISO": "PAK",
        "boundaryType": "ADM2",
        "boundarySource": "OpenStreetMap",
        "boundaryLicense": "ODbL 1.0",
        "gjDownloadURL": f"{base}/data/geoBoundaries-PAK-ADM2.geojson",
    }
    # A folder URL ending in "/" is answered with its index.html, as the real API answers JSON there.
    (root / "api" / "PAK" / "ADM2" / "index.html").write_text(json.dumps(meta))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/api"
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"  # nothing listens here any more


def test_fetch_downloads_once_then_uses_the_cache(api, tmp_path):
    cache = tmp_path / "cache dir é"
    first = fetch_boundaries("pak", 2, cache_dir=cache, base_url=api)
    assert not first.from_cache and first.path == cache / "geoboundaries" / "PAK_ADM2.geojson"
    assert len(open_layer(first.path).data) == 156
    assert first.attribution == "Boundaries: OpenStreetMap, via geoBoundaries (ODbL 1.0)"
    # Offline now: the server is unreachable, yet the cache answers (metadata included).
    again = fetch_boundaries("PAK", 2, cache_dir=cache, base_url=closed_port_url())
    assert again.from_cache and again.path == first.path and again.metadata["boundaryLicense"] == "ODbL 1.0"


def test_environment_variables_choose_server_and_cache(api, tmp_path, monkeypatch):
    monkeypatch.setenv("PAKMAP_GEOBOUNDARIES_URL", api)
    monkeypatch.setenv("PAKMAP_CACHE_DIR", str(tmp_path / "env cache"))
    assert default_cache_dir() == tmp_path / "env cache"
    result = fetch_boundaries("PAK", 2)
    assert result.path == cache_paths("PAK", 2, tmp_path / "env cache")[0] and result.path.exists()


def test_network_failure_is_one_line_pointing_at_the_cache(tmp_path):
    url = closed_port_url()
    with pytest.raises(SourceError) as err:
        fetch_boundaries("PAK", 2, cache_dir=tmp_path, base_url=url)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{url}/PAK/ADM2/: cannot reach the server")
    assert "cached copy at" in message and str(tmp_path / "geoboundaries" / "PAK_ADM2.geojson") in message
    assert "PAKMAP_CACHE_DIR" in message


def test_unknown_level_and_offline_without_cache(api, tmp_path):
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch_boundaries("PAK", 3, cache_dir=tmp_path, base_url=api)
    with pytest.raises(SourceError, match="no cached boundaries for PAK level 2 .* fill the cache"):
        fetch_boundaries("PAK", 2, cache_dir=tmp_path, offline=True)
    with pytest.raises(SourceError, match="not a three-letter ISO country code"):
        fetch_boundaries("Pakistan", 2, cache_dir=tmp_path, base_url=api)


def test_cli_fetch_writes_output(api, tmp_path, capsys):
    out = tmp_path / "out" / "pak districts.gpkg"
    out.parent.mkdir()
    code = main(
        ["boundaries", "fetch", "PAK", "--level", "2", "--cache-dir", str(tmp_path / "c"), "--url", api, "-o", str(out)]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "PAK ADM2: 156 features, downloaded" in captured.err
    assert len(open_layer(out).data) == 156
    geojson = tmp_path / "out" / "copy.geojson"
    assert (
        main(["boundaries", "fetch", "PAK", "--cache-dir", str(tmp_path / "c"), "--offline", "-o", str(geojson)]) == 0
    )
    assert "from the cache" in capsys.readouterr().err
    assert geojson.read_bytes() == (tmp_path / "c" / "geoboundaries" / "PAK_ADM2.geojson").read_bytes()


def test_cli_network_failure_exit_2(tmp_path, capsys):
    assert main(["boundaries", "fetch", "PAK", "--cache-dir", str(tmp_path), "--url", closed_port_url()]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cached copy" in err
