"""The runs table under the Training page's curves: one row per training of the session, newest last; a click on a
row brings that run's model, curves and confusion matrices back."""

import pygame

from mlcore.image_app.pages.base import percent
from mlcore.widgets import ui

SHORT = {"efficientnet_lite0": "EffNet", "mobilenet_v3_small": "MobileNet", "color_histogram": "colours",
         "pixels": "pixels", "stored": "stored"}
# (heading, width in pixels, the row's text); the widths fit the bold headings of the projector theme too
COLUMNS = [
    ("#", 28, lambda row: str(row["number"])),
    ("features", 78, lambda row: SHORT.get(row["features"], row["features"])),
    ("layers", 60, lambda row: ",".join(map(str, row["hidden_layers"])) or "none"),
    ("act.", 44, lambda row: row["activation"]),
    ("drop", 46, lambda row: f"{row['dropout']:g}"),
    ("ep.", 32, lambda row: str(row["epochs"])),
    ("batch", 54, lambda row: str(row["batch_size"])),
    ("l. rate", 54, lambda row: f"{row['learning_rate']:g}"),
    ("aug.", 42, lambda row: str(row["augmentation"])),  # augmented copies of each training image
    ("train", 46, lambda row: percent(row["train_accuracy"])),
    ("valid.", 52, lambda row: percent(row["validation_accuracy"])),
    ("test", 40, lambda row: percent(row["test_accuracy"])),
    ("s", 30, lambda row: f"{row['seconds']:.1f}"),
]
ROW = 22
HEADER = 48  # the caption, then the column headings
SHOWN = 6  # the newest rows that fit


class RunsTable:
    """Where the table lies, and which row is where."""

    def __init__(self, rect):
        self.rect = pygame.Rect(rect)

    @staticmethod
    def height(count):
        """The height the table needs for `count` runs (0: none)."""
        return 0 if not count else HEADER + ROW * min(count, SHOWN) + 12

    def visible(self, rows):
        """(index, row) of the rows drawn: the newest SHOWN."""
        first = max(0, len(rows) - SHOWN)
        return list(enumerate(rows))[first:]

    def row_rect(self, position):
        """The rectangle of the `position`-th drawn row (0 is the top one)."""
        return pygame.Rect(self.rect.x, self.rect.y + HEADER + position * ROW, self.rect.width, ROW)

    def hit(self, rows, x, y):
        """The index of the run whose row is at (x, y), or None."""
        for position, (index, _) in enumerate(self.visible(rows)):
            if self.row_rect(position).collidepoint(x, y):
                return index
        return None

    def draw(self, screen, rows, shown):
        ui.label(screen, "runs: click one to bring back its curves and matrices", (self.rect.x, self.rect.y),
                 size=18, colour=ui.DIM)
        x = self.rect.x
        for heading, width, _ in COLUMNS:
            ui.label(screen, heading, (x, self.rect.y + HEADER - 4), size=17, bold=True, anchor="bottomleft")
            x += width
        for position, (index, row) in enumerate(self.visible(rows)):
            rect = self.row_rect(position)
            if index == shown:
                pygame.draw.rect(screen, (255, 236, 179), rect)
            x = self.rect.x
            for _, width, text in COLUMNS:
                ui.label(screen, ui.cut(text(row), width - 4, 17), (x, rect.centery), size=17, anchor="midleft")
                x += width
