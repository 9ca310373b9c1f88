"""GAN vs VAE vs auto-encoder: the same data, the same generator / decoder network and the same
number of iterations, trained live side by side with one Play (issue 12).

Settings -> ComparisonConfig (gan_core.training.comparison) -> ComparisonRunner (one training
process per session, every model stepped in turn) -> ComparisonSnapshot -> the views in
ui.comparison_views. One timed fragment redraws the chosen view while the comparison plays.
"""

import streamlit as st

from gan_core.config import ConfigError
from gan_core.live import ComparisonRunner, LiveRunnerError
from gan_core.plots import comparison as plots
from gan_core.training.comparison import (
    COMPARISON_ARCHITECTURES,
    COMPARISON_DATASETS,
    COMPARISON_PRESETS,
    ComparisonConfig,
)
from ui import comparison_views as views
from ui.live_page import LIVE_PAGE_CSS, WAITING_POLL_SECONDS, page_runner, play_pause_button, release_runner

KEY = "cmp_"
DEFAULT_PRESET = "ring"
VIEW_EVERY = 0.5  # seconds between redraws while playing
WIDTH_CHOICES = (16, 32, 64, 128, 256, 512)
CODE_CHOICES = (1, 2, 4, 8, 16, 32, 64)
TOY_VIEWS = {"samples": "Samples", "codes": "Code space", "scores": "Scores", "curves": "Training curves"}
IMAGE_VIEWS = {
    "samples": "Samples",
    "reconstructions": "Reconstructions",
    "codes": "Code space",
    "between": "Random code & ½a+½b",
    "ranking": "L2 vs D",
    "scores": "Scores",
    "curves": "Training curves",
}
VIEW_FUNCTIONS = {
    ("toy", "samples"): views.toy_samples,
    ("image", "samples"): views.image_samples,
    ("toy", "codes"): views.code_space,
    ("image", "codes"): views.code_space,
    ("image", "reconstructions"): views.reconstructions,
    ("image", "between"): views.between_codes,
    ("image", "ranking"): views.ranking,
}


def key(name: str) -> str:
    return KEY + name


@st.cache_resource(scope="session", max_entries=1, on_release=release_runner, show_spinner=False)
def session_runner() -> ComparisonRunner:
    """This session's comparison: its training process stops when the session ends."""
    return page_runner(COMPARISON_PRESETS[DEFAULT_PRESET][1], ComparisonRunner, publish_every=VIEW_EVERY)


runner = session_runner()
if not runner.alive:
    session_runner.clear()
    runner = session_runner()
state = st.session_state


def widget_values(config: ComparisonConfig) -> dict:
    return {
        key("data"): config.data,
        key("architecture"): config.architecture,
        key("code_size"): config.code_size,
        key("widths"): list(config.widths),
        key("iterations"): config.iterations,
        key("seed"): config.seed,
        key("beta"): config.beta,
    }


for name, value in widget_values(runner.config).items():
    state[name] = state[name] if name in state else value
state.setdefault(key("preset"), DEFAULT_PRESET)
state.setdefault(key("message"), None)
state.setdefault(key("view"), "samples")
state[key("runner")] = runner  # for tests


def say(kind: str, text: str) -> None:
    state[key("message")] = (kind, text)


def start(config: ComparisonConfig) -> None:
    try:
        runner.reset(config)
    except (ValueError, RuntimeError) as error:  # ConfigError, a training process that is gone
        say("error", f"Could not start the comparison: {error}. The current one is kept.")
        return
    for name, value in widget_values(runner.config).items():
        state[name] = value


def on_preset() -> None:
    start(COMPARISON_PRESETS[state[key("preset")]][1])


def desired_config() -> ComparisonConfig | str:
    """The config the widgets describe, or why they describe none."""
    try:
        return ComparisonConfig(
            data=state[key("data")],
            architecture=state[key("architecture")],
            code_size=int(state[key("code_size")]),
            widths=tuple(sorted(int(w) for w in state[key("widths")])),
            iterations=int(state[key("iterations")]),
            seed=int(state[key("seed")]),
            beta=float(state[key("beta")]),
        )
    except ConfigError as error:
        return str(error)


def on_reset() -> None:
    desired = desired_config()
    if isinstance(desired, str):
        say("error", f"Invalid setting: {desired}")
        return
    start(desired)


def on_extend() -> None:
    try:
        runner.extend(runner.config.iterations * 2)
    except (ValueError, RuntimeError) as error:
        say("error", str(error))


st.html(LIVE_PAGE_CSS)
st.title("GAN vs VAE vs auto-encoder")
st.caption(
    "One network trained three ways: the GAN's generator, the VAE's and the auto-encoder's decoder share the "
    "architecture, the starting weights, the data and the iterations (the encoders are the discriminator's body)."
)

# ----- sidebar: the comparison's settings -----------------------------------------------------------
with st.sidebar:
    st.selectbox(
        "Comparison",
        list(COMPARISON_PRESETS),
        key=key("preset"),
        on_change=on_preset,
        help="Known-good setups; choosing one starts a fresh comparison.",
    )
    st.caption(COMPARISON_PRESETS[state[key("preset")]][0])
    st.selectbox("Data", COMPARISON_DATASETS, key=key("data"))
    image_data = state[key("data")] == "digits"
    if image_data:
        st.selectbox(
            "Architecture",
            COMPARISON_ARCHITECTURES,
            key=key("architecture"),
            format_func={"mlp": "MLP (fast)", "dcgan": "DCGAN (convolutions, slower)"}.get,
        )
    st.selectbox(
        "Code size",
        CODE_CHOICES,
        key=key("code_size"),
        help="The GAN's noise size and the VAE's / AE's code size. 2 draws the code space as it is; a bigger code "
        "is drawn in its first two principal axes.",
    )
    st.multiselect(
        "Network widths",
        WIDTH_CHOICES,
        key=key("widths"),
        max_selections=3,
        help="Hidden width of every network. Two or three widths run the whole comparison at each size: does a "
        "VAE need a bigger network to match a GAN?",
    )
    left, right = st.columns(2)
    left.number_input("Iterations", min_value=100, max_value=200_000, step=1000, key=key("iterations"))
    right.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=key("seed"))
    st.number_input(
        "VAE β (KL weight)", min_value=0.0, max_value=20.0, step=0.25, key=key("beta"), help="1 = the ELBO."
    )
    desired = desired_config()
    if isinstance(desired, str):
        st.error(f"Invalid setting: {desired}")
    elif desired != runner.config:
        st.warning("Changed settings apply on **Reset**; the current comparison goes on until then.")

message = state.get(key("message"))
if message:
    {"error": st.error, "warning": st.warning}.get(message[0], st.success)(message[1])
    state[key("message")] = None

# ----- toolbar ----------------------------------------------------------------------------------------
playing = runner.playing
waiting = runner.place_in_line > 0
state[key("view_playing")] = playing
finished = runner.finished
toolbar = st.columns([1.3, 1.3, 1, 1.5, 1.2], vertical_alignment="bottom")  # fits 1024 px
play_pause_button(
    toolbar[0],
    runner,
    key,
    disabled=finished and not playing,
    help=f"Every model trained its {runner.config.iterations:,} iterations: extend or reset." if finished else None,
)
toolbar[1].button(
    "Reset", key=key("reset"), on_click=on_reset, icon=":material/restart_alt:", width="stretch",
    help="A fresh comparison with the settings on the left.",
)  # fmt: skip
toolbar[2].button(
    "Step", key=key("step"), on_click=runner.step_iteration, disabled=playing or finished, width="stretch",
    help="One iteration of every model.",
)  # fmt: skip
toolbar[3].button(
    "Score now", key=key("score"), on_click=runner.evaluate, disabled=playing, width="stretch",
    help="Score every model at this iteration (the table, the titles and the ranking).",
)  # fmt: skip
if finished:
    toolbar[4].button(
        f"Extend to {runner.config.iterations * 2:,} iterations", key=key("extend"), on_click=on_extend,
        icon=":material/more_time:",
    )  # fmt: skip

kind = runner.config.kind
view_names = IMAGE_VIEWS if kind == "image" else TOY_VIEWS
if state.get(key("view")) not in view_names:
    state[key("view")] = "samples"
st.segmented_control(
    "View", list(view_names), format_func=view_names.get, key=key("view"), label_visibility="collapsed"
)


def counters(snapshot) -> None:
    members = snapshot.members
    columns = st.columns([1.3, 1] + [1] * len(members))
    columns[0].metric("Iteration", f"{snapshot.iteration:,} / {snapshot.target_iterations:,}")
    columns[1].metric("Speed", f"{runner.iterations_per_second:,.0f} it/s" if runner.playing else "paused")
    for column, member in zip(columns[2:], members):
        column.metric(f"{member.name} time", f"{member.seconds:.1f} s", help="This model's own training time so far.")
    if snapshot.diverged:
        st.warning(f"Stopped (the others go on): {snapshot.diverged}")


def curves(snapshot, view_key: str) -> None:
    histories = runner.histories()
    kinds = {m.name: m.kind for m in snapshot.members}
    widths = {m.name: m.width for m in snapshot.members}
    losses = {n: h["losses"] for n, h in histories.items()}
    st.plotly_chart(plots.losses_figure(losses, kinds, widths), key=f"{view_key}_losses")
    metrics = {n: h["metrics"] for n, h in histories.items()}
    pairs = (
        (("fid", "FID (lower is better)"), ("sharpness", "sharpness (variance of the Laplacian)"))
        if kind == "image"
        else (("high_quality", "share of samples on a mode"), ("wasserstein1", "Wasserstein-1 to the data"))
    )
    columns = st.columns(2)
    for column, (metric, title) in zip(columns, pairs):
        with column:
            st.plotly_chart(plots.metric_chart(metrics, kinds, widths, metric, title), key=f"{view_key}_{metric}")
    st.caption(
        "Losses per iteration (the first 5% of iterations are left out of the y range); scores at each scoring. "
        "A GAN's losses are not in nats and do not fall as it learns."
    )


@st.fragment(run_every=VIEW_EVERY if playing else WAITING_POLL_SECONDS if waiting else None)
def live_view() -> None:
    if runner.playing != state[key("view_playing")]:
        st.rerun(scope="app")  # the comparison paused itself (finished) or its turn came
    if runner.place_in_line:
        st.info(
            f"The server trains {runner.turns.limit} runs at once: this comparison is number "
            f"{runner.place_in_line} in line and starts by itself.",
            icon=":material/hourglass_top:",
        )
    snapshot = runner.snapshot
    counters(snapshot)
    view = state[key("view")]
    view_key = key(f"{kind}_{view}")
    if view == "scores":
        views.scores_table(snapshot, view_key)
    elif view == "curves":
        curves(snapshot, view_key)
    else:
        VIEW_FUNCTIONS[(kind, view)](snapshot, view_key)


try:
    live_view()
except LiveRunnerError as error:
    st.error(f"The training process stopped: {error}. Reload the page to start a new one.")
