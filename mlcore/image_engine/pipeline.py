"""The image classifier, without a display: load a dataset, extract features, train an MLP, read the results.

This is the engine behind `sketches/image_classifier.py` (the course's Marcelle app on Pygame), and it works as
well from a notebook or a test:

    >>> pipeline = ImagePipeline()
    >>> pipeline.run_all("miniFRUIT").wait()       # load + extract + train + evaluate, on a worker thread
    >>> pipeline.test_accuracy, pipeline.confusion_test
    >>> pipeline.predict_image("my_banana.jpg").wait(), pipeline.job.result   # [("banane", 0.98), ...]

Every slow step runs as a `mlcore.jobs.Job`, one at a time, so the draw loop only ever reads fields:
`dataset`, `train_features`, `test_features`, `model`, `confusion_train`, `confusion_test`, `train_accuracy`,
`test_accuracy`, `history`, `job` and `messages`. Nothing raises into the caller: a job that fails keeps its
one-line `job.error`, and every problem or notice (a skipped image, a cache that cannot be written, an error)
is appended to `messages`, newest last.

The classifier is small (two hidden layers on a few hundred vectors), so it trains on the CPU; `device` chooses
where the feature extractor runs. `build_model(settings)` makes the network each training fits (the image
classifier sketch passes its own); `params` are its settings, checked by `mlcore.ml.settings`.
"""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path

import numpy as np

from mlcore.data import datasets
from mlcore.data.datasets import Dataset, DownloadCancelled, load_dataset
from mlcore.image_engine.augmented import AugmentedTraining
from mlcore.image_engine.job_runner import OneJobAtATime
from mlcore.image_engine.images import PipelineError, ranked, read_image
from mlcore.image_engine.noise_check import NoiseOrBias
from mlcore.image_engine.results import HISTORY_KEYS, Results
from mlcore.image_engine.runs import Runs
from mlcore.image_engine.saved_work import SavedWork
from mlcore.jobs import Cancelled, Job
from mlcore.ml import features
from mlcore.ml.confusion import random_baseline
from mlcore.ml.features import FeatureError
from mlcore.ml.in_process import InProcess
from mlcore.ml.models import MLPClassifier
from mlcore.ml.settings import DEFAULTS, SettingError, checked

__all__ = ["DEFAULTS", "DEFAULT_FEATURES", "STORED_CANNOT_PREDICT", "ImagePipeline", "PipelineError", "course_model",
           "read_image"]

DEFAULT_FEATURES = "efficientnet_lite0"
STORED_CANNOT_PREDICT = (
    "stored features exist only for the dataset's own images; choose another extractor to predict new images"
)
RETRAIN_CAPTION = f"Use {DEFAULT_FEATURES} and retrain"  # the Deployment page's way out of STORED_CANNOT_PREDICT


def course_model(settings):
    """The course's network: an MLP built from the Training page's settings (ReLU hidden layers by default)."""
    return MLPClassifier(hidden_layers=settings["hidden_layers"], activation=settings["activation"],
                         dropout=settings["dropout"], learning_rate=settings["learning_rate"],
                         epochs=settings["epochs"], batch_size=settings["batch_size"],
                         validation_split=settings["validation_split"], seed=settings["seed"])


class _StopFlag:
    """The job's stop request seen as the `threading.Event` that `load_dataset` and `extract` poll."""

    def __init__(self, job: Job):
        self.job = job

    def is_set(self) -> bool:
        return self.job.cancelled


class ImagePipeline(OneJobAtATime, SavedWork, Results, Runs, NoiseOrBias, AugmentedTraining):
    """Dataset, features, model and results of one image classifier, with the slow steps on a worker thread."""

    def __init__(self, cache_folder=None, device=None, build_model=course_model, worker=None):
        super().__init__()
        # Where the torch work happens (features, training, model files): here by default; a window passes a
        # `TrainerProcess`, so that its frames never wait on torch.
        self.worker = worker if worker is not None else InProcess()
        self.cache_folder = Path(cache_folder) if cache_folder is not None else datasets.cache_dir()
        self.device = device  # where features are computed; None: the GPU if torch sees one
        self.build_model = build_model  # settings -> an unfitted classifier, called by every training
        self.dataset: Dataset | None = None
        self.train_features: np.ndarray | None = None
        self.test_features: np.ndarray | None = None
        self.params = copy.deepcopy(DEFAULTS)
        self._choice = None  # the extractor a person picked; None follows the dataset (see features_name)
        self._extracted = None  # the extractor that made train_features and test_features
        self._compute_device = None
        self._cache_hits = 0
        self._clear_results()
        self._init_runs()

    # ---------------------------------------------------------------------------------------------- choices

    @property
    def features_name(self) -> str:
        """The chosen extractor: the one set here or given to `extract`, else EfficientNet-Lite0.

        EfficientNet-Lite0 is the default on every dataset, a course file's included: its weights come with the
        project, and a new image (a dropped file, the camera, Live) goes through the same network as the
        dataset's own. The vectors a Marcelle file stores ("stored") stay a choice: exactly the course app's
        numbers, but nothing can compute them for a new image.
        """
        return self._choice if self._choice is not None else DEFAULT_FEATURES

    @features_name.setter
    def features_name(self, name):
        self._choice = name

    @staticmethod
    def _has_stored(dataset) -> bool:
        if dataset is None:
            return False
        samples = dataset.train + dataset.test
        return bool(samples) and all(sample.x is not None for sample in samples)

    # ---------------------------------------------------------------------------------------------- jobs

    def load(self, spec) -> Job:
        """Load a dataset in the background (`datasets.load_dataset`); its features and model start afresh."""
        return self._start("load", self._load_step, spec)

    def extract(self, name=None) -> Job:
        """Compute the features of every train and test image with extractor `name` (default: `features_name`)."""
        return self._start("extract", self._extract_job, name)

    def train(self) -> Job:
        """Train a fresh model from `build_model(params)` on the training features, then score both sets.

        Features that are missing, or were made by another extractor than the chosen one, are extracted first,
        in the same job.
        """
        return self._start("train", self._train_step)

    def predict_image(self, image_or_path) -> Job:
        """Classify a new image (an RGB array, or the path of an image file); `job.result` is [(label, p), ...]."""
        return self._start("predict", self._predict_image_step, image_or_path)

    def run_all(self, spec, features=None) -> Job:
        """Load `spec`, extract (`features`, or the dataset's natural extractor), train and evaluate: one job."""
        return self._start("run_all", self._run_all_step, spec, features)

    def _ended(self, status):
        if self._training == "running":
            self._training = status

    # ---------------------------------------------------------------------------------------------- steps

    def _load_step(self, job, spec):
        if not isinstance(spec, (str, os.PathLike)):
            raise PipelineError(f"a dataset is named by a string or a path, not {type(spec).__name__}")
        job.report(0, None, f"loading {os.fspath(spec)}")

        def progress(done, total):
            job.report(done, total, f"downloading {os.fspath(spec)}")

        try:
            dataset = load_dataset(spec, progress=progress, cancel=_StopFlag(job))
        except DownloadCancelled:
            raise Cancelled() from None
        self._set_dataset(dataset)
        return dataset

    def _set_dataset(self, dataset):
        self._clear_results()
        self.train_features = self.test_features = None
        self._extracted = self._compute_device = None
        self.dataset = dataset
        if self._choice == "stored" and not self._has_stored(dataset):
            self._choice = None
            self._note(f"{dataset.name} has no stored features for every image: using {self.features_name}")
        for problem in dataset.problems:
            self._note(problem)
        self._note(
            f"loaded {dataset.name}: {len(dataset.train)} training and {len(dataset.test)} test images, "
            f"classes {', '.join(dataset.classes)}"
        )

    def _features(self, job, name, images, progress=None, stored=None):
        """Feature vectors of `images` with extractor `name`, through the disk cache (its problems noted)."""
        worker = self.worker if name != "stored" else InProcess()  # stored vectors are only stacked: no torch
        vectors, facts = worker.extract(name, images, stored=stored, cache_folder=self.cache_folder / "features",
                                        device=self.device, progress=progress, should_stop=lambda: job.cancelled,
                                        on_wait=_waiting(job, f"{name} features"))
        if facts["warning"]:
            self._note(facts["warning"])
        vectors = vectors.view(features.Features)
        vectors.extractor, vectors.compute_device, vectors.cache_hits = name, facts["compute_device"], facts[
            "cache_hits"]
        return vectors

    def _extract_job(self, job, name):
        if name is not None:  # chosen here, not by the caller: a request refused as busy changes nothing
            self._choice = name
        return self._extract_step(job, name)

    def _extract_step(self, job, name=None):
        dataset = self.dataset
        if dataset is None:
            raise PipelineError("load a dataset first")
        name = name or self.features_name
        features.dim(name)  # an unknown name fails here, with the list of known ones
        samples = dataset.train + dataset.test
        job.report(0, len(samples), f"{name} features: 0/{len(samples)} images")

        def progress(done, total):
            job.report(done, total, f"{name} features: {done}/{total} images")

        vectors = self._features(job, name, [sample.image for sample in samples], progress,
                                 stored=[sample.x for sample in samples] if name == "stored" else None)
        if not np.isfinite(vectors).all():
            raise FeatureError(f"{name} gave features that are not finite numbers: choose another extractor")
        job.report(len(samples), len(samples), f"{name} features: {len(samples)}/{len(samples)} images")
        self._clear_results()
        count = len(dataset.train)
        self.train_features, self.test_features = vectors[:count], vectors[count:]
        self._extracted = name
        self._compute_device = vectors.compute_device
        self._cache_hits = int(vectors.cache_hits)
        hits = f", {vectors.cache_hits} from the cache" if vectors.cache_hits else ""
        self._note(f"{name} features: {vectors.shape[1]} numbers for each of {len(samples)} images{hits}")
        return vectors

    def _new_model(self, params, name):
        """`build_model`'s classifier for these settings (a copy each, so a setting edited later changes nothing)."""
        model = self.build_model(copy.deepcopy(params))
        if not all(callable(getattr(model, method, None)) for method in ("fit", "predict", "predict_proba")):
            raise PipelineError(f"build_model gave {type(model).__name__}, not a classifier with fit and predict: "
                                f"return an MLPClassifier")
        # A colour histogram's 512 boxes share a total of 1, so each value is tiny: scaled column by column to
        # [0, 1] it learns in 15 epochs at Adam's 0.001. The networks' features are used as they come, as in the
        # course's Marcelle app (and so the `stored` results match it). This belongs to the features, not the
        # lesson, so it is set here whatever `build_model` chose.
        model.normalize_inputs = name == "color_histogram"
        return model

    def _train_step(self, job):
        dataset = self.dataset
        if dataset is None:
            raise PipelineError("load a dataset first")
        try:
            params = checked(self.params)
        except SettingError as error:
            raise PipelineError(str(error)) from None
        self._training = "running"
        name = self.features_name
        if self.train_features is None or self._extracted != name:
            self._extract_step(job, name)
            self._training = "running"  # the extraction cleared the previous results, status included
        labels = [sample.label for sample in dataset.train]
        learnable = sorted(set(labels))
        if len(learnable) < 2:
            have = f"only of class '{learnable[0]}'" if learnable else "none"
            raise PipelineError(f"training needs images of at least two classes; {dataset.name} has {have}")
        inputs, labels, groups = self._training_set(job, name, params, labels)  # with any augmented copies
        model = self._new_model(params, name)
        epochs = model.epochs
        history = {key: [] for key in HISTORY_KEYS}
        self._clear_results()
        self._history, self._epochs_planned, self._training = history, epochs, "running"

        def on_epoch(epoch, logs):
            for key in HISTORY_KEYS:
                if key in logs:
                    history[key].append(logs[key])
            try:
                job.report(epoch, epochs, f"epoch {epoch}/{epochs}: loss {logs['loss']:.3f}")
            except Cancelled:
                pass  # `should_stop` ends the training after this epoch, keeping what was learned so far

        job.report(0, epochs, f"epoch 0/{epochs}")
        started = time.monotonic()
        model = self._fit(model, inputs, labels, groups, on_epoch, lambda: job.cancelled, _waiting(job, "training"))
        self._evaluate(model, dataset, name)
        done = len(history["loss"])
        self._training = "cancelled" if job.cancelled else "done"
        self._record_run(model, params, time.monotonic() - started)
        stopped = f"stopped after {done} of {epochs} epochs" if done < epochs else f"trained {done} epochs"
        self._note(f"{stopped}: train accuracy {_percent(self.train_accuracy)}, "
                   f"test accuracy {_percent(self.test_accuracy)}")
        return {"train_accuracy": self.train_accuracy, "test_accuracy": self.test_accuracy, "epochs": done,
                "status": self._training, "history": self.history}

    def _fit(self, model, inputs, labels, groups, on_epoch, should_stop, on_wait=None):
        """Train `model` with the worker; the trained model it gives back (a `NumpyMLP` from a process)."""
        own_class = type(model).__module__.startswith("mlcore.")  # a sketch's own class cannot travel
        worker = self.worker if own_class else InProcess()
        return worker.fit_model(model, inputs, labels, on_epoch, should_stop, groups=groups, on_wait=on_wait)

    def _run_all_step(self, job, spec, name):
        self._load_step(job, spec)
        if name is not None:
            self._choice = name
        return self._train_step(job)

    def _predict_image_step(self, job, source):
        model, name = self.model, self._trained_on
        if model is None:
            raise PipelineError("train a model first, then predict new images")
        if name == "stored":
            raise PipelineError(STORED_CANNOT_PREDICT)
        image = read_image(source)
        job.report(0, 1, f"{name} features of the new image")
        vector = self._features(job, name, [image])
        job.report(1, 1, "predicting")
        return ranked(model, model.predict_proba(vector)[0])

    # ---------------------------------------------------------------------------------------------- reading

    def state(self) -> dict:
        """Everything a screen or a script reports, as plain JSON-ready values (lists, not arrays)."""
        dataset = self.dataset
        counts = dataset.counts() if dataset is not None else {"train": {}, "test": {}}
        history = self.history
        baseline_set = "test" if sum(counts["test"].values()) else "train"
        job, model = self.job, self.model
        return {
            "dataset": dataset.name if dataset is not None else None,
            "classes": list(dataset.classes) if dataset is not None else [],
            "counts": counts,
            "features": self._features_state(),
            "training": {
                "status": self._training,
                "epochs_done": len(history["loss"]),
                "epochs": self._epochs_planned,
                **{key: (values[-1] if values else None) for key, values in history.items()},
            },
            "model": None if model is None else {"hidden_layers": list(getattr(model, "hidden_layers", [])),
                                                 "activation": getattr(model, "activation", None),
                                                 "dropout": getattr(model, "dropout", None)},
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "confusion_train": _as_list(self.confusion_train),
            "confusion_test": _as_list(self.confusion_test),
            "baseline": {**random_baseline(counts[baseline_set]), "set": baseline_set},
            "job": None if job is None else {"name": job.name, "status": job.status, "done": job.done,
                                             "total": job.total, "message": job.message, "error": job.error},
            "messages": list(self.messages),
            "problems": list(dataset.problems) if dataset is not None else [],
            "runs": self.runs_state(),
            "augmentation": self.augmentation,
            "run_shown": self.run_shown,
            "noise_or_bias": self.noise_state(),
        }

    def _features_state(self) -> dict:
        dataset, name = self.dataset, self.features_name
        vectors = self.train_features if self._extracted == name else None
        if vectors is not None:
            width = int(vectors.shape[1])
        elif name == "stored" and self._has_stored(dataset):
            width = int(len(dataset.train[0].x if dataset.train else dataset.test[0].x))
        else:
            width = features.dim(name) if name in features.EXTRACTORS else None
        return {"name": name, "dim": width, "device": self._compute_device if vectors is not None else None,
                "ready": vectors is not None, "cache_hits": self._cache_hits if vectors is not None else 0}


def _waiting(job, what):
    """`on_wait(seconds)` for the worker: the job's message counts down until torch is loaded in its process."""
    return lambda seconds: job.report(job.done, None, f"{what} starts when the network library is ready… {seconds} s")


def _as_list(matrix):
    return None if matrix is None else np.asarray(matrix).tolist()


def _percent(value):
    return "n/a" if value is None else f"{value:.0%}"
