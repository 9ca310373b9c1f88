"""The command line: `python -m gan_core train | sample | evaluate | presets | train-classifier`."""

from .main import main

__all__ = ["main"]
