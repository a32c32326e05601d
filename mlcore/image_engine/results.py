"""What a training leaves: the model, its confusion matrices and accuracies, its answers and its curves."""

import numpy as np

from mlcore.image_engine.images import ranked
from mlcore.ml.confusion import accuracy, cell_members, confusion_matrix

HISTORY_KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")
SPLITS = ("train", "test")


class Results:
    """The results part of `ImagePipeline` (which supplies `dataset`, the features and `_note`)."""

    @property
    def history(self) -> dict:
        """Per-epoch loss, val_loss, accuracy and val_accuracy of the current or last training (copies)."""
        current = self._history  # swapped whole when a training starts, so read it once
        return {key: list(current.get(key, ())) for key in HISTORY_KEYS}

    @property
    def trained_extractor(self):
        """The extractor the current model was trained on (new images must go through it), or None."""
        return self._trained_on if self.model is not None else None

    def _clear_results(self):
        """Forget the model and its scores: they belong to features that are about to change."""
        self.model = None
        self._trained_on = None
        self.confusion_train = self.confusion_test = None
        self.train_accuracy = self.test_accuracy = None
        self.predictions = {split: None for split in SPLITS}  # the model's answer for every sample
        self._history = {key: [] for key in HISTORY_KEYS}
        self._training = "idle"
        self._epochs_planned = 0
        self.run_shown = None  # the results on the pages are no run's now

    def _evaluate(self, model, dataset, name):
        """Fill both confusion matrices, accuracies and predictions, then make `model` the current model."""
        results = {}
        for split, vectors, samples in (("train", self.train_features, dataset.train),
                                        ("test", self.test_features, dataset.test)):
            predicted = model.predict(vectors) if len(samples) else []
            matrix = confusion_matrix([sample.label for sample in samples], predicted, dataset.classes)
            results[split] = (predicted, matrix, accuracy(matrix))
        self.predictions = {split: results[split][0] for split in SPLITS}
        self.confusion_train, self.train_accuracy = results["train"][1], results["train"][2]
        self.confusion_test, self.test_accuracy = results["test"][1], results["test"][2]
        self._trained_on = name
        self.model = model

    def predict_sample(self, split, index) -> list[tuple[str, float]]:
        """The model's answer for one dataset image, from its stored features: [(label, p), ...], likeliest first.

        Empty while there is no model; a split or index that does not exist adds a message and gives [].
        """
        model = self.model
        if model is None:
            return []
        if split not in SPLITS:
            self._note(f"no split {split!r}: choose 'train' or 'test'")
            return []
        vectors = self.train_features if split == "train" else self.test_features
        if vectors is None:
            return []
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(vectors):
            self._note(f"no {split} image number {index!r}: there are {len(vectors)}")
            return []
        try:
            return ranked(model, model.predict_proba(vectors[index:index + 1])[0])
        except Exception:  # features swapped by a job between the two reads above: the next frame will agree
            return []

    def cell_members(self, split, row, col) -> list[int]:
        """Indices of the `split` images counted in confusion cell (row, col) of the last evaluation."""
        dataset, predicted = self.dataset, self.predictions.get(split)
        if dataset is None or predicted is None:
            return []
        samples = dataset.train if split == "train" else dataset.test
        return cell_members([sample.label for sample in samples], predicted, dataset.classes, row, col)
