"""The GAN-vs-VAE page in a real browser (headless Chromium): it opens from the navigation, Play
trains all three models, and three views (samples, code space, training curves) change between
iteration 0 and after playing. Screenshots at 1440x900 and 1280x720 go to test-output/. Skipped
where Chromium is missing."""

import re
import time
from pathlib import Path

import pytest

from ui.app_server import CHROMIUM, CHROMIUM_ARGS, open_from_navigation, running_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
VIEWS = ("Samples", "Code space", "Training curves")


def click_view(page, view: str) -> None:
    page.locator('[data-testid="stButtonGroup"] button', has_text=view).first.click()


def show(page, view: str) -> bytes:
    """Switch to `view` and return a picture of its first chart once drawn."""
    click_view(page, view)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(timeout=30_000)
    time.sleep(2.5)  # the chart's transition settles
    return chart.screenshot()


def iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]').first.inner_text()
    return int(re.search(r"([\d,]+) /", text).group(1).replace(",", ""))


def test_play_changes_three_views_in_the_browser():
    OUTPUT.mkdir(exist_ok=True)
    with running_app() as url, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            open_from_navigation(page, url, "GAN vs VAE")
            before = {view: show(page, view) for view in VIEWS}
            assert iteration(page) == 0
            page.get_by_role("button", name="Play").click()
            deadline = time.monotonic() + 60
            while iteration(page) < 600 and time.monotonic() < deadline:
                time.sleep(0.5)
            page.get_by_role("button", name="Pause").click()
            page.get_by_role("button", name="Play").wait_for(timeout=30_000)
            assert iteration(page) >= 600
            after = {view: show(page, view) for view in VIEWS}
            assert all(after[view] != before[view] for view in VIEWS), [v for v in VIEWS if after[v] == before[v]]
            assert not page.locator('[data-testid="stException"]').count()
            for view in ("Samples", "Code space", "Scores"):
                click_view(page, view)
                time.sleep(2.5)
                page.screenshot(path=str(OUTPUT / f"gan_vs_vae_{view.replace(' ', '_').lower()}_1440.png"))
            page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url + "/gan-vs-vae")  # a deep link
            page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
            time.sleep(2)
            assert page.get_by_text("Page not found").count() == 0
            page.screenshot(path=str(OUTPUT / "gan_vs_vae_samples_1280.png"))
            page.close()
        finally:
            browser.close()
