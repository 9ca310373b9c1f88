"""A person's own 2D points, from a CSV file: read the same way by the CLI (--points-csv) and the
2D lab's upload, with a message that names the line at fault."""

from __future__ import annotations

import csv
import math

import numpy as np

MAX_POINTS = 100_000  # a bigger upload is refused: the points live in the run config
MAX_POINTS_BYTES = 4_000_000  # 100,000 lines of two numbers fit in ~3 MB; a bigger file is refused unread

# A heart, so "points" has something to learn before anyone uploads a file.
DEFAULT_POINTS = tuple(
    (
        round(16 * math.sin(t) ** 3 / 16, 4),
        round((13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)) / 16, 4),
    )
    for t in (2 * math.pi * i / 120 for i in range(120))
)


def read_points_csv(text: str) -> tuple[tuple[float, float], ...]:
    """Rows of two numbers, with or without a header line. Raises ValueError with the line."""
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    if len(rows) > MAX_POINTS + 1:
        raise ValueError(f"the file has {len(rows):,} rows; at most {MAX_POINTS:,} points are taken")
    points = []
    for number, row in enumerate(rows, start=1):
        try:
            values = [float(cell) for cell in row]
        except ValueError:
            if number == 1 and not points:
                continue  # a header
            raise ValueError(f"line {number} is not two numbers: {','.join(row)[:60]!r}") from None
        if len(values) != 2:
            raise ValueError(f"line {number} has {len(values)} columns; expected 2 (x, y)")
        if not all(np.isfinite(values)):
            raise ValueError(f"line {number} holds a value that is not finite")
        points.append((values[0], values[1]))
    if len(points) < 2:
        raise ValueError(f"need at least 2 points, found {len(points)}")
    return tuple(points)


def read_points_bytes(content: bytes) -> tuple[tuple[float, float], ...]:
    """Points from an uploaded file's bytes (UTF-8 text, a byte-order mark allowed). A file over
    MAX_POINTS_BYTES is refused before it is decoded or parsed."""
    if len(content) > MAX_POINTS_BYTES:
        raise ValueError(
            f"the file is {len(content) / 1e6:.1f} MB; at most {MAX_POINTS_BYTES / 1e6:.0f} MB "
            f"({MAX_POINTS:,} points) are taken"
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not a text CSV file (it is not UTF-8 text)") from None
    return read_points_csv(text)
