"""Small generated inputs and the checks every refused or failed write must pass (issue 13, 21)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

TEMP_GLOB = ".pakmap-tmp.*"


def write_districts(folder: Path, count: int = 120, name: str = "districts.geojson") -> Path:
    """``count`` square districts in a grid over Pakistan, with names and refugee figures."""
    features = []
    for i in range(count):
        x, y = 61.0 + (i % 12) * 1.0, 24.0 + (i // 12) * 1.0
        ring = [[x, y], [x + 0.9, y], [x + 0.9, y + 0.9], [x, y + 0.9], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": f"District {i:03d}", "code": f"PK{i:03d}", "refugees": 100 * i + 7},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def write_table(folder: Path, count: int = 120, name: str = "census.csv") -> Path:
    path = folder / name
    rows = ["district,population,households"] + [f"District {i:03d},{1000 * i + 3},{150 * i + 1}" for i in range(count)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_project(folder: Path, layer: Path, *, exports: tuple[str, ...] = (), extra: str = "") -> Path:
    path = folder / "map.toml"
    text = f"""[pakmap]
format = 1

[[layers]]
name = "districts"
path = "{layer.as_posix()}"
style = {{ kind = "graduated", field = "refugees", classes = 4 }}

[layout]
title = "Refugees by district"
{extra}
"""
    for export in exports:
        text += f'\n[[exports]]\npath = "{export}"\n'
    path.write_text(text, encoding="utf-8")
    return path


def hashes(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (recursively) and its SHA-256: sources must come out unchanged."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(TEMP_GLOB))


def assert_one_line_error(stderr: str, *words: str) -> str:
    """The last stderr line is pakmap's one-line error naming ``words``; nothing looks like a traceback."""
    assert "Traceback" not in stderr and "unexpected error" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    error_lines = [line for line in lines if line.startswith("pakmap: error:")]
    assert len(error_lines) == 1 and lines[-1] == error_lines[0], stderr
    for word in words:
        assert word in error_lines[0], error_lines[0]
    return error_lines[0]
