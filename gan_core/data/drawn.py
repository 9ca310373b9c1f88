"""A person's own 2D data, drawn: the strokes and clicks of a drawing canvas (fabric.js JSON, as
streamlit-drawable-canvas returns it) become sample points in the plane, the way GAN Lab lets
people draw a distribution.

The conversion reads the drawing's geometry, not its pixels: a stroke is a path of M/L/Q/C
commands in canvas pixels, and a click (point mode) a small circle. Each stroke is walked at an
even spacing, so a long stroke holds more data than a short one and a quick stroke as much as a
slow one (the browser records more path points when the mouse moves slowly); each click is one
location. Every location then becomes several samples with a Gaussian spread, from a seeded
generator: the same drawing always gives the same data, so a run can be reproduced from its
config. The result is capped (MAX_DRAWN_POINTS): the points travel in the run config and the
checkpoint.
"""

from __future__ import annotations

import math

import numpy as np

MAX_DRAWN_POINTS = 5_000  # more than this are subsampled: the points live in the run config
CANVAS_SIZE = 360  # px: the square canvas the 2D lab draws on
EXTENT = 2.0  # the canvas spans [-EXTENT, EXTENT] in x and y
SPACING = 6.0  # px between locations along a stroke (1/15 of a plane unit on the 2D lab's canvas)
PER_POINT = 8  # samples per location along a stroke
PER_CLICK = 40  # samples per click: a click is a cluster, a mode of its own
CURVE_STEPS = 8  # segments per quadratic / cubic command when a stroke is walked

# Where fabric's originX / originY put an object's (left, top) within its bounding box.
_ORIGIN = {"left": 0.0, "top": 0.0, "center": 0.5, "right": 1.0, "bottom": 1.0}


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"the drawing's {what} is not a finite number: {value!r}")
    return float(value)


def _path_polyline(path, index: int) -> np.ndarray:
    """The points (n, 2) a stroke's commands pass through, curves cut into CURVE_STEPS segments."""
    if not isinstance(path, list) or not path:
        raise ValueError(f"stroke {index} has no path commands")
    points: list[tuple[float, float]] = []
    for command in path:
        if not isinstance(command, list) or not command or not isinstance(command[0], str):
            raise ValueError(f"stroke {index} holds a path command that is not a list: {command!r}"[:120])
        letter, values = command[0].upper(), [_number(v, f"stroke {index} coordinate") for v in command[1:]]
        expected = {"M": 2, "L": 2, "Q": 4, "C": 6}.get(letter)
        if expected is None:
            raise ValueError(f"stroke {index} uses path command {command[0]!r}; only M, L, Q and C are read")
        if len(values) != expected:
            raise ValueError(f"stroke {index}: command {letter} needs {expected} numbers, got {len(values)}")
        if command[0].islower():
            raise ValueError(f"stroke {index} uses relative path command {command[0]!r}; the canvas writes absolute")
        end = (values[-2], values[-1])
        if letter in "ML" or not points:
            points.append(end)
            continue
        start = np.array(points[-1])
        controls = [np.array(values[i : i + 2]) for i in range(0, expected - 2, 2)]
        for t in np.linspace(0, 1, CURVE_STEPS + 1)[1:]:
            if letter == "Q":
                point = (1 - t) ** 2 * start + 2 * (1 - t) * t * controls[0] + t**2 * np.array(end)
            else:
                c1, c2 = controls
                point = (
                    (1 - t) ** 3 * start + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t**2 * c2 + t**3 * np.array(end)
                )
            points.append((float(point[0]), float(point[1])))
    return np.array(points, dtype=float)


def _walk(polyline: np.ndarray, spacing: float) -> np.ndarray:
    """Points every `spacing` along a polyline (its start included; a dot-like stroke gives one)."""
    steps = np.linalg.norm(np.diff(polyline, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] < spacing:
        return polyline.mean(axis=0, keepdims=True)
    at = np.arange(0.0, along[-1] + 1e-9, spacing)
    return np.stack([np.interp(at, along, polyline[:, 0]), np.interp(at, along, polyline[:, 1])], axis=1)


def _placement(obj: dict, index: int) -> tuple[np.ndarray, np.ndarray, float]:
    """An object's centre on the canvas, its scale (x, y) and rotation (radians): fabric stores
    `left`/`top` at the object's origin (originX/originY) of its box, stroke width included."""
    scale = np.array([_number(obj.get("scaleX", 1), "scaleX"), _number(obj.get("scaleY", 1), "scaleY")])
    size = np.array([_number(obj.get("width", 0), "width"), _number(obj.get("height", 0), "height")])
    if not obj.get("strokeUniform"):
        size = size + _number(obj.get("strokeWidth", 0) or 0, "strokeWidth")
    origin = np.array([_ORIGIN.get(obj.get("originX", "left"), 0.0), _ORIGIN.get(obj.get("originY", "top"), 0.0)])
    corner = np.array(
        [_number(obj.get("left"), f"object {index} left"), _number(obj.get("top"), f"object {index} top")]
    )
    angle = math.radians(_number(obj.get("angle", 0) or 0, "angle"))
    # The box's centre relative to the origin point, rotated with the object.
    offset = (0.5 - origin) * size * scale
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return corner + rotation @ offset, scale, angle


def _objects(json_data) -> list[dict]:
    if json_data is None:
        return []
    if not isinstance(json_data, dict):
        raise ValueError(f"the drawing is not a JSON object (got {type(json_data).__name__})")
    objects = json_data.get("objects", [])
    if not isinstance(objects, list):
        raise ValueError(f"the drawing's 'objects' is not a list (got {type(objects).__name__})")
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise ValueError(f"object {index} of the drawing is not a JSON object")
    return objects


def drawn_locations(
    json_data, *, spacing: float = SPACING, extent: float = EXTENT, canvas_size: int = CANVAS_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """(stroke locations, click locations), each (n, 2) in plane coordinates (y up): the places
    along the strokes every `spacing` canvas pixels, and the clicks' centres. Raises ValueError,
    naming the fault, for JSON that is not a canvas drawing."""
    strokes, clicks = [], []
    for index, obj in enumerate(_objects(json_data)):
        kind = str(obj.get("type", "")).lower()
        if kind == "path":
            polyline = _path_polyline(obj.get("path"), index)
            # fabric keeps a path's commands where they were drawn, and places them by the centre
            # of their bounding box: a stroke moved or scaled afterwards follows its object.
            centre, scale, angle = _placement(obj, index)
            middle = (polyline.min(axis=0) + polyline.max(axis=0)) / 2
            rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
            polyline = centre + ((polyline - middle) * scale) @ rotation.T
            strokes.append(_walk(polyline, spacing))
        elif kind == "circle":  # a click in point mode
            centre, _scale, _angle = _placement(obj, index)
            clicks.append(centre[None, :])
        else:
            raise ValueError(
                f"object {index} is a {obj.get('type')!r}; only strokes (paths) and clicks (circles) are read"
            )
    half = canvas_size / 2

    def to_plane(pieces: list[np.ndarray]) -> np.ndarray:
        if not pieces:
            return np.zeros((0, 2))
        pixels = np.concatenate(pieces)
        return np.stack([(pixels[:, 0] - half) / half * extent, (half - pixels[:, 1]) / half * extent], axis=1)

    return to_plane(strokes), to_plane(clicks)


def drawn_sample_count(json_data, *, per_point: int = PER_POINT, per_click: int = PER_CLICK, **where) -> int:
    """How many samples a drawing gives before the MAX_DRAWN_POINTS cap (for a message)."""
    strokes, clicks = drawn_locations(json_data, **where)
    return len(strokes) * per_point + len(clicks) * per_click


def strokes_to_points(
    json_data,
    *,
    spread: float,
    per_point: int = PER_POINT,
    per_click: int = PER_CLICK,
    extent: float = EXTENT,
    canvas_size: int = CANVAS_SIZE,
    spacing: float = SPACING,
    seed: int = 0,
    max_points: int = MAX_DRAWN_POINTS,
) -> tuple[tuple[float, float], ...]:
    """A drawing's data set: `per_point` samples around each location along the strokes and
    `per_click` around each click, Gaussian with std `spread` (plane units), rounded to 4
    decimals. At most `max_points`, chosen at random (the same ones every time) when the drawing
    gives more. An empty canvas (or None) gives (). Raises ValueError for JSON that is not a
    canvas drawing, or a negative spread."""
    if not math.isfinite(spread) or spread < 0:
        raise ValueError(f"spread must be a finite number >= 0, got {spread}")
    if per_point < 1 or per_click < 1:
        raise ValueError("per_point and per_click must be at least 1")
    strokes, clicks = drawn_locations(json_data, spacing=spacing, extent=extent, canvas_size=canvas_size)
    centres = np.concatenate([np.repeat(strokes, per_point, axis=0), np.repeat(clicks, per_click, axis=0)])
    if not len(centres):
        return ()
    generator = np.random.default_rng(seed)
    points = centres + spread * generator.standard_normal(centres.shape)
    if len(points) > max_points:
        points = points[np.sort(generator.choice(len(points), max_points, replace=False))]
    return tuple((round(float(x), 4), round(float(y), 4)) for x, y in points)
