"""Helpers of the pages: settings and uploads (Streamlit-free, tested without a browser) and
the live widgets both labs draw (live_widgets, the one module here that imports Streamlit)."""
