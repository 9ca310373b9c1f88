"""The latent explorer in a real browser (headless Chromium): it opens from the navigation,
shows the sample, a slider moved with the keyboard changes the image, and screenshots at
1440x900 and 1280x720 (a projector) go to test-output/. Skipped where Chromium is missing."""

import time
from pathlib import Path

import pytest

from ui.app_server import CHROMIUM, CHROMIUM_ARGS, open_from_navigation, running_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
SAMPLE = 'img[alt="current sample"]'


def open_explorer(page, url: str) -> None:
    open_from_navigation(page, url, "Latent explorer")
    page.locator(SAMPLE).wait_for(timeout=60_000)


def test_a_slider_changes_the_image_in_the_browser():
    OUTPUT.mkdir(exist_ok=True)
    with running_app() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width, height in ((1440, 900), (1280, 720)):
                page = browser.new_page(viewport={"width": width, "height": height})
                open_explorer(page, url)
                before = page.locator(SAMPLE).get_attribute("src")
                slider = page.locator('[data-testid="stMain"] input[type="range"]').first
                for _attempt in range(5):  # a key pressed while the page still loads can be lost: press again
                    slider.focus()
                    page.keyboard.press("ArrowRight")
                    deadline = time.monotonic() + 6
                    while page.locator(SAMPLE).get_attribute("src") == before and time.monotonic() < deadline:
                        time.sleep(0.2)
                    if page.locator(SAMPLE).get_attribute("src") != before:
                        break
                assert page.locator(SAMPLE).get_attribute("src") != before
                assert slider.get_attribute("aria-valuetext") != "+0.0 std"
                assert not page.locator('[data-testid="stException"]').count()
                page.screenshot(path=str(OUTPUT / f"latent_explorer_{width}.png"))
                page.get_by_role("tab", name="Interpolate").click()
                page.locator('img[alt="linear"]').wait_for(timeout=30_000)
                page.screenshot(path=str(OUTPUT / f"latent_interpolate_{width}.png"))
                if width == 1440:
                    draw_a_digit_and_invert_it(page)
                page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url + "/latent")  # a deep link, a bookmark, a reload
            page.locator(SAMPLE).wait_for(timeout=60_000)
            time.sleep(1)
            assert page.get_by_text("Page not found").count() == 0
            page.close()
        finally:
            browser.close()


def draw_a_digit_and_invert_it(page) -> None:
    """The drawing canvas (streamlit-drawable-canvas) works: a stroke becomes the target, and
    "Find its code" finds a match."""
    page.get_by_role("tab", name="Invert & complete").click()
    page.get_by_text("Draw one", exact=True).click()
    canvas = page.locator("canvas").last
    canvas.wait_for(timeout=30_000)
    time.sleep(1)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 112, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 15):  # a vertical stroke: a "1"
        page.mouse.move(box["x"] + 112, box["y"] + 40 + step * 10)
    page.mouse.up()
    page.get_by_text("Target: your drawing").wait_for(timeout=30_000)
    page.get_by_role("button", name="Find its code").click()
    page.get_by_text("Match error").wait_for(timeout=60_000)
    page.screenshot(path=str(OUTPUT / "latent_invert_drawing.png"))
    assert not page.locator('[data-testid="stException"]').count()
