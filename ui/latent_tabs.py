"""The latent explorer's other tabs, one fragment each: the directions of the basis (what each
does, saving the current edit as a named direction, export and import); interpolation between two
codes, linear and spherical, with the notes' question G(0.5a + 0.5b) against 0.5 G(a) + 0.5 G(b);
a conditional GAN's labels under a fixed z; and inversion and completion of a digit."""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from gan_core.data.user_images import MAX_UPLOAD_BYTES, erased_mask, read_drawing, read_image_bytes
from gan_core.evaluation import direction_factors
from gan_core.plots import latent as pictures
from gan_core.sampling import directions, interpolation, inversion
from gan_core.views import latent

from . import latent_models as models
from .inline_images import image_html
from .latent_state import (
    N_SLIDERS,
    base_code,
    caption_for,
    clear_edit,
    current_label,
    fit_codes,
    readings,
    say,
    state,
)

TILE = 84


def _picture(
    images, captions, *, tile: int = TILE, columns: int | None = None, row_labels=None, title: str = ""
) -> bytes:
    return pictures.png_bytes(
        pictures.tiles(images, captions, tile=tile, columns=columns, row_labels=row_labels, title=title)
    )


def _show(png: bytes, alt: str) -> None:
    width = int.from_bytes(png[16:20], "big")  # the PNG header's width field: no decoding
    st.markdown(image_html(png, width, alt, crisp=False), unsafe_allow_html=True)  # crisp tiles, smoothly shrunk


# ----- directions ----------------------------------------------------------------------------------
@st.fragment
def directions_tab(model, model_id: str, basis: directions.Basis) -> None:
    start = int(state["lat_window"]) * N_SLIDERS
    shown = list(range(start, min(start + N_SLIDERS, len(basis))))
    st.markdown(f"**{directions.BASIS_KINDS[basis.kind]}** · computed in {basis.seconds:.2f} s. {basis.note}")
    if model.walks_factors:  # the faces: what each direction does, in the factors the reader reads
        factor_scores(model, model_id, basis, shown)
    else:
        effects = models.load_effects(
            model_id, basis.kind, tuple(basis.names[i] for i in shown), model, basis.vectors[shown]
        )
        rows = {
            "direction": [basis.names[i] for i in shown],
            (basis.score_label or "score"): [float(basis.scores[i]) for i in shown],
            f"what it does (±{latent.EFFECT_STEP:g} std, {latent.EFFECT_SAMPLES} codes)": effects,
        }
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(
            "“What it does” is measured, not named by hand: the classifier's average change in each class "
            "between -2 and +2 stds along the direction, and the change in ink."
            if model.kind == "image"
            else "“What it does” is measured: how often moving along the direction switches a sample's mode."
        )
    saved = state["lat_saved"].setdefault(model_id, [])
    st.markdown("**Save the current edit as a direction**")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    name = left.text_input("Name", key="lat_save_name", placeholder="e.g. thicker strokes", max_chars=60)
    edit = state["lat_edit"]
    if right.button(
        "Save direction",
        key="lat_save",
        icon=":material/bookmark_add:",
        disabled=not edit,
        help="Move some sliders in Explore first: the edit they make is what gets saved."
        if not edit
        else "Saves the sum of the slider moves as one direction.",
    ):
        vector = np.zeros(model.generator.noise_dim)
        for index, stds in edit.items():
            vector += stds * basis.vectors[index]
        if len(saved) >= directions.MAX_SAVED:
            st.error(f"At most {directions.MAX_SAVED} directions are kept; remove one first.")
        else:
            saved.append(
                ((name or f"direction {len(saved) + 1}").strip()[:60], (vector / np.linalg.norm(vector)).tolist())
            )
            say(
                "success",
                f"Saved “{saved[-1][0]}”. Choose “{directions.BASIS_KINDS['saved']}” under Directions to slide it.",
            )
            st.rerun()  # the whole page: the sidebar now offers the saved directions
    if saved:
        st.dataframe({"saved direction": [n for n, _ in saved]}, hide_index=True)
        left, right = st.columns(2, vertical_alignment="bottom")
        remove = left.selectbox("Remove", [n for n, _ in saved], key="lat_remove_name")
        if right.button("Remove it", key="lat_remove"):
            state["lat_saved"][model_id] = [entry for entry in saved if entry[0] != remove]
            if state["lat_basis"] == "saved":
                state["lat_basis"] = "axes"
                clear_edit()
            st.rerun()
        st.download_button(
            "Export saved directions (JSON)",
            directions.directions_to_json(saved, model.title, model.generator.noise_dim),
            "latent-directions.json",
            "application/json",
            key="lat_export",
            on_click="ignore",
        )
    uploaded = st.file_uploader("Import directions (JSON)", type=["json"], key="lat_import")
    if uploaded is not None and st.button("Add these directions", key="lat_import_go"):
        try:
            found = directions.directions_from_json(uploaded.getvalue(), model.generator.noise_dim)
        except ValueError as error:
            st.error(f"Could not import {uploaded.name}: {error}. Your saved directions are unchanged.")
        else:
            room = directions.MAX_SAVED - len(saved)
            saved.extend(found[:room])
            say("success", f"Added {min(len(found), room)} directions from {uploaded.name}.")
            st.rerun()


def table_of(effects, basis: directions.Basis, shown: list[int]) -> list[dict]:
    """The factor table as shown: percentages, signed Spearman, changes to two decimals."""
    table = []
    for row, index in zip(direction_factors.factor_table(effects), shown):
        rho = row.pop("Spearman")
        shown_row = {
            "direction": row.pop("direction"),
            (basis.score_label or "score"): basis.score_text(index),
            "mainly moves": row.pop("mainly moves"),
            "share": f"{row.pop('share'):.0%}",
            "Spearman": "—" if np.isnan(rho) else f"{rho:+.2f}",
        }
        table.append(shown_row | {factor: f"{value:.2f}" for factor, value in row.items()})
    return table


def factor_scores(model, model_id: str, basis: directions.Basis, shown: list[int]) -> None:
    """The faces: each direction's change per factor, the set's disentanglement score, and every
    set's score side by side (on request: a few seconds)."""
    # The set's score is the whole set's (every factor direction, or the first 16 of the others)
    # whichever window of sliders is shown: a score that changed with the window would mislead.
    count = directions.scored_count(basis)
    effects = models.effects_of(model_id, model, basis, shown)
    st.markdown(
        f"**What each direction changes, in the faces' factors** (the face reader along -3 … +3 std, "
        f"{direction_factors.WALK_CODES} codes; 1 = the factor's whole range, or every face switching level) · "
        f"read in {effects.seconds:.2f} s"
    )
    st.dataframe(table_of(effects, basis, shown), hide_index=True, width="stretch")
    if count < 2:
        st.caption("One direction: a disentanglement score compares two or more.")
        return
    summary = direction_factors.disentanglement(models.effects_of(model_id, model, basis, range(count)))
    whole = f"this set's {count}" if count == len(basis) else f"this set's first {count}"
    st.markdown(
        f"**Disentanglement of {whole} directions: {summary.score:.2f}** (mean gap; continuous "
        f"factors {summary.continuous_score:.2f}). Per factor, the share of its change that the best direction "
        "carries and the gap to the second best (1 = one direction moves it alone)."
    )
    st.dataframe(
        [row | {"best share": f"{row['best share']:.0%}", "gap": f"{row['gap']:.2f}"} for row in summary.rows()],
        hide_index=True,
        width="stretch",
    )
    if st.button("Score every set of directions", key="lat_score_sets", icon=":material/leaderboard:"):
        st.session_state[f"lat_set_scores:{model_id}"] = every_set_score(model, model_id)
    table = st.session_state.get(f"lat_set_scores:{model_id}")
    if table:
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(
            f"The first 16 directions of each set (the sliders a page shows), every supervised one, read on "
            f"{direction_factors.WALK_CODES} codes. From the command line, on as many codes: `python -m gan_core "
            f"directions --checkpoint CK --method M --codes {direction_factors.WALK_CODES}` (its default, 64 codes, "
            "is steadier: docs/latent_directions.md)."
        )


def every_set_score(model, model_id: str) -> list[dict]:
    rows = []
    for kind in ["axes", "ganspace", "sefa", *latent.factor_kinds(model)]:
        basis = models.load_basis(model_id, kind, fit_codes(kind), model)
        count = directions.scored_count(basis)
        effects = models.effects_of(model_id, model, basis, range(count))
        summary = direction_factors.disentanglement(effects)
        rows.append(
            {
                "directions": directions.BASIS_KINDS[kind],
                "count": count,
                "disentanglement (mean gap)": f"{summary.score:.2f}",
                "continuous factors": f"{summary.continuous_score:.2f}",
                "mean best share": f"{summary.mean_best_share:.0%}",
                "computed in": f"{basis.seconds + effects.seconds:.2f} s",
            }
        )
    return rows


# ----- interpolation ----------------------------------------------------------------------------------
GRID_SEEDS = 16


def _endpoints(model, row) -> tuple[torch.Tensor, torch.Tensor, str, str]:
    """a and b, chosen in the first columns of `row` (the last one holds the steps)."""
    generator = model.generator
    source = row[0].selectbox(
        "Endpoints",
        ("Two seeds", "Two samples from a grid", "The explored code and a seed"),
        key="lat_ends",
    )
    if source == "Two seeds":
        a = row[1].number_input("Seed of a", 0, 2**31 - 1, 1, key="lat_seed_a")
        b = row[2].number_input("Seed of b", 0, 2**31 - 1, 2, key="lat_seed_b")
        return generator.codes(int(a))[0], generator.codes(int(b))[0], f"seed {a}", f"seed {b}"
    if source == "Two samples from a grid":
        first = int(state.setdefault("lat_grid_first", 100))
        codes = torch.cat([generator.codes(first + i) for i in range(GRID_SEEDS)])
        if model.kind == "image":
            images = generator.generate(codes, generator.labels(current_label(model), GRID_SEEDS))
            _show(_picture(images, [f"#{i + 1}" for i in range(GRID_SEEDS)], tile=56, columns=8), "grid")
        else:
            points = generator.generate(codes).numpy()
            st.caption("Samples: " + "; ".join(f"#{i + 1} ({p[0]:+.2f}, {p[1]:+.2f})" for i, p in enumerate(points)))
        a = row[1].selectbox("a", range(GRID_SEEDS), key="lat_pick_a", format_func=lambda i: f"#{i + 1}")
        b = row[2].selectbox("b", range(GRID_SEEDS), index=1, key="lat_pick_b", format_func=lambda i: f"#{i + 1}")
        if st.button("New grid", key="lat_new_grid"):
            state["lat_grid_first"] = first + GRID_SEEDS
            st.rerun(scope="fragment")
        return codes[a], codes[b], f"grid #{a + 1}", f"grid #{b + 1}"
    b = row[2].number_input("Seed of b", 0, 2**31 - 1, 2, key="lat_seed_b2")
    return base_code(generator), generator.codes(int(b))[0], "the explored code", f"seed {b}"


@st.fragment
def interpolation_tab(model, model_id: str) -> None:
    generator = model.generator
    average = "the pictures" if model.kind == "image" else "the two samples"
    st.markdown(
        "What lies between two codes? The notes ask what the decoder makes of **0.5a + 0.5b**. A GAN's "
        f"answer is G(0.5a + 0.5b): a new sample. Averaging {average}, 0.5 G(a) + 0.5 G(b), is something else."
    )
    row = st.columns([1.6, 1, 1, 1.4], vertical_alignment="bottom")
    steps = row[3].slider("Steps", 5, 13, 9, step=2, key="lat_steps")
    a, b, a_name, b_name = _endpoints(model, row)
    labels = generator.labels(current_label(model), steps)
    times = [i / (steps - 1) for i in range(steps)]
    paths = {method: interpolation.path(a, b, steps, method) for method in interpolation.METHODS}
    outputs = {method: generator.generate(codes, labels) for method, codes in paths.items()}
    mid_linear = generator.generate(interpolation.lerp(a, b, 0.5)[None], generator.labels(current_label(model), 1))
    mid_sphere = generator.generate(interpolation.slerp(a, b, 0.5)[None], generator.labels(current_label(model), 1))
    ends = generator.generate(torch.stack([a, b]), generator.labels(current_label(model), 2))
    pixel_average = ends.mean(dim=0, keepdim=True)
    typical = generator.prior_std * generator.noise_dim**0.5
    norms = [
        float(a.norm()),
        float(interpolation.lerp(a, b, 0.5).norm()),
        float(interpolation.slerp(a, b, 0.5).norm()),
        float(b.norm()),
    ]
    if model.kind == "image":
        for method in interpolation.METHODS:
            captions = [f"t={t:.2f}" for t in times]
            png = _picture(
                outputs[method], captions, tile=72, title=f"{method.capitalize()}: from {a_name} to {b_name}"
            )
            _show(png, method)
            st.download_button(
                f"{method.capitalize()} as animated GIF",
                lambda images=outputs[method], captions=captions: pictures.gif_bytes(images, captions),
                f"interpolation-{method}.gif",
                "image/gif",
                key=f"lat_gif_{method}",
                on_click="ignore",
            )
        middle = torch.cat([mid_linear, pixel_average, mid_sphere])
        found = readings(model, middle)
        d_values = latent.discriminator_reading(model, middle, generator.labels(current_label(model), 3))
        st.markdown("**The midpoint, three ways**")
        _show(
            _picture(middle, ["G(0.5a+0.5b)", "0.5G(a)+0.5G(b)", "G(slerp, t=0.5)"], tile=140, columns=3), "midpoints"
        )
        table = {
            "": ["G(0.5a + 0.5b)", "0.5 G(a) + 0.5 G(b)", "G(slerp(a, b, 0.5))"],
            "code norm": [f"{norms[1]:.2f}", "—", f"{norms[2]:.2f}"],
            "classifier": caption_for(model, middle) if found else ["—"] * 3,
        }
        if model.discriminator is not None:  # a VAE's decoder has no D
            table["D's reading"] = [f"{v:.2f}" for v in d_values]
        st.dataframe(table, hide_index=True)
        st.markdown(_midpoint_reading(found, d_values, norms, typical))
    else:
        _toy_interpolation(model, outputs, ends, mid_linear, pixel_average, norms, typical)


def _midpoint_reading(found, d_values, norms, typical) -> str:
    """Plain words from the numbers above (not fixed text)."""
    parts = [
        f"The codes a and b have norms {norms[0]:.2f} and {norms[3]:.2f} (typical for this prior: {typical:.2f}); "
        f"the straight midpoint's norm is {norms[1]:.2f} ({norms[1] / typical:.0%} of typical), the spherical "
        f"one's {norms[2]:.2f}."
    ]
    if found:
        confidence = [p for _, p in found]
        parts.append(
            f"The classifier is {confidence[0]:.0%} sure of G(0.5a + 0.5b) and {confidence[1]:.0%} sure of the "
            "pixel average"
            + (
                ", which is less: a blend of two pictures is not a picture of either."
                if confidence[1] < confidence[0]
                else "."
            )
        )
    if np.isfinite(d_values).all():  # a GAN's D (a VAE's decoder has none)
        verdict = "more" if d_values[0] > d_values[1] else "less"
        parts.append(
            f"D rates G(0.5a + 0.5b) {verdict} real than the pixel average ({d_values[0]:.2f} against "
            f"{d_values[1]:.2f})."
        )
    return " ".join(parts)


def _toy_interpolation(model, outputs, ends, mid_linear, pixel_average, norms, typical) -> None:
    paths = {method: outputs[method].numpy() for method in ("linear", "spherical")}
    marks = {"G(a), G(b)": ends.numpy(), "G(0.5a+0.5b)": mid_linear.numpy(), "0.5G(a)+0.5G(b)": pixel_average.numpy()}
    figure = pictures.interpolation_plane_figure(latent.data_plane(model), paths, marks)
    left, right = st.columns([3, 2])
    left.plotly_chart(figure, key="lat_toy_interpolation")
    with right:
        _toy_midpoint_reading(model, mid_linear, pixel_average, norms, typical)


def _toy_midpoint_reading(model, mid_linear, pixel_average, norms, typical) -> None:
    if getattr(model.data, "is_mixture", False):
        n = len(model.data.centers)
        landed = latent.landing_modes(model, np.concatenate([mid_linear.numpy(), pixel_average.numpy()]))
        words = ["between modes" if k == n else f"in mode {k + 1}" for k in landed]
        st.markdown(
            f"G(0.5a + 0.5b) lands {words[0]}; the average of the two samples, 0.5 G(a) + 0.5 G(b), lands {words[1]}. "
            f"Straight midpoint norm {norms[1]:.2f} against a typical {typical:.2f}."
        )
    d_values = latent.discriminator_reading(model, torch.cat([mid_linear, pixel_average]))
    rates = (
        f"D rates G(0.5a + 0.5b) **{d_values[0]:.2f}** and 0.5 G(a) + 0.5 G(b) **{d_values[1]:.2f}**. "
        if np.isfinite(d_values).all()
        else ""
    )
    st.markdown(
        rates + "The generator maps the straight line between codes onto a curve through the data; the average "
        "of two samples is a point on the straight line between them, wherever that falls."
    )


# ----- labels of a conditional GAN -------------------------------------------------------------------
@st.fragment
def labels_tab(model) -> None:
    generator = model.generator
    names = model.class_names
    n = generator.n_classes
    st.markdown(
        "A conditional GAN takes its class from the label and its **style** (slant, thickness, size) from z. "
        "Keep z, change the label: the style stays, the digit changes."
    )
    z = base_code(generator)
    row = generator.generate(z.repeat(n, 1), torch.arange(n))
    captions = caption_for(model, row)
    found = readings(model, row)
    hits = [name == names[k] for k, (name, _) in enumerate(found)] if found else []
    _show(_picture(row, captions, tile=64, title="The explored z under every label"), "labels")
    if hits:
        st.caption(f"The classifier reads {sum(hits)} of {n} as the label asked for.")
    seeds = st.slider("Rows (codes)", 2, 10, 6, key="lat_label_rows")
    codes = torch.cat([generator.codes(int(state["lat_seed"]) + i) for i in range(seeds)])
    grid = generator.generate(codes.repeat_interleave(n, dim=0), torch.arange(n).repeat(seeds))
    png = _picture(
        grid,
        None,
        tile=48,
        columns=n,
        row_labels=[f"z{i + 1}" for i in range(seeds)],
        title="Rows: z · columns: label " + " ".join(names),
    )
    _show(png, "label grid")
    st.download_button("Grid (PNG)", png, "label-grid.png", "image/png", key="lat_dl_label_grid", on_click="ignore")


# ----- inversion and completion -----------------------------------------------------------------------
def _target(model) -> tuple[torch.Tensor | None, str]:
    generator = model.generator
    shape = tuple(generator.sample_shape)
    one = "face" if model.config.data.name == "faces" else "digit"
    held_out = "A held-out real image"  # the same label for every model: a radio's options keep its state
    source = st.radio("Image", (held_out, "Upload an image", "Draw one"), key="lat_target_source", horizontal=True)
    if source == held_out:
        held = model.data.held_out_images
        index = st.slider(f"Held-out {one}", 0, len(held) - 1, 0, key="lat_held_index")
        return held[index], f"held-out {one} #{index}"
    if source == "Upload an image":
        file = st.file_uploader(
            f"A small picture of one {one} (PNG or JPEG, up to {MAX_UPLOAD_BYTES / 1e6:.0f} MB)",
            type=["png", "jpg", "jpeg", "bmp", "gif", "webp"],
            key="lat_target_upload",
        )
        invert = st.radio(
            "Colours", ("auto", "dark digit on light paper", "light digit on dark"), key="lat_colours", horizontal=True
        )
        if file is None:
            return None, ""
        try:
            target = read_image_bytes(
                file.getvalue(),
                shape,
                {"auto": None, "dark digit on light paper": True, "light digit on dark": False}[invert],
            )
        except ValueError as error:
            st.error(f"Could not use {file.name}: {error}.")
            return None, ""
        return target, file.name
    st.caption("Draw one digit, large, in the middle; the trash icon under the canvas clears it.")
    image = _canvas(
        "lat_canvas", "upload an image", stroke_width=22, stroke_color="#ffffff", background_color="#000000"
    )
    target = None if image is None else read_drawing(image, shape)
    return target, "your drawing"


def _canvas(key: str, instead: str, **options):
    """A 224 px drawing canvas's picture (H, W, 4), or None until something is drawn (or, with a
    message saying to `instead`, when the component cannot run)."""
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception as error:  # the component failed to register: say so, keep the page
        st.info(f"Drawing needs the streamlit-drawable-canvas package ({type(error).__name__}); {instead} instead.")
        return None
    result = st_canvas(width=224, height=224, drawing_mode="freedraw", key=key, return_image_data=True, **options)
    return getattr(result, "image_data", None)


@st.fragment
def inversion_tab(model, model_id: str) -> None:
    generator = model.generator
    one = "face" if model.config.data.name == "faces" else "digit"
    labels_note = "; every label is tried" if generator.conditional else ""
    st.markdown(
        "**Inversion**: search the latent space for the code whose image matches yours (Adam on z from "
        f"{inversion.DEFAULT_STARTS} random starts, the best kept{labels_note}). "
        f"Then edit it with the sliders in Explore. **Completion**: hide part of a {one} and let the "
        "generator fill it in from the code that matches the visible part."
    )
    target, name = _target(model)
    if target is None:
        st.caption("Choose, upload or draw an image to invert.")
        return
    left, right = st.columns([1, 3])
    with left:
        _show(pictures.png_bytes(pictures.upscaled(target, 128)), "target")
        st.caption(f"Target: {name} · " + (caption_for(model, target[None])[0] or ""))
    with right:
        if st.button("Find its code", key="lat_invert", type="primary", icon=":material/search:"):
            bar = st.progress(0.0, text="Searching the latent space…")
            found = inversion.invert(generator, target, progress=lambda f: bar.progress(f, text=f"Searching… {f:.0%}"))
            bar.empty()
            state["lat_inversion"] = {"model": model_id, "name": name, "found": found, "target": target}
        result = state.get("lat_inversion")
        if result and result["model"] == model_id and result["name"] == name and torch.equal(result["target"], target):
            found = result["found"]
            images = torch.stack([target, found.image])
            captions = caption_for(model, images)
            _show(_picture(images, [f"target {captions[0]}", f"G(z*) {captions[1]}"], tile=128), "inversion")
            if model.reads_factors:
                st.dataframe(
                    latent.factor_comparison(model, images, ("target", "G(z*)"), latent.held_out_truth(model, name)),
                    hide_index=True,
                )
                st.caption(
                    "The face reader's reading of the target and of its inversion"
                    + (" (true: the values the held-out face was drawn from)." if name.startswith("held-out") else ".")
                )
            st.markdown(
                f"Match error **{found.error:.4f}** (mean squared, pixels in [0, 1]; {found.seconds:.2f} s"
                + (f"; label {model.class_names[found.label]}" if found.label is not None else "")
                + f"). The other starts ended at {min(found.start_errors):.4f}–{max(found.start_errors):.4f}."
            )
            if st.button("Edit this code in Explore", key="lat_use_code", icon=":material/tune:"):
                state["lat_base_code"] = found.code.tolist()
                state["lat_base_note"] = f"found by inverting {name}"
                if found.label is not None:
                    state["lat_label"] = found.label
                clear_edit()
                st.rerun()
    st.divider()
    options = (*inversion.MASKS, "brush")
    hidden = st.radio(
        "Hide",
        options,
        key="lat_mask",
        horizontal=True,
        format_func=lambda m: {"brush": "what I brush over", "centre": "the centre square"}.get(m, f"the {m} half"),
    )
    visible = _visible_mask(target, hidden)
    if visible is None:
        st.caption(f"Brush over the part of the {one} to hide, then complete it.")
    elif visible.all():
        st.caption(f"Nothing is hidden yet: brush over part of the {one}.")
    elif st.button("Complete the hidden part", key="lat_complete", icon=":material/auto_fix_high:"):
        bar = st.progress(0.0, text="Matching the visible part…")
        done = inversion.complete(
            generator,
            target,
            visible,
            model.data.train_images,
            progress=lambda f: bar.progress(f, text=f"Matching… {f:.0%}"),
        )
        bar.empty()
        state["lat_completion"] = {"model": model_id, "name": name, "hidden": hidden, "done": done, "visible": visible}
    result = state.get("lat_completion")
    same_mask = visible is not None and result is not None and torch.equal(result["visible"], visible)
    if result and result["model"] == model_id and result["name"] == name and same_mask:
        done, visible = result["done"], result["visible"]
        shown_input = torch.where(visible, target, torch.full_like(target, -1.0))
        marked = _mark_hidden(shown_input, visible)
        images = [
            _grey_rgb(target),
            marked,
            _grey_rgb(done.completed),
            _grey_rgb(done.single),
            _grey_rgb(done.mean_image),
            _grey_rgb(done.nearest),
        ]
        captions = ["original", "what G sees", "GAN (best 8)", "GAN (best 1)", "mean image", f"nearest {one}"]
        _show(_picture(images, captions, tile=100), "completion")
        fills = {
            f"GAN: average of the {inversion.AVERAGED_MATCHES} best-matching codes": done.hidden_error,
            "GAN: the single best-matching code": done.single_error,
            "mean training image": done.mean_image_error,
            f"nearest training {one} on the visible part": done.nearest_error,
        }
        st.dataframe(
            {"fill of the hidden pixels": list(fills), "MSE on hidden pixels": list(fills.values())}, hide_index=True
        )
        if model.reads_factors:
            st.dataframe(
                latent.factor_comparison(
                    model,
                    torch.stack([images[0], *images[2:]]),
                    ["original", *captions[2:]],
                    latent.held_out_truth(model, name),
                ),
                hide_index=True,
            )
            st.caption(
                "The face reader's factors of the original and of each completion"
                + (" (true: the values the held-out face was drawn from)." if name.startswith("held-out") else ".")
            )
        best = min(fills, key=fills.get)
        st.markdown(
            f"On this {one}, **{best}** fills the hidden part best (lowest error against the original). "
            "Averaging several plausible completions is what a squared error rewards; a single one is sharper."
        )


def _visible_mask(target: torch.Tensor, hidden: str) -> torch.Tensor | None:
    """The visibility mask the person chose: a half, the centre, or their brush strokes on a
    canvas over the digit (None until the canvas answers)."""
    if hidden != "brush":
        return inversion.half_mask(tuple(target.shape), hidden)
    image = _canvas(
        "lat_erase_canvas",
        "pick a half",
        stroke_width=30,
        stroke_color="rgba(220, 40, 40, 0.9)",
        background_image=pictures.upscaled(target, 224).convert("RGB"),
    )
    return None if image is None else erased_mask(image, tuple(target.shape))


def _grey_rgb(image: torch.Tensor) -> torch.Tensor:
    return image.expand(3, -1, -1) if image.shape[0] == 1 else image


def _mark_hidden(image: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
    """The visible pixels in grey, the hidden ones in red."""
    rgb = _grey_rgb(image).clone()
    hidden = ~visible[0] if visible.shape[0] == 1 else ~visible.all(dim=0)
    red = torch.tensor([0.6, -0.7, -0.7]).view(3, 1)
    rgb[:, hidden] = red
    return rgb
