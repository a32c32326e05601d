"""Noise or bias? The answers of every model of the runs table on slightly changed copies of one image, and the
test errors of the model shown, grouped by (true → predicted).

The course asks students to tell a noisy model (its answer flips between copies a person would call the same)
from a biased one (wrong the same way every time). The copies' features are computed through the pipeline's
feature extraction, once per extractor, in a background job; each run's model answers them with `predict_proba`.
"""

from pathlib import Path

import numpy as np

from mlcore.image_engine.images import PipelineError, read_image
from mlcore.ml.variations import changed_copies, error_groups, flips

SPLIT_NAMES = {"train": "training", "test": "test"}
NO_STORED = "stored vectors exist only for the dataset's own images, not for changed copies"


class NoiseCheck:
    """The last noise-or-bias check, and the grouped test errors of the run shown (grouped once per evaluation)."""

    def __init__(self, extraction):
        self.extraction = extraction
        self._last = None  # the last check: what `state` reports, with the copies' pictures
        self._errors_kept = (None, None, [])  # (dataset, predictions, groups)

    def last(self, dataset):
        """The last check, if it was made on `dataset`: its copies' names and pictures, every run's answers and
        flips; else None."""
        check = self._last
        return check if check is not None and check["dataset"] is dataset else None

    def test_errors(self, dataset, predicted) -> list[dict]:
        """The wrong answers `predicted` on `dataset`'s test set, grouped by (true, predicted), largest first."""
        kept_dataset, kept_predicted, groups = self._errors_kept
        if kept_dataset is dataset and kept_predicted is predicted:
            return groups
        groups = []
        if dataset is not None and predicted is not None and len(predicted) == len(dataset.test):
            groups = error_groups([sample.label for sample in dataset.test], [str(p) for p in predicted])
        self._errors_kept = (dataset, predicted, groups)
        return groups

    def state(self, dataset, predicted, run_shown) -> dict:
        """The check and the grouped test errors as plain values, for the state JSON."""
        check = self.last(dataset)
        shown = None if check is None else {key: check[key] for key in ("source", "item", "true", "copies", "runs")}
        return {
            "check": shown,
            "errors_of_run": run_shown + 1 if run_shown is not None else None,
            "test_errors": [
                {**group, "count": len(group["indices"])} for group in self.test_errors(dataset, predicted)
            ],
        }

    def step(self, job, source, dataset, runs):
        """The check itself, on the job's thread: every run of `dataset` answers `source`'s changed copies."""
        if dataset is None:
            raise PipelineError("load a dataset first")
        runs = runs.of_dataset(dataset)
        if not runs:
            raise PipelineError("train a model first: the check compares the answers of every run")
        image, about, item, true = self._chosen(dataset, source)
        copies = changed_copies(image)
        pictures = [picture for _, picture in copies]
        vectors, answers = {}, []
        for count, run in enumerate(runs):
            name, number = run.trained_on, run.row["number"]
            job.report(count, len(runs), f"noise or bias: run {number}, {name} features of the copies")
            if name == "stored":
                answers.append({"run": number, "features": name, "skipped": NO_STORED})
                continue
            if name not in vectors:
                vectors[name] = self.extraction.vectors(job, name, pictures)
            answers.append(_answers(number, name, run.model, vectors[name]))
        job.report(len(runs), len(runs), "noise or bias: done")
        self._last = {
            "dataset": dataset,
            "source": about,
            "item": item,
            "true": true,
            "copies": [name for name, _ in copies],
            "pictures": pictures,
            "runs": answers,
        }
        return self._last

    @staticmethod
    def _chosen(dataset, source):
        """(image, what it is called, its (split, index) or None, its true class or None) for a check's source."""
        if isinstance(source, (tuple, list)) and len(source) == 2 and source[0] in SPLIT_NAMES:
            split, index = source
            samples = dataset.train if split == "train" else dataset.test
            if not isinstance(index, (int, np.integer)) or not 0 <= index < len(samples):
                raise PipelineError(f"no {SPLIT_NAMES[split]} image number {index!r}: there are {len(samples)}")
            sample = samples[index]
            return sample.image, f"{SPLIT_NAMES[split]} image {index + 1}", [split, int(index)], sample.label
        about = Path(source).name if not isinstance(source, np.ndarray) else "an image"
        return read_image(source), about, None, None


def _answers(number, name, model, vectors):
    """One run's answers on the copies: the likeliest class and its probability for each, and how many flip."""
    probabilities = np.asarray(model.predict_proba(vectors), dtype=float)
    best = probabilities.argmax(axis=1)
    labels = [str(model.classes_[i]) for i in best]
    confidences = [round(float(row[i]), 4) for row, i in zip(probabilities, best)]
    flipped = flips(labels)
    return {
        "run": number,
        "features": name,
        "answers": labels,
        "confidences": confidences,
        "flips": flipped,
        "flip_rate": flipped / (len(labels) - 1),
    }
