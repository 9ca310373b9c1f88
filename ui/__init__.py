"""Streamlit-free helpers of the pages: settings, uploads, messages."""
