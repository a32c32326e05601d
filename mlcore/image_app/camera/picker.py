"""The New dataset view's camera picker (Teachable Machine has one): a button per webcam found, and a video or a
folder of images, typed in a box or dropped on the window.

Webcams are looked for on a thread (`mlcore.data.camera_probe`), again each time the view opens, so that one
plugged in during the lesson shows up; the row says "looking for cameras…" meanwhile. Changing the source never
touches the recordings: they stay in the collection, and recording goes on from the new source.
"""

from pathlib import Path

import pygame

from mlcore.data.camera_probe import DONE, FAILED, CameraProbe, FoundCamera
from mlcore.image_app.camera.feed import camera_source_kind
from mlcore.widgets import ui
from mlcore.widgets.text_edit import TextEdit

LOOKING_LINE = "looking for cameras…"
NO_CAMERA_LINE = "no camera found: use a video or a folder"
FILE_CAPTION = "Video or folder…"
GAP = 8


def use_file_source(feed, say, path):
    """Play the video or the folder at `path` as the camera `feed`; False, with a message, when it cannot be one."""
    path = Path(path).expanduser()
    kind = camera_source_kind(path)
    if not path.exists():
        say(f"{path}: no such file or folder", problem=True)
        return False
    if kind is None:
        say(
            f"{path.name}: not a video or a folder of images (a video such as .mp4 or .avi, or a folder of pictures)",
            problem=True,
        )
        return False
    feed.use(path)
    say(f"camera: {path.name} (a {kind} played as the camera)")
    return True


class CameraPicker:
    """One row under the camera's picture: the webcams found, then "Video or folder…", which opens a path box."""

    SIZE = 22

    def __init__(self, rect, feed, say):
        self.feed = feed  # the camera (mlcore.image_app.camera.feed.CameraFeed): what it shows is picked here
        self.say = say  # say(text, problem=False): a line on the message bar
        self.rect = pygame.Rect(rect)
        self.probe = None  # started when the view first opens
        self.path_box = TextEdit(limit=400)
        self.editing = False
        height = self.rect.height
        self.file_button = ui.Button((self.rect.right - 140, self.rect.y, 140, height), FILE_CAPTION, size=24)
        self.open_button = ui.Button((self.rect.right - 80, self.rect.y, 80, height), "Open", size=24)
        self.box = pygame.Rect(self.rect.x, self.rect.y, self.rect.width - 80 - GAP, height)

    def look(self):
        """The view opens: look for webcams (again) on a thread, with the path box closed."""
        self.editing = False
        if self.probe is None or self.probe.status in (DONE, FAILED):
            self.probe = CameraProbe().start()

    def cameras(self):
        """The webcams to offer: those found, and the one in use if it gives pictures (a busy one may not open)."""
        found = list(self.probe.cameras) if self.probe is not None and self.probe.status == DONE else []
        feed = self.feed
        working = feed.camera is not None and feed.camera.frame_count > 0
        if isinstance(feed.source, int) and working and feed.source not in [camera.index for camera in found]:
            found = sorted(found + [FoundCamera(feed.source)], key=lambda camera: camera.index)
        return found

    def camera_buttons(self, cameras=None):
        """A button for each webcam that fits left of "Video or folder…", with the camera it picks."""
        cameras = self.cameras() if cameras is None else cameras
        room = self.file_button.rect.x - GAP - self.rect.x
        count = min(len(cameras), max(1, room // 90))
        width = min(150, (room - GAP * (count - 1)) // max(1, count))
        buttons = []
        for position, camera in enumerate(cameras[:count]):
            caption = f"{camera.index}: {camera.name}" if camera.name else f"camera {camera.index}"
            rect = (self.rect.x + position * (width + GAP), self.rect.y, width, self.rect.height)
            buttons.append((ui.Button(rect, caption, size=self.SIZE), camera))
        return buttons

    def button_center(self, name, cameras=None):
        """Where a button is: "file", "Open", the path "box", or "camera N" (given the cameras listed)."""
        if name in ("file", "Open", "box"):
            return {"file": self.file_button.rect, "Open": self.open_button.rect, "box": self.box}[name].center
        for button, camera in self.camera_buttons(cameras):
            if name == f"camera {camera.index}":
                return button.rect.center
        raise KeyError(name)

    def line(self):
        """What the row says where no webcam button shows: looking, none found, or why none could be listed."""
        if self.probe is None or self.probe.status not in (DONE, FAILED):
            return LOOKING_LINE
        if self.cameras():
            return ""
        return self.probe.error or NO_CAMERA_LINE

    # -- clicks and keys -------------------------------------------------------------------------------------
    def click(self, x, y):
        """True when the click was the picker's: a webcam picked, the path box opened, or a path opened."""
        if self.editing:
            if self.open_button.hit(x, y):
                self.choose_path()
                return True
            if self.box.collidepoint(x, y):
                self.path_box.fresh = False
                return True
            self.editing = False
            return False
        if self.file_button.hit(x, y):
            source = self.feed.source
            self.path_box.set("" if isinstance(source, int) else str(source))
            self.editing = True
            return True
        for button, camera in self.camera_buttons():
            if button.hit(x, y):
                self.pick(camera.index)
                return True
        return False

    def pick(self, index):
        """Record from webcam `index` from now on; the one in use, picked again after a failure, opens again."""
        feed = self.feed
        if feed.source != index:
            feed.use(index)
            self.say(f"camera: camera {index}")
        elif not feed.running:
            feed.open()

    def type_key(self, key, unicode):
        if self.path_box.type(key, unicode) == "enter":
            self.choose_path()

    def choose_path(self):
        """The typed path becomes the camera; a path that cannot be one keeps the box open to be corrected."""
        typed = self.path_box.text.strip()
        if not typed:
            self.say("type the path of a video or a folder of images, or drop one on the window", problem=True)
            return
        self.editing = not use_file_source(self.feed, self.say, typed)

    # -- drawing ---------------------------------------------------------------------------------------------
    def draw(self, screen):
        if self.editing:
            self.path_box.draw(screen, self.box, True, size=self.SIZE, keep_end=True)
            self.open_button.draw(screen)
            return
        source = self.feed.source
        buttons = self.camera_buttons()
        for button, camera in buttons:
            button.selected = camera.index == source
            button.draw(screen)
        line = self.line()
        if line:
            room = self.file_button.rect.x - GAP - self.rect.x
            colour = ui.DIM if line == LOOKING_LINE else ui.ERROR
            ui.label(
                screen,
                ui.cut(line, room, self.SIZE),
                (self.rect.x, self.rect.centery),
                size=self.SIZE,
                colour=colour,
                anchor="midleft",
            )
        on_file = not isinstance(source, int)
        self.file_button.caption = Path(source).name if on_file else FILE_CAPTION
        self.file_button.selected = on_file
        self.file_button.draw(screen)

    def state(self):
        probe = self.probe
        return {
            "probe": probe.status if probe else "idle",
            "cameras": [[camera.index, camera.name] for camera in self.cameras()],
            "line": self.line(),
            "editing": self.editing,
            "path": self.path_box.text,
        }
