"""The skeleton under every live page (the 2D lab, its Compare mode, the image lab, GAN vs VAE,
the theory sections): the session's runner and what happens when its training process dies, the
messages a callback leaves for the next run, Play / Pause, the timers, and the live view that
follows the run (its play state, its turn in the server's line, the training process's first
answer, a process that went away). Pages add their own settings and figures around it;
ui.run_page adds what the pages built on a RunConfig share (presets, links, checkpoints).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from gan_core.config import ConfigError
from gan_core.live import LiveRunnerError
from gan_core.live.turns import shared_turns

# Fragment reruns several times a second would make Streamlit's "running" indicator blink and
# fade the other fragments' charts as "stale" each time: both are switched off on live pages.
# Metric values scale with the window (a projector at 1024x768 cut "paused" to "pa…" and
# "106.3" to "106.…"), and pills wrap instead of hiding the last ones. The page starts near the
# top (Streamlit leaves 6rem): on a 1280x720 projector the picture must start in the upper half.
LIVE_PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
[data-testid="stStatusWidget"] { visibility: hidden; }
.stMain [data-stale="true"] { opacity: 1 !important; }
.stMain [data-testid="stMetricValue"] { font-size: clamp(1.15rem, 2.3vw, 2.25rem); }
.stMain [data-testid="stButtonGroup"] > div { flex-wrap: wrap; }
</style>"""

WAITING_POLL_SECONDS = 2.0  # how often a page waiting for its turn looks whether it came
FIRST_ANSWER_POLL_SECONDS = 0.3  # how often a page's first load looks whether its process answered
SHOW = {"error": st.error, "warning": st.warning, "info": st.info, "success": st.success}


def _release(runner) -> None:
    """The training process ends with the session (the tab closes)."""
    runner.stop()


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _session_runner(prefix: str, _build: Callable):
    """One runner per page (`prefix`) and session; `_build` is only called on a miss."""
    return _build()


def loss_text(value: float) -> str:
    """A loss that fits a metric box: "—" before the first iteration (NaN), scientific notation
    for huge or tiny values (a blowing-up loss of 1234567.891 would be cut to "123…")."""
    if value != value:
        return "—"
    if value != 0 and not 1e-3 <= abs(value) < 1e4:
        return f"{value:.2e}"
    return f"{value:.3f}"


class LivePage:
    """A live page's runner and the behaviour every live page shares.

    prefix: the page's session-state keys start with it. build: makes the page's runner (a
    gan_core.live runner class and its first config), called once per session, and again when the
    training process died, which the page then says.
    """

    def __init__(self, prefix: str, build: Callable):
        self.prefix = prefix
        self.state = st.session_state
        runner = _session_runner(prefix, build)
        if not runner.alive:  # killed from outside (the out-of-memory killer, a crash)
            saved = runner.autosave
            _session_runner.clear(prefix, build)
            runner = _session_runner(prefix, build)
            self.state[self.key("autosave")] = saved
            self.say(
                "warning",
                "This page's training process stopped unexpectedly (the machine may have run out of memory). "
                + (
                    f"Its run was autosaved at iteration {saved[0]:,}: go on from there, or start afresh."
                    if saved
                    else "Its run is lost: a fresh one started at iteration 0."
                ),
            )
        self.runner = runner

    def key(self, name: str) -> str:
        return self.prefix + name

    @staticmethod
    def build(runner_class, config, **options) -> Callable:
        """A `build` for a runner that waits its turn in the server's line (at most
        GAN_EXPLORER_MAX_TRAINING runs train at once) and draws at once (it does not wait for its
        training process's first answer)."""
        return lambda: runner_class(config, turns=shared_turns(), wait=False, **options)

    def header(self, title: str, widths: tuple[float, float] = (1, 1)):
        """The page's title, and beside it a column for the page's own switch (Single run /
        Compare, the theory's sections): one row, so that the picture starts high on the page."""
        st.html(LIVE_PAGE_CSS)
        left, right = st.columns(widths, vertical_alignment="center")
        left.title(title, anchor=False)
        return right

    # ----- messages: a callback runs before the script; what it says shows once, in the page -----
    def say(self, kind: str, text: str, lasting: bool = False) -> None:
        """`lasting`: shown on every run until the person starts another run (a bad link's message
        must not vanish with the first redraw); otherwise once."""
        self.state[self.key("lasting" if lasting else "message")] = (kind, text)

    def forget_lasting(self) -> None:
        self.state.pop(self.key("lasting"), None)

    def show_message(self) -> None:
        """What a callback said, once, and what must last; the offer to bring back a replaced run;
        after a crash, the offer to go on from the autosave. All inside one container that is always
        there, so the elements after it keep their places (the tabs below keep the one chosen)."""
        with st.container():
            self._show_message()

    def _show_message(self) -> None:
        for message in (self.state.get(self.key("lasting")), self.state.pop(self.key("message"), None)):
            if message:
                SHOW.get(message[0], st.success)(message[1])
        replaced = self.state.get(self.key("replaced"))
        if replaced:
            left, right, _ = st.columns([2.4, 1, 1])
            left.button(
                f"Bring back the replaced run (iteration {replaced[0]:,})", key=self.key("bring_back"),
                on_click=self.on_bring_back, icon=":material/undo:", width="stretch",
            )  # fmt: skip
            right.button(
                "Let it go", key=self.key("forget_replaced"), on_click=self.state.pop, args=(self.key("replaced"),),
                width="stretch",
            )  # fmt: skip
        saved = self.state.get(self.key("autosave"))
        if saved:
            left, right, _ = st.columns([1.4, 1, 2])
            left.button(
                f"Go on from iteration {saved[0]:,}", key=self.key("restore"), on_click=self.on_restore, type="primary",
                icon=":material/restore:", width="stretch",
            )  # fmt: skip
            right.button(
                "Start afresh", key=self.key("forget_autosave"), on_click=self.state.pop, args=(self.key("autosave"),),
                width="stretch",
            )  # fmt: skip

    # ----- a run replaced by a preset, a reset, a link or a file: offered back once -------------
    def current_run(self) -> tuple[int, bytes] | None:
        """(iteration, checkpoint) of the run about to be replaced, if it trained at all."""
        runner = self.runner
        if runner.iteration <= 0:
            return None
        try:
            return runner.iteration, runner.checkpoint_bytes()
        except (ConfigError, ValueError, RuntimeError):  # a process that is gone: nothing to keep
            return None

    def keep_replaced(self, previous: tuple[int, bytes] | None) -> None:
        """After a run was replaced: offer the previous one back (one, the latest)."""
        self.state.pop(self.key("replaced"), None)
        if previous is not None:
            self.state[self.key("replaced")] = previous
            st.toast(
                f"The run at iteration {previous[0]:,} was replaced: the page's top offers it back.",
                icon=":material/undo:",
            )

    def on_bring_back(self) -> None:
        iteration, data = self.state.pop(self.key("replaced"))
        previous = self.current_run()
        if self.ask(self.runner.load_checkpoint, data, failed="Could not bring the run back: "):
            self.restored()
            self.keep_replaced(previous)  # the run it replaced can come back in turn
            self.say("success", f"Brought back the run at iteration {iteration:,}.")

    def on_restore(self) -> None:
        iteration, data = self.state.pop(self.key("autosave"))
        if self.ask(self.runner.load_checkpoint, data, failed="Could not go on from the autosave: "):
            self.restored()
            self.say("success", f"Going on from the autosave at iteration {iteration:,}. Press Play.")

    def restored(self) -> None:
        """After a checkpoint replaced the run: a page whose widgets show the run's settings sets them."""

    def ask(self, action, *args, done: str = "", failed: str = "") -> bool:
        """A request to the training process; its error is said as a sentence, never a traceback."""
        try:
            action(*args)
        except (ConfigError, ValueError, RuntimeError) as error:  # LiveRunnerError is a RuntimeError
            self.say("error", f"{failed}{error}")
            return False
        if done:
            self.say("success", done)
        return True

    # ----- the toolbar's state -------------------------------------------------------------------
    def play_pause(self, column, *, disabled: bool = False, help: str | None = None, primary: bool = True) -> None:
        """Play, Pause, or Waiting (in the server's line: a click leaves it). One key per intent: a
        click that Streamlit delivers late (during a rerun) can only repeat what its button said,
        never toggle the run back."""
        runner = self.runner
        playing, waiting = runner.playing, runner.place_in_line > 0
        action = runner.pause if playing or waiting else runner.play
        column.button(
            "Pause" if playing else "Waiting" if waiting else "Play",
            key=self.key("pause" if playing or waiting else "play"),
            on_click=self.ask,
            args=(action,),
            type="primary" if primary else "secondary",
            icon=":material/pause:" if playing else ":material/hourglass_top:" if waiting else ":material/play_arrow:",
            width="stretch",
            disabled=disabled,
            help="Click to leave the line." if waiting and not help else help,
        )

    def fixed_length_toolbar(self, on_reset, *, runs: str, widths: list[float], extras=()) -> list:
        """Play / Pause, Reset, Step, the page's `extras` ((label, key name, action, help) buttons)
        and, once the runs trained their set iterations, Extend (to twice as many): the toolbar of
        the pages whose runs have a set length (GAN vs VAE, the theory sections). `runs` names them
        in the help ("every model"). Returns the columns left for the page's own controls."""
        runner = self.runner
        playing, finished, length = runner.playing, runner.finished, runner.config.iterations
        columns = st.columns(widths, vertical_alignment="bottom")
        self.play_pause(
            columns[0],
            disabled=finished and not playing,
            help=f"{runs.capitalize()} trained its {length:,} iterations: extend or reset." if finished else None,
        )
        columns[1].button(
            "Reset", key=self.key("reset"), on_click=on_reset, icon=":material/restart_alt:", width="stretch",
            help="Fresh runs with the settings shown, paused at iteration 0.",
        )  # fmt: skip
        columns[2].button(
            "Step", key=self.key("step"), on_click=self.ask, args=(runner.step_iteration,), width="stretch",
            disabled=playing or finished, help=f"One iteration of {runs}.",
        )  # fmt: skip
        for column, (label, name, action, help_text) in zip(columns[3:], extras):
            column.button(
                label, key=self.key(name), on_click=self.ask, args=(action,), disabled=playing, width="stretch",
                help=help_text,
            )  # fmt: skip
        rest = columns[3 + len(extras) :]
        if finished:
            rest[0].button(
                f"Extend to {2 * length:,}", key=self.key("extend"), on_click=self.ask,
                args=(runner.extend, 2 * length), icon=":material/more_time:",
                help=f"Train on to {2 * length:,} iterations (the learning rates decay over the new length).",
            )  # fmt: skip
        return rest[1:] if finished else rest

    def save_and_load_models(self, file_name: str, loaded: Callable[[], None]) -> None:
        """Download every model of the page's run in one file, and load such a file back: a bad
        or foreign file is said and the run kept; `loaded()` then sets the page's widgets."""
        st.download_button(
            "Download these models", data=self.runner.checkpoint_bytes, file_name=file_name,
            mime="application/octet-stream", key=self.key("download"), icon=":material/save:", on_click="ignore",
            help="Every model of this page's run in one file (weights, optimisers, histories), to load here later.",
        )  # fmt: skip

        def on_upload() -> None:
            uploaded = self.state.get(self.key("upload"))
            if uploaded is None:
                return
            if self.ask(self.runner.load_checkpoint, uploaded.getvalue(), failed=f"Could not load {uploaded.name}: "):
                loaded()
                runner = self.runner
                go_on = (
                    f"It trained its {runner.config.iterations:,} iterations: Extend to train on."
                    if runner.finished
                    else "Press Play to go on."
                )
                self.say("success", f"Loaded {uploaded.name} at iteration {runner.iteration:,}. {go_on}")

        st.file_uploader("Load saved models", type=["pt"], key=self.key("upload"), on_change=on_upload)

    def member_counters(self, snapshot) -> None:
        """Under a side-by-side page's picture: the iteration of the set length, the speed, and each
        member's own training time; a member that stopped is said (the others go on)."""
        members = snapshot.members
        if len(members) <= 2:
            columns = st.columns([1.3, 1] + [1] * len(members))
            times = columns[2:]
        else:  # three or four members' times on a row of their own: on one row a projector cuts them short
            columns = st.columns([1.3, 1, 1.7])
            times = st.columns(len(members))
        columns[0].metric("Iteration", f"{snapshot.iteration:,} / {snapshot.target_iterations:,}")
        columns[1].metric("Speed", self.speed())
        for column, member in zip(times, members):
            column.metric(
                f"{member.name} time", f"{member.seconds:.1f} s", help="This model's own training time so far."
            )
        if snapshot.diverged:
            st.warning(f"Stopped (the others go on): {snapshot.diverged}")

    def speed(self) -> str:
        return f"{self.runner.iterations_per_second:,.0f} it/s" if self.runner.playing else "paused"

    # ----- timers and the live view ----------------------------------------------------------------
    def timer(self, every: float, while_waiting: bool = False) -> float | None:
        """A live view's `run_every`: `every` seconds while training; while waiting in line only
        the view that notices the turn polls, slowly (30 waiting pages redrawing 4 times a second
        would take the server from the runs that train); None when paused."""
        if self.runner.playing:
            return every
        if while_waiting and self.runner.place_in_line > 0:
            return WAITING_POLL_SECONDS
        return None

    def fragment(self, every: float | None = None) -> Callable:
        """A decorator: `draw()` as a fragment redrawn every `every` seconds while training; a
        training process that went away (the tab closed, a crash) is said, not raised."""

        def wrap(draw: Callable) -> Callable:
            @st.fragment(run_every=self.timer(every) if every else None)
            @functools.wraps(draw)  # the fragment's id comes from the function's name
            def view() -> None:
                try:
                    draw()
                except LiveRunnerError as error:
                    st.error(f"The training process stopped: {error}. Reload the page to start a new one.")

            return view

        return wrap

    def live(self, draw: Callable, every: float) -> None:
        """The page's main view: `draw(snapshot)` now and every `every` seconds while training.
        When the run pauses itself (it diverged, finished or its turn ended), its turn comes or its
        training process first answers, the whole page reruns so the buttons and timers follow."""
        runner = self.runner
        playing, answered = runner.playing, runner.ready
        every_now = self.timer(every, while_waiting=True) or (None if answered else FIRST_ANSWER_POLL_SECONDS)

        @st.fragment(run_every=every_now)
        @functools.wraps(draw)
        def view() -> None:
            try:
                if runner.playing != playing or runner.ready != answered:
                    st.rerun(scope="app")
                self.show_turn()
                draw(runner.snapshot)
            except LiveRunnerError as error:
                st.error(f"The training process stopped: {error}. Reload the page to start a new one.")

        view()

    @property
    def first_answer_pending(self) -> bool:
        """True on a page's first load, until its training process answers: the page draws its
        main view as a picture at once (the browser meanwhile loads plotly for the charts)."""
        return not self.runner.ready

    def show_turn(self) -> None:
        """While this run waits for its turn on a shared machine: where it stands, and why."""
        turns, place = self.runner.turns, self.runner.place_in_line
        if not place:
            return
        training, waiting = turns.counts()
        st.info(
            f"This server trains {turns.limit} run{'s' if turns.limit != 1 else ''} at once ({training} now) and "
            f"{waiting} wait{'s' if waiting == 1 else ''}: this page's is **number {place} in line** and starts by "
            f"itself. While others wait, each run trains {turns.turn_seconds:.0f} s at a time.",
            icon=":material/hourglass_top:",
        )
