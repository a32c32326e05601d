"""Image datasets for the classifier sketches: the course's Marcelle files, image folders, and a built-in set.

Everything here works without a display and without torch, so a notebook or a test can load data directly:

    >>> from mlcore.data.datasets import load_dataset
    >>> data = load_dataset("miniFRUIT")          # downloaded once into the cache, then read from disk
    >>> data.classes, data.counts()["train"]

A dataset is two lists of `Sample`s (train and test) plus `problems`: one human-readable line for every image or
instance that was skipped, so that a sketch can show the student why an image is missing instead of failing.
A whole file that cannot be read at all raises `DatasetError`, whose message is one line meant for the screen.

Where data can come from (`load_dataset(spec)`):

- a course dataset name (`COURSE_DATASETS`): downloaded from the course repository into `cache_dir()` once;
- a folder holding `<name>_train.json` and `<name>_test.json` (Marcelle dataset exports);
- a folder holding `train/<class>/*.jpg|png` and `test/<class>/*.jpg|png`;
- `"builtin"`: generated images of fruit (`mlcore.data.builtin`), for working offline.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import tempfile
import threading
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from mlcore.files import write_atomically

COURSE_DATASETS = ["miniMASK", "miniROAD", "miniTRASH", "miniRETINA", "miniSKIN", "miniFRUIT"]
COURSE_URL = (
    "https://raw.githubusercontent.com/aica-wavelab/aica-assignments/main/"
    "A1_introduction/train_your_first_classifier/assets/{name}/{name}_{split}.json"
)

# Marcelle's thumbnails, and every image a sketch works with, are this many pixels square.
IMAGE_SIZE = 224
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")

Progress = Callable[[int, "int | None"], None]


class DatasetError(ValueError):
    """A dataset that cannot be used at all; the message is one line, fit to show a student."""


class DownloadCancelled(DatasetError):
    """The download was stopped through its `cancel` event; nothing was written."""


@dataclass
class Sample:
    """One labelled image."""

    image: np.ndarray  # RGB uint8, IMAGE_SIZE x IMAGE_SIZE x 3
    label: str
    x: np.ndarray | None = None  # the feature vector stored in a Marcelle file (float32), else None
    id: str = ""  # the instance id, the file path, or a generated id
    source: str = ""  # the file or url it came from, for messages


@dataclass
class Dataset:
    """Train and test samples, their classes, and what was skipped while loading them."""

    name: str
    classes: list[str]  # sorted union of train and test labels
    train: list[Sample]
    test: list[Sample]
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict:
        """Images per class in each split: {"train": {class: n}, "test": {class: n}}, every class listed."""
        result = {}
        for split, samples in (("train", self.train), ("test", self.test)):
            per_class = Counter(sample.label for sample in samples)
            result[split] = {name: per_class.get(name, 0) for name in self.classes}
        return result


# --------------------------------------------------------------------------------------------------------------
# Where downloads live


def cache_dir() -> Path:
    """The per-user cache folder: $ML_SKETCHES_CACHE, else $XDG_CACHE_HOME/ml-sketches, else ~/.cache/ml-sketches."""
    override = os.environ.get("ML_SKETCHES_CACHE")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "ml-sketches"


def _short_name(source: str | os.PathLike) -> str:
    """The last part of a path or url, which is what a student recognises in a message."""
    text = os.fspath(source)
    tail = text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return tail or text


# --------------------------------------------------------------------------------------------------------------
# Images


def _fit_image(image: np.ndarray) -> np.ndarray:
    """Bring a decoded RGB image to IMAGE_SIZE x IMAGE_SIZE, the size every model in the sketches expects."""
    if image.shape[:2] != (IMAGE_SIZE, IMAGE_SIZE):
        image = cv2.resize(image, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(image)


def _decode_image(data: bytes) -> np.ndarray | None:
    """Decode JPEG or PNG bytes to RGB uint8 at IMAGE_SIZE, or None when they are not an image."""
    if not data:
        return None
    try:
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    if bgr is None or bgr.size == 0:
        return None
    return _fit_image(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def encode_thumbnail(image: np.ndarray, quality: int = 90) -> str:
    """Encode an RGB uint8 image as a Marcelle thumbnail: "data:image/jpeg;base64,..."."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 image (H x W x 3), got {image.dtype} {image.shape}")
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the image could not be encoded as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii")


def _decode_thumbnail(thumbnail) -> tuple[np.ndarray | None, str]:
    """The image inside a data-URL thumbnail, or (None, why not)."""
    if not isinstance(thumbnail, str) or not thumbnail:
        return None, "has no thumbnail"
    head, comma, payload = thumbnail.partition(",")
    if not comma or not head.startswith("data:image/") or not head.endswith(";base64"):
        return None, "thumbnail is not a base64 image data URL"
    try:
        data = base64.b64decode(payload)
    except (binascii.Error, ValueError):
        return None, "thumbnail is not valid base64"
    image = _decode_image(data)
    if image is None:
        return None, "thumbnail does not decode"
    return image, ""


# --------------------------------------------------------------------------------------------------------------
# Marcelle files


def _is_number(value) -> bool:
    # JSON true/false arrive as bool, which Python counts as int; they are not numbers here.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _vector(raw) -> tuple[np.ndarray | None, str]:
    """A stored feature vector as float32, or (None, why not). One level of nesting ([[...]]) is flattened."""
    if not isinstance(raw, list):
        return None, "x is not a list of numbers"
    # Marcelle stores a tensor's values; a [1, n] tensor arrives as [[...]].
    if raw and all(isinstance(part, list) for part in raw):
        raw = [value for part in raw for value in part]
    if not raw:
        return None, "x is empty"
    if not all(_is_number(value) for value in raw):
        return None, "x is not a list of numbers"
    try:
        with np.errstate(over="ignore"):
            vector = np.asarray(raw, dtype=np.float32)
    except OverflowError:  # an integer too large even for a double
        vector = None
    if vector is None or not np.isfinite(vector).all():
        return None, "x has numbers that are infinite, NaN or too large"
    return vector, ""


def _label(raw) -> str | None:
    """The class name of an instance, kept exactly as written (saving it again must give it back unchanged)."""
    if isinstance(raw, str):
        return raw if raw.strip() else None
    if _is_number(raw):  # a class called 1 is still a class
        return str(raw)
    return None


def _load_json(data, source: str):
    """Parse JSON text or bytes, turning every way it can fail into one clear DatasetError."""
    name = _short_name(source) or "dataset"
    if isinstance(data, (bytes, bytearray, memoryview)):
        if not bytes(data).strip():
            raise DatasetError(f"{name}: the file is empty")
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DatasetError(f"{name}: not a JSON file (it is not UTF-8 text)") from None
    if isinstance(data, str):
        if not data.strip():
            raise DatasetError(f"{name}: the file is empty")
        try:
            return json.loads(data)
        except json.JSONDecodeError as err:
            raise DatasetError(
                f"{name}: not valid JSON, the file may be truncated or corrupt "
                f"({err.msg} at line {err.lineno}, column {err.colno})"
            ) from None
    return data


def parse_marcelle(data, source: str = "", vector_length: int | None = None) -> tuple[list[Sample], list[str]]:
    """Read a Marcelle dataset export, given as JSON bytes, JSON text or the already-parsed object.

    Returns the good samples and one problem line per instance that was skipped (instances are numbered from 1
    in file order). Stored vectors must all have one length: `vector_length` if given, else the length most
    instances have. An instance without `x` is kept with `x=None`, since the image alone is enough to train on.
    Raises DatasetError when the whole file is unusable (not JSON, truncated, not a Marcelle dataset).
    """
    name = _short_name(source) or "dataset"
    obj = _load_json(data, source)
    meta = obj.get("marcelleMeta") if isinstance(obj, dict) else None
    if not isinstance(meta, dict) or not isinstance(obj.get("instances"), list):
        raise DatasetError(
            f'{name}: not a Marcelle dataset export (expected {{"marcelleMeta": {{"type": "dataset"}}, '
            f'"instances": [...]}})'
        )
    if meta.get("type") != "dataset":
        raise DatasetError(f"{name}: a Marcelle {meta.get('type')!r} file, not a dataset")

    problems: list[str] = []
    candidates: list[tuple[int, Sample]] = []
    for number, instance in enumerate(obj["instances"], start=1):
        where = f"{name}: instance {number}"
        if not isinstance(instance, dict):
            problems.append(f"{where}: not a JSON object, skipped")
            continue
        label = _label(instance.get("y"))
        if label is None:
            problems.append(f"{where}: has no label (y), skipped")
            continue
        x = None
        if instance.get("x") is not None:
            x, why = _vector(instance["x"])
            if x is None:
                problems.append(f"{where}: {why}, skipped")
                continue
        image, why = _decode_thumbnail(instance.get("thumbnail"))
        if image is None:
            problems.append(f"{where}: {why}, skipped")
            continue
        raw_id = instance.get("id")
        sample_id = str(raw_id) if _is_number(raw_id) or (isinstance(raw_id, str) and raw_id) else f"{name}#{number}"
        candidates.append((number, Sample(image=image, label=label, x=x, id=sample_id, source=str(source))))

    # A model needs every vector to have one length; a stray one is the odd instance out, not the norm.
    lengths = Counter(len(sample.x) for _, sample in candidates if sample.x is not None)
    expected = vector_length if vector_length is not None else (lengths.most_common(1)[0][0] if lengths else None)
    samples = []
    for number, sample in candidates:
        if sample.x is not None and len(sample.x) != expected:
            problems.append(
                f"{name}: instance {number}: x has {len(sample.x)} numbers where the others have {expected}, skipped"
            )
            continue
        samples.append(sample)
    return samples, problems


def read_marcelle(path: str | os.PathLike, vector_length: int | None = None) -> tuple[list[Sample], list[str]]:
    """Read one Marcelle dataset file from disk (see `parse_marcelle`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except OSError as err:
        raise DatasetError(f"{path}: cannot be read ({err.strerror or err})") from None
    return parse_marcelle(data, str(path), vector_length=vector_length)


def save_marcelle(samples: list[Sample], path: str | os.PathLike, dataset_name: str) -> Path:
    """Write samples as a Marcelle dataset export, readable by `parse_marcelle` and by the course's Marcelle app.

    `dataset_name` is Marcelle's `datasetName` field (the course uses "trainingSet" and "testSet"). Labels and
    ids come back unchanged; pixels come back as JPEG approximations. A sample without an id gets a new one.
    """
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    instances = []
    for sample in samples:
        instance = {"datasetName": dataset_name}
        if sample.x is not None:
            instance["x"] = np.asarray(sample.x, dtype=np.float32).ravel().tolist()
        instance.update(
            thumbnail=encode_thumbnail(_fit_image(np.asarray(sample.image))),
            y=sample.label,
            createdAt=now,
            updatedAt=now,
            # Marcelle's own ids are 24 hex digits; new ones follow suit.
            id=sample.id or secrets.token_hex(12),
        )
        instances.append(instance)
    document = {"marcelleMeta": {"type": "dataset"}, "instances": instances}
    path = Path(path)
    write_atomically(path, json.dumps(document).encode("utf-8"))
    return path


# --------------------------------------------------------------------------------------------------------------
# Building a Dataset


def _make_dataset(name: str, train: list[Sample], test: list[Sample], problems: list[str],
                  folder_classes: list[str] = ()) -> Dataset:
    """Assemble a Dataset, noting classes that cannot be learned or tested."""
    classes = sorted({s.label for s in train} | {s.label for s in test} | set(folder_classes))
    dataset = Dataset(name=name, classes=classes, train=train, test=test, problems=list(problems))
    counts = dataset.counts()
    for label in classes:
        if counts["train"][label] == 0:
            dataset.problems.append(f"class '{label}' has no training images")
        # With no test images at all, one line says it better than one per class.
        if test and counts["test"][label] == 0:
            dataset.problems.append(f"class '{label}' has no test images")
    if not test:
        dataset.problems.append(f"{name}: no usable test images, so the model cannot be tested")
    if not train:
        first = f" (first problem: {problems[0]})" if problems else ""
        raise DatasetError(f"{name}: no usable training images{first}")
    return dataset


def load_marcelle_pair(train_path: str | os.PathLike, test_path: str | os.PathLike, name: str) -> Dataset:
    """Load a train file and a test file exported by Marcelle as one Dataset."""
    train, train_problems = read_marcelle(train_path)
    # Test vectors must match the training ones, or a model trained on one could not score the other.
    lengths = Counter(len(s.x) for s in train if s.x is not None)
    train_length = lengths.most_common(1)[0][0] if lengths else None
    test, test_problems = read_marcelle(test_path, vector_length=train_length)
    return _make_dataset(name, train, test, train_problems + test_problems)


def _read_class_folders(split_dir: Path, root: Path) -> tuple[list[Sample], list[str], list[str]]:
    """The images of split_dir/<class>/*, the class folder names, and the problems met."""
    samples, problems, classes = [], [], []
    for entry in sorted(split_dir.iterdir()):
        relative = entry.relative_to(root).as_posix()
        if entry.name.startswith("."):  # .DS_Store, .ipynb_checkpoints and the like
            continue
        if not entry.is_dir():
            if entry.suffix.lower() in IMAGE_EXTENSIONS:
                problems.append(f"{relative}: not inside a class folder, skipped")
            continue
        classes.append(entry.name)
        for file in sorted(entry.iterdir()):
            if file.name.startswith(".") or file.suffix.lower() not in IMAGE_EXTENSIONS or not file.is_file():
                continue
            # np.fromfile + imdecode, unlike cv2.imread, copes with non-ASCII paths on Windows.
            try:
                image = _decode_image(np.fromfile(file, dtype=np.uint8).tobytes())
            except OSError as err:
                problems.append(f"{file.relative_to(root).as_posix()}: cannot be read ({err.strerror or err}), skipped")
                continue
            if image is None:
                problems.append(f"{file.relative_to(root).as_posix()}: does not decode as an image, skipped")
                continue
            samples.append(Sample(image=image, label=entry.name, id=file.relative_to(root).as_posix(),
                                  source=str(file)))
    return samples, problems, classes


def load_image_folders(root: str | os.PathLike, name: str) -> Dataset:
    """Load root/train/<class>/*.jpg|jpeg|png and root/test/<class>/...; the folder names are the labels."""
    root = Path(root)
    train_dir, test_dir = root / "train", root / "test"
    if not train_dir.is_dir():
        raise DatasetError(f"{root}: no train/ folder (expected train/<class>/ and test/<class>/ image folders)")
    train, problems, train_classes = _read_class_folders(train_dir, root)
    if test_dir.is_dir():
        test, test_problems, test_classes = _read_class_folders(test_dir, root)
        problems += test_problems
    else:
        test, test_classes = [], []
        problems.append(f"{root.name}: no test/ folder")
    return _make_dataset(name, train, test, problems, folder_classes=train_classes + test_classes)


# --------------------------------------------------------------------------------------------------------------
# Downloads


def _cache_error(folder: Path, err: OSError) -> DatasetError:
    return DatasetError(
        f"cannot write to the dataset cache {folder} ({err.strerror or err}); "
        f"set ML_SKETCHES_CACHE to a writable folder"
    )


def download(url: str, dest: str | os.PathLike, progress: Progress | None = None,
             cancel: threading.Event | None = None, timeout: float = 20, what: str | None = None) -> Path:
    """Download a Marcelle dataset file from `url` to `dest`, all or nothing.

    The bytes stream into a temporary file beside `dest`; `progress(done_bytes, total_bytes_or_None)` is called
    as they arrive, and setting the `cancel` event stops the download (DownloadCancelled). The file is checked
    with `parse_marcelle` (it must hold at least one good instance) and only then moved onto `dest`, so an
    interrupted, cancelled or invalid download leaves neither `dest` nor a temporary file behind.
    `what` names the file in error messages (default: the file name of `dest`).
    """
    dest = Path(dest)
    what = what or dest.name
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as err:
        raise _cache_error(dest.parent, err) from None
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(url, out, what, progress, cancel, timeout)
            out.flush()
            os.fsync(out.fileno())
        try:
            samples, _ = parse_marcelle(Path(temp).read_bytes(), url)
        except DatasetError as err:
            raise DatasetError(f"could not download {what}: the server did not send a dataset ({err})") from None
        if not samples:
            raise DatasetError(f"could not download {what}: the file at {url} holds no usable instance")
        os.replace(temp, dest)
    except OSError as err:  # the disk filled up, or the folder turned read-only half way
        raise _cache_error(dest.parent, err) from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return dest


def _stream(url: str, out, what: str, progress: Progress | None, cancel: threading.Event | None,
            timeout: float) -> None:
    """Copy the body at `url` into the open file `out`, reporting progress and honouring `cancel`."""
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled(f"download of {what} cancelled")
    request = urllib.request.Request(url, headers={"User-Agent": "ml-sketches"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        raise DatasetError(f"could not download {what}: the server answered {err.code} {err.reason} ({url})") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", None) or err
        raise DatasetError(f"could not download {what}: no network or server unreachable ({reason})") from None
    with response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        if progress:
            progress(done, total)
        while True:
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled(f"download of {what} cancelled")
            try:
                chunk = response.read(64 * 1024)
            except (OSError, ValueError) as err:  # reset, timeout, or http.client.IncompleteRead
                raise DatasetError(f"could not download {what}: the connection broke ({err})") from None
            if not chunk:
                break
            out.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    # A server that closes early looks like a normal end of the body; only the announced length tells them apart.
    if total is not None and done < total:
        raise DatasetError(f"could not download {what}: the connection broke after {done} of {total} bytes")


def _course_name(name: str) -> str | None:
    """The course dataset called `name`, letter case ignored, or None."""
    for known in COURSE_DATASETS:
        if known.lower() == str(name).lower():
            return known
    return None


def ensure_course_dataset(name: str, progress: Progress | None = None, cancel: threading.Event | None = None,
                          base_url: str = COURSE_URL) -> tuple[Path, Path]:
    """Make sure both splits of a course dataset are in the cache, downloading what is missing.

    Returns the paths of the train and test files. Files already cached are not downloaded again.
    `progress` is called for each file in turn. `base_url` is formatted with `name` and `split`.
    """
    known = _course_name(name)
    if known is None:
        raise DatasetError(f"unknown course dataset {name!r}; the course has {', '.join(COURSE_DATASETS)}")
    folder = cache_dir() / "datasets" / known
    paths = []
    for split in ("train", "test"):
        path = folder / f"{known}_{split}.json"
        if not path.is_file():
            download(base_url.format(name=known, split=split), path, progress=progress, cancel=cancel,
                     what=f"{known} ({split})")
        paths.append(path)
    return paths[0], paths[1]


# --------------------------------------------------------------------------------------------------------------
# One entry point


def _marcelle_pairs_in(folder: Path) -> list[tuple[Path, Path, str]]:
    """Every <name>_train.json / <name>_test.json pair in `folder`, as (train, test, name)."""
    pairs = []
    for train in sorted(folder.glob("*_train.json")):
        name = train.name[: -len("_train.json")]
        test = folder / f"{name}_test.json"
        if name and test.is_file():
            pairs.append((train, test, name))
    return pairs


def load_dataset(spec: str | os.PathLike, progress: Progress | None = None,
                 cancel: threading.Event | None = None, base_url: str = COURSE_URL) -> Dataset:
    """Load a dataset from whatever a student names.

    `spec` is one of: a course dataset name ("miniROAD", downloaded into the cache the first time), "builtin"
    (generated offline), a folder holding <name>_train.json and <name>_test.json, or a folder with train/<class>/
    and test/<class>/ image folders. In a folder of several pairs, name one: "folder/miniROAD". Course names and
    "builtin" win over folders of the same name; write "./miniROAD" to load the folder.
    `progress`, `cancel` and `base_url` go to `ensure_course_dataset` when a download is needed.
    """
    text = os.fspath(spec)
    if text.strip().lower() == "builtin":
        from mlcore.data.builtin import make_builtin  # generated on demand; most runs never need it

        return make_builtin()
    known = _course_name(text.strip())
    if known is not None:
        train_path, test_path = ensure_course_dataset(known, progress=progress, cancel=cancel, base_url=base_url)
        try:
            return load_marcelle_pair(train_path, test_path, known)
        except DatasetError as err:
            raise DatasetError(f"{err} (delete {train_path.parent} to download it again)") from None

    path = Path(text).expanduser()
    # "folder/miniROAD" or "folder/miniROAD_train.json" name one pair among several in a folder.
    stem = str(path)[: -len("_train.json")] if path.name.endswith("_train.json") else str(path)
    named_pair = Path(stem + "_train.json"), Path(stem + "_test.json")
    if all(p.is_file() for p in named_pair):
        return load_marcelle_pair(named_pair[0], named_pair[1], Path(stem).name)
    if path.is_dir():
        pairs = _marcelle_pairs_in(path)
        if len(pairs) == 1:
            return load_marcelle_pair(*pairs[0])
        if len(pairs) > 1:
            names = ", ".join(name for _, _, name in pairs)
            raise DatasetError(f"{path} holds several datasets ({names}): name one, as in {path / pairs[0][2]}")
        if (path / "train").is_dir():
            return load_image_folders(path, path.resolve().name)
    raise DatasetError(
        f"unknown dataset {text!r}: expected a course dataset ({', '.join(COURSE_DATASETS)}), 'builtin', "
        f"a folder holding <name>_train.json and <name>_test.json, "
        f"or a folder with train/<class>/ and test/<class>/ images"
    )
