"""The maps behind the samples: what the trained network answers at every place of the canvas."""

import time

import numpy as np
import pygame

MAP_CELLS = (120, 75)  # one cell per 8 × 8 canvas pixels


# Where each natural note lies in the octave, in semitones from C: the pitch scale blends the notes' own colours.
NATURAL_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch_colours(hz, colours, c_hz):
    """The colour of each frequency in `hz`: the colour of its note, blended between two neighbouring notes' colours
    for a pitch between them (B turns back into the next C), so that a colour means the same pitch on the map, on the
    samples and in the legend. `c_hz`: the frequency of C in the canvas's octave. Returns float RGB rows."""
    semitones = np.mod(12 * np.log2(np.maximum(np.asarray(hz, dtype=np.float64), 1e-9) / c_hz), 12)
    stops = sorted(NATURAL_SEMITONES.items(), key=lambda item: item[1]) + [("C", 12)]
    places = np.array([place for _, place in stops], dtype=np.float64)
    palette = np.array([colours[name] for name, _ in stops], dtype=np.float64)
    upper = np.clip(np.searchsorted(places, semitones, side="right"), 1, len(places) - 1)
    mix = ((semitones - places[upper - 1]) / (places[upper] - places[upper - 1]))[..., None]
    return palette[upper - 1] * (1 - mix) + palette[upper] * mix


class NetworkMap:
    """The canvas coloured by the network's answers, recomputed only when the trained model changes."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.extent = (0, 0, width, height)
        self.surface = None
        self.model = None
        self.ms = None
        self._view = (None, None)  # (what it shows, the picture)

    def forget(self):
        self.surface = self.model = None
        self._view = (None, None)

    def view(self, surface, size):
        """The map `surface` scaled to `size`, kept until the map or the size changes."""
        if self._view[0] is None or self._view[0][0] is not surface or self._view[0][1] != tuple(size):
            picture = surface if surface.get_size() == tuple(size) else pygame.transform.smoothscale(surface, size)
            self._view = ((surface, tuple(size)), picture)
        return self._view[1]

    def surface_for(self, model, colour_cells, extent=None):
        """The map of the canvas's `extent` (x0, y0, x1, y1; the whole window when None), `width` × `height` pixels:
        `colour_cells(model, grid)` gives one RGB row per cell centre of the grid (row-major, y slowest)."""
        extent = tuple(extent) if extent is not None else (0, 0, self.width, self.height)
        if self.surface is not None and self.model is model and self.extent == extent:
            return self.surface
        start = time.perf_counter()
        cols, rows = MAP_CELLS
        x0, y0, x1, y1 = extent
        xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
        ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        image = colour_cells(model, grid).reshape(rows, cols, 3).astype(np.uint8).transpose(1, 0, 2)
        self.surface = pygame.transform.smoothscale(pygame.surfarray.make_surface(image), (self.width, self.height))
        self.model, self.extent = model, extent
        self.ms = (time.perf_counter() - start) * 1000
        return self.surface
