"""Pictures written into the page as inline HTML (a PNG in a data URI: no second request), shared
by every page that shows generated images."""

from __future__ import annotations

import streamlit as st

from gan_core.plots.latent import data_uri, png_bytes, tiles


def image_html(png: bytes, width: int, alt: str, crisp: bool = True) -> str:
    """An inline picture `width` px wide. `crisp`: scale pixels as squares (digits, faces)."""
    style = "image-rendering: pixelated; " if crisp else ""
    return f'<img src="{data_uri(png)}" alt="{alt}" width="{width}" style="{style}max-width: 100%;">'


def tile_grid(images, captions=None, *, columns: int, tile: int, title: str = "", alt: str = "") -> None:
    """A grid of images, `columns` across, each `tile` px, with optional captions and a title. Its
    tiles are already crisp squares at their size and the browser only ever shrinks the grid (to
    its column), so it is scaled smoothly: a nearest-pixel shrink garbles the titles' letters."""
    png = png_bytes(tiles(images, captions, tile=tile, columns=columns, title=title))
    width = min(columns, len(images)) * (tile + 4) + 4
    st.html(image_html(png, width, alt or title, crisp=False))
