"""The course's Marcelle dataset exports: reading them (forgiving, with a problem line per skipped instance) and
writing them (readable by the course's Marcelle app).

```
{"marcelleMeta": {"type": "dataset"},
 "instances": [{"datasetName": "trainingSet", "x": [1024 floats], "thumbnail": "data:image/jpeg;base64,...",
                "y": "red", "createdAt": "...", "updatedAt": "...", "id": "..."}, ...]}
```
"""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mlcore.data.samples import (
    Dataset,
    DatasetError,
    Sample,
    decode_thumbnail,
    encode_thumbnail,
    fit_image,
    make_dataset,
    short_name,
)
from mlcore.files import parse_json, write_atomically

TRAINING_SET, TEST_SET = "trainingSet", "testSet"  # the course files' datasetName for each set


def features_note(extractor: str, dim: int) -> str:
    """What a written file's `x` holds, said right for a reader who opens it in the course's Marcelle app."""
    course = "the course's Marcelle app computes its own MobileNet v1 vectors (1024 numbers) from the thumbnails"
    if extractor == "stored":
        return f"x holds the vectors stored in the file this dataset came from, unchanged ({dim} numbers); {course}"
    return f"x holds this sketch's {extractor} vectors ({dim} numbers) of the 224-pixel images; {course}"


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
    if isinstance(data, (bytes, bytearray, memoryview, str)):
        return parse_json(data, short_name(source) or "dataset", DatasetError)
    return data


def parse_marcelle(data, source: str = "", vector_length: int | None = None) -> tuple[list[Sample], list[str]]:
    """Read a Marcelle dataset export, given as JSON bytes, JSON text or the already-parsed object.

    Returns the good samples and one problem line per instance that was skipped (instances are numbered from 1
    in file order). Stored vectors must all have one length: `vector_length` if given, else the length most
    instances have. An instance without `x` is kept with `x=None`, since the image alone is enough to train on.
    Raises DatasetError when the whole file is unusable (not JSON, truncated, not a Marcelle dataset).
    """
    name = short_name(source) or "dataset"
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
        image, why = decode_thumbnail(instance.get("thumbnail"))
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


def _instances(samples: list[Sample], dataset_name: str, now: str) -> list[dict]:
    """Samples as Marcelle instances of the dataset `dataset_name`."""
    instances = []
    for sample in samples:
        instance = {"datasetName": dataset_name}
        if sample.x is not None:
            instance["x"] = np.asarray(sample.x, dtype=np.float32).ravel().tolist()
        instance.update(
            thumbnail=encode_thumbnail(fit_image(np.asarray(sample.image))),
            y=sample.label,
            createdAt=now,
            updatedAt=now,
            # Marcelle's own ids are 24 hex digits; new ones follow suit.
            id=sample.id or secrets.token_hex(12),
        )
        instances.append(instance)
    return instances


def _write(path: str | os.PathLike, instances: list[dict], meta: dict | None) -> Path:
    document = {"marcelleMeta": {"type": "dataset", **(meta or {})}, "instances": instances}
    path = Path(path)
    write_atomically(path, json.dumps(document).encode("utf-8"))
    return path


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def save_marcelle(samples: list[Sample], path: str | os.PathLike, dataset_name: str, meta: dict | None = None) -> Path:
    """Write samples as a Marcelle dataset export, readable by `parse_marcelle` and by the course's Marcelle app.

    `dataset_name` is Marcelle's `datasetName` field (the course uses "trainingSet" and "testSet"). Labels and
    ids come back unchanged; pixels come back as JPEG approximations. A sample without an id gets a new one.
    `meta` adds fields to `marcelleMeta` (what `x` holds, for a reader).
    """
    return _write(path, _instances(samples, dataset_name, _now()), meta)


def save_marcelle_split(
    train: list[Sample], test: list[Sample], path: str | os.PathLike, meta: dict | None = None
) -> Path:
    """Write a whole dataset as one Marcelle export: its training images as instances of "trainingSet" and its
    test images of "testSet", as the course's files name them. `load_marcelle_file` reads it back."""
    now = _now()
    return _write(path, _instances(train, TRAINING_SET, now) + _instances(test, TEST_SET, now), meta)


def load_marcelle_pair(train_path: str | os.PathLike, test_path: str | os.PathLike, name: str) -> Dataset:
    """Load a train file and a test file exported by Marcelle as one Dataset."""
    train, train_problems = read_marcelle(train_path)
    # Test vectors must match the training ones, or a model trained on one could not score the other.
    lengths = Counter(len(s.x) for s in train if s.x is not None)
    train_length = lengths.most_common(1)[0][0] if lengths else None
    test, test_problems = read_marcelle(test_path, vector_length=train_length)
    return make_dataset(name, train, test, train_problems + test_problems)


def load_marcelle_file(path: str | os.PathLike) -> Dataset:
    """Load one Marcelle export as a Dataset: instances of "testSet" are the test images, the others (the course's
    "trainingSet") the training images. Its `marcelleMeta` fields, besides "type", are kept as `dataset.meta`."""
    path = Path(path)
    try:
        document = _load_json(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except OSError as err:
        raise DatasetError(f"{path}: cannot be read ({err.strerror or err})") from None
    if not isinstance(document, dict) or not isinstance(document.get("instances"), list):
        parse_marcelle(document, str(path))  # raises its one-line "not a Marcelle dataset export"

    def of(test):
        return [
            item
            for item in document["instances"]
            if (isinstance(item, dict) and item.get("datasetName") == TEST_SET) == test
        ]

    # Each set read on its own, so a problem line names the set and the instance's number in it.
    train, train_problems = parse_marcelle({**document, "instances": of(False)}, f"{path} {TRAINING_SET}")
    lengths = Counter(len(s.x) for s in train if s.x is not None)
    test, test_problems = parse_marcelle(
        {**document, "instances": of(True)},
        f"{path} {TEST_SET}",
        vector_length=lengths.most_common(1)[0][0] if lengths else None,
    )
    name = path.name[: -len(".json")] if path.name.lower().endswith(".json") else path.name
    dataset = make_dataset(name, train, test, train_problems + test_problems)
    dataset.meta = {key: value for key, value in document["marcelleMeta"].items() if key != "type"}
    return dataset


def marcelle_pairs_in(folder: Path) -> list[tuple[Path, Path, str]]:
    """Every <name>_train.json / <name>_test.json pair in `folder`, as (train, test, name)."""
    pairs = []
    for train in sorted(folder.glob("*_train.json")):
        name = train.name[: -len("_train.json")]
        test = folder / f"{name}_test.json"
        if name and test.is_file():
            pairs.append((train, test, name))
    return pairs
