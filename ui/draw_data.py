"""Draw your own data in the 2D lab: a drawing canvas (streamlit-drawable-canvas) over the plane,
its strokes and clicks turned into sample points by gan_core.data.drawn, with a spread slider,
"Undo last stroke" and "Clear", and a preview of the points in use.

How the drawing reaches the run: the canvas reports each change through its on_change callback,
which runs before the script, so the page's sidebar already computes the new points and the
Reset notice shows at once ("Changed: data ... apply on Reset"), exactly as a CSV upload does.
The drawing itself is kept in the session state (`<prefix>drawing`), not only in the canvas:
the canvas is remounted, from that drawing, after Undo / Clear (a new key) and whenever it comes
back after it was hidden (Streamlit forgets a widget a run did not draw). The canvas's own
toolbar (undo, redo, the trash can) reports its changes the same way, so the points always
follow what the canvas shows.

Test hook: when `state[<prefix>canvas_stand_in]` holds a fabric.js JSON dict, `canvas_drawing`
returns it instead of rendering the component (AppTest runs no JavaScript), and the page treats
it as the canvas's result.
"""

from __future__ import annotations

import functools
import io

import streamlit as st

from gan_core.data.drawn import CANVAS_SIZE, EXTENT, MAX_DRAWN_POINTS, drawn_sample_count, strokes_to_points
from gan_core.plots.toy import drawn_points_figure

SOURCES = ("Upload a CSV", "Draw")
MODES = {"Strokes": "freedraw", "Clicks": "point"}
DEFAULT_SPREAD = 0.05
DRAW_COLOUR = "#1f5fa8"
DRAWING_SEED = 0  # the same drawing and spread always give the same points


def init_state(state, key) -> None:
    """The drawing's state, set once per session; the widgets' values are written back on every
    run (Streamlit forgets a widget's state after a run that did not draw it)."""
    for name, value in (("points_source", SOURCES[0]), ("draw_mode", "Strokes"), ("draw_spread", DEFAULT_SPREAD)):
        state[key(name)] = state[key(name)] if key(name) in state else value
    state.setdefault(key("drawing"), {"objects": []})  # the canvas's fabric.js JSON, as last reported
    state.setdefault(key("canvas_base"), [])  # the objects the current canvas was mounted with
    state.setdefault(key("canvas_round"), 0)  # bumped by Undo / Clear: a new canvas key


def _objects(state, key) -> list:
    drawing = state[key("drawing")]
    objects = drawing.get("objects") if isinstance(drawing, dict) else None
    return objects if isinstance(objects, list) else []


def drawing_chosen(state, key) -> bool:
    """The sidebar's "Upload a CSV" / "Draw" choice (shown when the distribution is `points`)."""
    st.radio("Points from", SOURCES, key=key("points_source"), horizontal=True)
    return state[key("points_source")] == "Draw"


def use_drawing(state, key) -> None:
    """In the sidebar: the drawing's points become the points in use (`<prefix>points`), with a
    line saying where they come from. An empty canvas keeps the points in use until something
    is drawn: a run needs at least 2 points."""
    try:
        points = strokes_to_points(state[key("drawing")], spread=float(state[key("draw_spread")]), seed=DRAWING_SEED)
        total = drawn_sample_count(state[key("drawing")])
    except ValueError as error:
        st.error(f"Could not read the drawing: {error}. The previous points are kept.")
        return
    if not points:
        st.caption("Nothing drawn yet: draw on the canvas in the main area. Until then the points below stay in use.")
        return
    state[key("points")] = points
    marks = len(_objects(state, key))
    st.caption(f"The points come from your drawing on the canvas in the main area ({marks} mark{'s' * (marks != 1)}).")
    if total > MAX_DRAWN_POINTS:
        st.warning(
            f"Your drawing gives {total:,} points; {MAX_DRAWN_POINTS:,} of them, chosen at random, are used. "
            "Shorter strokes or fewer clicks keep them all.",
            icon=":material/content_cut:",
        )


def _on_canvas(state, key, canvas_key: str) -> None:
    """The canvas sent a new drawing (a stroke, a click, its own undo, redo or trash can)."""
    value = state[canvas_key]
    drawing = (value.get("drawing") or {}).get("raw") if hasattr(value, "get") else None
    if isinstance(drawing, dict):
        state[key("drawing")] = {"objects": list(drawing.get("objects") or [])}


def _on_undo(state, key) -> None:
    state[key("drawing")] = {"objects": _objects(state, key)[:-1]}
    state[key("canvas_round")] += 1  # a fresh canvas, mounted with the shorter drawing


def _on_clear(state, key) -> None:
    state[key("drawing")] = {"objects": []}
    state[key("canvas_round")] += 1


@functools.cache
def plane_picture() -> bytes:
    """The canvas's background: the plane [-EXTENT, EXTENT]^2 with a grid line every unit, the
    axes darker and labelled, so a person knows where on the plane they draw."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (CANVAS_SIZE, CANVAS_SIZE), "white")
    draw = ImageDraw.Draw(image)
    per_unit = CANVAS_SIZE / (2 * EXTENT)
    centre = CANVAS_SIZE / 2
    for unit in range(-int(EXTENT), int(EXTENT) + 1):
        at = centre + unit * per_unit
        colour = "#9aa3ad" if unit == 0 else "#e3e7eb"
        draw.line([(at, 0), (at, CANVAS_SIZE)], fill=colour, width=1)
        draw.line([(0, at), (CANVAS_SIZE, at)], fill=colour, width=1)
        if unit:
            draw.text((at + 3, centre + 3), str(unit), fill="#6b7580")
            draw.text((centre + 4, centre - unit * per_unit + 2), str(unit), fill="#6b7580")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def canvas_drawing(state, key, drawing_mode: str):
    """The canvas's fabric.js JSON (or None when the component cannot run). The one place the
    component is called: a test's stand-in (see the module docstring) is returned instead."""
    stand_in = state.get(key("canvas_stand_in"))
    if stand_in is not None:
        return stand_in
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception as error:  # the component failed to register: say so, keep the page
        st.info(f"Drawing needs the streamlit-drawable-canvas package ({type(error).__name__}); upload a CSV instead.")
        return None
    canvas_key = key(f"canvas_{state[key('canvas_round')]}")
    if canvas_key not in state:  # a fresh canvas (first time, Undo / Clear, back after it was hidden)
        state[key("canvas_base")] = _objects(state, key)
    result = st_canvas(
        fill_color=DRAW_COLOUR,
        stroke_width=4,
        stroke_color=DRAW_COLOUR,
        background_image=plane_picture(),
        width=CANVAS_SIZE,
        height=CANVAS_SIZE,
        drawing_mode=drawing_mode,
        initial_drawing={"objects": state[key("canvas_base")]},
        point_display_radius=5,
        key=canvas_key,
        on_change=functools.partial(_on_canvas, state, key, canvas_key),
    )
    return result.json_data


def _preview(points) -> None:
    figure = drawn_points_figure(points, EXTENT, DRAW_COLOUR)
    st.plotly_chart(figure, config={"displayModeBar": False}, width="stretch")


def draw_panel(state, key) -> None:
    """In the main area: the canvas, how to draw, the spread, Undo / Clear and the preview."""
    with st.expander("Draw your data", expanded=True, icon=":material/draw:"):
        canvas_column, side_column = st.columns([CANVAS_SIZE + 20, 400], gap="medium")
        with side_column:
            st.radio(
                "Draw with",
                list(MODES),
                key=key("draw_mode"),
                horizontal=True,
                help="Strokes: drag to draw; samples lie along the line. Clicks: each click is a cluster of "
                "samples, a mode of its own.",
            )
            st.slider(
                "Spread",
                min_value=0.0,
                max_value=0.5,
                step=0.01,
                key=key("draw_spread"),
                help="The std of the Gaussian noise around each drawn place, in plane units (the canvas spans "
                f"-{EXTENT:g} to {EXTENT:g}).",
            )
            nothing = not _objects(state, key)
            buttons = (
                ("Undo last stroke", "draw_undo", _on_undo, ":material/undo:", "Removes the last stroke or click."),
                ("Clear", "draw_clear", _on_clear, ":material/delete:", "Removes everything drawn."),
            )
            for column, (label, name, action, icon, help_text) in zip(st.columns(2), buttons):
                column.button(
                    label, key=key(name), on_click=action, args=(state, key), disabled=nothing, icon=icon,
                    width="stretch", help=help_text,
                )  # fmt: skip
            _preview(state[key("points")])
        with canvas_column:
            st.markdown("**Draw here**")  # short: the canvas's toolbar floats above its right end
            drawing = canvas_drawing(state, key, MODES[state[key("draw_mode")]])
            st.caption(  # under the canvas: its toolbar sits above it, on the right
                f"The canvas is the plane from -{EXTENT:g} to {EXTENT:g}, y up. The drawn data applies on **Reset**."
            )
    if drawing is None:
        return
    reported = {"objects": drawing.get("objects")} if isinstance(drawing, dict) else drawing
    if reported != state[key("drawing")]:  # a stand-in, or a change the callback did not bring
        state[key("drawing")] = reported
        st.rerun()
