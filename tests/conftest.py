"""Shared test settings: small thread count so the suite behaves the same on 2-core CI."""

import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)  # tiny models: threads cost more than they give


@pytest.fixture
def root() -> Path:
    return ROOT
