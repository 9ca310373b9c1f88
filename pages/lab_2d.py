"""2D lab: train a GAN on 2D (or 1D) data live and watch D and G evolve.

Thin on purpose: widgets -> RunConfig (ui.lab_settings) -> LiveRunner (gan_core.live, one per
session, training in its own process) -> Snapshot -> figures (gan_core.plots.toy). Two timed
fragments read the latest snapshot: the main view 4 times a second, the charts once a second;
both stop their timers while paused.
"""
import streamlit as st

from gan_core.checkpoint import CheckpointError
from gan_core.collapse import collapse_warning
from gan_core.config import ACTIVATIONS, LOSSES, NOISE_PRIORS, OPTIMIZERS, ConfigError
from gan_core.live import LiveRunner
from gan_core.plots import toy as plots
from gan_core.presets import PRESETS, get_preset
from ui.live_widgets import (alive_runner, follow_play_state, live_counters, release_runner, show_config,
                             show_message_once)
from ui import lab_settings as settings
from ui.lab_settings import KEY

METRICS_EVERY = 1000  # iterations between metric evaluations (~70 ms each: 9% of training at 500)
VIEW_EVERY = 0.25  # seconds between redraws of the main view while playing
CHARTS_EVERY = 2.0  # seconds between redraws of the charts while playing: each costs training time
# What a snapshot holds: 300 points per side and a 48x48 heatmap read well and keep each redraw
# cheap for the browser (on a small machine the browser's drawing competes with training).
SNAPSHOT_OPTIONS = dict(n_points=300, heat_resolution=48, manifold_resolution=16)
# Fragment reruns 4 times a second would make Streamlit's "running" indicator blink and fade the
# charts of the other fragments as "stale" each time: both are switched off on this page.
QUIET_RERUNS_CSS = """<style>
[data-testid="stStatusWidget"] { visibility: hidden; }
.stMain [data-stale="true"] { opacity: 1 !important; }
</style>"""
LAYERS = {"real": "Real", "fake": "Generated", "heatmap": "D heatmap", "manifold": "G manifold",
          "gradients": "G gradients"}


@st.cache_resource(scope="session", max_entries=1, on_release=release_runner, show_spinner=False)
def session_runner() -> LiveRunner:
    """This session's runner: its training process stops when the session ends (the tab closes)."""
    return LiveRunner(get_preset("ring"), publish_every=VIEW_EVERY, metrics_every=METRICS_EVERY,
                      snapshot_options=SNAPSHOT_OPTIONS)


def init_state(runner: LiveRunner) -> None:
    """All the page's state, set once per session."""
    state = st.session_state
    for key, value in settings.widget_values(runner.config).items():
        state.setdefault(key, value)
    state.setdefault(KEY + "preset", "ring")
    state.setdefault(KEY + "points", settings.DEFAULT_POINTS)
    state.setdefault(KEY + "layers", ["real", "fake", "heatmap", "manifold"])
    state.setdefault(KEY + "message", None)  # (kind, text) shown once, e.g. after an upload
    state.setdefault(KEY + "points_error", None)
    state[KEY + "runner"] = runner  # for tests and the CSV/checkpoint callbacks


runner = alive_runner(session_runner)
init_state(runner)
state = st.session_state


# ----- callbacks (they run before the script, so the widgets below show their effect) -----------
def on_preset() -> None:
    config = get_preset(state[KEY + "preset"])
    runner.reset(config)
    show_config(settings.widget_values(config))


def on_data_name() -> None:
    n_modes, radius, std = settings.data_defaults(state[KEY + "name"])
    state[KEY + "n_modes"] = n_modes or state[KEY + "n_modes"]
    state[KEY + "radius"], state[KEY + "std"] = radius, std
    if state[KEY + "name"] == "mixture1d":
        state[KEY + "noise_dim"] = 1


def on_points_upload() -> None:
    uploaded = state.get(KEY + "points_upload")
    if uploaded is None:
        return
    try:
        state[KEY + "points"] = settings.parse_points_upload(uploaded.getvalue())
        state[KEY + "points_error"] = None
    except ValueError as error:  # keep the previous points
        state[KEY + "points_error"] = f"Could not read {uploaded.name}: {error}. The previous points are kept."


def on_checkpoint_upload() -> None:
    uploaded = state.get(KEY + "checkpoint_upload")
    if uploaded is None:
        return
    try:
        runner.load_checkpoint(uploaded.getvalue())
    except CheckpointError as error:
        state[KEY + "message"] = ("error", f"Could not load {uploaded.name}: {error}. The current run is kept.")
        return
    show_config(settings.widget_values(runner.config))
    state[KEY + "message"] = ("success", f"Loaded {uploaded.name} at iteration {runner.iteration}.")



def on_reset(config) -> None:
    try:
        runner.reset(config)
    except (ValueError, RuntimeError) as error:
        state[KEY + "message"] = ("error", f"Could not start a run with these settings: {error}")


# ----- settings ----------------------------------------------------------------------------------
def number(label, key, **kwargs):
    return st.number_input(label, key=KEY + key, **kwargs)


with st.sidebar:
    st.selectbox("Preset", list(PRESETS), key=KEY + "preset", on_change=on_preset,
                 help="Known-good settings; choosing one starts a fresh run.")
    reset_notice = st.container()
    with st.expander("Data", expanded=True):
        name = st.selectbox("Distribution", settings.LAB_DATASETS, key=KEY + "name", on_change=on_data_name,
                            format_func=lambda n: n.replace("_", " "))
        if name == "grid":
            st.select_slider("Modes", settings.GRID_MODE_CHOICES, key=KEY + "n_modes")
        elif name in settings.MODE_DATASETS:
            number("Modes", "n_modes", min_value=1, max_value=400, step=1)
        if name != "points":
            number("Spacing" if name == "grid" else "Radius / scale", "radius", min_value=0.05, max_value=20.0,
                   step=0.1, format="%.2f")
        if name not in ("points", "three_regions"):
            number("Noise std", "std", min_value=0.001, max_value=5.0, step=0.005, format="%.3f")
        if name == "points":
            st.file_uploader("Your points (CSV, two numeric columns)", type=["csv", "txt"],
                             key=KEY + "points_upload", on_change=on_points_upload)
            if state[KEY + "points_error"]:
                st.error(state[KEY + "points_error"])
            st.caption(f"{len(state[KEY + 'points'])} points in use.")
    with st.expander("Networks"):
        number("Noise dimension", "noise_dim", min_value=1, max_value=128, step=1)
        st.selectbox("Noise prior", NOISE_PRIORS, key=KEY + "noise_prior")
        left, right = st.columns(2)
        with left:
            number("G layers", "g_layers", min_value=0, max_value=6, step=1)
            number("D layers", "d_layers", min_value=0, max_value=6, step=1)
        with right:
            number("G width", "g_width", min_value=1, max_value=1024, step=16)
            number("D width", "d_width", min_value=1, max_value=1024, step=16)
        st.selectbox("Activation", ACTIVATIONS, key=KEY + "activation")
    with st.expander("Training", expanded=True):
        st.selectbox("Loss", LOSSES, key=KEY + "loss", help="Changes while training runs.")
        left, right = st.columns(2)
        with left:
            st.selectbox("D optimizer", OPTIMIZERS, key=KEY + "d_optimizer")
            number("D learning rate", "d_lr", min_value=1e-6, max_value=1.0, step=1e-4, format="%.1e")
            number("k: D updates", "d_steps", min_value=0, max_value=10, step=1)
        with right:
            st.selectbox("G optimizer", OPTIMIZERS, key=KEY + "g_optimizer")
            number("G learning rate", "g_lr", min_value=1e-6, max_value=1.0, step=1e-4, format="%.1e")
            number("m: G updates", "g_steps", min_value=0, max_value=10, step=1)
        left, right = st.columns(2)
        with left:
            number("Batch size", "batch_size", min_value=1, max_value=4096, step=32)
        with right:
            number("Seed", "seed", min_value=0, max_value=2**31 - 1, step=1)
        number("Generator EMA", "ema", min_value=0.0, max_value=0.9999, step=0.001, format="%.4f",
               help="Metrics and saved samples come from an exponential average of the generator's "
                    "weights (0 = off); the plot shows the generator being trained.")
        st.checkbox("Decay learning rates", key=KEY + "lr_decay")
        if state[KEY + "lr_decay"]:
            number("...to 0 over iterations", "iterations", min_value=1, max_value=10_000_000, step=1000)

# Widgets -> config; live settings go straight to the trainer, the rest wait for Reset.
desired = None
try:
    desired = settings.config_from_values(state, runner.config)
except (ConfigError, ValueError) as error:
    reset_notice.error(f"Invalid setting: {error}")
if desired is not None:
    changed = settings.changed_settings(runner.config, desired)
    pending = settings.needs_reset(changed)
    if changed and not pending:
        runner.apply_train_changes(desired.train)
    elif pending:
        names = ", ".join(dict.fromkeys(settings.readable(n) for n in pending))
        reset_notice.warning(f"Changed: {names}. These apply on **Reset**; the current run goes on until then.")

# ----- toolbar -----------------------------------------------------------------------------------
st.markdown(QUIET_RERUNS_CSS, unsafe_allow_html=True)
st.title("2D lab", anchor=False)
playing = runner.playing
state[KEY + "view_playing"] = playing
toolbar = st.columns([1.1, 1, 1, 1, 1.1, 4], vertical_alignment="bottom")
# One key per intent: a click that Streamlit delivers late (during a rerun) can only repeat
# what its button said, never toggle the run back.
toolbar[0].button("Pause" if playing else "Play", key=KEY + ("pause" if playing else "play"),
                  on_click=runner.pause if playing else runner.play, type="primary",
                  icon=":material/pause:" if playing else ":material/play_arrow:", width="stretch",
                  disabled=bool(runner.diverged))
toolbar[1].button("Reset", key=KEY + "reset", on_click=on_reset, args=(desired or runner.config,),
                  icon=":material/restart_alt:", width="stretch", help="A fresh run with the settings on the left.")
toolbar[2].button("D step", key=KEY + "step_d", on_click=runner.step_discriminator, disabled=playing,
                  width="stretch", help="One discriminator update.")
toolbar[3].button("G step", key=KEY + "step_g", on_click=runner.step_generator, disabled=playing,
                  width="stretch", help="One generator update.")
toolbar[4].button("Iteration", key=KEY + "step_iteration", on_click=runner.step_iteration, disabled=playing,
                  width="stretch", help="One iteration: k D updates, then m G updates.")

show_message_once(KEY + "message")

layers = {name: name in (state[KEY + "layers"] or []) for name in LAYERS}


# ----- live views --------------------------------------------------------------------------------
@st.fragment(run_every=VIEW_EVERY if playing else None)
def main_view() -> None:
    follow_play_state(runner, KEY + "view_playing")
    snapshot = runner.snapshot
    live_counters(runner, snapshot)
    st.plotly_chart(plots.main_figure(snapshot, **layers, height=640), key=KEY + "main_figure",
                    config=plots.PNG_DOWNLOAD_CONFIG)


@st.fragment(run_every=CHARTS_EVERY if playing else None)
def side_charts() -> None:
    snapshot = runner.snapshot
    warning = collapse_warning(runner.metric_columns(), runner.latest_metrics)
    if warning:
        st.warning(warning, icon=":material/warning:")
    st.plotly_chart(plots.loss_figure(runner.history_columns(), height=300), key=KEY + "loss_chart")
    st.plotly_chart(plots.d_output_figure(snapshot, height=300), key=KEY + "d_output_chart")


@st.fragment(run_every=CHARTS_EVERY if playing else None)
def metric_charts() -> None:
    metrics = runner.metric_columns()
    latest = runner.latest_metrics
    st.caption(f"Metrics on 2,500 samples of the generator's weight average (or the generator itself "
               f"when EMA is 0), every {runner.metrics_every:,} iterations.")
    left, right = st.columns(2)
    if "modes_covered" in metrics:
        with left:
            st.plotly_chart(plots.modes_figure(metrics, latest.get("n_modes")), key=KEY + "modes_chart")
    with right if "modes_covered" in metrics else left:
        st.plotly_chart(plots.divergence_figure(metrics), key=KEY + "divergence_chart")
    st.download_button("History as CSV", data=lambda: plots.history_csv(runner.history_columns(),
                                                                         runner.metric_columns()),
                       file_name="gan-history.csv", mime="text/csv", key=KEY + "csv_download",
                       icon=":material/download:", on_click="ignore")


@st.fragment  # no timer: it refreshes when a person moves the slider, and on every full rerun
def timeline() -> None:
    kept = runner.timeline_iterations()
    previous_last = state.get(KEY + "timeline_last")
    if state.get(KEY + "timeline") not in kept or state.get(KEY + "timeline") == previous_last:
        state[KEY + "timeline"] = kept[-1]  # follow the newest snapshot until a person picks another
    state[KEY + "timeline_last"] = kept[-1]
    figure_column, info_column = st.columns([3, 2], gap="medium")
    with info_column:
        chosen = st.select_slider("Snapshot at iteration", kept, key=KEY + "timeline", format_func=lambda i: f"{i:,}")
        st.caption("Snapshots are kept at iterations 0, 100, 1,000, 2,000, 5,000, 10,000, 20,000 and every "
                   f"{runner.timeline_every:,} after that: scrub to see how the generated distribution moved. "
                   "New snapshots appear here when you pause or move the slider.")
        snapshot = runner.timeline_snapshot(chosen)
        if snapshot.metrics.get("n_modes"):
            st.metric("Modes covered", f"{snapshot.metrics['modes_covered']} of {snapshot.metrics['n_modes']}")
    with figure_column:
        st.plotly_chart(plots.main_figure(snapshot, **layers, height=560),
                        key=KEY + "timeline_figure", config=plots.PNG_DOWNLOAD_CONFIG)


view, side = st.columns([3, 2], gap="medium")
with view:
    st.pills("Layers", list(LAYERS), format_func=LAYERS.get, selection_mode="multi", key=KEY + "layers",
             label_visibility="collapsed", width="stretch")
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
    st.download_button("Download checkpoint", data=runner.checkpoint_bytes, file_name="gan-run.pt",
                       mime="application/octet-stream", key=KEY + "checkpoint_download",
                       icon=":material/save:", on_click="ignore")
    st.file_uploader("Load a checkpoint", type=["pt"], key=KEY + "checkpoint_upload",
                     on_change=on_checkpoint_upload)
