"""Live training speed of the 2D lab versus a headless loop, for the ring preset.

1. headless: `Trainer.step()` in a loop in this process, one torch thread (what the lab's runner
   uses; on a small shared CPU the default thread pool is far slower for these tiny MLPs);
2. live: `streamlit run app.py` in a subprocess, the lab open in headless Chromium, Play pressed,
   the page redrawing the main view ~4 times a second; the rate comes from the page's own
   iteration counter over the measuring window, and the redraws are counted in the browser;
3. headless again, so that a change in the machine's load during the run shows up.

It also prints where the CPU went during the live window (training process, web server,
browser, everything else on the machine): on a small machine the browser's drawing competes
with training for the same cores, which a person's own browser on their own computer would not.
`--browser-nice 19` runs the browser at the lowest priority to approximate that.

Usage: python bench/live_speed.py [--seconds 15] [--browser-nice N]. Target: live >= 70% of headless.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from gan_core.presets import get_preset  # noqa: E402
from gan_core.training import Trainer  # noqa: E402
from tests.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

# Counts how often the main figure's generated samples change in the browser (polled every 50 ms).
COUNT_REDRAWS = """() => { window.__redraws = 0; let last = null;
  window.__hook = setInterval(() => { const gd = document.querySelector('.js-plotly-plot');
    const trace = gd && gd.data && gd.data.find(t => t.name === 'Generated samples');
    if (trace && trace.x !== last) { if (last !== null) window.__redraws++; last = trace.x; } }, 50); }"""


def headless_rate(seconds: float) -> float:
    torch.set_num_threads(1)
    trainer = Trainer(get_preset("ring"))
    for _ in range(50):  # warm-up
        trainer.step()
    start, first = time.perf_counter(), trainer.iteration
    while time.perf_counter() - start < seconds:
        trainer.step()
    trainer.flush()
    return (trainer.iteration - first) / (time.perf_counter() - start)


def read_iteration(page) -> int:
    text = page.locator('[data-testid="stMetric"]').filter(has_text="Iteration").first.inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("Iteration", 1)[1]))


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far, by kind of process (Linux /proc)."""
    totals: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                command = file.read().decode(errors="replace")
        except OSError:
            continue
        kind = (
            "training process"
            if "multiprocessing" in command
            else "browser"
            if "chromium" in command
            else "web server"
            if "streamlit" in command
            else "this bench"
            if int(pid) == os.getpid()
            else "everything else"
        )
        totals[kind] = totals.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return totals


def renice_browser(niceness: int) -> None:
    """Every thread of every Chromium process (on Linux a niceness belongs to a thread)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                if b"chromium" not in file.read():
                    continue
            for thread in os.listdir(f"/proc/{pid}/task"):
                os.setpriority(os.PRIO_PROCESS, int(thread), niceness)
        except OSError:
            continue


def live_rate(seconds: float, screenshot: Path | None = None, browser_nice: int = 0):
    """(iterations per second, main-view redraws per second, cores used by kind) with the lab
    open and playing."""
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        page.get_by_role("link", name="2D lab").click()
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        page.get_by_role("button", name="Play").click()
        page.get_by_role("button", name="Pause").wait_for()
        if browser_nice:
            renice_browser(browser_nice)  # only now: at a low priority on a busy machine it loads slowly
        time.sleep(3)  # warm-up: the first redraws, the first metrics
        page.evaluate(COUNT_REDRAWS)
        start, first, cpu_before = time.perf_counter(), read_iteration(page), cpu_seconds()
        time.sleep(seconds)
        last, elapsed, cpu_after = read_iteration(page), time.perf_counter() - start, cpu_seconds()
        redraws = page.evaluate("() => window.__redraws")
        if screenshot:
            page.screenshot(path=str(screenshot))
        page.get_by_role("button", name="Pause").click()
        browser.close()
    cores = {kind: (cpu_after.get(kind, 0.0) - cpu_before.get(kind, 0.0)) / elapsed for kind in cpu_after}
    return (last - first) / elapsed, redraws / elapsed, cores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument("--browser-nice", type=int, default=0, help="run the browser at this niceness (0-19)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    before = headless_rate(args.seconds)
    print(f"headless (before): {before:8.1f} it/s", flush=True)
    live, redraws, cores = live_rate(args.seconds, args.screenshot, args.browser_nice)
    print(
        f"live in the page : {live:8.1f} it/s  ({redraws:.1f} main-view redraws/s in the browser"
        + (f", browser at nice {args.browser_nice}" if args.browser_nice else "")
        + ")",
        flush=True,
    )
    print(
        "  cores used while live: "
        + ", ".join(f"{kind} {value:.2f}" for kind, value in sorted(cores.items()) if kind != "this bench"),
        flush=True,
    )
    after = headless_rate(args.seconds)
    print(f"headless (after) : {after:8.1f} it/s", flush=True)
    headless = (before + after) / 2
    ratio = live / headless
    print(f"live / headless  : {ratio:8.0%}  (target >= 70%)")
    return 0 if ratio >= 0.7 else 1


if __name__ == "__main__":
    raise SystemExit(main())
