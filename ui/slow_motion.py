"""The 2D lab's slow motion: one iteration walked through as its sub-steps, each highlighted on
its own main view with a sentence of what happens and why and the numbers at that moment. Next
does one sub-step; Play goes on by itself at a chosen pace. Either pauses the live training first
(the walk is the run's own iteration: gan_core.training.slow_motion)."""

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


def slow_motion_panel(page) -> None:
    """The Slow motion tab of a live page (`page`: its ui.live_page.LivePage)."""
    runner, state, key = page.runner, page.state, page.key
    for name, default in (("slow_view", None), ("slow_previous", None), ("slow_playing", False),
                          ("slow_error", None), ("slow_last", 0.0)):  # fmt: skip
        state.setdefault(key(name), default)
    if state[key("slow_playing")] and runner.playing:  # the live run was started: slow play gives way
        state[key("slow_playing")] = False
    timer_pace = pace(state, key)

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
        playing = not state[key("slow_playing")]
        state[key("slow_playing")] = playing
        if playing:
            state[key("slow_last")] = 0.0  # the first sub-step at once

    @st.fragment(run_every=timer_pace if state[key("slow_playing")] else None)
    def panel() -> None:
        playing = state[key("slow_playing")]
        if playing and pace(state, key) != timer_pace:
            st.rerun(scope="app")  # a new pace needs a new timer
        if playing and time.monotonic() - state[key("slow_last")] >= 0.8 * pace(state, key):
            advance()
            playing = state[key("slow_playing")]
        view = current()
        controls = st.columns([1, 1, 2.2, 3.2], vertical_alignment="bottom")
        controls[0].button(
            "Next",
            key=key("slow_next"),
            on_click=advance,
            type="primary",
            icon=":material/skip_next:",
            width="stretch",
            help="Do the next sub-step of the iteration (pauses the live training).",
        )
        if controls[1].button(
            "Pause" if playing else "Play",
            key=key("slow_pause" if playing else "slow_play"),
            on_click=toggle_play,
            icon=":material/pause:" if playing else ":material/slow_motion_video:",
            width="stretch",
            help="Stop walking." if playing else "Walk on by itself, one sub-step at the pace chosen.",
        ):
            st.rerun(scope="app")  # the fragment's timer starts or stops with a full run
        controls[2].select_slider(
            "Seconds per sub-step", PACES, value=DEFAULT_PACE, key=key("slow_pace"), format_func=lambda s: f"{s:g} s"
        )
        if state[key("slow_error")]:
            st.error(state[key("slow_error")])
        _numbers(view, state[key("slow_previous")])
        figure_column, info_column = st.columns([3, 2], gap="medium")
        with info_column:
            _steps(view, runner)
        with figure_column:
            if view is not None:
                figure = slow_motion_figure(view, height=FIGURE_HEIGHT)
            else:
                figure = toy_plots.main_figure(
                    runner.snapshot, manifold=False, height=FIGURE_HEIGHT,
                    title=f"Iteration {runner.iteration:,}: press Next to walk through it",
                )  # fmt: skip
            st.plotly_chart(figure, key=key("slow_figure"), config=charts.PNG_DOWNLOAD_CONFIG)

    st.caption(
        "One iteration, slowed down: each **Next** does one sub-step of the run's own training and shows what "
        "it changed; the live training pauses."
    )
    panel()


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
    columns = st.columns(len(NUMBERS))
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
