"""Step 4, the Testing page: the confusion matrices of the training and test sets; a cell lists its images."""

import numpy as np
import pygame

from mlcore.image_app.pages.base import Page, percent
from mlcore.image_app.pages.runs_table import run_caption
from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import ThumbnailGrid, class_colour, draw_enlarged

# Diagonal cells (the model was right) are blue, the others (wrong) vermilion: the theme's `correct` and
# `mistake`, through `theme.heat_colour`, which keeps any cell with images well away from an empty one.
CORRECT, MISTAKE = theme.DEFAULT.correct, theme.DEFAULT.mistake
TITLE = 44  # "Test set: 61% correct": the accuracy the lesson compares, read from the back of the room
COUNT = 44  # the largest count in a cell


CAPTION = "rows: true class, columns: predicted class"


def baseline_sentence(baseline):
    """What guessing scores, in words ("" before there is a baseline): the Testing page's question and the
    report's."""
    if baseline["uniform"] is None:
        return ""
    which = "test" if baseline["set"] == "test" else "training"
    return (
        f"Guessing at random scores {percent(baseline['uniform'])} on the {which} set; always answering "
        f"'{baseline['majority_class']}' scores {percent(baseline['majority'])}."
    )


class ConfusionView:
    """One confusion matrix: rows the true class, columns the predicted one, shaded by the share of the row.

    Its header (the title, the caption, the column names) is as tall as the theme's text needs. Where a class name
    is wider than its column, the columns are numbered and each row's name carries its number: names are never cut.

    `density`: pixels per screen pixel. A report draws the view at 2 (`figures.DENSITY`), in `figures.dense_theme`:
    the theme's sizes are then twice as large, and the view's own lengths and text sizes below are times `density`.
    """

    LABEL_WIDTH = 150  # the least room for the row names; more, up to 40% of the view, where the names need it
    ACCURACY_WIDTH = 78
    HEADER = 82  # the least height of the title, the caption and the column names
    NAME = 24  # the text size of the row names and of each row's accuracy
    CELL = 72  # the largest cell

    def __init__(self, rect, split, title, density=1):
        self.rect = pygame.Rect(rect)
        self.split, self.title = split, title
        self.density = density
        self.classes = []  # the classes drawn last: their names decide the room the row names take
        self._layout = None, None  # (what it was measured for, (row names' width, header's height, cell size))

    def px(self, length):
        """`length` screen pixels (a length or a text size) in this view's pixels."""
        return length * self.density

    def numbered(self, classes):
        """Whether the columns show numbers instead of names: one name is wider than its column."""
        room = self.layout(len(classes))[2] - self.px(2)
        return any(ui.text_width(name, theme.current().tick) > room for name in classes)

    def row_name(self, classes, row):
        return f"{row + 1} {classes[row]}" if self.numbered(classes) else classes[row]

    def label_width(self):
        names = [f"{i + 1} {name}" for i, name in enumerate(self.classes)]
        widest = max((ui.text_width(name, self.px(self.NAME)) for name in names), default=0) + self.px(28)
        return max(self.px(self.LABEL_WIDTH), min(widest, int(self.rect.width * 0.4)))

    def accuracy_width(self):
        return max(
            self.px(self.ACCURACY_WIDTH),
            ui.text_width("correct", theme.current().tick) + self.px(16),
            ui.text_width("100%", self.px(self.NAME)) + self.px(16),
        )

    def caption_lines(self):
        return ui.wrap(CAPTION, self.rect.width, theme.current().small)

    def header(self):
        """The title, the caption and the column names, at the text sizes drawn now."""
        look = theme.current()
        needed = (
            ui.line_height(self.px(TITLE))
            + self.px(6)
            + len(self.caption_lines()) * ui.line_height(look.small)
            + self.px(6)
            + ui.line_height(look.tick)
            + self.px(12)
        )
        return max(self.px(self.HEADER), needed)

    def cell_size(self, k):
        room_x = self.rect.width - self.label_width() - self.accuracy_width()
        room_y = self.rect.height - self.header()
        return max(self.px(12), min(self.px(self.CELL), room_x // max(k, 1), room_y // max(k, 1)))

    def layout(self, k):
        """(the row names' width, the header's height, the cell size) of a k-class matrix, measured once for the
        view's size, its classes and the text sizes drawn now (every cell's rectangle reads them)."""
        key = (self.rect.size, k, tuple(self.classes), theme.current(), theme.scale())
        if self._layout[0] != key:
            self._layout = key, (self.label_width(), self.header(), self.cell_size(k))
        return self._layout[1]

    def cell_rect(self, k, row, col):
        """Where cell (row, col) of a k-class matrix lies."""
        left, top, size = self.layout(k)
        return pygame.Rect(self.rect.x + left + col * size, self.rect.y + top + row * size, size, size)

    def hit(self, k, x, y):
        for row in range(k):
            for col in range(k):
                if self.cell_rect(k, row, col).collidepoint(x, y):
                    return row, col
        return None

    def draw(self, screen, matrix, classes, selected=None):
        self.classes = list(classes)
        k = len(classes)
        correct = np.trace(matrix) / matrix.sum() if matrix is not None and matrix.sum() else None
        ui.label(
            screen,
            f"{self.title}: {percent(correct)} correct",
            (self.rect.x, self.rect.y),
            size=self.px(TITLE),
            bold=True,
            readout=True,
        )
        if matrix is None:
            ui.label(
                screen,
                "train a model to fill it (page 3)",
                (self.rect.x, self.rect.y + ui.line_height(self.px(TITLE))),
                size=self.px(26),
                colour=ui.DIM,
            )
            return
        look = theme.current()
        y = self.rect.y + ui.line_height(self.px(TITLE)) + self.px(6)
        for line in self.caption_lines():
            ui.label(screen, line, (self.rect.x, y), size=look.small, colour=ui.DIM)
            y += ui.line_height(look.small)
        self._draw_columns(screen, classes)
        self._draw_rows(screen, matrix, classes)
        if selected is not None:
            pygame.draw.rect(screen, ui.INK, self.cell_rect(k, *selected).inflate(self.px(4), self.px(4)), self.px(4))

    def _draw_columns(self, screen, classes):
        """Above each column its class colour and its name (or its number, the row names then carry it)."""
        k, look, px = len(classes), theme.current(), self.px
        numbered = self.numbered(classes)
        for col, name in enumerate(classes):
            cell = self.cell_rect(k, 0, col)
            chip = (cell.x + px(2), cell.top - px(8), cell.width - px(4), px(6))
            pygame.draw.rect(screen, class_colour(name, classes), chip)
            ui.label(
                screen,
                str(col + 1) if numbered else name,
                (cell.centerx, cell.top - px(10)),
                size=look.tick,
                anchor="midbottom",
                padding=0,
            )
        top = self.cell_rect(k, 0, k - 1)
        ui.label(
            screen,
            "correct",
            (top.right + px(8), top.top - px(10)),
            size=look.tick,
            colour=ui.DIM,
            anchor="bottomleft",
            padding=0,
        )

    def _draw_rows(self, screen, matrix, classes):
        k, look, px = len(classes), theme.current(), self.px
        (label_width, _, size), name_size = self.layout(k), px(self.NAME)
        text_size = count_size(size, int(np.max(matrix)), self.density)
        rows = matrix.sum(axis=1)
        for row, name in enumerate(classes):
            first = self.cell_rect(k, row, 0)
            chip = min(px(14), size - px(6))
            pygame.draw.rect(
                screen,
                class_colour(name, classes),
                (self.rect.x, first.centery - chip // 2, chip, chip),
                border_radius=px(3),
            )
            room = label_width - px(28)
            lines = ui.wrap(self.row_name(classes, row), room, name_size)
            too_long = any(ui.text_width(line, name_size) > room for line in lines)
            if len(lines) * ui.line_height(name_size) > size or too_long:
                lines = [ui.cut(self.row_name(classes, row), room, name_size)]  # a name longer than any room left
            line_y = first.centery - len(lines) * ui.line_height(name_size) // 2
            for line in lines:
                ui.label(screen, line, (self.rect.x + px(20), line_y), size=name_size, padding=0)
                line_y += ui.line_height(name_size)
            for col in range(k):
                cell = self.cell_rect(k, row, col)
                count = int(matrix[row, col])
                share = count / rows[row] if rows[row] else 0.0
                colour = theme.heat_colour(look.correct if row == col else look.mistake, share, count)
                pygame.draw.rect(screen, colour, cell)
                pygame.draw.rect(screen, (190, 190, 196), cell, px(1))
                ui.label(
                    screen,
                    count,
                    cell.center,
                    size=text_size,
                    bold=True,
                    anchor="center",
                    colour=ui.text_colour(colour),
                    readout=True,
                )
            right = self.cell_rect(k, row, k - 1).right + px(8)
            share = matrix[row, row] / rows[row] if rows[row] else None
            ui.label(screen, percent(share), (right, first.centery), size=name_size, anchor="midleft")


def count_size(cell, largest, density=1):
    """The text size of the counts in cells `cell` pixels wide: as large as the cell allows (read from the back of the
    room), up to COUNT, with the `largest` count fitting across (`density`: pixels per screen pixel)."""
    least = 18 * density
    size = max(least, min(COUNT * density, int(cell * 0.72)))
    while size > least and ui.text_width(str(largest), size, True) > cell - 8 * density:
        size -= 2
    return size


class TestingPage(Page):
    """Step 4: the confusion matrices of the training and test sets; a click on a cell lists its images."""

    def __init__(self, rect, pipeline, thumbnails, report=None):
        super().__init__(rect, pipeline, thumbnails)
        self.report = report  # K's action: the lesson's report, written to a new folder
        self.report_button = ui.Button((self.rect.right - 150, self.rect.y, 150, 36), "Report", size=27)
        half = (self.rect.width - 32) // 2
        top = self.rect.y + 40
        members_top = self.rect.bottom - 128  # room for one row of pictures
        height = members_top - 4 - top
        self.views = [
            ConfusionView((self.rect.x, top, half, height), "train", "Training set"),
            ConfusionView((self.rect.x + half + 32, top, half, height), "test", "Test set"),
        ]
        self.members = ThumbnailGrid(
            (self.rect.x, members_top, self.rect.width, self.rect.bottom - members_top),
            "Click a cell to see its images",
            size=64,
            header=40,
        )
        self.selected = None  # (split, row, col)
        self.selected_model = None  # the model whose answers the cell counts
        self.answer = None  # the enlarged image's {"true", "predicted", "probabilities"}
        self.question = []  # the teaching question's lines, over the matrices
        self.run_line = ""  # which run of the runs table the matrices are, once there are two or more

    def grids(self):
        return [self.members]

    def _place_views(self, question, run_line=""):
        """Put the matrices under the line naming the run and the teaching question, however many lines they
        take."""
        self.question, self.run_line = question, run_line
        top = self.question_top() + max(40, len(question) * ui.line_height(27) + 12)
        for view in self.views:
            view.rect.height = self.members.rect.y - 4 - top
            view.rect.y = top

    def question_top(self):
        """Where the teaching question starts: under the line naming the run, where there is one."""
        return self.rect.y + (ui.line_height(theme.current().small) + 4 if self.run_line else 0)

    def view(self, split):
        return self.views[0 if split == "train" else 1]

    def update(self):
        super().update()
        model = self.pipeline.model
        if self.selected and model is not self.selected_model:  # trained again, or the data changed
            if model is None or len(self.classes) <= max(self.selected[1:]):
                self.selected = None
                self.members.set_items([])
            else:
                self.select(*self.selected)

    def select(self, split, row, col):
        self.selected, self.selected_model = (split, row, col), self.pipeline.model
        indices = self.pipeline.cell_members(split, row, col)
        self.members.set_items([(split, i) for i in indices])

    def click(self, x, y):
        if self.report_button.hit(x, y) and self.report is not None:
            self.report()
            return
        k = len(self.classes)
        for view in self.views:
            matrix = self.pipeline.confusion_train if view.split == "train" else self.pipeline.confusion_test
            cell = view.hit(k, x, y) if matrix is not None else None
            if cell is not None:
                self.select(view.split, *cell)
                return
        item = self.members.click(x, y)
        if item not in (None, "page"):
            self.enlarged = item
            ranked = self.pipeline.predict_sample(*item)
            true = self.thumbnails.sample(*item).label
            self.answer = (
                {
                    "true": true,
                    "predicted": ranked[0][0],
                    "probabilities": {label: round(float(p), 4) for label, p in ranked},
                }
                if ranked
                else None
            )

    def draw_overlay(self, screen):
        """The enlarged image with its true class, the class the model gave and the model's confidences."""
        if self.enlarged is None or self.pipeline.dataset is None:
            return
        answer = self.answer
        if answer is None:
            draw_enlarged(screen, self.thumbnails, self.enlarged, self.classes)
            return
        caption = f"true: {answer['true']}   predicted: {answer['predicted']}"
        box = draw_enlarged(screen, self.thumbnails, self.enlarged, self.classes, caption)
        self._draw_confidences(screen, box, list(answer["probabilities"].items()))

    def _draw_confidences(self, screen, box, rows):
        """A card right of the enlarged picture: each class's name (whole: its column as wide as the widest name,
        a name of several words on two lines where the card has no more room), a bar and the confidence."""
        size, bar_width, gap = 22, 110, 10
        room = screen.get_width() - 8 - (box.right + 16) - 28  # inside the card, whose edge stays on the canvas
        number_width = ui.text_width("100%", size) + 6
        name_width = max(ui.text_width(name, size) for name, _ in rows)
        bar_width = max(50, min(bar_width, room - name_width - gap - number_width))
        name_width = min(name_width, room - bar_width - gap - number_width)
        title = ui.wrap("the model's confidence", max(name_width + gap + bar_width + number_width, 120), 24, True)
        inner = max([name_width + gap + bar_width + number_width] + [ui.text_width(line, 24, True) for line in title])
        step = ui.line_height(size)
        lines = [ui.wrap(name, name_width, size) or [name] for name, _ in rows]
        pitches = [max(34, len(name_lines) * step + 12) for name_lines in lines]
        top = 12 + len(title) * ui.line_height(24) + 12
        card = pygame.Rect(box.right + 16, box.y, inner + 28, top + sum(pitches) + 8)
        pygame.draw.rect(screen, (255, 255, 255), card, border_radius=10)
        for number, line in enumerate(title):
            ui.label(screen, line, (card.x + 14, card.y + 12 + number * ui.line_height(24)), size=24, bold=True)
        y = card.y + top
        for (name, p), name_lines, pitch in zip(rows, lines, pitches):
            middle = y + pitch // 2
            for number, line in enumerate(name_lines):
                line_middle = middle + round((number - (len(name_lines) - 1) / 2) * step)
                ui.label(
                    screen, ui.cut(line, name_width, size), (card.x + 14, line_middle), size=size, anchor="midleft"
                )
            bar = pygame.Rect(card.x + 14 + name_width + gap, middle - 10, bar_width, 20)
            colour = class_colour(name, self.classes) if name in self.classes else ui.ACCENT
            pygame.draw.rect(screen, (232, 232, 236), bar)
            pygame.draw.rect(screen, colour, (bar.x, bar.y, round(bar.width * p), bar.height))
            ui.label(screen, f"{p:.0%}", (bar.right + 6, bar.centery), size=size, anchor="midleft")
            y += pitch

    def draw(self, screen):
        pipeline = self.pipeline
        baseline = pipeline.baseline()
        run_line = (
            run_caption(pipeline.runs_state(), pipeline.run_shown, self.rect.width, theme.current().small)
            if pipeline.model is not None
            else ""
        )
        self._place_views(self._question_lines(baseline), run_line)
        if self.run_line:
            ui.label(screen, self.run_line, self.rect.topleft, size=theme.current().small, bold=True, colour=ui.ACCENT)
        for number, text in enumerate(self.question):
            ui.label(screen, text, (self.rect.x, self.question_top() + number * ui.line_height(27)), size=27)
        self.report_button.rect.y = self.question_top()
        self.report_button.draw(screen)
        for view in self.views:
            matrix = pipeline.confusion_train if view.split == "train" else pipeline.confusion_test
            chosen = self.selected[1:] if self.selected and self.selected[0] == view.split else None
            view.draw(screen, None if matrix is None else np.asarray(matrix), self.classes, chosen)
        if self.selected:
            split, row, col = self.selected
            where = "training" if split == "train" else "test"
            count = len(self.members.items)
            self.members.title = (
                f"{count} {where} image{'s' if count != 1 else ''}: true {self.classes[row]}, "
                f"predicted {self.classes[col]}"
            )
            self.members.draw(screen, self.thumbnails, self.classes)
        elif pipeline.model is not None:
            ui.label(screen, "Click a cell to see its images", self.members.rect.topleft, size=30, bold=True)

    def _question_lines(self, baseline):
        """The teaching question (does the model beat guessing?), wrapped beside the Report button; none before a
        baseline."""
        line = baseline_sentence(baseline)
        if not line:
            return []
        return ui.wrap(f"{line} Does the model beat that?", self.report_button.rect.x - 16 - self.rect.x, 27)

    def state(self):
        if not self.selected:
            return {"selected_cell": None}
        answer = {"enlarged_answer": self.answer if self.enlarged is not None else None}
        split, row, col = self.selected
        return {
            "selected_cell": {
                "split": split,
                "true": self.classes[row],
                "predicted": self.classes[col],
                "row": row,
                "col": col,
                "members": [index for _, index in self.members.items],
            },
            **answer,
        }
