"""Which webcams this computer has, found on a thread of their own so that the window never waits on a driver.

    >>> probe = CameraProbe().start()
    >>> probe.status, probe.cameras        # "looking", then "done" with [FoundCamera(index=0, name="…"), …]

On Linux the kernel lists its video devices in /sys/class/video4linux: they are read there, without opening any
(opening a webcam can take a second, and lights its LED). Elsewhere OpenCV opens device 0, 1, 2… in turn, each on a
thread that is given up after `OPEN_TIMEOUT_S` (a driver may hang), until one does not open.

The index is the number `--camera` takes and `Camera` opens.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from mlcore.data.camera import _open_capture

LOOKING, DONE, FAILED = "looking", "done", "failed"
MAX_CAMERAS = 6  # devices tried where the system does not list them
OPEN_TIMEOUT_S = 3.0
VIDEO4LINUX = Path("/sys/class/video4linux")


@dataclass(frozen=True)
class FoundCamera:
    """A webcam found: the device index OpenCV opens, and its name where the system tells it ("" otherwise)."""

    index: int
    name: str = ""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def listed_cameras(folder: Path = VIDEO4LINUX) -> list[FoundCamera] | None:
    """The capture devices Linux lists in `folder` (videoN is OpenCV's index N), none opened; None without a list.

    A webcam often has two nodes: the picture (index 0) and its metadata (index 1), which gives no frames.
    """
    if not folder.is_dir():
        return None
    found = []
    for entry in folder.iterdir():
        number = re.fullmatch(r"video(\d+)", entry.name)
        if number and _read(entry / "index") in ("", "0"):
            found.append(FoundCamera(int(number[1]), _read(entry / "name")))
    return sorted(found, key=lambda camera: camera.index)


def device_opens(index: int) -> bool:
    """True when OpenCV opens webcam `index` (it is released at once)."""
    capture = _open_capture(index)
    try:
        return bool(capture.isOpened())
    finally:
        capture.release()


def opened_cameras(
    indexes=range(MAX_CAMERAS), opens=device_opens, timeout: float = OPEN_TIMEOUT_S
) -> list[FoundCamera]:
    """The devices among `indexes` that `opens`, tried in order until one does not (or takes over `timeout` s)."""
    found = []
    for index in indexes:
        answer = []
        thread = threading.Thread(target=lambda: answer.append(opens(index)), name=f"probe camera {index}", daemon=True)
        thread.start()
        thread.join(timeout)  # a hung driver keeps its thread; the probe goes on without it
        if not (answer and answer[0]):
            break
        found.append(FoundCamera(index))
    return found


def find_cameras() -> list[FoundCamera]:
    """The webcams of this computer: the system's list where there is one, else the devices that open."""
    listed = listed_cameras()
    return listed if listed is not None else opened_cameras()


class CameraProbe:
    """`find_cameras` (or `find`) run once on a daemon thread: `status` is "looking", "done" or "failed".

    Nothing is raised from the thread: a failure leaves `cameras` empty and says why in `error`.
    """

    def __init__(self, find=None):
        self.find = find  # None: this module's find_cameras, looked up when the probe runs
        self.status = LOOKING
        self.cameras: list[FoundCamera] = []
        self.error = ""
        self._thread: threading.Thread | None = None

    def start(self) -> CameraProbe:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="camera probe", daemon=True)
            self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> CameraProbe:
        """Block until the probe is done (for scripts and tests; the window never calls it)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self

    def _run(self) -> None:
        try:
            self.cameras = list((self.find or find_cameras)())
            self.status = DONE
        except Exception as err:  # noqa: BLE001 - a thread has nobody to raise to; the screen shows the error
            self.error = f"cameras could not be listed: {type(err).__name__}: {err}".splitlines()[0]
            self.status = FAILED
