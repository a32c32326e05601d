"""A collection's folder on disk: reading it back (`read_folder`) and keeping it up to date (`FolderWriter`).

The folder holds `<class>/<id>.png` for every recorded image and `collection.json` with the collection's name
and the order of its classes. A folder of class folders filled by hand (`<class>/*.jpg|png`) reads back too.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlcore.data.recordings import CollectionError, check_class_name, encode_png, id_time, read_image
from mlcore.data.samples import IMAGE_EXTENSIONS, Sample
from mlcore.files import cannot_write, write_atomically

METADATA = "collection.json"


@dataclass
class FolderContents:
    """What a collection's folder holds: its name (if saved), classes, images and what could not be read."""

    name: str | None = None
    classes: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)  # oldest first
    recorded_at: dict[str, float] = field(default_factory=dict)  # id -> when it was recorded
    files: dict[str, Path] = field(default_factory=dict)  # id -> the file it was read from
    class_folders: set[str] = field(default_factory=set)  # classes that have a folder
    meta: tuple | None = None  # (name, classes) as collection.json lists them; None without one
    problems: list[str] = field(default_factory=list)


def _read_metadata(folder: Path, problems: list[str]) -> dict:
    try:
        meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        problems.append(f"{METADATA}: cannot be read ({err}); classes taken from the folders")
        return {}
    return meta if isinstance(meta, dict) else {}


def read_folder(folder: Path) -> FolderContents:
    """The classes and images saved in `folder` (classes in collection.json's order, then the other folders)."""
    contents = FolderContents()
    meta = _read_metadata(folder, contents.problems)
    if isinstance(meta.get("name"), str) and meta["name"].strip():
        contents.name = meta["name"]
    listed = meta.get("classes") if isinstance(meta.get("classes"), list) else []
    listed = [name for name in listed if isinstance(name, str)]
    folders = sorted(entry.name for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith("."))
    for name in [*listed, *(name for name in folders if name not in listed)]:
        try:
            name = check_class_name(name)
        except CollectionError as err:
            contents.problems.append(f"{name}: not used as a class ({err})")
            continue
        # Class names that differ only in case are one folder on Windows and macOS.
        if all(existing.lower() != name.lower() for existing in contents.classes):
            contents.classes.append(name)
    for label in contents.classes:
        if (folder / label).is_dir():
            contents.class_folders.add(label)
            _read_class(folder / label, label, contents)
    contents.samples.sort(key=lambda sample: (contents.recorded_at[sample.id], sample.id))
    contents.meta = (contents.name, tuple(listed)) if meta else None
    return contents


def _read_class(class_folder: Path, label: str, contents: FolderContents) -> None:
    """Add the images of one class folder to `contents`."""
    files = sorted(
        file
        for file in class_folder.iterdir()
        if file.suffix.lower() in IMAGE_EXTENSIONS and not file.name.startswith(".") and file.is_file()
    )
    stems = [file.stem for file in files]
    for file in files:
        image = read_image(file)
        if image is None:
            contents.problems.append(f"{label}/{file.name}: does not decode as an image, skipped")
            continue
        # Hand-added files may share a stem (cat.jpg, cat.png): then the whole name is the id.
        sample_id = file.stem if stems.count(file.stem) == 1 else file.name
        if sample_id in contents.recorded_at:
            sample_id = f"{label}/{file.name}"
        contents.samples.append(Sample(image=image, label=label, id=sample_id, source=str(file)))
        taken = id_time(sample_id)
        contents.recorded_at[sample_id] = taken if taken is not None else file.stat().st_mtime
        contents.files[sample_id] = file


class FolderWriter:
    """Brings a folder up to date with a collection on a background thread, each time `request()` is called.

    `snapshot()` returns the collection as it is now: (its samples, its classes, its name). Nothing is raised on
    the thread: `error` says, in one line, why the folder could not be written, and every later request tries
    again.
    """

    def __init__(self, folder: Path, snapshot: Callable[[], tuple[list[Sample], list[str], str]], name: str):
        self.folder = folder
        self.snapshot = snapshot
        self.name = name
        self.error = ""
        self.saved: dict[str, Path] = {}  # id -> its file, for every image on disk
        self._made_folders: set[str] = set()
        self._doomed: list[Path] = []  # files of removed images, still to delete
        self._meta_written: tuple | None = None
        # Every request bumps `_requested`; the thread sets `_completed` to the last one it has written.
        self._progress = threading.Condition()
        self._requested = 0
        self._completed = 0
        self.closed = False
        self._thread: threading.Thread | None = None

    def adopt(self, contents: FolderContents) -> None:
        """Take what `read_folder` found as already written."""
        self.saved.update(contents.files)
        self._made_folders |= contents.class_folders
        self._meta_written = contents.meta

    def unsaved(self, samples: list[Sample]) -> int:
        """How many of `samples` are not in the folder yet."""
        return sum(1 for sample in samples if sample.id not in self.saved)

    def request(self) -> None:
        """Ask the thread to bring the folder up to date (the thread starts on the first request)."""
        if self.closed:
            return
        with self._progress:
            self._requested += 1
            self._progress.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=f"autosave {self.name}", daemon=True)
                self._thread.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the folder holds everything; False when it could not be written (see `error`)."""
        if self.closed:
            return False
        self.request()  # also a new try after an error
        with self._progress:
            wanted = self._requested
            self._progress.wait_for(lambda: self._completed >= wanted, timeout)
            done = self._completed >= wanted
        return done and not self.error

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is left, then stop the thread; returns `flush`'s answer."""
        saved = self.flush(timeout)
        with self._progress:
            self.closed = True
            self._progress.notify_all()
        return saved

    def write_now(self) -> None:
        """Bring the folder up to date on the calling thread (an OSError reaches the caller)."""
        self._sync()

    def _loop(self) -> None:
        while True:
            with self._progress:
                self._progress.wait_for(lambda: self._completed < self._requested or self.closed)
                if self.closed:
                    return
                wanted = self._requested
            try:
                self._sync()
                self.error = ""
            except OSError as err:
                kept = self.unsaved(self.snapshot()[0])
                self.error = (
                    f"{cannot_write(self.folder, err)}: {kept} image{'s' if kept != 1 else ''} kept in memory only"
                )
            except Exception as err:  # noqa: BLE001 - a thread has nobody to raise to; the screen shows it
                self.error = f"autosave stopped: {type(err).__name__}: {err}".splitlines()[0]
            with self._progress:
                self._completed = wanted
                self._progress.notify_all()

    def _sync(self) -> None:
        """Make the folder match the collection: write new images, move renamed ones, delete removed ones."""
        samples, classes, name = self.snapshot()
        wanted = {sample.id: sample for sample in samples}
        for sample_id, path in list(self.saved.items()):
            if sample_id not in wanted:
                self._doomed.append(path)
                del self.saved[sample_id]
        for label in classes:
            if label not in self._made_folders:
                (self.folder / label).mkdir(parents=True, exist_ok=True)
                self._made_folders.add(label)
        for sample_id, sample in wanted.items():
            self._write_image(sample_id, sample)
        while self._doomed:
            path = self._doomed[-1]
            if path.exists():
                path.unlink()
            self._doomed.pop()
        self._remove_class_folders(classes)
        meta = (name, tuple(classes))
        if meta != self._meta_written:
            document = {"name": meta[0], "classes": list(meta[1])}
            write_atomically(self.folder / METADATA, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
            self._meta_written = meta

    def _write_image(self, sample_id: str, sample: Sample) -> None:
        """Write a new image, or move one whose class was renamed; an image already in place is left alone."""
        target = self.folder / sample.label / f"{sample_id}.png"
        saved = self.saved.get(sample_id)
        if saved is None:
            write_atomically(target, encode_png(sample.image))
        elif saved.parent != target.parent:
            target = target.with_name(saved.name)
            os.replace(saved, target)
        else:
            return
        self.saved[sample_id] = target

    def _remove_class_folders(self, classes: list[str]) -> None:
        """Delete the folders of deleted or renamed classes: only folders this writer made or read."""
        for label in sorted(self._made_folders - set(classes)):
            # On Windows and macOS, "cat" renamed "Cat" is one folder.
            folder = self.folder / label
            if folder.is_dir() and not any(
                folder.samefile(self.folder / name) for name in classes if (self.folder / name).is_dir()
            ):
                shutil.rmtree(folder)
            self._made_folders.discard(label)
