"""Which accelerator to train on: CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import os

import torch

from .config import ConfigError


class DeviceUnavailableError(ConfigError):
    """The device a run asks for is not on this machine (a setting a person can change)."""


def pick_device(preference: str = "auto") -> torch.device:
    """The device `preference` names, or the best one present for "auto"."""
    if preference == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if preference == "cuda" and not torch.cuda.is_available():
        raise DeviceUnavailableError("CUDA was asked for but no CUDA GPU is available; use device 'auto' or 'cpu'")
    if preference == "mps" and not torch.backends.mps.is_available():
        raise DeviceUnavailableError("MPS was asked for but is not available on this machine; use 'auto' or 'cpu'")
    return torch.device(preference)


def describe_device(device: torch.device) -> str:
    """A short human label, e.g. 'CUDA (NVIDIA H100)' or 'CPU (2 cores)'."""
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "MPS (Apple GPU)"
    return f"CPU ({os.cpu_count()} cores)"


def configure_cpu_threads(config) -> None:
    """Use one intra-op thread for toy-data models on the CPU.

    Their matrices are tiny (batch 256 x width 128): a second thread saves nothing and its
    spin-waits cost a lot once anything else runs (a Streamlit server, the browser). Measured on
    a 2-core machine under load: 180 iterations/s with one thread against 6-13 with two.
    Image models keep torch's default. The setting is process-wide, as torch's is.
    """
    if not config.data.is_image and torch.get_num_threads() != 1:
        torch.set_num_threads(1)
