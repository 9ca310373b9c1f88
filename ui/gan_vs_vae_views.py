"""The views of the GAN-vs-VAE page, one function per view, each drawing one GanVsVaeSnapshot
(pictures from gan_core.plots.latent.tiles, figures from gan_core.plots.gan_vs_vae). Each view
says in a caption what to look for; the numbers in it come from the same snapshot as the picture."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.evaluation.gan_vs_vae import mean_rank
from gan_core.plots import gan_vs_vae as plots

from .inline_images import tile_grid


def tile_for(snapshot, small: int) -> int:
    """A tile's size in pixels: `small` for 8x8 digits, larger for 32x32 faces."""
    return small if snapshot.noun == "digits" else round(small * 1.4)


def judge_of(snapshot) -> str:
    return "face reader" if snapshot.noun == "faces" else "classifier"


def by_width(members) -> list[list]:
    """Members in groups of one width (GAN, VAE, AE each), in the comparison's order."""
    rows: dict[int, list] = {}
    for member in members:
        rows.setdefault(member.width, []).append(member)
    return list(rows.values())


def rows_by_model(snapshot) -> dict:
    return {row["model"]: row for row in snapshot.table}


def _score_caption(row: dict | None) -> str:
    if not row or row.get("fid") is None:
        return ""
    return f"FID {row['fid']:.2f} · IS {row['inception_score']:.2f} · sharpness {row['sharpness']:.2f}"


# ----- 2D data --------------------------------------------------------------------------------------
def toy_samples(snapshot, key: str) -> None:
    for members in by_width(snapshot.members):
        names = [m.name for m in members]
        st.plotly_chart(plots.toy_samples_figure(snapshot, names), key=f"{key}_{names[0]}")
        outside = {n: c for n, c in plots.outside_counts(snapshot, names).items() if c}
        if outside:
            st.caption(
                "Outside the view (not drawn): "
                + ", ".join(f"{n} {c} of {len(snapshot.real)}" for n, c in outside.items())
            )
    st.caption(
        f"{len(snapshot.real)} real points (green) under {len(snapshot.real)} samples of each model, all three "
        "decoding the same noise draws. Titles: modes covered and the share of samples within 3 std of a mode "
        "(HQ), from the latest scoring (the table's numbers)."
    )


def code_space(snapshot, key: str) -> None:
    encoders = [m for m in snapshot.members if m.codes is not None]
    if snapshot.kind == "image":
        image_code_grids(snapshot, encoders)
    for width_members in by_width(encoders):
        st.plotly_chart(
            plots.code_space_figure(snapshot, [m.name for m in width_members]), key=f"{key}_{width_members[0].name}"
        )
    what = (
        f"held-out {snapshot.noun}, coloured by {'hair colour' if snapshot.noun == 'faces' else 'class'}"
        if snapshot.kind == "image"
        else "real points, coloured by mode"
    )
    st.caption(
        f"The {what}, encoded (the mean of q(z|x) for the VAE). The VAE's KL term pulls codes into the prior "
        "N(0, I) (dotted: 1 std, dashed: 2 std) and its posteriors (black ellipses, 1 std) overlap, so codes "
        "between data points decode to something; the auto-encoder's codes sit wherever reconstruction put "
        "them, with empty space (holes) between and around the groups."
    )


def image_code_grids(snapshot, encoders: list) -> None:
    """The decoded code grid of each encoder model (Kingma & Welling 2014, Fig. 4)."""
    columns = st.columns(max(len(encoders), 1))
    for column, member in zip(columns, encoders):
        with column:
            x0, x1, y0, y1 = member.code_grid_extent
            side = int(round(len(member.code_grid) ** 0.5))
            tile_grid(
                member.code_grid, columns=side, tile=26, title=f"{member.name}: decoded code grid",
                alt=f"{member.name} decoded code grid",
            )  # fmt: skip
            st.caption(
                f"{member.code_axes}: x from {x0:.1f} to {x1:.1f}, y from {y1:.1f} (top) to {y0:.1f}"
                + (
                    " (the prior's bulk)"
                    if member.kind == "vae" and member.code_axes == "code"
                    else " (where its codes lie)"
                )
            )


# ----- images ---------------------------------------------------------------------------------------
def image_samples(snapshot, key: str) -> None:
    rows = rows_by_model(snapshot)
    for members in by_width(snapshot.members):
        columns = st.columns(len(members))
        for column, member in zip(columns, members):
            with column:
                st.markdown(f"**{member.name}**")
                tile_grid(member.samples, columns=6, tile=tile_for(snapshot, 40), alt=f"{member.name} samples")
                st.caption(_score_caption(rows.get(member.name)) or "scores after the first scoring")
    st.caption(
        "Each grid decodes the same 36 codes drawn from N(0, I): the GAN's noise is the VAE's and the "
        f"auto-encoder's code. Scores: the shipped {judge_of(snapshot)}'s FID and IS, and the variance of the "
        f"Laplacian (sharpness; real {snapshot.noun} in the table)."
    )


def reconstructions(snapshot, key: str) -> None:
    encoders = [m for m in snapshot.members if m.reconstructions is not None]
    images = [*snapshot.real]
    row_names = ["input"]
    for member in encoders:
        images += [*member.reconstructions]
        row_names.append(member.name)
    tile_grid(images, columns=len(snapshot.real), tile=tile_for(snapshot, 48), alt="reconstructions")
    each = "one of each hair colour first" if snapshot.noun == "faces" else "one of each class"
    st.caption(
        "Rows, top to bottom: " + " · ".join(row_names) + f". Held-out {snapshot.noun} ({each}), encoded and "
        "decoded (the VAE decodes the mean of q(z|x)). The GAN has no encoder, so it cannot reconstruct."
    )
    rows = rows_by_model(snapshot)
    readings = [
        f"{m.name}: −log p(x|z) {rows[m.name]['reconstruction']:.1f} nats"
        for m in encoders
        if rows.get(m.name, {}).get("reconstruction") is not None
    ]
    if readings:
        held_out = f"Reconstruction error on all held-out {snapshot.noun} (latest scoring): "
        st.caption(held_out + " · ".join(readings) + ".")


def between_codes(snapshot, key: str) -> None:
    st.markdown("**A random code, and halfway between two codes**")
    columns = st.columns(min(len(snapshot.members), 3))
    for index, member in enumerate(snapshot.members):
        with columns[index % len(columns)]:
            captions = ["random", "a", "(a+b)/2", "b"]
            tile_grid(member.probes, captions, columns=4, tile=56, title=member.name, alt=f"{member.name} probes")
    st.caption(
        "Random: a code drawn from N(0, I). For the VAE and the auto-encoder, a and b are the codes of two "
        f"held-out {snapshot.noun} (below); for the GAN, which has no encoder, two random codes. The auto-encoder's "
        f"random code and midpoint often land in a hole and decode to a non-{snapshot.one}; the VAE's decode to a "
        f"{snapshot.one}."
    )
    if snapshot.probe_inputs is not None:
        tile_grid(
            snapshot.probe_inputs, [f"{snapshot.one} a", f"{snapshot.one} b"], columns=2, tile=56,
            alt=f"the two encoded {snapshot.noun}",
        )  # fmt: skip
    st.markdown("**Interpolation a → b**")
    for member in snapshot.members:
        steps = len(member.interpolation)
        tile_grid(member.interpolation, [f"{i / (steps - 1):.2f}" for i in range(steps)], columns=steps, tile=48,
                title=member.name, alt=f"{member.name} interpolation")  # fmt: skip


def ranking(snapshot, key: str) -> None:
    data = snapshot.ranking
    if not data:
        st.info("The ranking appears after the first scoring.")
        return
    l2, d, models = np.asarray(data["l2"]), np.asarray(data["d"]), data["models"]
    show = 12
    by_l2 = np.argsort(l2, kind="stable")[:show]
    by_d = np.argsort(-d, kind="stable")[:show]
    left, right = st.columns(2)
    with left:
        tile_grid(data["images"][by_l2], [f"{models[i]}" for i in by_l2], columns=6, tile=52,
                title="Closest to a training image (pixel L2)", alt="best by L2")  # fmt: skip
        st.caption("L2 distances: " + ", ".join(f"{l2[i]:.2f}" for i in by_l2))
    with right:
        tile_grid(data["images"][by_d], [f"{models[i]}" for i in by_d], columns=6, tile=52,
                title=f"Highest D score ({data['judge']}'s discriminator)", alt="best by D")  # fmt: skip
        st.caption("D scores: " + ", ".join(f"{d[i]:.2f}" for i in by_d))
    l2_ranks, d_ranks = mean_rank(data, "l2", descending=False), mean_rank(data, "d", descending=True)
    st.dataframe(
        [{"model": n, "mean rank by L2 (1 = best)": f"{l2_ranks[n]:.1f}", "mean rank by D": f"{d_ranks[n]:.1f}"}
         for n in l2_ranks],
        hide_index=True,
    )  # fmt: skip
    st.caption(
        f"{len(l2)} samples, {len(l2) // len(l2_ranks)} from each model, ranked two ways. Pixel L2 is what the "
        "auto-encoder's decoder was trained on; it judges each pixel alone. The discriminator judges the whole "
        "picture, as a GAN's generator is trained to please it."
    )
    st.markdown("**The notes' example: one pixel wrong versus every pixel moved**")
    example_captions = [
        snapshot.one,
        f"shifted: L2 {data['example_l2'][1]:.2f}, D {data['example_d'][1]:.2f}",
        f"stray dot: L2 {data['example_l2'][2]:.2f}, D {data['example_d'][2]:.2f}",
    ]
    tile_grid(data["example_images"], example_captions, columns=3, tile=96, alt="the notes' example")
    one = snapshot.one
    closer = "stray dot" if data["example_l2"][2] < data["example_l2"][1] else f"shifted {one}"
    preferred = "stray dot" if data["example_d"][2] > data["example_d"][1] else f"shifted {one}"
    nobody = "a digit no one writes" if one == "digit" else "a face the data never has"
    st.caption(
        f"Pixel L2 to the {one} calls the **{closer}** closer; the discriminator prefers the **{preferred}**. "
        f"The shifted {one} is still a perfect {one}; the stray dot is {nobody}."
    )


def scores_table(snapshot, key: str) -> None:
    if not snapshot.table:
        st.info("Scores appear after the first scoring.")
        return
    st.caption(f"Scored at iteration {snapshot.scored_at:,}; every model on the same samples count and seeds.")
    # A static table: its headers wrap to fit the page (a data frame cut "reconstruction error" to
    # "reconstructio…" on a 1280-wide projector).
    if snapshot.kind == "image":  # up to fifteen columns: the sample scores, then likelihood and time
        st.table(plots.table_rows(snapshot.table, snapshot.kind, "samples"), border="horizontal", hide_index=True)
        st.table(plots.table_rows(snapshot.table, snapshot.kind, "likelihood"), border="horizontal", hide_index=True)
    else:
        st.table(plots.table_rows(snapshot.table, snapshot.kind), border="horizontal", hide_index=True)
    if snapshot.reading:
        st.markdown("\n".join(f"- {sentence}" for sentence in snapshot.reading))
    if snapshot.noun == "faces":  # in this session (a page link, not a new page load: the run here is kept)
        st.caption("Slide the shipped models' code axes, each with its factor meters, in the latent explorer:")
        for column, (label, model) in zip(
            st.columns(4), (("GAN", "faces-gvv-gan"), ("VAE", "faces-gvv-vae"), ("β-VAE", "faces-gvv-beta-vae"))
        ):
            column.page_link(
                "app_pages/latent_explorer.py", label=label, icon=":material/explore:", query_params={"model": model}
            )


def curves(snapshot, histories: dict, key: str) -> None:
    kinds = {m.name: m.kind for m in snapshot.members}
    widths = {m.name: m.width for m in snapshot.members}
    losses = {n: h["losses"] for n, h in histories.items()}
    st.plotly_chart(plots.losses_figure(losses, kinds, widths), key=f"{key}_losses")
    metrics = {n: h["metrics"] for n, h in histories.items()}
    pairs = (
        (("fid", "FID (lower is better)"), ("sharpness", "sharpness (variance of the Laplacian)"))
        if snapshot.kind == "image"
        else (("high_quality", "share of samples on a mode"), ("wasserstein1", "Wasserstein-1 to the data"))
    )
    columns = st.columns(2)
    for column, (metric, title) in zip(columns, pairs):
        with column:
            st.plotly_chart(plots.metric_chart(metrics, kinds, widths, metric, title), key=f"{key}_{metric}")
    st.caption(
        "Losses per iteration (the first 5% of iterations are left out of the y range); scores at each scoring. "
        "A GAN's losses are not in nats and do not fall as it learns."
    )
