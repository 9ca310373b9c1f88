"""The 2D lab's slow motion: one iteration walked through as its sub-steps, each highlighted on
the main view (which it replaces while the toolbar's Slow motion switch is on) with a sentence of
what happens and why and the numbers at that moment. Next does one sub-step; Play goes on by
itself at a chosen pace. Either pauses the live training first (the walk is the run's own
iteration: gan_core.training.slow_motion)."""

from __future__ import annotations

import math
import time

import streamlit as st

from gan_core.live import LiveRunnerError
from gan_core.plots import charts
from gan_core.plots import toy as toy_plots
from gan_core.plots.slow_motion import slow_motion_figure
from gan_core.training.slow_motion import plan_titles

from .live_page import loss_text

PACES = (0.5, 1.0, 1.5, 2.0, 3.0, 5.0)  # seconds per sub-step while playing
DEFAULT_PACE = 2.0
FIGURE_HEIGHT = 470
NUMBERS = (  # (label, SubStep field, when it is first known)
    ("D's loss", "d_loss", "known after D's update"),
    ("G's loss", "g_loss", "known once G's loss is computed"),
    ("D on real (mean)", "d_real", "known once the real batch is drawn"),
    ("D on generated (mean)", "d_fake", "known once the generated batch is drawn"),
)


def toggle(page) -> bool:
    """The toolbar's Slow motion switch. Turning it on pauses the live training; the live Play
    turns it off (the walk and the live run are the same run)."""
    runner, state, key = page.runner, page.state, page.key
    if runner.playing and state.get(key("slow_mode")):
        state[key("slow_mode")] = False
        state[key("slow_playing")] = False
    st.toggle(
        "Slow motion",
        key=key("slow_mode"),
        on_change=on_toggle,
        args=(page,),
        help="Walk through one iteration sub-step by sub-step: what D and G do, with the numbers.",
    )
    return bool(state[key("slow_mode")])


def on_toggle(page) -> None:
    if page.state.get(page.key("slow_mode")) and page.runner.playing:
        page.runner.pause()
    page.state[page.key("slow_playing")] = False


def slow_motion_view(page) -> None:
    """In place of the main view and its side charts while Slow motion is on: Next, Play at a
    pace, the highlighted figure on the left, the sub-steps, their sentence and numbers on the right."""
    runner, state, key = page.runner, page.state, page.key
    for name, default in (("slow_view", None), ("slow_previous", None), ("slow_playing", False), ("slow_error", None)):
        state.setdefault(key(name), default)
    playing = state[key("slow_playing")]

    def current():
        """The latest sub-step's view while the run is still where it left it, else None."""
        view = state[key("slow_view")]
        if view is None or view.step.updates != runner.updates or view.step.run_iteration != runner.iteration:
            return None
        return view

    def advance() -> None:
        if runner.playing:
            runner.pause()
        before = current()
        try:
            view = runner.slow_motion_next()
        except (ValueError, RuntimeError, LiveRunnerError) as error:
            state[key("slow_error")] = f"Slow motion could not go on: {error}"
            state[key("slow_playing")] = False
            return
        state[key("slow_previous")] = before.step if before is not None else None
        state[key("slow_view")] = view
        state[key("slow_error")] = None
        state[key("slow_last")] = time.monotonic()

    def toggle_play() -> None:
        state[key("slow_playing")] = not state[key("slow_playing")]
        if state[key("slow_playing")]:
            advance()  # the first sub-step at once, the next ones at the pace

    controls = st.columns([1, 1.3, 2.4, 2.7], vertical_alignment="bottom")  # "Autoplay" whole at 1280x720
    controls[0].button(
        "Next",
        key=key("slow_next"),
        on_click=advance,
        type="primary",
        icon=":material/skip_next:",
        width="stretch",
        help="Do the next sub-step of the iteration (pauses the live training).",
    )
    controls[1].button(
        "Stop" if playing else "Autoplay",
        key=key("slow_pause" if playing else "slow_play"),
        on_click=toggle_play,
        icon=":material/pause:" if playing else ":material/slow_motion_video:",
        width="stretch",
        help="Stop walking." if playing else "Walk on by itself, one sub-step at the pace chosen.",
    )
    controls[2].select_slider(
        "Seconds per sub-step", PACES, value=DEFAULT_PACE, key=key("slow_pace"), format_func=lambda s: f"{s:g} s"
    )
    every = pace(state, key)

    @st.fragment(run_every=every if playing else None)
    def walk() -> None:
        due = time.monotonic() - state.get(key("slow_last"), 0.0) >= 0.8 * every
        if state[key("slow_playing")] and due:  # a tick of the pace (not a rerun just after a step)
            advance()
        view = current()
        if state[key("slow_error")]:
            st.error(state[key("slow_error")])
        figure_column, info_column = st.columns([3, 2], gap="medium")
        with figure_column:
            if view is not None:
                figure = slow_motion_figure(view, height=FIGURE_HEIGHT)
            else:
                figure = toy_plots.main_figure(
                    runner.snapshot, manifold=False, height=FIGURE_HEIGHT,
                    title=f"Iteration {runner.iteration:,}: press Next to walk through it",
                )  # fmt: skip
            st.plotly_chart(figure, key=key("slow_figure"), config=charts.PNG_DOWNLOAD_CONFIG)
        with info_column:
            _numbers(view, state[key("slow_previous")])
            _steps(view, runner)

    walk()


def pace(state, key) -> float:
    """The chosen seconds per sub-step."""
    return state.get(key("slow_pace"), DEFAULT_PACE)


def _steps(view, runner) -> None:
    """Which iteration and sub-step, the numbered list of sub-steps (the current one marked), the sentence."""
    if view is None:
        plan, done, iteration = plan_titles(runner.config), -1, runner.iteration
        st.markdown(f"**Iteration {iteration:,}**: not started. Its sub-steps:")
    else:
        step = view.step
        plan, done, iteration = step.plan, step.index, step.iteration
        finished = " (done: Next starts the next iteration)" if step.finished else ""
        st.markdown(f"**Iteration {iteration:,}** · sub-step {step.index + 1} of {step.total}{finished}")
    lines = []
    for number, title in enumerate(plan):
        if number == done:
            lines.append(f"{number + 1}. :orange-background[**{title}**] ◀")
        elif number < done:
            lines.append(f"{number + 1}. :gray[{title}]")
        else:
            lines.append(f"{number + 1}. {title}")
    st.markdown("\n".join(lines))
    if view is None:
        st.info("Press **Next** to walk through the next iteration one sub-step at a time.", icon=":material/school:")
    else:
        st.info(view.step.sentence, icon=":material/school:")


def _numbers(view, previous) -> None:
    """The losses and D's mean outputs after the sub-step, with their change since the previous one."""
    columns = [column for _ in range(2) for column in st.columns(2)]  # 2 x 2: the labels fit a side column
    for column, (label, field, when) in zip(columns, NUMBERS):
        value = getattr(view.step, field) if view is not None else float("nan")
        before = getattr(previous, field) if previous is not None else float("nan")
        delta = None
        if math.isfinite(value) and math.isfinite(before) and abs(value - before) > 5e-4:
            delta = f"{value - before:+.3f}"
        if field in ("d_real", "d_fake") and view is not None and not view.step.d_is_probability:
            label = label.replace("(mean)", "(mean score)")
        column.metric(
            label,
            loss_text(value),
            delta=delta,
            delta_color="off",
            help=None if math.isfinite(value) else f"Not known yet in this iteration: {when}.",
        )
