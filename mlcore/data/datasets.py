"""One entry point for image datasets: `load_dataset` chooses among the course's Marcelle files, image folders and
the built-in set.

Everything here works without a display and without torch, so a notebook or a test can load data directly:

    >>> from mlcore.data.datasets import load_dataset
    >>> data = load_dataset("miniFRUIT")          # downloaded once into the cache, then read from disk
    >>> data.classes, data.counts()["train"]

Where data can come from (`load_dataset(spec)`):

- a course dataset name (`COURSE_DATASETS`): downloaded from the course repository into `cache_dir()` once
  (`mlcore.data.course`);
- a folder holding `<name>_train.json` and `<name>_test.json` (Marcelle dataset exports, `mlcore.data.marcelle`);
- one Marcelle export (a `.json` file) holding both sets, told apart by `datasetName` (the image classifier's
  Export writes these);
- a folder holding `train/<class>/*.jpg|png` and `test/<class>/*.jpg|png` (`mlcore.data.folders`);
- `"builtin"`: generated images of fruit (`mlcore.data.builtin`), for working offline, kept in the cache after
  the first time (`mlcore.data.builtin_cache`).

Samples and datasets themselves are in `mlcore.data.samples`; the names of the modules above are also
importable from here, as they were before they had modules of their own.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from mlcore.data.builtin_cache import load_builtin
from mlcore.data.cache import cache_dir
from mlcore.data.course import (
    COURSE_DATASETS,
    COURSE_URL,
    DownloadCancelled,
    Progress,
    course_name,
    download,
    ensure_course_dataset,
)
from mlcore.data.folders import load_image_folders
from mlcore.data.marcelle import (
    load_marcelle_file,
    load_marcelle_pair,
    marcelle_pairs_in,
    parse_marcelle,
    read_marcelle,
    save_marcelle,
)
from mlcore.data.samples import (
    IMAGE_EXTENSIONS,
    IMAGE_SIZE,
    Dataset,
    DatasetError,
    Sample,
    encode_thumbnail,
)
from mlcore.data.samples import decode_image as _decode_image
from mlcore.data.samples import fit_image as _fit_image

__all__ = [
    "COURSE_DATASETS",
    "COURSE_URL",
    "IMAGE_EXTENSIONS",
    "IMAGE_SIZE",
    "Dataset",
    "DatasetError",
    "DownloadCancelled",
    "Progress",
    "Sample",
    "cache_dir",
    "download",
    "encode_thumbnail",
    "ensure_course_dataset",
    "load_builtin",
    "load_dataset",
    "load_image_folders",
    "load_marcelle_file",
    "load_marcelle_pair",
    "parse_marcelle",
    "read_marcelle",
    "save_marcelle",
    "_decode_image",
    "_fit_image",
]


def load_dataset(
    spec: str | os.PathLike,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    base_url: str = COURSE_URL,
) -> Dataset:
    """Load a dataset from whatever a student names.

    `spec` is one of: a course dataset name ("miniROAD", downloaded into the cache the first time), "builtin"
    (generated offline the first time, then read from the cache), a folder holding <name>_train.json and
    <name>_test.json, one Marcelle export holding both sets (a .json file: its "testSet" instances are the test
    images), or a folder with train/<class>/ and test/<class>/ image folders. In a folder of several pairs, name
    one: "folder/miniROAD". Course names and "builtin" win over folders of the same name; write "./miniROAD" to load the folder.
    `progress`, `cancel` and `base_url` go to `ensure_course_dataset` when a download is needed.
    """
    text = os.fspath(spec)
    if text.strip().lower() == "builtin":
        return load_builtin()
    known = course_name(text.strip())
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
    if path.is_file() and path.suffix.lower() == ".json":
        return load_marcelle_file(path)  # one export, its instances split by datasetName
    if path.is_dir():
        pairs = marcelle_pairs_in(path)
        if len(pairs) == 1:
            return load_marcelle_pair(*pairs[0])
        if len(pairs) > 1:
            names = ", ".join(name for _, _, name in pairs)
            raise DatasetError(f"{path} holds several datasets ({names}): name one, as in {path / pairs[0][2]}")
        if (path / "train").is_dir():
            return load_image_folders(path, path.resolve().name)
    raise DatasetError(
        f"unknown dataset {text!r}: expected a course dataset ({', '.join(COURSE_DATASETS)}), 'builtin', "
        f"a Marcelle .json file, a folder holding <name>_train.json and <name>_test.json, "
        f"or a folder with train/<class>/ and test/<class>/ images"
    )
