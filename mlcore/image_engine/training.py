"""A training: a fresh model from `build_model(settings)` fitted on the training features (and on augmented copies
of the training images, when asked), then scored on both sets. What it leaves is one `Run`.

The copies (`mlcore.ml.augmentation`) are made of training images only, never of test images, and their features
are computed as the dataset's own are (the same extractor, the same disk cache), so a second training with the
same seed reads them back from the cache.
"""

import copy
import time

import numpy as np

from mlcore.image_engine.extraction import waiting
from mlcore.image_engine.images import PipelineError
from mlcore.image_engine.run import HISTORY_KEYS, Run
from mlcore.jobs import Cancelled
from mlcore.ml import augmentation
from mlcore.ml.in_process import InProcess

STORED_CANNOT_AUGMENT = "augmentation needs features computed from pixels: trained on the stored vectors alone"
CLASSIFIER_METHODS = ("fit", "predict", "predict_proba")


class Training:
    """Fits the models of the image classifier with the worker; knows the last training's augmentation."""

    def __init__(self, extraction, worker, build_model, note):
        self.extraction = extraction
        self.worker = worker
        self.build_model = build_model  # settings -> an unfitted classifier
        self.note = note
        self._augmented = (0, 0, 0)  # the last training's (copies of each image, vectors added, from the cache)

    @property
    def augmentation(self) -> dict:
        """The last training's augmentation: copies of each training image, vectors added, read from the cache."""
        copies, vectors, cache_hits = self._augmented
        return {"copies": copies, "vectors": vectors, "cache_hits": cache_hits}

    def new_model(self, settings, extractor):
        """`build_model`'s classifier for these settings (a copy each, so a setting edited later changes nothing)."""
        model = self.build_model(copy.deepcopy(settings))
        if not all(callable(getattr(model, method, None)) for method in CLASSIFIER_METHODS):
            raise PipelineError(
                f"build_model gave {type(model).__name__}, not a classifier with fit and predict: "
                f"return an MLPClassifier"
            )
        # A colour histogram's 512 boxes share a total of 1, so each value is tiny: scaled column by column to
        # [0, 1] it learns in 15 epochs at Adam's 0.001. The networks' features are used as they come, as in the
        # course's Marcelle app (and so the `stored` results match it). This belongs to the features, not the
        # lesson, so it is set here whatever `build_model` chose.
        model.normalize_inputs = extractor == "color_histogram"
        return model

    def run(self, job, dataset, features, settings, show) -> Run:
        """Train on `dataset` with `features`; `show(run)` is called as soon as its curves start to grow."""
        labels = [sample.label for sample in dataset.train]
        learnable = sorted(set(labels))
        if len(learnable) < 2:
            have = f"only of class '{learnable[0]}'" if learnable else "none"
            raise PipelineError(f"training needs images of at least two classes; {dataset.name} has {have}")
        inputs, labels, groups = self.training_set(job, dataset, features, settings, labels)
        model = self.new_model(settings, features.extractor)
        epochs = model.epochs
        run = Run(epochs_planned=epochs, status="running")
        show(run)

        def on_epoch(epoch, logs):
            for key in HISTORY_KEYS:
                if key in logs:
                    run.history[key].append(logs[key])
            try:
                job.report(epoch, epochs, f"epoch {epoch}/{epochs}: loss {logs['loss']:.3f}")
            except Cancelled:
                pass  # `should_stop` ends the training after this epoch, keeping what was learned so far

        job.report(0, epochs, f"epoch 0/{epochs}")
        started = time.monotonic()
        own_class = type(model).__module__.startswith("mlcore.")  # a sketch's own class cannot travel
        worker = self.worker if own_class else InProcess()
        model = worker.fit(
            model, inputs, labels, on_epoch, lambda: job.cancelled, groups=groups, on_wait=waiting(job, "training")
        )
        run.seconds = time.monotonic() - started
        run.evaluate(model, dataset, features)
        run.status = "cancelled" if job.cancelled else "done"
        return run

    def training_set(self, job, dataset, features, settings, labels):
        """(inputs, labels, groups) to fit: the training features and `labels`, then `settings["augmentation"]`
        changed copies of each training image; `groups` gives each copy its image's number, so that a validation
        split holds an image out with its copies."""
        count, name = settings.get("augmentation", 0), features.extractor
        if count and name == "stored":
            self.note(STORED_CANNOT_AUGMENT)
            count = 0
        self._augmented = (count, 0, 0)
        groups = np.arange(len(labels))
        if not count:
            return features.train, list(labels), groups
        images = augmentation.copies([sample.image for sample in dataset.train], count, settings["seed"])
        vectors = self.extraction.counted(job, name, images, f"{name} features of the augmented copies")
        total = len(images)
        self._augmented = (count, total, int(getattr(vectors, "cache_hits", 0)))
        hits = f", {self._augmented[2]} from the cache" if self._augmented[2] else ""
        self.note(
            f"augmentation: {count} changed copies of each of {len(labels)} training images, "
            f"{total} more {name} vectors{hits}"
        )
        inputs = np.concatenate([np.asarray(features.train), np.asarray(vectors)])
        copied = [label for label in labels for _ in range(count)]  # copies lie image after image, as labels do
        return inputs, list(labels) + copied, np.concatenate([groups, np.repeat(groups, count)])
