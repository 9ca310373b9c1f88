"""Slow motion in real headless Chromium: with the 2D lab's Slow motion switch on, Next moves the
highlighted sub-step and its sentence on, and Play walks on by itself. Screenshots go to test-output/ (look at them)."""

import time
from pathlib import Path

import pytest

from ui.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
HIGHLIGHTED = """() => { const marks = Array.from(document.querySelectorAll('.stMain li'))
  .filter(li => li.innerText.includes('◀')); return marks.length ? marks[0].innerText : null; }"""

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is not installed (apt-get install -y chromium; `make browser` does it)",
)


def test_next_moves_the_highlighted_sub_step_and_its_sentence():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{url}/lab")
            page.wait_for_selector(".js-plotly-plot", timeout=90_000)
            page.get_by_text("Slow motion", exact=True).click()  # the toolbar's switch
            next_button = page.get_by_role("button", name="Next")
            seen = []
            for _ in range(2):
                next_button.click()
                page.wait_for_function(f"() => {{ const h = ({HIGHLIGHTED})(); return h && h !== {seen[-1][0]!r}; }}"
                                       if seen else f"() => ({HIGHLIGHTED})() !== null", timeout=30_000)  # fmt: skip
                time.sleep(0.5)
                sentence = page.locator(".stMain [data-testid='stAlertContentInfo']").last.inner_text()
                seen.append((page.evaluate(HIGHLIGHTED), sentence))
            page.screenshot(path=str(OUTPUT / "slow_motion_browser_1280x720.png"))
            (first, first_sentence), (second, second_sentence) = seen
            assert "Sample real points" in first and "map it through G" in second, seen
            assert "real points is drawn" in first_sentence and "noise vectors" in second_sentence, seen
            page.get_by_role("button", name="Autoplay").click()  # walks on by itself at 2 s a sub-step
            page.wait_for_function(f"() => ({HIGHLIGHTED})()?.includes('Sample real points')", timeout=30_000)
            page.wait_for_function(f"() => ({HIGHLIGHTED})()?.includes('map it through G')", timeout=30_000)
            page.screenshot(path=str(OUTPUT / "slow_motion_playing_1280x720.png"))
            page.get_by_role("button", name="Stop").click()
        finally:
            browser.close()
