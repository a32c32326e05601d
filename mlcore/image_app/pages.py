"""The five pages of the image classifier: Data, Features, Training, Testing and Deployment.

Each page draws itself inside the content area that `mlcore.image_app.app.ImageApp` gives it, answers clicks, the
wheel and Page Up / Page Down, and adds what it shows to the state JSON. The pages only read the pipeline's
fields and ask the app for work (`app.load`, `app.extract`, `app.train`…); none of them waits on a job.
Where a script or a test needs to click something, the page says where it is (`button_center`,
`ConfusionView.cell_rect`, `ThumbnailGrid.item_center`), so coordinates are never guessed.
"""

from pathlib import Path

import cv2
import numpy as np
import pygame

from mlcore.widgets import charts, ui
from mlcore.data.datasets import COURSE_DATASETS
from mlcore.ml.features import EXTRACTORS
from mlcore.runtime import mouse
from mlcore.widgets.thumbnails import ThumbnailGrid, class_colour, draw_enlarged, image_surface

NEW_DATASET = "New dataset"  # your own classes, recorded with the camera (mlcore.image_app.collection_view)
DATASET_BUTTONS = ["builtin"] + COURSE_DATASETS + [NEW_DATASET]
DESCRIPTIONS = {
    "stored": "The numbers the course's Marcelle app stored with each image (1024 from MobileNet v1). "
              "Nothing to compute, but only Marcelle files have them, and new images cannot use them.",
    "efficientnet_lite0": "EfficientNet-Lite0, a network trained on 1.3 million ImageNet photos, describes each "
                          "image with 1280 numbers about what it shows. Works offline.",
    "mobilenet_v3_small": "MobileNet V3 Small, also trained on ImageNet: 576 numbers per image. Its weights are "
                          "downloaded once, so the first time needs the internet.",
    "color_histogram": "How much of the image falls in each of 8 x 8 x 8 colour boxes: 512 numbers. "
                       "It knows colours, not shapes.",
    "pixels": "The image shrunk to 16 x 16 pixels: 768 raw numbers, what a network sees with no help.",
}
CORRECT = (0, 114, 178)   # diagonal cells: the model was right (blue)
MISTAKE = (213, 94, 0)    # other cells: the model was wrong (vermilion)
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]


# ------------------------------------------------------------------------------------------------ parameters


def parse_layers(text):
    """"64,32" or "64 32" as [64, 32]; "" or "none" as [] (no hidden layer)."""
    text = str(text).strip().strip("[]").strip()
    if text.lower() in ("", "none"):
        return []
    try:
        layers = [int(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise ValueError(f"whole numbers separated by commas, like 64, 32 (not {text!r})") from None
    if any(units < 1 or units > 4096 for units in layers):
        raise ValueError("each hidden layer has from 1 to 4096 units")
    if len(layers) > 8:
        raise ValueError("at most 8 hidden layers")
    return layers


def _whole(text, low, high):
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ValueError(f"a whole number from {low} to {high} (not {str(text).strip()!r})") from None
    if not low <= value <= high:
        raise ValueError(f"a whole number from {low} to {high} (not {value})")
    return value


def _number(text, low, high, low_included=True):
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"a number from {low} to {high} (not {str(text).strip()!r})") from None
    if not (value >= low if low_included else value > low) or not value <= high or value != value:
        raise ValueError(f"a number {'from' if low_included else 'above'} {low} to {high} (not {value:g})")
    return value


def parse_param(key, text):
    """A training setting typed as text, checked; ValueError says, in a few words, what a good value is."""
    if key == "hidden_layers":
        return parse_layers(text)
    if key == "epochs":
        return _whole(text, 1, 10000)
    if key == "batch_size":
        return _whole(text, 1, 100000)
    if key == "learning_rate":
        return _number(text, 0, 10, low_included=False)
    if key == "validation_split":
        return _number(text, 0, 0.9)
    if key == "seed":
        return _whole(text, 0, 2**31 - 1)
    raise ValueError(f"unknown setting {key!r}")


def show_param(key, value):
    """A setting as a person would type it."""
    if key == "hidden_layers":
        return ", ".join(str(units) for units in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def step_param(key, value, up):
    """The next value up or down, for the + and - buttons."""
    if key == "hidden_layers":
        if up:
            return (list(value) + [max(2, value[-1] // 2) if value else 32])[:8]
        return list(value)[:-1]
    if key == "epochs":
        step = 1 if value < 5 or (value == 5 and not up) else 5
        return max(1, value + step if up else value - step)
    if key == "batch_size":
        return min(100000, value * 2) if up else max(1, value // 2)
    if key == "learning_rate":
        if up:
            return next((rate for rate in LEARNING_RATES if rate > value * 1.0001), value)
        return next((rate for rate in reversed(LEARNING_RATES) if rate < value * 0.9999), value)
    if key == "validation_split":
        return round(min(0.9, max(0.0, value + (0.05 if up else -0.05))), 2)
    return max(0, (value or 0) + (1 if up else -1))  # the seed


# ------------------------------------------------------------------------------------------------ small helpers


def percent(value):
    return "–" if value is None else f"{value:.0%}"


def accent_button(rect, caption, size=30):
    button = ui.Button(rect, caption, size=size)
    button.selected = True  # drawn in the accent colour: the page's main action
    return button


def draw_chips(surface, x, y, chips, right):
    """Class chips on one line: a colour square, the name and a count; cut where the line ends."""
    for name, count, colour in chips:
        text = f"{name} {count}"
        width = 22 + ui.text_width(text, 22)
        if x + width > right:
            ui.label(surface, "…", (x, y), size=22, colour=ui.DIM)
            return
        pygame.draw.rect(surface, colour, (x, y + 2, 16, 16), border_radius=3)
        ui.label(surface, text, (x + 20, y - 1), size=22, colour=ui.ERROR if count == 0 else ui.INK, padding=0)
        x += width + 14


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
    ui.label(surface, ui.cut(job.message or job.name, rect.width, 26), (rect.x, rect.y + 22), size=26)
    return True


# ------------------------------------------------------------------------------------------------ pages


class Page:
    """What every page can do; a page overrides the parts it needs."""

    def __init__(self, app, rect):
        self.app = app
        self.rect = pygame.Rect(rect)
        self.enlarged = None  # (split, index) shown large over the page

    @property
    def pipeline(self):
        return self.app.pipeline

    @property
    def classes(self):
        dataset = self.pipeline.dataset if self.pipeline else None
        return dataset.classes if dataset is not None else []

    def update(self):
        dataset = self.pipeline.dataset
        if self.enlarged is not None and (dataset is None or self.app.thumbnails.dataset is not dataset):
            self.enlarged = None

    def draw(self, screen):
        pass

    def draw_overlay(self, screen):
        if self.enlarged is not None and self.pipeline.dataset is not None:
            draw_enlarged(screen, self.app.thumbnails, self.enlarged, self.classes)

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

    def page_key(self, key):
        grids = self.grids()
        under = [grid for grid in grids if grid.rect.collidepoint(mouse.x, mouse.y)] or grids[:1]
        for grid in under:
            grid.scroll(grid.rows if key == "page down" else -grid.rows)

    def state(self):
        return {}


class DataPage(Page):
    """Step 1: choose a dataset, or record your own with "New dataset"; browse its training and test images."""

    def __init__(self, app, rect):
        super().__init__(app, rect)
        width = (self.rect.width - 8 * (len(DATASET_BUTTONS) - 1)) // len(DATASET_BUTTONS)
        self.buttons = [ui.Button((self.rect.x + i * (width + 8), self.rect.y, width, 46), name, size=27)
                        for i, name in enumerate(DATASET_BUTTONS)]
        half = (self.rect.width - 24) // 2
        top = self.rect.y + 104
        height = self.rect.bottom - top
        self.train_grid = ThumbnailGrid((self.rect.x, top, half, height), "Training set", size=64, header=68)
        self.test_grid = ThumbnailGrid((self.rect.x + half + 24, top, half, height), "Test set", size=64, header=68)
        self.collection_area = pygame.Rect(self.rect.x, top, self.rect.width, height)
        self.collector = None  # the New dataset view (mlcore.image_app.collection_view.CollectionView), set by the app
        self.collecting = False  # True while the New dataset view replaces the grids

    def button_center(self, name):
        return self.buttons[DATASET_BUTTONS.index(name)].rect.center

    def grids(self):
        return [] if self.collecting else [self.train_grid, self.test_grid]

    def update(self):
        super().update()
        dataset = self.pipeline.dataset
        self.train_grid.set_items([("train", i) for i in range(len(dataset.train))] if dataset else [])
        self.test_grid.set_items([("test", i) for i in range(len(dataset.test))] if dataset else [])

    def click(self, x, y):
        for button in self.buttons:
            if button.hit(x, y):
                if button.caption == NEW_DATASET:
                    self.app.open_collection()
                else:
                    self.app.load(button.caption)
                return
        if self.collecting:
            self.collector.click(x, y)
            return
        for grid in self.grids():
            item = grid.click(x, y)
            if item not in (None, "page"):
                self.enlarged = item

    def state(self):
        """The first image shown in each grid (browsing moves it)."""
        return {"browse": {"train": self.train_grid.first_row * self.train_grid.columns,
                           "test": self.test_grid.first_row * self.test_grid.columns},
                "collecting": self.collecting}

    def draw(self, screen):
        dataset = self.pipeline.dataset
        job = self.app.job
        loading = job.name if job is not None and job.running and job.name in ("load", "run_all") else None
        mine = self.app.collection_in_use()
        for button in self.buttons:
            if button.caption == NEW_DATASET:
                button.selected = self.collecting or (mine and not loading)
            else:
                button.selected = (dataset is not None and dataset.name == button.caption and not loading
                                   and not self.collecting and not mine)
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
            summary = (f"{dataset.name}: {len(dataset.classes)} classes, {len(dataset.train)} training images, "
                       f"{len(dataset.test)} test images")
            count = len(dataset.problems)
            problems = f"{count} problem{'s' if count > 1 else ''}: click the message bar" if count else ""
            room = status.width - (ui.text_width(problems, 28, True) + 16 if problems else 0)
            box = ui.label(screen, ui.cut(summary, room, 28, True), (status.x, status.y + 6), size=28, bold=True)
            if problems:
                ui.label(screen, problems, (box.right + 16, status.y + 6), size=28, colour=ui.ERROR, bold=True)
        else:
            hint = "Choose a dataset (builtin works offline, the others download once), or record your own: New dataset"
            ui.label(screen, ui.cut(hint, status.width, 28), (status.x, status.y + 6), size=28)
        if dataset is None:
            return
        counts = dataset.counts()
        for grid, split in ((self.train_grid, "train"), (self.test_grid, "test")):
            grid.draw(screen, self.app.thumbnails, dataset.classes)
            chips = [(name, counts[split][name], class_colour(i)) for i, name in enumerate(dataset.classes)]
            draw_chips(screen, grid.rect.x, grid.rect.y + 40, chips, grid.rect.right)

    def _draw_collection_status(self, screen, status):
        collection = self.app.collection
        images = len(collection)
        classes = len(collection.classes)
        line = (f"{collection.name}: {classes} class{'es' if classes != 1 else ''}, {images} "
                f"image{'s' if images != 1 else ''}")
        box = ui.label(screen, line, (status.x, status.y + 6), size=28, bold=True)
        if collection.save_error:
            text, colour = collection.save_error, ui.ERROR
        else:
            text, colour = f"autosaved in {collection.folder}", ui.DIM
        ui.label(screen, ui.cut(text, status.right - box.right - 20, 24), (box.right + 16, status.y + 9), size=24,
                 colour=colour)


class FeaturesPage(Page):
    """Step 2: choose a feature extractor and extract: every image becomes a vector of numbers."""

    def __init__(self, app, rect):
        super().__init__(app, rect)
        x, y = self.rect.x, self.rect.y + 44
        self.options = [ui.Button((x, y + i * 56, 400, 48), name, size=29) for i, name in enumerate(EXTRACTORS)]
        self.extract_button = accent_button((x, y + 5 * 56 + 16, 196, 54), "Extract")
        self.stop_button = ui.Button((x + 204, y + 5 * 56 + 16, 196, 54), "Stop", size=30)
        self.panel = pygame.Rect(x + 428, self.rect.y, self.rect.right - x - 428, self.rect.height)
        self._picture = (None, None)

    def button_center(self, name):
        if name == "Extract":
            return self.extract_button.rect.center
        return self.options[EXTRACTORS.index(name)].rect.center

    def _has_stored(self):
        dataset = self.pipeline.dataset
        return dataset is not None and self.pipeline._has_stored(dataset)

    def click(self, x, y):
        for button in self.options:
            if button.rect.collidepoint(x, y):
                if button.caption == "stored" and not self._has_stored():
                    self.app.say("this dataset has no stored features: only Marcelle files carry them", True)
                    return
                self.pipeline.features_name = button.caption
                return
        if self.extract_button.hit(x, y):
            self.app.extract(self.pipeline.features_name)
        elif self.stop_button.hit(x, y):
            self.app.stop()

    def draw(self, screen):
        chosen = self.pipeline.features_name
        ui.label(screen, "Feature extractor", (self.rect.x, self.rect.y), size=32, bold=True)
        for button in self.options:
            button.enabled = button.caption != "stored" or self._has_stored()
            button.selected = button.caption == chosen
            button.draw(screen)
        job = self.app.job
        self.stop_button.enabled = self.app.busy
        self.extract_button.draw(screen)
        self.stop_button.draw(screen)
        progress = pygame.Rect(self.rect.x, self.extract_button.rect.bottom + 16, 400, 60)
        if not draw_job_progress(screen, progress, job, ("extract", "train", "run_all", "predict")):
            if self.pipeline.dataset is None:
                ui.label(screen, "load a dataset first (page 1)", progress.topleft, size=26, colour=ui.DIM)
        self._draw_panel(screen, chosen)

    def _draw_panel(self, screen, chosen):
        panel = self.panel
        pygame.draw.rect(screen, (255, 255, 255), panel, border_radius=10)
        pygame.draw.rect(screen, (200, 200, 206), panel, 1, border_radius=10)
        x, y = panel.x + 20, panel.y + 14
        ui.label(screen, chosen, (x, y), size=32, bold=True)
        y += 40
        for line in ui.wrap(DESCRIPTIONS.get(chosen, ""), panel.width - 40, 26):
            ui.label(screen, line, (x, y), size=26)
            y += 28
        y += 12
        info = self.pipeline.state()["features"]
        if not info["ready"]:
            ui.label(screen, "not extracted yet: press Extract (or Train, which extracts first)", (x, y), size=26,
                     colour=ui.DIM)
            return
        images = len(self.pipeline.train_features) + len(self.pipeline.test_features)
        hits = info["cache_hits"]
        if info["name"] == "stored":
            device, cache = "nothing computed", "read from the dataset file"
        else:
            device = info["device"] or "nothing computed now"
            cache = ("all from the cache" if hits == images else f"{hits} of {images} from the cache" if hits
                     else "computed now (not from the cache)")
        facts = [("numbers per image", str(info["dim"])), ("computed on", device), ("images", str(images)),
                 ("cache", cache)]
        for name, value in facts:
            ui.label(screen, name, (x, y), size=26, colour=ui.DIM)
            ui.label(screen, value, (x + 210, y), size=26, bold=True)
            y += 30
        y += 8
        ui.label(screen, "Each row is a training image, each column one of its numbers (dark: high)", (x, y),
                 size=22, colour=ui.DIM)
        area = pygame.Rect(x, y + 26, panel.width - 40, panel.bottom - y - 40)
        if area.height > 40:
            self._draw_picture(screen, area)

    def _draw_picture(self, screen, area):
        """The training features as an image, rows grouped by class, a class colour strip on the left."""
        vectors, dataset = self.pipeline.train_features, self.pipeline.dataset
        if vectors is None or dataset is None or not len(vectors) or len(vectors) != len(dataset.train):
            return  # nothing yet, or a job is swapping the data between the two reads above
        key = (id(vectors), area.size)
        if self._picture[0] != key:
            labels = [sample.label for sample in dataset.train]
            order = sorted(range(len(labels)), key=lambda i: (labels[i], i))
            values = np.asarray(vectors, dtype=np.float64)[order]
            low, high = values.min(axis=0), values.max(axis=0)
            scaled = (values - low) / np.where(high > low, high - low, 1.0)  # each number from 0 to 1 over the set
            white, blue = np.array([255.0, 255.0, 255.0]), np.array([8.0, 48.0, 107.0])
            rgb = (white + (blue - white) * scaled[..., None]).astype(np.uint8)
            strip = np.array([class_colour(dataset.classes.index(labels[i])) for i in order], dtype=np.uint8)
            width = area.width - 18
            picture = pygame.Surface(area.size)
            picture.fill((255, 255, 255))
            picture.blit(image_surface_rect(rgb, (width, area.height)), (18, 0))
            picture.blit(image_surface_rect(strip[:, None, :], (14, area.height)), (0, 0))
            self._picture = (key, picture)
        screen.blit(self._picture[1], area)


def image_surface_rect(rgb, size):
    """An (H, W, 3) uint8 array resized to `size` (width, height) as a Surface: averaged where it shrinks (1280
    numbers on a few hundred pixels), blocky where it grows (a hundred images on a few hundred rows)."""
    width, height = size
    rgb = np.ascontiguousarray(rgb)
    shrink = cv2.INTER_AREA
    rgb = cv2.resize(rgb, (width, rgb.shape[0]), interpolation=shrink if width < rgb.shape[1] else cv2.INTER_NEAREST)
    rgb = cv2.resize(rgb, (width, height), interpolation=shrink if height < rgb.shape[0] else cv2.INTER_NEAREST)
    return pygame.image.frombuffer(np.ascontiguousarray(rgb).tobytes(), (width, height), "RGB").copy()


class TextEdit:
    """Text typed into a box: the first key after a click replaces it all, Backspace erases, Enter and Tab end it.

    The Training page's settings and the New dataset view's class name both type through one of these.
    """

    def __init__(self, allowed=None, limit=40):
        self.allowed = allowed  # the characters it takes (None: any printable one)
        self.limit = limit
        self.text = ""
        self.fresh = True  # just clicked: the first key typed replaces the whole value

    def set(self, text):
        self.text, self.fresh = str(text), True

    def type(self, key, unicode):
        """Take one key; returns "enter" or "tab" when the key ends the typing, else None."""
        if key in ("return", "enter", "keypad enter"):
            return "enter"
        if key == "tab":
            return "tab"
        if key == "backspace":
            self.text = "" if self.fresh else self.text[:-1]
            self.fresh = False
            return None
        character = " " if key == "space" else unicode
        if not character or len(character) != 1 or not character.isprintable() or len(self.text) >= self.limit:
            return None
        if self.allowed is not None and not (character.isdigit() or character in self.allowed):
            return None
        self.text = character if self.fresh else self.text + character
        self.fresh = False
        return None

    def draw(self, screen, box, editing, shown=None, placeholder="", size=30):
        """The box; `shown` is the value displayed while not editing (default: the text typed)."""
        box = pygame.Rect(box)
        pygame.draw.rect(screen, (255, 255, 255), box, border_radius=6)
        pygame.draw.rect(screen, ui.ACCENT if editing else (120, 124, 135), box, 3 if editing else 1,
                         border_radius=6)
        text = self.text if editing or shown is None else shown
        position = (box.x + 10, box.centery)
        if not text and not editing and placeholder:
            ui.label(screen, ui.cut(placeholder, box.width - 20, size), position, size=size, colour=ui.DIM,
                     anchor="midleft")
            return
        text = ui.cut(text, box.width - 20, size)
        if editing and self.fresh and text:
            drawn = ui.label(screen, text, position, size=size, colour=(255, 255, 255), background=ui.ACCENT,
                             anchor="midleft", padding=2)
        else:
            drawn = ui.label(screen, text, position, size=size, anchor="midleft")
        if editing and (pygame.time.get_ticks() // 500) % 2 == 0:
            right = drawn.right + 3 if text else box.x + 12
            pygame.draw.line(screen, ui.INK, (right, drawn.top), (right, drawn.bottom), 2)


class Field:
    """One training setting: a caption, a box to type in, and - / + buttons."""

    def __init__(self, key, caption, x, y):
        self.key, self.caption = key, caption
        self.box = pygame.Rect(x + 250, y, 180, 44)
        self.minus = ui.Button((x + 440, y, 44, 44), "-", size=34)
        self.plus = ui.Button((x + 492, y, 44, 44), "+", size=34)
        self.y = y
        self.text = TextEdit(allowed=".,- e")


class TrainingPage(Page):
    """Step 3: set the network's knobs, train, and watch the loss and accuracy curves."""

    SETTINGS = [("hidden_layers", "hidden layers"), ("epochs", "epochs"), ("batch_size", "batch size"),
                ("learning_rate", "learning rate"), ("validation_split", "validation split"), ("seed", "seed")]

    def __init__(self, app, rect):
        super().__init__(app, rect)
        x, y = self.rect.x, self.rect.y + 46
        self.fields = [Field(key, caption, x, y + i * 54) for i, (key, caption) in enumerate(self.SETTINGS)]
        buttons_y = y + len(self.fields) * 54 + 14
        self.train_button = accent_button((x, buttons_y, 260, 56), "Train")
        self.stop_button = ui.Button((x + 276, buttons_y, 260, 56), "Stop", size=30)
        self.progress = pygame.Rect(x, buttons_y + 72, 536, 60)
        self.charts = pygame.Rect(x + 556, self.rect.y, self.rect.right - x - 556, self.rect.height)
        self.editing = None

    def field(self, key):
        return next(field for field in self.fields if field.key == key)

    def button_center(self, name):
        return {"Train": self.train_button, "Stop": self.stop_button}[name].rect.center

    # -- typing ---------------------------------------------------------------------------------------------
    def edit(self, field):
        self.commit()
        self.editing = field
        field.text.set(show_param(field.key, self.pipeline.params[field.key]))

    def type_key(self, key, unicode):
        """A key typed into the field being edited: Enter keeps the value, Backspace erases, Tab moves on."""
        field = self.editing
        if field is None:
            return
        ending = field.text.type(key, unicode)
        if ending == "enter":
            self.commit()
        elif ending == "tab":
            index = self.fields.index(field)
            self.commit()
            self.edit(self.fields[(index + 1) % len(self.fields)])

    def commit(self):
        """Check the typed value: a good one becomes the setting, a bad one is explained and the old one kept."""
        field, self.editing = self.editing, None
        if field is None or field.text.fresh:
            return
        old = self.pipeline.params[field.key]
        try:
            value = parse_param(field.key, field.text.text)
        except ValueError as error:
            self.app.say(f"{field.caption}: {error}; kept {show_param(field.key, old)}", problem=True)
            return
        self.pipeline.params[field.key] = value
        if value != old:
            self.app.say(f"{field.caption}: {show_param(field.key, value)} (press Train to use it)")

    # -- clicks ---------------------------------------------------------------------------------------------
    def click(self, x, y):
        for field in self.fields:
            if field.box.collidepoint(x, y):
                self.edit(field)
                return
            for button, up in ((field.minus, False), (field.plus, True)):
                if button.hit(x, y):
                    self.commit()
                    params = self.pipeline.params
                    params[field.key] = step_param(field.key, params[field.key], up)
                    return
        self.commit()
        if self.train_button.hit(x, y):
            self.app.train()
        elif self.stop_button.hit(x, y):
            self.app.stop()

    # -- drawing --------------------------------------------------------------------------------------------
    def draw(self, screen):
        ui.label(screen, "Network and training", (self.rect.x, self.rect.y), size=32, bold=True)
        for field in self.fields:
            self._draw_field(screen, field)
        self.stop_button.enabled = self.app.busy
        self.train_button.draw(screen)
        self.stop_button.draw(screen)
        job = self.app.job
        if not draw_job_progress(screen, self.progress, job, ("train", "run_all", "extract", "load")):
            training = self.pipeline.state()["training"]
            if training["status"] != "idle":
                ui.label(screen, f"{training['status']}: {training['epochs_done']} epochs", self.progress.topleft,
                         size=28, bold=True)
                accuracies = (f"accuracy: training set {percent(self.pipeline.train_accuracy)}, "
                              f"test set {percent(self.pipeline.test_accuracy)}")
                ui.label(screen, accuracies, (self.progress.x, self.progress.y + 32), size=26)
            else:
                ui.label(screen, "click a box to type a value, then Enter", self.progress.topleft, size=26,
                         colour=ui.DIM)
        self._draw_charts(screen)

    def _draw_field(self, screen, field):
        ui.label(screen, field.caption, (self.rect.x, field.y + field.box.height // 2), size=30, anchor="midleft")
        field.text.draw(screen, field.box, self.editing is field, shown=show_param(field.key,
                                                                                  self.pipeline.params[field.key]))
        field.minus.draw(screen)
        field.plus.draw(screen)

    def _draw_charts(self, screen):
        panel = ui.panel(screen, self.charts)
        history = self.pipeline.history
        epochs = self.pipeline.state()["training"]["epochs"] or self.pipeline.params["epochs"]
        inner = panel.inflate(-32, -24)
        half = (inner.height - 16) // 2
        loss = {"loss": (history["loss"], ui.SERIES_COLOURS[0]),
                "validation loss": (history["val_loss"], ui.SERIES_COLOURS[1])}
        charts.line_chart(screen, (inner.x, inner.y, inner.width, half), loss, "loss (lower is better)", x_max=epochs)
        accuracy = {"accuracy": (history["accuracy"], ui.SERIES_COLOURS[0]),
                    "validation accuracy": (history["val_accuracy"], ui.SERIES_COLOURS[1])}
        charts.line_chart(screen, (inner.x, inner.y + half + 16, inner.width, half), accuracy,
                      "accuracy (higher is better)", y_range=(0, 1), x_max=epochs)
        if not history["loss"]:
            ui.label(screen, "the curves grow here, one point per epoch", (inner.centerx, inner.y + half // 2),
                     size=26, colour=ui.PANEL_TEXT, anchor="center")

    def state(self):
        return {"editing": self.editing.key if self.editing else None}


class ConfusionView:
    """One confusion matrix: rows the true class, columns the predicted one, shaded by the share of the row."""

    LABEL_WIDTH = 150
    ACCURACY_WIDTH = 78
    HEADER = 82  # the title, a caption, the column names

    def __init__(self, rect, split, title):
        self.rect = pygame.Rect(rect)
        self.split, self.title = split, title

    def cell_size(self, k):
        room_x = self.rect.width - self.LABEL_WIDTH - self.ACCURACY_WIDTH
        room_y = self.rect.height - self.HEADER
        return max(12, min(72, room_x // max(k, 1), room_y // max(k, 1)))

    def cell_rect(self, k, row, col):
        """Where cell (row, col) of a k-class matrix lies."""
        size = self.cell_size(k)
        return pygame.Rect(self.rect.x + self.LABEL_WIDTH + col * size, self.rect.y + self.HEADER + row * size,
                           size, size)

    def hit(self, k, x, y):
        for row in range(k):
            for col in range(k):
                if self.cell_rect(k, row, col).collidepoint(x, y):
                    return row, col
        return None

    def draw(self, screen, matrix, classes, selected=None):
        k = len(classes)
        correct = np.trace(matrix) / matrix.sum() if matrix is not None and matrix.sum() else None
        ui.label(screen, f"{self.title}: {percent(correct)} correct", (self.rect.x, self.rect.y), size=32, bold=True)
        if matrix is None:
            ui.label(screen, "train a model to fill it (page 3)", (self.rect.x, self.rect.y + 44), size=26,
                     colour=ui.DIM)
            return
        size = self.cell_size(k)
        text_size = max(18, min(32, int(size * 0.55)))
        top = self.cell_rect(k, 0, 0)
        ui.label(screen, "rows: true class   columns: predicted class", (self.rect.x, self.rect.y + 34), size=22,
                 colour=ui.DIM)
        ui.label(screen, "correct", (top.x + k * size + 8, top.y - 4), size=20, colour=ui.DIM, anchor="bottomleft")
        rows = matrix.sum(axis=1)
        # Where names are cut short, the class colours above the columns and beside the rows pair them up.
        for col, name in enumerate(classes):
            cell = self.cell_rect(k, 0, col)
            pygame.draw.rect(screen, class_colour(col), (cell.x + 2, cell.top - 8, cell.width - 4, 6))
            ui.label(screen, ui.cut(name, size - 2, 20), (cell.centerx, cell.top - 10), size=20, anchor="midbottom")
        for row, name in enumerate(classes):
            first = self.cell_rect(k, row, 0)
            chip = min(14, size - 6)
            pygame.draw.rect(screen, class_colour(row), (self.rect.x, first.centery - chip // 2, chip, chip),
                             border_radius=3)
            ui.label(screen, ui.cut(name, self.LABEL_WIDTH - 30, 24), (self.rect.x + 20, first.centery), size=24,
                     anchor="midleft")
            for col in range(k):
                cell = self.cell_rect(k, row, col)
                count = int(matrix[row, col])
                share = count / rows[row] if rows[row] else 0.0
                hue = np.array(CORRECT if row == col else MISTAKE, dtype=float)
                colour = tuple(int(v) for v in 255 + (hue - 255) * share)
                pygame.draw.rect(screen, colour, cell)
                pygame.draw.rect(screen, (190, 190, 196), cell, 1)
                ui.label(screen, count, cell.center, size=text_size, bold=True, anchor="center",
                         colour=ui.text_colour(colour))
            right = self.cell_rect(k, row, k - 1).right + 8
            share = matrix[row, row] / rows[row] if rows[row] else None
            ui.label(screen, percent(share), (right, first.centery), size=24, anchor="midleft")
        if selected is not None:
            pygame.draw.rect(screen, ui.INK, self.cell_rect(k, *selected).inflate(4, 4), 4)


class TestingPage(Page):
    """Step 4: the confusion matrices of the training and test sets; a click on a cell lists its images."""

    def __init__(self, app, rect):
        super().__init__(app, rect)
        half = (self.rect.width - 32) // 2
        top = self.rect.y + 40
        members_top = self.rect.bottom - 128  # room for one row of pictures
        height = members_top - 4 - top
        self.views = [ConfusionView((self.rect.x, top, half, height), "train", "Training set"),
                      ConfusionView((self.rect.x + half + 32, top, half, height), "test", "Test set")]
        self.members = ThumbnailGrid((self.rect.x, members_top, self.rect.width, self.rect.bottom - members_top),
                                     "Click a cell to see its images", size=64, header=40)
        self.selected = None  # (split, row, col)
        self.selected_model = None  # the model whose answers the cell counts

    def grids(self):
        return [self.members]

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

    def draw(self, screen):
        pipeline = self.pipeline
        baseline = pipeline.state()["baseline"]
        if baseline["uniform"] is not None:
            which = "test" if baseline["set"] == "test" else "training"
            line = (f"Guessing at random scores {percent(baseline['uniform'])} on the {which} set; always answering "
                    f"'{baseline['majority_class']}' scores {percent(baseline['majority'])}. Does the model beat that?")
            ui.label(screen, ui.cut(line, self.rect.width, 27), self.rect.topleft, size=27)
        for view in self.views:
            matrix = pipeline.confusion_train if view.split == "train" else pipeline.confusion_test
            chosen = self.selected[1:] if self.selected and self.selected[0] == view.split else None
            view.draw(screen, None if matrix is None else np.asarray(matrix), self.classes, chosen)
        if self.selected:
            split, row, col = self.selected
            where = "training" if split == "train" else "test"
            count = len(self.members.items)
            self.members.title = (f"{count} {where} image{'s' if count != 1 else ''}: true {self.classes[row]}, "
                                  f"predicted {self.classes[col]}")
            self.members.draw(screen, self.app.thumbnails, self.classes)
        elif pipeline.model is not None:
            ui.label(screen, "Click a cell to see its images", self.members.rect.topleft, size=30, bold=True)

    def state(self):
        if not self.selected:
            return {"selected_cell": None}
        split, row, col = self.selected
        return {"selected_cell": {"split": split, "true": self.classes[row], "predicted": self.classes[col],
                                  "row": row, "col": col, "members": [index for _, index in self.members.items]}}


class DeploymentPage(Page):
    """Step 5: click any image, drop an image file, or turn on Live: the model's confidence for every class."""

    BUTTONS = ["Live", "Save model", "Load model"]
    TOP = 58  # the row of buttons at the top of the panel
    SIDE = 180  # the picture of the image that was classified

    def __init__(self, app, rect):
        super().__init__(app, rect)
        width = 604
        height = (self.rect.height - 20) // 2
        self.train_grid = ThumbnailGrid((self.rect.x, self.rect.y, width, height), "Training set", size=64)
        self.test_grid = ThumbnailGrid((self.rect.x, self.rect.y + height + 20, width, height), "Test set", size=64)
        self.panel = pygame.Rect(self.rect.x + width + 24, self.rect.y, self.rect.right - self.rect.x - width - 24,
                                 self.rect.height)
        room = (self.panel.width - 36 - 2 * 10) // 3
        self.buttons = [ui.Button((self.panel.x + 18 + i * (room + 10), self.panel.y + 14, room, 44), name, size=27)
                        for i, name in enumerate(self.BUTTONS)]
        self._picture = (None, None)

    def button_center(self, name):
        return self.buttons[self.BUTTONS.index(name)].rect.center

    def grids(self):
        return [self.train_grid, self.test_grid]

    def update(self):
        super().update()
        dataset = self.pipeline.dataset
        self.train_grid.set_items([("train", i) for i in range(len(dataset.train))] if dataset else [])
        self.test_grid.set_items([("test", i) for i in range(len(dataset.test))] if dataset else [])

    def click_overlay(self, x, y):
        return False  # clicking an image predicts here; nothing is enlarged

    def click(self, x, y):
        for button in self.buttons:
            if button.hit(x, y):
                {"Live": self.app.toggle_live, "Save model": self.app.save_model,
                 "Load model": self.app.load_model}[button.caption]()
                return
        for grid in self.grids():
            item = grid.click(x, y)
            if item not in (None, "page"):
                self.app.predict_sample(*item)
                return

    def draw(self, screen):
        dataset = self.pipeline.dataset
        latest = self.app.predictions[-1] if self.app.predictions else None
        chosen = tuple(latest["image"]) if latest and latest["image"][0] in ("train", "test") else None
        if dataset is not None:
            self.train_grid.draw(screen, self.app.thumbnails, dataset.classes, highlight=chosen)
            self.test_grid.draw(screen, self.app.thumbnails, dataset.classes, highlight=chosen)
        self._draw_panel(screen, latest)

    def _draw_panel(self, screen, latest):
        panel = self.panel
        pygame.draw.rect(screen, (255, 255, 255), panel, border_radius=10)
        pygame.draw.rect(screen, (200, 200, 206), panel, 1, border_radius=10)
        for button in self.buttons:
            button.selected = button.caption == "Live" and self.app.live_wanted
            button.enabled = button.caption == "Load model" or self.pipeline.model is not None or (
                button.caption == "Live" and self.app.live_wanted)
            button.draw(screen)
        x, y = panel.x + 18, panel.y + 14 + self.TOP
        if self.app.live_wanted:
            self._draw_live(screen, x, y)
            return
        job = self.app.job
        if job is not None and job.running and job.name == "predict":
            ui.label(screen, "predicting the new image…", (x, y), size=28, bold=True)
            return
        if latest is None:
            ui.label(screen, "Click a picture, drop an image", (x, y), size=30, bold=True)
            ui.label(screen, "file on the window, or press Live", (x, y + 34), size=30, bold=True)
            hint = ("the network's confidence for every class appears here" if self.pipeline.model is not None
                    else "train a model first (page 3), or drop a saved model file (.pt) on the window")
            for i, line in enumerate(ui.wrap(hint, panel.width - 36, 26)):
                ui.label(screen, line, (x, y + 84 + 28 * i), size=26, colour=ui.DIM)
            return
        side = self.SIDE
        picture = self._picture_of(latest, side)
        if picture is not None:
            screen.blit(picture, (x, y))
        pygame.draw.rect(screen, (200, 200, 206), (x, y, side, side), 1)
        tx = x + side + 16
        ui.label(screen, ui.cut(latest["label"], panel.right - tx - 12, 44, True), (tx, y + 4), size=44, bold=True,
                 colour=ui.ACCENT)
        ui.label(screen, f"{latest['confidence']:.0%} sure", (tx, y + 48), size=32, bold=True)
        lines = [ui.cut(Path(latest["source"]).name, panel.right - tx - 12, 24)]
        if "true" in latest:
            right = "right" if latest["true"] == latest["label"] else "wrong"
            lines.append(f"true class: {latest['true']} ({right})")
        for i, line in enumerate(lines):
            ui.label(screen, line, (tx, y + 96 + 28 * i), size=24, colour=ui.DIM)
        self._draw_bars(screen, latest["probabilities"])

    def _draw_live(self, screen, x, y):
        """The camera as it is now, the model's answer for its newest frame, and how often it answers."""
        side = self.SIDE
        feed, live = self.app.camera, self.app.live
        draw_feed(screen, (x, y, side, side), feed, waiting="opening…", square=True)
        tx = x + side + 16
        room = self.panel.right - tx - 12
        result = live.result if live is not None else []
        if result:
            label, confidence = result[0]
            ui.label(screen, ui.cut(label, room, 44, True), (tx, y + 4), size=44, bold=True, colour=ui.ACCENT)
            ui.label(screen, f"{confidence:.0%} sure", (tx, y + 48), size=32, bold=True)
        elif live is None:
            ui.label(screen, "waiting for a model", (tx, y + 4), size=30, bold=True)
        else:
            ui.label(screen, "starting…", (tx, y + 4), size=30, bold=True)
        rate = f"live: {live.rate:.0f} predictions/s" if live is not None and live.rate else "live"
        ui.label(screen, rate, (tx, y + 96), size=28, bold=True, colour=ui.INK)
        ui.label(screen, ui.cut(f"{feed.name}, {self.app.live_extractor or '–'}", room, 22), (tx, y + 130), size=22,
                 colour=ui.DIM)
        if result:
            self._draw_bars(screen, dict(result))

    def bar_rect(self, row, rows):
        """Where the bar of the `row`-th class (likeliest first) lies when there are `rows` classes."""
        top = self.panel.y + 14 + self.TOP + self.SIDE + 20
        area = pygame.Rect(self.panel.x + 18, top, self.panel.width - 36, self.panel.bottom - top - 14)
        pitch = max(22, min(44, area.height // max(1, rows)))
        name_width = 130
        return pygame.Rect(area.x + name_width, area.y + row * pitch + 5, area.width - name_width - 70, pitch - 10)

    def _draw_bars(self, screen, probabilities):
        """One bar per class, likeliest first, in the class's colour."""
        classes = self.classes
        rows = list(probabilities.items())
        for i, (name, p) in enumerate(rows):
            bar = self.bar_rect(i, len(rows))
            if bar.bottom > self.panel.bottom - 8:
                break
            ui.label(screen, ui.cut(name, 122, 26), (self.panel.x + 18, bar.centery), size=26, anchor="midleft",
                     bold=i == 0)
            pygame.draw.rect(screen, (232, 232, 236), bar)
            colour = class_colour(classes.index(name)) if name in classes else ui.ACCENT
            filled = bar.copy()
            filled.width = round(bar.width * max(0.0, min(1.0, p)))
            if filled.width:
                pygame.draw.rect(screen, colour, filled)
            ui.label(screen, f"{p:.0%}", (bar.right + 8, bar.centery), size=26, anchor="midleft", bold=i == 0)

    def _picture_of(self, prediction, side):
        """The image a prediction was made for: a dataset image, or the decoded new file."""
        kind, where = prediction["image"]
        key = (kind, where, side, id(self.pipeline.dataset))
        if self._picture[0] == key:
            return self._picture[1]
        if kind in ("train", "test"):
            if self.pipeline.dataset is None:
                return None
            picture = self.app.thumbnails.get(kind, where, side, wait=True)
        else:
            preview = self.app.preview
            if preview is None or preview.status != "done":
                return None
            picture = image_surface(preview.result, side)
        self._picture = (key, picture)
        return picture


def draw_feed(screen, rect, feed, waiting="opening the camera…", square=False):
    """The camera's newest frame (see `mlcore.image_app.collection_view.draw_feed`)."""
    from mlcore.image_app.collection_view import draw_feed as draw  # webcam_page builds on this module: imported when first drawn

    draw(screen, rect, feed, waiting, square)


PAGE_CLASSES = [DataPage, FeaturesPage, TrainingPage, TestingPage, DeploymentPage]
