"""Start the Streamlit app on a free local port in a subprocess, for the browser test and the
live-speed bench, and stop it again."""

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
