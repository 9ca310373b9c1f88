"""The Applications page's views, one per application, each drawing one ApplicationSnapshot
(gan_core.views.applications). The numbers beside a picture come from the same snapshot, and each
view's caption says what to look for."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from gan_core.data.face_words import VOCABULARY
from gan_core.data.faces import FACTOR_BY_NAME
from gan_core.evaluation.applications import (
    ATTRIBUTE_TARGET,
    CHANGED_TARGET,
    KEPT_TARGET,
    REPORT_PHRASES,
    SPREAD_TARGET,
)

from .inline_images import tile_grid

FACE_TILE = 76  # pixels per 32x32 face (at least 64 on screen, as the image lab's grids)
CANVAS = 200


def rows(parts: list[tuple[str, np.ndarray]], tile: int = FACE_TILE) -> None:
    """Rows of faces, each under its own title (the picture's font has no arrows: titles are words)."""
    for title, images in parts:
        tile_grid(images, columns=len(images), tile=tile, title=title, alt=title)


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _scored(snapshot) -> str:
    return f"Scored at iteration {snapshot.scored_at:,}" if snapshot.scores else "Not scored yet"


# ----- words to faces --------------------------------------------------------------------------------
def phrase_box(page) -> None:
    """The phrase, its examples and how it was read (outside the live view: typing must not race it)."""
    key, state = page.key, page.state
    if key("phrase") not in state:  # a new page, or back from another view (Streamlit dropped the box's
        # state): the box shows the phrase the faces are drawn for, not the first example
        snapshot = page.runner.snapshot
        state[key("phrase")] = getattr(snapshot, "phrase", None) or REPORT_PHRASES[0]

    def send(text: str) -> None:
        page.ask(page.runner.set_phrase, text, failed="Could not read that phrase: ")

    def on_example() -> None:
        chosen = state.get(key("example"))
        if chosen:
            state[key("phrase")] = chosen
            state[key("example")] = None  # the box offers the examples again
            send(chosen)

    text, examples = st.columns([2.3, 1], vertical_alignment="bottom")
    text.text_input(
        "Describe a face",
        key=key("phrase"),
        on_change=lambda: send(state[key("phrase")]),
        max_chars=300,
        help="Words the model knows: "
        + "; ".join(f"{noun}: {', '.join(words)}" for noun, words in VOCABULARY.items())
        + ". Colours without a noun describe the hair.",
    )
    examples.selectbox(
        "Examples", REPORT_PHRASES, index=None, key=key("example"), on_change=on_example, placeholder="Try an example"
    )


def face_verdict(row) -> str:
    """A face's caption: "all" when the reader finds every requested attribute, else the numbers
    of those it misses ("no 2, 3")."""
    missing = [str(i + 1) for i, ok in enumerate(row) if not ok]
    return "all" if not missing else "no " + ", ".join(missing)


def words_view(snapshot) -> None:
    (name,) = snapshot.outputs
    images = snapshot.outputs[name]
    left, right = st.columns([1.45, 1], gap="medium")  # 6 x 2 faces at 76 px fit the left on a projector
    with left:
        captions = None if snapshot.verdicts is None else [face_verdict(row) for row in snapshot.verdicts]
        tile_grid(images, captions, columns=6, tile=FACE_TILE, alt=f"faces for: {snapshot.phrase}")
    with right:
        if snapshot.reading:
            st.markdown(
                "**Read as** "
                + " · ".join(f"**{i}** *{word}* → {wanted}" for i, (word, wanted) in enumerate(snapshot.reading, 1))
                + "  \nUnder each face: *all* when the face reader finds every attribute in it, else the numbers "
                "it misses."
            )
        else:
            st.markdown("**Read as**: nothing the model knows; every factor is drawn as in real faces.")
        if snapshot.unknown:
            st.warning(f"Not understood: {', '.join(snapshot.unknown)}", icon=":material/help:")
        if snapshot.replaced:
            st.info(
                f"Two words for the same thing: the last one is used ({'; '.join(snapshot.replaced)}).",
                icon=":material/swap_horiz:",
            )
        result = snapshot.scores.get("phrase")
        if result and result["phrase"] == snapshot.phrase:
            shown = snapshot.verdicts.mean(0) if snapshot.verdicts is not None else []
            rows = [
                {"attribute": a["wanted"], f"of these {len(images)}": _percent(s), "of 1,000": _percent(a["share"])}
                for a, s in zip(result["attributes"], shown)
            ]
            if rows:
                st.table(rows, border="horizontal", hide_index=True)
            spread = result["spread_tv"]
            worst = max(spread, key=spread.get) if spread else None
            if worst:
                st.caption(
                    f"{_scored(snapshot)}. Targets: every attribute ≥ {_percent(ATTRIBUTE_TARGET)}; the factors not "
                    f"asked for keep the real faces' spread (TV ≤ {SPREAD_TARGET}): worst here "
                    f"{FACTOR_BY_NAME[worst].label}, {spread[worst]:.2f} (faces drawn with the same factors: "
                    f"{result['drawn']['worst_spread_tv']:.2f})."
                )
        else:
            st.caption("Scores for this phrase come with the next scoring (or press Score now).")


# ----- a sketch to a face -------------------------------------------------------------------------------
def drawing_box(page) -> None:
    """A canvas: what is drawn goes to the members (each answers in the live view)."""
    key, state = page.key, page.state
    st.write("")  # room for the canvas's toolbar, which floats above it on hover (it hid a label here)
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception as error:  # the component failed to register: say so, keep the page
        st.info(f"Drawing needs the streamlit-drawable-canvas package ({type(error).__name__}).")
        return
    result = st_canvas(
        width=CANVAS, height=CANVAS, drawing_mode="freedraw", stroke_width=12, stroke_color="#000000",
        background_color="#ffffff", key=key("canvas"), return_image_data=True,
    )  # fmt: skip
    st.markdown(
        "**Draw a face** above: the outline, eyes, mouth and hair; glasses if you like. Its tools show on hover "
        "(the bin clears it)."
    )
    image = getattr(result, "image_data", None)
    drawn = image is not None and (np.asarray(image)[..., :3] < 128).any()
    digest = hashlib.sha1(np.ascontiguousarray(image).tobytes()).hexdigest() if drawn else None
    if digest != state.get(key("drawing_sent"), "none"):
        if page.ask(page.runner.set_drawing, image if drawn else None, failed="Could not use the drawing: "):
            state[key("drawing_sent")] = digest


def sketch_view(snapshot) -> None:
    names = list(snapshot.outputs)
    if snapshot.drawing is not None:
        images = np.concatenate([snapshot.drawing] + [snapshot.drawing_outputs[n] for n in names])
        tile_grid(images, ["your sketch", *names], columns=len(images), tile=96, title="Your drawing, answered")
    rows(
        [("Held-out faces' sketches", snapshot.inputs), ("The real faces", snapshot.truth)]
        + [(f"{name}: its answers", snapshot.outputs[name]) for name in names]
    )
    table = snapshot.scores.get("rows")
    if table:
        st.table(
            [
                {
                    "model": row["model"],
                    "pixel L1 ↓": f"{row['l1']:.3f}",
                    "sharpness (nearest the real faces' is best)": f"{row['sharpness']:.3f}",
                    "factor error, continuous ↓": f"{row['continuous_error']:.3f}",
                    "factor error, discrete ↓": _percent(row["discrete_error"]),
                }
                for row in table
            ],
            border="horizontal",
            hide_index=True,
        )
        st.caption(
            f"{_scored(snapshot)} on 500 held-out faces. L1 alone reaches the lowest pixel error by drawing the "
            "average of the colours a sketch leaves open (a blur); the GAN term makes each answer one plausible "
            "face, sharper, at a small cost in L1 (Isola et al. 2017, Fig. 4). Factor error: the face reader's "
            "reading of the answer against the values the face was drawn from (mean |error| / range; share of "
            "wrong colours and glasses)."
        )


# ----- hair colour without pairs -------------------------------------------------------------------------
def hair_view(snapshot) -> None:
    names = list(snapshot.outputs)
    parts = [("Dark-haired faces (held out)", snapshot.inputs)]
    for name in names:
        parts += [(f"{name}: made blue-haired", snapshot.outputs[name]), (f"{name}: and back", snapshot.back[name])]
    rows(parts)
    table = snapshot.scores.get("rows")
    if table:
        st.table(
            [
                {
                    "model": row["model"],
                    "dark → blue: hair changed": _percent(row["forward"]["changed"]),
                    "dark → blue: others moved ↓": f"{row['forward']['mean_other_change']:.3f}",
                    "blue → dark: hair changed": _percent(row["backward"]["changed"]),
                    "blue → dark: others moved ↓": f"{row['backward']['mean_other_change']:.3f}",
                    "round trip L1": f"{row['round_trip_l1']:.3f}",
                }
                for row in table
            ],
            border="horizontal",
            hide_index=True,
        )
        st.caption(
            f"{_scored(snapshot)} on 500 held-out faces per domain, read by the face reader. Targets: hair changed "
            f"on ≥ {_percent(CHANGED_TARGET)}; the other factors moved < {KEPT_TARGET} (mean over factors of |change| "
            "/ range, or the share of faces whose colour or glasses changed). Without the cycle loss nothing asks G "
            "to keep the face: it only has to fool D."
        )
        with st.expander("Each other factor's change"):
            st.table(
                [
                    {"model": row["model"]}
                    | {FACTOR_BY_NAME[f].label: f"{v:.2f}" for f, v in row["forward"]["others"].items()}
                    for row in table
                ],
                border="horizontal",
                hide_index=True,
            )
    with st.expander("Blue-haired faces → dark"):
        rows(
            [("Blue-haired faces (held out)", snapshot.inputs_back)]
            + [(f"{name}: made dark-haired", snapshot.outputs_back[name]) for name in names]
        )


VIEWS = {"words": words_view, "sketch": sketch_view, "hair": hair_view}
