"""Slow motion in real headless Chromium: with the 2D lab's Slow motion switch on, Next moves the
highlighted sub-step and its sentence on, and Play walks on by itself. Screenshots go to test-output/ (look at them)."""

from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, CUT_OFF, OUTPUT, rerun_after, settled_screenshot, wait_for_idle

HIGHLIGHTED = """() => { const marks = Array.from(document.querySelectorAll('.stMain li'))
  .filter(li => li.innerText.includes('◀')); return marks.length ? marks[0].innerText : null; }"""

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"{CHROMIUM} is not installed (apt-get install -y chromium; `make browser` does it)",
    ),
    pytest.mark.xdist_group("browser"),  # one worker runs the browser tests, one after another
]


def test_next_moves_the_highlighted_sub_step_and_its_sentence(app_url, new_page):
    page = new_page(1280, 720)
    page.goto(f"{app_url}/lab")
    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
    page.get_by_text("Slow motion", exact=True).click()  # the toolbar's switch
    next_button = page.get_by_role("button", name="Next")
    seen = []
    for _ in range(2):
        next_button.click()
        page.wait_for_function(f"() => {{ const h = ({HIGHLIGHTED})(); return h && h !== {seen[-1][0]!r}; }}"
                               if seen else f"() => ({HIGHLIGHTED})() !== null", timeout=120_000)  # fmt: skip
        wait_for_idle(page)  # the sub-step's sentence is drawn with it
        sentence = page.locator(".stMain [data-testid='stAlertContentInfo']").last.inner_text()
        seen.append((page.evaluate(HIGHLIGHTED), sentence))
    settled_screenshot(page, path=OUTPUT / "slow_motion_browser_1280x720.png")
    assert page.evaluate(CUT_OFF) == [], page.evaluate(CUT_OFF)  # "Autoplay", not "Autop…", on a projector
    (first, first_sentence), (second, second_sentence) = seen
    assert "Sample real points" in first and "map it through G" in second, seen
    assert "real points is drawn" in first_sentence and "noise vectors" in second_sentence, seen
    # Autoplay walks on by itself, here at the fastest pace (0.5 s a sub-step; 2 s by default).
    pace = page.get_by_role("slider", name="Seconds per sub-step")
    rerun_after(page, lambda: (pace.focus(), page.keyboard.press("Home")))
    assert pace.get_attribute("aria-valuetext") == "0.5 s"
    page.get_by_role("button", name="Autoplay").click()
    page.wait_for_function(f"() => ({HIGHLIGHTED})()?.includes('Sample real points')", timeout=120_000)
    page.wait_for_function(f"() => ({HIGHLIGHTED})()?.includes('map it through G')", timeout=120_000)
    page.screenshot(path=str(OUTPUT / "slow_motion_playing_1280x720.png"))
    page.get_by_role("button", name="Stop").click()
