"""Recorded images: the names a class may have, squared frames, recording ids and the PNG files they are kept in."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from mlcore.data.samples import IMAGE_SIZE
from mlcore.pixels import as_rgb

# Names that cannot be folders on every system the course runs on (Windows refuses these, whatever the case).
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_MAX_NAME = 64


class CollectionError(ValueError):
    """A change the collection refuses (a bad class name, an unknown class); one line, fit to show a student."""


def check_class_name(name) -> str:
    """The class name with surrounding spaces removed, or CollectionError saying why it cannot be a class.

    A class becomes a folder name, so it must be a valid one everywhere: no slashes or other characters that
    Windows forbids, no leading dot (such folders are hidden and skipped when loading), no trailing dot.
    """
    if not isinstance(name, str) or not name.strip():
        raise CollectionError("a class needs a name")
    name = name.strip()
    if len(name) > _MAX_NAME:
        raise CollectionError(f"class name too long ({len(name)} characters, at most {_MAX_NAME})")
    bad = _FORBIDDEN.search(name)
    if bad:
        shown = repr(bad.group()) if bad.group().isprintable() else "a control character"
        raise CollectionError(f"a class name cannot contain {shown}: {name!r}")
    if name.startswith(".") or name.endswith("."):
        raise CollectionError(f"a class name cannot start or end with a dot: {name!r}")
    if name.split(".")[0].lower() in _RESERVED:
        raise CollectionError(f"{name!r} cannot be a folder name on Windows; choose another class name")
    return name


def square_image(image) -> np.ndarray:
    """An RGB uint8 image as IMAGE_SIZE x IMAGE_SIZE x 3: the centre square, resized. Grey and RGBA accepted."""
    try:
        image = as_rgb(image)
    except ValueError as problem:
        raise ValueError(f"the image {problem}") from None
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    image = image[top : top + side, left : left + side]
    if side == IMAGE_SIZE:
        return image.copy()  # the caller may reuse its buffer for the next frame
    shrinking = side > IMAGE_SIZE
    return cv2.resize(
        np.ascontiguousarray(image),
        (IMAGE_SIZE, IMAGE_SIZE),
        interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR,
    )


_ID_TIME = "%Y%m%d-%H%M%S-%f"
_ID = re.compile(r"^(\d{8}-\d{6}-\d{6})-[0-9a-f]{4}$")


def new_id(after: datetime | None = None) -> tuple[str, datetime]:
    """A recording's id and time: the time to the microsecond, later than `after`, then 4 random hex digits.

    Ids sort in recording order; the random digits keep apart two collections recorded at the same moment and
    merged later.
    """
    now = datetime.now()
    if after is not None and now <= after:
        now = after + timedelta(microseconds=1)
    return f"{now.strftime(_ID_TIME)}-{secrets.token_hex(2)}", now


def id_time(sample_id: str) -> float | None:
    """When a recording was taken, read from its id; None for an id this module did not make."""
    match = _ID.match(sample_id)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _ID_TIME).timestamp()
    except ValueError:
        return None


def rank(seed: int, sample_id: str) -> str:
    """Where a sample falls in its class's shuffled order: the same for the same id and seed, on any machine."""
    return hashlib.sha256(f"{seed}:{sample_id}".encode()).hexdigest()


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB uint8 image: how a recording is kept on disk, pixel for pixel."""
    ok, png = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("the image could not be encoded as PNG")
    return png.tobytes()


def read_image(file: Path) -> np.ndarray | None:
    """A recording read back from disk as IMAGE_SIZE x IMAGE_SIZE RGB, or None when it does not decode."""
    try:
        data = np.fromfile(file, dtype=np.uint8)
        bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except (OSError, cv2.error):
        return None
    if bgr is None or not bgr.size:
        return None
    return square_image(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def os_reason(err: OSError) -> str:
    """What went wrong with a file, in the system's words."""
    return err.strerror or str(err)
