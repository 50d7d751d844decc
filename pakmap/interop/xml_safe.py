"""Parsing XML that came by email: no entity expansion, no external references, bounded size."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET

from ..errors import StyleError

MAX_XML_BYTES = 50 * 1024 * 1024  # a QGIS style is kilobytes; a project with embedded SVGs a few MB


def parse_xml(data: bytes, path: str | os.PathLike | None, what: str) -> ET.Element:
    """The root element of ``data``; a one-line ``StyleError`` naming ``path`` when it is not safe XML."""
    if len(data) > MAX_XML_BYTES:
        raise StyleError(
            f"the {what} is {len(data) // (1024 * 1024)} MB, too large to be a style",
            path=path,
            fix="export the style again from QGIS",
        )
    try:
        return SafeET.fromstring(data)
    except defusedxml.DefusedXmlException:
        raise StyleError(
            f"the {what} declares XML entities or external references, which pakmap does not read",
            path=path,
            fix="export the style again from QGIS (Layer Properties ▸ Style ▸ Save Style)",
        ) from None
    except ET.ParseError as exc:
        raise StyleError(
            f"the {what} is not well-formed XML ({exc})", path=path, fix="export the style again from QGIS"
        ) from None
