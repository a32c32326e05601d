"""Line charts of per-epoch values (loss, accuracy), with their ticks, and their legend under the plot."""

import pygame

from mlcore.widgets import theme, ui


def line_chart(surface, rect, series, title="", y_range=None, x_max=None, text=None, grid=None, tick=None, legend=True):
    """Curves of per-epoch values. `series` maps a name to (values, colour); y_range fixes the axis (e.g. 0–1).

    The title sits above the plot, the ticks left of it and the legend under it: nothing is drawn over a curve.
    Sizes and strokes are the theme's (`tick`: another size for the title, ticks and legend); `legend=False` leaves
    the legend's line out (for a chart that shares another's). Returns the plot's rectangle.
    """
    look = theme.current()
    text = look.panel_text if text is None else text
    grid = look.grid if grid is None else grid
    rect = pygame.Rect(rect)
    tick = look.tick if tick is None else tick
    line = ui.line_height(tick)
    if title:
        ui.label(surface, title, (rect.x, rect.y), size=tick, colour=text, bold=True, padding=0)
    low, high = _y_limits(series, y_range)
    ticks = [(fraction, _short(low + fraction * (high - low))) for fraction in (0.0, 0.5, 1.0)]
    margin = max(ui.text_width(name, tick) for _, name in ticks) + 8
    # The top tick is centred on the plot's top edge: half a line more under the title keeps them apart.
    above = line + line // 2 + 4 if title else line // 2 + 2
    below = line + 8 if legend else line // 2 + 2
    plot = pygame.Rect(rect.x + margin, rect.y + above, rect.width - margin - 4, rect.height - above - below)
    if plot.height < 8:
        return plot
    pygame.draw.rect(surface, grid, plot, max(1, look.stroke // 2))
    for fraction, name in ticks:
        y = plot.bottom - fraction * plot.height
        pygame.draw.line(surface, grid, (plot.left, y), (plot.right, y))
        ui.label(surface, name, (plot.left - 4, y), size=tick, colour=text, anchor="midright", padding=0)
    longest = max([len(points) for points, _ in series.values()] + [2])
    x_max = max(x_max or 0, longest)
    for points, colour in reversed(list(series.values())):  # the first series is drawn last, on top
        if len(points) >= 2:
            xy = [
                (
                    plot.left + i / max(1, x_max - 1) * plot.width,
                    plot.bottom - (min(max(v, low), high) - low) / (high - low) * plot.height,
                )
                for i, v in enumerate(points)
            ]
            pygame.draw.lines(surface, colour, False, xy, look.stroke)
    legend_x, legend_y = plot.left, plot.bottom + 6
    for name, (points, colour) in series.items() if legend else ():
        pygame.draw.line(
            surface, colour, (legend_x, legend_y + line // 2), (legend_x + 18, legend_y + line // 2), look.stroke + 1
        )
        box = ui.label(surface, name, (legend_x + 24, legend_y), size=tick, colour=text, padding=0)
        legend_x = box.right + 16
    return plot


def _y_limits(series, y_range):
    if y_range is not None:
        return y_range
    values = [v for points, _ in series.values() for v in points if v == v]  # v == v drops NaN
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    low = min(low, 0.0) if low >= 0 else low
    return low, high


def _short(value):
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
