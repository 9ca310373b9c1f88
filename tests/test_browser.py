"""The 2D lab in real headless Chromium: open it, press Play, see the counter rise and the
figure change, press Pause. Screenshots go to test-output/ (look at them)."""

import hashlib
import re
import time
from pathlib import Path

import pytest

from ui.app_server import CHROMIUM, CHROMIUM_ARGS, running_app, training_processes

OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
# The generated samples of the main figure, as plotly.js holds them (base64 or an array).
FIGURE_DATA = """() => { const gd = document.querySelector('.js-plotly-plot');
  const trace = gd && gd.data && gd.data.find(t => t.name === 'Generated samples');
  if (!trace) return null; const x = trace.x;
  return x.bdata !== undefined ? x.bdata : JSON.stringify(Array.from(x)); }"""

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is not installed (apt-get install -y chromium; `make browser` does it)",
)


def iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]').filter(has_text="Iteration").first.inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("Iteration", 1)[1]))


def test_lab_trains_live_in_chromium():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with running_app(log_path=OUTPUT / "streamlit.log") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1500})
            page.goto(url)
            page.get_by_role("link", name="2D lab").click()
            page.wait_for_selector(".js-plotly-plot", timeout=90_000)
            page.wait_for_function(f"() => ({FIGURE_DATA})() !== null", timeout=60_000)
            before_data = page.evaluate(FIGURE_DATA)
            assert before_data, "the main figure has no generated samples"
            before_iteration = iteration(page)
            page.screenshot(path=str(OUTPUT / "lab_before_play.png"), full_page=True)

            page.get_by_role("button", name="Play").click()
            page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
            deadline = time.monotonic() + 60
            while iteration(page) < before_iteration + 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(1.0)
            after_iteration = iteration(page)
            page.wait_for_function(f"() => ({FIGURE_DATA})() !== null", timeout=30_000)  # not mid-redraw
            after_data = page.evaluate(FIGURE_DATA)
            page.screenshot(path=str(OUTPUT / "lab_playing.png"), full_page=True)
            page.get_by_role("button", name="Pause").click()
            page.get_by_role("button", name="Play").wait_for(timeout=30_000)
            time.sleep(1.0)
            page.screenshot(path=str(OUTPUT / "lab_paused.png"), full_page=True)
            paused_at = iteration(page)
            time.sleep(1.0)

            assert after_iteration >= before_iteration + 200, (before_iteration, after_iteration)
            assert hashlib.sha1(after_data.encode()).digest() != hashlib.sha1(before_data.encode()).digest(), (
                "the generated samples in the figure did not move"
            )
            assert iteration(page) == paused_at, "training went on after Pause"

            # A second tab trains independently; closing the tabs ends their training processes.
            other = browser.new_page(viewport={"width": 1200, "height": 900})
            other.goto(url + "/lab")  # a deep link (the first tab came through the navigation)
            other.wait_for_function(f"() => ({FIGURE_DATA})() !== null", timeout=60_000)
            assert iteration(other) == 0
            deadline = time.monotonic() + 15  # the process list is read from /proc: allow it to settle
            while len(training_processes(url.pid)) != 2 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert len(training_processes(url.pid)) == 2
            page.close()
            other.close()
            deadline = time.monotonic() + 30
            while training_processes(url.pid) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert training_processes(url.pid) == [], "a closed tab left its training process running"
        finally:
            browser.close()


CUT_OFF = """() => Array.from(document.querySelectorAll(
    '.stMain [data-testid="stMetricValue"] *, .stMain [data-testid="stMetricValue"], '
    + '.stMain [data-testid="stMetricLabel"] *, .stMain button *'))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1
               && getComputedStyle(e).overflow !== 'visible')
  .map(e => e.innerText)"""


@pytest.mark.parametrize("width, height", [(1280, 720), (1024, 768)])
def test_on_a_projector_no_button_label_or_metric_is_cut_off(width, height):
    """Issue 13: at 1280x720 and 1024x768 the labs showed "R…", "paus…", "Inception Sc…"."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    OUTPUT.mkdir(exist_ok=True)
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in ("lab", "images", "gan-vs-vae"):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}/{path}")  # a deep link: no "Page not found" over the page
                page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
                page.wait_for_selector(".js-plotly-plot, .stMain img", timeout=90_000)
                time.sleep(3)
                assert page.get_by_text("Page not found").count() == 0
                page.screenshot(path=str(OUTPUT / f"projector_{path}_{width}x{height}.png"))
                assert page.evaluate(CUT_OFF) == [], (path, page.evaluate(CUT_OFF))
                page.close()
        finally:
            browser.close()
