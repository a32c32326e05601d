"""Where a prediction's labels go: whole inside the visible canvas, turning inward near an edge, and beside the
samples rather than over them.

A label block (one line or a few, stacked) is tried below its circle, above it, to its right, to its left and at the
four corners, then at those places a little farther out; each place is pushed inside the view, and the first that
covers no sample, no other label and not its own circle wins (else the near place that covers least). Its box is drawn under the samples, so it hides none of them.
"""

import pygame

from mlcore.widgets import ui

GAP = 6
SIDES = ("below", "above", "right", "left", "below right", "below left", "above right", "above left")
FARTHER = 44  # a second ring of places, this much farther out, where the first is crowded


def block_size(lines):
    """(width, height) of lines [(text, size, bold)] stacked."""
    widths = [ui.text_width(text, size, bold) for text, size, bold in lines]
    return max(widths) + 8, sum(ui.line_height(size) for _, size, _ in lines) + 4


def _candidate(side, size, centre, radius, farther=0):
    x, y = centre
    box = pygame.Rect((0, 0), size)
    reach = radius + GAP + farther
    spots = {
        "below": {"midtop": (x, y + reach)},
        "above": {"midbottom": (x, y - reach)},
        "right": {"midleft": (x + reach, y)},
        "left": {"midright": (x - reach, y)},
        "below right": {"topleft": (x + radius // 2, y + reach)},
        "below left": {"topright": (x - radius // 2, y + reach)},
        "above right": {"bottomleft": (x + radius // 2, y - reach)},
        "above left": {"bottomright": (x - radius // 2, y - reach)},
    }[side]
    setattr(box, *next(iter(spots.items())))
    return box


def _covered(box, obstacles):
    return sum(box.clip(obstacles[i]).width * box.clip(obstacles[i]).height for i in box.collidelistall(obstacles))


def place(lines, centre, radius, visible, obstacles):
    """The box of a label block for the circle at `centre`: inside `visible`, covering the least of `obstacles`
    (rectangles: samples, other labels) and not its own circle."""
    size = block_size(lines)
    own = pygame.Rect(0, 0, 2 * radius, 2 * radius)
    own.center = (round(centre[0]), round(centre[1]))
    best = None
    for farther, side in [(0, side) for side in SIDES] + [(FARTHER, side) for side in SIDES]:
        box = _candidate(side, size, (round(centre[0]), round(centre[1])), radius, farther).clamp(visible)
        cost = _covered(box, obstacles) + 10 * _covered(box, [own])
        if cost == 0:
            return box
        if best is None or (not farther and cost < best[0]):  # crowded all round: the nearest place covering least
            best = (cost, box)
    return best[1]


def draw_box(screen, box):
    """A label's see-through white box (drawn before the samples, which stay on top of it)."""
    layer = pygame.Surface(box.size, pygame.SRCALPHA)
    pygame.draw.rect(layer, (255, 255, 255, 185), layer.get_rect(), border_radius=6)
    screen.blit(layer, box)


def draw_lines(screen, box, lines, colour, readout=True):
    """The lines of a label block, centred in `box`, one under the other."""
    y = box.y + 2
    for text, size, bold in lines:
        y = ui.label(
            screen,
            text,
            (box.centerx, y),
            size=size,
            colour=colour,
            anchor="midtop",
            bold=bold,
            padding=0,
            readout=readout,
        ).bottom
