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


def _font(size: int):
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
    font, small = _font(15), _font(13)
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
def noise_plane_figure(plane, point: tuple[float, float] | None = None, path=None, height: int = 380) -> go.Figure:
    """The noise plane coloured by the mode each code lands in (light grey: between modes, a
    low-quality sample), or by D's output at G(z) for data without modes; the current code as
    a star and the chosen direction's sweep as a line."""
    figure = go.Figure()
    axis = plane.axis
    if plane.modes is not None:
        colours = [LOW_QUALITY_COLOUR] + [MODE_COLOURS[i % len(MODE_COLOURS)] for i in range(plane.n_modes)]
        scale = []
        for i, colour in enumerate(colours):  # a discrete colour scale: one flat band per mode
            scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
        text = np.where(plane.modes >= 0, np.char.add("mode ", (plane.modes + 1).astype(str)), "between modes")
        figure.add_trace(
            go.Heatmap(
                x=axis,
                y=axis,
                z=plane.modes + 1,
                zmin=-0.5,
                zmax=plane.n_modes + 0.5,
                colorscale=scale,
                showscale=False,
                text=text,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    else:
        figure.add_trace(
            go.Heatmap(
                x=axis,
                y=axis,
                z=plane.d_values,
                colorscale="RdBu",
                colorbar=dict(title="D(G(z))", thickness=10),
                hovertemplate="D(G(z)) = %{z:.2f}<extra></extra>",
            )
        )
    if path is not None:
        figure.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines",
                line=dict(color="black", dash="dot"),
                name="sweep",
                hoverinfo="skip",
            )
        )
    if point is not None:
        figure.add_trace(
            go.Scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers",
                marker=dict(symbol="star", size=18, color="gold", line=dict(color="black", width=1.5)),
                name="z",
                hovertemplate="z<extra></extra>",
            )
        )
    small_chart_layout(figure, f"{plane.v_name} (std)", height, x_title=f"{plane.u_name} (std)")
    extent = float(np.abs(axis).max())
    figure.update_layout(
        title=dict(text="Noise plane: the mode each z lands in", x=0.02, font=dict(size=14)),
        showlegend=False,
        margin=dict(l=55, r=10, t=40, b=45),
    )
    figure.update_xaxes(range=[-extent, extent], constrain="domain")
    figure.update_yaxes(range=[-extent, extent], scaleanchor="x", scaleratio=1, constrain="domain")
    return figure


def data_plane_figure(plane, point=None, path=None, height: int = 380) -> go.Figure:
    """D's heatmap with real (black) and generated (green) samples, G(z) as a star and the
    sweep's image as a line."""
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
        showlegend=True,
        legend=dict(orientation="h", y=-0.12, x=0, yanchor="top", font=dict(size=11)),
        margin=dict(l=45, r=10, t=40, b=40),
    )
    figure.update_xaxes(range=[low, high], constrain="domain")
    figure.update_yaxes(range=[low, high], scaleanchor="x", scaleratio=1, constrain="domain")
    return figure
