"""Time to the first chart: from opening a page in headless Chromium to its first drawn plotly
chart, for the first visitor after the server starts (the server's imports included) and for a
later visitor (a fresh browser context: a new session, a new training process). Targets (issue
13): 3 s for the first visitor, 2 s for later ones.

Usage: python bench/first_chart.py [--visitors 3] [--page lab|images]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The first picture of the main view: the interactive chart, or the picture of it the page draws
# at once on a first load (the same view, drawn on the server) until plotly has loaded.
CHART = '[data-testid="stPlotlyChart"] .main-svg, .stMain [data-testid="stImage"] img'
INTERACTIVE = '[data-testid="stPlotlyChart"] .main-svg'


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=3, help="later visitors timed after the first")
    parser.add_argument("--page", default="lab", choices=("lab", "images"))
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        started = time.perf_counter()
        with running_app() as url:
            healthy = time.perf_counter() - started
            times, interactive = [], []
            for visitor in range(1 + args.visitors):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                opened = time.perf_counter()
                page.goto(f"{url}/{args.page}")
                page.locator(CHART).first.wait_for(timeout=120_000)
                times.append(time.perf_counter() - opened)
                page.locator(INTERACTIVE).first.wait_for(timeout=120_000)
                interactive.append(time.perf_counter() - opened)
                if visitor == 0:
                    print(f"server healthy {healthy:.1f} s after the command")
                    print(
                        f"first visitor: first chart {times[0]:.2f} s after opening /{args.page}  (target 3 s); "
                        f"interactive {interactive[0]:.2f} s"
                    )
                time.sleep(2)
                context.close()
                time.sleep(1)
            later = times[1:]
            if later:
                print(
                    f"later visitors: first chart median {statistics.median(later):.2f} s, "
                    f"worst {max(later):.2f} s over {len(later)}  (target 2 s); "
                    f"interactive median {statistics.median(interactive[1:]):.2f} s"
                )
        browser.close()


if __name__ == "__main__":
    main()
