"""Your own image classes from a camera: the Data page's "New dataset" view.

The view is Teachable Machine's recipe: type a class name and press Add, pick a class, hold R, Space or the
Record button while the camera sees an example, and watch the count grow. Frames are taken at a steady rate
(`rate` a second) from `Camera.latest()`, which never waits, and go into a `mlcore.data.collection.Collection` that
autosaves them to its folder as they arrive. The camera itself is `mlcore.image_app.camera.feed.CameraFeed`.

The slow steps (using the collection as the dataset, saving it with feature vectors) are `ImagePipeline` methods
that run as Jobs, started by the app's step queue like the pipeline's other steps.
"""

import time

import pygame

from mlcore.data.collection import CollectionError
from mlcore.image_app.camera.feed import draw_feed
from mlcore.image_app.camera.picker import CameraPicker
from mlcore.image_app.collection_drawing import draw_record_button, draw_rows, draw_strip
from mlcore.widgets import ui
from mlcore.widgets.text_edit import TextEdit

DELETE_SECONDS = 3.0  # a second click on Delete within this time deletes the class


# ------------------------------------------------------------------------------------------------ the view


class CollectionView:
    """The New dataset view: a live preview, a Record button, and the classes with their counts."""

    THUMB = 64

    def __init__(self, rect, own, feed, say, rate=8.0, *, shown, use, save):
        self.own = own  # the collection (mlcore.image_app.own_classes.OwnClasses)
        self.feed = feed  # the camera it records from (mlcore.image_app.camera.feed.CameraFeed)
        self.say = say  # say(text, problem=False): a line on the message bar
        self.shown = shown  # shown(): True while the Data page is the page on screen
        self.use, self.save = use, save  # the Use this dataset and Save dataset buttons
        self.rect = pygame.Rect(rect)
        self.rate = float(rate)
        self.name_box = TextEdit(limit=64)
        self.naming = False  # the class name box has the keyboard
        self.selected = None
        self.recording = False
        self.recorded_now = 0
        self._due = 0.0
        self._seen = (None, 0)  # the camera and the number of the last frame recorded
        self._delete_armed = (None, 0.0)
        self.thumbs = {}  # the strip's pictures, by sample id
        x, y, right = self.rect.x, self.rect.y, self.rect.right
        side = 440
        self.preview = pygame.Rect(x, y, side, 296)
        self.picker = CameraPicker((x, self.preview.bottom + 8, side, 40), feed, say)  # webcams, a video, a folder
        self.record_button = ui.Button((x, self.picker.rect.bottom + 8, side, 50), "Record (hold R)", size=30)
        column = x + side + 24
        self.box = pygame.Rect(column, y, right - column - 3 * 128, 44)
        self.add_button = ui.Button((self.box.right + 8, y, 120, 44), "Add", size=28)
        self.rename_button = ui.Button((self.add_button.rect.right + 8, y, 120, 44), "Rename", size=28)
        self.delete_button = ui.Button(
            (self.rename_button.rect.right + 8, y, right - self.rename_button.rect.right - 8, 44), "Delete", size=28
        )
        bottom = self.rect.bottom
        self.use_button = ui.Button((column, bottom - 50, 250, 50), "Use this dataset", size=30)
        self.use_button.selected = True
        self.save_button = ui.Button((column + 262, bottom - 50, 210, 50), "Save dataset", size=30)
        self.strip = pygame.Rect(column, bottom - 50 - 16 - 30 - self.THUMB, right - column, 30 + self.THUMB)
        self.rows = pygame.Rect(column, y + 56, right - column, self.strip.y - 12 - (y + 56))

    @property
    def collection(self):
        return self.own.collection

    def select_first(self, collection):
        """Another collection is in use: its first class is chosen (none while it has none)."""
        self.selected = collection.classes[0] if collection.classes else None

    def button_center(self, name):
        """Where a button is, by caption ("Record", "Add", "Rename", "Delete", "Use", "Save", "name")."""
        if name == "name":
            return self.box.center
        return {
            "Record": self.record_button,
            "Add": self.add_button,
            "Rename": self.rename_button,
            "Delete": self.delete_button,
            "Use": self.use_button,
            "Save": self.save_button,
        }[name].rect.center

    def row_rect(self, index):
        """Where the row of the class at `index` lies."""
        count = len(self.collection.classes) if self.collection else 1
        pitch = max(30, min(44, self.rows.height // max(1, count)))
        return pygame.Rect(self.rows.x, self.rows.y + index * pitch, self.rows.width, pitch - 4)

    # -- typing ---------------------------------------------------------------------------------------------
    @property
    def editing(self):
        """True while the class name box, or the camera picker's path box on the Data page, has the keyboard."""
        return self.naming or (self.picker.editing and self.shown())

    @editing.setter
    def editing(self, value):  # the path box closes on a click beside it (CameraPicker.click), or on opening
        self.naming = value

    def type_key(self, key, unicode):
        if self.picker.editing:
            self.picker.type_key(key, unicode)
        elif self.name_box.type(key, unicode) == "enter":
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
            self.say(str(error), problem=True)
            return
        self.selected = name
        self.name_box.set("")
        self.say(f"class {name!r} added: hold R, Space or Record while the camera sees it")

    def rename(self):
        if self.selected is None:
            self.say("click a class first, then type its new name and press Rename", problem=True)
            return
        try:
            name = self.collection.rename_class(self.selected, self._typed_name())
        except CollectionError as error:
            self.say(str(error), problem=True)
            return
        self.say(f"class {self.selected!r} is now {name!r}")
        self.selected = name
        self.name_box.set("")

    def delete(self):
        if self.selected is None:
            self.say("click the class to delete first", problem=True)
            return
        armed, when = self._delete_armed
        count = self.collection.counts().get(self.selected, 0)
        if armed != self.selected or time.monotonic() - when > DELETE_SECONDS:
            self._delete_armed = (self.selected, time.monotonic())
            self.say(f"click Delete again to delete {self.selected!r} and its {count} images", problem=True)
            return
        self._delete_armed = (None, 0.0)
        self.stop_recording()
        self.collection.delete_class(self.selected)
        self.say(f"class {self.selected!r} deleted with its {count} images")
        classes = self.collection.classes
        self.selected = classes[0] if classes else None

    # -- recording -------------------------------------------------------------------------------------------
    def start_recording(self):
        """Start taking frames for the selected class (R, Space or the Record button held down)."""
        if self.recording:
            return
        if self.selected is None or self.selected not in self.collection.classes:
            self.say(
                "add a class first: type its name, then press Add"
                if not self.collection.classes
                else "click a class first, then hold R to record it",
                problem=True,
            )
            return
        feed = self.feed
        if not feed.restart() and not feed.running:  # a video or a folder starts again at its first frame
            feed.open()
            self.say(f"opening {feed.name}…")
        self.recording, self.recorded_now = True, 0
        self._due = time.perf_counter()

    def stop_recording(self, why=""):
        if not self.recording:
            return
        self.recording = False
        count = self.collection.counts().get(self.selected, 0) if self.selected in self.collection.classes else 0
        if why:
            self.say(
                f"{why}: recording stopped; the {self.recorded_now} images just recorded are kept "
                f"({self.selected}: {count})",
                problem=True,
            )
        else:
            self.say(f"recorded {self.recorded_now} images of {self.selected} ({count} in all)")

    def update(self):
        """Take a frame when one is due."""
        if not self.recording:
            return
        now = time.perf_counter()
        if now < self._due:
            return
        frame, count = self.feed.latest()
        if frame is None or (self.feed.camera, count) == self._seen:
            return  # wait for a new frame: a frame recorded twice would teach nothing new
        self._seen = (self.feed.camera, count)
        self.collection.record(self.selected, frame)
        self.recorded_now += 1
        self._due += 1.0 / self.rate
        if self._due < now:  # fell behind (a slow frame): keep the steady pace from now, no burst to catch up
            self._due = now + 1.0 / self.rate

    # -- clicks ----------------------------------------------------------------------------------------------
    def click(self, x, y):
        if self.picker.click(x, y):
            return
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
            self.use()
        elif self.save_button.hit(x, y):
            self.save()
        else:
            for index, name in enumerate(self.collection.classes):
                if self.row_rect(index).collidepoint(x, y):
                    self.selected = name
                    return

    # -- drawing ---------------------------------------------------------------------------------------------
    def draw(self, screen):
        collection = self.collection
        draw_feed(screen, self.preview, self.feed)
        if self.recording:
            pygame.draw.rect(screen, ui.ERROR, self.preview, 5, border_radius=8)
            ui.label(
                screen,
                f"recording {self.selected}: {self.recorded_now}",
                (self.preview.right - 10, self.preview.y + 10),
                size=26,
                colour=(255, 255, 255),
                background=ui.ERROR,
                anchor="topright",
                bold=True,
            )
        draw_record_button(screen, self)
        self.picker.draw(screen)
        hint = (
            f"{self.rate:g} pictures a second while held (R, Space or this button)"
            if not self.picker.editing
            else "type its path and press Enter, or drop it on the window"
        )
        ui.label(
            screen,
            ui.cut(hint, self.preview.width, 21),
            (self.preview.x, self.record_button.rect.bottom + 8),
            size=21,
            colour=ui.DIM,
        )
        self._draw_box(screen)
        for button in (self.add_button, self.rename_button, self.delete_button):
            button.enabled = button is self.add_button or self.selected is not None
        armed = self._delete_armed[0] == self.selected and time.monotonic() - self._delete_armed[1] < DELETE_SECONDS
        self.delete_button.caption = "Sure?" if armed else "Delete"
        for button in (self.add_button, self.rename_button, self.delete_button):
            button.draw(screen)
        draw_rows(screen, self, collection)
        draw_strip(screen, self, collection)
        self.use_button.enabled = self.save_button.enabled = len(collection) > 0
        self.use_button.selected = len(collection) > 0
        self.use_button.draw(screen)
        self.save_button.draw(screen)
        target = self.own.folder()
        ui.label(
            screen,
            ui.cut(f"to {target}", self.rect.right - self.save_button.rect.right - 16, 21),
            (self.save_button.rect.right + 12, self.save_button.rect.centery),
            size=21,
            colour=ui.DIM,
            anchor="midleft",
        )

    def _draw_box(self, screen):
        self.name_box.draw(screen, self.box, self.naming, placeholder="type a class name")

    def state(self):
        collection = self.collection
        if collection is None:
            return None
        return {
            "name": collection.name,
            "classes": list(collection.classes),
            "counts": collection.counts(),
            "folder": str(collection.folder),
            "selected": self.selected,
            "recording": self.recording,
            "unsaved": collection.unsaved,
            "save_error": collection.save_error,
            "picker": self.picker.state(),
        }
