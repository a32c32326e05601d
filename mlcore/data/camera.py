"""A live image feed from a webcam, a video file or a folder of images, read on a background thread.

    >>> camera = Camera(0).start()                 # --camera 0: the first webcam
    >>> camera = Camera("clips/fruit.avi", fps=10, loop=True).start()   # --camera PATH: a video, or a folder
    >>> frame, count = camera.latest()             # newest RGB uint8 frame (None before the first) and its number
    >>> camera.status, camera.error, camera.measured_fps
    >>> camera.stop()

The draw loop only ever calls `latest()`, which never waits: the thread keeps the newest frame and drops the
rest, so a slow frame on screen never makes the feed lag behind. A count that has not moved since the last call
means no new frame yet.

A webcam delivers frames at its own pace. A video file plays at its own frame rate (`fps` when the file does not
say, or says something absurd), and a folder of images at `fps` frames a second, so that a classroom without a
webcam (or a test) sees the same kind of live feed. At the end of a video or a
folder the feed stops with status "ended" (and a `message` saying so), or starts again from the beginning when
`loop=True` (for demos of live prediction).

`status` is one of:

- "idle": not started yet;
- "starting": opening the source, no frame yet;
- "running": frames are arriving;
- "ended": a video or a folder reached its end (`message` says so);
- "failed": the source cannot be opened, or stopped sending frames (`error` says why, in one line);
- "stopped": `stop()` was called.

Nothing is ever raised from the thread. Frames already delivered stay valid after a failure: each frame is a new
array that the camera never touches again.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from pathlib import Path

import cv2
import numpy as np

IDLE, STARTING, RUNNING, ENDED, FAILED, STOPPED = "idle", "starting", "running", "ended", "failed", "stopped"

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp")

# A webcam that sends nothing for this long has been unplugged, or taken by another program.
STALL_SECONDS = 2.0

# A video's own frame rate is believed within these bounds; outside them (0 when unknown) `fps` paces it.
VIDEO_FPS_BOUNDS = (1.0, 240.0)

# measured_fps averages over this many recent frames: enough to be steady, few enough to follow a change.
_FPS_WINDOW = 30


class CameraError(Exception):
    """A camera source that cannot be used; the message is one line, fit to show a student."""


def parse_source(text: str | int | os.PathLike) -> int | Path:
    """What `--camera` names: digits are a device index (0 is the first webcam), anything else a path.

    A folder or file whose name is only digits is written with a folder in front: "./0".
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    string = os.fspath(text).strip()
    if string.isdigit():
        return int(string)
    return Path(string).expanduser()


def no_camera_message(index: int) -> str:
    """The one line shown when device `index` cannot be opened."""
    return (
        f"no camera {index}: check that a webcam is plugged in, "
        f"or use --camera PATH to read a video or a folder of images"
    )


def _open_capture(source: int | str) -> cv2.VideoCapture:
    """Open a device index or a video file, with OpenCV's own warnings silenced.

    OpenCV prints several lines of backend warnings for a missing webcam; the camera's `error` already says it in
    words a student can act on.
    """
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is None:
        return cv2.VideoCapture(source)
    previous = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        return cv2.VideoCapture(source)
    finally:
        logging.setLogLevel(previous)


class _Ended(Exception):
    """A finite source has no more frames."""


class _Failed(Exception):
    """A source that cannot give frames any more; the message is the camera's `error`."""


# ----------------------------------------------------------------------------------------------------------------
# Sources: each opens in the camera's thread and gives one RGB frame per `read()`.


class _Device:
    """A webcam: frames come at the device's own pace, so the camera does not pace them again."""

    paced = False

    def __init__(self, index: int):
        self.index = index
        self.capture = None

    def open(self) -> None:
        try:
            self.capture = _open_capture(self.index)
        except cv2.error:  # OpenCV refuses a number beyond its own (99999999999999999999): no such camera either
            raise _Failed(no_camera_message(self.index)) from None
        if not self.capture.isOpened():
            raise _Failed(no_camera_message(self.index))

    def read(self, delivered: int, stop: threading.Event) -> np.ndarray | None:
        # A webcam may drop a read or two while it starts or changes exposure; only a long silence is a failure.
        silent_since = time.monotonic()
        while not stop.is_set():
            ok, bgr = self.capture.read()
            if ok and bgr is not None and bgr.size:
                return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            if time.monotonic() - silent_since > STALL_SECONDS:
                if delivered == 0:
                    raise _Failed(f"camera {self.index} opened but sends no frames: is another program using it?")
                raise _Failed("camera stopped sending frames")
            stop.wait(0.05)
        return None

    def close(self) -> None:
        if self.capture is not None:
            self.capture.release()


class _Video:
    """A video file, read frame by frame through OpenCV."""

    paced = True

    def __init__(self, path: Path, loop: bool):
        self.path = path
        self.loop = loop
        self.capture = None
        self.frames_this_pass = 0
        self.rate = None  # the video's own frames a second, once opened (None: unknown)

    def open(self) -> None:
        self.capture = _open_capture(str(self.path))
        if not self.capture.isOpened():
            raise _Failed(
                f"{self.path.name}: not a video OpenCV can read "
                f"(use a video file such as .mp4 or .avi, or a folder of images)"
            )
        self.frames_this_pass = 0
        rate = self.capture.get(cv2.CAP_PROP_FPS)
        self.rate = float(rate) if VIDEO_FPS_BOUNDS[0] <= rate <= VIDEO_FPS_BOUNDS[1] else None

    def read(self, delivered: int, stop: threading.Event) -> np.ndarray | None:
        ok, bgr = self.capture.read()
        if ok and bgr is not None and bgr.size:
            self.frames_this_pass += 1
            return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        if self.frames_this_pass == 0:
            raise _Failed(f"{self.path.name}: no frame could be read from this video")
        if not self.loop:
            raise _Ended(f"end of {self.path.name} after {delivered} frames")
        # Reopening starts again from the first frame with every backend, which seeking does not promise.
        self.capture.release()
        self.open()
        return self.read(delivered, stop)

    def close(self) -> None:
        if self.capture is not None:
            self.capture.release()


class _Folder:
    """The images of a folder in sorted file-name order (or one image file), shown one per frame."""

    paced = True

    def __init__(self, path: Path, loop: bool, problems: list[str]):
        self.path = path
        self.loop = loop
        self.problems = problems
        self.files: list[Path] = []
        self.position = 0
        self.bad: set[Path] = set()

    def open(self) -> None:
        if self.path.is_file():
            self.files = [self.path]
            return
        try:
            entries = sorted(self.path.iterdir())
        except OSError as err:
            raise _Failed(f"{self.path}: cannot be read ({err.strerror or err})") from None
        self.files = [
            entry
            for entry in entries
            if entry.suffix.lower() in IMAGE_EXTENSIONS and not entry.name.startswith(".") and entry.is_file()
        ]
        if not self.files:
            raise _Failed(f"{self.path.name}: no images in this folder (expected {', '.join(IMAGE_EXTENSIONS)} files)")

    def read(self, delivered: int, stop: threading.Event) -> np.ndarray | None:
        while True:
            if self.position == len(self.files):
                if len(self.bad) == len(self.files):
                    raise _Failed(f"{self.path.name}: none of its images could be read")
                if not self.loop:
                    raise _Ended(f"end of {self.path.name} after {delivered} images")
                self.position = 0
            file = self.files[self.position]
            self.position += 1
            if file in self.bad:
                continue
            image = self._decode(file)
            if image is not None:
                return image
            self.bad.add(file)

    def _decode(self, file: Path) -> np.ndarray | None:
        # np.fromfile + imdecode, unlike cv2.imread, copes with non-ASCII paths on Windows.
        try:
            data = np.fromfile(file, dtype=np.uint8)
            bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
        except (OSError, cv2.error):
            bgr = None
        if bgr is None or not bgr.size:
            self.problems.append(f"{file.name}: does not decode as an image, skipped")
            return None
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        pass


# ----------------------------------------------------------------------------------------------------------------


class Camera:
    """A webcam (device index), a video file or a folder of images, read on a thread; see the module docstring.

    `source` is an int device index, a path, or the text given to `--camera` (see `parse_source`). `fps` paces
    folders, and videos that do not tell their own rate (a webcam and other videos keep theirs). `loop=True`
    starts a video or a folder again at its end.
    """

    def __init__(self, source: int | str | os.PathLike, fps: float = 10, loop: bool = False):
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.source = parse_source(source)
        self.fps = float(fps)
        self.loop = loop
        self.status = IDLE
        self.error = ""  # why the camera failed, one line; "" unless status is "failed"
        self.message = ""  # the latest notice for the screen: an error, the end of a video, a skipped image
        self.problems: list[str] = []  # one line per image of a folder that was skipped
        self._latest: tuple[np.ndarray | None, int] = (None, 0)
        self._times: deque[float] = deque(maxlen=_FPS_WINDOW)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        """How the source is named on screen: "camera 0", or the file or folder name."""
        return f"camera {self.source}" if isinstance(self.source, int) else self.source.name or str(self.source)

    def start(self) -> Camera:
        """Open the source and read frames on a daemon thread; returns the camera. Starting twice does nothing."""
        if self._thread is not None:
            return self
        self.status = STARTING
        self._thread = threading.Thread(target=self._run, name=f"camera {self.name}", daemon=True)
        self._thread.start()
        return self

    def latest(self) -> tuple[np.ndarray | None, int]:
        """The newest RGB uint8 frame (None before the first) and how many frames have arrived; never waits."""
        return self._latest

    @property
    def frame_count(self) -> int:
        """How many frames have arrived so far."""
        return self._latest[1]

    @property
    def measured_fps(self) -> float:
        """Frames a second actually delivered, over the last few frames; 0.0 until there are two."""
        times = list(self._times)
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading and release the source. The last frame stays available through `latest()`."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        if self.status in (IDLE, STARTING, RUNNING):
            self.status = STOPPED

    def __enter__(self) -> Camera:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- the thread ------------------------------------------------------------------------------------------
    def _source(self):
        if isinstance(self.source, int):
            return _Device(self.source)
        if not self.source.exists():
            raise _Failed(
                f"{self.source}: no such file or folder "
                f"(--camera takes a webcam number, a video file or a folder of images)"
            )
        if self.source.is_dir() or self.source.suffix.lower() in IMAGE_EXTENSIONS:
            return _Folder(self.source, self.loop, self.problems)
        return _Video(self.source, self.loop)

    def _run(self) -> None:
        source = None
        try:
            source = self._source()
            source.open()
            self._read_frames(source)
        except _Ended as end:
            self._finish(ENDED, str(end))
        except _Failed as failure:
            self._fail(str(failure))
        except Exception as err:  # noqa: BLE001 - a thread has nobody to raise to; the screen shows the error
            self._fail(
                f"{self.name} stopped unexpectedly ({str(err).splitlines()[0] if str(err) else 'no reason given'})"
            )
        finally:
            if source is not None:
                try:
                    source.close()
                except Exception:  # noqa: BLE001 - releasing a broken device must not hide why it broke
                    pass

    def _read_frames(self, source) -> None:
        period = 1.0 / (getattr(source, "rate", None) or self.fps)
        due = time.monotonic()
        while not self._stop.is_set():
            problems_before = len(self.problems)
            frame = source.read(self._latest[1], self._stop)
            if len(self.problems) > problems_before:
                self.message = self.problems[-1]
            if frame is None or self._stop.is_set():
                return
            self._deliver(frame)
            if source.paced:
                due += period
                # Behind by more than a frame (a slow disk, a busy machine): start counting again from now
                # rather than rushing frames out to catch up.
                if due < time.monotonic() - period:
                    due = time.monotonic()
                self._stop.wait(max(0.0, due - time.monotonic()))

    def _deliver(self, frame: np.ndarray) -> None:
        frame = np.ascontiguousarray(frame, dtype=np.uint8)
        # One assignment replaces frame and count together, so a reader never sees a frame with another's count.
        self._latest = (frame, self._latest[1] + 1)
        self._times.append(time.monotonic())
        if self.status == STARTING:
            self.status = RUNNING

    def _finish(self, status: str, message: str) -> None:
        if not self._stop.is_set():
            self.status = status
        self.message = message

    def _fail(self, message: str) -> None:
        self.error = message
        self._finish(FAILED, message)
