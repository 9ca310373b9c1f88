"""The README's pictures: each page of the app in headless Chromium at 1440x900, as a person first
sees it (the 2D lab after a few seconds of Play). `python docs/take_screenshots.py [NAME ...]`
writes docs/screenshots/*.png; `--projector` takes them at 1280x720 into
docs/screenshots/1280x720/ (what a class sees on a projector). Needs Debian's chromium (`make browser`)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# file name -> (path, what must be on the page before the picture, seconds of Play first)
PAGES = {
    "home": ("/home", "text=GAN Explorer", 0),
    "lab_2d": ("/lab", ".js-plotly-plot", 8),
    "lab_2d_compare": ("/lab?mode=compare", ".js-plotly-plot", 8),
    "image_lab": ("/images", "img", 30),  # the DCGAN's first digits take some iterations
    "image_lab_faces": ("/images?preset=faces-dcgan", ".js-plotly-plot", 60),  # faces by iteration ~500
    "latent_explorer": ("/latent", "img", 0),
    "latent_faces": ("/latent?model=faces-dcgan", "text=Reader: hair", 0),  # factor meters under the sliders
    "gan_vs_vae": ("/gan-vs-vae", ".js-plotly-plot", 8),
    "theory": ("/theory", ".js-plotly-plot", 6),
    "applications_words": ("/applications", "text=Read as", 0),
    "applications_sketch": ("/applications?app=sketch", "text=pixel L1", 0),
    "applications_hair": ("/applications?app=hair", "text=round trip L1", 0),
    # Mode collapse and its cures (the Compare preset collapse-and-cures, as its link opens it)
    "collapse_and_cures": (
        "/lab?preset=ring-collapse&mode=compare&vary=cure=none,pacgan-2,pacgan-4,faster-d",
        ".js-plotly-plot",
        40,
    ),
}


def main(names: list[str]) -> None:
    """Every page, or those named on the command line."""
    projector = "--projector" in names
    names = [name for name in names if name != "--projector"]
    width, height = (1280, 720) if projector else (1440, 900)
    out = OUT / "1280x720" if projector else OUT
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (path, ready, play_seconds) in PAGES.items():
            if names and name not in names:
                continue
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url + path)
            page.wait_for_selector(ready, timeout=120_000)
            if play_seconds:
                page.get_by_role("button", name="Play").first.click()
                time.sleep(play_seconds)
                pause = page.get_by_role("button", name="Pause")
                if pause.count():  # a run with a set length may have stopped by itself
                    pause.first.click()
            page.mouse.move(0, 0)  # off the buttons: a hovered button shows its tooltip over the page
            time.sleep(3)  # the last redraw settles
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{name}: {out / f'{name}.png'}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
