"""Datasets as image folders: root/train/<class>/*.jpg|jpeg|png and root/test/<class>/...; folder names are labels."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mlcore.data.samples import IMAGE_EXTENSIONS, Dataset, DatasetError, Sample, decode_image, make_dataset


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
                image = decode_image(np.fromfile(file, dtype=np.uint8).tobytes())
            except OSError as err:
                problems.append(f"{file.relative_to(root).as_posix()}: cannot be read ({err.strerror or err}), skipped")
                continue
            if image is None:
                problems.append(f"{file.relative_to(root).as_posix()}: does not decode as an image, skipped")
                continue
            samples.append(
                Sample(image=image, label=entry.name, id=file.relative_to(root).as_posix(), source=str(file))
            )
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
    return make_dataset(name, train, test, problems, folder_classes=train_classes + test_classes)
