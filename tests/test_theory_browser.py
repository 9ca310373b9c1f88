"""The theory page in a real browser (headless Chromium): every live section opens from its own
link, its main figure draws, and Play moves it (the figure differs after training). Screenshots
at 1440x900 and 1280x720 go to test-output/. Skipped where Chromium is missing."""

import re
import time
from pathlib import Path

import pytest

from ui.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
# section -> (the chart that must move, how far to play: iterations, or D updates in section 5)
SECTIONS = {"picture": (0, 150), "losses": (2, 100), "k": (0, 40), "wgan": (1, 60), "generate": (0, 400)}


def iteration(page, section: str = "") -> int:
    label = "D updates" if section == "generate" else "Iteration"
    text = page.locator('[data-testid="stMetric"]', has_text=label).first.inner_text()
    return int(re.search(r"([\d,]+)", text.split("\n")[-1]).group(1).replace(",", ""))


def chart(page, index: int) -> bytes:
    """A picture of the page's `index`-th chart once drawn and settled (a redraw that was under way
    when the run paused can replace it once more: then it is taken again)."""
    for attempt in range(3):
        locator = page.locator('[data-testid="stPlotlyChart"]').nth(index)
        locator.wait_for(timeout=60_000)
        time.sleep(2.0)  # the chart's transition settles
        try:
            locator.scroll_into_view_if_needed(timeout=10_000)
            return locator.screenshot(timeout=10_000)
        except playwright_api.Error:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def test_every_section_draws_and_play_moves_it():
    OUTPUT.mkdir(exist_ok=True)
    with running_app() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            for section, (index, iterations) in SECTIONS.items():
                page.goto(f"{url}/theory?section={section}")
                before = chart(page, index)
                page.screenshot(path=str(OUTPUT / f"theory_{section}_1440.png"))
                start = iteration(page, section)
                page.get_by_role("button", name="Play").click()
                deadline = time.monotonic() + 90
                while iteration(page, section) < start + iterations and time.monotonic() < deadline:
                    time.sleep(0.5)
                page.get_by_role("button", name="Pause").click()
                page.get_by_role("button", name="Play").wait_for(timeout=30_000)
                assert iteration(page, section) >= start + iterations, section
                after = chart(page, index)
                assert after != before, f"{section}: Play did not move the figure"
                assert not page.locator('[data-testid="stException"]').count(), section
                page.screenshot(path=str(OUTPUT / f"theory_{section}_played_1440.png"))
            page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for section in SECTIONS:
                page.goto(f"{url}/theory?section={section}")
                chart(page, 0)
                assert page.get_by_text("Page not found").count() == 0
                page.screenshot(path=str(OUTPUT / f"theory_{section}_1280.png"))
            page.close()
        finally:
            browser.close()
