"""The 2D lab's live views: the main view (data, samples, D's heatmap, G's manifold and
gradients), the side charts, the metric charts and the timeline. Each reads the runner's latest
snapshot; the timed ones stop their timers while paused."""

from __future__ import annotations

import streamlit as st

from gan_core.evaluation.collapse import collapse_warning
from gan_core.evaluation.mixture import STANDARD_SAMPLE_COUNT
from gan_core.plots import charts
from gan_core.plots import toy as plots

VIEW_EVERY = 0.25  # seconds between redraws of the main view while playing
# How the lab's training process publishes: a snapshot every VIEW_EVERY seconds, metrics every
# 1,000 iterations (~70 ms each: 9% of training at 500); 300 points per side and a 48x48 heatmap
# read well and keep each redraw cheap for the browser (on a small machine the browser's drawing
# competes with training). bench/live_speed.py starts the same session.
RUNNER_OPTIONS = dict(
    publish_every=VIEW_EVERY,
    metrics_every=1000,
    snapshot_options=dict(n_points=300, heat_resolution=48, manifold_resolution=16),
)
CHARTS_EVERY = 2.0  # seconds between redraws of the charts while playing: each costs training time
LAYERS = {
    "real": "Real",
    "fake": "Generated",
    "heatmap": "D heatmap",
    "manifold": "G manifold",
    "gradients": "G gradients",
}


def chosen_layers(page) -> dict[str, bool]:
    return {name: name in (page.state[page.key("layers")] or []) for name in LAYERS}


def layer_pills(key) -> None:
    st.pills(
        "Layers", list(LAYERS), format_func=LAYERS.get, selection_mode="multi", key=key("layers"),
        label_visibility="collapsed", width="stretch",
    )  # fmt: skip


def main_view(page) -> None:
    layers = chosen_layers(page)

    def draw(snapshot) -> None:
        picture = plots.main_view_picture(snapshot) if page.first_answer_pending else None  # None in 1D
        if picture is not None:
            st.image(picture, caption="The untrained run; the interactive chart follows in a moment.")
        else:
            st.markdown(plots.legend_html(snapshot, **layers), unsafe_allow_html=True)
            st.plotly_chart(
                plots.main_figure(snapshot, **layers, height=600),
                key=page.key("main_figure"),
                config=charts.PNG_DOWNLOAD_CONFIG,
            )
        outside = plots.samples_outside_view(snapshot)
        if outside:
            st.warning(
                f"{outside} of {len(snapshot.fake)} generated samples lie outside the view (not drawn).",
                icon=":material/open_in_full:",
            )

    page.live(draw, VIEW_EVERY)


def counters(page) -> None:
    """Iteration, speed and losses beside the picture, as often as the picture."""
    page.fragment(VIEW_EVERY)(lambda: page.counters(page.runner.snapshot, per_row=2))()


def side_charts(page) -> None:
    runner, key = page.runner, page.key

    @page.fragment(CHARTS_EVERY)
    def draw() -> None:
        warning = collapse_warning(runner.metric_columns(), runner.latest_metrics)
        if warning:
            st.warning(warning, icon=":material/warning:")
        history = runner.history_columns()
        st.plotly_chart(charts.loss_figure(history, height=300, diverged_at=runner.diverged_at), key=key("loss_chart"))
        st.plotly_chart(plots.d_output_figure(runner.snapshot, height=300), key=key("d_output_chart"))

    draw()


def metric_charts(page) -> None:
    runner, key = page.runner, page.key

    @page.fragment(CHARTS_EVERY)
    def draw() -> None:
        metrics = runner.metric_columns()
        st.caption(
            f"Metrics on {STANDARD_SAMPLE_COUNT:,} samples of the generator's weight average (or the generator "
            f"itself when EMA is 0), every {runner.metrics_every:,} iterations."
        )
        left, right = st.columns(2)
        if "modes_covered" in metrics:
            with left:
                modes = runner.latest_metrics.get("n_modes")
                st.plotly_chart(plots.modes_figure(metrics, modes), key=key("modes_chart"))
        with right if "modes_covered" in metrics else left:
            st.plotly_chart(plots.divergence_figure(metrics), key=key("divergence_chart"))
        st.download_button(
            "History as CSV",
            data=lambda: charts.history_csv(runner.history_columns(), runner.metric_columns()),
            file_name="gan-history.csv",
            mime="text/csv",
            key=key("csv_download"),
            icon=":material/download:",
            on_click="ignore",
        )

    draw()


def timeline(page) -> None:
    layers = chosen_layers(page)

    @page.fragment()  # no timer: it refreshes when a person moves the slider, and on every full rerun
    def draw() -> None:
        figure_column, info_column = st.columns([3, 2], gap="medium")
        with info_column:
            snapshot = page.timeline_picker("Snapshot at iteration")
            st.caption(
                f"Snapshots are kept {page.runner.timeline_description}: scrub to see how the generated "
                "distribution moved. New snapshots appear here when you pause or move the slider."
            )
            if snapshot.metrics.get("n_modes"):
                st.metric("Modes covered", f"{snapshot.metrics['modes_covered']} of {snapshot.metrics['n_modes']}")
        with figure_column:
            st.markdown(plots.legend_html(snapshot, **layers), unsafe_allow_html=True)
            st.plotly_chart(
                plots.main_figure(snapshot, **layers, height=560),
                key=page.key("timeline_figure"),
                config=charts.PNG_DOWNLOAD_CONFIG,
            )

    draw()
