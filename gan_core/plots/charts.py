"""Small line charts every view shares (losses, metric histories), the history as CSV, and the
plotly options that let a person save a figure as PNG. Pure functions from history columns
(BoundedHistory.columns()) to a figure or text."""

from __future__ import annotations

import csv
import io

import numpy as np
import plotly.graph_objects as go

D_LOSS_COLOUR = "#1f77b4"
G_LOSS_COLOUR = "#d62728"
# One colour per variant of runs side by side (the theory page, Compare mode): up to 8.
VARIANT_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")

# st.plotly_chart(config=...) / fig.show(config=...): the modebar camera saves the view as PNG in
# the browser (no kaleido/Chrome needed on the server).
PNG_DOWNLOAD_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "gan-explorer-view", "scale": 2},
}


def as_float32(values) -> np.ndarray:
    """Plotly sends float32 numpy arrays base64-encoded: small and fast."""
    return np.asarray(values, dtype=np.float32)


def line_chart(columns: dict, series: list[tuple[str, str, str]], *, y_title: str, height: int) -> go.Figure:
    iterations = as_float32(columns.get("iteration", []))
    figure = go.Figure()
    for key, name, colour in series:
        values = columns.get(key)
        if values is None:
            continue
        figure.add_trace(
            go.Scatter(
                x=iterations,
                y=as_float32([np.nan if v is None else v for v in values]),
                mode="lines",
                name=name,
                line=dict(color=colour, width=1.5),
            )
        )
    small_chart_layout(figure, y_title, height)
    _readable_range(figure)
    return figure


def _readable_range(figure: go.Figure) -> None:
    """A chart with no scores yet, or all of them at one iteration (the first scoring), gets axes a
    person can read: plotly's own zoom onto the values drew ticks of "200μ" around zeros at
    iteration 0, and an iteration axis from -1 to 1."""
    values, iterations = [], []
    for trace in figure.data:
        y = np.asarray(trace.y, dtype=np.float64)
        x = np.asarray(trace.x, dtype=np.float64)
        finite = np.isfinite(y)
        values.append(y[finite])
        iterations.append(x[finite])
    values = np.concatenate(values) if values else np.array([])
    iterations = np.unique(np.concatenate(iterations)) if iterations else np.array([])
    if len(values) == 0:
        figure.update_yaxes(range=[0, 1])
        figure.add_annotation(text="no points yet", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                              font=dict(color="#888"))  # fmt: skip
    elif len(iterations) == 1:
        low, high = min(0.0, values.min()), max(1.0, values.max())
        figure.update_yaxes(range=[low, high + 0.05 * (high - low)])
        figure.update_xaxes(range=[iterations[0] - 1, iterations[0] + 100])
        figure.update_traces(mode="lines+markers")  # one point draws no line


def steady_margins(figure: go.Figure, *, l: int, r: int, t: int, b: int) -> go.Figure:  # noqa: E741 - plotly's names
    """Margins set to fit the ticks, titles and legend, and kept: with margins that grow to fit
    (plotly's default), plotly draws a figure twice on every redraw, which was most of the
    browser's work while a run plays (bench/live_speed.py)."""
    figure.layout.margin = dict(l=l, r=r, t=t, b=b, autoexpand=False)
    return figure


def small_chart_layout(figure: go.Figure, y_title: str, height: int, x_title: str = "iteration") -> None:
    figure.update_layout(
        height=height,
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        uirevision="chart",
    )
    figure.update_xaxes(title_text=x_title, showgrid=True, gridcolor="#eee")
    figure.update_yaxes(title_text=y_title, showgrid=True, gridcolor="#eee")
    steady_margins(figure, l=72, r=10, t=30, b=42)


LEGEND_ROOM = 44  # pixels under a titled chart for its legend (a line, or two in a narrow column)


def titled(figure: go.Figure, title: str) -> go.Figure:
    """A chart's title at its top left (a chart on a projector must say what it shows) and its
    legend, if it has one, under the chart: beside the title, in a column a third of a projector
    wide, the legend wrapped over the title and the top tick."""
    figure.update_layout(title=dict(text=title, font_size=14, x=0.01, y=0.98), margin=dict(t=50))
    if sum(1 for trace in figure.data if trace.name and trace.showlegend is not False) > 1:
        figure.update_layout(
            legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0),
            margin=dict(b=(figure.layout.margin.b or 42) + LEGEND_ROOM),
        )
    return figure


def loss_figure(history: dict, height: int = 260, diverged_at: int | None = None) -> go.Figure:
    """Discriminator and generator loss per iteration (`history` is BoundedHistory.columns());
    `diverged_at` marks where a loss stopped being finite."""
    figure = line_chart(
        history,
        [("d_loss", "Discriminator loss", D_LOSS_COLOUR), ("g_loss", "Generator loss", G_LOSS_COLOUR)],
        y_title="loss",
        height=height,
    )
    titled(figure, "Losses")
    if diverged_at is not None:
        figure.add_vline(
            x=diverged_at, line=dict(color="#d62728", dash="dash"),
            annotation_text=f"diverged at {diverged_at:,}", annotation_position="top left",
        )  # fmt: skip
    return figure


def span_first_evaluation(figure: go.Figure, iterations: np.ndarray, span: int = 1000) -> None:
    """Before the second evaluation a chart has one point; plotly would centre it on an axis
    from -1 to 1. Show the iterations ahead instead, where the next points will land."""
    if len(iterations) < 2:
        last = float(iterations[-1]) if len(iterations) else 0.0
        figure.update_xaxes(range=[0, max(span, last + span)])


def history_csv(history: dict, metrics: dict | None = None) -> str:
    """The run's history as CSV text: one row per recorded iteration, losses and (where an
    evaluation happened at that iteration) the metrics."""
    rows: dict[int, dict] = {}
    for columns in (history, metrics or {}):
        names = [n for n in columns if n != "iteration"]
        for index, iteration in enumerate(columns.get("iteration", [])):
            row = rows.setdefault(int(iteration), {})
            for name in names:
                value = columns[name][index]
                if value is not None:
                    row[name] = value
    header = ["iteration"] + list(dict.fromkeys(n for c in (history, metrics or {}) for n in c if n != "iteration"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for iteration in sorted(rows):
        writer.writerow([iteration] + [_csv_value(rows[iteration].get(n)) for n in header[1:]])
    return out.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def over_iterations_figure(
    histories: dict[str, dict], key: str, *, title: str, y_title: str, log: bool = False, height: int = 260,
    reference: dict[str, str] | None = None,
) -> go.Figure:  # fmt: skip
    """One line per variant of `key` over iterations; `reference` maps a variant to a second
    key drawn dotted in the same colour (a critic's estimate against the exact W1)."""
    figure = go.Figure()
    for index, (name, columns) in enumerate(histories.items()):
        colour = VARIANT_COLOURS[index % len(VARIANT_COLOURS)]
        if columns.get(key):
            values = np.asarray(columns[key], dtype=float)
            if log:
                values = np.maximum(values, 1e-8)
            figure.add_trace(
                go.Scatter(x=columns["iteration"], y=values, name=name, mode="lines", line=dict(color=colour, width=2))
            )
        other = (reference or {}).get(name)
        if other and columns.get(other):
            figure.add_trace(
                go.Scatter(x=columns["iteration"], y=columns[other], name=f"{name}: exact", mode="lines",
                           line=dict(color=colour, width=1.5, dash="dot")),
            )  # fmt: skip
    small_chart_layout(figure, y_title, height)
    if log:
        figure.update_yaxes(type="log", exponentformat="power")
    return titled(figure, title)
