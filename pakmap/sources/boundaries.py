"""Administrative boundaries from the public geoBoundaries API, cached on disk.

``fetch_boundaries("PAK", 2)`` asks ``{base}/PAK/ADM2/`` for the release's metadata (JSON with a
``gjDownloadURL``), downloads that GeoJSON once and keeps it in the cache folder; later calls (and
machines without internet, once the cache is filled or copied) use the cached file. The cache folder
is ``$PAKMAP_CACHE_DIR``, else the user's cache folder (``%LOCALAPPDATA%\\pakmap\\Cache`` on Windows,
``~/Library/Caches/pakmap`` on macOS, ``$XDG_CACHE_HOME/pakmap`` or ``~/.cache/pakmap`` elsewhere).
The API address can be changed with ``$PAKMAP_GEOBOUNDARIES_URL`` (tests point it at a local server).
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..errors import SourceError

DEFAULT_API = "https://www.geoboundaries.org/api/current/gbOpen"
TIMEOUT_S = 60
_USER_AGENT = "pakmap (UNHCR Pakistan information management)"


@dataclass(frozen=True)
class Boundaries:
    """A fetched boundary file and what the API said about it."""

    path: Path  # the cached GeoJSON
    iso: str
    level: int
    from_cache: bool
    metadata: dict  # the API's JSON (boundary name, source, licence, year…)

    @property
    def attribution(self) -> str:
        source = self.metadata.get("boundarySource") or self.metadata.get("boundarySource-1") or "geoBoundaries"
        licence = self.metadata.get("boundaryLicense", "")
        return f"Boundaries: {source}, via geoBoundaries" + (f" ({licence})" if licence else "")


def default_cache_dir() -> Path:
    """Where downloads are kept: ``$PAKMAP_CACHE_DIR`` or the platform's user cache folder."""
    if os.environ.get("PAKMAP_CACHE_DIR"):
        return Path(os.environ["PAKMAP_CACHE_DIR"]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "pakmap" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "pakmap"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pakmap"


def api_url() -> str:
    return os.environ.get("PAKMAP_GEOBOUNDARIES_URL", DEFAULT_API).rstrip("/")


def _check_request(iso: str, level: int) -> tuple[str, int]:
    iso = str(iso).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", iso):
        raise SourceError(
            f"'{iso}' is not a three-letter ISO country code", fix="use e.g. PAK for Pakistan, AFG for Afghanistan"
        )
    if not 0 <= int(level) <= 5:
        raise SourceError(
            f"administrative level {level} does not exist", fix="use 0 (country) to 5; Pakistan's districts are level 2"
        )
    return iso, int(level)


def cache_paths(iso: str, level: int, cache_dir: Path | None = None) -> tuple[Path, Path]:
    """The cached GeoJSON and its metadata JSON for one country and level."""
    folder = (cache_dir or default_cache_dir()) / "geoboundaries"
    stem = f"{iso}_ADM{level}"
    return folder / f"{stem}.geojson", folder / f"{stem}.json"


def fetch_boundaries(
    iso: str,
    level: int,
    *,
    cache_dir: str | os.PathLike | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    offline: bool = False,
) -> Boundaries:
    """The boundaries of ``iso`` at admin ``level``: from the cache, else downloaded and cached."""
    iso, level = _check_request(iso, level)
    cache = Path(cache_dir).expanduser() if cache_dir else None
    data_path, meta_path = cache_paths(iso, level, cache)
    if data_path.exists() and not refresh:
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        return Boundaries(data_path, iso, level, True, meta)
    if offline:
        raise SourceError(
            f"no cached boundaries for {iso} level {level}",
            path=data_path,
            fix="run once with internet to fill the cache, or copy a cached file to this path",
        )
    url = f"{(base_url or api_url()).rstrip('/')}/{iso}/ADM{level}/"
    meta_bytes = _get(url, data_path)
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
        if isinstance(meta, list):  # the API answers a list when asked for several levels
            meta = meta[0]
        download = meta["gjDownloadURL"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise SourceError(
            f"the geoBoundaries API answered something unexpected for {iso} ADM{level}",
            path=url,
            fix="check the country code and level, or try again later",
        ) from None
    data = _get(download, data_path)
    if not data.lstrip()[:1] == b"{":
        raise SourceError(
            "the downloaded boundaries are not GeoJSON",
            path=download,
            fix="try again later, or download the file by hand and open it directly",
        )
    data_path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(data_path, data)
    write_bytes_atomic(meta_path, json.dumps(meta, indent=2).encode("utf-8"))
    return Boundaries(data_path, iso, level, False, meta)


def _get(url: str, cached: Path) -> bytes:
    """Download ``url``; network failures become one line that points at the cache and offline use."""
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        problem = f"the server answered HTTP {exc.code} ({exc.reason})"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        problem = f"cannot reach the server ({' '.join(str(reason).split())[:100]})"
    raise SourceError(
        f"{problem} while downloading boundaries",
        path=url,
        fix=f"check the internet connection; offline, pakmap uses a cached copy at {cached} "
        "(fill it once online, or copy the file there; PAKMAP_CACHE_DIR moves the cache), "
        "or open a boundary file you already have",
    )


__all__ = ["fetch_boundaries", "Boundaries", "default_cache_dir", "cache_paths", "api_url", "DEFAULT_API"]
