"""The runs table under the Training page's curves: one row per training of the session, newest last; a click on a
row brings that run's model, curves and confusion matrices back.

Each column is as wide as the widest text it draws (its heading included), so no number is ever cut short. Where
the table is too narrow for every column (the projector theme's larger text, a small window), the least needed
columns are left out, the caption names them, and the accuracies, what the lesson compares, always stay.
"""

import pygame

from mlcore.image_app.pages.base import percent
from mlcore.widgets import ui

SHORT = {
    "efficientnet_lite0": "EffNet",
    "mobilenet_v3_small": "MobileNet",
    "color_histogram": "colours",
    "pixels": "pixels",
    "stored": "stored",
}
KEEP = 99  # a column never left out
# (heading, the row's text, how much it is needed: the lowest goes first where the columns do not all fit)
COLUMNS = [
    ("#", lambda row: str(row["number"]), KEEP),
    ("dataset", lambda row: str(row["dataset"]), 10),
    ("features", lambda row: SHORT.get(row["features"], row["features"]), 9),
    ("layers", lambda row: ",".join(map(str, row["hidden_layers"])) or "none", 8),
    ("act.", lambda row: row["activation"], 5),
    ("drop", lambda row: f"{row['dropout']:g}", 2),
    ("ep.", lambda row: str(row["epochs"]), 6),
    ("batch", lambda row: str(row["batch_size"]), 3),
    ("l. rate", lambda row: f"{row['learning_rate']:g}", 7),
    ("aug.", lambda row: str(row["augmentation"]), 4),  # augmented copies of each training image
    ("train", lambda row: percent(row["train_accuracy"]), KEEP),
    ("valid.", lambda row: percent(row["validation_accuracy"]), KEEP),
    ("test", lambda row: percent(row["test_accuracy"]), KEEP),
    ("time", lambda row: f"{row['seconds']:.1f} s", 1),
]
SIZE = 17  # the cells and headings (the theme's minimum may draw them larger)
CAPTION = 18
ROW = 22  # the least height of a row, and of the caption with the headings: more where the text is drawn larger
HEADER = 48
SHOWN = 6  # the newest rows that fit
CAPTIONS = ["runs: click one to bring back its curves and matrices", "runs: click one to bring it back", "runs"]


def run_caption(rows, shown, room=None, size=CAPTION):
    """Which run the Testing and Deployment pages show, counted among the runs on its dataset once there are two or
    more ("run 2 of 3 on miniFRUIT: EffNet, 64,32, relu"); "" before that, or while the pages show no run's results.
    Given `room` (pixels, bold text of `size`), the longest of the shorter forms that fits ("run 2 of 3 on
    miniFRUIT", "run 2 of 3")."""
    if shown is None or not 0 <= shown < len(rows):
        return ""
    row = rows[shown]
    same = [other for other in rows if other["dataset"] == row["dataset"]]
    if len(same) < 2:
        return ""
    features = SHORT.get(row["features"], row["features"])
    layers = ",".join(map(str, row["hidden_layers"])) or "no hidden layer"
    counted = f"run {same.index(row) + 1} of {len(same)}"
    forms = [
        f"{counted} on {row['dataset']}: {features}, {layers}, {row['activation']}",
        f"{counted} on {row['dataset']}: {features}",
        f"{counted} on {row['dataset']}",
        counted,
    ]
    return next((text for text in forms if room is None or ui.text_width(text, size, True) <= room), counted)


def row_height():
    """The canvas pixels from one row to the next, at the text size drawn now."""
    return max(ROW, ui.line_height(SIZE) + 6)


def header_height():
    """The caption, then the column headings."""
    return max(HEADER, ui.line_height(CAPTION) + ui.line_height(SIZE) + 12)


class RunsTable:
    """Where the table lies, and which row is where."""

    def __init__(self, rect):
        self.rect = pygame.Rect(rect)

    @staticmethod
    def height(count):
        """The height the table needs for `count` runs (0: none)."""
        return 0 if not count else header_height() + row_height() * min(count, SHOWN) + 12

    def visible(self, rows):
        """(index, row) of the rows drawn: the newest SHOWN."""
        first = max(0, len(rows) - SHOWN)
        return list(enumerate(rows))[first:]

    def row_rect(self, position):
        """The rectangle of the `position`-th drawn row (0 is the top one)."""
        step = row_height()
        return pygame.Rect(self.rect.x, self.rect.y + header_height() + position * step, self.rect.width, step)

    def hit(self, rows, x, y):
        """The index of the run whose row is at (x, y), or None."""
        for position, (index, _) in enumerate(self.visible(rows)):
            if self.row_rect(position).collidepoint(x, y):
                return index
        return None

    def columns(self, rows):
        """(heading, width, the row's text) of the columns drawn, and the headings left out for want of room."""
        drawn = [row for _, row in self.visible(rows)]
        columns = [
            column
            for column in COLUMNS  # the dataset's column once the runs are of two datasets or more
            if column[0] != "dataset" or len({row.get("dataset") for row in rows}) > 1
        ]
        widths = {
            heading: max([ui.text_width(heading, SIZE, True)] + [ui.text_width(text(row), SIZE) for row in drawn])
            for heading, text, _ in columns
        }
        gap = max(10, ui.line_height(SIZE) // 2)
        kept = list(columns)
        while sum(widths[heading] + gap for heading, _, _ in kept) - gap > self.rect.width:
            needed = min(need for _, _, need in kept)
            if needed == KEEP:
                break
            kept = [column for column in kept if column[2] != needed]
        for column in sorted(columns, key=lambda column: -column[2]):  # a narrow one left out may fit after all
            if (
                column not in kept
                and sum(widths[heading] + gap for heading, _, _ in kept) + widths[column[0]] <= self.rect.width
            ):
                kept = [other for other in columns if other in kept or other is column]
        left_out = [heading for heading, _, _ in columns if all(heading != kept_heading for kept_heading, _, _ in kept)]
        return [(heading, widths[heading] + gap, text) for heading, text, _ in kept], left_out

    def caption(self, left_out):
        """The line over the headings: what a click does, and which columns are left out, as room allows."""
        if left_out:
            hidden = f"not shown for room: {', '.join(left_out)}"
            candidates = [
                f"runs (click one to bring it back); {hidden}",
                f"runs; {hidden}",
                "runs; some columns hidden",
            ]
        else:
            candidates = CAPTIONS
        return next((text for text in candidates if ui.text_width(text, CAPTION) <= self.rect.width), candidates[-1])

    def draw(self, screen, rows, shown):
        columns, left_out = self.columns(rows)
        ui.label(screen, self.caption(left_out), (self.rect.x, self.rect.y), size=CAPTION, colour=ui.DIM)
        x = self.rect.x
        for heading, width, _ in columns:
            ui.label(
                screen,
                heading,
                (x, self.rect.y + header_height() - 4),
                size=SIZE,
                bold=True,
                anchor="bottomleft",
                padding=0,
            )
            x += width
        for position, (index, row) in enumerate(self.visible(rows)):
            rect = self.row_rect(position)
            if index == shown:
                pygame.draw.rect(screen, (255, 236, 179), rect)
            x = self.rect.x
            for _, width, text in columns:
                ui.label(screen, text(row), (x, rect.centery), size=SIZE, anchor="midleft", padding=0)
                x += width
