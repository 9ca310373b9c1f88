"""Pictures and figures of the latent explorer: pure functions from images or planes to PNG / GIF
bytes or plotly figures.

Images are drawn as pictures, not charts: small digits are upscaled by repeating pixels (crisp
squares, never blurred), tiles get a caption underneath, and the PNG bytes can go straight into
the page (a data URI, no second request) or into a download.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import torch

from ..data.faces import FACTOR_BY_NAME
from .charts import small_chart_layout

MODE_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
LOW_QUALITY_COLOUR = "#f2f2f2"


def font_of_size(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def to_pixels(image) -> np.ndarray:
    """(C, H, W) in [-1, 1] -> (H, W) or (H, W, 3) uint8."""
    array = np.asarray(torch.as_tensor(image, dtype=torch.float32).clamp(-1, 1))
    array = np.round((array + 1) * 127.5).astype(np.uint8)
    return array[0] if array.shape[0] == 1 else np.transpose(array, (1, 2, 0))


def upscaled(image, size: int):
    """A PIL image `size` pixels wide, each source pixel a crisp square."""
    from PIL import Image

    picture = Image.fromarray(to_pixels(image))
    factor = max(1, size // picture.width)
    return picture.resize((picture.width * factor, picture.height * factor), Image.NEAREST)


def png_bytes(picture) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=1)  # fast: these are redrawn on every slider move
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def tiles(images, captions=None, *, tile: int = 80, columns: int | None = None, row_labels=None, title: str = ""):
    """Images (n, C, H, W) in [-1, 1] laid out in rows of `columns`, each with its caption
    underneath and, optionally, a label left of each row and a title on top. A PIL image."""
    from PIL import Image, ImageDraw

    images = list(images)
    n = len(images)
    columns = columns or max(n, 1)
    rows = max(1, -(-n // columns))
    caption_height = 18 if captions is not None else 0
    label_width = 26 if row_labels is not None else 0
    title_height = 22 if title else 0
    gap = 4
    width = label_width + columns * (tile + gap) + gap
    height = title_height + rows * (tile + caption_height + gap) + gap
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    font, small = font_of_size(15), font_of_size(13)
    if title:
        draw.text((gap, 3), title, fill="black", font=font)
    for i, image in enumerate(images):
        row, column = divmod(i, columns)
        x = label_width + gap + column * (tile + gap)
        y = title_height + gap + row * (tile + caption_height + gap)
        picture = upscaled(image, tile).convert("RGB")
        if picture.width != tile:
            picture = picture.resize((tile, tile), Image.NEAREST)
        canvas.paste(picture, (x, y))
        if captions is not None and i < len(captions) and captions[i]:
            text = str(captions[i])
            text_width = draw.textlength(text, font=small)
            draw.text((x + (tile - text_width) / 2, y + tile + 2), text, fill="black", font=small)
    if row_labels is not None:
        for row, label in enumerate(row_labels):
            y = title_height + gap + row * (tile + caption_height + gap) + tile / 2 - 8
            draw.text((4, y), str(label), fill="black", font=font)
    return canvas


def gif_bytes(images, captions, *, size: int = 256, duration_ms: int = 120, bounce: bool = True) -> bytes:
    """An animated GIF, one frame per image, each captioned underneath; `bounce` plays it back
    and forth so it loops without a jump."""
    frames = [tiles([image], [caption], tile=size) for image, caption in zip(images, captions)]
    if bounce and len(frames) > 2:
        frames = frames + frames[-2:0:-1]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=duration_ms, loop=0)
    return buffer.getvalue()


# ----- 2D data -----------------------------------------------------------------------------------
def data_plane_figure(plane, point=None, path=None, height: int = 380) -> go.Figure:
    """D's heatmap with real (black) and generated (green) samples, G(z) as a star and the
    sweep's image as a line: a chart (hover, zoom) for views that are not redrawn per slider move."""
    figure = go.Figure()
    figure.add_trace(
        go.Heatmap(
            x=plane.axis,
            y=plane.axis,
            z=plane.d_grid,
            colorscale="RdBu",
            zmid=0.5 if plane.d_is_probability else None,
            zmin=0 if plane.d_is_probability else None,
            zmax=1 if plane.d_is_probability else None,
            colorbar=dict(title="D(x)", thickness=10),
            hovertemplate="D = %{z:.2f}<extra></extra>",
            opacity=0.75,
        )
    )
    figure.add_trace(
        go.Scattergl(
            x=plane.real[:, 0], y=plane.real[:, 1], mode="markers", marker=dict(size=3, color="black"), name="real"
        )
    )
    figure.add_trace(
        go.Scattergl(
            x=plane.fake[:, 0],
            y=plane.fake[:, 1],
            mode="markers",
            marker=dict(size=3, color="#2ca02c"),
            name="generated",
        )
    )
    if plane.centers is not None:  # the modes, in the noise plane's colours and numbers
        figure.add_trace(
            go.Scatter(
                x=plane.centers[:, 0],
                y=plane.centers[:, 1],
                mode="markers+text",
                text=[str(i + 1) for i in range(len(plane.centers))],
                textposition="top right",
                textfont=dict(size=11),
                marker=dict(
                    size=13,
                    symbol="circle-open",
                    line=dict(width=2.5),
                    color=[MODE_COLOURS[i % len(MODE_COLOURS)] for i in range(len(plane.centers))],
                ),
                name="modes",
                hoverinfo="skip",
            )
        )
    if path is not None:
        figure.add_trace(
            go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", line=dict(color="black", dash="dot"), name="sweep")
        )
    if point is not None:
        figure.add_trace(
            go.Scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers",
                marker=dict(symbol="star", size=18, color="gold", line=dict(color="black", width=1.5)),
                name="G(z)",
            )
        )
    low, high = plane.bounds
    small_chart_layout(figure, "y", height, x_title="x")
    figure.update_layout(
        title=dict(text="Data plane: G(z) on D's heatmap", x=0.02, font=dict(size=14)),
        showlegend=False,  # the page says what each mark is: a legend would squeeze the plane
        margin=dict(l=45, r=10, t=40, b=40),
    )
    figure.update_xaxes(range=[low, high], constrain="domain")
    figure.update_yaxes(range=[low, high], scaleanchor="x", scaleratio=1, constrain="domain")
    return figure


# ----- 2D planes as pictures (redrawn on every slider move: a PNG is far cheaper than a chart) -----
RD_BU = (
    (0.0, (178, 24, 43)),
    (0.25, (239, 138, 98)),
    (0.5, (247, 247, 247)),
    (0.75, (103, 169, 207)),
    (1.0, (33, 102, 172)),
)
PLOT_SIZE = 300  # pixels of the square plotting area
MARGIN = 34  # room for the tick labels on the left and below


def colour_map(values: np.ndarray, low: float, high: float, stops=RD_BU) -> np.ndarray:
    """values (h, w) -> RGB uint8 (h, w, 3) along a piecewise-linear colour scale."""
    t = np.clip((np.asarray(values, dtype=np.float64) - low) / max(high - low, 1e-12), 0, 1)
    positions = np.array([p for p, _ in stops])
    colours = np.array([c for _, c in stops], dtype=np.float64)
    return np.stack([np.interp(t, positions, colours[:, k]) for k in range(3)], axis=-1).round().astype(np.uint8)


def hex_colour(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


class PlaneCanvas:
    """A square plot: data coordinates [low, high]^2 onto PLOT_SIZE pixels, with tick labels."""

    def __init__(
        self, background: np.ndarray, low: float, high: float, title: str, x_title: str, y_title: str,
        size: int = PLOT_SIZE,
    ):  # fmt: skip
        from PIL import Image, ImageDraw

        self.low, self.high, self.size = low, high, size
        self.image = Image.new("RGB", (MARGIN + self.size + 8, 24 + self.size + MARGIN), "white")
        plot = Image.fromarray(background[::-1]).resize((self.size, self.size), Image.NEAREST)  # row 0 is the top
        self.image.paste(plot, (MARGIN, 24))
        self.draw = ImageDraw.Draw(self.image)
        font = font_of_size(12)
        self.draw.text((4, 4), title, fill="black", font=font_of_size(14))
        span = high - low
        step = 1.0 if span <= 6 else 2.0
        tick = np.ceil(low / step) * step
        while tick <= high + 1e-9:
            x, y = self.to_pixel(tick, tick)
            self.draw.text((x - 6, 24 + self.size + 3), f"{tick:g}", fill="#555", font=font)
            self.draw.text((4, y - 7), f"{tick:g}", fill="#555", font=font)
            tick += step
        self.draw.text((MARGIN + self.size / 2 - 30, 24 + self.size + 17), x_title, fill="#333", font=font)
        self.draw.text((MARGIN + 4, 26), y_title, fill="#333", font=font)

    def copy(self) -> PlaneCanvas:
        from PIL import ImageDraw

        twin = object.__new__(PlaneCanvas)
        twin.low, twin.high, twin.size, twin.image = self.low, self.high, self.size, self.image.copy()
        twin.draw = ImageDraw.Draw(twin.image)
        return twin

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        scale = self.size / (self.high - self.low)
        return MARGIN + (x - self.low) * scale, 24 + self.size - (y - self.low) * scale

    def inside(self, x: float, y: float) -> bool:
        return self.low <= x <= self.high and self.low <= y <= self.high

    def dots(self, points: np.ndarray, colour, radius: float = 1.5) -> None:
        for x, y in points:
            if self.inside(x, y):
                px, py = self.to_pixel(x, y)
                self.draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=colour)

    def dotted_path(self, points: np.ndarray) -> None:
        points = np.clip(np.asarray(points, dtype=np.float64), self.low, self.high)  # stays inside the plot
        pixels = [self.to_pixel(x, y) for x, y in points]
        for (x0, y0), (x1, y1) in zip(pixels, pixels[1:]):
            steps = max(2, int(np.hypot(x1 - x0, y1 - y0) / 4))
            for i in range(0, steps, 2):  # every other short dash
                a, b = i / steps, (i + 1) / steps
                self.draw.line(
                    (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b), "black", 2
                )

    def star(self, x: float, y: float, size: float = 11) -> None:
        px, py = self.to_pixel(min(max(x, self.low), self.high), min(max(y, self.low), self.high))
        corners = []
        for k in range(10):
            angle = -np.pi / 2 + k * np.pi / 5
            r = size if k % 2 == 0 else size * 0.45
            corners.append((px + r * np.cos(angle), py + r * np.sin(angle)))
        self.draw.polygon(corners, fill=(255, 200, 0), outline="black", width=2)

    def png(self) -> bytes:
        # a palette of 128 colours holds these flat plots (a third of the bytes, faster to write)
        return png_bytes(self.image.quantize(colors=128, method=2))


def noise_plane_base(plane) -> PlaneCanvas:
    """The noise plane's picture without the code's marks (it changes only with the plane)."""
    if plane.modes is not None:
        modes = [hex_colour(MODE_COLOURS[i % len(MODE_COLOURS)]) for i in range(plane.n_modes)]
        colours = [hex_colour(LOW_QUALITY_COLOUR)] + modes
        background = np.array(colours, np.uint8)[plane.modes + 1]
    else:
        background = colour_map(plane.d_values, float(plane.d_values.min()), float(plane.d_values.max()))
    extent = float(np.abs(plane.axis).max())
    title = "Noise plane: the mode each z lands in" if plane.modes is not None else "Noise plane: D(G(z)) for each z"
    return PlaneCanvas(background, -extent, extent, title, f"{plane.u_name} (std)", plane.v_name)


def data_plane_base(plane) -> PlaneCanvas:
    """D's heatmap with the real and generated samples and the modes, without G(z)'s marks."""
    low, high = (0.0, 1.0) if plane.d_is_probability else (float(plane.d_grid.min()), float(plane.d_grid.max()))
    canvas = PlaneCanvas(
        colour_map(plane.d_grid, low, high),
        plane.bounds[0],
        plane.bounds[1],
        "Data plane: G(z) on D's heatmap",
        "x",
        "y",
    )
    mesh = plane.manifold  # the generator's manifold: the grid of codes as G bends it
    for line in [mesh[i] for i in range(mesh.shape[0])] + [mesh[:, j] for j in range(mesh.shape[1])]:
        if len(line) > 1:
            pixels = [canvas.to_pixel(x, y) for x, y in np.clip(line, canvas.low, canvas.high)]
            canvas.draw.line(pixels, (150, 150, 150), 1)
    canvas.dots(plane.real, (0, 0, 0), 1.5)
    canvas.dots(plane.fake, (44, 160, 44), 1.5)
    if plane.centers is not None:
        for i, (x, y) in enumerate(plane.centers):
            px, py = canvas.to_pixel(x, y)
            colour = hex_colour(MODE_COLOURS[i % len(MODE_COLOURS)])
            canvas.draw.ellipse((px - 7, py - 7, px + 7, py + 7), outline=colour, width=3)
            canvas.draw.text((px + 7, py - 16), str(i + 1), fill=colour, font=font_of_size(12))
    return canvas


def with_marks(base: PlaneCanvas, point=None, path=None) -> bytes:
    """A copy of a plane's picture with a sweep (dotted) and a point (a star), as PNG bytes."""
    canvas = base.copy()
    if path is not None:
        canvas.dotted_path(path)
    if point is not None:
        canvas.star(*point)
    return canvas.png()


def interpolation_plane_figure(plane, paths: dict[str, np.ndarray], marks: dict[str, np.ndarray]) -> go.Figure:
    """The data plane with G along each interpolation path (linear solid, spherical dashed) and the
    marked points (the ends, the straight midpoint's image, the average of the two images)."""
    figure = data_plane_figure(plane)
    for (method, points), dash in zip(paths.items(), ("solid", "dash")):
        figure.add_trace(
            go.Scatter(
                x=points[:, 0],
                y=points[:, 1],
                mode="lines+markers",
                name=f"G({method} path)",
                line=dict(dash=dash, width=2),
            )
        )
    for (name, points), symbol in zip(marks.items(), ("circle", "star", "x")):
        figure.add_trace(
            go.Scatter(
                x=points[:, 0],
                y=points[:, 1],
                mode="markers",
                name=name,
                marker=dict(size=14, symbol=symbol, line=dict(width=1, color="black")),
            )
        )
    figure.update_layout(
        showlegend=True, legend=dict(orientation="h", y=-0.2, x=0, yanchor="top"), height=460, margin=dict(b=90)
    )
    return figure


# ----- factor meters (issue 25) ---------------------------------------------------------------------
FACTOR_COLOURS = (
    "#8c564b", "#e377c2", "#f4a261", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
FACTOR_SHORT = {
    "hair_length": "hair len.", "hair_colour": "hair col.", "skin_tone": "skin", "eye_colour": "eyes",
    "smile": "smile", "face_width": "width", "head_x": "head x", "head_y": "head y", "background": "backgr.",
    "glasses": "glasses",
}  # fmt: skip
METER_HEIGHT = 22  # pixels of a bar whose factor changes over its whole range
# The meters' styles, sent once with the page (a slider move resends only each bar's height and colour).
METER_CSS = (
    # 4 px above: the slider's end labels, shown while it is touched, sit over the meter closer than that
    "<style>.gx-meter{display:flex;align-items:flex-end;gap:8px;margin:4px 0 6px 0;line-height:1.1}"
    f".gx-bars{{display:inline-block;height:{METER_HEIGHT}px;white-space:nowrap;border-bottom:1px solid #ccc}}"
    ".gx-bars i{display:inline-block;width:9px;margin-right:2px;vertical-align:bottom}"
    ".gx-says{font-size:0.78rem;color:#444}</style>"
)


def factor_meter_html(change: np.ndarray, factor_names, description: str) -> str:
    """A slider's factor meter: one small bar per factor, as tall as its change along the
    direction's -3..+3 std walk (the full height = the factor's whole range, or every face
    switching level), then the direction named by what it mainly moves. Inline HTML: no chart to
    draw, so a slider move does not wait on it."""
    bars = []
    for value, name, colour in zip(change, factor_names, FACTOR_COLOURS):
        height = max(1, round(float(np.clip(np.nan_to_num(value), 0, 1)) * METER_HEIGHT))
        label = FACTOR_BY_NAME[name].label
        bars.append(f'<i title="{label}: {value:.2f}" style="height:{height}px;background:{colour}"></i>')
    bars_html = "".join(bars)
    says = f'<span class="gx-says">{description}</span>'
    return f'<div class="gx-meter"><span class="gx-bars">{bars_html}</span>{says}</div>'


def factor_legend_html(factor_names) -> str:
    """The meters' key, shown once above the sliders."""
    items = [
        f'<span style="white-space:nowrap"><span style="display:inline-block;width:9px;height:9px;'
        f'background:{colour}"></span> {FACTOR_SHORT.get(name, name)}</span>'
        for name, colour in zip(factor_names, FACTOR_COLOURS)
    ]
    return f'<div style="font-size:0.75rem;color:#444;display:flex;flex-wrap:wrap;gap:4px 10px">{"".join(items)}</div>'
