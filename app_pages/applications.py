"""The notes' applications, small and live (issue 26): words to faces, a sketch to a face, and
hair colour changed without pairs, each opening on shipped trained models.

ApplicationConfig (gan_core.training.applications) -> ApplicationsRunner (one training process
per session, the application's members stepped in turn) -> ApplicationSnapshot -> the views in
ui.applications_views, redrawn by the live-page skeleton (ui.live_page) while training.
"""

import streamlit as st

from gan_core.config import ConfigError
from gan_core.live import ApplicationsRunner
from gan_core.training.applications import APPLICATIONS, ApplicationConfig, preset
from ui import applications_views as views
from ui.live_page import LivePage

VIEW_EVERY = 0.5  # seconds between redraws while playing
DEFAULT = "words"

page = LivePage("app_", LivePage.build(ApplicationsRunner, preset(DEFAULT), publish_every=VIEW_EVERY))
runner, state, key = page.runner, page.state, page.key
config: ApplicationConfig = runner.config


def start(new: ApplicationConfig, done: str = "") -> None:
    if page.ask(runner.reset, new, failed="Could not start (the current models are kept): ", done=done):
        state[key("application")] = new.application
        state[key("iterations")], state[key("seed")], state[key("shipped")] = new.iterations, new.seed, new.shipped
        state.pop(key("drawing_sent"), None)  # the new members have not seen the drawing


def on_application() -> None:
    start(preset(state[key("application")]))


def on_reset() -> None:
    try:
        new = ApplicationConfig(
            application=state[key("application")],
            iterations=int(state[key("iterations")]),
            seed=int(state[key("seed")]),
            shipped=bool(state[key("shipped")]),
        )
    except ConfigError as error:
        page.say("error", f"Invalid setting: {error}")
        return
    start(new)


def show_run() -> None:
    """The widgets show the run's settings (after a load, or a restart from the autosave)."""
    run = runner.config
    state[key("application")], state[key("iterations")] = run.application, run.iterations
    state[key("seed")], state[key("shipped")] = run.seed, run.shipped
    state.pop(key("drawing_sent"), None)  # the new members have not seen the drawing


page.restored = show_run


linked = st.query_params.get("app")  # /applications?app=sketch opens that application (followed once)
if linked is not None:
    del st.query_params["app"]
    if linked not in APPLICATIONS:
        page.say("error", f"The link asks for an application {linked[:40]!r}; there are {', '.join(APPLICATIONS)}.")
    elif linked != config.application:
        start(preset(linked))
        config = runner.config

if state.get(key("application"), config.application) != config.application:
    state[key("application")] = config.application  # the run changed without the switch (a crash, a failed start)

for name, value in (("application", config.application), ("iterations", config.iterations), ("seed", config.seed),
                    ("shipped", config.shipped)):  # fmt: skip
    state.setdefault(key(name), value)

switch = page.header("Applications", widths=(1, 2.2))
switch.segmented_control(
    "Application",
    list(APPLICATIONS),
    format_func=lambda name: APPLICATIONS[name].title,
    key=key("application"),
    on_change=on_application,
    label_visibility="collapsed",
    required=True,
)
page.show_message()
application = config.application
st.caption(APPLICATIONS[application].blurb)

with st.sidebar:
    st.subheader("Settings")
    left, right = st.columns(2)
    left.number_input("Iterations", min_value=100, max_value=1_000_000, step=500, key=key("iterations"))
    right.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=key("seed"))
    st.checkbox(
        "Start from the shipped models",
        key=key("shipped"),
        help="Models trained with these settings ship in checkpoints/applications/: the page opens on them. Untick "
        "and Reset to watch them learn from scratch.",
    )
    st.caption("Settings apply on **Reset**.")
    page.save_and_load_models(f"applications-{application}-{runner.iteration}.pt", show_run)

score = ("Score now", "score", runner.evaluate, "Score every model at this iteration (the table).")
page.fixed_length_toolbar(on_reset, runs="every model", widths=[1.3, 1.3, 1, 1.5, 1.6], extras=[score])

if application == "words":
    views.phrase_box(page)
elif application == "sketch":
    canvas_column, view_column = st.columns([1, 2.8])  # the 200 px canvas fits at 1280 px
    with canvas_column:
        views.drawing_box(page)


def draw(snapshot) -> None:
    if snapshot.application != application:  # a reset is under way
        return
    st.caption(  # one line above the picture: the counters under it are below the fold on a projector
        f"Iteration **{snapshot.iteration:,}** of {snapshot.target_iterations:,} · {page.speed()}"
        + (f" · {snapshot.diverged}" if snapshot.diverged else "")
    )
    views.VIEWS[application](snapshot)
    page.member_counters(snapshot)  # under the picture: on a projector the picture comes first


if application == "sketch":
    with view_column:
        page.live(draw, VIEW_EVERY)
else:
    page.live(draw, VIEW_EVERY)
