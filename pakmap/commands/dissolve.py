"""``pakmap dissolve LAYER --by FIELD -o OUT``: boundaries merged by a field (districts → provinces).

One feature per value of ``--by`` (repeat it for several fields): the union of the features with that
value, the ``by`` fields, and every field on which they all agree (a division's province). What was
left out or repaired is printed. The project step is ``[[layers]]`` with ``dissolve = { source =
"districts", by = "province" }`` (docs/project-format.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import JoinError
from ..file_guard import check_outputs, sources_of
from ..join.dissolve import dissolve_by
from ..layer import VectorLayer
from ..sources import open_layer
from .join import write_layer


def run(args) -> int:

    check_outputs([args.output], sources_of(args.layer, "the layer file"))  # never over the file read
    layer = open_layer(args.layer, layer=args.inner_layer)
    if not isinstance(layer, VectorLayer):
        raise JoinError("LAYER has no geometry to dissolve", path=args.layer, fix="give a boundary layer")
    data, notes = dissolve_by(layer.data, args.by, layer_name=Path(args.layer).name)
    for note in notes:
        print(f"pakmap: {note}", file=sys.stderr)
    print(write_layer(data, args.output))
    return 0
