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
where the feature extractor runs.
"""

from __future__ import annotations

import copy
import math
import os
import threading
from pathlib import Path

import numpy as np

from mlcore.data import datasets

from mlcore.ml import features
from mlcore.data.collection import CollectionError
from mlcore.ml.confusion import accuracy, cell_members, confusion_matrix, random_baseline
from mlcore.data.datasets import Dataset, DatasetError, DownloadCancelled, load_dataset
from mlcore.ml.features import FeatureCache, FeatureError
from mlcore.ml.model_io import ModelFileError, load_model
from mlcore.ml.models import MLPClassifier
from mlcore.jobs import Cancelled, Job

# The course's settings for the Marcelle MLP: Adam at 0.001, 15 epochs, batches of 8, a fifth held out to watch.
DEFAULTS = dict(hidden_layers=[64, 32], epochs=15, batch_size=8, learning_rate=0.001, validation_split=0.2, seed=0)

HISTORY_KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")
SPLITS = ("train", "test")

STORED_CANNOT_PREDICT = (
    "stored features exist only for the dataset's own images; choose another extractor to predict new images"
)


class PipelineError(Exception):
    """A step that cannot run as asked (no dataset yet, bad settings, not an image); one line for the screen."""


class _StopFlag:
    """The job's stop request seen as the `threading.Event` that `load_dataset` and `extract` poll."""

    def __init__(self, job: Job):
        self.job = job

    def is_set(self) -> bool:
        return self.job.cancelled


class ImagePipeline:
    """Dataset, features, model and results of one image classifier, with the slow steps on a worker thread."""

    def __init__(self, cache_folder=None, device=None):
        self.cache_folder = Path(cache_folder) if cache_folder is not None else datasets.cache_dir()
        self.device = device  # where features are computed; None: the GPU if torch sees one
        self.dataset: Dataset | None = None
        self.train_features: np.ndarray | None = None
        self.test_features: np.ndarray | None = None
        self.params = copy.deepcopy(DEFAULTS)
        self.model: MLPClassifier | None = None
        self.confusion_train: np.ndarray | None = None
        self.confusion_test: np.ndarray | None = None
        self.train_accuracy: float | None = None
        self.test_accuracy: float | None = None
        self.predictions: dict = {split: None for split in SPLITS}  # the model's answer for every sample
        self.job: Job | None = None
        self.messages: list[str] = []
        self._choice = None  # the extractor a person picked; None follows the dataset (see features_name)
        self._extracted = None  # the extractor that made train_features and test_features
        self._compute_device = None
        self._cache_hits = 0
        self._trained_on = None  # the extractor the model was trained with, which new images must go through
        self._history = {key: [] for key in HISTORY_KEYS}
        self._training = "idle"
        self._epochs_planned = 0
        self._start_lock = threading.Lock()

    # ---------------------------------------------------------------------------------------------- choices

    @property
    def features_name(self) -> str:
        """The chosen extractor: the one set here or given to `extract`, else the dataset's natural one.

        A Marcelle file carries a vector for every image, so "stored" costs nothing; any other dataset gets
        EfficientNet-Lite0, whose weights come with the project and need no network.
        """
        if self._choice is not None:
            return self._choice
        return "stored" if self._has_stored(self.dataset) else "efficientnet_lite0"

    @features_name.setter
    def features_name(self, name):
        self._choice = name

    @staticmethod
    def _has_stored(dataset) -> bool:
        if dataset is None:
            return False
        samples = dataset.train + dataset.test
        return bool(samples) and all(sample.x is not None for sample in samples)

    @property
    def history(self) -> dict:
        """Per-epoch loss, val_loss, accuracy and val_accuracy of the current or last training (copies)."""
        current = self._history  # swapped whole when a training starts, so read it once
        return {key: list(current.get(key, ())) for key in HISTORY_KEYS}

    # ---------------------------------------------------------------------------------------------- jobs

    def load(self, spec) -> Job:
        """Load a dataset in the background (`datasets.load_dataset`); its features and model start afresh."""
        return self._start("load", self._load_step, spec)

    def extract(self, name=None) -> Job:
        """Compute the features of every train and test image with extractor `name` (default: `features_name`)."""
        return self._start("extract", self._extract_job, name)

    def train(self) -> Job:
        """Train a fresh MLP with `params` on the training features, then score both sets.

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

    def stop(self):
        """Ask the running job to stop; a training keeps what it learned up to the epoch it was in."""
        job = self.job
        if job is not None and job.running:
            job.cancel()
            self._note(f"stopping {job.name}...")

    def _start(self, name, step, *args) -> Job:
        """Start `step` as a job unless one is running, in which case that one is returned, with a message."""
        with self._start_lock:
            running = self.job
            if running is not None and running.running:
                self._note(f"busy: {running.name} is still running; wait for it to finish or stop it")
                return running
            self.job = Job(name, self._guarded(step), *args)
            return self.job.start()

    def _guarded(self, step):
        """`step`, with whatever stops it turned into a message (the job itself keeps the error too)."""

        def run(job, *args):
            try:
                return step(job, *args)
            except Cancelled:
                self._end_training("cancelled")
                self._note(f"{job.name} stopped")
                raise
            except Exception as error:
                self._end_training("failed")
                if isinstance(error, (DatasetError, FeatureError, PipelineError)):
                    self._note(str(error))
                else:  # a bug rather than bad input: the type helps whoever reports it
                    self._note(f"{job.name} failed: {type(error).__name__}: {error}")
                raise

        return run

    def _end_training(self, status):
        if self._training == "running":
            self._training = status

    def _note(self, text):
        """Add a message, unless it repeats the last one (a button pressed again and again says it once)."""
        if not self.messages or self.messages[-1] != text:
            self.messages.append(text)

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

    def _clear_results(self):
        """Forget the model and its scores: they belong to features that are about to change."""
        self.model = None
        self._trained_on = None
        self.confusion_train = self.confusion_test = None
        self.train_accuracy = self.test_accuracy = None
        self.predictions = {split: None for split in SPLITS}
        self._history = {key: [] for key in HISTORY_KEYS}
        self._training = "idle"
        self._epochs_planned = 0

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

        cache = FeatureCache(self.cache_folder / "features")
        vectors = features.extract(
            name,
            [sample.image for sample in samples],
            stored=[sample.x for sample in samples] if name == "stored" else None,
            progress=progress,
            cancel=_StopFlag(job),
            cache=cache,
            device=self.device,
        )
        if cache.warning:
            self._note(cache.warning)
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

    def _checked_params(self) -> dict:
        """A validated copy of `params`, so a setting edited during training changes nothing until the next."""
        params = copy.deepcopy(DEFAULTS)
        unknown = sorted(set(self.params) - set(DEFAULTS))
        if unknown:
            raise PipelineError(f"unknown training setting {unknown[0]!r}: the settings are {', '.join(DEFAULTS)}")
        params.update(copy.deepcopy(self.params))

        def whole(value):
            return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

        layers = params["hidden_layers"]
        layers = [layers] if whole(layers) else layers
        if not isinstance(layers, (list, tuple)) or not all(whole(units) and units >= 1 for units in layers):
            raise PipelineError(
                f"hidden_layers must be a list of positive whole numbers, like [64, 32], not {layers!r}"
            )
        params["hidden_layers"] = [int(units) for units in layers]
        for key in ("epochs", "batch_size"):
            if not whole(params[key]) or params[key] < 1:
                raise PipelineError(f"{key} must be a whole number of at least 1, not {params[key]!r}")
        rate = params["learning_rate"]
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not (0 < rate < math.inf):
            raise PipelineError(f"learning_rate must be a positive number, like 0.001, not {rate!r}")
        held = params["validation_split"]
        if not isinstance(held, (int, float)) or isinstance(held, bool) or not (0 <= held < 1):
            raise PipelineError(f"validation_split must be at least 0 and below 1, like 0.2, not {held!r}")
        if params["seed"] is not None and not whole(params["seed"]):
            raise PipelineError(f"seed must be a whole number or None, not {params['seed']!r}")
        return params

    def _train_step(self, job):
        dataset = self.dataset
        if dataset is None:
            raise PipelineError("load a dataset first")
        params = self._checked_params()
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

        epochs = params["epochs"]
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
        # A colour histogram's 512 boxes share a total of 1, so each value is tiny: scaled column by column to
        # [0, 1] it learns in 15 epochs at Adam's 0.001. The networks' features are used as they come, as in the
        # course's Marcelle app (and so the `stored` results match it).
        model = MLPClassifier(normalize_inputs=(name == "color_histogram"), device="cpu", **params)
        model.fit(self.train_features, labels, on_epoch=on_epoch, should_stop=lambda: job.cancelled)
        self._evaluate(model, dataset, name)
        done = len(history["loss"])
        self._training = "cancelled" if job.cancelled else "done"
        stopped = f"stopped after {done} of {epochs} epochs" if done < epochs else f"trained {done} epochs"
        self._note(f"{stopped}: train accuracy {_percent(self.train_accuracy)}, "
                   f"test accuracy {_percent(self.test_accuracy)}")
        return {"train_accuracy": self.train_accuracy, "test_accuracy": self.test_accuracy}

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
        cache = FeatureCache(self.cache_folder / "features")
        vector = features.extract(name, [image], cancel=_StopFlag(job), cache=cache, device=self.device)
        if cache.warning:
            self._note(cache.warning)
        job.report(1, 1, "predicting")
        return _ranked(model, model.predict_proba(vector)[0])

    # ------------------------------------------------------------------------ collections and model files

    def use_collection(self, collection, test_fraction=0.2, seed=0) -> Job:
        """Background: the collection, split into training and test images, becomes the dataset."""

        def step(job):
            job.report(0, None, f"splitting {collection.name}")
            try:
                dataset = collection.split(test_fraction=test_fraction, seed=seed)
            except CollectionError as error:
                raise PipelineError(str(error)) from None
            self._set_dataset(dataset)
            return dataset

        return self._start("load", step)


    def save_collection(self, collection, folder, extractor, test_fraction=0.2, seed=0) -> Job:
        """Background: write the collection as Marcelle files (with `extractor`'s vectors as `x`) and image folders."""
        folder = Path(folder)

        def step(job):
            samples = collection.samples
            if not samples:
                raise PipelineError("nothing to save: record some images first")
            total = len(samples)
            job.report(0, total, f"{extractor} features for the Marcelle file: 0/{total}")

            def progress(done, count):
                job.report(done, count, f"{extractor} features for the Marcelle file: {done}/{count}")

            cache = features.FeatureCache(self.cache_folder / "features")
            vectors = features.extract(extractor, [sample.image for sample in samples], progress=progress,
                                       cancel=_StopFlag(job), cache=cache, device=self.device)
            by_id = {sample.id: vector for sample, vector in zip(samples, vectors)}
            job.report(total, total, f"writing {folder}")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                train, test = collection.save_marcelle(folder / collection.name, vectors=by_id,
                                                       test_fraction=test_fraction, seed=seed)
                images = collection.save_image_folders(folder / "images", test_fraction=test_fraction, seed=seed,
                                                       overwrite=True)
            except (CollectionError, OSError) as error:
                raise PipelineError(f"dataset not saved: {error}") from None
            return {"folder": str(folder), "marcelle": [str(train), str(test)], "images": str(images),
                    "extractor": extractor, "dim": int(vectors.shape[1]), "count": total}

        return self._start("save_dataset", step)


    def load_model_file(self, path) -> Job:
        """Background: a saved model becomes the current model (scored on the dataset where it fits)."""
        path = Path(path)

        def step(job):
            job.report(0, None, f"loading {path.name}")
            try:
                model, info = load_model(path)
            except ModelFileError as error:
                raise PipelineError(str(error)) from None
            extractor = info["extractor"]
            if extractor not in features.EXTRACTORS:
                raise PipelineError(f"{path.name}: refused: trained on {extractor!r} features, which this sketch "
                                    f"cannot compute ({', '.join(features.EXTRACTORS)})")
            self._clear_results()
            self.features_name = extractor
            dataset, vectors = self.dataset, self.train_features
            fits = (dataset is not None and vectors is not None and self._extracted == extractor
                    and vectors.shape[1] == info["feature_dim"] and set(model.classes_) <= set(dataset.classes))
            if fits:
                self._evaluate(model, dataset, extractor)  # fills the Testing page
            else:
                self.model, self._trained_on = model, extractor
            self._note(f"loaded {path.name}: classes {', '.join(model.classes_)}, {extractor} features"
                           + ("" if fits else "; Live (L) or drop an image to use it"))
            return {"path": str(path), "classes": list(model.classes_), "extractor": extractor}

        return self._start("load_model", step)


    @property
    def trained_extractor(self):
        """The extractor the current model was trained on (new images must go through it), or None."""
        return self._trained_on if self.model is not None else None

    # ---------------------------------------------------------------------------------------------- reading

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
            return _ranked(model, model.predict_proba(vectors[index:index + 1])[0])
        except Exception:  # features swapped by a job between the two reads above: the next frame will agree
            return []

    def cell_members(self, split, row, col) -> list[int]:
        """Indices of the `split` images counted in confusion cell (row, col) of the last evaluation."""
        dataset, predicted = self.dataset, self.predictions.get(split)
        if dataset is None or predicted is None:
            return []
        samples = dataset.train if split == "train" else dataset.test
        return cell_members([sample.label for sample in samples], predicted, dataset.classes, row, col)

    def state(self) -> dict:
        """Everything a screen or a script reports, as plain JSON-ready values (lists, not arrays)."""
        dataset = self.dataset
        counts = dataset.counts() if dataset is not None else {"train": {}, "test": {}}
        history = self.history
        name = self.features_name
        vectors = self.train_features if self._extracted == name else None
        if vectors is not None:
            width = int(vectors.shape[1])
        elif name == "stored" and self._has_stored(dataset):
            width = int(len(dataset.train[0].x if dataset.train else dataset.test[0].x))
        else:
            width = features.dim(name) if name in features.EXTRACTORS else None
        baseline_set = "test" if sum(counts["test"].values()) else "train"
        job = self.job
        return {
            "dataset": dataset.name if dataset is not None else None,
            "classes": list(dataset.classes) if dataset is not None else [],
            "counts": counts,
            "features": {
                "name": name,
                "dim": width,
                "device": self._compute_device if vectors is not None else None,
                "ready": vectors is not None,
                "cache_hits": self._cache_hits if vectors is not None else 0,
            },
            "training": {
                "status": self._training,
                "epochs_done": len(history["loss"]),
                "epochs": self._epochs_planned,
                **{key: (values[-1] if values else None) for key, values in history.items()},
            },
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "confusion_train": _as_list(self.confusion_train),
            "confusion_test": _as_list(self.confusion_test),
            "baseline": {**random_baseline(counts[baseline_set]), "set": baseline_set},
            "job": None if job is None else {"name": job.name, "status": job.status, "done": job.done,
                                             "total": job.total, "message": job.message, "error": job.error},
            "messages": list(self.messages),
            "problems": list(dataset.problems) if dataset is not None else [],
        }


# -------------------------------------------------------------------------------------------------- helpers


def read_image(source) -> np.ndarray:
    """An RGB uint8 image at the dataset's size from an array, image bytes, or the path of an image file.

    Files are decoded exactly as the dataset's own images are, so a new photo meets the model as they did.
    Raises PipelineError, with a line for the screen, for anything that is not an image.
    """
    if isinstance(source, np.ndarray):
        image = source
        if image.dtype != np.uint8:
            raise PipelineError(f"the image is {image.dtype}, not uint8 RGB: pixels must be 0-255")
        if image.ndim == 3 and image.shape[2] == 1:
            image = image[:, :, 0]
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        elif image.ndim == 3 and image.shape[2] == 4:
            image = image[:, :, :3]
        if image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
            raise PipelineError(f"the image has shape {image.shape}, not H x W x 3 RGB")
        return datasets._fit_image(image)
    if isinstance(source, (bytes, bytearray, memoryview)):
        image = datasets._decode_image(bytes(source))
        if image is None:
            raise PipelineError("those bytes are not an image that can be decoded (use JPEG or PNG)")
        return image
    if not isinstance(source, (str, os.PathLike)):
        raise PipelineError(f"expected an image or the path of an image file, not {type(source).__name__}")
    path = Path(source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise PipelineError(f"{path}: a folder, not an image file") from None
    except OSError as error:
        raise PipelineError(f"{path}: cannot be read ({error.strerror or error})") from None
    image = datasets._decode_image(data)
    if image is None:
        raise PipelineError(f"{path.name}: not an image that can be decoded (use a JPEG or PNG file)")
    return image


def _ranked(model, probabilities) -> list[tuple[str, float]]:
    order = np.argsort(-probabilities, kind="stable")
    return [(model.classes_[i], float(probabilities[i])) for i in order]


def _as_list(matrix):
    return None if matrix is None else np.asarray(matrix).tolist()


def _percent(value):
    return "n/a" if value is None else f"{value:.0%}"
