"""The sketch's one camera: a webcam, or a video file or a folder of images played as one (`--camera PATH`).

It opens only while a view needs it (the New dataset view, or Live mode on the Deployment page): a run that
never shows them never touches a webcam. A video or a folder goes through the same code as a webcam, which is
how a classroom without webcams and the tests record; it plays on and on, starting again at its end, and
`restart()` (each press of R) starts it again at its first frame.
"""

from pathlib import Path

import pygame

from mlcore.data.camera import Camera, parse_source
from mlcore.data.collection import square_image
from mlcore.widgets import ui
from mlcore.widgets.thumbnails import fitted_surface

CAMERA_FPS = 30  # how fast a folder (or a video that does not say its rate) plays; a webcam or a video keeps its own
VIDEO_EXTENSIONS = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv")


def camera_source_kind(path):
    """ "video" or "folder" for a file or folder that can play as a camera, else None."""
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

    def open(self, loop=True):
        """The camera, started unless it runs already; one that ended or failed is opened again."""
        if self.running and self.camera.loop == loop:
            return self.camera
        self.close()
        self.camera = Camera(self.source, fps=CAMERA_FPS, loop=loop).start()
        return self.camera

    def use(self, source):
        """Read from another source from now on (opened again by whoever needs it)."""
        was_open = self.running
        loop = self.camera.loop if self.camera is not None else True
        self.close()
        self.source = parse_source(source)
        if was_open:
            self.open(loop)

    def restart(self):
        """A video or a folder starts again at its first frame (a webcam goes on); True when it did."""
        if isinstance(self.source, int):
            return False
        loop = self.camera.loop if self.camera is not None else True
        shown = self._picture
        self.close()
        self.open(loop)
        self._picture = shown  # the last picture stays on screen until the first frame of the new pass
        return True

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
            return self._picture[1]  # None, except just after restart()
        key = (id(self.camera), count, tuple(size), square)
        if self._picture[0] != key:
            self._picture = (key, fitted_surface(square_image(frame) if square else frame, size))
        return self._picture[1]

    def squared(self):
        """This camera as the live predictor sees it: the centre square of each frame, as the recordings are."""
        return _CentreSquare(self.camera)

    def state(self):
        camera = self.camera
        return {
            "source": str(self.source),
            "status": camera.status if camera else "closed",
            "error": camera.error if camera else "",
            "fps": round(camera.measured_fps, 1) if camera else 0.0,
            "frames": camera.frame_count if camera else 0,
        }


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
        lines = (
            ["no picture:"]
            + ui.wrap(camera.error, rect.width - 24, 24)
            + [""]
            + ui.wrap(
                "pick another camera, or a video or a folder, below (or drop one on the window)", rect.width - 24, 24
            )
        )
    elif picture is None:
        lines = [waiting if camera is not None else "camera closed"]
    else:
        lines = []
    for i, line in enumerate(lines[:8]):
        ui.label(
            screen,
            line,
            (rect.x + 12, rect.y + 12 + 28 * i),
            size=24,
            colour=(255, 255, 255),
            background=(20, 20, 24) if picture is not None else None,
        )
    if camera is not None and picture is not None:
        tag = f"{feed.name}  {camera.measured_fps:.0f} frames/s"
        if camera.status == "ended":
            tag = f"{feed.name}: ended"
        ui.label(
            screen,
            tag,
            (rect.x + 8, rect.bottom - 8),
            size=20,
            colour=(255, 255, 255),
            background=(20, 20, 24),
            anchor="bottomleft",
        )
