"""Latent explorer speed, for every shipped model, on the CPU.

1. in process: loading the checkpoint; computing each basis (raw axes, GANSpace, SeFa, class
   directions; on faces the factor directions, plain and with the others kept fixed, and the 16
   sliders' factor meters); one slider move's work (edited code -> generator on the sample and its 7-image
   strip -> classifier -> PNG encoding), median and 95th percentile over 200 moves; inverting a
   digit (median over 5 held-out digits);
2. in the browser: `streamlit run app.py` in a subprocess, the explorer open in headless
   Chromium on each model, a slider focused and moved with the arrow key N times; each move is
   timed from the key press to the new picture on screen (the sample's <img> source for digits,
   the noise-plane picture with z for 2D models), seen by a requestAnimationFrame watcher in the page.

The baseline, measured first in the same run: bench/slider_floor_app.py, a page with nothing but
one fragment of 16 sliders and one inline picture, moved the same way. Each model's figure is
printed beside the in-process part of its move, as a ratio to that baseline and to the 100 ms
target.

Usage: python bench/latent_speed.py [--moves 30] [--skip-browser]. Targets: a slider move under
100 ms from input to image (median and p95 reported), the in-process part well under 20 ms,
directions under 1 s, inversion under 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gan_core.plots import latent as pictures  # noqa: E402
from gan_core.sampling import directions, inversion  # noqa: E402
from gan_core.training.shipped import SHIPPED_RUNS  # noqa: E402
from gan_core.views import latent  # noqa: E402
from tests.app_server import CHROMIUM, CHROMIUM_ARGS, open_from_navigation, running_app  # noqa: E402

# Records performance.now() each time the picture's signature changes (checked every frame).
WATCH = """(kind) => {
  window.__changes = []; window.__last = null;
  const signature = () => {
    const img = document.querySelector(kind === 'image' ? 'img[alt="current sample"]' : 'img[alt="noise plane"]');
    return img && img.src;
  };
  const tick = () => { const s = signature();
    if (s !== null && s !== window.__last) {
      if (window.__last !== null) window.__changes.push(performance.now());
      window.__last = s;
    }
    requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def in_process(run, threads: int = 1) -> dict:
    torch.set_num_threads(threads)
    started = time.perf_counter()
    model = latent.load_latent_model(run.path, run.title)
    figures = {"load_s": time.perf_counter() - started}
    generator = model.generator
    bases = {"axes": directions.raw_axes(generator), "ganspace": directions.ganspace(generator)}
    bases["sefa"] = directions.sefa(generator)
    if model.walks_factors:
        for kind in latent.factor_kinds(model):
            bases[kind] = latent.compute_basis(model, kind)
    elif model.classifier is not None and not generator.conditional:
        bases["class"] = directions.class_directions(generator, model.classifier, model.class_names)
    figures.update({f"{kind}_s": basis.seconds for kind, basis in bases.items()})
    if model.walks_factors:  # the factor meters of the 16 sliders a page shows, for each basis
        meters = [latent.factor_effects(model, b.vectors[:16], b.names[:16]).seconds for b in bases.values()]
        figures["meters_s"] = max(meters)
    basis = bases["ganspace"]
    if model.kind == "toy":
        plane = latent.noise_plane(model, torch.zeros(generator.noise_dim), basis.vectors[0], basis.vectors[1])
        noise_base = pictures.noise_plane_base(plane)  # drawn once per plane, as the page caches it
        data_base = pictures.data_plane_base(latent.data_plane(model))
    times = []
    for move in range(200):
        begun = time.perf_counter()
        z = generator.codes(move)[0] + 0.3 * torch.as_tensor(basis.vectors[0], dtype=torch.float32)
        sweep = torch.stack([z + t * torch.as_tensor(basis.vectors[1], dtype=torch.float32) for t in range(-3, 4)])
        codes = torch.cat([z[None], sweep])
        outputs = generator.generate(codes, generator.labels(0, len(codes)))
        if model.kind == "image":
            latent.classify(model, outputs)
            if model.reads_factors:
                latent.factor_words(model.read_factors(outputs[:1])[0].tolist())
            pictures.png_bytes(pictures.upscaled(outputs[0], 224))
            pictures.png_bytes(pictures.tiles(outputs[1:], [f"{t:+d}" for t in range(-3, 4)], tile=72))
        else:
            latent.discriminator_reading(model, outputs[:1])
            pictures.with_marks(noise_base, (0.3, 0.0), np.array([[-3.0, 0.0], [3.0, 0.0]]))
            pictures.with_marks(data_base, outputs[0].numpy(), outputs[1:].numpy())
        times.append((time.perf_counter() - begun) * 1000)
    figures["move_ms_median"], figures["move_ms_p95"] = statistics.median(times), percentile(times, 95)
    if model.kind == "image":
        held = model.data.held_out_images
        figures["invert_s"] = statistics.median(inversion.invert(generator, held[i * 31]).seconds for i in range(5))
    return figures


def open_explorer(page, url: str, title: str, basis: str | None = None) -> None:
    open_from_navigation(page, url, "Latent explorer")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=title, exact=True).click()
    time.sleep(3)
    if basis:  # another basis than the one the model opens on
        page.get_by_text(" on faces, iteration").wait_for(timeout=60_000)  # the model's caption: it has loaded
        box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Directions")
        box.click()
        page.keyboard.type(basis)  # the list is virtual: on a short screen the option may not be drawn yet
        page.get_by_role("option", name=basis, exact=True).click()
        page.locator('img[alt="current sample"]').wait_for(timeout=60_000)
        time.sleep(3)


def browser_moves(page, kind: str, moves: int) -> list[float]:
    page.evaluate(WATCH, kind)
    time.sleep(1.0)
    slider = page.locator('[data-testid="stMain"] input[type="range"]').first
    slider.focus()
    latencies = []
    for move in range(moves):
        count = page.evaluate("window.__changes.length")
        started = page.evaluate("performance.now()")
        page.keyboard.press("ArrowRight" if (move // 10) % 2 == 0 else "ArrowLeft")
        page.wait_for_function(f"window.__changes.length > {count}", timeout=20_000)
        latencies.append(page.evaluate(f"window.__changes[{count}]") - started)
        time.sleep(0.15)  # a person's next move; lets the page settle
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for the in-process part")
    parser.add_argument("--models", default=",".join(run.preset for run in SHIPPED_RUNS), help="comma-separated")
    args = parser.parse_args()
    runs = [run for run in SHIPPED_RUNS if run.preset in args.models.split(",")]
    print(f"in process ({args.threads} torch thread{'s' if args.threads > 1 else ''}):")
    in_process_ms = {}
    for run in runs:
        figures = in_process(run, args.threads)
        in_process_ms[run.preset] = figures["move_ms_median"]
        bases = ", ".join(
            f"{k[:-2]} {v:.3f} s"
            for k, v in figures.items()
            if k.endswith("_s") and k not in ("load_s", "invert_s", "meters_s")
        )
        line = (
            f"  {run.preset:13s} load {figures['load_s']:.2f} s · directions: {bases} · slider move "
            f"{figures['move_ms_median']:.1f} ms (p95 {figures['move_ms_p95']:.1f})"
        )
        if "meters_s" in figures:
            line += f" · factor meters (16 sliders, slowest basis) {figures['meters_s']:.2f} s"
        if "invert_s" in figures:
            line += f" · inversion {figures['invert_s']:.2f} s"
        print(line, flush=True)
    if args.skip_browser:
        return
    from playwright.sync_api import sync_playwright

    print(f"in the browser (headless Chromium, {args.moves} arrow-key moves per model, key press -> new picture):")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with running_app(script=Path(__file__).with_name("slider_floor_app.py")) as url:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(url)
                page.locator('img[alt="current sample"]').wait_for(timeout=60_000)
                time.sleep(2)
                floor = browser_moves(page, "image", args.moves)
                baseline = statistics.median(floor)
                print(
                    f"  {'baseline':13s} median {baseline:6.1f} ms   p95 {percentile(floor, 95):6.1f} ms   "
                    "(bench/slider_floor_app.py: 16 sliders and one picture, nothing else)",
                    flush=True,
                )
                page.close()
            with running_app() as url:
                models_in_browser(browser, url, runs, args.moves, in_process_ms, baseline)
        finally:
            browser.close()


def models_in_browser(browser, url: str, runs, moves: int, in_process_ms: dict, baseline: float) -> None:
    for run in runs:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        open_explorer(page, url, run.title)  # a faces model opens on its factor directions
        kind = "image" if run.preset.startswith(("digits", "faces")) else "toy"
        latencies = browser_moves(page, kind, moves)
        median = statistics.median(latencies)
        print(
            f"  {run.preset:13s} median {median:6.1f} ms   p95 {percentile(latencies, 95):6.1f} ms   "
            f"(in process {in_process_ms[run.preset]:.1f} ms; x{median / baseline:.2f} the baseline; "
            f"x{median / 100:.2f} the 100 ms target)",
            flush=True,
        )
        page.close()


if __name__ == "__main__":
    main()
