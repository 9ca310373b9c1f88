"""Figures of the GAN-vs-VAE page: pure functions from a GanVsVaeSnapshot (or history columns)
to plotly figures and table rows. Images are drawn as pictures with gan_core.plots.latent.tiles.

Colours: real points green as in the labs, each model's samples in its own colour (the same in
every figure), codes coloured by the mode or class of the point they encode.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..data.faces import FACTOR_NAMES, FACTORS
from .charts import as_float32, small_chart_layout
from .latent import MODE_COLOURS
from .toy import REAL_COLOUR

FACE_CLASS_NAMES = FACTORS[FACTOR_NAMES.index("hair_colour")].level_names
KIND_COLOURS = {"gan": "#762a83", "vae": "#d95f02", "ae": "#1f78b4"}
KIND_NAMES = {"gan": "GAN", "vae": "VAE", "ae": "auto-encoder"}


def _square_axes(figure: go.Figure, bounds: tuple[float, float], columns: int) -> None:
    low, high = bounds
    for column in range(1, columns + 1):
        figure.update_xaxes(range=[low, high], constrain="domain", showgrid=False, zeroline=False, row=1, col=column)
        figure.update_yaxes(
            range=[low, high], scaleanchor=f"x{column if column > 1 else ''}", showgrid=False, zeroline=False,
            row=1, col=column,
        )  # fmt: skip


def member_title(member, metrics_row: dict | None) -> str:
    """'GAN · 8/8 modes · 91% HQ' from the member's latest table row (the mode figures when the
    data has modes, else W1)."""
    if not metrics_row:
        return member.name
    if "modes_covered" in metrics_row:
        return (
            f"{member.name} · {metrics_row['modes_covered']}/{metrics_row['n_modes']} modes · "
            f"{metrics_row['high_quality']:.0%} HQ"
        )
    if metrics_row.get("wasserstein1") is not None:
        return f"{member.name} · W1 {metrics_row['wasserstein1']:.3f}"
    return member.name


def toy_samples_figure(snapshot, names: list[str], height: int = 330) -> go.Figure:
    """One square panel per member: the real points (green) under that member's samples."""
    rows = {row["model"]: row for row in snapshot.table}
    members = [snapshot.member(name) for name in names]
    figure = make_subplots(
        rows=1, cols=len(members), subplot_titles=[member_title(m, rows.get(m.name)) for m in members],
        horizontal_spacing=0.04,
    )  # fmt: skip
    real = as_float32(snapshot.real)
    for column, member in enumerate(members, start=1):
        figure.add_trace(
            go.Scattergl(
                x=real[:, 0], y=real[:, 1], mode="markers", name="real", legendgroup="real", showlegend=column == 1,
                marker=dict(color=REAL_COLOUR, size=4, opacity=0.45),
            ),
            row=1, col=column,
        )  # fmt: skip
        samples = as_float32(member.samples)
        figure.add_trace(
            go.Scattergl(
                x=samples[:, 0], y=samples[:, 1], mode="markers", name=KIND_NAMES[member.kind],
                legendgroup=member.kind, showlegend=column <= 3,
                marker=dict(color=KIND_COLOURS[member.kind], size=4, opacity=0.8),
            ),
            row=1, col=column,
        )  # fmt: skip
    _square_axes(figure, snapshot.bounds, len(members))
    figure.update_layout(
        height=height, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white", uirevision="samples",
        legend=dict(orientation="h", yanchor="top", y=-0.1, xanchor="left", x=0),
    )  # fmt: skip
    figure.update_annotations(font_size=13)
    return figure


def outside_counts(snapshot, names: list[str]) -> dict[str, int]:
    """How many of each member's drawn samples lie outside the view (counted, not hidden)."""
    low, high = snapshot.bounds
    return {
        name: int((~((snapshot.member(name).samples >= low) & (snapshot.member(name).samples <= high)).all(1)).sum())
        for name in names
    }


def _ellipse(x: float, y: float, sx: float, sy: float, steps: int = 40) -> tuple[np.ndarray, np.ndarray]:
    angle = np.linspace(0, 2 * math.pi, steps)
    return x + sx * np.cos(angle), y + sy * np.sin(angle)


def code_space_figure(snapshot, names: list[str], height: int = 420) -> go.Figure:
    """One panel per encoder model: the encoded data points (means) coloured by their mode or
    class; for a VAE, the posterior q(z|x) of the first few points as 1-std ellipses; the prior's
    1- and 2-std circles for reference (where the decoder is trained to find codes)."""
    members = [snapshot.member(name) for name in names]
    titles = [f"{m.name} · {m.code_axes}" for m in members]
    figure = make_subplots(rows=1, cols=len(members), subplot_titles=titles, horizontal_spacing=0.06)
    colour = snapshot.real_colour
    for column, member in enumerate(members, start=1):
        codes = as_float32(member.codes)
        for radius, dash in ((1, "dot"), (2, "dash")):
            cx, cy = _ellipse(0, 0, radius, radius)
            figure.add_trace(
                go.Scatter(
                    x=cx, y=cy, mode="lines", line=dict(color="#999", width=1, dash=dash), hoverinfo="skip",
                    name=f"prior N(0, I): {radius} std", legendgroup=f"prior{radius}", showlegend=column == 1,
                ),
                row=1, col=column,
            )  # fmt: skip
        if snapshot.colour_is_class:
            for value in np.unique(colour):
                chosen = colour == value
                figure.add_trace(
                    go.Scattergl(
                        x=codes[chosen, 0], y=codes[chosen, 1], mode="markers",
                        name=_class_name(snapshot, int(value)), legendgroup=f"class{value}", showlegend=column == 1,
                        marker=dict(color=MODE_COLOURS[int(value) % len(MODE_COLOURS)], size=5, opacity=0.8),
                    ),
                    row=1, col=column,
                )  # fmt: skip
        else:
            figure.add_trace(
                go.Scattergl(
                    x=codes[:, 0], y=codes[:, 1], mode="markers", name="data (coloured by angle)",
                    showlegend=column == 1, marker=dict(color=as_float32(colour), colorscale="HSV", size=5),
                ),
                row=1, col=column,
            )  # fmt: skip
        if member.ellipses is not None:
            xs, ys = [], []
            for x, y, sx, sy in member.ellipses:
                ex, ey = _ellipse(x, y, sx, sy)
                xs += [*ex, np.nan]
                ys += [*ey, np.nan]
            figure.add_trace(
                go.Scatter(
                    x=as_float32(xs), y=as_float32(ys), mode="lines", line=dict(color="black", width=1.5),
                    name="q(z|x): 1 std", legendgroup="posterior", showlegend=True,
                ),
                row=1, col=column,
            )  # fmt: skip
        figure.update_xaxes(title_text="code 1", row=1, col=column, showgrid=True, gridcolor="#eee", zeroline=False)
        figure.update_yaxes(
            title_text="code 2", row=1, col=column, showgrid=True, gridcolor="#eee", zeroline=False,
            scaleanchor=f"x{column if column > 1 else ''}",
        )  # fmt: skip
    figure.update_layout(
        height=height, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white", uirevision="codes",
        legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0),
    )  # fmt: skip
    figure.update_annotations(font_size=13)
    return figure


def _class_name(snapshot, value: int) -> str:
    if snapshot.kind != "image":
        return f"mode {value + 1}"
    return f"{FACE_CLASS_NAMES[value]} hair" if snapshot.noun == "faces" else f"digit {value}"


LOSS_SERIES = {
    "gan": (("d_loss", "D loss", "#1b7837"), ("g_loss", "G loss", "#762a83")),
    "vae": (
        ("recon", "reconstruction −log p(x|z)", "#1f78b4"),
        ("kl", "KL(q(z|x) ‖ p(z))", "#e31a1c"),
        ("loss", "−ELBO", "#333333"),
    ),
    "ae": (("recon", "reconstruction −log p(x|z)", "#1f78b4"),),
}
WIDTH_DASHES = ("solid", "dash", "dot")


def robust_range(values: list[np.ndarray], skip: float = 0.05) -> list[float] | None:
    """A y range that leaves out the first `skip` of each series (the first iterations' losses are
    tens of times larger and would flatten the rest) and the extreme 1%."""
    kept = [v[int(len(v) * skip) :] for v in values if len(v)]
    kept = np.concatenate(kept) if kept else np.empty(0)
    kept = kept[np.isfinite(kept)]
    if len(kept) < 2:
        return None
    low, high = np.percentile(kept, [1, 99])
    margin = 0.1 * (high - low) or 0.5
    return [float(low - margin), float(high + margin)]


def _dash(name: str, widths: list[int], width_of: dict[str, int]) -> str:
    return WIDTH_DASHES[widths.index(width_of[name]) % len(WIDTH_DASHES)]


def losses_figure(histories: dict[str, dict], kinds: dict[str, str], widths: dict[str, int], height: int = 320):
    """Each member's losses over iterations, one panel per model kind (their units differ: a GAN's
    are classification losses, a VAE's and an AE's nats per sample); one dash style per width."""
    present = [kind for kind in ("gan", "vae", "ae") if kind in kinds.values()]
    titles = {
        "gan": "GAN: D and G losses",
        "vae": "VAE: −ELBO = reconstruction + KL (nats)",
        "ae": "AE: reconstruction (nats)",
    }
    figure = make_subplots(
        rows=1, cols=len(present), subplot_titles=[titles[k] for k in present], horizontal_spacing=0.06
    )
    all_widths = sorted(set(widths.values()))
    for column, kind in enumerate(present, start=1):
        shown = []
        for name, history in histories.items():
            if kinds[name] != kind or not history.get("iteration"):
                continue
            iterations = as_float32(history["iteration"])
            for key, label, colour in LOSS_SERIES[kind]:
                if key not in history:
                    continue
                values = np.array([np.nan if v is None else v for v in history[key]], dtype=np.float32)
                shown.append(values)
                figure.add_trace(
                    go.Scattergl(
                        x=iterations, y=values, mode="lines", name=f"{name}: {label}",
                        line=dict(width=1.5, color=colour, dash=_dash(name, all_widths, widths)),
                    ),
                    row=1, col=column,
                )  # fmt: skip
        y_range = robust_range(shown)
        if y_range:
            figure.update_yaxes(range=y_range, row=1, col=column)
    small_chart_layout(figure, "", height)
    figure.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0))
    figure.update_annotations(font_size=13)
    return figure


def metric_chart(metric_histories: dict[str, dict], kinds: dict[str, str], widths: dict[str, int], key: str,
                 title: str, height: int = 280) -> go.Figure:  # fmt: skip
    """One score over iterations, a line per member in its kind's colour (from each scoring)."""
    figure = go.Figure()
    all_widths = sorted(set(widths.values()))
    for name, history in metric_histories.items():
        if key in history and history.get("iteration"):
            figure.add_trace(
                go.Scatter(
                    x=history["iteration"], y=history[key], mode="lines+markers", name=name,
                    line=dict(color=KIND_COLOURS[kinds[name]], dash=_dash(name, all_widths, widths)),
                )
            )  # fmt: skip
    small_chart_layout(figure, "", height)
    figure.update_layout(
        title=dict(text=title, font_size=14, y=0.97), margin=dict(t=60),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    )  # fmt: skip
    return figure


# ----- the table ------------------------------------------------------------------------------------
IMAGE_COLUMNS = (
    ("inception_score", "IS", "{:.2f}"),
    ("fid", "FID", "{:.2f}"),
    ("precision", "precision", "{:.2f}"),
    ("recall", "recall", "{:.2f}"),
    ("density", "density", "{:.2f}"),
    ("coverage", "coverage", "{:.2f}"),
    ("sharpness", "sharpness", "{:.2f}"),
    ("max_class_share", "largest class", "{:.0%}"),
    ("worst_factor_tv", "worst factor TV", "{:.2f}"),  # faces only
    ("axes_score", "axis disentanglement", "{:.2f}"),  # faces only
)
TOY_COLUMNS = (
    ("modes_covered", "modes", "{}"),
    ("high_quality", "HQ share", "{:.0%}"),
    ("reverse_kl", "reverse KL (modes)", "{:.3f}"),
    ("kl", "KL", "{:.3f}"),
    ("js", "JS", "{:.3f}"),
    ("wasserstein1", "Wasserstein-1", "{:.3f}"),
)
COMMON_COLUMNS = (
    ("elbo", "ELBO (nats)", "{:.2f}"),
    ("iw_bound", "IW bound k=128 (nats)", "{:.2f}"),
    ("reconstruction", "reconstruction (nats)", "{:.2f}"),
    ("seconds", "training time", "{:.1f} s"),
)


def table_rows(table, kind: str, part: str = "all") -> list[dict[str, str]]:
    """The comparison table as display rows (strings; "—" where a score does not exist). `part`:
    "samples" (the sample scores), "likelihood" (ELBO, bounds, time) or "all"; a page too narrow
    for the faces' fifteen columns shows the two parts one under the other."""
    own = IMAGE_COLUMNS if kind == "image" else TOY_COLUMNS
    columns = {"all": own + COMMON_COLUMNS, "samples": own, "likelihood": COMMON_COLUMNS}[part]
    columns = [c for c in columns if any(row.get(c[0]) is not None for row in table)]  # e.g. faces-only scores
    rows = []
    for row in table:
        shown = {"model": row["model"]}
        for key, label, fmt in columns:
            value = row.get(key)
            if key == "modes_covered" and value is not None:
                value = f"{value}/{row['n_modes']}"
                fmt = "{}"
            shown[label] = "—" if value is None else fmt.format(value)
        rows.append(shown)
    return rows
