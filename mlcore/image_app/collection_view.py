"""Your own image classes from a camera: the Data page's "New dataset" view and the camera behind it.

The view is Teachable Machine's recipe: type a class name and press Add, pick a class, hold R, Space or the
Record button while the camera sees an example, and watch the count grow. Frames are taken at a steady rate
(`rate` a second) from `Camera.latest()`, which never waits, and go into a `mlcore.data.collection.Collection` that
autosaves them to its folder as they arrive.

The camera opens only while a view needs it (this one, or Live mode on the Deployment page): a run that never
shows them never touches a webcam. `--camera PATH` plays a video or a folder of images instead, through the
same code, which is how a classroom without webcams and the tests record.

The slow steps (using the collection as the dataset, saving it with feature vectors, loading a model file) are
`ImagePipeline` methods that run as Jobs, started by `mlcore.image_app.app`'s queue like the pipeline's other steps.
"""

import re
import time
from pathlib import Path

import cv2
import numpy as np
import pygame

from mlcore.widgets import ui
from mlcore.data.camera import Camera, parse_source
from mlcore.data.collection import Collection, CollectionError, check_class_name, square_image
from mlcore.data.datasets import cache_dir
from mlcore.image_app.pages import TextEdit
from mlcore.widgets.thumbnails import class_colour, image_surface

CAMERA_FPS = 30  # how fast a video or a folder plays as a camera (a webcam keeps its own pace)
VIDEO_EXTENSIONS = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv")
MODEL_EXTENSIONS = (".pt", ".pth")
DEFAULT_COLLECTION = "my_classes"
DELETE_SECONDS = 3.0  # a second click on Delete within this time deletes the class
MARCELLE_NOTE = ("x holds this sketch's {extractor} vectors ({dim} numbers); the course's web app, built on "
                 "MobileNet v1 (1024), uses them as given or computes its own from the thumbnails")


# ------------------------------------------------------------------------------------------------ the camera


def fit_surface(frame, size):
    """An RGB frame as a Surface that fits in `size` (width, height), its shape kept."""
    height, width = frame.shape[:2]
    scale = min(size[0] / width, size[1] / height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(frame, target, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    return pygame.image.frombuffer(np.ascontiguousarray(small).tobytes(), target, "RGB").copy()


def camera_source_kind(path):
    """"video" or "folder" for a file or folder that can play as a camera, else None."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    if path.suffix.lower() in VIDEO_EXTENSIONS:
        return "video"
    return None


class CameraFeed:
    """The one camera of the sketch, opened when a view needs it and closed when none does."""

    def __init__(self, source=0):
        self.source = parse_source(source)
        self.camera = None
        self._told = None  # the (camera, status) whose end was already reported
        self._picture = (None, None)

    @property
    def name(self):
        return f"camera {self.source}" if isinstance(self.source, int) else Path(self.source).name

    @property
    def running(self):
        return self.camera is not None and self.camera.status in ("starting", "running")

    def open(self, loop=False):
        """The camera, started unless it runs already; one that ended or failed is opened again."""
        if self.running and self.camera.loop == loop:
            return self.camera
        self.close()
        self.camera = Camera(self.source, fps=CAMERA_FPS, loop=loop).start()
        return self.camera

    def use(self, source):
        """Read from another source from now on (opened again by whoever needs it)."""
        was_open = self.running
        loop = self.camera.loop if self.camera is not None else False
        self.close()
        self.source = parse_source(source)
        if was_open:
            self.open(loop)

    def close(self):
        if self.camera is not None:
            self.camera.stop(timeout=0.5)
            self.camera = None
            self._picture = (None, None)

    def latest(self):
        return self.camera.latest() if self.camera is not None else (None, 0)

    def news(self):
        """The camera's end (failed, or a video that ended) as one line, the first time it is asked; else ""."""
        camera = self.camera
        if camera is None or camera.status not in ("failed", "ended") or self._told == (camera, camera.status):
            return ""
        self._told = (camera, camera.status)
        return camera.error or camera.message or f"{self.name} stopped"

    def picture(self, size, square=False):
        """The newest frame (its centre square: what is recorded), fitted into `size`, or None."""
        frame, count = self.latest()
        if frame is None:
            return None
        key = (id(self.camera), count, tuple(size), square)
        if self._picture[0] != key:
            self._picture = (key, fit_surface(square_image(frame) if square else frame, size))
        return self._picture[1]

    def squared(self):
        """This camera as the live predictor sees it: the centre square of each frame, as the recordings are."""
        return _CentreSquare(self.camera)

    def state(self):
        camera = self.camera
        return {"source": str(self.source), "status": camera.status if camera else "closed",
                "error": camera.error if camera else "", "fps": round(camera.measured_fps, 1) if camera else 0.0,
                "frames": camera.frame_count if camera else 0}


class _CentreSquare:
    """A camera whose frames are cut to their centre square at 224 x 224, made once per new frame."""

    def __init__(self, camera):
        self.camera = camera
        self._last = (None, 0)

    def latest(self):
        frame, count = self.camera.latest()
        if frame is not None and self._last[1] != count:
            self._last = (square_image(frame), count)
        return self._last

    def __getattr__(self, name):  # status, error, message: the camera's own
        return getattr(self.camera, name)


def draw_feed(screen, rect, feed, waiting="opening the camera…", square=False):
    """The camera's newest frame in `rect` (black bars where shapes differ), or why there is none.

    Where the whole frame shows, a white outline marks the centre square that recording keeps.
    """
    rect = pygame.Rect(rect)
    pygame.draw.rect(screen, (20, 20, 24), rect, border_radius=8)
    picture = feed.picture(rect.size, square)
    if picture is not None:
        shown = screen.blit(picture, picture.get_rect(center=rect.center))
        if not square and shown.width != shown.height:
            kept = pygame.Rect(0, 0, min(shown.size), min(shown.size))
            kept.center = shown.center
            pygame.draw.rect(screen, (255, 255, 255), kept, 2)
    camera = feed.camera
    if camera is not None and camera.status == "failed":
        lines = ["no picture:"] + ui.wrap(camera.error, rect.width - 24, 24) + [""] + ui.wrap(
            "(or drop a video or a folder of images on the window)", rect.width - 24, 24)
    elif picture is None:
        lines = [waiting if camera is not None else "camera closed"]
    else:
        lines = []
    for i, line in enumerate(lines[:8]):
        ui.label(screen, line, (rect.x + 12, rect.y + 12 + 28 * i), size=24, colour=(255, 255, 255),
                 background=(20, 20, 24) if picture is not None else None)
    if camera is not None and picture is not None:
        tag = f"{feed.name}  {camera.measured_fps:.0f} frames/s"
        if camera.status == "ended":
            tag = f"{feed.name}: ended"
        ui.label(screen, tag, (rect.x + 8, rect.bottom - 8), size=20, colour=(255, 255, 255),
                 background=(20, 20, 24), anchor="bottomleft")


# ------------------------------------------------------------------------------------------------ collections


def collection_folder(spec=None):
    """Where `--collection` keeps its images: a folder path as given, a bare name under <cache>/collections/."""
    spec = str(spec or DEFAULT_COLLECTION).strip()
    path = Path(spec).expanduser()
    if path.is_dir() or "/" in spec or "\\" in spec or spec.startswith("."):
        return path, None
    return cache_dir() / "collections" / check_class_name(spec), spec


def open_collection(spec=None):
    """The collection named by `spec` (opened if it exists, created empty if not); CollectionError if refused."""
    folder, name = collection_folder(spec)
    try:
        return Collection(name=name, folder=folder)
    except OSError as error:
        raise CollectionError(f"cannot open {folder} ({error.strerror or error})") from None


def safe_file_name(name):
    """A dataset name as a file name (spaces and odd characters become _)."""
    return re.sub(r"[^\w.-]+", "_", str(name)).strip("._") or "model"


# ------------------------------------------------------------------------------------------------ the view


class CollectionView:
    """The New dataset view: a live preview, a Record button, and the classes with their counts."""

    THUMB = 64

    def __init__(self, app, rect, rate=8.0):
        self.app = app
        self.rect = pygame.Rect(rect)
        self.rate = float(rate)
        self.name_box = TextEdit(limit=64)
        self.editing = False
        self.selected = None
        self.recording = False
        self.recorded_now = 0
        self._due = 0.0
        self._seen = 0
        self._delete_armed = (None, 0.0)
        self._thumbs = {}
        x, y, right = self.rect.x, self.rect.y, self.rect.right
        side = 440
        self.preview = pygame.Rect(x, y, side, side * 3 // 4)
        self.record_button = ui.Button((x, self.preview.bottom + 12, side, 56), "Record (hold R)", size=30)
        column = x + side + 24
        self.box = pygame.Rect(column, y, right - column - 3 * 128, 44)
        self.add_button = ui.Button((self.box.right + 8, y, 120, 44), "Add", size=28)
        self.rename_button = ui.Button((self.add_button.rect.right + 8, y, 120, 44), "Rename", size=28)
        self.delete_button = ui.Button((self.rename_button.rect.right + 8, y, right - self.rename_button.rect.right
                                        - 8, 44), "Delete", size=28)
        bottom = self.rect.bottom
        self.use_button = ui.Button((column, bottom - 50, 250, 50), "Use this dataset", size=30)
        self.use_button.selected = True
        self.save_button = ui.Button((column + 262, bottom - 50, 210, 50), "Save dataset", size=30)
        self.strip = pygame.Rect(column, bottom - 50 - 16 - 30 - self.THUMB, right - column, 30 + self.THUMB)
        self.rows = pygame.Rect(column, y + 56, right - column, self.strip.y - 12 - (y + 56))

    @property
    def collection(self):
        return self.app.collection

    def button_center(self, name):
        """Where a button is, by caption ("Record", "Add", "Rename", "Delete", "Use", "Save", "name")."""
        if name == "name":
            return self.box.center
        return {"Record": self.record_button, "Add": self.add_button, "Rename": self.rename_button,
                "Delete": self.delete_button, "Use": self.use_button, "Save": self.save_button}[name].rect.center

    def row_rect(self, index):
        """Where the row of the class at `index` lies."""
        count = len(self.collection.classes) if self.collection else 1
        pitch = max(30, min(44, self.rows.height // max(1, count)))
        return pygame.Rect(self.rows.x, self.rows.y + index * pitch, self.rows.width, pitch - 4)

    # -- typing ---------------------------------------------------------------------------------------------
    def type_key(self, key, unicode):
        if self.name_box.type(key, unicode) == "enter":
            self.editing = False
            self.add()

    def stop_editing(self):
        self.editing = False

    # -- classes ---------------------------------------------------------------------------------------------
    def _typed_name(self):
        return self.name_box.text.strip()

    def add(self):
        try:
            name = self.collection.add_class(self._typed_name())
        except CollectionError as error:
            self.app.say(str(error), problem=True)
            return
        self.selected = name
        self.name_box.set("")
        self.app.say(f"class {name!r} added: hold R, Space or Record while the camera sees it")

    def rename(self):
        if self.selected is None:
            self.app.say("click a class first, then type its new name and press Rename", problem=True)
            return
        try:
            name = self.collection.rename_class(self.selected, self._typed_name())
        except CollectionError as error:
            self.app.say(str(error), problem=True)
            return
        self.app.say(f"class {self.selected!r} is now {name!r}")
        self.selected = name
        self.name_box.set("")

    def delete(self):
        if self.selected is None:
            self.app.say("click the class to delete first", problem=True)
            return
        armed, when = self._delete_armed
        count = self.collection.counts().get(self.selected, 0)
        if armed != self.selected or time.monotonic() - when > DELETE_SECONDS:
            self._delete_armed = (self.selected, time.monotonic())
            self.app.say(f"click Delete again to delete {self.selected!r} and its {count} images", problem=True)
            return
        self._delete_armed = (None, 0.0)
        self.stop_recording()
        self.collection.delete_class(self.selected)
        self.app.say(f"class {self.selected!r} deleted with its {count} images")
        classes = self.collection.classes
        self.selected = classes[0] if classes else None

    # -- recording -------------------------------------------------------------------------------------------
    def start_recording(self):
        """Start taking frames for the selected class (R, Space or the Record button held down)."""
        if self.recording:
            return
        if self.selected is None or self.selected not in self.collection.classes:
            self.app.say("add a class first: type its name, then press Add" if not self.collection.classes
                         else "click a class first, then hold R to record it", problem=True)
            return
        feed = self.app.camera
        if not feed.running:
            feed.open()
            self.app.say(f"opening {feed.name}…")
        self.recording, self.recorded_now = True, 0
        self._due = time.perf_counter()

    def stop_recording(self, why=""):
        if not self.recording:
            return
        self.recording = False
        count = self.collection.counts().get(self.selected, 0) if self.selected in self.collection.classes else 0
        if why:
            self.app.say(f"{why}: recording stopped; the {self.recorded_now} images just recorded are kept "
                         f"({self.selected}: {count})", problem=True)
        else:
            self.app.say(f"recorded {self.recorded_now} images of {self.selected} ({count} in all)")

    def update(self):
        """Take a frame when one is due."""
        if not self.recording:
            return
        now = time.perf_counter()
        if now < self._due:
            return
        frame, count = self.app.camera.latest()
        if frame is None or count == self._seen:
            return  # wait for a new frame: a frame recorded twice would teach nothing new
        self._seen = count
        self.collection.record(self.selected, frame)
        self.recorded_now += 1
        self._due += 1.0 / self.rate
        if self._due < now:  # fell behind (a slow frame): keep the steady pace from now, no burst to catch up
            self._due = now + 1.0 / self.rate

    # -- clicks ----------------------------------------------------------------------------------------------
    def click(self, x, y):
        self.editing = False
        if self.box.collidepoint(x, y):
            self.editing = True
            self.name_box.fresh = False  # a half-typed name is kept: clicking again only puts the cursor back
            return
        if self.record_button.hit(x, y):
            self.start_recording()
        elif self.add_button.hit(x, y):
            self.add()
        elif self.rename_button.hit(x, y):
            self.rename()
        elif self.delete_button.hit(x, y):
            self.delete()
        elif self.use_button.hit(x, y):
            self.app.use_collection()
        elif self.save_button.hit(x, y):
            self.app.save_dataset()
        else:
            for index, name in enumerate(self.collection.classes):
                if self.row_rect(index).collidepoint(x, y):
                    self.selected = name
                    return

    # -- drawing ---------------------------------------------------------------------------------------------
    def draw(self, screen):
        collection = self.collection
        draw_feed(screen, self.preview, self.app.camera)
        if self.recording:
            pygame.draw.rect(screen, ui.ERROR, self.preview, 5, border_radius=8)
            ui.label(screen, f"recording {self.selected}: {self.recorded_now}", (self.preview.right - 10,
                     self.preview.y + 10), size=26, colour=(255, 255, 255), background=ui.ERROR, anchor="topright",
                     bold=True)
        self.record_button.caption = (f"Recording {self.selected}…" if self.recording
                                      else f"Record {self.selected} (hold R)" if self.selected else "Record (hold R)")
        self.record_button.caption = ui.cut(self.record_button.caption, self.record_button.rect.width - 20, 30)
        self.record_button.selected = self.recording
        self.record_button.enabled = self.selected is not None
        self.record_button.draw(screen)
        hint = f"{self.rate:g} pictures a second while held (R, Space or this button)"
        ui.label(screen, ui.cut(hint, self.preview.width, 21), (self.preview.x, self.record_button.rect.bottom + 8),
                 size=21, colour=ui.DIM)
        self._draw_box(screen)
        for button in (self.add_button, self.rename_button, self.delete_button):
            button.enabled = button is self.add_button or self.selected is not None
        armed = self._delete_armed[0] == self.selected and time.monotonic() - self._delete_armed[1] < DELETE_SECONDS
        self.delete_button.caption = "Sure?" if armed else "Delete"
        for button in (self.add_button, self.rename_button, self.delete_button):
            button.draw(screen)
        self._draw_rows(screen, collection)
        self._draw_strip(screen, collection)
        self.use_button.enabled = self.save_button.enabled = len(collection) > 0
        self.use_button.selected = len(collection) > 0
        self.use_button.draw(screen)
        self.save_button.draw(screen)
        target = self.app.dataset_folder()
        ui.label(screen, ui.cut(f"to {target}", self.rect.right - self.save_button.rect.right - 16, 21),
                 (self.save_button.rect.right + 12, self.save_button.rect.centery), size=21, colour=ui.DIM,
                 anchor="midleft")

    def _draw_box(self, screen):
        self.name_box.draw(screen, self.box, self.editing, placeholder="type a class name")

    def _draw_rows(self, screen, collection):
        classes = collection.classes
        if not classes:
            ui.label(screen, "No classes yet: click the box above, type a name", self.rows.topleft, size=26,
                     colour=ui.DIM)
            ui.label(screen, "(thumbs up, empty desk…), then Add. Two classes or more.",
                     (self.rows.x, self.rows.y + 30), size=26, colour=ui.DIM)
            return
        counts = collection.counts()
        most = max(counts.values()) or 1
        # The colours the thumbnails will have: classes sorted, those without images left out of the dataset.
        filled = sorted(name for name in classes if counts[name])
        for index, name in enumerate(classes):
            row = self.row_rect(index)
            if row.bottom > self.rows.bottom + 4:
                ui.label(screen, f"…and {len(classes) - index} more", (row.x, row.y), size=22, colour=ui.DIM)
                break
            chosen = name == self.selected
            pygame.draw.rect(screen, (255, 255, 255) if chosen else (236, 236, 232), row, border_radius=6)
            if chosen:
                pygame.draw.rect(screen, ui.ACCENT, row, 3, border_radius=6)
            colour = class_colour(filled.index(name)) if name in filled else ui.DIM
            pygame.draw.rect(screen, colour, (row.x + 8, row.centery - 8, 16, 16), border_radius=3)
            size = 28 if row.height >= 34 else 24
            ui.label(screen, ui.cut(name, 230, size, chosen), (row.x + 32, row.centery), size=size, bold=chosen,
                     anchor="midleft")
            count = counts[name]
            ui.label(screen, f"{count} image{'s' if count != 1 else ''}", (row.x + 390, row.centery), size=size,
                     anchor="midright", colour=ui.ERROR if count == 0 else ui.INK)
            bar = pygame.Rect(row.x + 404, row.centery - 6, row.right - row.x - 416, 12)
            pygame.draw.rect(screen, (214, 214, 218), bar, border_radius=6)
            if count:
                pygame.draw.rect(screen, colour, (bar.x, bar.y, max(6, round(bar.width * count / most)),
                                                  bar.height), border_radius=6)

    def _draw_strip(self, screen, collection):
        """The newest pictures of the selected class, so a blurred or wrong one is seen at once."""
        if self.selected is None or self.selected not in collection.classes:
            return
        samples = [sample for sample in collection.samples if sample.label == self.selected]
        room = (self.strip.width + 8) // (self.THUMB + 8)
        ui.label(screen, ui.cut(f"Newest pictures of {self.selected}", self.strip.width, 24, True),
                 self.strip.topleft, size=24, bold=True)
        if not samples:
            ui.label(screen, "none yet", (self.strip.x, self.strip.y + 30), size=24, colour=ui.DIM)
            return
        for position, sample in enumerate(reversed(samples[-room:])):
            picture = self._thumbs.get(sample.id)
            if picture is None:
                picture = self._thumbs[sample.id] = image_surface(sample.image, self.THUMB)
            screen.blit(picture, (self.strip.x + position * (self.THUMB + 8), self.strip.y + 30))

    def state(self):
        collection = self.collection
        if collection is None:
            return None
        return {"name": collection.name, "classes": list(collection.classes), "counts": collection.counts(),
                "folder": str(collection.folder), "selected": self.selected, "recording": self.recording,
                "unsaved": collection.unsaved, "save_error": collection.save_error}
