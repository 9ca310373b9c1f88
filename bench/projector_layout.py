"""Where each live page's main picture starts in the window (y in px), at 1280x720 and at
1024x768: on a projector the picture must start in the upper half (below 360 and 384). The same
measure as the projector checks (tests.app_server.PICTURE_TOP), for every theory section.
`python bench/projector_layout.py` (needs Debian's chromium: `make browser`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.app_server import CHROMIUM, PICTURE_TOP, running_app, settled_screenshot  # noqa: E402

PATHS = (
    "lab",
    "lab?mode=compare",
    "images",
    "gan-vs-vae",
    "theory?section=picture",
    "theory?section=losses",
    "theory?section=k",
    "theory?section=wgan",
    "theory?section=generate",
)
with running_app() as url, sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM)
    for path in PATHS:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.goto(f"{url}/{path}")
        page.wait_for_selector(".js-plotly-plot, .stMain img", timeout=120_000)
        tops = []
        for w, h in ((1280, 720), (1024, 768)):
            page.set_viewport_size({"width": w, "height": h})
            settled_screenshot(page)
            tops.append(round(page.evaluate(PICTURE_TOP)))
        print(path, tops, flush=True)
        context.close()
    browser.close()
