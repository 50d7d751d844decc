"""The optional basemap: an xyzservices tile provider, shown with the attribution it requires."""

from __future__ import annotations

import os
import warnings

import folium

from ..errors import ProjectError

OFFLINE = ("", "none", "offline")
SUGGESTED = 'OpenStreetMap.Mapnik or Esri.WorldGrayCanvas, or "none" for an offline map'
# A provider's key comes from the environment, never from the project file that is shared.
API_KEY_VARIABLE = "PAKMAP_BASEMAP_API_KEY"


def is_offline(name: str | None) -> bool:
    return (name or "").strip().lower() in OFFLINE


def basemap_layer(name: str, min_zoom: int, max_zoom: int, project_path=None) -> folium.TileLayer | None:
    """A tile layer for the xyzservices provider ``name`` (e.g. ``"OpenStreetMap.Mapnik"``)."""
    if is_offline(name):
        return None
    import xyzservices.providers as providers  # its provider catalogue only for an online basemap

    try:
        provider = providers.query_name(name.strip())
    except ValueError:
        raise ProjectError(
            f"unknown basemap '{name}'", path=project_path, fix=f"use an xyzservices provider name such as {SUGGESTED}"
        ) from None
    with warnings.catch_warnings():  # some providers warn about keys on every access
        warnings.simplefilter("ignore")
        needs_key = provider.requires_token()
        key = os.environ.get(API_KEY_VARIABLE, "").strip()
        if needs_key and not key:
            raise ProjectError(
                f"basemap '{name}' needs an API key",
                path=project_path,
                fix=f"set {API_KEY_VARIABLE} to your key for this provider, or use a provider without a key, "
                f"such as {SUGGESTED}",
            )
        slots = [k for k, v in provider.items() if isinstance(v, str) and v.startswith("<insert your")]
        url = provider.build_url(**({slot: key for slot in slots} if needs_key else {}))
    return folium.TileLayer(
        tiles=url,
        attr=provider.html_attribution,
        name=provider.name,
        min_zoom=min_zoom,
        max_zoom=min(max_zoom, int(provider.get("max_zoom", max_zoom))),
        overlay=False,
        control=False,
    )
