"""The engine's steps that read or write datasets: your own classes become the dataset or are saved (as the
course's Marcelle files and as image folders), and any dataset is exported as one Marcelle file. Each runs on a
job's thread, started by `ImagePipeline`. `ReadDataset` is a dataset file read already, ready to load."""

import dataclasses
import os
from pathlib import Path

from mlcore.data.collection import CollectionError
from mlcore.data.datasets import load_dataset
from mlcore.data.marcelle import save_marcelle_split
from mlcore.files import cannot_write
from mlcore.image_engine.edits import replay
from mlcore.image_engine.images import PipelineError


class ReadDataset(os.PathLike):
    """A dataset file read already (`read_dataset`), loaded by `ImagePipeline.load` without reading it again; as a
    path (for the session and the messages) it is the file's."""

    def __init__(self, path, dataset):
        self.path, self.dataset = os.fspath(path), dataset

    def __fspath__(self):
        return self.path

    __str__ = __fspath__


def read_dataset(job, path):
    """A job's step: read the dataset file at `path`, to load it once it is known to be good."""
    job.report(0, None, f"reading {Path(path).name}")
    return ReadDataset(path, load_dataset(path))


def split_collection(job, collection, test_fraction=0.2, seed=0):
    """The collection, split into training and test images: a Dataset."""
    job.report(0, None, f"splitting {collection.name}")
    try:
        return collection.split(test_fraction=test_fraction, seed=seed)
    except CollectionError as error:
        raise PipelineError(str(error)) from None


def save_collection(job, extraction, collection, folder, extractor, test_fraction=0.2, seed=0, changes=()):
    """Write the collection as Marcelle files (with `extractor`'s vectors as `x`) and image folders, split as the
    Data page shows it: with `changes` (`DataEdits.changes`: images deleted or moved) made."""
    folder = Path(folder)
    if not collection.samples:
        raise PipelineError("nothing to save: record some images first")
    try:
        split = collection.split(test_fraction=test_fraction, seed=seed)
    except CollectionError as error:
        raise PipelineError(f"dataset not saved: {error}") from None
    split = replay((split, None), list(changes))[0][0]
    samples = split.train + split.test
    vectors = extraction.counted(
        job, extractor, [sample.image for sample in samples], f"{extractor} features for the Marcelle file"
    )
    by_id = {sample.id: vector for sample, vector in zip(samples, vectors)}
    job.report(len(samples), len(samples), f"writing {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        train, test = collection.save_marcelle(folder / collection.name, vectors=by_id, split=split)
        images = collection.save_image_folders(folder / "images", overwrite=True, split=split)
    except CollectionError as error:
        raise PipelineError(f"{error}: the dataset was not saved") from None
    except OSError as error:
        raise PipelineError(f"{cannot_write(folder, error)}: the dataset was not saved") from None
    return {
        "folder": str(folder),
        "marcelle": [str(train), str(test)],
        "images": str(images),
        "extractor": extractor,
        "dim": int(vectors.shape[1]),
        "count": len(samples),
    }


def export_dataset(job, extraction, dataset, features, path, extractor, note):
    """`dataset` (with its edits) as one Marcelle export at `path`, its training images as "trainingSet" and its
    test images as "testSet", each with `extractor`'s vector as `x` (`features`, when they are that extractor's);
    `note(extractor, dim)` says in the file what `x` holds."""
    path = Path(path)
    if dataset is None:
        raise PipelineError("load a dataset first")
    samples = dataset.train + dataset.test
    if features is not None and features.extractor == extractor:
        vectors = list(features.train) + list(features.test)  # what the pages already show
    else:
        stored = [sample.x for sample in samples] if extractor == "stored" else None
        vectors = list(
            extraction.counted(
                job, extractor, [s.image for s in samples], f"{extractor} features for the export", stored
            )
        )
    with_x = [dataclasses.replace(sample, x=vector) for sample, vector in zip(samples, vectors)]
    dim = int(len(vectors[0])) if vectors else 0
    job.report(len(samples), len(samples), f"writing {path}")
    try:
        save_marcelle_split(
            with_x[: len(dataset.train)],
            with_x[len(dataset.train) :],
            path,
            meta={"features": extractor, "dim": dim, "note": note(extractor, dim)},
        )
    except OSError as error:
        raise PipelineError(
            f"{cannot_write(path.parent, error)}: {path.name} not exported, the dataset is still here, unchanged"
        ) from None
    return {
        "path": str(path),
        "extractor": extractor,
        "dim": dim,
        "train": len(dataset.train),
        "test": len(dataset.test),
    }
