"""Views: what a live view needs of a run at one iteration, detached and on the CPU: toy.py for
2D/1D runs (heatmap, manifold, gradients), images.py for image runs (fixed-noise grids)."""
