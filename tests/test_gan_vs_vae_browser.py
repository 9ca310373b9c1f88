"""The GAN-vs-VAE page in a real browser (headless Chromium): it opens from the navigation, Play
trains all three models, and three views (samples, code space, training curves) change between
iteration 0 and after playing. Screenshots at 1440x900 and 1280x720 go to test-output/. Skipped
where Chromium is missing."""

import re
from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, OUTPUT, open_from_navigation, poll, settled_screenshot, wait_for_idle

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser"),
    pytest.mark.xdist_group("browser"),  # one worker runs the browser tests, one after another
]
VIEWS = ("Samples", "Code space", "Training curves")
# What each view writes under its charts: seen once the view is drawn (not the one before it).
VIEW_TEXT = {
    "Samples": "real points (green) under",
    "Code space": "The real points, coloured by mode, encoded",
    "Scores": "Scored at iteration",
    "Training curves": "Losses per iteration",
}
PLAY_TO = 30  # a few redraws; then "Score now" fills the Scores view's table


def click_view(page, view: str) -> None:
    page.locator('[data-testid="stButtonGroup"] button', has_text=view).first.click()
    page.get_by_text(VIEW_TEXT[view]).first.wait_for(timeout=120_000)


def show(page, view: str) -> bytes:
    """Switch to `view` and return a picture of its first chart once drawn and settled."""
    click_view(page, view)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(timeout=120_000)
    return settled_screenshot(page, chart)


def iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]').first.inner_text()
    return int(re.search(r"([\d,]+) /", text).group(1).replace(",", ""))


def test_play_changes_three_views_in_the_browser(app_url, new_page):
    page = new_page(1440, 900)
    open_from_navigation(page, app_url + "/home", "GAN vs VAE")
    deep = new_page(1280, 720)
    deep.goto(app_url + "/gan-vs-vae")  # a deep link, loading meanwhile (looked at last)
    before = {view: show(page, view) for view in VIEWS}
    assert iteration(page) == 0
    page.get_by_role("button", name="Play").click()
    poll(lambda: iteration(page) >= PLAY_TO)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=60_000)
    assert iteration(page) >= PLAY_TO
    page.get_by_role("button", name="Score now").click()  # scored now, not at iteration 500
    wait_for_idle(page)
    after = {view: show(page, view) for view in VIEWS}
    assert all(after[view] != before[view] for view in VIEWS), [v for v in VIEWS if after[v] == before[v]]
    assert not page.locator('[data-testid="stException"]').count()
    for view in ("Samples", "Code space", "Scores"):
        click_view(page, view)
        settled_screenshot(page, path=OUTPUT / f"gan_vs_vae_{view.replace(' ', '_').lower()}_1440.png")
    page.close()
    deep.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)
    settled_screenshot(deep, path=OUTPUT / "gan_vs_vae_samples_1280.png")
    assert deep.get_by_text("Page not found").count() == 0
    deep.close()
