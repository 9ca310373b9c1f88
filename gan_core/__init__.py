"""GAN Explorer's engine: data, models, losses, the step-wise trainer, metrics, snapshots,
checkpoints and plot builders. It never imports Streamlit; the pages in `app_pages/` are the UI."""

__version__ = "0.1.0"
