"""Your own image classes, recorded from a camera: the dataset behind a Teachable-Machine style sketch.

    >>> collection = Collection(folder="my_classes")   # opens what is there, or starts an empty collection
    >>> collection.add_class("thumbs up")
    >>> collection.record("thumbs up", frame)          # while the record button is held, once per new frame
    >>> dataset = collection.split()                   # a Dataset: 80% train, 20% test in every class
    >>> collection.save_marcelle("exports/my_classes") # my_classes_train.json + my_classes_test.json
    >>> collection.save_image_folders("exports/my_classes_images")     # train/<class>/*.png, test/<class>/*.png

Every recorded frame is centre-cropped to a square and resized to 224 x 224 (the size every model here expects),
kept in memory, and, when the collection has a `folder`, written there as `<folder>/<class>/<id>.png` by a
background thread within a moment of being recorded, so quitting or a crash loses at most the last frames.
`collection.json` in the folder keeps the collection's name and the order of its classes. `Collection.open`
reads such a folder back; a folder of class folders filled by hand (`<class>/*.jpg|png`) opens too.

When the folder cannot be written (read-only, full, gone) nothing is raised while recording: `save_error` says
why in one line, `unsaved` counts the frames kept only in memory, and every later change tries again. The files
written by `save_marcelle` and `save_image_folders` load back with `mlcore.data.datasets.load_dataset` with the same
labels and ids, and the same pixels (exactly from PNG, approximately from Marcelle's JPEG thumbnails).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from mlcore.data.datasets import IMAGE_EXTENSIONS, IMAGE_SIZE, Dataset, Sample, save_marcelle
from mlcore.files import write_atomically

METADATA = "collection.json"
DEFAULT_NAME = "my_classes"

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
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]
    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) == 0:
        raise ValueError(f"expected an RGB image (H x W x 3), got shape {image.shape}")
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    image = image[top:top + side, left:left + side]
    if side == IMAGE_SIZE:
        return image.copy()  # the caller may reuse its buffer for the next frame
    shrinking = side > IMAGE_SIZE
    return cv2.resize(np.ascontiguousarray(image), (IMAGE_SIZE, IMAGE_SIZE),
                      interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


_ID_TIME = "%Y%m%d-%H%M%S-%f"
_ID = re.compile(r"^(\d{8}-\d{6}-\d{6})-[0-9a-f]{4}$")


def _new_id(after: datetime | None = None) -> tuple[str, datetime]:
    """A recording's id and time: the time to the microsecond, later than `after`, then 4 random hex digits.

    Ids sort in recording order; the random digits keep apart two collections recorded at the same moment and
    merged later.
    """
    now = datetime.now()
    if after is not None and now <= after:
        now = after + timedelta(microseconds=1)
    return f"{now.strftime(_ID_TIME)}-{secrets.token_hex(2)}", now


def _id_time(sample_id: str) -> float | None:
    """When a recording was taken, read from its id; None for an id this module did not make."""
    match = _ID.match(sample_id)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _ID_TIME).timestamp()
    except ValueError:
        return None


def _rank(seed: int, sample_id: str) -> str:
    """Where a sample falls in its class's shuffled order: the same for the same id and seed, on any machine."""
    return hashlib.sha256(f"{seed}:{sample_id}".encode("utf-8")).hexdigest()


def _encode_png(image: np.ndarray) -> bytes:
    ok, png = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("the image could not be encoded as PNG")
    return png.tobytes()


def _read_image(file: Path) -> np.ndarray | None:
    try:
        data = np.fromfile(file, dtype=np.uint8)
        bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except (OSError, cv2.error):
        return None
    if bgr is None or not bgr.size:
        return None
    return square_image(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def _os_reason(err: OSError) -> str:
    return err.strerror or str(err)


class Collection:
    """Named classes and the images recorded for each; autosaved to `folder` when one is given.

    `Collection(folder=F)` opens the collection in F when there is one, and starts an empty one otherwise.
    `name` names the dataset (and the Marcelle files); by default the folder's name, else "my_classes".
    """

    def __init__(self, name: str | None = None, folder: str | os.PathLike | None = None):
        self.folder = Path(folder).expanduser() if folder is not None else None
        self.name = name or (self.folder.resolve().name if self.folder is not None else DEFAULT_NAME)
        self._named = bool(name)
        self.classes: list[str] = []  # in the order they were added
        self.problems: list[str] = []  # one line per file of the folder that could not be read back
        self.recorded_at: dict[str, float] = {}  # id -> when it was recorded (seconds since the epoch)
        self.save_error = ""  # why the folder cannot be written, one line; "" while autosave keeps up
        self._samples: list[Sample] = []
        self._last_time: datetime | None = None
        self._lock = threading.Lock()
        # What the writer thread has put on disk: id -> file, class folders, and what is left to delete.
        self._saved: dict[str, Path] = {}
        self._made_folders: set[str] = set()
        self._doomed: list[Path] = []
        self._meta_written: tuple | None = None
        # Every change bumps `_requested`; the writer thread sets `_completed` to the last one it has written.
        self._progress = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._closed = False
        self._writer: threading.Thread | None = None
        if self.folder is not None and self.folder.is_dir():
            self._load()
        elif self.folder is not None:
            self._changed()  # make the folder now, so that a folder that cannot be written shows before recording

    @classmethod
    def open(cls, folder: str | os.PathLike) -> "Collection":
        """The collection saved in `folder`; CollectionError when there is no such folder."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise CollectionError(f"{folder}: no such folder")
        return cls(folder=folder)

    # -- classes --------------------------------------------------------------------------------------------
    def _find(self, name: str) -> str | None:
        """The existing class whose name equals `name` ignoring case (folders clash that way on Windows, macOS)."""
        for existing in self.classes:
            if existing.lower() == name.lower():
                return existing
        return None

    def _existing(self, name) -> str:
        if isinstance(name, str) and name.strip() in self.classes:
            return name.strip()
        raise CollectionError(f"no class called {name!r}")

    def add_class(self, name: str) -> str:
        """Add an empty class; returns its name (spaces around it removed)."""
        name = check_class_name(name)
        with self._lock:
            clash = self._find(name)
            if clash is not None:
                raise CollectionError(f"there is already a class called {clash!r}")
            self.classes.append(name)
        self._changed()
        return name

    def rename_class(self, old: str, new: str) -> str:
        """Give a class a new name, its images included; returns the new name."""
        old = self._existing(old)
        new = check_class_name(new)
        with self._lock:
            clash = self._find(new)
            if clash is not None and clash != old:
                raise CollectionError(f"there is already a class called {clash!r}")
            self.classes[self.classes.index(old)] = new
            for index, sample in enumerate(self._samples):
                if sample.label == old:
                    self._samples[index] = Sample(image=sample.image, label=new, id=sample.id, source=sample.source)
        self._changed()
        return new

    def delete_class(self, name: str) -> None:
        """Remove a class and every image recorded for it (from the folder too)."""
        name = self._existing(name)
        with self._lock:
            self.classes.remove(name)
            self._samples = [sample for sample in self._samples if sample.label != name]
        self._changed()

    # -- images ---------------------------------------------------------------------------------------------
    def record(self, label: str, image) -> Sample:
        """Add one frame (RGB uint8, any size: centre-cropped and resized to 224 x 224) to a class."""
        label = self._existing(label)
        image = square_image(image)
        with self._lock:
            sample_id, self._last_time = _new_id(after=self._last_time)
            sample = Sample(image=image, label=label, id=sample_id)
            self._samples.append(sample)
            self.recorded_at[sample.id] = self._last_time.timestamp()
        self._changed()
        return sample

    def remove(self, sample_id: str) -> None:
        """Remove one recorded image (a blurred frame, a wrong class)."""
        with self._lock:
            kept = [sample for sample in self._samples if sample.id != sample_id]
            if len(kept) == len(self._samples):
                raise CollectionError(f"no image with id {sample_id!r}")
            self._samples = kept
            self.recorded_at.pop(sample_id, None)
        self._changed()

    @property
    def samples(self) -> list[Sample]:
        """Every recorded image, oldest first (a new list; the samples themselves are shared)."""
        with self._lock:
            return list(self._samples)

    def images(self, label: str) -> list[np.ndarray]:
        """The images of one class, oldest first."""
        label = self._existing(label)
        return [sample.image for sample in self.samples if sample.label == label]

    def counts(self) -> dict[str, int]:
        """Images per class, every class listed, in class order."""
        with self._lock:
            result = {name: 0 for name in self.classes}
            for sample in self._samples:
                result[sample.label] += 1
        return result

    def __len__(self) -> int:
        return len(self._samples)

    # -- train and test -------------------------------------------------------------------------------------
    def split(self, test_fraction: float = 0.2, seed: int = 0, vectors: dict | None = None) -> Dataset:
        """The images as a Dataset: about `test_fraction` of each class held out for testing.

        A class with 2 images or more keeps at least one in each split; a class of one image goes to training.
        The split depends only on the ids and `seed`: the same collection always splits the same way (a new
        recording can move the line between the splits by one image). `vectors` (id -> feature vector) fills
        each sample's `x`. Classes without images are left out, with a line in `problems`.
        """
        if not 0 <= test_fraction < 1:
            raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
        samples = self.samples
        counts = self.counts()
        if not samples:
            raise CollectionError("no images yet: record some images for each class first")
        train, test, problems = [], [], []
        for label in sorted(counts):
            members = sorted((s for s in samples if s.label == label), key=lambda s: _rank(seed, s.id))
            if not members:
                problems.append(f"class {label!r} has no images yet, so it is left out")
                continue
            held = round(len(members) * test_fraction)
            if len(members) >= 2 and test_fraction > 0:
                held = min(max(held, 1), len(members) - 1)
            else:
                held = 0
                if test_fraction > 0:
                    problems.append(f"class {label!r} has only 1 image, so it cannot be tested")
            for index, sample in enumerate(members):
                (test if index < held else train).append(self._export(sample, vectors))
        order = {sample.id: index for index, sample in enumerate(samples)}
        train.sort(key=lambda s: order[s.id])
        test.sort(key=lambda s: order[s.id])
        classes = sorted({sample.label for sample in train})
        return Dataset(name=self.name, classes=classes, train=train, test=test, problems=problems)

    def _export(self, sample: Sample, vectors: dict | None) -> Sample:
        x = None
        if vectors is not None and sample.id in vectors:
            x = np.asarray(vectors[sample.id], dtype=np.float32).ravel()
        source = str(self._saved.get(sample.id, ""))
        return Sample(image=sample.image, label=sample.label, x=x, id=sample.id, source=source)

    # -- exports --------------------------------------------------------------------------------------------
    def save_marcelle(self, path_prefix: str | os.PathLike, vectors: dict | None = None,
                      test_fraction: float = 0.2, seed: int = 0) -> tuple[Path, Path]:
        """Write `<prefix>_train.json` and `<prefix>_test.json` in the course's Marcelle format.

        `path_prefix` is "folder/name"; an existing folder gets `<folder>/<collection name>_train.json`. Images
        are stored as Marcelle's JPEG thumbnails. Each instance carries `x` only when `vectors` (id -> feature
        vector) holds its id: the course's Marcelle app needs `x` on every instance, computed with the model it
        uses, so export with `vectors` for it; these sketches work from the images alone.
        Returns the two paths.
        """
        if vectors:
            lengths = {len(np.asarray(vector).ravel()) for vector in vectors.values()}
            if len(lengths) > 1:
                raise ValueError(f"the vectors have different lengths: {sorted(lengths)}")
        dataset = self.split(test_fraction=test_fraction, seed=seed, vectors=vectors)
        prefix = Path(path_prefix).expanduser()
        if prefix.is_dir():
            prefix = prefix / self.name
        train_path = Path(f"{prefix}_train.json")
        test_path = Path(f"{prefix}_test.json")
        try:
            save_marcelle(dataset.train, train_path, "trainingSet")
            save_marcelle(dataset.test, test_path, "testSet")
        except OSError as err:
            raise CollectionError(f"cannot write {train_path.parent} ({_os_reason(err)})") from None
        return train_path, test_path

    def save_image_folders(self, root: str | os.PathLike, test_fraction: float = 0.2, seed: int = 0,
                           overwrite: bool = False) -> Path:
        """Write `root/train/<class>/<id>.png` and `root/test/<class>/<id>.png`; returns root.

        A root whose train/ or test/ folder already holds files is refused, unless `overwrite=True`, which
        replaces those two folders.
        """
        root = Path(root).expanduser()
        if self.folder is not None and root.resolve().is_relative_to(self.folder.resolve()):
            # Inside the autosave folder, train/ and test/ would open again as two more classes.
            raise CollectionError(f"{root} is inside the collection's own folder {self.folder}: choose another")
        dataset = self.split(test_fraction=test_fraction, seed=seed)
        for split in ("train", "test"):
            target = root / split
            if target.exists() and any(target.iterdir()):
                if not overwrite:
                    raise CollectionError(f"{target} already holds files: choose an empty folder, "
                                          f"or save with overwrite=True to replace it")
        try:
            for split, samples in (("train", dataset.train), ("test", dataset.test)):
                target = root / split
                if overwrite and target.exists():
                    shutil.rmtree(target)
                target.mkdir(parents=True, exist_ok=True)
                for label in dataset.classes:
                    (target / label).mkdir(exist_ok=True)
                for sample in samples:
                    write_atomically(target / sample.label / f"{sample.id}.png", _encode_png(sample.image))
        except OSError as err:
            raise CollectionError(f"cannot write {root} ({_os_reason(err)})") from None
        return root

    # -- the folder -----------------------------------------------------------------------------------------
    def _load(self) -> None:
        """Read the classes and images of `folder` (on opening)."""
        try:
            meta = json.loads((self.folder / METADATA).read_text(encoding="utf-8"))
        except FileNotFoundError:
            meta = {}
        except (OSError, ValueError) as err:
            self.problems.append(f"{METADATA}: cannot be read ({err}); classes taken from the folders")
            meta = {}
        if not isinstance(meta, dict):
            meta = {}
        saved_name = meta.get("name") if isinstance(meta.get("name"), str) and meta["name"].strip() else None
        if saved_name and not self._named:
            self.name = saved_name
        listed = meta.get("classes") if isinstance(meta.get("classes"), list) else []
        listed = [name for name in listed if isinstance(name, str)]
        folders = sorted(entry.name for entry in self.folder.iterdir()
                         if entry.is_dir() and not entry.name.startswith("."))
        for name in [*listed, *(name for name in folders if name not in listed)]:
            try:
                name = check_class_name(name)
            except CollectionError as err:
                self.problems.append(f"{name}: not used as a class ({err})")
                continue
            if self._find(name) is None:
                self.classes.append(name)
        for label in self.classes:
            class_folder = self.folder / label
            if not class_folder.is_dir():
                continue
            self._made_folders.add(label)
            files = sorted(file for file in class_folder.iterdir() if file.suffix.lower() in IMAGE_EXTENSIONS
                           and not file.name.startswith(".") and file.is_file())
            stems = [file.stem for file in files]
            for file in files:
                image = _read_image(file)
                if image is None:
                    self.problems.append(f"{label}/{file.name}: does not decode as an image, skipped")
                    continue
                # Hand-added files may share a stem (cat.jpg, cat.png): then the whole name is the id.
                sample_id = file.stem if stems.count(file.stem) == 1 else file.name
                if sample_id in self.recorded_at:
                    sample_id = f"{label}/{file.name}"
                self._samples.append(Sample(image=image, label=label, id=sample_id, source=str(file)))
                taken = _id_time(sample_id)
                self.recorded_at[sample_id] = taken if taken is not None else file.stat().st_mtime
                self._saved[sample_id] = file
        self._samples.sort(key=lambda sample: (self.recorded_at[sample.id], sample.id))
        self._meta_written = (saved_name, tuple(listed)) if meta else None
        if self._meta_written != (self.name, tuple(self.classes)):
            self._changed()

    def _changed(self) -> None:
        """Ask the writer thread to bring the folder up to date (nothing to do without a folder)."""
        if self.folder is None or self._closed:
            return
        with self._progress:
            self._requested += 1
            self._progress.notify_all()
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_loop, name=f"autosave {self.name}",
                                                daemon=True)
                self._writer.start()

    @property
    def unsaved(self) -> int:
        """How many recorded images are not in the folder yet (0 without a folder)."""
        if self.folder is None:
            return 0
        with self._lock:
            return sum(1 for sample in self._samples if sample.id not in self._saved)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the folder holds everything recorded; False when it could not be written (see save_error)."""
        if self.folder is None or self._closed:
            return self.folder is None
        self._changed()  # also a new try after an error
        with self._progress:
            wanted = self._requested
            self._progress.wait_for(lambda: self._completed >= wanted, timeout)
            done = self._completed >= wanted
        return done and not self.save_error

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is left, then stop the writer thread; returns `flush`'s answer. Later changes stay in memory."""
        saved = self.flush(timeout)
        with self._progress:
            self._closed = True
            self._progress.notify_all()
        return saved

    def _write_loop(self) -> None:
        while True:
            with self._progress:
                self._progress.wait_for(lambda: self._completed < self._requested or self._closed)
                if self._closed:
                    return
                wanted = self._requested
            try:
                self._sync()
                self.save_error = ""
            except OSError as err:
                kept = self.unsaved
                self.save_error = (f"cannot save to {self.folder} ({_os_reason(err)}); "
                                   f"{kept} image{'s' if kept != 1 else ''} kept in memory only")
            except Exception as err:  # noqa: BLE001 - a thread has nobody to raise to; the screen shows it
                self.save_error = f"autosave stopped: {type(err).__name__}: {err}".splitlines()[0]
            with self._progress:
                self._completed = wanted
                self._progress.notify_all()

    def _sync(self) -> None:
        """Make the folder match memory: write new images, move renamed ones, delete removed ones."""
        with self._lock:
            wanted = {sample.id: sample for sample in self._samples}
            classes = list(self.classes)
            meta = (self.name, tuple(classes))
        for sample_id, path in list(self._saved.items()):
            if sample_id not in wanted:
                self._doomed.append(path)
                del self._saved[sample_id]
        for label in classes:
            if label not in self._made_folders:
                (self.folder / label).mkdir(parents=True, exist_ok=True)
                self._made_folders.add(label)
        for sample_id, sample in wanted.items():
            target = self.folder / sample.label / f"{sample_id}.png"
            saved = self._saved.get(sample_id)
            if saved is None:
                write_atomically(target, _encode_png(sample.image))
            elif saved.parent != target.parent:  # its class was renamed
                target = target.with_name(saved.name)
                os.replace(saved, target)
            else:
                continue
            self._saved[sample_id] = target
        while self._doomed:
            path = self._doomed[-1]
            if path.exists():
                path.unlink()
            self._doomed.pop()
        for label in sorted(self._made_folders - set(classes)):
            # Only folders this collection made or read. On Windows and macOS, "cat" renamed "Cat" is one folder.
            folder = self.folder / label
            if folder.is_dir() and not any(folder.samefile(self.folder / name) for name in classes
                                           if (self.folder / name).is_dir()):
                shutil.rmtree(folder)
            self._made_folders.discard(label)
        if meta != self._meta_written:
            document = {"name": meta[0], "classes": list(meta[1])}
            write_atomically(self.folder / METADATA, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
            self._meta_written = meta
