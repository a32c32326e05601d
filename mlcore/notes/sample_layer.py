"""The samples drawn once onto a transparent layer, so that a canvas of thousands of samples still draws fast.

Each note's circle is made once as a small picture (a sprite) and stamped wherever a sample of that note is; the
layer is redrawn only when the samples are removed or replaced, the view moves or the theme changes, and a new
sample is stamped onto it alone.
"""

import pygame

CLEAR = (255, 0, 255)  # the layer's see-through colour (a colour key blits far faster than per-pixel alpha)

from mlcore.notes.tasks import SAMPLE_RADIUS, draw_note_circle
from mlcore.widgets import theme


class SampleLayer:
    """A transparent surface the size of the canvas with every sample on it."""

    def __init__(self, size):
        self.size = size
        self.surface = None
        self.key = None
        self.count = 0       # how many samples are on the layer
        self.ends = None     # the first and the last of them (a new list, or an undo, changes these)
        self.sprites = {}

    def _sprite(self, colour, note):
        key = (tuple(colour), note, theme.current().name)
        if key not in self.sprites:
            side = 2 * SAMPLE_RADIUS + 4
            sprite = pygame.Surface((side, side))
            sprite.fill(CLEAR)
            draw_note_circle(sprite, side // 2, side // 2, colour, note)
            sprite.set_colorkey(CLEAR, pygame.RLEACCEL)
            self.sprites[key] = sprite
        return self.sprites[key]

    def draw(self, screen, samples, colours, transform):
        """Blit the layer; `transform` (factor, dx, dy) places the canvas point (x, y) at (x factor + dx, y factor + dy)."""
        key = (transform, theme.current().name, tuple(sorted(colours.items())))
        on_layer = samples[:self.count]
        ends = (on_layer[0], on_layer[-1]) if on_layer else None
        if self.surface is None or key != self.key or len(on_layer) < self.count or ends != self.ends or (
                ends and (ends[0] is not self.ends[0] or ends[1] is not self.ends[1])):
            self.surface = pygame.Surface(self.size)
            self.surface.fill(CLEAR)
            self.surface.set_colorkey(CLEAR)
            self.key, self.count = key, 0
        new = samples[self.count:]
        if new:
            factor, dx, dy = transform
            half = SAMPLE_RADIUS + 2
            sprites = {note: self._sprite(colour, note) for note, colour in colours.items()}
            self.surface.blits([(sprites[s.note], (round(s.x * factor + dx) - half, round(s.y * factor + dy) - half))
                                for s in new], doreturn=False)
            self.count = len(samples)
            self.ends = (samples[0], samples[-1])
        screen.blit(self.surface, (0, 0))

