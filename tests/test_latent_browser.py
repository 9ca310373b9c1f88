"""The latent explorer in a real browser (headless Chromium): it opens from the navigation,
shows the sample, a slider moved with the keyboard changes the image, and screenshots at
1440x900 and 1280x720 (a projector) go to test-output/. Skipped where Chromium is missing."""

from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, OUTPUT, open_from_navigation, poll, settled_screenshot, wait_for_idle

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser"),
    pytest.mark.xdist_group("browser"),  # one worker runs the browser tests, one after another
]
SAMPLE = 'img[alt="current sample"]'


def open_explorer(page, url: str) -> None:
    open_from_navigation(page, url + "/home", "Latent explorer")


def move_a_slider(page) -> None:
    """The first slider one step right with the keyboard: the sample changes."""
    before = page.locator(SAMPLE).get_attribute("src")
    slider = page.locator('[data-testid="stMain"] input[type="range"]').first
    for _attempt in range(5):  # a key pressed while the page still loads can be lost: press again
        slider.focus()
        page.keyboard.press("ArrowRight")
        if poll(lambda: page.locator(SAMPLE).get_attribute("src") != before, timeout=10):
            break
    assert page.locator(SAMPLE).get_attribute("src") != before
    assert slider.get_attribute("aria-valuetext") != "+0.0 std"
    assert not page.locator('[data-testid="stException"]').count()


def test_a_slider_changes_the_image_in_the_browser(app_url, new_page):
    # Three tabs load at once: the explorer from the navigation at two sizes, and a deep link.
    pages = {}
    for width, height in ((1440, 900), (1280, 720)):
        pages[width] = new_page(width, height)
        open_explorer(pages[width], app_url)
    deep = new_page(1280, 720)
    deep.goto(app_url + "/latent")  # a deep link, a bookmark, a reload
    for width, page in pages.items():
        page.locator(SAMPLE).wait_for(timeout=120_000)
        move_a_slider(page)
        settled_screenshot(page, path=OUTPUT / f"latent_explorer_{width}.png")
        page.get_by_role("tab", name="Interpolate").click()
        page.locator('img[alt="linear"]').wait_for(timeout=60_000)
        settled_screenshot(page, path=OUTPUT / f"latent_interpolate_{width}.png")
        if width == 1440:
            draw_a_digit_and_invert_it(page)
        page.close()
    deep.locator(SAMPLE).wait_for(timeout=120_000)
    wait_for_idle(deep)
    assert deep.get_by_text("Page not found").count() == 0
    deep.close()


def draw_a_digit_and_invert_it(page) -> None:
    """The drawing canvas (streamlit-drawable-canvas) works: a stroke becomes the target, and
    "Find its code" finds a match."""
    page.get_by_role("tab", name="Invert & complete").click()
    page.get_by_text("Draw one", exact=True).click()
    canvas = page.locator("canvas").last
    canvas.wait_for(timeout=60_000)
    wait_for_idle(page)  # the canvas is mounted with its drawing mode before the mouse draws
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 112, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 15):  # a vertical stroke: a "1"
        page.mouse.move(box["x"] + 112, box["y"] + 40 + step * 10)
    page.mouse.up()
    page.get_by_text("Target: your drawing").wait_for(timeout=60_000)
    page.get_by_role("button", name="Find its code").click()
    page.get_by_text("Match error").wait_for(timeout=120_000)
    page.screenshot(path=str(OUTPUT / "latent_invert_drawing.png"))
    assert not page.locator('[data-testid="stException"]').count()
