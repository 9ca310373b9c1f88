"""The image lab in a real browser (headless Chromium): the grids draw, Play trains and the
counter moves, Pause stops it, the timeline tab offers the GIF, and the "Can D generate?" tab
filters generated images with the discriminator. Skipped where Chromium or
Playwright is missing (`make browser` installs Chromium)."""

import re
import time
from pathlib import Path

import pytest

from ui.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"


def read_iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]').filter(has_text="Iteration").inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("Iteration", 1)[1]))


def test_image_lab_trains_in_the_browser():
    OUTPUT.mkdir(exist_ok=True)
    with running_app() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(url)
            # exact: the navigation's own link. A click while the first page is still loading can be
            # lost (it was once in a clean-clone CI run), so click again if the page has not come.
            for attempt in range(3):
                page.get_by_role("link", name="Image lab", exact=True).click()
                try:
                    page.get_by_role("heading", name="Image lab").wait_for(timeout=30_000)
                    break
                except playwright_api.TimeoutError:
                    if attempt == 2:
                        raise
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
            assert read_iteration(page) == 0
            page.get_by_role("button", name="Play").click()
            page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
            deadline = time.monotonic() + 30
            while read_iteration(page) < 20 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert read_iteration(page) >= 20
            page.screenshot(path=str(OUTPUT / "image_lab.png"))
            page.get_by_role("button", name="Pause").click()
            page.get_by_role("button", name="Play").wait_for(timeout=30_000)
            stopped = read_iteration(page)
            time.sleep(1.5)
            assert read_iteration(page) == stopped
            page.get_by_role("tab", name="Timeline").click()
            page.get_by_role("button", name="Timeline as animated GIF").wait_for(timeout=30_000)
            page.get_by_role("tab", name="Can D generate?").click()
            page.get_by_role("button", name="Generate 2,000 images and let D filter them").click()
            page.get_by_text(re.compile(r"D kept [0-9,]+ of 2,000 images")).wait_for(timeout=60_000)
            for title in ("Kept", "Rejected"):
                page.locator(".js-plotly-plot .gtitle").filter(has_text=title).wait_for(timeout=30_000)
            page.locator(".js-plotly-plot .gtitle").filter(has_text="Kept").scroll_into_view_if_needed()
            page.screenshot(path=str(OUTPUT / "image_lab_drs.png"))
            assert not page.locator('[data-testid="stException"]').count()
        finally:
            browser.close()
