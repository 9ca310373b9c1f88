"""The theory page's live sections (1-4): a toolbar acting on every run of the section, and the
section's figures redrawn from the latest snapshot while it plays. The runs themselves train in
the session's training process (gan_core.live.theory); this module only reads and asks."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.config import ConfigError
from gan_core.data.toy import make_toy_distribution
from gan_core.evaluation.digits_ascent import ascend_digits, load_digits_gan
from gan_core.evaluation.theory import js_and_w1_sweep, value_lower_bound
from gan_core.live.theory import (
    EQUILIBRIUM_ITERATIONS,
    EQUILIBRIUM_JSD,
    EQUILIBRIUM_K,
    OPTIMUM_UPDATES,
    PANEL_ITERATIONS,
)
from gan_core.plots import discriminator_loop as loop_plots
from gan_core.plots import theory as plots
from gan_core.training.theory import DATA_SHAPES, GENERATE_ROUNDS, TheoryConfig, section_data
from gan_core.views.theory import deviation_from_half, distance_to_optimum
from ui.live_page import LivePage

VIEW_EVERY = 0.4  # seconds between redraws while playing
state = st.session_state


def key(name: str) -> str:
    return f"theory_{name}"


def settings(runner, section: str) -> None:
    """The section's own settings (data, seed, run length; section 3's k values), taken on Reset."""
    config = runner.config
    with st.expander("Settings: the data, the seed, the run length" + (", the values of k" if section == "k" else "")):
        columns = st.columns(4)
        n_modes = columns[0].selectbox(
            "Data",
            list(DATA_SHAPES),
            index=config.n_modes - 1,
            format_func=DATA_SHAPES.get,
            key=key(f"{section}_modes"),
        )
        seed = columns[1].number_input("Seed", 0, 2**31 - 1, config.seed, key=key(f"{section}_seed"))
        iterations = columns[2].number_input(
            "Iterations", 100, 100_000, config.iterations, step=500, key=key(f"{section}_iterations")
        )
        k_text = ", ".join(str(k) for k in config.k_values)
        if section == "k":
            k_text = columns[3].text_input(
                "Values of k", k_text, key=key("k_values"), help="Up to 4 values, 1 to 100, e.g. 1, 5, 20."
            )
        try:
            desired = TheoryConfig(
                section=section,
                n_modes=int(n_modes),
                seed=int(seed),
                iterations=int(iterations),
                k_values=tuple(int(part) for part in k_text.replace(" ", "").split(",") if part),
            )
        except (ConfigError, ValueError) as error:
            st.error(f"Invalid setting: {error}")
            return
        if desired != config:
            st.warning("Changed settings apply on **Reset**.")
        state[key("desired")] = desired


def toolbar(page: LivePage) -> list:
    """Play, Reset, Step (and Extend): returns the columns left in the row."""
    return page.fixed_length_toolbar(lambda: on_reset(page), runs="every run", widths=[1, 1, 1, 1.6, 1.4])


def on_reset(page: LivePage) -> None:
    page.ask(page.runner.reset, state.get(key("desired"), page.runner.config))


def counters(page: LivePage, snapshot, column) -> None:
    column.metric("Iteration", f"{snapshot.iteration:,} / {page.runner.config.iterations:,}")
    job = page.runner.job
    if job and job["total"]:
        text = f"{job['label']}: {job['done']:,} of {job['total']:,} steps · Pause stops it"
        column.progress(job["done"] / job["total"], text=text)
    elif page.runner.playing:
        column.caption(f"{page.runner.iterations_per_second:,.0f} iterations a second")
    for name, message in snapshot.diverged.items():
        st.warning(f"{name} stopped (the others go on): {message}")


def number(value: float | None, digits: int = 3) -> str:
    """A value to `digits` places; a tiny negative shown as 0, not "-0.000"."""
    if value is None or value != value:
        return "—"
    return f"{value if round(value, digits) else 0.0:.{digits}f}"


# ----- section 1 -----------------------------------------------------------------------------------
PANELS = {
    "a": ("(a) Converge", "Near convergence: train G and D together for 1,500 iterations."),
    "b": ("(b) D to optimum", "2,000 updates of D with G held fixed: D moves onto D*."),
    "c": ("(c) G follows D", "Updates of G against that D, D held fixed: the arrows show where G(z) moved."),
    "d": (
        "(d) Equilibrium",
        f"Train on with {EQUILIBRIUM_K} D updates per G update (D near its optimum, the paper's Proposition 2) "
        f"until p_g is within a JSD of {EQUILIBRIUM_JSD} of p_data (at most {EQUILIBRIUM_ITERATIONS:,} iterations), "
        "then D to its optimum: where p_g = p_data, D = 1/2.",
    ),
}


def picture_section(page: LivePage) -> None:
    runner = page.runner
    rest = toolbar(page)
    rest[-1].number_input(
        "G updates for (c)", 1, 1000, 1, key=key("g_updates"),
        help="The paper's panel (c) shows one update; more show where a few steps take G.",
    )  # fmt: skip
    panel_columns = st.columns(len(PANELS))  # the paper's Figure 1, panel by panel
    for column, (letter, (label, help_text)) in zip(panel_columns, PANELS.items()):
        count = state.get(key("g_updates"), 1) if letter == "c" else None
        column.button(
            label, key=key(f"panel_{letter}"), on_click=page.ask, args=(runner.panel, letter, count), width="stretch",
            help=help_text, disabled=runner.playing,
        )  # fmt: skip
    page.show_message()

    def draw(snapshot) -> None:
        picture = snapshot.pictures["GAN"]
        latest = snapshot.latest["GAN"]
        panel, unfinished = snapshot.panel.get("panel"), snapshot.panel.get("running")
        where = "during" if runner.job else "stopped in" if unfinished else "after"
        title = f"Iteration {snapshot.iteration:,}" + (f" · {where} panel ({panel})" if panel else "")
        left, right = st.columns([3, 1.3], gap="medium")
        with left:
            before = snapshot.before if panel == "c" else None
            st.plotly_chart(plots.line_picture_figure(picture, before=before, title=title), key=key("picture_fig"))
        with right:
            counters(page, snapshot, right)
            right.metric("V(G, D*), from samples", number(latest["value_optimal"]))
            right.metric("−log 4 + 2·JSD", number(latest["bound"]))
            right.metric("V(G, D), the trained D", number(latest.get("value_learned")))
            right.metric(
                "mean |D − D*|", number(distance_to_optimum(picture), 2), help="over the data and the generated samples"
            )
            right.metric(
                "mean |D − ½|", number(deviation_from_half(picture), 2), help="over the data and the generated samples"
            )
        if panel and not unfinished:
            st.caption(panel_reading(panel, snapshot, picture))
        st.plotly_chart(plots.value_figure(snapshot.histories["GAN"]), key=key("value_fig"))
        st.caption(
            f"At the optimum p_g = p_data the value is −log 4 = {value_lower_bound():.3f} and JSD = 0. V(G, D*) is "
            "averaged over the samples, the JSD integrated over x: two computations, one number (Theorem 1). "
            "The trained D's value stays below V(G, D*): D* is the best discriminator."
        )

    page.live(draw, VIEW_EVERY)
    st.markdown(
        "Goodfellow et al. (2014), Figure 1, live: the data's density (black dots), the generator's (green), "
        "the discriminator D(x) (blue dashes) and, below, the lines from z to x = G(z). The orange dots are "
        "the best discriminator for this generator, D*(x) = p_data(x) / (p_data(x) + p_g(x)) "
        "(p_g estimated from 2,000 of G's samples)."
    )
    st.latex(
        r"V(G, D) = \mathbb{E}_{x \sim p_{data}} \log D(x) + \mathbb{E}_{z} \log(1 - D(G(z))), \qquad "
        r"V(G, D^*) = -\log 4 + 2\,\mathrm{JSD}(p_{data} \,\|\, p_g)"
    )
    settings(runner, "picture")


def panel_reading(panel: str, snapshot, picture) -> str:
    if panel == "b":
        return (
            f"(b): after {OPTIMUM_UPDATES:,} updates of D alone, D is within {distance_to_optimum(picture):.2f} "
            "of D* on average over the data and the generated samples."
        )
    if panel == "c" and snapshot.before is not None:
        moved = np.abs(picture.g_of_z - snapshot.before.g_of_z)
        return (
            f"(c): {snapshot.panel.get('count')} G update(s) against the fixed D moved G(z) by {moved.mean():.3f} on "
            "average (arrows), towards where D scores higher: up D's slope."
        )
    if panel == "d":
        jsd = snapshot.latest["GAN"]["jsd"]
        reached = "p_g reached p_data" if jsd < EQUILIBRIUM_JSD else "p_g is not yet at p_data (press (d) again)"
        return (
            f"(d): {reached}, JSD {jsd:.3f} nats; with D trained to its optimum, D(x) is within "
            f"{deviation_from_half(picture):.2f} of ½ on average over the data and the generated samples."
        )
    jsd = snapshot.latest["GAN"]["jsd"]
    return f"(a): after {PANEL_ITERATIONS:,} iterations of training the JSD is {jsd:.3f} nats."


# ----- sections 2-4: runs side by side ------------------------------------------------------------------
PICTURE_KEY = (
    "Black dots: the data's density · green: the generator's · blue dashes: D(x) (or the critic's f(x)) · "
    "orange dots: the best D for this generator, D* · below: the lines z → G(z)."
)


def pictures_row(snapshot, view_key: str, height: int = 330) -> None:
    st.caption(PICTURE_KEY)
    columns = st.columns(len(snapshot.pictures))
    for column, (name, picture) in zip(columns, snapshot.pictures.items()):
        with column:
            latest = snapshot.latest[name]
            title = f"{name}: W1 {latest['w1']:.2f}"
            st.plotly_chart(
                plots.line_picture_figure(picture, title=title, height=height, show_legend=False),
                key=key(f"{view_key}_{name}"),
            )


def losses_section(page: LivePage) -> None:
    runner = page.runner
    toolbar(page)
    page.show_message()

    def draw(snapshot) -> None:
        top = st.columns([1, 3])
        counters(page, snapshot, top[0])
        with top[1]:
            norms = {name: latest["g_gradient_norm"] for name, latest in snapshot.latest.items()}
            st.markdown(
                "Gradient norm on G's parameters now: "
                + ", ".join(f"**{name}** {value:.1e}" for name, value in norms.items())
            )
        pictures_row(snapshot, "losses", height=320)
        columns = st.columns(2)
        with columns[0]:
            st.plotly_chart(
                plots.over_iterations_figure(
                    snapshot.histories, "g_gradient_norm", title="‖∇θ L_G‖ on G's parameters", y_title="norm",
                    log=True,
                ),
                key=key("losses_norm"),
            )  # fmt: skip
        with columns[1]:
            st.plotly_chart(
                plots.over_iterations_figure(
                    snapshot.histories, "w1", title="Distance to the data (exact W1)", y_title="W1"
                ),
                key=key("losses_w1"),
            )  # fmt: skip

    page.live(draw, VIEW_EVERY)
    st.markdown(
        "The same run twice, on the same data with the same seed: the only difference is the generator's loss. "
        "The data sit at x = 4, the untrained generator near 0, and D takes 5 steps per iteration, so it "
        "rejects the fakes easily: the start the notes describe. G learns with plain SGD (Adam would divide "
        "every step by the gradient's size and hide it)."
    )
    settings(runner, "losses")


def k_section(page: LivePage) -> None:
    runner = page.runner
    toolbar(page)
    page.show_message()

    def draw(snapshot) -> None:
        counters(page, snapshot, st.columns(4)[0])
        pictures_row(snapshot, "k", height=300)
        columns = st.columns(3)
        for column, (metric, title, y_title, log) in zip(
            columns,
            (
                ("d_accuracy", "D's accuracy", "accuracy", False),
                ("g_gradient_norm", "‖∇θ L_G‖ on G's parameters", "norm", True),
                ("w1", "Distance to the data (exact W1)", "W1", False),
            ),
        ):
            with column:
                st.plotly_chart(
                    plots.over_iterations_figure(snapshot.histories, metric, title=title, y_title=y_title, log=log),
                    key=key(f"k_{metric}"),
                )

    page.live(draw, VIEW_EVERY)
    st.markdown(
        "Algorithm 1 of the paper trains D k times per iteration (the minimax loss, as the notes have it). "
        "The notes: with k too small D cannot tell real from fake, and G learns from a poor judge; with k too "
        "large D wins outright and G's gradient vanishes. The same data, seed and first noise for every k; "
        "choose your own values under Settings."
    )
    settings(runner, "k")


SHORT_NAMES = {"discriminator": "D", "critic, weight clipping": "clipping", "critic, gradient penalty": "penalty"}


def wgan_section(page: LivePage) -> None:
    runner = page.runner
    snapshot = runner.snapshot
    probe_view = next(iter(snapshot.pictures.values())).x
    sweep = _sweep(float(probe_view[0]), float(probe_view[-1]), runner.config.n_modes)
    st.plotly_chart(plots.sweep_figure(sweep), key=key("sweep"))
    st.markdown(
        "Two distributions that do not overlap: the data at x = 4 (std 0.25) and the untrained generator near 0. "
        "JS is then log 2 wherever the fake sits, and says nothing about how far it is; W1 falls with the distance "
        "(Arjovsky et al. 2017), as the chart above shows."
    )
    toolbar(page)
    st.button(
        "Train the judges only (200 updates, G held)", key=key("judges"), on_click=page.ask,
        args=(runner.judges_only, 200), disabled=runner.playing,
    )  # fmt: skip
    page.show_message()

    def draw(snapshot) -> None:
        top = st.columns([1, 1, 1, 1])
        counters(page, snapshot, top[0])
        for column, (name, latest) in zip(top[1:], snapshot.latest.items()):
            column.metric(
                f"{SHORT_NAMES.get(name, name)}: slope", f"{latest['d_slope_at_fakes']:.3f}",
                help=f"{name}: the slope at the fakes, the mean |dD/dx| at G's samples: what G follows",
            )  # fmt: skip
        pictures_row(snapshot, "wgan", height=320)
        critics = {name: h for name, h in snapshot.histories.items() if "critic_estimate" in h}
        columns = st.columns(2)
        with columns[0]:
            st.plotly_chart(
                plots.over_iterations_figure(
                    critics, "critic_estimate", title="The critic's estimate E[f(real)] − E[f(fake)] and the exact W1",
                    y_title="W1", reference={name: "w1" for name in critics},
                ),
                key=key("wgan_estimate"),
            )  # fmt: skip
        with columns[1]:
            st.plotly_chart(
                plots.gradient_norm_histogram({n: v for n, v in snapshot.gradient_norms.items() if n in critics}),
                key=key("wgan_norms"),
            )
        st.caption(
            "Weight clipping bounds every weight at ±0.1: the critic can only be a gently sloped function, its "
            "slopes pile up far below 1 and its estimate is W1 times an unknown factor. The penalty keeps the "
            "slope near 1 between the two distributions, and its estimate follows the exact W1 (a little above it: "
            "the critic's loss pulls the slope just past 1). It is one-sided here, only slopes steeper than 1 pay: "
            "the paper's two-sided penalty also has a valley at slope −1, and held a critic that started with the "
            "wrong sign there on some seeds."
        )

    page.live(draw, VIEW_EVERY)
    st.markdown(
        "Above, the same generator trained against a discriminator, a critic under weight clipping and a critic "
        "with a gradient penalty. **Train the judges only** holds every generator fixed and trains D and the "
        "critics: D saturates (flat at 0 where the fakes are, its slope there near 0: nothing to follow), a "
        "critic keeps a slope."
    )
    settings(runner, "wgan")


@st.cache_data(max_entries=8, show_spinner=False)
def _sweep(low: float, high: float, n_modes: int) -> dict:
    data = make_toy_distribution(section_data(TheoryConfig(section="wgan", n_modes=n_modes)))
    return js_and_w1_sweep(data, 0.25, np.linspace(low, float(data.centers.max()), 60))


# ----- section 5 ---------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def digits_gan():
    """The shipped digits DCGAN, loaded once for the server (a forward pass is all a page asks of it)."""
    return load_digits_gan()


@st.cache_data(max_entries=16, show_spinner="Ascending D from noise…")
def digits_ascent(seed: int):
    return ascend_digits(digits_gan(), n=16, seed=seed)


def generate_section(page: LivePage) -> None:
    toolbar(page)
    page.show_message()

    def draw(snapshot) -> None:
        loop = snapshot.loop
        top = st.columns(4)
        top[0].metric("Round", f"{min(loop.round, GENERATE_ROUNDS_SHOWN)} / {GENERATE_ROUNDS_SHOWN}")
        top[1].metric("D updates (loop)", f"{loop.d_updates:,}")
        last_loop = snapshot.loop_rows[-1] if snapshot.loop_rows else {}
        last_gan = snapshot.gan_rows[-1]
        top[2].metric(
            "Loop: modes, HQ",
            _quality(last_loop),
            help="The last finished round's ascended points (3 std, as the 2D lab).",
        )
        top[3].metric("GAN: modes, HQ", _quality(last_gan), help=f"At {last_gan['d_updates']:,} D updates.")
        left, right = st.columns([1.2, 1])
        with left:
            st.plotly_chart(loop_plots.loop_figure(snapshot.loop, height=470), key=key("generate_loop"))
        with right:
            st.caption(loop_reading(snapshot))
            st.caption(
                "Seconds: the loop's D updates and ascents; the GAN's iterations (10 for every step of the loop)."
            )
        columns = st.columns(2)
        for column, against in zip(columns, ("d_updates", "seconds")):
            with column:
                st.plotly_chart(
                    loop_plots.quality_figure(snapshot.loop_rows, snapshot.gan_rows, against=against, height=290),
                    key=key(f"generate_{against}"),
                )

    page.live(draw, VIEW_EVERY)
    st.markdown(
        "The notes ask whether the discriminator alone can generate: train D on the data against negatives "
        "(at first random points), generate by x̃ = argmax D(x) (gradient ascent on the input from random "
        "starts), add the x̃ as new negatives, retrain D, repeat. Beside it a GAN with the same D on the same "
        "data: its generator replaces the argmax search."
    )
    st.latex(
        r"\tilde{x} = \arg\max_x D(x), \qquad "
        r"D \leftarrow \text{train}(\text{data vs negatives} \cup \{\tilde{x}\})"
    )
    st.subheader("On the digits: what a trained discriminator thinks a digit is", anchor=False)
    seed = st.number_input("Noise seed", 0, 10_000, 0, key=key("digits_seed"))
    try:
        result = digits_ascent(int(seed))
    except (OSError, ValueError, RuntimeError) as error:
        st.error(f"The shipped digits GAN could not be loaded: {error}")
        return
    st.plotly_chart(loop_plots.digits_figure(result), key=key("digits"))
    st.caption(
        f"Left: gradient ascent on D from uniform noise; D(x) rises from {np.median(result.start_scores):.1e} to "
        f"{np.median(result.ascended_scores):.2f} (median), far above the generator's own samples on the right "
        f"({np.median(result.generated_scores):.2f}), yet few look like digits: D scores what it was shown, and "
        "its argmax is where it was never shown anything. The other half of the notes' answer, using D to pick "
        "among the generator's samples, is the image lab's rejection sampling."
    )
    st.page_link("app_pages/image_lab.py", label="Rejection sampling in the image lab", icon=":material/image:")


GENERATE_ROUNDS_SHOWN = GENERATE_ROUNDS


def _quality(row: dict) -> str:
    if not row or row.get("modes_covered") is None:
        return "—"
    return f"{row['modes_covered']}/{row['n_modes']}, {row['high_quality']:.0%}"


def loop_reading(snapshot) -> str:
    rows = snapshot.loop_rows
    if not rows:
        return (
            "Round 1 is training D against random negatives. When its ascent runs, watch where the argmax lands: "
            "far from the data, where D has never been told anything and scores high."
        )
    first = rows[0]
    text = (
        f"Round 1 failed as the notes say: {first['far_share']:.0%} of its ascended points landed far from the "
        f"data, where D scored {first['d_far']:.2f} on average. "
    )
    if len(rows) > 1:
        last = rows[-1]
        text += (
            f"With each round's points added as negatives, round {last['round']} reaches {_quality(last)} "
            f"after {last['d_updates']:,} D updates. "
        )
    return text + "A GAN draws a sample with one forward pass; the loop needs a whole ascent for each."


SECTION_VIEWS = {
    "picture": picture_section,
    "losses": losses_section,
    "k": k_section,
    "wgan": wgan_section,
    "generate": generate_section,
}
