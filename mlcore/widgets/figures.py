"""Pictures for a lesson's report: a surface's pixels (now, or `later`, when the report draws it), and charts drawn on
paper at twice the screen's resolution, each with its title and the labels of its axes (sharp when pasted into a
document and printed); `dense_theme` makes any drawing's theme sizes that much larger."""

from contextlib import contextmanager
from dataclasses import replace

import pygame

from mlcore.report import Pixels
from mlcore.widgets import charts, theme, ui

DENSITY = 2  # pixels of a report's chart per pixel on screen


def pixels(surface):
    """`surface`'s picture for a report (encoded as PNG when the report is written, off the draw loop). Its bytes
    are copied as RGBX, a window surface's own layout (ten times quicker on the draw loop than RGB, which the
    encoding makes of them)."""
    return Pixels(*surface.get_size(), pygame.image.tobytes(surface, "RGBX"), channels=4)


def later(draw, *args, **keywords):
    """A report's picture drawn when its turn comes (`Report.figure` takes it; the draw loop draws a few a frame):
    the pixels of `draw(*args, **keywords)`, with the arguments given now."""
    return lambda: pixels(draw(*args, **keywords))


@contextmanager
def dense_theme(density=DENSITY):
    """The current theme with every size and stroke `density` times larger, while the block runs."""
    look = theme.current()
    theme.use(
        replace(
            look,
            min_text_px=look.min_text_px * density,
            tick=look.tick * density,
            small=look.small * density,
            text=look.text * density,
            stroke=look.stroke * density,
        )
    )
    try:
        yield theme.current()
    finally:
        theme.use(look)


def chart_picture(series, title, x_label, y_label, y_range=None, size=(800, 420), x_max=None):
    """A line chart on paper, `size` screen pixels drawn at DENSITY: `series` maps a name to (values, colour) as
    `charts.line_chart` takes it; the title above, `y_label` turned along the left edge, `x_label` under the axis."""
    width, height = size[0] * DENSITY, size[1] * DENSITY
    surface = pygame.Surface((width, height))
    with dense_theme() as look:
        surface.fill((255, 255, 255))
        pad = 12 * DENSITY
        title_box = ui.label(surface, title, (width // 2, pad), size=look.text, bold=True, anchor="midtop", padding=0)
        turned = pygame.transform.rotate(ui.font(look.tick).render(y_label, True, look.ink), 90)
        top = title_box.bottom + pad
        bottom = height - pad - ui.line_height(look.tick)
        surface.blit(turned, turned.get_rect(midleft=(pad, (top + bottom) // 2)))
        left = pad * 2 + turned.get_width()
        plot = charts.line_chart(
            surface,
            (left, top, width - left - pad, bottom - top),
            series,
            y_range=y_range,
            x_max=x_max,
            text=look.ink,
            grid=look.dim,
        )
        if x_max:  # the last epoch under the axis's end (the legend starts under its beginning)
            ui.label(
                surface,
                str(x_max),
                (plot.right, plot.bottom + 4),
                size=look.tick,
                colour=look.ink,
                anchor="topright",
                padding=0,
            )
        ui.label(
            surface,
            x_label,
            (plot.centerx, height - pad),
            size=look.tick,
            colour=look.ink,
            anchor="midbottom",
            padding=0,
        )
    return surface
