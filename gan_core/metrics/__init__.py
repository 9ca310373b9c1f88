"""Quality metrics: pure functions of samples (mixtures here; image metrics beside)."""
from .mixture import evaluate_samples, mode_statistics  # noqa: F401
