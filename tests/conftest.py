"""Shared test settings: small thread count so the suite behaves the same on 2-core CI."""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The statistical tests (marked `statistical`: thresholds on learned behaviour) take their seed from
# GAN_EXPLORER_TEST_SEED and the suite its thread count from GAN_EXPLORER_TEST_THREADS, so that
# their margins can be re-checked over seeds and thread counts (docs/testing.md).
TEST_SEED = int(os.environ.get("GAN_EXPLORER_TEST_SEED", "0"))
torch.set_num_threads(int(os.environ.get("GAN_EXPLORER_TEST_THREADS", "1")))  # tiny models: threads cost more
# Pages share one line of turns per server process (gan_core.live.turns); the tests' many runners
# must not wait in it for each other. tests/test_turns.py checks the line itself.
os.environ.setdefault("GAN_EXPLORER_MAX_TRAINING", "64")


# Trained fixtures shared by several tests of a module: the tests that use one run on one worker
# (an xdist group), so it is trained once.
SHARED_FIXTURES = ("ring_4000", "ring_loop", "ring_comparison", "digits_comparison", "ring_vae", "runs")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Group the tests of a shared trained fixture, and keep every `xdist_group` on one worker.
    pytest-xdist 3.8 names a test's group by writing "@group" into `item._nodeid`, which pytest 9
    no longer reads (a node's id is `item._id`), so `--dist loadgroup` spread the groups over both
    workers: each set up its own app server, Chromium and trained fixtures. Until xdist follows
    pytest's change, the suffix is put where pytest reads it."""
    for item in items:  # one group per module: a test may use two of its fixtures
        if set(SHARED_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}.trained"))
    result = yield  # xdist's hook writes the groups into `_nodeid`
    if getattr(config.option, "loadgroup", False):
        from _pytest.nodeid import coerce_node_id

        for item in items:
            grouped = getattr(item, "_nodeid", None)
            if isinstance(grouped, str) and "@" in grouped and item.nodeid != grouped:
                item._id = coerce_node_id(grouped)
    return result


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed() -> int:
    """The seed of a statistical test's runs: 0 unless GAN_EXPLORER_TEST_SEED says otherwise."""
    return TEST_SEED


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    """gan_core's command line run in this process, its output captured, as `python -m gan_core
    ARGS` runs it from the project folder but without the seconds a new interpreter spends
    importing torch. `run_cli_process` runs the real command for the tests that need a process."""
    from gan_core.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(root):
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse's usage errors
            code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 2
    return subprocess.CompletedProcess(["python", "-m", "gan_core", *args], code, out.getvalue(), err.getvalue())


def run_cli_process(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m gan_core ARGS` in a subprocess, as a person runs it (one thread, a bare PATH)."""
    return subprocess.run(
        [sys.executable, "-m", "gan_core", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )


# ----- the pages in Streamlit's AppTest, driven as a person drives them ------------------------------
PAGES = {  # page -> (its file, its keys' prefix, its default preset)
    "lab": ("app_pages/lab_2d.py", "lab_", "ring"),
    "image": ("app_pages/image_lab.py", "img_", "digits-dcgan"),
    "gan_vs_vae": ("app_pages/gan_vs_vae.py", "vae_", "ring"),
}


def open_page(name: str, query: dict | None = None):
    """The app in AppTest on one page, with a fresh run of the page's default preset. AppTest gives
    every test the same session id, so a page's session-scoped runner (a training process) is
    shared between tests: each test starts by pausing it and choosing the preset (or pressing
    Reset when the box already shows it), as a person would."""
    from streamlit.testing.v1 import AppTest

    path, prefix, preset = PAGES[name]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for parameter, value in (query or {}).items():
        at.query_params[parameter] = value
    at.run()
    if name != "lab" or not query:
        at.switch_page(path)
        at.run()
    if query:
        return at  # the link chose the run
    pause = [button for button in at.button if button.key == prefix + "pause"]
    if pause:
        pause[0].click().run()
    box = at.selectbox(key=prefix + "preset")
    if box.value != preset:
        box.set_value(preset).run()
    else:
        at.button(key=prefix + "reset").click().run()
    return at


def open_lab():
    return open_page("lab")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def said(at, kind: str = "caption") -> str:
    """Everything the page shows in elements of one kind (caption, info, error, warning, success)."""
    return " | ".join(element.value for element in getattr(at, kind))


def chart_layouts(at) -> list[dict]:
    """The plotly charts' layouts on the page, in order (their titles, annotations, axes)."""
    import json

    return [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]


def chart_titles(at) -> list[str]:
    return [layout.get("title", {}).get("text", "") for layout in chart_layouts(at)]


def rerun_until(at, condition, seconds: float = 60):
    """Rerun the page (as its timer would) until `condition(at)` holds; the last run's result."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        at.run()
        if condition(at) or time.monotonic() > deadline:
            return condition(at)
        time.sleep(0.2)


# ----- the browser tests: one app server and one Chromium for all of them -------------------------
# Every browser test opens its own tabs (`new_page`): each tab is a Streamlit session of its own,
# with its own training process, which ends when the tab closes. A test that must count a server's
# processes from a clean start can still start its own with tests.app_server.running_app().
@pytest.fixture(scope="session")
def app_url():
    """The base URL of one `serve.py app.py` for the whole session (`.pid`: the server's process
    id); its log goes to test-output/streamlit.log."""
    from tests.app_server import OUTPUT, SLOW, running_app, server_log_problems

    OUTPUT.mkdir(exist_ok=True)
    with running_app(timeout=SLOW, log_path=OUTPUT / "streamlit.log") as url:
        yield url
    problems = server_log_problems()
    assert not problems, "the server logged:\n" + "\n".join(problems[:20])


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless Debian Chromium through Playwright, for the whole session; skips where either is missing."""
    from tests.app_server import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium; `make browser` does it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium_browser):
    """`new_page(width, height)`: a new tab in a browser context of its own. Whatever the test
    left open is closed after it (ending those sessions and their training processes). Its
    actions wait as long as tests.app_server.SLOW for what they act on."""
    from tests.app_server import OUTPUT, SLOW

    OUTPUT.mkdir(exist_ok=True)
    contexts = []

    def open_page(width: int, height: int):
        context = chromium_browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(SLOW * 1000)  # a busy machine is slow, not failing
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
