"""Helpers shared by the desktop-app tests (``tests/test_gui_*.py``); their fixtures, ``window`` and
``gui_settings``, are in ``conftest.py``. Background work is awaited with ``qtbot.waitUntil`` on
what the user would see.
"""

from __future__ import annotations

WAIT_MS = 60_000


def add_files(window, qtbot, *paths, sublayer=None) -> list:
    """Add data files as the user does (background reading) and wait until they are in the map."""
    added = []
    errors_before = window.last_error
    window.add_files([str(p) for p in paths], sublayer=sublayer, on_done=added.append)
    qtbot.waitUntil(lambda: len(added) == len(paths) or window.last_error != errors_before, timeout=WAIT_MS)
    assert window.last_error == errors_before, window.last_error
    return added


def wait_rendered(window, qtbot) -> None:
    """Wait until the canvas shows an image of the current view (the background render is done)."""
    canvas = window.canvas
    qtbot.waitUntil(
        lambda: not canvas._timer.isActive() and canvas.image is not None and not canvas.is_rendering, timeout=WAIT_MS
    )


def pixel_at(window, lon: float, lat: float):
    """The colour the canvas shows at a map coordinate (the map CRS is WGS 84 in these tests)."""
    canvas = window.canvas
    p = canvas.to_screen(lon, lat)
    return canvas.grab().toImage().pixelColor(int(p.x()), int(p.y()))


def dominant_colour(window, layer_name: str, name: str) -> str:
    """The most frequent canvas colour inside a feature (labels and outlines are a minority)."""
    from collections import Counter

    import numpy as np
    import shapely

    layer = window.document.layer(layer_name)
    geom = layer.data.geometry[layer.data["name"] == name].iloc[0]
    xmin, ymin, xmax, ymax = geom.bounds
    xs, ys = np.meshgrid(np.linspace(xmin, xmax, 25), np.linspace(ymin, ymax, 25))
    inside = shapely.contains_xy(geom, xs.ravel(), ys.ravel())
    image = window.canvas.grab().toImage()
    colours = Counter()
    for x, y in zip(xs.ravel()[inside], ys.ravel()[inside]):
        p = window.canvas.to_screen(x, y)
        colours[image.pixelColor(int(p.x()), int(p.y())).name().upper()] += 1
    return colours.most_common(1)[0][0]
