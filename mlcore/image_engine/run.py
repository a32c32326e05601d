"""A training's outcome as one value (`Run`), the features it learned from (`FeatureSet`), and the runs table.

A `Run` is what the pages read (the model, its curves, both confusion matrices and accuracies, its answer for
every image) and what the runs table, an undo of a data edit and the session file keep and give back whole. A
model loaded from a file is a `Run` too, without curves. Showing an earlier run brings back the features it was
evaluated on with it, since another extractor may have made them.
"""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np

from mlcore.image_engine.images import PipelineError
from mlcore.ml.confusion import accuracy, cell_members, confusion_matrix
from mlcore.ml.models import ranked

STORED_CANNOT_PREDICT = (
    "stored features exist only for the dataset's own images; choose another extractor to predict new images"
)
HISTORY_KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")
SPLITS = ("train", "test")
ROW_KEYS = (
    "number",
    "dataset",
    "features",
    "hidden_layers",
    "activation",
    "dropout",
    "epochs",
    "batch_size",
    "learning_rate",
    "augmentation",
    "train_accuracy",
    "validation_accuracy",
    "test_accuracy",
    "seconds",
)


def empty_history() -> dict:
    return {key: [] for key in HISTORY_KEYS}


Shown = namedtuple("Shown", "run index")  # the results on the pages: a Run, and its number in the table or None


@dataclass(frozen=True)
class FeatureSet:
    """The feature vectors of a dataset's training and test images, and the extractor that made them."""

    train: np.ndarray
    test: np.ndarray
    extractor: str
    compute_device: str | None = None  # where they were computed; None when none was (stored, or all cached)
    cache_hits: int = 0
    per_second: float | None = None  # images a second while they were computed (None: too few to measure)

    def of(self, split) -> np.ndarray:
        return self.train if split == "train" else self.test


@dataclass
class Run:
    """One training's outcome (or a loaded model's): model, curves, confusion matrices, accuracies, answers.

    `status` is "running" while its curves grow, then "done" or "cancelled" (a stopped training keeps what it
    learned); "idle" for the empty run shown before any training. `row` is its line in the runs table, once it
    has one; `dataset` and `features` are the data it was evaluated on.
    """

    model: object = None
    trained_on: str | None = None  # the extractor whose vectors it takes
    history: dict = field(default_factory=empty_history)
    epochs_planned: int = 0
    status: str = "idle"
    confusion_train: np.ndarray | None = None
    confusion_test: np.ndarray | None = None
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    predictions: dict = field(default_factory=lambda: {split: None for split in SPLITS})
    dataset: object = None
    features: FeatureSet | None = None
    seconds: float = 0.0
    row: dict | None = None

    @property
    def scored(self) -> bool:
        """True once it has confusion matrices: it was evaluated on the data it was trained for."""
        return self.confusion_train is not None

    def evaluate(self, model, dataset, features: FeatureSet) -> None:
        """Make `model` this run's, with both confusion matrices, accuracies and its answer for every image."""
        for split in SPLITS:
            samples = dataset.train if split == "train" else dataset.test
            predicted = model.predict(features.of(split)) if len(samples) else []
            matrix = confusion_matrix([sample.label for sample in samples], predicted, dataset.classes)
            self.predictions[split] = predicted
            setattr(self, f"confusion_{split}", matrix)
            setattr(self, f"{split}_accuracy", accuracy(matrix))
        self.model, self.trained_on, self.dataset, self.features = model, features.extractor, dataset, features

    def curves(self) -> dict:
        """Per-epoch loss, val_loss, accuracy and val_accuracy (copies: a training appends to its own lists)."""
        return {key: list(self.history.get(key, ())) for key in HISTORY_KEYS}

    def answer(self, split, index, note) -> list[tuple[str, float]]:
        """The model's answer for one image of the data it was evaluated on: [(label, p), ...], likeliest first.

        Empty while there is no model; a split or index that does not exist is said with `note` and gives [].
        """
        if self.model is None or self.features is None:
            return []
        if split not in SPLITS:
            note(f"no split {split!r}: choose 'train' or 'test'")
            return []
        vectors = self.features.of(split)
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(vectors):
            note(f"no {split} image number {index!r}: there are {len(vectors)}")
            return []
        return ranked(self.model, self.model.predict_proba(vectors[index : index + 1])[0])

    def predict_image(self, job, extraction, image) -> list[tuple[str, float]]:
        """Its model's answer for a new RGB `image`, whose features `extraction` computes on `job`'s thread."""
        if self.model is None:
            raise PipelineError("train a model first, then predict new images")
        name = self.trained_on
        if name == "stored":
            raise PipelineError(STORED_CANNOT_PREDICT)
        job.report(0, 1, f"{name} features of the new image")
        vector = extraction.vectors(job, name, [image])
        job.report(1, 1, "predicting")
        return ranked(self.model, self.model.predict_proba(vector)[0])

    @classmethod
    def of_model(cls, model, extractor, feature_dim, dataset, features, history=None, epochs=0, status="idle"):
        """A run for `model`, one not trained here (a model file, a session): scored on `dataset` and `features`
        where it fits them (`feature_dim` numbers of `extractor`, classes of the dataset), else only to predict."""
        run = cls(model=model, trained_on=extractor, epochs_planned=epochs, status=status)
        if history is not None:
            run.history = {key: list(history.get(key, ())) for key in HISTORY_KEYS}
        if (
            dataset is not None
            and features is not None
            and features.extractor == extractor
            and (features.train.shape[1] == feature_dim and set(model.classes_) <= set(dataset.classes))
        ):
            run.evaluate(model, dataset, features)
        return run

    def cell_members(self, split, row, col) -> list[int]:
        """Indices of the `split` images counted in confusion cell (row, col)."""
        predicted = self.predictions.get(split)
        if self.dataset is None or predicted is None:
            return []
        samples = self.dataset.train if split == "train" else self.dataset.test
        return cell_members([sample.label for sample in samples], predicted, self.dataset.classes, row, col)

    def make_row(self, number, settings, augmentation) -> dict:
        """Its line in the runs table: what `build_model` made (read from the model), the data, the scores."""
        model, history = self.model, self.history

        def made(name, kind):
            return kind(getattr(model, name, settings[name]))

        self.row = {
            "number": number,
            "dataset": self.dataset.name,
            "features": self.trained_on,
            "hidden_layers": list(getattr(model, "hidden_layers", settings["hidden_layers"])),
            "activation": getattr(model, "activation", settings["activation"]),
            "dropout": made("dropout", float),
            "epochs": len(history["loss"]),
            "batch_size": made("batch_size", int),
            "learning_rate": made("learning_rate", float),
            "augmentation": augmentation,  # changed copies of each training image it also saw
            "train_accuracy": self.train_accuracy,
            "validation_accuracy": history["val_accuracy"][-1] if history["val_accuracy"] else None,
            "test_accuracy": self.test_accuracy,
            "seconds": round(float(self.seconds), 2),
        }
        return self.row


class RunsTable:
    """Every training of the session, oldest first: the runs table of the Training page, and the way back."""

    def __init__(self, runs=()):
        self.runs: list[Run] = list(runs)

    def __len__(self):
        return len(self.runs)

    def __iter__(self):
        return iter(self.runs)

    def __getitem__(self, index) -> Run:
        return self.runs[index]

    def add(self, run: Run) -> int:
        """Keep `run` (its row already made); its index."""
        self.runs.append(run)
        return len(self.runs) - 1

    def rows(self) -> list[dict]:
        """The table's rows, oldest first, as plain values."""
        return [dict(run.row) for run in self.runs]

    def of_dataset(self, dataset) -> list[Run]:
        """The runs trained on `dataset` (the very object: an edited dataset is another one) that kept a model."""
        return [run for run in self.runs if run.dataset is dataset and run.model is not None]


def shown_copy(run: Run) -> Run:
    """`run` as the pages show it when brought back from the table (its status "done": its curves are whole)."""
    return dataclasses.replace(run, status="done")
