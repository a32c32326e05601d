"""The built-in dataset, kept in the cache after it is first generated, so that later starts have it at once.

    >>> from mlcore.data.builtin_cache import load_builtin
    >>> data = load_builtin()          # generated the first time (a few seconds), read from the cache after that

The file, `<cache_dir()>/builtin/builtin-seed<seed>-<train>-<test>.npz`, records the generator version, the
seed and the counts it was made with. A file that cannot be read, fails its checksums (a zip archive checks
every array it holds), or was made by another version of the generator or with other arguments is generated
again and replaced, never used. A cache that cannot be written (read-only, full) costs only the speed: the
images are generated in memory, and `problems` says why they will be generated again next time.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from mlcore.data.builtin import CLASSES, GENERATOR_VERSION, SIZE, make_builtin, plan
from mlcore.data.cache import cache_dir, make_folders, remove_empty
from mlcore.data.samples import Dataset, Sample
from mlcore.files import write_atomically

# What a damaged or foreign file can raise while numpy reads it.
_UNREADABLE = (OSError, ValueError, TypeError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)


def builtin_cache_path(seed: int = 0, per_class_train: int = 30, per_class_test: int = 20) -> Path:
    """Where `load_builtin` keeps the images made with these arguments."""
    return cache_dir() / "builtin" / f"builtin-seed{seed}-{per_class_train}-{per_class_test}.npz"


def load_builtin(seed: int = 0, per_class_train: int = 30, per_class_test: int = 20) -> Dataset:
    """The built-in dataset (`make_builtin` with these arguments), from the cache when a good copy is there."""
    path = builtin_cache_path(seed, per_class_train, per_class_test)
    arguments = {"version": GENERATOR_VERSION, "seed": seed, "train": per_class_train, "test": per_class_test}
    cached = _read(path, arguments)
    if cached is not None:
        return cached
    dataset = make_builtin(seed=seed, per_class_train=per_class_train, per_class_test=per_class_test)
    try:
        _write(path, dataset, arguments)
    except OSError as err:
        dataset.problems.append(
            f"builtin: cannot keep the generated images in the cache {path.parent} "
            f"({err.strerror or err}), so they will be generated again next time"
        )
    return dataset


def _write(path: Path, dataset: Dataset, arguments: dict) -> None:
    """Save the dataset's images and labels with the arguments they were made with, all or nothing."""
    samples = dataset.train + dataset.test
    arrays = {
        "images": np.stack([sample.image for sample in samples]),
        "labels": np.array([sample.label for sample in samples]),
        "ids": np.array([sample.id for sample in samples]),
        "splits": np.array([0] * len(dataset.train) + [1] * len(dataset.test), np.int8),
        **{key: np.int64(value) for key, value in arguments.items()},
    }
    created = make_folders(path.parent)
    try:
        write_atomically(path, lambda file: np.savez(file, **arrays))
    except OSError:
        remove_empty(created)
        raise


def _read(path: Path, arguments: dict) -> Dataset | None:
    """The dataset saved at `path`, or None when there is none, or it is damaged or was made otherwise."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            if any(key not in stored or int(stored[key]) != value for key, value in arguments.items()):
                return None
            images, labels, ids, splits = (stored[key] for key in ("images", "labels", "ids", "splits"))
    except _UNREADABLE:  # missing (FileNotFoundError is an OSError), truncated, or not an archive of arrays
        return None
    expected = list(plan(arguments["train"], arguments["test"]))
    if (
        images.dtype != np.uint8
        or images.shape != (len(expected), SIZE, SIZE, 3)
        or ids.tolist() != [item[5] for item in expected]
        or labels.tolist() != [item[3] for item in expected]
        or splits.tolist() != [item[0] for item in expected]
    ):
        return None
    parts: dict[int, list[Sample]] = {0: [], 1: []}
    for image, (split, _, _, label, _, sample_id) in zip(images, expected):
        parts[split].append(Sample(image=image, label=label, id=sample_id, source="builtin"))
    return Dataset(name="builtin", classes=sorted(CLASSES), train=parts[0], test=parts[1], problems=[])
