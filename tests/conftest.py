"""Shared test settings: small thread count so the suite behaves the same on 2-core CI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)  # tiny models: threads cost more than they give
# Pages share one line of turns per server process (gan_core.live.turns); the tests' many runners
# must not wait in it for each other. tests/test_turns.py checks the line itself.
os.environ.setdefault("GAN_EXPLORER_MAX_TRAINING", "64")


@pytest.fixture
def root() -> Path:
    return ROOT


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m gan_core ARGS` in a subprocess, as a person runs it (one thread, a bare PATH)."""
    return subprocess.run(
        [sys.executable, "-m", "gan_core", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )


def open_lab():
    """The app in Streamlit's AppTest, on the 2D lab. AppTest gives every test the same session
    id, so the lab's session-scoped runner (a training process) is shared between tests."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/lab_2d.py")
    at.run()
    return at
