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

import os
import shutil
import threading
from datetime import datetime
from pathlib import Path

import numpy as np

from mlcore.data.collection_folder import METADATA, FolderWriter, read_folder
from mlcore.data.marcelle import save_marcelle
from mlcore.data.recordings import (
    CollectionError,
    check_class_name,
    encode_png,
    new_id,
    rank,
    square_image,
)
from mlcore.data.samples import Dataset, Sample
from mlcore.files import cache_dir, cannot_write, write_atomically

__all__ = [
    "DEFAULT_COLLECTION",
    "DEFAULT_NAME",
    "METADATA",
    "Collection",
    "CollectionError",
    "check_class_name",
    "collection_folder",
    "open_collection",
    "square_image",
]

DEFAULT_NAME = "my_classes"


class Collection:
    """Named classes and the images recorded for each; autosaved to `folder` when one is given.

    `Collection(folder=F)` opens the collection in F when there is one, and starts an empty one otherwise.
    `name` names the dataset (and the Marcelle files); by default the folder's name, else "my_classes".
    """

    def __init__(self, name: str | None = None, folder: str | os.PathLike | None = None):
        self.folder = Path(folder).expanduser() if folder is not None else None
        self.name = name or (self.folder.resolve().name if self.folder is not None else DEFAULT_NAME)
        self.classes: list[str] = []  # in the order they were added
        self.problems: list[str] = []  # one line per file of the folder that could not be read back
        self.recorded_at: dict[str, float] = {}  # id -> when it was recorded (seconds since the epoch)
        self._samples: list[Sample] = []
        self._last_time: datetime | None = None
        self._lock = threading.Lock()
        self._writer = FolderWriter(self.folder, self._snapshot, self.name) if self.folder is not None else None
        if self.folder is not None and self.folder.is_dir():
            self._load(named=bool(name))
        elif self.folder is not None:
            self._changed()  # make the folder now, so that a folder that cannot be written shows before recording

    @classmethod
    def open(cls, folder: str | os.PathLike) -> Collection:
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
            sample_id, self._last_time = new_id(after=self._last_time)
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
            members = sorted((s for s in samples if s.label == label), key=lambda s: rank(seed, s.id))
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
        source = str(self._writer.saved.get(sample.id, "")) if self._writer is not None else ""
        return Sample(image=sample.image, label=sample.label, x=x, id=sample.id, source=source)

    # -- exports --------------------------------------------------------------------------------------------
    def save_marcelle(
        self,
        path_prefix: str | os.PathLike,
        vectors: dict | None = None,
        test_fraction: float = 0.2,
        seed: int = 0,
        split: Dataset | None = None,
    ) -> tuple[Path, Path]:
        """Write `<prefix>_train.json` and `<prefix>_test.json` in the course's Marcelle format.

        `path_prefix` is "folder/name"; an existing folder gets `<folder>/<collection name>_train.json`. Images
        are stored as Marcelle's JPEG thumbnails. Each instance carries `x` only when `vectors` (id -> feature
        vector) holds its id: the course's Marcelle app needs `x` on every instance, computed with the model it
        uses, so export with `vectors` for it; these sketches work from the images alone. `split`: the training
        and test images to write (the collection's, edited), instead of `split(test_fraction, seed)`.
        Returns the two paths.
        """
        if vectors:
            lengths = {len(np.asarray(vector).ravel()) for vector in vectors.values()}
            if len(lengths) > 1:
                raise ValueError(f"the vectors have different lengths: {sorted(lengths)}")
        if split is None:
            dataset = self.split(test_fraction=test_fraction, seed=seed, vectors=vectors)
        else:
            dataset = Dataset(
                split.name,
                split.classes,
                [self._export(sample, vectors) for sample in split.train],
                [self._export(sample, vectors) for sample in split.test],
            )
        prefix = Path(path_prefix).expanduser()
        if prefix.is_dir():
            prefix = prefix / self.name
        train_path = Path(f"{prefix}_train.json")
        test_path = Path(f"{prefix}_test.json")
        try:
            save_marcelle(dataset.train, train_path, "trainingSet")
            save_marcelle(dataset.test, test_path, "testSet")
        except OSError as err:
            raise CollectionError(cannot_write(train_path.parent, err)) from None
        return train_path, test_path

    def save_image_folders(
        self,
        root: str | os.PathLike,
        test_fraction: float = 0.2,
        seed: int = 0,
        overwrite: bool = False,
        split: Dataset | None = None,
    ) -> Path:
        """Write `root/train/<class>/<id>.png` and `root/test/<class>/<id>.png`; returns root.

        A root whose train/ or test/ folder already holds files is refused, unless `overwrite=True`, which
        replaces those two folders. `split`: the training and test images to write, as for `save_marcelle`.
        """
        root = Path(root).expanduser()
        if self.folder is not None and root.resolve().is_relative_to(self.folder.resolve()):
            # Inside the autosave folder, train/ and test/ would open again as two more classes.
            raise CollectionError(f"{root} is inside the collection's own folder {self.folder}: choose another")
        dataset = self.split(test_fraction=test_fraction, seed=seed) if split is None else split
        for part in ("train", "test"):
            target = root / part
            if target.exists() and any(target.iterdir()):
                if not overwrite:
                    raise CollectionError(
                        f"{target} already holds files: choose an empty folder, "
                        f"or save with overwrite=True to replace it"
                    )
        try:
            for part, samples in (("train", dataset.train), ("test", dataset.test)):
                target = root / part
                if overwrite and target.exists():
                    shutil.rmtree(target)
                target.mkdir(parents=True, exist_ok=True)
                for label in dataset.classes:
                    (target / label).mkdir(exist_ok=True)
                for sample in samples:
                    write_atomically(target / sample.label / f"{sample.id}.png", encode_png(sample.image))
        except OSError as err:
            raise CollectionError(cannot_write(root, err)) from None
        return root

    # -- the folder -----------------------------------------------------------------------------------------
    def _load(self, named: bool) -> None:
        """Take the classes and images saved in `folder` (on opening)."""
        contents = read_folder(self.folder)
        if contents.name and not named:
            self.name = contents.name
            self._writer.name = contents.name
        self.classes = contents.classes
        self.problems = contents.problems
        self.recorded_at = contents.recorded_at
        self._samples = contents.samples
        self._writer.adopt(contents)
        if contents.meta != (self.name, tuple(self.classes)):
            self._changed()

    def _snapshot(self) -> tuple[list[Sample], list[str], str]:
        """The samples, classes and name as they are now, for the writer thread."""
        with self._lock:
            return list(self._samples), list(self.classes), self.name

    def _changed(self) -> None:
        """Ask the writer thread to bring the folder up to date (nothing to do without a folder)."""
        if self._writer is not None:
            self._writer.request()

    @property
    def save_error(self) -> str:
        """Why the folder cannot be written, one line; "" while autosave keeps up (and without a folder)."""
        return self._writer.error if self._writer is not None else ""

    @property
    def unsaved(self) -> int:
        """How many recorded images are not in the folder yet (0 without a folder)."""
        if self._writer is None:
            return 0
        return self._writer.unsaved(self.samples)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the folder holds everything recorded; False when it could not be written (see save_error)."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def write_copy(self, folder: str | os.PathLike) -> Path:
        """Write the whole collection into another folder, now (on quit, when its own folder cannot be written):
        it opens there with `--collection FOLDER`. Returns the folder; an OSError says why it could not."""
        folder = Path(folder)
        FolderWriter(folder, self._snapshot, self.name).write_now()
        return folder

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is left, then stop the writer thread; returns `flush`'s answer. Later changes stay in memory."""
        return self._writer.close(timeout) if self._writer is not None else True


DEFAULT_COLLECTION = "my_classes"


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
