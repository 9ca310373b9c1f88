"""Figures and pictures for image runs: pure functions from an ImageSnapshot, history columns or
metrics to a plotly figure, a numpy picture or GIF bytes. The only image-run code that knows
plotly or Pillow.

A grid of images is drawn as one picture (a numpy montage), not one trace per image: one trace
is fast to send, and a montage is also what the GIF timeline is made of.
"""
from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go

from .toy import _line_chart, _small_chart_layout  # one look for every small chart

METRIC_COLOURS = {"inception_score": "#1b9e4b", "fid": "#7b3294", "precision": "#1f77b4", "recall": "#d62728",
                  "density": "#ff7f0e", "coverage": "#8c564b", "label_agreement": "#17becf"}


def montage(images: np.ndarray, columns: int, padding: int = 1, scale: int = 1) -> np.ndarray:
    """(n, C, H, W) in [-1, 1] -> one uint8 picture (rows*(H+p)+p, cols*(W+p)+p, 3), images
    laid out row by row on a white background, each pixel repeated `scale` times."""
    images = np.asarray(images, dtype=np.float32)
    n, channels, height, width = images.shape
    columns = max(1, min(columns, n)) if n else 1
    rows = max(1, -(-n // columns))
    pixels = ((np.clip(images, -1, 1) + 1) * 127.5).round().astype(np.uint8)  # (n, C, H, W)
    if channels == 1:
        pixels = np.repeat(pixels, 3, axis=1)
    pixels = pixels.transpose(0, 2, 3, 1)  # (n, H, W, 3)
    if scale > 1:
        pixels = pixels.repeat(scale, axis=1).repeat(scale, axis=2)
        height, width = height * scale, width * scale
    picture = np.full((rows * (height + padding) + padding, columns * (width + padding) + padding, 3), 255, np.uint8)
    for index in range(n):
        r, c = divmod(index, columns)
        top, left = padding + r * (height + padding), padding + c * (width + padding)
        picture[top:top + height, left:left + width] = pixels[index]
    return picture


def image_grid_figure(images: np.ndarray, columns: int, *, scores: np.ndarray | None = None,
                      row_labels: list[str] | None = None, title: str = "", height: int = 420,
                      score_format: str = "{:.2f}") -> go.Figure:
    """A grid of images as one picture; `scores` (n,) are written under each image (the
    discriminator's output), `row_labels` beside each row (the class of a conditional row)."""
    n = len(images)
    scale = 4
    padding = 6 if scores is not None else 1
    picture = montage(images, columns, padding=padding, scale=scale)
    figure = go.Figure(go.Image(z=picture, hoverinfo="skip"))
    if n:
        size = images.shape[-1] * scale
        cols = max(1, min(columns, n))
        if scores is not None:
            for index, score in enumerate(np.asarray(scores, dtype=float)):
                r, c = divmod(index, cols)
                figure.add_annotation(x=padding + c * (size + padding) + size / 2,
                                      y=padding + r * (size + padding) + size + padding / 2,
                                      text=score_format.format(score), showarrow=False, font=dict(size=9))
        for r, label in enumerate(row_labels or []):
            figure.add_annotation(x=-4, y=padding + r * (size + padding) + size / 2, text=str(label),
                                  showarrow=False, xanchor="right", font=dict(size=11))
    figure.update_layout(title=title, height=height,
                         margin=dict(l=30 if row_labels else 5, r=5, t=30 if title else 5, b=5))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def fake_grid_figure(snapshot, *, show_scores: bool = False, height: int = 420) -> go.Figure:
    """The fixed-noise grid of an ImageSnapshot (one row per class for a conditional run)."""
    row_labels = None
    if snapshot.fake_labels is not None:
        row_labels = [snapshot.class_names[k] for k in snapshot.fake_labels[::snapshot.columns]]
    return image_grid_figure(snapshot.fake, snapshot.columns, scores=snapshot.d_fake if show_scores else None,
                             row_labels=row_labels, title=f"Generated, iteration {snapshot.iteration:,}",
                             height=height)


def real_grid_figure(snapshot, *, show_scores: bool = False, height: int = 420) -> go.Figure:
    """The fixed batch of real images, one row per class."""
    row_labels = [snapshot.class_names[k] for k in snapshot.real_labels[::snapshot.columns]]
    return image_grid_figure(snapshot.real, snapshot.columns, scores=snapshot.d_real if show_scores else None,
                             row_labels=row_labels, title="Real (training data)", height=height)


def image_metrics_figure(metrics: dict, keys=("precision", "recall", "density", "coverage"),
                         height: int = 260) -> go.Figure:
    """Metric histories (metric_history.columns()) against the iteration."""
    series = [(key, key.replace("_", " "), METRIC_COLOURS.get(key, "#333")) for key in keys]
    return _line_chart(metrics, series, y_title="score", height=height)


def class_histogram_figure(counts, class_names, ceiling_counts=None, height: int = 260) -> go.Figure:
    """How many generated samples the classifier puts in each class (mode dropping shows as
    empty bars), beside held-out real data's histogram scaled to the same total."""
    counts = np.asarray(counts, dtype=float)
    names = [str(name) for name in class_names][:len(counts)]
    figure = go.Figure(go.Bar(x=names, y=counts, name="generated", marker_color=METRIC_COLOURS["fid"]))
    if ceiling_counts is not None:
        ceiling = np.asarray(ceiling_counts, dtype=float)
        ceiling = ceiling * counts.sum() / max(ceiling.sum(), 1)
        figure.add_trace(go.Bar(x=names, y=ceiling, name="held-out real (scaled)",
                                marker_color=METRIC_COLOURS["inception_score"], opacity=0.5))
    _small_chart_layout(figure, "samples", height, x_title="class (by the shipped classifier)")
    figure.update_layout(barmode="group")
    return figure


def timeline_gif(frames: list[tuple[int, np.ndarray]], columns: int, *, duration_ms: int = 600,
                 scale: int = 4) -> bytes:
    """An animated GIF of fixed-noise grids: `frames` are (iteration, images (n, C, H, W) in
    [-1, 1]). Each frame is captioned with its iteration."""
    from PIL import Image, ImageDraw

    if not frames:
        raise ValueError("no frames to write")
    pictures = []
    for iteration, images in frames:
        picture = montage(images, columns, padding=2, scale=scale)
        canvas = Image.new("RGB", (picture.shape[1], picture.shape[0] + 14), "white")
        canvas.paste(Image.fromarray(picture), (0, 14))
        ImageDraw.Draw(canvas).text((2, 1), f"iteration {iteration:,}", fill="black")
        pictures.append(canvas)
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=duration_ms,
                     loop=0)
    return buffer.getvalue()
