"""Step 1, the Data page: choose a dataset, or record your own with "New dataset"; browse its images."""

import pygame

from mlcore.data.datasets import COURSE_DATASETS
from mlcore.image_app.pages.base import Page, job_bar
from mlcore.image_engine.edits import SETS, other_set
from mlcore.widgets import ui
from mlcore.widgets.thumbnails import ThumbnailGrid, class_colour

NEW_DATASET = "New dataset"  # your own classes, recorded with the camera (mlcore.image_app.collection_view)
DATASET_BUTTONS = ["builtin"] + COURSE_DATASETS + [NEW_DATASET]
EXPORT = "Export"  # the dataset as one Marcelle file (mlcore.image_app.files)
UNDO = "Undo"  # the last edit of the data (mlcore.image_engine.edits)


CHIPS = 40  # where the class chips start under a grid's title
HEADER = 68  # a grid's header when the chips take one line


def chip_lines(chips, width):
    """The chips (name, count, colour) on as few lines as `width` allows: a list of lines of (chip, its x)."""
    lines, x = [[]], 0
    for chip in chips:
        chip_width = 22 + ui.text_width(f"{chip[0]} {chip[1]}", 22)
        if lines[-1] and x + chip_width > width:
            lines.append([])
            x = 0
        lines[-1].append((chip, x))
        x += chip_width + 14
    return lines


def chips_header(lines):
    """The height of a grid's header (its title, then `lines` lines of chips)."""
    return max(HEADER, CHIPS + (len(lines) - 1) * (ui.line_height(22) + 4) + ui.line_height(22) + 6)


def draw_chips(surface, x, y, lines, right):
    """Class chips, on the lines `chip_lines` made: a colour square, the name and a count, whole."""
    pitch = ui.line_height(22) + 4
    for row, line in enumerate(lines):
        for (name, count, colour), left in line:
            top = y + row * pitch
            pygame.draw.rect(surface, colour, (x + left, top + 2, 16, 16), border_radius=3)
            text = ui.cut(f"{name} {count}", right - x - left - 20, 22)  # only a name wider than the whole line
            ui.label(
                surface, text, (x + left + 20, top - 1), size=22, colour=ui.ERROR if count == 0 else ui.INK, padding=0
            )


class DataPage(Page):
    """Step 1: choose a dataset, or record your own with "New dataset"; browse its training and test images."""

    def __init__(self, rect, pipeline, thumbnails, *, own, edits, load, open_collection, export, screen_size):
        super().__init__(rect, pipeline, thumbnails)
        self.own = own  # your own classes (mlcore.image_app.own_classes.OwnClasses): drawn while they are the data
        self.edits = edits  # delete or move the enlarged image, and undo (mlcore.image_engine.edits.DataEdits)
        self.load, self.open_collection, self.export = load, open_collection, export  # the dataset buttons, Export
        self.screen_size = screen_size  # the enlarged image is drawn in the middle of the screen, its buttons beside
        width = (self.rect.width - 8 * (len(DATASET_BUTTONS) - 1)) // len(DATASET_BUTTONS)
        self.buttons = [
            ui.Button((self.rect.x + i * (width + 8), self.rect.y, width, 46), name, size=27)
            for i, name in enumerate(DATASET_BUTTONS)
        ]
        half = (self.rect.width - 24) // 2
        top = self.rect.y + 104
        height = self.rect.bottom - top
        self.train_grid = ThumbnailGrid(
            (self.rect.x, top, half, height), "Training set", size=64, header=HEADER, may_number=True
        )
        self.test_grid = ThumbnailGrid(
            (self.rect.x + half + 24, top, half, height), "Test set", size=64, header=HEADER, may_number=True
        )
        self.collection_area = pygame.Rect(self.rect.x, top, self.rect.width, height)
        self.export_button = ui.Button((self.rect.right - 140, self.rect.y + 58, 140, 38), EXPORT, size=26)
        self.undo_button = ui.Button((self.rect.right - 290, self.rect.y + 58, 140, 38), UNDO, size=26)
        self.collector = None  # the New dataset view (mlcore.image_app.collection_view.CollectionView), set by the app
        self.collecting = False  # True while the New dataset view replaces the grids

    def button_center(self, name):
        return self.buttons[DATASET_BUTTONS.index(name)].rect.center

    def grids(self):
        return [] if self.collecting else [self.train_grid, self.test_grid]

    def update(self):
        super().update()
        self.show_dataset(self.train_grid, self.test_grid)

    def click(self, x, y):
        for button in self.buttons:
            if button.hit(x, y):
                if button.caption == NEW_DATASET:
                    self.open_collection()
                else:
                    self.load(button.caption)
                return
        if self.collecting:
            self.collector.click(x, y)
            return
        if self.export_button.hit(x, y) and self.pipeline.dataset is not None:
            self.export()
            return
        if self.undo_button.hit(x, y) and self.edits.state()["edits"]:
            self.edits.undo()
            return
        for grid in self.grids():
            item = grid.click(x, y)
            if item not in (None, "page"):
                self.enlarged = item

    # -- editing the data: buttons beside an enlarged image ----------------------------------------------------
    def edit_actions(self):
        """What the buttons beside the enlarged image do: Delete, Move to the other set, then Move to each other
        class."""
        split, index = self.enlarged
        samples = self.pipeline.dataset.train if split == "train" else self.pipeline.dataset.test
        actions = [("Delete", None), (f"Move to {SETS[other_set(split)]}", None)]
        return actions + [(f"Move to {name}", name) for name in self.classes if name != samples[index].label]

    def edit_button_rect(self, position):
        """Where the edit button at `position` (0: Delete, 1: Move, then the classes) lies, right of the image."""
        width, height = self.screen_size
        return pygame.Rect(width // 2 + 220, height // 2 - 200 + position * 48, 240, 40)

    def click_overlay(self, x, y):
        """A click on an edit button edits the enlarged image; anywhere else closes it."""
        if self.enlarged is not None and not self.collecting and self.pipeline.dataset is not None:
            for position, (_, label) in enumerate(self.edit_actions()):
                if self.edit_button_rect(position).collidepoint(x, y):
                    (split, index), self.enlarged = self.enlarged, None
                    if position == 0:
                        self.edits.delete(split, index)
                    else:
                        self.edits.move(
                            split, index, label=label, to_split=other_set(split) if position == 1 else split
                        )
                    return True
        return super().click_overlay(x, y)

    def draw_overlay(self, screen):
        super().draw_overlay(screen)
        if self.enlarged is not None and not self.collecting and self.pipeline.dataset is not None:
            for position, (caption, _) in enumerate(self.edit_actions()):
                ui.Button(self.edit_button_rect(position), caption, size=24).draw(screen)

    def state(self):
        """The first image shown in each grid (browsing moves it)."""
        return {
            "browse": {
                "train": self.train_grid.first_row * self.train_grid.columns,
                "test": self.test_grid.first_row * self.test_grid.columns,
            },
            "collecting": self.collecting,
            "edits": self.edits.state()["edits"],
        }

    def draw(self, screen):
        dataset = self.pipeline.dataset
        job = self.pipeline.job
        loading = job.name if job is not None and job.running and job.name in ("load", "run_all") else None
        mine = self.own.in_use()
        for button in self.buttons:
            if button.caption == NEW_DATASET:
                button.selected = self.collecting or (mine and not loading)
            else:
                button.selected = (
                    dataset is not None
                    and dataset.name == button.caption
                    and not loading
                    and not self.collecting
                    and not mine
                )
            button.draw(screen)
        status = pygame.Rect(self.rect.x, self.rect.y + 56, self.rect.width, 40)
        if self.collecting:
            self._draw_collection_status(screen, status)
            self.collector.draw(screen)
            return
        if loading:
            job_bar(screen, (status.x, status.y + 12, 360, 16), job)
            text = job.message or "loading"
            if job.total:
                text += f": {job.done / 1e6:.1f} of {job.total / 1e6:.1f} MB"
            ui.label(screen, ui.cut(text, status.width - 380, 28), (status.x + 376, status.y + 6), size=28)
        elif dataset is not None:
            summary = (
                f"{dataset.name}: {len(dataset.classes)} classes, {len(dataset.train)} training images, "
                f"{len(dataset.test)} test images"
            )
            count = len(dataset.problems)
            problems = f"{count} problem{'s' if count > 1 else ''}: click the message bar" if count else ""
            self.export_button.draw(screen)
            edited = bool(self.edits.state()["edits"])
            if edited:
                self.undo_button.draw(screen)
            room = status.width - (306 if edited else 156) - (ui.text_width(problems, 28, True) + 16 if problems else 0)
            box = ui.label(screen, ui.cut(summary, room, 28, True), (status.x, status.y + 6), size=28, bold=True)
            if problems:
                ui.label(screen, problems, (box.right + 16, status.y + 6), size=28, colour=ui.ERROR, bold=True)
        else:
            hint = "Choose a dataset (builtin works offline, the others download once), or record your own: New dataset"
            ui.label(screen, ui.cut(hint, status.width, 28), (status.x, status.y + 6), size=28)
        if dataset is not None:
            self._draw_grids(screen, dataset)

    def _draw_grids(self, screen, dataset):
        """The training and test pictures, each grid under its classes' counts (both grids' pictures level)."""
        counts, classes = dataset.counts(), dataset.classes
        for grid in self.train_grid, self.test_grid:
            grid.fit(classes)  # whether the pictures' bands number the classes, which the chips then do too
        lines = {
            grid: chip_lines(
                [
                    (f"{number} {name}" if grid.numbered else name, counts[split][name], class_colour(name, classes))
                    for number, name in enumerate(classes, 1)
                ],
                grid.rect.width,
            )
            for grid, split in ((self.train_grid, "train"), (self.test_grid, "test"))
        }
        header = max(chips_header(grid_lines) for grid_lines in lines.values())
        for grid, grid_lines in lines.items():
            grid.set_header(header)
            grid.draw(screen, self.thumbnails, dataset.classes)
            draw_chips(screen, grid.rect.x, grid.rect.y + CHIPS, grid_lines, grid.rect.right)

    def _draw_collection_status(self, screen, status):
        collection = self.own.collection
        images = len(collection)
        classes = len(collection.classes)
        line = (
            f"{collection.name}: {classes} class{'es' if classes != 1 else ''}, {images} "
            f"image{'s' if images != 1 else ''}"
        )
        box = ui.label(screen, line, (status.x, status.y + 6), size=28, bold=True)
        if collection.save_error:
            text, colour = collection.save_error, ui.ERROR
        elif not self.own.folder_writable:  # said before a recording fails: nothing is autosaved there
            text, colour = f"{collection.folder} cannot be written: recordings stay in memory", ui.ERROR
        else:
            text, colour = f"autosaved in {collection.folder}", ui.DIM
        ui.label(
            screen,
            ui.cut(text, status.right - box.right - 20, 24),
            (box.right + 16, status.y + 9),
            size=24,
            colour=colour,
        )
