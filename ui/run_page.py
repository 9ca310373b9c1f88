"""The live pages built on a RunConfig (the 2D lab and the image lab): on top of the live-page
skeleton (ui.live_page), the settings widgets and their state, presets, shared links, the
run-kind check of gan_core on reset and checkpoint load, live settings applied at once or held
for Reset, the toolbar with its manual steps, the counters, the timeline picker, Save & load.
A page adds its own widgets and views around it.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import streamlit as st

from gan_core.config import LOSSES, OPTIMIZERS, ConfigError, KindError
from gan_core.device import pick_device
from gan_core.live import LiveRunner
from gan_core.presets import PRESETS, get_preset, presets_for
from gan_core.training.checkpoint import CheckpointError
from gan_core.training.speed import CRAWL_ITERATIONS_PER_SECOND, estimated_iterations_per_second, iteration_cost

from . import config_widgets, share_link
from .config_widgets import PageFields
from .latent_models import explore_button
from .live_page import LivePage, loss_text

# Query parameters that open a part of a page rather than set up its run: the 2D lab's
# ?mode=compare&vary=loss=nsgan,minimax.
NOT_SETTINGS = ("mode", "vary")
CUSTOM = "custom"  # the Preset box's entry once a setting departs from the chosen preset
LAB_PAGES = {"toy": "the 2D lab", "image": "the image lab"}  # where a run of each kind belongs


class RunPage(LivePage):
    """A live page over one RunConfig: `fields` says which settings its widgets show."""

    def __init__(
        self, fields: PageFields, kind: str, default_preset: str, compare_presets: dict | None = None, **runner_options
    ):
        """`runner_options`: the LiveRunner's (how often it publishes, scores, what its snapshots hold).
        `compare_presets`: comparisons the Preset box offers too (name -> ComparePreset); choosing
        one starts its base preset here and asks for the comparison in `state[key("open_compare")]`."""
        super().__init__(fields.prefix, self.build(LiveRunner, get_preset(default_preset), kind=kind, **runner_options))
        self.fields = fields
        self.kind = kind
        self.default_preset = default_preset
        self.compare_presets = compare_presets or {}
        self.link_opened = False

    # ----- state -------------------------------------------------------------------------------
    def init_state(self, **extra) -> None:
        """All the page's state, set once per session (`extra`: the page's own keys). A setting's
        value is written back on every run: Streamlit forgets the state of a widget that a run did
        not draw (one the chosen architecture hides, or any after a visit to another page)."""
        for key, value in config_widgets.widget_values(self.runner.config, self.fields).items():
            self.state[key] = self.state[key] if key in self.state else value
        self.state.setdefault(self.key("preset"), self.default_preset)
        self.state.setdefault(self.key("base_preset"), self.default_preset)  # what "custom" departed from
        for name, value in extra.items():  # written back too: a widget's state (the 2D lab's layers) is forgotten
            key = self.key(name)  # after a run that did not draw it (a run cut short by a quick click)
            self.state[key] = self.state[key] if key in self.state else value

    def why(self, error: Exception) -> str:
        """An error in words; a run of the other kind says which page it belongs in."""
        if isinstance(error, KindError):
            return f"{error}; open it in {LAB_PAGES['image' if self.kind == 'toy' else 'toy']}"
        return str(error)

    def restored(self) -> None:
        self.forget_results(None)
        self.show_config(self.runner.config)

    # What a page computed from the run it had ("Can D generate?"'s kept and rejected images): it
    # describes that run only, so a new run (a preset, a reset, a link, a loaded file) drops it.
    RUN_RESULTS = ("drs_result",)

    def forget_results(self, previous: tuple[int, bytes] | None) -> None:
        """The run changed: drop what was computed from the old one, and offer the old one back
        (`previous`, from current_run() before the change; None after a run came back)."""
        for name in self.RUN_RESULTS:
            self.state.pop(self.key(name), None)
        if previous is not None:
            self.keep_replaced(previous)

    def show_config(self, config) -> None:
        """Set the page's widgets to a config's values (after a preset, a reset or a loaded checkpoint)."""
        for key, value in config_widgets.widget_values(config, self.fields).items():
            self.state[key] = value

    # ----- shared links ------------------------------------------------------------------------
    def apply_link(self, extra_names: tuple[str, ...] = ()) -> dict[str, str]:
        """Open the setup a shared link describes (its query parameters), once per link: a fresh
        run with its settings. A bad or unknown value leaves the defaults, with a message naming it.
        Returns the link's page-specific extras (e.g. the 2D lab's layers) for the page to apply."""
        query = {name: value for name, value in st.query_params.to_dict().items() if name not in NOT_SETTINGS}
        marker = self.key("link")
        if not query or self.state.get(marker) == query:
            return {}
        self.state[marker] = query
        previous = self.current_run()
        try:
            config, preset, extras = share_link.config_from_query(
                query, self.runner.config, self.fields, self.kind, extra_names
            )
            self.runner.reset(config)
        except (ValueError, RuntimeError) as error:  # LinkError is a ValueError
            self.say(
                "error",
                f"This link's settings could not be used ({self.why(error)}); the page opened with its defaults.",
                lasting=True,
            )
            return {}
        self.forget_lasting()
        self.forget_results(previous)
        self.show_config(config)
        self.state[self.key("preset")] = preset or CUSTOM
        self.state[self.key("base_preset")] = preset or self.state[self.key("base_preset")]
        self.say("success", "Opened the shared setup" + (f" (preset {preset})." if preset else "."))
        self.link_opened = True  # this run: what the page builds on the run (a comparison) follows the link
        return extras

    def on_share(self, extras: dict[str, str]) -> None:
        try:
            desired = config_widgets.config_from_widgets(self.state, self.runner.config, self.fields)
        except (ConfigError, ValueError) as error:
            self.say("error", f"Fix this setting before sharing: {error}")
            return
        # The preset the settings started from: what the widgets do not show (the run length) comes from it.
        query = share_link.query_from_config(desired, self.fields, self.state[self.key("base_preset")], extras)
        st.query_params.from_dict(query)
        self.state[self.key("link")] = query  # this page's own link: not to be opened again
        self.state[self.key("shared_link")] = f"{st.context.url or ''}?{urlencode(query)}"

    def share_button(self, extras: dict[str, str]) -> None:
        """ "Copy link": the page's settings go into the URL, and the link is shown to copy."""
        st.button(
            "Copy link to this setup",
            key=self.key("share"),
            on_click=self.on_share,
            args=(extras,),
            icon=":material/link:",
            help="Puts the preset, the data, network and training settings and the shown layers in the page's "
            "URL: opening it reproduces this setup (uploaded points are not included).",
        )
        link = self.state.get(self.key("shared_link"))
        if link:
            st.code(link, language=None, wrap_lines=True)
            if st.query_params.get(share_link.DATA_NAME_PARAMETER) == "points":
                st.caption("Uploaded points are not in the link: whoever opens it gets the default points.")

    # ----- callbacks (they run before the script, so the widgets show their effect) -----------
    def on_preset(self) -> None:
        name = self.state[self.key("preset")]
        if name == CUSTOM:
            return  # "custom" names what the widgets say; choosing it starts nothing
        base = self.preset_base(name)
        config = get_preset(base)
        self.forget_lasting()
        previous = self.current_run()
        try:
            self.runner.reset(config)
        except (ValueError, RuntimeError) as error:
            self.say("error", f"Could not start the preset: {self.why(error)}")
            return
        self.forget_results(previous)
        self.show_config(config)
        self.state[self.key("base_preset")] = base
        if name in self.compare_presets:
            self.state[self.key("open_compare")] = name

    def preset_base(self, name: str) -> str:
        """The run preset behind a Preset box entry (a comparison's base)."""
        comparison = self.compare_presets.get(name)
        return comparison.base if comparison else name

    def on_reset(self, config) -> None:
        self.forget_lasting()
        previous = self.current_run()
        try:
            self.runner.reset(config)
        except (ValueError, RuntimeError) as error:  # DataUnavailableError and ConfigError are ValueErrors
            self.say("error", f"Could not start a run with these settings: {error}")
            return
        self.forget_results(previous)
        self.show_config(self.runner.config)  # hidden widgets too: a setting the new run dropped reads its default

    def on_checkpoint_upload(self) -> None:
        uploaded = self.state.get(self.key("checkpoint_upload"))
        if uploaded is None:
            return
        previous = self.current_run()
        try:
            self.runner.load_checkpoint(uploaded.getvalue())
        except (CheckpointError, ConfigError) as error:
            self.say("error", f"Could not load {uploaded.name}: {self.why(error)}. The current run is kept.")
            return
        self.forget_results(previous)
        self.show_config(self.runner.config)
        self.say("success", f"Loaded {uploaded.name} at iteration {self.runner.iteration:,}.")

    # ----- widgets ----------------------------------------------------------------------------
    def departs_from_preset(self, name: str) -> bool:
        """Whether the widgets describe something other than preset `name` (or something invalid)."""
        try:
            desired = config_widgets.config_from_widgets(self.state, self.runner.config, self.fields)
        except (ConfigError, ValueError):
            return True
        ignored = {"data.points", "train.device"}
        return bool(set(config_widgets.changed_settings(get_preset(self.preset_base(name)), desired)) - ignored)

    def preset_box(self) -> None:
        """The Preset box; it reads "custom" once a setting departs from the chosen preset."""
        key = self.key("preset")
        if self.state[key] != CUSTOM and self.departs_from_preset(self.state[key]):
            self.state[key] = CUSTOM
        st.selectbox(
            "Preset",
            [*presets_for(self.kind), *self.compare_presets, CUSTOM],
            key=key,
            on_change=self.on_preset,
            format_func=lambda name: (
                "custom (settings changed)"
                if name == CUSTOM
                else f"{name} (Compare)"
                if name in self.compare_presets
                else name
            ),
            help="Known-good settings; choosing one starts a fresh run (a Compare preset opens Compare). It reads "
            "custom once a setting departs from the preset.",
        )
        chosen = self.state[key]
        comparison = self.compare_presets.get(chosen)
        shows = comparison.shows if comparison else PRESETS[chosen].shows if chosen in PRESETS else ""
        if shows:
            st.caption(shows)

    def desired_config(self, notice, **overrides):
        """The config the widgets describe; live settings go to the trainer at once, the others
        wait for Reset (said in `notice`). None, with the reason in `notice`, when a value is bad."""
        runner = self.runner
        try:
            desired = config_widgets.config_from_widgets(self.state, runner.config, self.fields, **overrides)
        except (ConfigError, ValueError) as error:
            notice.error(f"Invalid setting: {error}")
            return None
        changed = config_widgets.changed_settings(runner.config, desired)
        pending = config_widgets.pending_reset(runner.config, desired)
        if pending:
            self.warn_if_slow(desired, notice)
        if changed and not pending:
            runner.apply_train_changes(desired.train)
        elif pending:
            names = ", ".join(dict.fromkeys(config_widgets.readable(n) for n in pending))
            notice.warning(f"Changed: {names}. These apply on **Reset**; the current run goes on until then.")
        return desired

    def warn_if_slow(self, desired, notice) -> None:
        """Before a Reset starts a network that would train at a crawl on this CPU: say how fast."""
        if pick_device(desired.train.device).type != "cpu":
            return
        try:
            rate = estimated_iterations_per_second(desired)
        except (RuntimeError, ValueError, TypeError):  # a network the estimate cannot trace: no warning
            return
        if rate < CRAWL_ITERATIONS_PER_SECOND:
            parameters = iteration_cost(desired)["parameters"]
            notice.warning(
                f"These networks ({parameters / 1e6:.1f} M parameters, batch {desired.train.batch_size}) would "
                f"train at about {rate:.1f} iterations per second on this CPU: slow to watch. Smaller widths, "
                "fewer layers or a smaller batch train faster.",
                icon=":material/speed:",
            )

    def toolbar(self, desired, steps: list[tuple[str, str, str]], widths: list[float]) -> list:
        """Play/Pause, Reset, then one button per (label, update group or "iteration", help).
        Returns the remaining columns of the row (for the page's own controls)."""
        runner = self.runner
        playing = runner.playing
        columns = st.columns(widths, vertical_alignment="bottom")
        self.play_pause(
            columns[0],
            disabled=bool(runner.diverged),
            help="The run diverged: roll back (below) or Reset." if runner.diverged else None,
        )
        columns[1].button(
            "Reset",
            key=self.key("reset"),
            on_click=self.on_reset,
            args=(desired or runner.config,),
            icon=":material/restart_alt:",
            width="stretch",
            help="A fresh run with the settings on the left.",
        )
        for column, (label, what, help_text) in zip(columns[2:], steps):
            reason = "Pause first: the run is playing." if playing else "The run diverged." if runner.diverged else ""
            column.button(
                label,
                key=self.key(f"step_{what}"),
                on_click=self.on_step,
                args=(label, what),
                disabled=bool(reason),
                width="stretch",
                help=f"{help_text} {reason}".strip(),
            )
        return columns[2 + len(steps) :]

    def on_step(self, label: str, what: str) -> None:
        """A manual step, then a sentence of what it did: which updates ran, the counts and losses
        before and after."""
        runner = self.runner
        before_updates, before = runner.updates, runner.snapshot
        try:
            runner.step_iteration() if what == "iteration" else runner.update(what)
        except (ValueError, RuntimeError) as error:
            self.say("error", f"{label} failed: {error}")
            return
        after_updates, after = runner.updates, runner.snapshot
        ran = ", ".join(
            f"{after_updates[name] - before_updates.get(name, 0)} {name} update"
            + ("s" if after_updates[name] - before_updates.get(name, 0) != 1 else "")
            for name in after_updates
            if after_updates[name] != before_updates.get(name, 0)
        )
        losses = " · ".join(
            f"{name} {loss_text(getattr(before, field))} → {loss_text(getattr(after, field))}"
            for name, field in (("D loss", "d_loss"), ("G loss", "g_loss"))
            if getattr(before, field) != getattr(after, field)
        )
        iteration = (
            f"iteration {before.iteration:,} → {after.iteration:,}"
            if what == "iteration"
            else f"the iteration count stays at {after.iteration:,} (an iteration is k D updates, then m G updates)"
        )
        self.say("info", f"**{label}**: {ran or 'no update'}; {losses or 'losses unchanged'}; {iteration}.")

    def on_extend_decay(self) -> None:
        train = self.runner.config.train
        longer = dataclasses.replace(train, lr_decay_iterations=2 * max(train.decay_length, 1))
        try:
            self.runner.apply_train_changes(longer)
        except (ValueError, RuntimeError) as error:
            self.say("error", f"Could not extend the decay: {error}")
            return
        self.state[self.key("lr_decay_iterations")] = longer.lr_decay_iterations

    def counters(self, snapshot, per_row: int = 4) -> None:
        """Iteration, live speed and the latest losses (`per_row` to a row), then the divergence
        message if any."""
        runner = self.runner
        numbers = (
            ("Iteration", f"{snapshot.iteration:,}"),
            ("Speed", self.speed()),
            ("D loss", loss_text(snapshot.d_loss)),
            ("G loss", loss_text(snapshot.g_loss)),
        )
        widths = [0.9, 1.3, 1, 1][:per_row]  # "paused" must fit on a 1280-wide projector
        for start in range(0, len(numbers), per_row):
            for column, (label, value) in zip(st.columns(widths), numbers[start : start + per_row]):
                column.metric(label, value)
        st.caption(f"Updates so far: D {snapshot.d_updates:,} · G {snapshot.g_updates:,}")
        if runner.diverged:
            st.error(runner.diverged)
            st.button(
                f"Roll back: go on from iteration {runner.iteration:,}",
                key=self.key("roll_back"),
                on_click=runner.roll_back,
                icon=":material/undo:",
                help="The networks are already back at their last good copy; the loss chart keeps the blow-up "
                "until you go on. Change the settings first (a lower learning rate), or they will diverge again.",
            )
        elif runner.learning_rate_factor == 0:
            decay = runner.config.train.decay_length
            st.info(
                f"The learning rates decayed to 0 at iteration {decay:,}: training has stopped learning. "
                "Extend the decay to let it learn again (the rates rise back along the new, longer line)."
            )
            st.button(
                f"Extend the decay to {2 * max(decay, 1):,} iterations",
                key=self.key("extend_decay"),
                on_click=self.on_extend_decay,
                icon=":material/more_time:",
            )

    def timeline_picker(self, label: str):
        """A slider over the kept snapshots that follows the newest one until a person picks
        another; returns the chosen snapshot."""
        runner = self.runner
        kept = runner.timeline_iterations()
        key = self.key("timeline")
        previous_last = self.state.get(self.key("timeline_last"))
        if self.state.get(key) not in kept or self.state.get(key) == previous_last:
            self.state[key] = kept[-1]
        self.state[self.key("timeline_last")] = kept[-1]
        chosen = st.select_slider(label, kept, key=key, format_func=lambda i: f"{i:,}")
        return runner.timeline_snapshot(chosen)

    def save_and_load(self, file_name: str, lab: str) -> None:
        """Download, upload, and hand the run to the latent explorer (`lab` names this page there)."""
        explore_button(self.runner, lab)
        st.download_button(
            "Download checkpoint",
            data=self.runner.checkpoint_bytes,
            file_name=file_name,
            mime="application/octet-stream",
            key=self.key("checkpoint_download"),
            icon=":material/save:",
            on_click="ignore",
        )
        st.file_uploader(
            "Load a checkpoint", type=["pt"], key=self.key("checkpoint_upload"), on_change=self.on_checkpoint_upload
        )
        if self.runner.autosave:
            st.caption(
                f"Autosaved at iteration {self.runner.autosave[0]:,}, every few seconds of training: if the training "
                "process dies, the page offers to go on from there."
            )

    def number(self, label: str, name: str, **kwargs):
        """A number box. A value it cannot hold (from a link or a checkpoint: d_lr=1e12) is said and
        set to the nearest it can, not clamped silently."""
        key, low, high = self.key(name), kwargs.get("min_value"), kwargs.get("max_value")
        value = self.state.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            nearest = max(value, low) if low is not None else value
            nearest = min(nearest, high) if high is not None else nearest
            if nearest != value:
                self.state[key] = type(low if low is not None else high)(nearest)
                self.say(
                    "error",
                    f"{label} {value:g} is outside what this page offers ({low:g} to {high:g}); it is set to "
                    f"{nearest:g}.",
                )
        return st.number_input(label, key=key, **kwargs)

    def training_widgets(self, *, optimizers: bool, drawn: str) -> None:
        """The training settings every GAN page shows: loss, (optimisers,) learning rates, k and m,
        batch, seed and the generator's weight average. `drawn`: what the page draws ("the plot")."""
        key, number = self.key, self.number
        st.selectbox("Loss", LOSSES, key=key("loss"), help="Changes while training runs.")
        left, right = st.columns(2)
        for column, net, steps in ((left, "d", "k: D updates"), (right, "g", "m: G updates")):
            with column:
                if optimizers:
                    st.selectbox(f"{net.upper()} optimizer", OPTIMIZERS, key=key(f"{net}_optimizer"))
                number(
                    f"{net.upper()} learning rate", f"{net}_lr", min_value=1e-6, max_value=1.0, step=1e-4, format="%.1e"
                )
                number(steps, f"{net}_steps", min_value=0, max_value=10, step=1)
        left, right = st.columns(2)
        with left:
            number("Batch size", "batch_size", min_value=1, max_value=4096, step=32)
        with right:
            number("Seed", "seed", min_value=0, max_value=2**31 - 1, step=1)
        number(
            "Generator EMA",
            "ema",
            min_value=0.0,
            max_value=0.9999,
            step=0.001,
            format="%.4f",
            help="Metrics and saved samples come from an exponential average of the generator's weights "
            "(0 = off), warmed up: early in a run it averages only the last tenth of the updates, so it scores "
            f"like the generator {drawn} shows (the one being trained).",
        )
