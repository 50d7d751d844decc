"""Rectangles on the page, in millimetres from the page's top-left corner.

Every element of a page layout is placed in one ``Box``; the layout checks (inside the page, no two
elements overlapping) and the drawing code both work from these values.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def intersects(self, other: "Box") -> bool:
        """True when the interiors overlap (boxes that only touch along an edge do not)."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def inside(self, other: "Box", tolerance: float = 1e-6) -> bool:
        return (
            self.x >= other.x - tolerance
            and self.y >= other.y - tolerance
            and self.right <= other.right + tolerance
            and self.bottom <= other.bottom + tolerance
        )

    def inset(self, d: float) -> "Box":
        return Box(self.x + d, self.y + d, max(self.width - 2 * d, 0.0), max(self.height - 2 * d, 0.0))

    def to_px(self, dpi: float) -> tuple[float, float, float, float]:
        """(x, y, width, height) in device pixels at ``dpi``."""
        k = dpi / MM_PER_INCH
        return self.x * k, self.y * k, self.width * k, self.height * k


def overlaps(boxes: dict[str, Box]) -> list[tuple[str, str]]:
    """Every pair of named boxes whose interiors overlap."""
    names = list(boxes)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if boxes[a].intersects(boxes[b])]
