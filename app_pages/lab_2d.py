"""2D lab: train a GAN on 2D (or 1D) data live and watch D and G evolve.

Thin on purpose: widgets -> RunConfig (ui.config_widgets) -> LiveRunner (gan_core.live, one per
session, training in its own process) -> Snapshot -> figures (gan_core.plots). The shared
skeleton (ui.live_page) holds the runner, callbacks, toolbar, timeline and Save & load. Two timed
fragments read the latest snapshot: the main view 4 times a second, the charts every 2 seconds;
both stop their timers while paused.
"""

import streamlit as st

from gan_core.config import ACTIVATIONS, NOISE_PRIORS, TOY_DATASETS
from gan_core.data.points import DEFAULT_POINTS, read_points_bytes
from gan_core.data.toy import MIXTURES, WITHOUT_STD, data_defaults
from gan_core.evaluation.collapse import collapse_warning
from gan_core.evaluation.mixture import STANDARD_SAMPLE_COUNT
from gan_core.live import LiveRunner
from gan_core.plots import charts
from gan_core.plots import toy as plots
from gan_core.presets import get_preset
from ui import compare_mode, draw_data, slow_motion
from ui.config_widgets import PageFields
from ui.live_page import LIVE_PAGE_CSS, LivePage, page_runner, release_runner

FIELDS = PageFields(
    prefix="lab_",
    data=("name", "n_modes", "radius", "std"),
    model=("noise_dim", "noise_prior", "g_layers", "g_width", "d_layers", "d_width", "activation"),
    train=(
        "loss",
        "d_optimizer",
        "d_lr",
        "g_optimizer",
        "g_lr",
        "d_steps",
        "g_steps",
        "batch_size",
        "seed",
        "ema",
        "lr_decay",
        "lr_decay_iterations",
    ),
)
DEFAULT_PRESET = "ring"
METRICS_EVERY = 1000  # iterations between metric evaluations (~70 ms each: 9% of training at 500)
VIEW_EVERY = 0.25  # seconds between redraws of the main view while playing
CHARTS_EVERY = 2.0  # seconds between redraws of the charts while playing: each costs training time
# What a snapshot holds: 300 points per side and a 48x48 heatmap read well and keep each redraw
# cheap for the browser (on a small machine the browser's drawing competes with training).
SNAPSHOT_OPTIONS = dict(n_points=300, heat_resolution=48, manifold_resolution=16)
GRID_MODE_CHOICES = (4, 9, 16, 25, 36, 49, 64, 81, 100)
LAYERS = {
    "real": "Real",
    "fake": "Generated",
    "heatmap": "D heatmap",
    "manifold": "G manifold",
    "gradients": "G gradients",
}


@st.cache_resource(scope="session", max_entries=1, on_release=release_runner, show_spinner=False)
def session_runner() -> LiveRunner:
    """This session's runner: its training process stops when the session ends (the tab closes)."""
    return page_runner(
        get_preset(DEFAULT_PRESET),
        kind="toy",
        publish_every=VIEW_EVERY,
        metrics_every=METRICS_EVERY,
        snapshot_options=SNAPSHOT_OPTIONS,
    )


page = LivePage(fields=FIELDS, kind="toy", session_runner=session_runner, default_preset=DEFAULT_PRESET)
page.init_state(points=DEFAULT_POINTS, layers=["real", "fake", "heatmap", "manifold"], points_error=None)
runner, state, key = page.runner, page.state, page.key
draw_data.init_state(state, key)
compare_mode.hand_over_pending(page)  # "Continue alone" pressed in Compare: before the sidebar shows its settings
linked_layers = page.apply_link(("layers",)).get("layers")
if linked_layers is not None:
    unknown = [name for name in linked_layers.split(",") if name and name not in LAYERS]
    if unknown:
        page.say(
            "error", f"This link's layers could not be used: unknown layer {unknown[0]!r} (known: {', '.join(LAYERS)})."
        )
    else:
        state[key("layers")] = [name for name in linked_layers.split(",") if name]


def on_data_name() -> None:
    n_modes, radius, std = data_defaults(state[key("name")])
    state[key("n_modes")] = n_modes or state[key("n_modes")]
    state[key("radius")], state[key("std")] = radius, std
    if state[key("name")] == "mixture1d":
        state[key("noise_dim")] = 1


def on_points_upload() -> None:
    uploaded = state.get(key("points_upload"))
    if uploaded is None:
        state[key("points_error")] = None
        return
    try:
        state[key("points")] = read_points_bytes(uploaded.getvalue())
        state[key("points_error")] = None
    except ValueError as error:  # keep the previous points
        state[key("points_error")] = f"Could not read {uploaded.name}: {error}. The previous points are kept."


# ----- settings ----------------------------------------------------------------------------------
number = page.number
with st.sidebar:
    page.preset_box()
    link_extras = {"layers": ",".join(state[key("layers")] or [])}
    page.share_button(link_extras | (compare_mode.link_extras() if state.get("lab_mode") == "compare" else {}))
    reset_notice = st.container()
    with st.expander("Data", expanded=True):
        name = st.selectbox(
            "Distribution",
            TOY_DATASETS,
            key=key("name"),
            on_change=on_data_name,
            format_func=lambda n: n.replace("_", " "),
        )
        if name == "grid":
            st.select_slider("Modes", GRID_MODE_CHOICES, key=key("n_modes"))
        elif name in MIXTURES:
            number("Modes", "n_modes", min_value=1, max_value=400, step=1)
        if name != "points":
            number(
                "Spacing" if name == "grid" else "Radius / scale",
                "radius",
                min_value=0.05,
                max_value=20.0,
                step=0.1,
                format="%.2f",
            )
        if name not in WITHOUT_STD:
            number("Noise std", "std", min_value=0.001, max_value=5.0, step=0.005, format="%.3f")
        if name == "points" and draw_data.drawing_chosen(state, key):
            draw_data.use_drawing(state, key)
        elif name == "points":
            st.file_uploader(
                "Your points (CSV, two numeric columns)",
                type=["csv", "txt"],
                key=key("points_upload"),
                on_change=on_points_upload,
            )
            if state[key("points_error")]:
                st.error(state[key("points_error")])
        if name == "points":
            st.caption(f"{len(state[key('points')])} points in use.")
    with st.expander("Networks"):
        number("Noise dimension", "noise_dim", min_value=1, max_value=128, step=1)
        st.selectbox("Noise prior", NOISE_PRIORS, key=key("noise_prior"))
        left, right = st.columns(2)
        with left:
            number("G layers", "g_layers", min_value=0, max_value=6, step=1)
            number("D layers", "d_layers", min_value=0, max_value=6, step=1)
        with right:
            number("G width", "g_width", min_value=1, max_value=1024, step=16)
            number("D width", "d_width", min_value=1, max_value=1024, step=16)
        st.selectbox("Activation", ACTIVATIONS, key=key("activation"))
    with st.expander("Training", expanded=True):
        page.training_widgets(optimizers=True, drawn="the plot")
        st.checkbox("Decay learning rates", key=key("lr_decay"))
        if state[key("lr_decay")]:
            number(
                "...to 0 over iterations",
                "lr_decay_iterations",
                min_value=1,
                max_value=10_000_000,
                step=1000,
                help="Changes while training runs.",
            )

points = tuple(state[key("points")]) if state[key("name")] == "points" else ()
notice = compare_mode.BaseNotice(reset_notice) if state.get("lab_mode") == "compare" else reset_notice
desired = page.desired_config(notice, data=dict(points=points))

# ----- toolbar -----------------------------------------------------------------------------------
st.markdown(LIVE_PAGE_CSS, unsafe_allow_html=True)
st.title("2D lab", anchor=False)
if compare_mode.mode_switch(runner) == "compare":
    compare_mode.compare_page(page, desired, LAYERS)
    st.stop()
toolbar_end = page.toolbar(
    desired,
    [
        ("D step", "discriminator", "One discriminator update."),
        ("G step", "generator", "One generator update."),
        ("Iteration", "iteration", "One iteration: k D updates, then m G updates."),
    ],
    widths=[1.2, 1.2, 1, 1, 1.2, 1.6],
)
with toolbar_end[0]:
    slow = slow_motion.toggle(page)
page.show_message()
if state[key("name")] == "points" and state[key("points_source")] == "Draw":
    draw_data.draw_panel(state, key)
layers = {name: name in (state[key("layers")] or []) for name in LAYERS}


# ----- live views --------------------------------------------------------------------------------
@st.fragment(run_every=page.timer(VIEW_EVERY, while_waiting=True))
def main_view() -> None:
    page.follow_play_state()
    snapshot = runner.snapshot
    page.counters(snapshot)
    picture = plots.main_view_picture(snapshot) if page.first_load() else None  # None in 1D: the chart itself
    if picture is not None:
        st.image(picture, caption="The untrained run; the interactive chart follows in a moment.")
    else:
        st.plotly_chart(
            plots.main_figure(snapshot, **layers, height=640), key=key("main_figure"), config=charts.PNG_DOWNLOAD_CONFIG
        )
    outside = plots.samples_outside_view(snapshot)
    if outside:
        st.warning(
            f"{outside} of {len(snapshot.fake)} generated samples lie outside the view (not drawn).",
            icon=":material/open_in_full:",
        )


@st.fragment(run_every=page.timer(CHARTS_EVERY))
def side_charts() -> None:
    snapshot = runner.snapshot
    warning = collapse_warning(runner.metric_columns(), runner.latest_metrics)
    if warning:
        st.warning(warning, icon=":material/warning:")
    st.plotly_chart(
        charts.loss_figure(runner.history_columns(), height=300, diverged_at=runner.diverged_at), key=key("loss_chart")
    )
    st.plotly_chart(plots.d_output_figure(snapshot, height=300), key=key("d_output_chart"))


@st.fragment(run_every=page.timer(CHARTS_EVERY))
def metric_charts() -> None:
    metrics = runner.metric_columns()
    latest = runner.latest_metrics
    st.caption(
        f"Metrics on {STANDARD_SAMPLE_COUNT:,} samples of the generator's weight average (or the generator "
        f"itself when EMA is 0), every {runner.metrics_every:,} iterations."
    )
    left, right = st.columns(2)
    if "modes_covered" in metrics:
        with left:
            st.plotly_chart(plots.modes_figure(metrics, latest.get("n_modes")), key=key("modes_chart"))
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


@st.fragment  # no timer: it refreshes when a person moves the slider, and on every full rerun
def timeline() -> None:
    figure_column, info_column = st.columns([3, 2], gap="medium")
    with info_column:
        snapshot = page.timeline_picker("Snapshot at iteration")
        st.caption(
            f"Snapshots are kept {runner.timeline_description}: scrub to see how the generated "
            "distribution moved. New snapshots appear here when you pause or move the slider."
        )
        if snapshot.metrics.get("n_modes"):
            st.metric("Modes covered", f"{snapshot.metrics['modes_covered']} of {snapshot.metrics['n_modes']}")
    with figure_column:
        st.plotly_chart(
            plots.main_figure(snapshot, **layers, height=560),
            key=key("timeline_figure"),
            config=charts.PNG_DOWNLOAD_CONFIG,
        )


if slow:  # the walk through one iteration takes the main view's place
    slow_motion.slow_motion_view(page)
else:
    view, side = st.columns([3, 2], gap="medium")
    with view:
        st.pills(
            "Layers",
            list(LAYERS),
            format_func=LAYERS.get,
            selection_mode="multi",
            key=key("layers"),
            label_visibility="collapsed",
            width="stretch",
        )
        main_view()
    with side:
        side_charts()

charts_tab, timeline_tab, files_tab = st.tabs(["Metrics", "Timeline", "Save & load"])
with charts_tab:
    metric_charts()
with timeline_tab:
    timeline()
with files_tab:
    st.caption("The camera icon above the main figure saves the current view as PNG.")
    page.save_and_load("gan-run.pt", "2D lab")
