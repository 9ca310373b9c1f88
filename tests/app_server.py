"""The browser tests' harness (also used by the benches in bench/): start the Streamlit app on a
free local port in a subprocess and stop it again, list a server's training processes, and wait in
a page for what a person would wait for (a condition, an idle app, a chart that stopped changing)
instead of sleeping a fixed time. Nothing here imports playwright: a page is any Playwright page."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"  # the browser tests' screenshots and the shared server's log
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class AppURL(str):
    """The app's base URL; `.pid` is the server's process id."""

    pid: int


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as file:
                if int(file.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except OSError:
            continue
    return found


def training_processes(server_pid: int) -> list[int]:
    """The live runs' training processes of a server: children of its multiprocessing forkserver."""
    trainers = []
    for child in children(server_pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as file:
                if b"multiprocessing.forkserver" in file.read():
                    trainers += children(child)
        except OSError:
            continue
    return trainers


# What a clean server log never holds: a traceback, an error, a stale fragment's rerun.
LOG_PROBLEMS = ("Traceback", "Error", "Exception", "does not exist anymore")


def server_log_problems(path: Path | None = None) -> list[str]:
    """The lines of the shared server's log (test-output/streamlit.log) that a clean log lacks."""
    path = path or OUTPUT / "streamlit.log"
    if not path.exists():
        return []
    lines = path.read_text(errors="replace").splitlines()
    return [line for line in lines if any(problem in line for problem in LOG_PROBLEMS)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(
    port: int | None = None, timeout: float = 60.0, log_path: Path | None = None, script: Path | None = None
):
    """Yield the base URL of `streamlit run app.py` (or `script`) on `port` (a free one by default)."""
    port = port or free_port()
    command = [  # as `make run` starts it: serve.py imports the engine first
        sys.executable,
        str(ROOT / "serve.py"),
        str(script or ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = AppURL(f"http://127.0.0.1:{port}")
    url.pid = process.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode} before it served the app")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()


def open_from_navigation(page, url: str, name: str, timeout_ms: int = 30_000) -> None:
    """Open the app in a Playwright `page` and go to the page `name` through the navigation link,
    clicking again when a click made while the first page still loads is lost."""
    page.goto(url)
    for attempt in range(3):
        page.get_by_role("link", name=name, exact=True).click()
        try:
            page.get_by_role("heading", name=name).wait_for(timeout=timeout_ms)
            return
        except Exception:  # playwright's TimeoutError; this module does not import playwright
            if attempt == 2:
                raise


# ----- waiting in a page for what a person waits for --------------------------------------------
# Streamlit writes its script's state on the app's root element: "running" while the script or a
# timed fragment runs (a playing run's views, a first load's poll for the training process), and
# "notRunning" once the page shows what it will show until the next click.
SCRIPT_IDLE = """() => document.querySelector('[data-testid="stApp"]')
  ?.getAttribute('data-test-script-state') === 'notRunning'"""
SLOW = 240.0  # seconds: generous deadlines, so that a busy machine is slow, not failing


# Counts the changes of the script's state from now on: a run however short changes it twice. (The
# observer's callback comes after the change, so it must not read the state then: a short run is
# already over and would be missed, as it was once on a busy machine.)
WATCH_RUNS = """() => { const app = document.querySelector('[data-testid="stApp"]');
  window.__runsSeen = 0; if (window.__runsObserver) window.__runsObserver.disconnect();
  window.__runsObserver = new MutationObserver((changes) => { window.__runsSeen += changes.length; });
  window.__runsObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""


def poll(condition, timeout: float = SLOW, interval: float = 0.25):
    """Call `condition` until it returns something true or `timeout` seconds pass; return its last
    value (the caller asserts on it, with its own message)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def wait_for_idle(page, timeout: float = SLOW) -> None:
    """Until the app's script and its timed fragments have stopped running in `page`."""
    page.wait_for_function(SCRIPT_IDLE, timeout=timeout * 1000)


def rerun_after(page, action, timeout: float = SLOW) -> None:
    """Do `action` (a click that makes the app run again) and wait until that run has finished:
    what the click changed is drawn, not the page as it was just before."""
    page.evaluate(WATCH_RUNS)
    action()
    page.wait_for_function(f"() => window.__runsSeen > 0 && ({SCRIPT_IDLE})()", timeout=timeout * 1000)


def rerun_after_choice(page, option, choice, attempts: int = 3) -> None:
    """Click `option` (a radio's label) until `choice` (its input) is checked, then wait until the
    run the choice started has finished. A click lost on a busy machine is made again; an option
    already chosen is not clicked again (a second click starts no run, and waiting for one failed)."""
    page.evaluate(WATCH_RUNS)
    for _ in range(attempts):
        if not choice.is_checked():
            option.click()
        if poll(choice.is_checked, timeout=20):
            break
    assert choice.is_checked(), "the option was not chosen"
    page.wait_for_function(f"() => window.__runsSeen > 0 && ({SCRIPT_IDLE})()", timeout=SLOW * 1000)


def settled_screenshot(page, target=None, *, path: Path | None = None, timeout: float = SLOW,
                       interval: float = 0.15, **options) -> bytes:  # fmt: skip
    """A picture of `target` (a Playwright locator; the whole `page` by default) once the app is
    idle and two pictures taken `interval` seconds apart are the same, saved to `path` if given.
    A chart that a rerun replaced between two pictures is looked up and taken again. CSS
    animations are stopped (a spinner would never settle), and the mouse is moved off the page's
    charts first (a chart under the pointer shows its toolbar); `options` go to `screenshot`."""
    target = page if target is None else target
    page.mouse.move(0, 0)
    deadline = time.monotonic() + timeout
    previous = None
    while True:
        try:
            wait_for_idle(page, timeout=max(1.0, deadline - time.monotonic()))
            if target is not page:
                target.scroll_into_view_if_needed(timeout=30_000)
            picture = target.screenshot(timeout=30_000, animations="disabled", **options)
        except Exception:  # playwright's Error: the element was replaced (detached) mid-picture
            if time.monotonic() > deadline:
                raise
            picture = None
        if picture is not None and picture == previous:
            if path is not None:
                Path(path).write_bytes(picture)
            return picture
        if time.monotonic() > deadline:
            raise AssertionError(f"the picture did not settle within {timeout:.0f} s")
        previous = picture
        time.sleep(interval)


# The top of a page's top-most chart or image in the window, the page scrolled to its top.
PICTURE_TOP = """() => {
  document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"]')
    .forEach(e => e.scrollTo(0, 0)); window.scrollTo(0, 0);
  return Math.min(...Array.from(document.querySelectorAll(
    '.stMain [data-testid="stPlotlyChart"], .stMain [data-testid="stImage"], .stMain [data-testid="stHtml"] img'))
  .map(e => e.getBoundingClientRect()).filter(r => r.width > 100 && r.height > 100).map(r => r.top)); }"""


# True once the page's main picture is drawn: a chart or picture at least 100 x 100 px in the main
# area (a chart's grey placeholder, shown while plotly.js loads, is not one).
PICTURE_DRAWN = """() => Array.from(document.querySelectorAll(
    '.stMain .js-plotly-plot, .stMain [data-testid="stImage"], .stMain [data-testid="stHtml"] img'))
  .some(e => { const r = e.getBoundingClientRect(); return r.width > 100 && r.height > 100; })"""


# The labels and metric values cut short ("R…", "paus…", "Inception Sc…" on a projector, issue 13).
CUT_OFF = """() => Array.from(document.querySelectorAll(
    '.stMain [data-testid="stMetricValue"] *, .stMain [data-testid="stMetricValue"], '
    + '.stMain [data-testid="stMetricLabel"] *, .stMain button *'))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1
               && getComputedStyle(e).overflow !== 'visible')
  .map(e => e.innerText)"""


def assert_fits_a_projector(page, name: str) -> None:
    """No button label or metric cut short, and the page's main picture in the upper half of the
    window (issue 23: at 1280x720 the 2D lab's started at y = 640, under the toolbar and the
    counters)."""
    assert page.evaluate(CUT_OFF) == [], (name, page.viewport_size, page.evaluate(CUT_OFF))
    height = page.viewport_size["height"]
    top = page.evaluate(PICTURE_TOP)
    assert top < height / 2, f"{name} at {page.viewport_size}: the main picture starts at y = {top:.0f}"


# Resolves after two animation frames: the browser has laid the page out again (after a resize).
LAID_OUT = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def check_on_projectors(page, name: str) -> None:
    """The page as it stands (the caller has drawn and settled it at 1280x720), then at 1024x768,
    laid out again."""
    assert page.viewport_size == {"width": 1280, "height": 720}, page.viewport_size
    assert_fits_a_projector(page, name)
    page.set_viewport_size({"width": 1024, "height": 768})
    wait_for_idle(page)
    page.evaluate(LAID_OUT)  # the labels and boxes measured after the browser laid the page out again
    assert_fits_a_projector(page, name)
