"""The 2D lab's Compare mode: the sidebar's settings as the base, one setting varied over up to 8
values (or up to 8 presets), every variant trained in lockstep on the same batches and noise in
the session's own training process (gan_core.live.compare). Small multiples of the main view,
one chart per metric with a line per variant, and "continue this one alone", which hands a
variant to the lab's single run exactly where it stands."""

from __future__ import annotations

import streamlit as st

from gan_core.config import ConfigError, quoted
from gan_core.live import CompareRunner
from gan_core.plots import compare as plots
from gan_core.presets import presets_for
from gan_core.training.checkpoint import CheckpointError
from gan_core.training.compare import SETTING_LABELS, SUGGESTED_VALUES, CompareConfig, split_values
from ui.config_widgets import changed_settings
from ui.live_page import LivePage, loss_text

MODES = {"single": "Single run", "compare": "Compare"}
PRESETS_CHOICE = "presets"  # the Vary box's entry for comparing presets instead of one setting


def view_every(variants: int) -> float:
    """Seconds between redraws of the variants' views while playing: longer with more views to
    draw (2 variants 0.5 s, 4 0.75 s, 6 or more 1 s), so that on a small machine drawing them
    leaves most of a core to training (bench/live_speed.py)."""
    return min(1.0, 0.25 + 0.125 * variants)


# ... and of the six charts: building ten plotly figures took the server ~0.2 s a redraw, which at
# two redraws a second took training time (bench/live_speed.py); the metrics change every 500
# iterations anyway.
CHARTS_EVERY = 2.0
COLUMNS = 4  # small multiples per row
DEFAULT_VALUES = {"setting": "loss", "values": ("nsgan", "minimax", "lsgan", "wgan_gp")}
PREFIX = "lab_compare_"
state = st.session_state


def key(name: str) -> str:
    return PREFIX + name


def initial_config(lab) -> CompareConfig:
    """The first comparison of a session: the lab's current run as the base, and what the link
    says to vary (?vary=km=1:1,5:1), or four losses."""
    linked = st.query_params.get("vary")
    if linked:
        try:
            return CompareConfig.from_vary(lab.runner.config, linked)
        except ConfigError as error:
            lab.say("error", f"This link's comparison could not be used ({error}); four losses are compared instead.")
    return CompareConfig(base=lab.runner.config, **DEFAULT_VALUES)


def open_if_chosen(lab) -> LivePage | None:
    """Compare's page (its training process starts when Compare is first opened and ends with the
    session) when Compare is the chosen mode (a link with ?mode=compare opens it), else None.
    Called before the lab's sidebar: a "Continue alone" pressed in the last run is handed over
    here, so that the sidebar shows the variant's settings."""
    if "lab_mode" not in state:
        linked = st.query_params.get("mode", "single")
        state["lab_mode"] = linked if linked in MODES else "single"
        if linked not in MODES:
            lab.say("warning", f"{quoted(linked)} is not a mode of the 2D lab (the modes: {', '.join(MODES)}).")
    handing_over = state.pop(key("hand_over"), None)
    chosen_preset = state.pop(lab.key("open_compare"), None)  # a Compare preset chosen in the Preset box
    if chosen_preset is not None:
        state["lab_mode"] = "compare"
    if state["lab_mode"] != "compare" and handing_over is None:
        return None
    compare = LivePage(PREFIX, lambda: LivePage.build(CompareRunner, initial_config(lab))())
    if lab.link_opened:  # a link opened now: its comparison on its run, even where Compare was open before
        linked = initial_config(lab)
        if linked != compare.runner.config:
            compare.ask(compare.runner.reset, linked, failed="Could not start this link's comparison: ")
        show_vary(linked)
    if handing_over is not None:
        on_continue_alone(compare, lab, handing_over)
    if chosen_preset is not None:
        start_preset(compare, lab, chosen_preset)
    return compare if state["lab_mode"] == "compare" else None


def show_vary(config: CompareConfig) -> None:
    """The Vary box and its values show what `config` varies (before they are drawn)."""
    state[key("setting")], state[key("values")] = config.setting, ", ".join(config.values)


def start_preset(compare: LivePage, lab, name: str) -> None:
    """Compare preset `name` (its base preset just started in the lab, the sidebar showing it):
    fresh variants, the Vary box showing what they vary."""
    preset = lab.compare_presets[name]
    config = preset.config()
    if compare.runner.playing:
        compare.runner.pause()
    if compare.ask(compare.runner.reset, config, failed=f"Could not start {name}: "):
        show_vary(config)
        compare.say("success", f"**{name}**: {preset.shows} Press Play.")


class BaseNotice:
    """What the sidebar says about changed settings while Compare is open: they are the variants'
    base and apply on Start, not on the single run's Reset."""

    def __init__(self, container):
        self.container = container

    def warning(self, text: str, **options) -> None:
        if options.get("icon") == ":material/speed:":  # how fast such networks would train: said as is
            self.container.warning(text, **options)
            return
        self.container.warning(
            "Changed settings are the variants' base: they apply on **Start these variants**.", **options
        )

    def error(self, text: str, **options) -> None:
        self.container.error(text, **options)


# ----- the mode switch ------------------------------------------------------------------------------
def mode_switch(lab, compare) -> str:
    """Single run or Compare; switching pauses the mode left behind (two trainings would halve
    each other's speed)."""
    st.segmented_control(
        "Mode",
        list(MODES),
        format_func=MODES.get,
        key="lab_mode",
        on_change=on_mode_change,
        args=(lab, compare),
        label_visibility="collapsed",
        required=True,
    )
    return state["lab_mode"] or "single"


def on_mode_change(lab, compare) -> None:
    left = compare if (state.get("lab_mode") or "single") == "single" else lab
    if left is not None and left.runner.playing:
        left.ask(left.runner.pause)


def link_extras(compare) -> dict[str, str]:
    """What "Copy link to this setup" adds in Compare mode: the mode and what is varied."""
    spec = compare.runner.config.vary_spec
    return {"mode": "compare", **({"vary": spec} if spec else {})}


# ----- actions ---------------------------------------------------------------------------------------
def desired_config(base) -> CompareConfig | None:
    """What the Vary controls describe, on the sidebar's settings; None (with the reason shown)
    when a value is bad."""
    setting = state.get(key("setting"), "loss")
    try:
        if setting == PRESETS_CHOICE:
            return CompareConfig(base=base, presets=tuple(state.get(key("presets")) or ()))
        return CompareConfig(base=base, setting=setting, values=tuple(split_values(state.get(key("values"), ""))))
    except ConfigError as error:
        st.error(f"Cannot compare these: {error}. The current variants are kept.")
        return None


def on_continue_alone(compare: LivePage, lab, name: str) -> None:
    """Hand variant `name` to the lab's single run, at its iteration, with its optimiser state and
    streams; the lab shows its settings and opens."""
    try:
        if compare.runner.playing:
            compare.runner.pause()
        lab.runner.load_checkpoint(compare.runner.variant_checkpoint(name))
    except (CheckpointError, ConfigError, ValueError, RuntimeError) as error:
        compare.say("error", f"Could not continue {name} alone: {error}")
        return
    lab.show_config(lab.runner.config)
    state["lab_mode"] = "single"
    lab.say(
        "success",
        f"Continuing **{name}** alone from iteration {lab.runner.iteration:,}: the same weights, optimiser "
        "state and random streams it had in Compare. Press Play.",
    )


# ----- the page ----------------------------------------------------------------------------------------
def settings(base, runner) -> CompareConfig | None:
    current = runner.config
    state.setdefault(key("setting"), PRESETS_CHOICE if current.presets else current.setting)
    state.setdefault(key("values"), ", ".join(current.values))
    state.setdefault(key("presets"), list(current.presets) or list(presets_for("toy"))[:2])
    choices = [*SETTING_LABELS, PRESETS_CHOICE]
    left, right = st.columns([1, 2.2], vertical_alignment="bottom")
    setting = left.selectbox(
        "Vary",
        choices,
        key=key("setting"),
        format_func=lambda name: "presets (whole settings)" if name == PRESETS_CHOICE else SETTING_LABELS[name],
        on_change=on_setting_change,
    )
    if setting == PRESETS_CHOICE:
        right.multiselect("Presets", list(presets_for("toy")), key=key("presets"), max_selections=8)
    else:
        right.text_input(
            "Values (comma-separated, up to 8)",
            key=key("values"),
            help="Everything else comes from the sidebar. e.g. " + SUGGESTED_VALUES.get(setting, "1, 2"),
        )
    return desired_config(base)


def on_setting_change() -> None:
    setting = state.get(key("setting"))
    state[key("values")] = SUGGESTED_VALUES.get(setting, "")


def toolbar(compare: LivePage, desired: CompareConfig | None) -> None:
    runner = compare.runner
    playing, ask = runner.playing, compare.ask
    changed = desired is not None and differs(desired, runner.config)
    columns = st.columns([1.5, 1.2, 1, 1, 2.3], vertical_alignment="bottom")
    columns[0].button(
        "Start these variants" if changed or desired is None else "Restart",
        key=key("start"),
        on_click=ask,
        args=(runner.reset, desired),
        kwargs=dict(failed="Could not start these variants (the current ones are kept): "),
        type="primary" if changed else "secondary",
        icon=":material/restart_alt:",
        width="stretch",
        disabled=desired is None,
        help="Fix the values above first: the current variants are kept."
        if desired is None
        else "Fresh variants with the settings above and on the left, paused at iteration 0.",
    )
    compare.play_pause(
        columns[1],
        primary=not changed,
        disabled=bool(runner.diverged),
        help="Every variant diverged: Restart." if runner.diverged else "Play and pause act on every variant.",
    )
    columns[2].button(
        "Step", key=key("step"), on_click=ask, args=(runner.step_iteration,), disabled=playing, width="stretch",
        help="One iteration of every variant.",
    )  # fmt: skip
    columns[3].button(
        "Score", key=key("score"), on_click=ask, args=(runner.evaluate,), disabled=playing, width="stretch",
        help="Compute every variant's metrics now (while playing they are computed every 500 iterations or more).",
    )  # fmt: skip
    if changed:
        columns[4].warning("Changed: press **Start these variants**.", icon=":material/info:")


def differs(desired: CompareConfig, current: CompareConfig) -> bool:
    """Whether Start would train something else (the base compared with defaults filled in: the
    widgets say "8 modes" where a preset says "the data set's default")."""
    if (desired.setting, desired.values, desired.presets) != (current.setting, current.values, current.presets):
        return True
    return not desired.presets and bool(changed_settings(current.base, desired.base))


def describe(snapshot) -> str:
    how = (
        "stacked into one batched model, stepped in one call"
        if snapshot.engine == "stacked"
        else f"stepped one after another ({snapshot.why_sequential})"
    )
    return (
        f"{len(snapshot.names)} variants, {how}. Each variant draws the real batches and noise its own single "
        "run would: variants with the same seed, k and m see the very same ones."
    )


def compare_page(lab, compare: LivePage, base, layer_names: dict[str, str]) -> None:
    """Compare mode's body, under the lab's title and mode switch (`base`: the sidebar's config)."""
    runner = compare.runner
    desired = settings(base if base is not None else runner.config.base, runner)
    toolbar(compare, desired)
    lab.show_message()
    compare.show_message()
    state.setdefault(key("layers"), ["real", "fake", "heatmap"])
    st.pills(
        "Layers", list(layer_names), format_func=layer_names.get, selection_mode="multi", key=key("layers"),
        label_visibility="collapsed",
    )  # fmt: skip
    layers = {name: name in (state[key("layers")] or []) for name in layer_names}

    def draw(snapshot) -> None:
        if not hasattr(snapshot, "views"):  # the provisional snapshot of an older runner
            st.info("Starting the variants…")
            return
        for name, text in snapshot.diverged.items():
            st.warning(f"**{name}** stopped (the others go on): {text}", icon=":material/warning:")
        grid(snapshot, layers)  # the pictures first; the counters under them
        below = st.columns([1, 1, 4], vertical_alignment="center")
        below[0].metric("Iteration", f"{snapshot.iteration:,}")
        below[1].metric("Speed", compare.speed())
        below[2].caption(describe(snapshot))

    compare.live(draw, view_every(len(runner.config.presets or runner.config.values)))
    compare.fragment(CHARTS_EVERY)(lambda: charts(runner.snapshot) if hasattr(runner.snapshot, "views") else None)()
    if state.get(key("setting"), runner.config.setting) == PRESETS_CHOICE:
        st.caption(
            "Presets side by side: each is a whole setup of its own (data, networks, training), trained in step "
            "with the others."
        )
    else:
        st.caption(
            "What changes if you change one setting? Every variant starts from the same weights (same seed) and "
            "trains on the same batches and noise, so the differences come from that setting alone."
        )


def grid(snapshot, layers: dict[str, bool]) -> None:
    names = list(snapshot.names)
    for row in range(0, len(names), COLUMNS):
        columns = st.columns(COLUMNS, gap="small")
        for column, name in zip(columns, names[row : row + COLUMNS]):
            index = names.index(name)
            with column:
                view = snapshot.views[name]
                st.plotly_chart(
                    plots.variant_figure(
                        view, name, index, layers=layers, diverged=snapshot.diverged.get(name), height=250
                    ),
                    key=key(f"view_{index}"),
                    config={"displayModeBar": False},
                )
                st.caption(variant_caption(view, snapshot.metrics.get(name, {}), name in snapshot.diverged))
                if st.button(
                    "Continue alone", key=key(f"alone_{index}"), width="stretch",
                    help=f"Open {name} in the lab's single run, exactly where it stands.",
                ):  # fmt: skip
                    # Handed over at the top of the next full run, before the sidebar's widgets
                    # are drawn, so that they show the variant's settings.
                    state[key("hand_over")] = name
                    st.rerun(scope="app")


def variant_caption(view, metrics: dict[str, list], stopped: bool) -> str:
    """Under a variant's view: its losses now (or where it stopped), then its latest scores with
    the iteration they were taken at."""
    if stopped:
        now = f"stopped; its networks are back at iteration {view.iteration:,}"
    else:
        now = (
            f"{view.d_updates:,} D · {view.g_updates:,} G updates; "
            f"D loss {loss_text(view.d_loss)} · G loss {loss_text(view.g_loss)}"
        )
    latest = {k: v[-1] for k, v in metrics.items() if v}
    if "modes_covered" not in latest:
        return now
    scores = f"{latest['modes_covered']:.0f}/{latest['n_modes']:.0f} modes, HQ {latest['high_quality']:.0%}"
    return f"{now}  \nscored at {latest['iteration']:,.0f}: {scores}"


def charts(snapshot) -> None:
    st.markdown(plots.legend_html(snapshot.names, snapshot.diverged), unsafe_allow_html=True)
    for row in range(0, len(plots.METRIC_CHARTS), 3):
        columns = st.columns(3, gap="small")
        for column, (metric, title, y_title, source) in zip(columns, plots.METRIC_CHARTS[row : row + 3]):
            with column:
                st.plotly_chart(
                    plots.metric_figure(snapshot, metric, title, y_title, source, height=250),
                    key=key(f"chart_{metric}"),
                )
    st.caption(
        "Metrics on 2,500 samples of each variant's generator (its weight average when EMA is on), every "
        "500 iterations, or every 1,000 or more where scoring would take over a tenth of the time; losses "
        "every iteration."
    )
