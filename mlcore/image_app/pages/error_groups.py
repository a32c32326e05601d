"""The test errors of the model shown, grouped by (true class, predicted class), each group with its pictures.

Drawn on the Deployment page beside the noise-or-bias table: errors that gather in a few large groups are the mark
of a biased model. The list scrolls with the wheel, a line at a time; a click on a picture chooses it for the check.
"""

import pygame

from mlcore.image_app.pages.base import white_panel
from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import class_colour

SIDE = 56  # the pictures' side
GAP = 6
HEADER = 34  # a group's line: its two classes and how many images


class ErrorGroups:
    """A scrolling list of groups: a line naming the true and the predicted class, then rows of pictures."""

    TOP = 84  # the title and the line under it
    BOTTOM = 24  # the line that says more groups lie below

    def __init__(self, rect):
        self.rect = pygame.Rect(rect)
        self.inner = pygame.Rect(
            self.rect.x + 18,
            self.rect.y + 14 + self.TOP,
            self.rect.width - 36,
            self.rect.height - 28 - self.TOP - self.BOTTOM,
        )
        self.per_row = max(1, (self.inner.width + GAP) // (SIDE + GAP))
        self.first_line = 0
        self._groups = None  # the groups the scroll position belongs to

    def lines(self, groups):
        """(height, group, first picture of the row or None for the group's own line) for every line."""
        result = []
        for group in groups:
            result.append((HEADER, group, None))
            for start in range(0, len(group["indices"]), self.per_row):
                result.append((SIDE + GAP, group, start))
        return result

    def layout(self, groups):
        """(line, its top) of the lines that fit, from the first one scrolled to."""
        if groups is not self._groups:
            self._groups, self.first_line = groups, 0
        shown, y = [], self.inner.y
        for line in self.lines(groups)[self.first_line :]:
            if y + line[0] > self.inner.bottom:
                break
            shown.append((line, y))
            y += line[0]
        return shown

    def pictures(self, groups):
        """(rect, test image index) of every picture shown now."""
        found = []
        for (height, group, start), y in self.layout(groups):
            if start is None:
                continue
            for column, index in enumerate(group["indices"][start : start + self.per_row]):
                found.append((pygame.Rect(self.inner.x + column * (SIDE + GAP), y, SIDE, SIDE), index))
        return found

    def first_picture_center(self):
        """Where the first picture of the largest group lies before any scrolling (for scripted clicks)."""
        return self.inner.x + SIDE // 2, self.inner.y + HEADER + SIDE // 2

    def scroll(self, lines, groups):
        last = max(0, len(self.lines(groups)) - 1)
        self.first_line = max(0, min(last, self.first_line + lines))

    def click(self, x, y, groups):
        """The test image index under (x, y), or None."""
        for rect, index in self.pictures(groups):
            if rect.collidepoint(x, y):
                return index
        return None

    def draw(self, screen, groups, thumbnails, classes, about, chosen=None):
        """The title and `about` (a line on the model), then the groups that fit, the `chosen` picture outlined."""
        look = theme.current()
        white_panel(screen, self.rect)
        x, y = self.rect.x + 18, self.rect.y + 14
        ui.label(screen, "Test errors, grouped", (x, y), size=32, bold=True)
        ui.label(screen, ui.cut(about, self.inner.width, look.small), (x, y + 40), size=look.small, colour=ui.DIM)
        if not groups:
            return
        shown = self.layout(groups)
        for (height, group, start), top in shown:
            if start is None:
                self._draw_header(screen, group, top, classes)
        hidden = len(self.lines(groups)) - self.first_line - len(shown)
        if hidden > 0 or self.first_line:
            more = "more below: scroll with the wheel" if hidden > 0 else "more above: scroll with the wheel"
            ui.label(
                screen,
                more,
                (self.inner.right, self.rect.bottom - 8),
                size=look.tick,
                colour=ui.DIM,
                anchor="bottomright",
            )
        for rect, index in self.pictures(groups):
            picture = thumbnails.get("test", index, SIDE)
            if picture is not None:
                screen.blit(picture, rect)
            else:
                pygame.draw.rect(screen, (210, 210, 214), rect)
            if chosen == index:
                pygame.draw.rect(screen, ui.INK, rect.inflate(6, 6), 3)

    def _draw_header(self, screen, group, top, classes):
        """Two colour chips (true, predicted), the two names, and the size of the group at the right."""
        look = theme.current()
        middle = top + HEADER // 2
        for i, name in enumerate((group["true"], group["predicted"])):
            pygame.draw.rect(screen, class_colour(name, classes), (self.inner.x + 9 * i, middle - 8, 8, 16))
        count = f"{len(group['indices'])}"
        ui.label(screen, count, (self.inner.right, middle), size=look.text, bold=True, anchor="midright")
        room = self.inner.width - 28 - ui.text_width(count, look.text, True) - 12
        text = ui.cut(f"{group['true']} taken for {group['predicted']}", room, look.text, True)
        ui.label(screen, text, (self.inner.x + 26, middle), size=look.text, bold=True, anchor="midleft")
