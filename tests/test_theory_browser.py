"""The theory page in a real browser (headless Chromium): every live section opens from its own
link and its main figure draws; in two of them Play moves it (the figure differs after training).
Screenshots at 1440x900 and 1280x720 go to test-output/. Skipped where Chromium is missing."""

import re
from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, OUTPUT, check_on_projectors, poll, settled_screenshot

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: make browser"),
    pytest.mark.xdist_group("browser"),  # one worker runs the browser tests, one after another
]
# section -> (the chart that must move, how far to play: iterations, or D updates in section 5). The
# figures are drawn from every snapshot (the curves measured when they are drawn): a dozen or two
# iterations move them. Every section opens from its link and draws; Play is driven here in the two
# whose counters differ (iterations, D updates): the five share one live-page skeleton, and
# tests/test_theory.py steps every section's run.
SECTIONS = {"picture": (0, 30), "losses": (2, 0), "k": (0, 0), "wgan": (1, 0), "generate": (0, 30)}


def iteration(page, section: str = "") -> int:
    label = "D updates" if section == "generate" else "Iteration"
    text = page.locator('[data-testid="stMetric"]', has_text=label).first.inner_text()
    return int(re.search(r"([\d,]+)", text.split("\n")[-1]).group(1).replace(",", ""))


def chart(page, index: int) -> bytes:
    """A picture of the page's `index`-th chart once drawn and settled."""
    locator = page.locator('[data-testid="stPlotlyChart"]').nth(index)
    locator.wait_for(timeout=120_000)
    return settled_screenshot(page, locator)


def play_until(page, section: str, target: int) -> None:
    """Play until the section's counter reaches `target` (or a generous deadline), then Pause."""
    page.get_by_role("button", name="Play").click()
    poll(lambda: iteration(page, section) >= target)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=60_000)


def test_every_section_draws_and_play_moves_it(app_url, new_page):
    # Every section opens from its own link in a tab of its own, all loading at once.
    pages = {}
    for section in SECTIONS:
        pages[section] = new_page(1440, 900)
        pages[section].goto(f"{app_url}/theory?section={section}")
    for section, (index, iterations) in SECTIONS.items():
        page = pages[section]
        before = chart(page, index)
        assert page.get_by_text("Page not found").count() == 0, section
        page.screenshot(path=str(OUTPUT / f"theory_{section}_1440.png"))  # its figure drawn and settled
        if iterations:
            target = iteration(page, section) + iterations
            play_until(page, section, target)
            assert iteration(page, section) >= target, section
            after = chart(page, index)
            assert after != before, f"{section}: Play did not move the figure"
            page.screenshot(path=str(OUTPUT / f"theory_{section}_played_1440.png"))
        assert not page.locator('[data-testid="stException"]').count(), section
        # The same section on a 1280x720 projector: the window made smaller, the figures redrawn to fit.
        page.set_viewport_size({"width": 1280, "height": 720})
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
        page.locator("h1").first.scroll_into_view_if_needed()  # the top of the page, as a link opens it
        settled_screenshot(page, path=OUTPUT / f"theory_{section}_1280.png")
        check_on_projectors(page, f"theory section {section}")
        page.close()
