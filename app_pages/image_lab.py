"""Image lab: train an MLP GAN, a conditional GAN or a DCGAN on small images live, and score it
with the classifier we ship.

Thin on purpose: widgets -> RunConfig (ui.config_widgets) -> LiveRunner (gan_core.live,
publishing image snapshots) -> ImageSnapshot -> figures (gan_core.plots.images). The shared
skeleton (ui.live_page) holds the runner, callbacks, toolbar, timeline and Save & load. Timed
fragments read the latest snapshot and stop while paused.
"""

import streamlit as st

from gan_core.config import D_NORMS, IMAGE_DATASETS, NOISE_PRIORS, ModelConfig, applicable_model_fields
from gan_core.live import LiveRunner
from gan_core.objectives.losses import PROBABILISTIC_LOSSES
from gan_core.plots import charts
from gan_core.plots import images as plots
from gan_core.plots.latent import tiles
from gan_core.presets import get_preset
from gan_core.sampling.rejection import DEFAULT_PERCENTILE
from gan_core.views.images import GRID_COLUMNS
from ui.config_widgets import PageFields
from ui.live_page import LIVE_PAGE_CSS, LivePage, page_runner, release_runner

FIELDS = PageFields(
    prefix="img_",
    data=("name", "image_size", "channels", "root", "download"),
    model=(
        "architecture",
        "noise_dim",
        "noise_prior",
        "g_width",
        "d_width",
        "g_layers",
        "d_layers",
        "d_norm",
        "g_extra_layers",
        "d_extra_layers",
    ),
    train=(
        "loss",
        "d_lr",
        "g_lr",
        "d_steps",
        "g_steps",
        "batch_size",
        "seed",
        "ema",
        "instance_noise",
        "label_smoothing",
    ),
)
ARCHITECTURE_LABELS = {
    "mlp": "MLP GAN (Goodfellow 2014)",
    "conditional_mlp": "Conditional GAN (Mirza 2014)",
    "dcgan": "DCGAN (Radford 2016)",
}
DATA_LABELS = {
    "digits": "Digits 8x8 (built in)",
    "mnist": "MNIST",
    "fashion_mnist": "Fashion-MNIST",
    "folder": "My image folder",
}
IMAGE_METRICS_EVERY = 1000  # iterations between metric evaluations (~0.5 s each on a CPU)
DRS_PROPOSALS = 2000  # images generated for one round of "Can D generate?"
VIEW_EVERY = 0.5  # seconds between redraws of the grids while playing
CHARTS_EVERY = 2.0  # seconds between redraws of the charts while playing
DEFAULT_PRESET = "digits-dcgan"


@st.cache_resource(scope="session", max_entries=1, on_release=release_runner, show_spinner=False)
def session_runner() -> LiveRunner:
    """This session's runner: its training process stops when the session ends (the tab closes)."""
    return page_runner(
        get_preset(DEFAULT_PRESET),
        kind="image",
        publish_every=VIEW_EVERY,
        metrics_every=IMAGE_METRICS_EVERY,
    )


page = LivePage(fields=FIELDS, kind="image", session_runner=session_runner, default_preset=DEFAULT_PRESET)
page.init_state(scores=False)
page.apply_link()
runner, state, key = page.runner, page.state, page.key


# ----- settings ----------------------------------------------------------------------------------
number = page.number
with st.sidebar:
    page.preset_box()
    page.share_button({})
    reset_notice = st.container()
    with st.expander("Data", expanded=True):
        name = st.selectbox("Data set", IMAGE_DATASETS, key=key("name"), format_func=lambda n: DATA_LABELS.get(n, n))
        left, right = st.columns(2)
        left.selectbox("Image size", (8, 16, 28, 32), key=key("image_size"))
        right.selectbox("Channels", (1, 3), key=key("channels"), format_func={1: "grey", 3: "colour"}.get)
        if name != "digits":
            st.text_input(
                "Folder" if name == "folder" else "Data folder",
                key=key("root"),
                help="MNIST / Fashion-MNIST: where torchvision keeps them. Your images: one "
                "sub-folder per class, or images directly in the folder.",
            )
            if name != "folder":
                st.checkbox("Download when missing", key=key("download"))
    with st.expander("Networks", expanded=True):
        architecture = st.selectbox(
            "Model", list(ARCHITECTURE_LABELS), key=key("architecture"), format_func=ARCHITECTURE_LABELS.get
        )
        # Only the settings this architecture reads (gan_core.config.ARCHITECTURE_FIELDS) are shown.
        shown = applicable_model_fields(
            ModelConfig(
                architecture=architecture,
                g_hidden=runner.config.model.g_hidden if architecture == "conditional_mlp" else (),
            )
        )
        left, right = st.columns(2)
        with left:
            number("Noise dimension", "noise_dim", min_value=1, max_value=128, step=1)
            if "g_width" in shown:
                number(
                    "G width",
                    "g_width",
                    min_value=1,
                    max_value=1024,
                    step=16,
                    help="DCGAN: channels of G's last hidden layer (doubling towards the noise).",
                )
            if "g_layers" in shown:
                number("G layers", "g_layers", min_value=0, max_value=6, step=1)
            if "g_extra_layers" in shown:
                number(
                    "G extra layers",
                    "g_extra_layers",
                    min_value=0,
                    max_value=4,
                    step=1,
                    help="Stride-1 3x3 convolutions before G's output layer.",
                )
        with right:
            st.selectbox("Noise prior", NOISE_PRIORS, key=key("noise_prior"))
            number(
                "D width",
                "d_width",
                min_value=1,
                max_value=1024,
                step=16,
                help="DCGAN: channels of D's first layer (doubling at each stage).",
            )
            if "d_layers" in shown:
                number("D layers", "d_layers", min_value=0, max_value=6, step=1)
            if "d_extra_layers" in shown:
                number(
                    "D extra layers",
                    "d_extra_layers",
                    min_value=0,
                    max_value=4,
                    step=1,
                    help="Stride-1 3x3 convolutions after D's input layer.",
                )
        if "g_hidden" in shown and runner.config.model.g_hidden:
            st.caption(
                "Generator hidden layers: "
                + " + ".join(map(str, runner.config.model.g_hidden))
                + " units (from the preset)."
            )
        if "d_norm" in shown:
            st.selectbox(
                "D normalisation",
                D_NORMS,
                key=key("d_norm"),
                help="auto: BatchNorm (LayerNorm under WGAN-GP, whose per-sample penalty a batch norm "
                "breaks); spectral: spectral normalisation of D's weights (Miyato et al. 2018).",
            )
    with st.expander("Training", expanded=True):
        page.training_widgets(optimizers=False, drawn="the grid")
        left, right = st.columns(2)
        with left:
            number(
                "Instance noise",
                "instance_noise",
                min_value=0.0,
                max_value=2.0,
                step=0.05,
                format="%.2f",
                help="Std of Gaussian noise added to every image D sees, real and generated, fading to 0 "
                "over the run's iterations (Sonderby et al. 2016). Changes while training runs.",
            )
        with right:
            number(
                "Label smoothing",
                "label_smoothing",
                min_value=0.0,
                max_value=0.49,
                step=0.05,
                format="%.2f",
                help="One-sided: D's target for real images is 1 minus this (Salimans et al. 2016). "
                "minimax and nsgan only. Changes while training runs.",
            )

desired = page.desired_config(reset_notice)

# ----- toolbar -----------------------------------------------------------------------------------
st.html(LIVE_PAGE_CSS)
st.title("Image lab", anchor=False)
(score_column,) = page.toolbar(
    desired, [("Step", "iteration", "One iteration: k D updates, then m G updates.")], widths=[1.4, 1.4, 1.2, 4]
)
score_column.toggle("Show D's score under each image", key=key("scores"))
page.show_message()


# ----- live views --------------------------------------------------------------------------------
@st.fragment(run_every=page.timer(VIEW_EVERY, while_waiting=True))
def grids() -> None:
    page.follow_play_state()
    snapshot = runner.snapshot
    page.counters(snapshot)
    scores = bool(state[key("scores")])
    if scores:
        st.caption(
            "Under each image: D's "
            + ("probability that it is real." if snapshot.d_is_probability else "score (higher means more real).")
        )
    left, right = st.columns(2)
    if page.first_load():  # pictures at once; the interactive grids (with D's scores) follow
        for column, images, title in ((left, snapshot.fake, "Generated, iteration 0"), (right, snapshot.real, "Real")):
            column.image(tiles(images, columns=snapshot.columns, tile=40, title=title), caption=None)
        return
    height = 120 + 48 * (len(snapshot.fake) // snapshot.columns)
    left.plotly_chart(plots.fake_grid_figure(snapshot, show_scores=scores, height=height), key=key("fake_grid"))
    right.plotly_chart(plots.real_grid_figure(snapshot, show_scores=scores, height=height), key=key("real_grid"))


@st.fragment(run_every=page.timer(CHARTS_EVERY))
def metric_panel() -> None:
    history = runner.history_columns()  # first: on a page's first run this waits for the training process
    latest = runner.latest_metrics
    st.plotly_chart(charts.loss_figure(history, height=260, diverged_at=runner.diverged_at), key=key("loss_chart"))
    if "note" in latest:
        st.info(latest["note"])
        return
    generated, ceiling = latest.get("generated"), latest.get("real_ceiling")
    if not generated:
        st.caption(f"Metrics are computed every {runner.metrics_every:,} iterations.")
        return
    st.caption(
        f"Iteration {latest['iteration']:,}: {generated['sample_count']:,} generated images scored by "
        "the shipped digits classifier. **FID here is a Frechet distance on that classifier's "
        "features, not Inception-v3's**: it compares runs in this app, not published figures. "
        f"Held-out real data ({ceiling['sample_count']} images) is the ceiling."
    )
    rows = [
        ("Inception Score", "inception_score", "{:.2f}"),
        ("FID", "fid", "{:.3f}"),
        ("Precision", "precision", "{:.2f}"),
        ("Recall", "recall", "{:.2f}"),
        ("Density", "density", "{:.2f}"),
        ("Coverage", "coverage", "{:.2f}"),
        ("Classes present", "classes_present", "{}"),
    ]
    if "label_agreement" in generated:
        rows.append(("Requested label hit", "label_agreement", "{:.1%}"))
    per_row = 4  # 7-8 metrics in one row cut their labels on a projector ("Inception Sc…")
    for start in range(0, len(rows), per_row):
        columns = st.columns(per_row)
        for column, (label, name, fmt) in zip(columns, rows[start : start + per_row]):
            column.metric(label, fmt.format(generated[name]), help=f"Real held-out data: {fmt.format(ceiling[name])}")
    left, right = st.columns(2)
    left.plotly_chart(
        plots.class_histogram_figure(generated["class_counts"], runner.snapshot.class_names, ceiling["class_counts"]),
        key=key("class_chart"),
    )
    right.plotly_chart(plots.image_metrics_figure(runner.metric_columns()), key=key("metric_chart"))


@st.fragment  # no timer: it refreshes when the slider moves, and on every full rerun
def timeline() -> None:
    if len(runner.timeline_iterations()) < 2:
        st.caption(f"The generated grid is kept {runner.timeline_description}. Train a little to fill the timeline.")
    snapshot = page.timeline_picker("Iteration")
    st.plotly_chart(
        plots.fake_grid_figure(snapshot, height=120 + 48 * (len(snapshot.fake) // snapshot.columns)),
        key=key("timeline_figure"),
    )
    st.download_button(
        "Timeline as animated GIF",
        key=key("gif_download"),
        icon=":material/animation:",
        data=lambda: plots.timeline_gif(
            [(i, runner.timeline_snapshot(i).fake) for i in runner.timeline_iterations()], snapshot.columns
        ),
        file_name="gan-timeline.gif",
        mime="image/gif",
        on_click="ignore",
    )


@st.fragment
def discriminator_sampling() -> None:
    """The notes' "can the discriminator generate?": G proposes, D decides (rejection sampling)."""
    st.markdown(
        "**Can the discriminator generate?** D scores how real an image looks, but searching all "
        "images for the best score is hopeless. So let G propose and D decide: each generated image "
        "is kept with a probability that grows with D's score (*discriminator rejection sampling*, "
        "Azadi et al. 2019). Were D optimal, the kept images would follow the data distribution exactly."
    )
    loss = runner.config.train.loss
    if loss not in PROBABILISTIC_LOSSES:
        st.info(
            f"This needs a probabilistic loss (minimax or nsgan), whose D estimates p_data / p_g; this run uses {loss}."
        )
        return
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    exact = right.toggle(
        "Plain rejection sampling (gamma = 0)",
        key=key("drs_exact"),
        help="Keep each image with probability exp(logit - max logit): exact with an optimal D.",
    )
    percentile = left.slider(
        "Strictness: gamma at this percentile of D's scores",
        0,
        99,
        int(DEFAULT_PERCENTILE),
        key=key("drs_percentile"),
        disabled=exact,
        help="Higher keeps fewer images, the ones D rates best: fidelity for diversity.",
    )
    if st.button(
        f"Generate {DRS_PROPOSALS:,} images and let D filter them", key=key("drs_run"), icon=":material/filter_alt:"
    ):
        try:
            state[key("drs_result")] = runner.rejection_demo(None if exact else float(percentile))
        except (ValueError, RuntimeError) as error:
            st.error(str(error))
    result = state.get(key("drs_result"))
    if result is None:
        return
    st.caption(
        f"Iteration {result['iteration']:,}: D kept {result['accepted']:,} of {result['proposals']:,} "
        f"images ({result['acceptance_rate']:.0%}). Under each image: D's probability that it is real."
    )
    height = 120 + 48 * 5
    left, right = st.columns(2)
    left.plotly_chart(
        plots.image_grid_figure(
            result["kept_images"], GRID_COLUMNS, scores=result["kept_probability"], title="Kept", height=height
        ),
        key=key("drs_kept"),
    )
    right.plotly_chart(
        plots.image_grid_figure(
            result["rejected_images"],
            GRID_COLUMNS,
            scores=result["rejected_probability"],
            title="Rejected",
            height=height,
        ),
        key=key("drs_rejected"),
    )
    if "kept_metrics" in result:
        kept, every = result["kept_metrics"], result["all_metrics"]
        st.caption(
            f"Classifier metrics of the {kept['sample_count']:,} kept images, against as many of all "
            "generated ones (the change):"
        )
        rows = [
            ("Inception Score", "inception_score", "{:.2f}"),
            ("FID", "fid", "{:.3f}"),
            ("Precision", "precision", "{:.2f}"),
            ("Recall", "recall", "{:.2f}"),
        ]
        for column, (label, name, fmt) in zip(st.columns(len(rows)), rows):
            column.metric(
                label,
                fmt.format(kept[name]),
                delta=fmt.format(kept[name] - every[name]),
                delta_color="inverse" if name == "fid" else "normal",
            )
    elif "note" in result:
        st.caption(result["note"])


grids()
metrics_tab, timeline_tab, drs_tab, files_tab = st.tabs(
    ["Losses & metrics", "Timeline", "Can D generate?", "Save & load"]
)
with metrics_tab:
    metric_panel()
with timeline_tab:
    timeline()
with drs_tab:
    discriminator_sampling()
with files_tab:
    page.save_and_load("gan-image-run.pt", "image lab")
