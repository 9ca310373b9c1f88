"""The image lab in a real browser (headless Chromium): the grids draw, Play trains and the
counter moves, Pause stops it, the timeline tab offers the GIF, and the "Can D generate?" tab
filters generated images with the discriminator. Skipped where Chromium or
Playwright is missing (`make browser` installs Chromium)."""

import re
from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, OUTPUT, open_from_navigation, poll, wait_for_idle

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser"),
    pytest.mark.xdist_group("browser"),  # one worker runs the browser tests, one after another
]


def read_iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]').filter(has_text="Iteration").inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("Iteration", 1)[1]))


def test_image_lab_trains_in_the_browser(app_url, new_page):
    page = new_page(1500, 1000)
    # The navigation's own link (from the light home page); a click while the first page is still
    # loading can be lost (it was once in a clean-clone CI run): open_from_navigation clicks again.
    open_from_navigation(page, app_url + "/home", "Image lab")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=120_000)
    assert read_iteration(page) == 0
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=60_000)
    poll(lambda: read_iteration(page) >= 20)
    assert read_iteration(page) >= 20
    page.screenshot(path=str(OUTPUT / "image_lab.png"))
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=60_000)
    wait_for_idle(page)
    stopped = read_iteration(page)
    page.get_by_role("tab", name="Timeline").click()
    page.get_by_role("button", name="Timeline as animated GIF").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Can D generate?").click()
    page.get_by_role("button", name="Generate 2,000 images and let D filter them").click()
    page.get_by_text(re.compile(r"D kept [0-9,]+ of 2,000 images")).wait_for(timeout=120_000)
    for title in ("Kept", "Rejected"):
        page.locator(".js-plotly-plot .gtitle").filter(has_text=title).wait_for(timeout=60_000)
    assert read_iteration(page) == stopped, "training went on after Pause"  # seconds after the Pause
    page.locator(".js-plotly-plot .gtitle").filter(has_text="Kept").scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "image_lab_drs.png"))
    assert not page.locator('[data-testid="stException"]').count()
