"""Drawing your own 2D data: strokes and clicks of the canvas become sample points
(gan_core.data.drawn), the 2D lab's "Draw" turns them into the run's data on Reset (AppTest with a
stand-in canvas result), undo and clear follow, the data survives a checkpoint, and in headless
Chromium a stroke drawn with the mouse changes the points in use (screenshots at 1440x900 and
1280x720 go to test-output/; skipped where Chromium is missing)."""

from pathlib import Path

import numpy as np
import pytest
from conftest import metric, open_lab

from gan_core.data.drawn import MAX_DRAWN_POINTS, drawn_locations, drawn_sample_count, strokes_to_points
from gan_core.presets import get_preset
from gan_core.training import Trainer, checkpoint
from tests.app_server import CHROMIUM, open_from_navigation, poll, rerun_after_choice, wait_for_idle

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"


def stroke(*points, left=None, top=None):
    """A freedraw stroke as fabric 7 writes it (checked in the browser): absolute canvas
    coordinates in the path, the object placed by its centre (originX/Y "center")."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    path = [["M", *points[0]]] + [["Q", *a, *b] for a, b in zip(points[1:-1], points[2:])] + [["L", *points[-1]]]
    if len(points) == 2:
        path = [["M", *points[0]], ["L", *points[1]]]
    return {
        "type": "Path",
        "originX": "center",
        "originY": "center",
        "left": (min(xs) + max(xs)) / 2 if left is None else left,
        "top": (min(ys) + max(ys)) / 2 if top is None else top,
        "width": max(xs) - min(xs),
        "height": max(ys) - min(ys),
        "strokeWidth": 4,
        "scaleX": 1,
        "scaleY": 1,
        "angle": 0,
        "path": path,
    }


def click(x, y, radius=5, stroke_width=4):
    """A click in point mode: a circle whose (left, top) is its left edge, vertically centred."""
    return {
        "type": "Circle",
        "radius": radius,
        "originX": "left",
        "originY": "center",
        "left": x - radius - stroke_width / 2,
        "top": y,
        "width": 2 * radius,
        "height": 2 * radius,
        "strokeWidth": stroke_width,
        "scaleX": 1,
        "scaleY": 1,
        "angle": 0,
    }


# A horizontal line through the middle of a 360 px canvas, from x = 90 to 270 px: y = 0 in the
# plane, x from -1 to 1 (the canvas spans [-2, 2]).
LINE = {"version": "7.4.0", "objects": [stroke((90, 180), (180, 180), (270, 180))]}


# ----- the conversion ----------------------------------------------------------------------------
def test_a_line_stroke_gives_points_along_the_line_with_the_spread():
    strokes, clicks = drawn_locations(LINE)
    assert len(clicks) == 0
    assert np.allclose(strokes[:, 1], 0) and strokes[0, 0] == pytest.approx(-1) and strokes[-1, 0] == pytest.approx(1)
    assert np.all(np.diff(strokes[:, 0]) > 0)  # walked from start to end, evenly
    points = np.array(strokes_to_points(LINE, spread=0.05, per_point=10))
    assert len(points) == 10 * len(strokes)
    assert abs(points[:, 1].mean()) < 0.02 and 0.035 < points[:, 1].std() < 0.065
    assert -1.2 < points[:, 0].min() < -0.9 and 0.9 < points[:, 0].max() < 1.2
    flat = np.array(strokes_to_points(LINE, spread=0.0))
    assert np.allclose(flat[:, 1], 0)


def test_y_points_up_and_a_click_gives_a_cluster():
    drawing = {"objects": [click(270, 90)]}  # upper right quarter: (1, 1) in the plane
    strokes, clicks = drawn_locations(drawing)
    assert len(strokes) == 0 and np.allclose(clicks, [[1.0, 1.0]])
    points = np.array(strokes_to_points(drawing, spread=0.1, per_click=40))
    assert len(points) == 40
    assert np.allclose(points.mean(axis=0), [1, 1], atol=0.06)
    assert np.all(np.linalg.norm(points - [1, 1], axis=1) < 0.5)


def test_a_moved_stroke_follows_its_object():
    moved = stroke((90, 180), (180, 180), (270, 180), left=180, top=90)  # dragged up by 90 px
    strokes, _ = drawn_locations({"objects": [moved]})
    assert np.allclose(strokes[:, 1], 1.0)


def test_an_empty_canvas_gives_nothing():
    assert strokes_to_points(None, spread=0.1) == ()
    assert strokes_to_points({}, spread=0.1) == ()
    assert strokes_to_points({"version": "7.4.0", "objects": []}, spread=0.1) == ()


def test_the_seed_makes_the_points_repeatable():
    drawing = {"objects": [*LINE["objects"], click(100, 300)]}
    first = strokes_to_points(drawing, spread=0.1, seed=3)
    assert first == strokes_to_points(drawing, spread=0.1, seed=3)
    assert first != strokes_to_points(drawing, spread=0.1, seed=4)


def test_a_big_drawing_is_capped():
    scribble = {"objects": [stroke((10, 20 + i), (350, 20 + i)) for i in range(0, 300, 10)]}
    total = drawn_sample_count(scribble)
    assert total > MAX_DRAWN_POINTS
    assert len(strokes_to_points(scribble, spread=0.05)) == MAX_DRAWN_POINTS


@pytest.mark.parametrize(
    ("json_data", "message"),
    [
        ("not a drawing", "not a JSON object"),
        ({"objects": {"a": 1}}, "'objects' is not a list"),
        ({"objects": [3]}, "object 0 of the drawing is not a JSON object"),
        ({"objects": [{"type": "Rect", "left": 1, "top": 1}]}, "only strokes"),
        ({"objects": [{"type": "Path", "left": 1, "top": 1, "path": []}]}, "stroke 0 has no path commands"),
        ({"objects": [{"type": "Path", "left": 1, "top": 1, "path": [["Z"]]}]}, "path command 'Z'"),
        ({"objects": [{"type": "Path", "left": 1, "top": 1, "path": [["M", 1]]}]}, "needs 2 numbers, got 1"),
        ({"objects": [{"type": "Path", "left": 1, "top": 1, "path": [["M", "x", 2]]}]}, "not a finite number"),
        ({"objects": [{"type": "Circle", "left": None, "top": 1}]}, "object 0 left is not a finite number"),
    ],
)
def test_bad_json_is_refused_with_a_clear_message(json_data, message):
    with pytest.raises(ValueError, match=message):
        strokes_to_points(json_data, spread=0.1)


# ----- the page ----------------------------------------------------------------------------------
@pytest.fixture
def lab():
    return open_lab()


def drawn_lab(lab, drawing):
    lab.selectbox(key="lab_name").set_value("points").run()
    lab.radio(key="lab_points_source").set_value("Draw").run()
    assert any(e.label == "Draw your data" for e in lab.expander)
    lab.session_state["lab_canvas_stand_in"] = drawing
    lab.run()
    assert not lab.exception
    return lab


def test_drawn_points_become_the_data_and_survive_a_checkpoint(lab):
    drawing = {"version": "7.4.0", "objects": [*LINE["objects"], click(90, 90)]}
    expected = strokes_to_points(drawing, spread=0.05, seed=0)
    drawn_lab(lab, drawing)
    assert lab.session_state["lab_points"] == expected
    assert any(c.value == f"{len(expected)} points in use." for c in lab.caption)
    assert any("your points" in w.value and "Reset" in w.value for w in lab.warning)
    lab.button(key="lab_reset").click().run()
    assert not any("your points" in w.value for w in lab.warning)  # the run trains on them
    lab.button(key="lab_step_iteration").click().run()
    assert metric(lab, "Iteration") == "1"
    points = get_preset("ring").replace(data=dict(name="points", points=expected), train=dict(device="cpu"))
    trainer = checkpoint.load_trainer(checkpoint.to_bytes(Trainer(points)), device="cpu")
    assert trainer.config.data.points == expected
    # A wider spread is new data, waiting for Reset like any other change.
    lab.slider(key="lab_draw_spread").set_value(0.2).run()
    assert lab.session_state["lab_points"] == strokes_to_points(drawing, spread=0.2, seed=0)
    assert any("your points" in w.value for w in lab.warning)


def test_undo_and_clear_follow_the_drawing(lab):
    drawing = {"objects": [*LINE["objects"], click(90, 90)]}
    drawn_lab(lab, drawing)
    del lab.session_state["lab_canvas_stand_in"]  # from here on the real component (it runs no JavaScript here)
    lab.run()
    assert lab.session_state["lab_drawing"]["objects"] == drawing["objects"]
    lab.button(key="lab_draw_undo").click().run()
    assert not lab.exception
    assert lab.session_state["lab_drawing"]["objects"] == drawing["objects"][:1]
    assert lab.session_state["lab_points"] == strokes_to_points(LINE, spread=0.05, seed=0)
    lab.button(key="lab_draw_clear").click().run()
    assert lab.session_state["lab_drawing"]["objects"] == []
    assert lab.button(key="lab_draw_undo").disabled
    assert any("Nothing drawn yet" in c.value for c in lab.caption)
    assert lab.session_state["lab_points"] == strokes_to_points(LINE, spread=0.05, seed=0)  # kept until you draw


def test_a_bad_drawing_keeps_the_points_with_a_message(lab):
    lab.selectbox(key="lab_name").set_value("points").run()
    before = lab.session_state["lab_points"]
    drawn_lab(lab, {"objects": [{"type": "Rect", "left": 1, "top": 1}]})
    assert any("Could not read the drawing" in e.value and "'Rect'" in e.value for e in lab.error)
    assert lab.session_state["lab_points"] == before


# ----- in the browser ----------------------------------------------------------------------------
def points_in_use(page) -> int:
    text = page.locator('[data-testid="stSidebar"]').get_by_text("points in use.").inner_text()
    return int(text.split()[0].replace(",", ""))


def wait_for_points(page, condition, timeout=120.0) -> int:
    poll(lambda: condition(points_in_use(page)), timeout=timeout)
    assert condition(points_in_use(page)), points_in_use(page)
    return points_in_use(page)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser")
@pytest.mark.xdist_group("browser")  # one worker runs the browser tests, one after another
def test_a_stroke_drawn_in_the_browser_becomes_the_data(app_url, new_page):
    pages = {}
    for width, height in ((1440, 900), (1280, 720)):  # both tabs load at once
        pages[width] = new_page(width, height)
        open_from_navigation(pages[width], app_url, "2D lab")
    for width, page in pages.items():
        draw_in_the_lab(page, clicks=width == 1440)
        page.screenshot(path=str(OUTPUT / f"lab_draw_{width}.png"))
        page.get_by_role("button", name="Undo last stroke").click()
        page.get_by_text("Nothing drawn yet").wait_for(timeout=60_000)
        page.close()


def ready_canvas(page):
    """The drawing canvas in the main area, once mounted and idle (fabric.js listens to the mouse):
    the canvas drawn at its own 360 x 360 px (the preview's WebGL canvas beside it is another size,
    and which one comes last in the page depends on what drew first)."""
    page.locator('[data-testid="stMain"] canvas').first.wait_for(timeout=60_000)
    wait_for_idle(page)

    def drawing_canvas():
        for canvas in page.locator('[data-testid="stMain"] canvas').all():
            box = canvas.bounding_box()
            if box and box["width"] == pytest.approx(360, abs=2) and box["height"] == pytest.approx(360, abs=2):
                return canvas
        return None

    canvas = poll(drawing_canvas)
    assert canvas is not None, "no 360 x 360 px drawing canvas in the page"
    return canvas


def draw_in_the_lab(page, clicks: bool) -> None:
    """In the lab, choose points / Draw, draw a wave: the points in use change and the sidebar
    asks for Reset. With `clicks`, a click adds a cluster and Undo takes it back."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    distribution = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Distribution")
    # Scrolled to the middle first, as a person would: at 1280x720 the box sits on the window's lower
    # edge, where its list has no room to open.
    distribution.evaluate("element => element.scrollIntoView({block: 'center'})")
    distribution.click()
    page.get_by_role("option", name="points", exact=True).click()
    sidebar.get_by_text("Draw", exact=True).click()
    page.get_by_text("Draw your data").wait_for(timeout=60_000)
    canvas = ready_canvas(page)
    before = points_in_use(page)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["width"] == pytest.approx(360, abs=2) and box["height"] == pytest.approx(360, abs=2)
    page.mouse.move(box["x"] + 60, box["y"] + 200)
    page.mouse.down()
    for step in range(1, 25):  # a wave across the canvas
        page.mouse.move(box["x"] + 60 + step * 10, box["y"] + 200 - 60 * np.sin(step / 4))
    page.mouse.up()
    drawn = wait_for_points(page, lambda n: n != before)
    # Distribution and points both changed: the sidebar says they apply on Reset.
    sidebar.locator('[data-testid="stAlert"]').filter(has_text="your points").wait_for(timeout=60_000)
    assert not page.locator('[data-testid="stException"]').count()
    if clicks:
        # Once the drawing's run is over: a click made while it was still running was lost once,
        # on a busy machine. The choice is made until the option is checked (a lost click again, a
        # made one not twice), and the run it starts is waited for, however long a busy machine takes.
        wait_for_idle(page)
        main = page.locator('[data-testid="stMain"]')
        rerun_after_choice(page, main.get_by_text("Clicks", exact=True), main.get_by_role("radio", name="Clicks"))
        ready_canvas(page)  # drawn again, in click mode
        page.mouse.click(box["x"] + 270, box["y"] + 90)  # (1, 1) in the plane
        wait_for_points(page, lambda n: n > drawn)
        page.screenshot(path=str(OUTPUT / "lab_draw_clicks_1440.png"))
        page.get_by_role("button", name="Undo last stroke").click()
        wait_for_points(page, lambda n: n == drawn)
