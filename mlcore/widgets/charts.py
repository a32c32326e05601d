"""Line charts of per-epoch values (loss, accuracy), with their ticks and legend."""

import pygame

from mlcore.widgets.ui import PANEL_TEXT, label


def line_chart(surface, rect, series, title="", y_range=None, x_max=None, text=PANEL_TEXT, grid=(70, 72, 84)):
    """Curves of per-epoch values. `series` maps a name to (values, colour); y_range fixes the axis (e.g. 0–1)."""
    rect = pygame.Rect(rect)
    label(surface, title, (rect.x, rect.y), size=22, colour=text)
    plot = pygame.Rect(rect.x + 44, rect.y + 22, rect.width - 48, rect.height - 44)
    pygame.draw.rect(surface, grid, plot, 1)
    values = [v for points, _ in series.values() for v in points if v == v]  # v == v drops NaN
    if y_range is None:
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        low = min(low, 0.0) if low >= 0 else low
    else:
        low, high = y_range
    longest = max([len(points) for points, _ in series.values()] + [2])
    x_max = max(x_max or 0, longest)
    for fraction in (0.0, 0.5, 1.0):
        y = plot.bottom - fraction * plot.height
        pygame.draw.line(surface, grid, (plot.left, y), (plot.right, y))
        label(surface, _short(low + fraction * (high - low)), (plot.left - 4, y), size=18, colour=text, anchor="midright")
    legend_x = plot.left
    for name, (points, colour) in reversed(series.items()):  # the first series is drawn last, on top
        if len(points) >= 2:
            xy = [(plot.left + i / max(1, x_max - 1) * plot.width,
                   plot.bottom - (min(max(v, low), high) - low) / (high - low) * plot.height)
                  for i, v in enumerate(points)]
            pygame.draw.lines(surface, colour, False, xy, 2)
    for name, (points, colour) in series.items():
        box = label(surface, f"— {name}", (legend_x, plot.bottom + 4), size=18, colour=colour)
        legend_x = box.right + 12


def _short(value):
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
