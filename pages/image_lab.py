"""Image lab: train an MLP GAN, a conditional GAN or a DCGAN on small images live, and score it
with the classifier we ship.

Thin on purpose: widgets -> RunConfig (ui.image_settings) -> ImageLiveRunner (the 2D lab's
background runner, publishing image snapshots) -> ImageSnapshot -> figures
(gan_core.plots.images). Timed fragments read the latest snapshot and stop while paused.
"""
import streamlit as st

from gan_core.checkpoint import CheckpointError
from gan_core.checkpoint import read as read_checkpoint
from gan_core.config import D_NORMS, LOSSES, NOISE_PRIORS, ConfigError
from gan_core.losses import PROBABILISTIC_LOSSES
from gan_core.data.images import DataUnavailableError
from gan_core.image_live import ImageLiveRunner
from gan_core.plots import images as plots
from gan_core.plots.toy import loss_figure
from gan_core.presets import get_preset
from ui.live_widgets import (alive_runner, follow_play_state, live_counters, release_runner, show_config,
                             show_message_once)
from ui import image_settings as settings
from ui.image_settings import KEY

VIEW_EVERY = 0.5  # seconds between redraws of the grids while playing
CHARTS_EVERY = 2.0  # seconds between redraws of the charts while playing
DEFAULT_PRESET = "digits-dcgan"


@st.cache_resource(scope="session", max_entries=1, on_release=release_runner, show_spinner=False)
def session_runner() -> ImageLiveRunner:
    """This session's runner: its training process stops when the session ends (the tab closes)."""
    return ImageLiveRunner(get_preset(DEFAULT_PRESET), publish_every=VIEW_EVERY)


def init_state(runner: ImageLiveRunner) -> None:
    """All the page's state, set once per session."""
    state = st.session_state
    for key, value in settings.widget_values(runner.config).items():
        state.setdefault(key, value)
    state.setdefault(KEY + "preset", DEFAULT_PRESET)
    state.setdefault(KEY + "scores", False)
    state.setdefault(KEY + "message", None)  # (kind, text) shown once
    state[KEY + "runner"] = runner  # for tests and callbacks


runner = alive_runner(session_runner)
init_state(runner)
state = st.session_state


# ----- callbacks -------------------------------------------------------------------------------
def on_preset() -> None:
    config = get_preset(state[KEY + "preset"])
    runner.reset(config)
    show_config(settings.widget_values(config))



def on_reset(config) -> None:
    try:
        runner.reset(config)
    except (ValueError, RuntimeError) as error:  # DataUnavailableError and ConfigError are ValueErrors
        state[KEY + "message"] = ("error", f"Could not start a run with these settings: {error}")


def on_checkpoint_upload() -> None:
    uploaded = state.get(KEY + "checkpoint_upload")
    if uploaded is None:
        return
    try:
        config, _ = read_checkpoint(uploaded.getvalue())
        if not config.data.is_image:
            raise CheckpointError("it is a 2D run; open it in the 2D lab")
        runner.load_checkpoint(uploaded.getvalue())
    except (CheckpointError, DataUnavailableError) as error:
        state[KEY + "message"] = ("error", f"Could not load {uploaded.name}: {error}. The current run is kept.")
        return
    show_config(settings.widget_values(runner.config))
    state[KEY + "message"] = ("success", f"Loaded {uploaded.name} at iteration {runner.iteration}.")


# ----- settings ----------------------------------------------------------------------------------
def number(label, key, **kwargs):
    return st.number_input(label, key=KEY + key, **kwargs)


with st.sidebar:
    st.selectbox("Preset", settings.IMAGE_PRESETS, key=KEY + "preset", on_change=on_preset,
                 help="Known-good settings; choosing one starts a fresh run.")
    reset_notice = st.container()
    with st.expander("Data", expanded=True):
        name = st.selectbox("Data set", list(settings.DATA_LABELS), key=KEY + "name",
                            format_func=settings.DATA_LABELS.get)
        left, right = st.columns(2)
        left.selectbox("Image size", (8, 16, 28, 32), key=KEY + "image_size")
        right.selectbox("Channels", (1, 3), key=KEY + "channels", format_func={1: "grey", 3: "colour"}.get)
        if name != "digits":
            st.text_input("Folder" if name == "folder" else "Data folder", key=KEY + "root",
                          help="MNIST / Fashion-MNIST: where torchvision keeps them. Your images: one "
                               "sub-folder per class, or images directly in the folder.")
            if name != "folder":
                st.checkbox("Download when missing", key=KEY + "download")
    with st.expander("Networks", expanded=True):
        st.selectbox("Model", list(settings.ARCHITECTURE_LABELS), key=KEY + "architecture",
                     format_func=settings.ARCHITECTURE_LABELS.get)
        left, right = st.columns(2)
        with left:
            number("Noise dimension", "noise_dim", min_value=1, max_value=128, step=1)
            number("G width", "g_width", min_value=1, max_value=1024, step=16,
                   help="DCGAN: channels of G's last hidden layer (doubling towards the noise).")
            number("G layers", "g_layers", min_value=0, max_value=6, step=1, help="MLP models only.")
            number("G extra layers", "g_extra_layers", min_value=0, max_value=4, step=1,
                   help="DCGAN only: stride-1 3x3 convolutions before G's output layer.")
        with right:
            st.selectbox("Noise prior", NOISE_PRIORS, key=KEY + "noise_prior")
            number("D width", "d_width", min_value=1, max_value=1024, step=16,
                   help="DCGAN: channels of D's first layer (doubling at each stage).")
            number("D layers", "d_layers", min_value=0, max_value=6, step=1, help="MLP models only.")
            number("D extra layers", "d_extra_layers", min_value=0, max_value=4, step=1,
                   help="DCGAN only: stride-1 3x3 convolutions after D's input layer.")
        st.selectbox("D normalisation", D_NORMS, key=KEY + "d_norm",
                     help="DCGAN only. auto: BatchNorm (LayerNorm under WGAN-GP, whose per-sample penalty a "
                          "batch norm breaks); spectral: spectral normalisation of D's weights (Miyato et al. 2018).")
    with st.expander("Training", expanded=True):
        st.selectbox("Loss", LOSSES, key=KEY + "loss", help="Changes while training runs.")
        left, right = st.columns(2)
        with left:
            number("D learning rate", "d_lr", min_value=1e-6, max_value=1.0, step=1e-4, format="%.1e")
            number("k: D updates", "d_steps", min_value=0, max_value=10, step=1)
            number("Batch size", "batch_size", min_value=1, max_value=4096, step=32)
        with right:
            number("G learning rate", "g_lr", min_value=1e-6, max_value=1.0, step=1e-4, format="%.1e")
            number("m: G updates", "g_steps", min_value=0, max_value=10, step=1)
            number("Seed", "seed", min_value=0, max_value=2**31 - 1, step=1)
        number("Generator EMA", "ema", min_value=0.0, max_value=0.9999, step=0.001, format="%.4f",
               help="Metrics and saved samples come from an exponential average of the generator's "
                    "weights (0 = off); the grid shows the generator being trained.")
        left, right = st.columns(2)
        with left:
            number("Instance noise", "instance_noise", min_value=0.0, max_value=2.0, step=0.05, format="%.2f",
                   help="Std of Gaussian noise added to every image D sees, real and generated, fading to 0 "
                        "over the run's iterations (Sonderby et al. 2016). Changes while training runs.")
        with right:
            number("Label smoothing", "label_smoothing", min_value=0.0, max_value=0.49, step=0.05, format="%.2f",
                   help="One-sided: D's target for real images is 1 minus this (Salimans et al. 2016). "
                        "minimax and nsgan only. Changes while training runs.")

desired = None
try:
    desired = settings.config_from_values(state, runner.config)
except (ConfigError, ValueError) as error:
    reset_notice.error(f"Invalid setting: {error}")
if desired is not None:
    changed = settings.changed_settings(runner.config, desired)
    pending = settings.needs_reset(changed, runner.config, desired)
    if changed and not pending:
        runner.apply_train_changes(desired.train)
    elif pending:
        names = ", ".join(dict.fromkeys(settings.readable(n) for n in pending))
        reset_notice.warning(f"Changed: {names}. These apply on **Reset**; the current run goes on until then.")

# ----- toolbar -----------------------------------------------------------------------------------
st.title("Image lab", anchor=False)
playing = runner.playing
state[KEY + "view_playing"] = playing
toolbar = st.columns([1.4, 1.4, 1.2, 4], vertical_alignment="bottom")
# One key per intent: a click that Streamlit delivers late (during a rerun) can only repeat
# what its button said, never toggle the run back.
toolbar[0].button("Pause" if playing else "Play", key=KEY + ("pause" if playing else "play"),
                  on_click=runner.pause if playing else runner.play, type="primary",
                  icon=":material/pause:" if playing else ":material/play_arrow:", width="stretch",
                  disabled=bool(runner.diverged))
toolbar[1].button("Reset", key=KEY + "reset", on_click=on_reset, args=(desired or runner.config,),
                  icon=":material/restart_alt:", width="stretch", help="A fresh run with the settings on the left.")
toolbar[2].button("Step", key=KEY + "step_iteration", on_click=runner.step_iteration, disabled=playing,
                  width="stretch", help="One iteration: k D updates, then m G updates.")
toolbar[3].toggle("Show D's score under each image", key=KEY + "scores")

show_message_once(KEY + "message")


# ----- live views --------------------------------------------------------------------------------
@st.fragment(run_every=VIEW_EVERY if playing else None)
def grids() -> None:
    follow_play_state(runner, KEY + "view_playing")
    snapshot = runner.snapshot
    live_counters(runner, snapshot)
    scores = bool(state[KEY + "scores"])
    if scores:
        st.caption("Under each image: D's " + ("probability that it is real." if snapshot.d_is_probability
                                                else "score (higher means more real)."))
    left, right = st.columns(2)
    height = 120 + 48 * (len(snapshot.fake) // snapshot.columns)
    left.plotly_chart(plots.fake_grid_figure(snapshot, show_scores=scores, height=height), key=KEY + "fake_grid")
    right.plotly_chart(plots.real_grid_figure(snapshot, show_scores=scores, height=height), key=KEY + "real_grid")


@st.fragment(run_every=CHARTS_EVERY if playing else None)
def charts() -> None:
    latest = runner.latest_metrics
    st.plotly_chart(loss_figure(runner.history_columns(), height=260), key=KEY + "loss_chart")
    if "note" in latest:
        st.info(latest["note"])
        return
    generated, ceiling = latest.get("generated"), latest.get("real_ceiling")
    if not generated:
        st.caption(f"Metrics are computed every {runner.metrics_every:,} iterations.")
        return
    st.caption(f"Iteration {latest['iteration']:,}: {generated['sample_count']:,} generated images scored by "
               "the shipped digits classifier. **FID here is a Frechet distance on that classifier's "
               "features, not Inception-v3's**: it compares runs in this app, not published figures. "
               f"Held-out real data ({ceiling['sample_count']} images) is the ceiling.")
    rows = [("Inception Score", "inception_score", "{:.2f}"), ("FID (domain classifier)", "fid", "{:.3f}"),
            ("Precision", "precision", "{:.2f}"), ("Recall", "recall", "{:.2f}"), ("Density", "density", "{:.2f}"),
            ("Coverage", "coverage", "{:.2f}"), ("Classes present", "classes_present", "{}")]
    if "label_agreement" in generated:
        rows.append(("Requested label hit", "label_agreement", "{:.1%}"))
    columns = st.columns(len(rows))
    for column, (label, key, fmt) in zip(columns, rows):
        column.metric(label, fmt.format(generated[key]), help=f"Real held-out data: {fmt.format(ceiling[key])}")
    left, right = st.columns(2)
    left.plotly_chart(plots.class_histogram_figure(generated["class_counts"], runner.snapshot.class_names,
                                                   ceiling["class_counts"]), key=KEY + "class_chart")
    right.plotly_chart(plots.image_metrics_figure(runner.metric_columns()), key=KEY + "metric_chart")


@st.fragment  # no timer: it refreshes when the slider moves, and on every full rerun
def timeline() -> None:
    kept = runner.timeline_iterations()
    if len(kept) < 2:
        st.caption("The generated grid is kept at iterations 0, 100, 1,000, 2,000, 5,000, 10,000, 20,000 and "
                   f"every {runner.timeline_every:,} after that. Train a little to fill the timeline.")
    if state.get(KEY + "timeline") not in kept:
        state[KEY + "timeline"] = kept[-1]
    chosen = st.select_slider("Iteration", kept, key=KEY + "timeline", format_func=lambda i: f"{i:,}")
    snapshot = runner.timeline_snapshot(chosen)
    st.plotly_chart(plots.fake_grid_figure(snapshot, height=120 + 48 * (len(snapshot.fake) // snapshot.columns)),
                    key=KEY + "timeline_figure")
    st.download_button("Timeline as animated GIF", key=KEY + "gif_download", icon=":material/animation:",
                       data=lambda: plots.timeline_gif(
                           [(i, runner.timeline_snapshot(i).fake) for i in runner.timeline_iterations()],
                           snapshot.columns),
                       file_name="gan-timeline.gif", mime="image/gif", on_click="ignore")


@st.fragment
def discriminator_sampling() -> None:
    """The notes' "can the discriminator generate?": G proposes, D decides (rejection sampling)."""
    st.markdown("**Can the discriminator generate?** D scores how real an image looks, but searching all "
                "images for the best score is hopeless. So let G propose and D decide: each generated image "
                "is kept with a probability that grows with D's score (*discriminator rejection sampling*, "
                "Azadi et al. 2019). Were D optimal, the kept images would follow the data distribution exactly.")
    loss = runner.config.train.loss
    if loss not in PROBABILISTIC_LOSSES:
        st.info(f"This needs a probabilistic loss (minimax or nsgan), whose D estimates p_data / p_g; "
                f"this run uses {loss}.")
        return
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    exact = right.toggle("Plain rejection sampling (gamma = 0)", key=KEY + "drs_exact",
                         help="Keep each image with probability exp(logit - max logit): exact with an optimal D.")
    percentile = left.slider("Strictness: gamma at this percentile of D's scores", 0, 99, 80,
                             key=KEY + "drs_percentile", disabled=exact,
                             help="Higher keeps fewer images, the ones D rates best: fidelity for diversity.")
    if st.button("Generate 2,000 images and let D filter them", key=KEY + "drs_run", icon=":material/filter_alt:"):
        try:
            state[KEY + "drs_result"] = runner.rejection_demo(None if exact else float(percentile))
        except (ValueError, RuntimeError) as error:
            st.error(str(error))
    result = state.get(KEY + "drs_result")
    if result is None:
        return
    st.caption(f"Iteration {result['iteration']:,}: D kept {result['accepted']:,} of {result['proposals']:,} "
               f"images ({result['acceptance_rate']:.0%}). Under each image: D's probability that it is real.")
    height = 120 + 48 * 5
    left, right = st.columns(2)
    left.plotly_chart(plots.image_grid_figure(result["kept_images"], 8, scores=result["kept_probability"],
                                              title="Kept", height=height), key=KEY + "drs_kept")
    right.plotly_chart(plots.image_grid_figure(result["rejected_images"], 8, scores=result["rejected_probability"],
                                               title="Rejected", height=height), key=KEY + "drs_rejected")
    if "kept_metrics" in result:
        kept, every = result["kept_metrics"], result["all_metrics"]
        st.caption(f"Classifier metrics of the {kept['sample_count']:,} kept images, against as many of all "
                   "generated ones (the change):")
        rows = [("Inception Score", "inception_score", "{:.2f}"), ("FID (domain classifier)", "fid", "{:.3f}"),
                ("Precision", "precision", "{:.2f}"), ("Recall", "recall", "{:.2f}")]
        for column, (label, key, fmt) in zip(st.columns(len(rows)), rows):
            column.metric(label, fmt.format(kept[key]), delta=fmt.format(kept[key] - every[key]),
                          delta_color="inverse" if key == "fid" else "normal")
    elif "note" in result:
        st.caption(result["note"])


grids()
metrics_tab, timeline_tab, drs_tab, files_tab = st.tabs(["Losses & metrics", "Timeline", "Can D generate?",
                                                         "Save & load"])
with metrics_tab:
    charts()
with timeline_tab:
    timeline()
with drs_tab:
    discriminator_sampling()
with files_tab:
    st.download_button("Download checkpoint", data=runner.checkpoint_bytes, file_name="gan-image-run.pt",
                       mime="application/octet-stream", key=KEY + "checkpoint_download",
                       icon=":material/save:", on_click="ignore")
    st.file_uploader("Load a checkpoint", type=["pt"], key=KEY + "checkpoint_upload",
                     on_change=on_checkpoint_upload)
