"""Where the note canvas lies in the window: the two bars, the drawing area between them, the popup's column, and the
view, the canvas fitted into the room the popup leaves. Nothing is drawn over the canvas: the bars are outside it,
the popup docks beside the view.

The canvas is the part of the window between the bars, in window coordinates (a click at (150, 150) places a
sample at (150, 150)). Samples loaded from a file may lie beyond it (under where the bars are, or hundreds of
pixels out): the world, the canvas grown to take them in, is then what the view shows, smaller, whole.
"""

import pygame

TOP_BAR = 48
BOTTOM_BAR = 48
POPUP_WIDTH = 390
EDGE = 22  # canvas pixels kept around a sample beyond the canvas, so that its circle shows whole


class CanvasView:
    """The layout of a `width` × `height` window: bars, drawing area, popup column, and the world fitted in."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.top, self.bottom = TOP_BAR, height - BOTTOM_BAR
        self.canvas = (0.0, float(self.top), float(width), float(self.bottom))  # x0, y0, x1, y1
        self.world = self.canvas
        self.beyond = 0  # samples that lie beyond the canvas

    # -- the world: the canvas, grown to the samples beyond it ---------------------------------------------------
    def fit(self, samples):
        """Grow the world to the samples that lie beyond the canvas (or back to the canvas when none do)."""
        x0, y0, x1, y1 = self.canvas
        outside = [(s.x, s.y) for s in samples if not (x0 <= s.x < x1 and y0 <= s.y < y1)]
        self.beyond = len(outside)
        if not outside:
            self.world = self.canvas
            return
        xs, ys = [x for x, _ in outside], [y for _, y in outside]
        world = (min(x0, min(xs)), min(y0, min(ys)), max(x1, max(xs)), max(y1, max(ys)))
        area = self.area()
        factor = min(area.width / (world[2] - world[0]), area.height / (world[3] - world[1]))
        edge = EDGE / factor  # room for a circle, in canvas pixels at the view's scale
        self.world = (
            min(x0, min(xs) - edge),
            min(y0, min(ys) - edge),
            max(x1, max(xs) + edge),
            max(y1, max(ys) + edge),
        )

    @property
    def zoom(self):
        """How large the world is drawn, without the popup: 1.0 when it is the canvas."""
        return self.transform(False)[0]

    # -- the rooms of the window ----------------------------------------------------------------------------------
    def area(self):
        """The drawing area: between the bars, the whole width."""
        return pygame.Rect(0, self.top, self.width, self.bottom - self.top)

    def top_bar(self):
        return pygame.Rect(0, 0, self.width, self.top)

    def bottom_bar(self):
        return pygame.Rect(0, self.bottom, self.width, self.height - self.bottom)

    def popup_rect(self):
        """The popup's column at the right of the drawing area."""
        return pygame.Rect(self.width - POPUP_WIDTH - 6, self.top + 6, POPUP_WIDTH, self.bottom - self.top - 12)

    def room(self, popup):
        """Where the view may lie: the drawing area, or the part of it left of the popup."""
        area = self.area()
        if popup:
            area.width = self.popup_rect().x - 8
        return area

    # -- the view: the world fitted into the room, centred -----------------------------------------------------------
    def transform(self, popup):
        """(factor, dx, dy): the canvas point (x, y) is drawn at (x * factor + dx, y * factor + dy)."""
        room = self.room(popup)
        x0, y0, x1, y1 = self.world
        factor = min(room.width / (x1 - x0), room.height / (y1 - y0))
        if self.world == self.canvas and not popup:
            factor = 1.0  # the canvas as it is: a click's place is the window's point
        dx = room.x + (room.width - (x1 - x0) * factor) / 2 - x0 * factor
        dy = room.y + (room.height - (y1 - y0) * factor) / 2 - y0 * factor
        if popup:  # beside the popup the view keeps to the top of the room, leaving the hint under it
            dy = room.y - y0 * factor
        return factor, dx, dy

    def view_rect(self, popup):
        """Where the world is drawn."""
        factor, dx, dy = self.transform(popup)
        x0, y0, x1, y1 = self.world
        left, top = round(x0 * factor + dx), round(y0 * factor + dy)
        return pygame.Rect(left, top, round(x1 * factor + dx) - left, round(y1 * factor + dy) - top)

    def to_view(self, x, y, popup):
        factor, dx, dy = self.transform(popup)
        return (x * factor + dx, y * factor + dy)

    def to_canvas(self, x, y, popup):
        """The canvas point drawn at the window point (x, y): off the world when (x, y) is off the view."""
        factor, dx, dy = self.transform(popup)
        return ((x - dx) / factor, (y - dy) / factor)

    def contains(self, x, y):
        """True on the world (the canvas, and what it grew to)."""
        x0, y0, x1, y1 = self.world
        return x0 <= x < x1 and y0 <= y < y1

    def bounds(self):
        """The corners the networks scale x and y from: the window's, grown to the world when it reaches beyond."""
        x0, y0, x1, y1 = self.world
        return [(min(0.0, x0), min(0.0, y0)), (max(float(self.width), x1), max(float(self.height), y1))]

    def state(self, popup):
        rect = lambda r: [r.x, r.y, r.width, r.height]  # noqa: E731
        factor, dx, dy = self.transform(popup)
        return {
            "canvas": list(self.canvas),
            "world": [round(v, 1) for v in self.world],
            "zoom": round(factor, 4),
            "transform": [factor, dx, dy],
            "beyond": self.beyond,
            "view": rect(self.view_rect(popup)),
            "top_bar": rect(self.top_bar()),
            "bottom_bar": rect(self.bottom_bar()),
            "popup": rect(self.popup_rect()) if popup else None,
        }
