"""Compare mode in a real browser (headless Chromium): /lab?mode=compare opens it with 4 variants
(four losses on the ring), Play trains them all, every one of the four views and every metric
chart changes, and "Continue alone" opens a variant in the single run where it stood.
Screenshots at 1440x900 and 1280x720 go to test-output/. Skipped where Chromium is missing."""

import re
from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, OUTPUT, check_on_projectors, poll, settled_screenshot, wait_for_idle

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser"),
    pytest.mark.xdist_group("browser"),  # one worker runs the browser tests, one after another
]
VARIANTS = 4
METRIC_CHARTS = 6
PLAY_TO = 20  # a few redraws; then Score puts a second point on every metric chart


def iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]', has_text="Iteration").first.inner_text()
    return int(re.search(r"([\d,]+)", text.split("\n")[-1]).group(1).replace(",", ""))


def charts(page, count: int = VARIANTS + METRIC_CHARTS) -> list[bytes]:
    """A picture of every chart once drawn and settled (the views are drawn again when the
    training process first answers: a chart replaced mid-picture is taken again)."""
    locator = page.locator('[data-testid="stPlotlyChart"]')
    locator.nth(count - 1).wait_for(timeout=120_000)
    return [settled_screenshot(page, locator.nth(index)) for index in range(count)]


def screenshots(page, name: str, last_chart: int = VARIANTS + METRIC_CHARTS - 1) -> None:
    """The top of the page (the controls and the first row of views) once settled, and the charts below."""
    page.locator("h1").first.scroll_into_view_if_needed()
    settled_screenshot(page, path=OUTPUT / f"{name}.png")
    page.locator('[data-testid="stPlotlyChart"]').nth(last_chart).scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / f"{name}_charts.png"))


def test_compare_plays_four_variants_and_every_view_and_chart_moves(app_url, new_page):
    page = new_page(1440, 900)
    page.goto(f"{app_url}/lab?mode=compare")
    shared = new_page(1280, 720)
    shared.goto(f"{app_url}/lab?mode=compare&vary=km=1:1,5:1")  # a shared link's comparison, loading meanwhile
    before = charts(page)
    screenshots(page, "compare_1440")
    page.get_by_role("button", name="Play").click()
    poll(lambda: iteration(page) >= PLAY_TO)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=60_000)
    assert iteration(page) >= PLAY_TO
    page.get_by_role("button", name="Score").click()  # every variant scored now, not at iteration 500
    wait_for_idle(page)
    after = charts(page)
    for index in range(VARIANTS):
        assert after[index] != before[index], f"variant {index + 1}'s view did not change"
    for index in range(VARIANTS, VARIANTS + METRIC_CHARTS):
        assert after[index] != before[index], f"metric chart {index - VARIANTS + 1} did not change"
    assert not page.locator('[data-testid="stException"]').count()
    screenshots(page, "compare_played_1440")
    stopped_at = iteration(page)
    page.get_by_role("button", name="Continue alone").nth(1).click()  # loss=minimax
    page.get_by_text("Continuing loss=minimax alone").wait_for(timeout=120_000)
    page.get_by_role("button", name="D step").wait_for(timeout=60_000)  # the single run's toolbar
    assert iteration(page) == stopped_at
    page.screenshot(path=str(OUTPUT / "compare_continue_alone_1440.png"))
    loss_box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Loss")
    shown = loss_box.evaluate("e => e.querySelector('input')?.value || e.innerText")
    assert "minimax" in shown, shown  # the sidebar shows the variant's settings
    page.close()
    shared.get_by_text("km=5:1").first.wait_for(timeout=120_000)
    shared.locator('[data-testid="stPlotlyChart"]').nth(2 + METRIC_CHARTS - 1).wait_for(timeout=120_000)
    screenshots(shared, "compare_1280", last_chart=2 + METRIC_CHARTS - 1)
    check_on_projectors(shared, "Compare")
    shared.close()
