"""The image lab's views: the generated and real grids, the losses and classifier metrics, the
timeline, and "Can D generate?" (rejection sampling). Each reads the runner's latest snapshot."""

from __future__ import annotations

import streamlit as st

from gan_core.data.faces import FACTOR_NAMES, FACTORS
from gan_core.evaluation.factors import COVERAGE_TARGET, coverage_alarm
from gan_core.evaluation.image_run import metric_row
from gan_core.objectives.losses import PROBABILISTIC_LOSSES
from gan_core.plots import charts
from gan_core.plots import images as plots
from gan_core.plots.latent import tiles
from gan_core.sampling.rejection import DEFAULT_PERCENTILE
from gan_core.views.images import grid_shape

DRS_PROPOSALS = 2000  # images generated for one round of "Can D generate?"
VIEW_EVERY = 0.5  # seconds between redraws of the grids while playing
# A snapshot every VIEW_EVERY seconds, metrics every 1,000 iterations (~0.5 s each on a CPU).
RUNNER_OPTIONS = dict(publish_every=VIEW_EVERY, metrics_every=1000)
CHARTS_EVERY = 2.0  # seconds between redraws of the charts while playing


def grid_height(snapshot) -> int:
    """Tall enough for 48 px small images, or 80 px faces (each at least 64 px at 1280x720, where
    the half-page column is the limit)."""
    tile = 80 if snapshot.fake.shape[-1] >= 32 else 48
    return 120 + tile * (len(snapshot.fake) // snapshot.columns)


def grids(page) -> None:
    """The generated and the real grid (with D's scores under each image when asked)."""
    scores = bool(page.state[page.key("scores")])

    def draw(snapshot) -> None:
        left, right = st.columns(2)  # the pictures first; the counters under them
        if page.first_answer_pending:  # pictures at once; the interactive grids (with D's scores) follow
            for column, images, title in (
                (left, snapshot.fake, "Generated, iteration 0"),
                (right, snapshot.real, "Real"),
            ):
                tile = 84 if images.shape[-1] >= 32 else 40
                column.image(tiles(images, columns=snapshot.columns, tile=tile, title=title), caption=None)
        else:
            height = grid_height(snapshot)
            left.plotly_chart(
                plots.fake_grid_figure(snapshot, show_scores=scores, height=height), key=page.key("fake_grid")
            )
            right.plotly_chart(
                plots.real_grid_figure(snapshot, show_scores=scores, height=height), key=page.key("real_grid")
            )
        if scores:
            st.caption(
                "Under each image: D's "
                + ("probability that it is real." if snapshot.d_is_probability else "score (higher means more real).")
            )
        page.counters(snapshot)
        alarm = coverage_warning(page)
        if alarm:
            st.warning(alarm, icon=":material/warning:")

    page.live(draw, VIEW_EVERY)


def coverage_warning(page) -> str | None:
    """Faces: the coverage alarm, worked out once per scoring (the metric history is asked of the
    training process only when a new scoring has arrived, not on every redraw)."""
    latest = page.runner.latest_metrics
    if "factor_tv" not in latest.get("generated", {}):
        return None
    kept = page.state.get(page.key("coverage_alarm"))
    if kept is None or kept[0] != latest.get("iteration"):
        kept = (latest.get("iteration"), coverage_alarm(page.runner.metric_columns(), metric_row(latest)))
        page.state[page.key("coverage_alarm")] = kept
    return kept[1]


def metric_panel(page) -> None:
    page.fragment(CHARTS_EVERY)(lambda: _metric_panel(page))()


def _metric_panel(page) -> None:
    runner, key = page.runner, page.key
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
    faces = "factor_tv" in generated
    judge = "the shipped face reader" if faces else "the shipped digits classifier"
    st.caption(
        f"Iteration {latest['iteration']:,}: {generated['sample_count']:,} generated images scored by "
        f"{judge}. **FID here is a Frechet distance on that network's features, not Inception-v3's**: it "
        f"compares runs in this app, not published figures. Held-out real data ({ceiling['sample_count']:,} "
        "images) is the ceiling."
    )
    rows = [
        ("Inception Score", "inception_score", "{:.2f}"),
        ("FID", "fid", "{:.3f}"),
        ("Precision", "precision", "{:.2f}"),
        ("Recall", "recall", "{:.2f}"),
        ("Density", "density", "{:.2f}"),
        ("Coverage", "coverage", "{:.2f}"),
        ("Hair colours present" if faces else "Classes present", "classes_present", "{}"),
    ]
    if faces:  # the inception score of hair colours says little; the FID ratio is the target
        rows[0] = ("FID / real ceiling", "fid_ratio", "{:.2f}x")
        generated = dict(generated, fid_ratio=latest["ratios"]["fid_vs_real"])
        ceiling = dict(ceiling, fid_ratio=1.0)
    if "label_agreement" in generated:
        rows.append(("Requested label hit", "label_agreement", "{:.1%}"))
    per_row = 4  # 7-8 metrics in one row cut their labels on a projector ("Inception Sc…")
    for start in range(0, len(rows), per_row):
        columns = st.columns(per_row)
        for column, (label, name, fmt) in zip(columns, rows[start : start + per_row]):
            column.metric(label, fmt.format(generated[name]), help=f"Real held-out data: {fmt.format(ceiling[name])}")
    if faces:
        factor_panel(page, generated)
    left, right = st.columns(2)
    left.plotly_chart(
        plots.class_histogram_figure(
            generated["class_counts"],
            runner.snapshot.class_names,
            ceiling["class_counts"],
            judge=judge.removeprefix("the shipped "),
            what="hair colour" if faces else "class",
        ),
        key=key("class_chart"),
    )
    right.plotly_chart(plots.image_metrics_figure(runner.metric_columns()), key=key("metric_chart"))


def factor_panel(page, generated: dict) -> None:
    """Faces: each factor's coverage (TV between generated and real histograms) and what the
    generated faces lack, in ground-truth words."""
    worst = max(generated["factor_tv"], key=generated["factor_tv"].get)
    st.caption(
        f"**Factor coverage**: for each factor, the total-variation distance between the reader's readings of "
        f"the {generated['sample_count']:,} generated faces and of the held-out real ones (0: the same spread; "
        f"target at most {COVERAGE_TARGET:g}). Worst now: {worst.replace('_', ' ')}, "
        f"{generated['factor_tv'][worst]:.2f}."
        + (f" **Missing: {generated['dropped_text']}.**" if generated["dropped_text"] else "")
    )
    left, right = st.columns(2)
    left.plotly_chart(
        plots.factor_coverage_figure(generated["factor_tv"], COVERAGE_TARGET, height=260), key=page.key("factor_chart")
    )
    with right:
        names = list(generated["factor_tv"])
        if page.state.get(page.key("factor_shown")) not in names:
            page.state[page.key("factor_shown")] = worst  # the worst factor until a person picks another
        shown = st.selectbox(
            "Histogram of", names, key=page.key("factor_shown"), format_func=lambda n: n.replace("_", " ")
        )
        factor = FACTORS[FACTOR_NAMES.index(shown)]
        st.plotly_chart(
            plots.factor_histogram_figure(
                factor, generated["factor_histograms"][shown], generated["real_factor_histograms"][shown], height=200
            ),
            key=page.key("factor_histogram"),
        )


def timeline(page) -> None:
    page.fragment()(lambda: _timeline(page))()  # no timer: it refreshes when the slider moves, and on every full rerun


def _timeline(page) -> None:
    runner, key = page.runner, page.key
    if len(runner.timeline_iterations()) < 2:
        st.caption(f"The generated grid is kept {runner.timeline_description}. Train a little to fill the timeline.")
    snapshot = page.timeline_picker("Iteration")
    st.plotly_chart(
        plots.fake_grid_figure(snapshot, height=grid_height(snapshot)),
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


def discriminator_sampling(page) -> None:
    """The notes' "can the discriminator generate?": G proposes, D decides (rejection sampling)."""
    page.fragment()(lambda: _discriminator_sampling(page))()


def _discriminator_sampling(page) -> None:
    runner, state, key = page.runner, page.state, page.key
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
    columns, rows = grid_shape(result["kept_images"].shape[-1] if result["kept_images"].ndim == 4 else 8)
    rows = min(rows, 5)
    shown = columns * rows
    height = 120 + (100 if columns < 8 else 48) * rows
    left, right = st.columns(2)
    for column, name, title in ((left, "kept", "Kept"), (right, "rejected", "Rejected")):
        column.plotly_chart(
            plots.image_grid_figure(
                result[f"{name}_images"][:shown],
                columns,
                scores=result[f"{name}_probability"][:shown],
                title=title,
                height=height,
            ),
            key=key(f"drs_{name}"),
        )
    if "kept_metrics" in result:
        kept, every = result["kept_metrics"], result["all_metrics"]
        faces = "worst_factor_tv" in kept  # judged by the face reader, not a classifier
        st.caption(
            f"{'The face reader' if faces else 'Classifier'}'s scores of the {kept['sample_count']:,} kept "
            f"{'faces' if faces else 'images'}, against as many of all generated ones (the change):"
        )
        first = (
            ("Worst factor TV", "worst_factor_tv", "{:.2f}")
            if faces
            else ("Inception Score", "inception_score", "{:.2f}")
        )
        rows = [first, ("FID", "fid", "{:.3f}"), ("Precision", "precision", "{:.2f}"), ("Recall", "recall", "{:.2f}")]
        for column, (label, name, fmt) in zip(st.columns(len(rows)), rows):
            column.metric(
                label,
                fmt.format(kept[name]),
                delta=fmt.format(kept[name] - every[name]),
                delta_color="inverse" if name in ("fid", "worst_factor_tv") else "normal",
            )
        if faces:
            worst = max(kept["factor_tv"], key=kept["factor_tv"].get)
            st.caption(
                f"Worst factor among the kept faces: {worst.replace('_', ' ')} (TV {kept['factor_tv'][worst]:.2f}; "
                f"among as many of all: {every['factor_tv'][worst]:.2f}). 0 is the real faces' spread."
            )
    elif "note" in result:
        st.caption(result["note"])
