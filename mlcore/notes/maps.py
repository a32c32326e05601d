"""The maps behind the samples: what the trained network answers at every place of the canvas."""

import time

import numpy as np
import pygame

MAP_CELLS = (120, 75)  # one cell per 8 × 8 canvas pixels


def viridis(t):
    """A perceptually even colour scale (dark purple → teal → yellow) for t in [0, 1], as uint8 RGB."""
    stops = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64)
    t = np.clip(np.asarray(t, dtype=np.float64), 0, 1) * (len(stops) - 1)
    low = np.minimum(t.astype(int), len(stops) - 2)
    mix = (t - low)[..., None]
    return (stops[low] * (1 - mix) + stops[low + 1] * mix).astype(np.uint8)


class NetworkMap:
    """The canvas coloured by the network's answers, recomputed only when the trained model changes."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.surface = None
        self.model = None
        self.ms = None
        self._view = (None, None)  # (what it shows, the picture)

    def forget(self):
        self.surface = self.model = None
        self._view = (None, None)

    def view(self, surface, area, size):
        """The `area` of the map `surface` scaled to `size`, kept until the map or the size changes."""
        key = (surface, tuple(area), tuple(size))
        if self._view[0] is None or self._view[0][0] is not surface or self._view[0][1:] != key[1:]:
            part = surface.subsurface(area)
            picture = part if part.get_size() == tuple(size) else pygame.transform.smoothscale(part, size)
            self._view = (key, picture)
        return self._view[1]

    def surface_for(self, model, colour_cells):
        """`colour_cells(model, grid)` gives one RGB row per cell centre of the grid (row-major, y slowest)."""
        if self.surface is not None and self.model is model:
            return self.surface
        start = time.perf_counter()
        cols, rows = MAP_CELLS
        xs = (np.arange(cols) + 0.5) * self.width / cols
        ys = (np.arange(rows) + 0.5) * self.height / rows
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        image = colour_cells(model, grid).reshape(rows, cols, 3).astype(np.uint8).transpose(1, 0, 2)
        self.surface = pygame.transform.smoothscale(pygame.surfarray.make_surface(image), (self.width, self.height))
        self.model = model
        self.ms = (time.perf_counter() - start) * 1000
        return self.surface
