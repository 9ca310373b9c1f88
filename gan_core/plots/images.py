"""Figures and pictures for image runs: pure functions from an ImageSnapshot, history columns or
metrics to a plotly figure, a numpy picture or GIF bytes. The only image-run code that knows
plotly or Pillow.

A grid of images is drawn as one picture (a montage made by torchvision's make_grid), not one trace per image: one trace
is fast to send, and a montage is also what the GIF timeline is made of.
"""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
import torch
from PIL import Image
from torchvision.utils import make_grid

from ..data.faces import FACTOR_BY_NAME
from .charts import line_chart, small_chart_layout, steady_margins, titled  # one look for every small chart
from .latent import data_uri, png_bytes

METRIC_COLOURS = {
    "inception_score": "#1b9e4b",
    "fid": "#7b3294",
    "precision": "#1f77b4",
    "recall": "#d62728",
    "density": "#ff7f0e",
    "coverage": "#8c564b",
    "label_agreement": "#17becf",
}


def montage(images: np.ndarray, columns: int, padding: int = 1, scale: int = 1) -> np.ndarray:
    """(n, C, H, W) in [-1, 1] -> one uint8 picture (rows*(H*scale+p)+p, cols*(W*scale+p)+p, 3):
    torchvision's make_grid on a white background, each pixel repeated `scale` times (crisp)."""
    images = torch.as_tensor(np.asarray(images, dtype=np.float32))
    if len(images) == 0:
        return np.full((2 * padding + 1, 2 * padding + 1, 3), 255, np.uint8)
    if scale > 1:
        images = images.repeat_interleave(scale, dim=2).repeat_interleave(scale, dim=3)
    grid = make_grid(
        images, nrow=max(1, columns), padding=padding, normalize=True, value_range=(-1, 1), pad_value=1.0
    )  # (3, height, width) in [0, 1]
    return (grid * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()


def image_grid_figure(
    images: np.ndarray,
    columns: int,
    *,
    scores: np.ndarray | None = None,
    row_labels: list[str] | None = None,
    title: str = "",
    height: int = 420,
    score_format: str = "{:.2f}",
) -> go.Figure:
    """A grid of images as one picture; `scores` (n,) are written under each image (the
    discriminator's output), `row_labels` beside each row (the class of a conditional row)."""
    n = len(images)
    large = n and images.shape[-1] >= 32  # faces: about as many screen pixels as picture pixels
    scale = 3 if large else 4
    padding = 16 if scores is not None else 3 if large else 1  # a gap under each image as tall as the score's text
    picture = montage(images, columns, padding=padding, scale=scale)
    # Sent as a PNG, not as numbers: a 5 x 4 grid of faces is a million numbers in JSON (megabytes,
    # twice a second while a run plays), and some 60 KB as a PNG.
    figure = go.Figure(go.Image(source=data_uri(png_bytes(Image.fromarray(picture))), hoverinfo="skip"))
    height_px, width_px = picture.shape[:2]
    if n:
        size = images.shape[-1] * scale
        cols = max(1, min(columns, n))
        if scores is not None:
            for index, score in enumerate(np.asarray(scores, dtype=float)):
                r, c = divmod(index, cols)
                figure.add_annotation(
                    x=padding + c * (size + padding) + size / 2,
                    y=padding + r * (size + padding) + size + padding / 2,
                    text=score_format.format(score),
                    showarrow=False,
                    font=dict(size=12, color="black"),  # readable on a projector
                )
        for r, label in enumerate(row_labels or []):
            figure.add_annotation(
                x=-4,
                y=padding + r * (size + padding) + size / 2,
                text=str(label),
                showarrow=False,
                xanchor="right",
                font=dict(size=11),
            )
    figure.update_layout(title=title, height=height, margin=dict(l=5, r=5, t=30 if title else 5, b=5))
    # Room left of the picture for the row labels (an annotation outside the axes' range is not drawn).
    left = -0.5 - (9 * max(len(str(label)) for label in row_labels) + 8 if row_labels else 0)
    figure.update_xaxes(visible=False, range=[left, width_px - 0.5])
    figure.update_yaxes(visible=False, range=[height_px - 0.5, -0.5])
    return figure


def fake_grid_figure(snapshot, *, show_scores: bool = False, height: int = 420) -> go.Figure:
    """The fixed-noise grid of an ImageSnapshot (one row per class for a conditional run)."""
    title = f"Generated, iteration {snapshot.iteration:,}"
    return _snapshot_grid(snapshot, snapshot.fake, snapshot.fake_labels, snapshot.d_fake, show_scores, title, height)


def real_grid_figure(snapshot, *, show_scores: bool = False, height: int = 420) -> go.Figure:
    """The fixed batch of real images, one row per class."""
    real = snapshot.real
    return _snapshot_grid(
        snapshot, real, snapshot.real_labels, snapshot.d_real, show_scores, "Real (training data)", height
    )


def _snapshot_grid(snapshot, images, labels, scores, show_scores: bool, title: str, height: int) -> go.Figure:
    """A grid of a snapshot's images, each row labelled with its class when the images have labels."""
    row_labels = None if labels is None else [snapshot.class_names[k] for k in labels[:: snapshot.columns]]
    return image_grid_figure(
        images, snapshot.columns, scores=scores if show_scores else None, row_labels=row_labels, title=title,
        height=height,
    )  # fmt: skip


def image_metrics_figure(
    metrics: dict, keys=("precision", "recall", "density", "coverage"), height: int = 260
) -> go.Figure:
    """Metric histories (metric_history.columns()) against the iteration."""
    series = [(key, key.replace("_", " "), METRIC_COLOURS.get(key, "#333")) for key in keys]
    return titled(line_chart(metrics, series, y_title="score", height=height), "Sample quality")


def class_histogram_figure(
    counts, class_names, ceiling_counts=None, height: int = 260, judge: str = "the shipped classifier", what="class"
) -> go.Figure:
    """How many generated samples the classifier puts in each class (mode dropping shows as
    empty bars), beside held-out real data's histogram scaled to the same total."""
    counts = np.asarray(counts, dtype=float)
    names = [str(name) for name in class_names][: len(counts)]
    figure = go.Figure(go.Bar(x=names, y=counts, name="generated", marker_color=METRIC_COLOURS["fid"]))
    if ceiling_counts is not None:
        ceiling = np.asarray(ceiling_counts, dtype=float)
        ceiling = ceiling * counts.sum() / max(ceiling.sum(), 1)
        figure.add_trace(
            go.Bar(
                x=names,
                y=ceiling,
                name="held-out real (scaled)",
                marker_color=METRIC_COLOURS["inception_score"],
                opacity=0.5,
            )
        )
    small_chart_layout(figure, "samples", height, x_title=f"{what} (by {judge})")
    titled(figure, f"{what.capitalize()} of the generated images")
    figure.update_layout(barmode="group")
    return figure


def factor_coverage_figure(factor_tv: dict[str, float], target: float, height: int = 260) -> go.Figure:
    """Per factor, the total-variation distance between what the reader reads on generated faces
    and on held-out real ones (0 = the same histogram), as horizontal bars (the names stay
    readable in a narrow column), with the target as a line."""
    names = [FACTOR_BY_NAME[name].label for name in factor_tv][::-1]  # the first factor on top
    values = list(factor_tv.values())[::-1]
    colours = [METRIC_COLOURS["recall"] if v > target else METRIC_COLOURS["inception_score"] for v in values]
    figure = go.Figure(
        go.Bar(
            x=values, y=names, orientation="h", marker_color=colours, hovertemplate="%{y}: TV %{x:.3f}<extra></extra>"
        )
    )
    figure.add_vline(x=target, line_dash="dash", line_color="#555")
    small_chart_layout(figure, "", height, x_title=f"TV distance (target at most {target:g}, dashed)")
    figure.update_xaxes(range=[0, 1.0 if max(values, default=0) > 0.5 else 0.5])
    steady_margins(figure, l=90, r=10, t=50, b=42)
    return titled(figure, "Factor coverage: generated vs real")


def factor_histogram_figure(factor, generated: list[float], real: list[float], height: int = 240) -> go.Figure:
    """One factor's histogram as the reader reads it: generated faces beside the held-out real ones
    (shares of each), the bins the factor coverage compares."""
    if factor.levels:
        names = list(factor.level_names) or [str(k) for k in range(factor.levels)]
    else:
        edges = np.linspace(factor.low, factor.high, len(generated) + 1)
        names = [f"{a:.2g}..{b:.2g}" for a, b in zip(edges[:-1], edges[1:])]
    figure = go.Figure(go.Bar(x=names, y=generated, name="generated", marker_color=METRIC_COLOURS["fid"]))
    figure.add_trace(
        go.Bar(x=names, y=real, name="held-out real", marker_color=METRIC_COLOURS["inception_score"], opacity=0.5)
    )
    small_chart_layout(figure, "share of faces", height, x_title=f"{factor.label} (read by the face reader)")
    figure.update_layout(barmode="group")
    return titled(figure, f"{factor.label.capitalize()}: generated vs real")


def timeline_gif(
    frames: list[tuple[int, np.ndarray]], columns: int, *, duration_ms: int = 600, min_width: int = 512
) -> bytes:
    """An animated GIF of fixed-noise grids, one frame per kept snapshot: `frames` are
    (iteration, images (n, C, H, W) in [-1, 1]). Pixels are repeated (crisp) until the grid is at
    least `min_width` wide, readable on a projector; each frame is captioned with its iteration."""
    from PIL import Image, ImageDraw

    from .latent import font_of_size

    if not frames:
        raise ValueError("no frames to write")
    width = np.asarray(frames[0][1]).shape[-1]
    scale = max(1, -(-(min_width - 2 * (columns + 1)) // (columns * width)))  # ceil
    font = font_of_size(22)
    pictures = []
    for iteration, images in frames:
        picture = montage(images, columns, padding=2, scale=scale)
        canvas = Image.new("RGB", (picture.shape[1], picture.shape[0] + 32), "white")
        canvas.paste(Image.fromarray(picture), (0, 32))
        ImageDraw.Draw(canvas).text((6, 3), f"iteration {iteration:,}", fill="black", font=font)
        pictures.append(canvas)
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=duration_ms, loop=0)
    return buffer.getvalue()
