"""What every page shares: the Page class, and the small drawings more than one page (or the tab bar) makes."""

import pygame

from mlcore.image_app.steps import STEP_NAMES, job_running
from mlcore.widgets import ui
from mlcore.widgets.thumbnails import draw_enlarged


def percent(value):
    return "–" if value is None else f"{value:.0%}"


def accent_button(rect, caption, size=30):
    button = ui.Button(rect, caption, size=size)
    button.selected = True  # drawn in the accent colour: the page's main action
    return button


def white_panel(surface, rect):
    """The white card with a thin border that holds a page's details."""
    pygame.draw.rect(surface, (255, 255, 255), rect, border_radius=10)
    pygame.draw.rect(surface, (200, 200, 206), rect, 1, border_radius=10)


def job_bar(surface, rect, job):
    """A job's progress bar; while its total is unknown (reading a file), a block that slides to and fro."""
    rect = pygame.Rect(rect)
    if job.total:
        ui.progress_bar(surface, rect, job.fraction)
        return
    ui.progress_bar(surface, rect, 0.0)
    block = pygame.Rect(0, rect.y, rect.width // 4, rect.height)
    swing = (pygame.time.get_ticks() / 1500) % 2
    block.x = rect.x + round((swing if swing < 1 else 2 - swing) * (rect.width - block.width))
    pygame.draw.rect(surface, ui.ACCENT, block, border_radius=rect.height // 2)


def draw_job_progress(surface, rect, job, names):
    """A progress bar and its message while `job` (one of `names`) runs; True if it drew one."""
    if job is None or not job.running or job.name not in names:
        return False
    rect = pygame.Rect(rect)
    job_bar(surface, (rect.x, rect.y, rect.width, 16), job)
    y = rect.y + 22
    for line in ui.wrap(job.message or job.name, rect.width, 26)[:2]:  # a long message on two lines, not cut
        ui.label(surface, ui.cut(line, rect.width, 26), (rect.x, y), size=26)
        y += ui.line_height(26)
    return True


def short_job_text(job, width, size):
    """What a job is doing in `width` pixels: its message where it fits, else the message without its names of
    files and extractors, else its first word and how far it has come ("features: 40/120")."""
    name = STEP_NAMES.get(job.name, job.name)
    message = job.message or name
    plain = " ".join(
        word for word in message.split() if "_" not in word and not ("/" in word and any(c.isalpha() for c in word))
    )
    first = (plain.split(":")[0].split() or [name])[0].rstrip(":")
    counted = f"{first}: {job.done}/{job.total}" if job.total else first
    candidates = [message, plain, counted, name, f"{job.fraction:.0%}" if job.total else name]
    return next((text for text in candidates if ui.text_width(text, size) <= width), ui.cut(name, width, size))


def draw_answer(surface, x, y, label, confidence, room, colour=None):
    """A prediction in large type: the class (on a band of its class's `colour`, as its pictures are captioned),
    and how sure the model is under it."""
    text = ui.cut(label, room - 12, 44, True)
    if colour is None:
        ui.label(surface, text, (x, y + 4), size=44, bold=True, colour=ui.ACCENT, readout=True)
    else:
        ui.label(
            surface,
            text,
            (x + 6, y + 4),
            size=44,
            bold=True,
            colour=ui.text_colour(colour),
            background=colour,
            padding=6,
            readout=True,
        )
    ui.label(surface, f"{confidence:.0%} sure", (x, y + 48), size=32, bold=True)


class Page:
    """What every page can do; a page overrides the parts it needs.

    A page is handed what it draws (the pipeline, the thumbnails of its pictures) and, by its subclass, the few
    actions it may take; it never sees the window that holds it.
    """

    def __init__(self, rect, pipeline, thumbnails=None):
        self.rect = pygame.Rect(rect)
        self.pipeline = pipeline
        self.thumbnails = thumbnails  # the pictures of the dataset's images (pages that show none have None)
        self.enlarged = None  # (split, index) shown large over the page

    @property
    def busy(self):
        """True while one of the pipeline's jobs runs."""
        return job_running(self.pipeline)

    @property
    def animating(self):
        """True while the page moves on its own (the window then draws at full speed)."""
        return False

    @property
    def classes(self):
        dataset = self.pipeline.dataset
        return dataset.classes if dataset is not None else []

    def update(self):
        dataset = self.pipeline.dataset
        if self.enlarged is not None and (dataset is None or self.thumbnails.dataset is not dataset):
            self.enlarged = None

    def show_dataset(self, train_grid, test_grid):
        """Fill a training grid and a test grid with the images of the dataset now loaded."""
        dataset = self.pipeline.dataset
        train_grid.set_items([("train", i) for i in range(len(dataset.train))] if dataset else [])
        test_grid.set_items([("test", i) for i in range(len(dataset.test))] if dataset else [])

    def draw(self, screen):
        pass

    def draw_overlay(self, screen):
        if self.enlarged is not None and self.pipeline.dataset is not None:
            draw_enlarged(screen, self.thumbnails, self.enlarged, self.classes)

    def click_overlay(self, x, y):
        """A click while an image is enlarged closes it, wherever it lands."""
        if self.enlarged is None:
            return False
        self.enlarged = None
        return True

    def click(self, x, y):
        pass

    def grids(self):
        return []

    def wheel(self, x, y, dy):
        for grid in self.grids():
            if grid.rect.collidepoint(x, y):
                grid.scroll(-dy)

    def page_key(self, key, x, y):
        """Page Up / Page Down: browse the grid under the mouse at (x, y), else the first one."""
        grids = self.grids()
        under = [grid for grid in grids if grid.rect.collidepoint(x, y)] or grids[:1]
        for grid in under:
            grid.scroll(grid.rows if key == "page down" else -grid.rows)

    def state(self):
        return {}
