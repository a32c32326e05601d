"""The image classifier, without a display: load a dataset, extract features, train an MLP, read the results.

This is the engine behind `sketches/image_classifier.py` (the course's Marcelle app on Pygame), and it works as
well from a notebook or a test:

    >>> pipeline = ImagePipeline()
    >>> pipeline.run_all("miniFRUIT").wait()       # load + extract + train + evaluate, on a worker thread
    >>> pipeline.test_accuracy, pipeline.confusion_test
    >>> pipeline.predict_image("my_banana.jpg").wait(), pipeline.job.result   # [("banane", 0.98), ...]

It is a few objects, each with its own state: the job runner (one job at a time, and the messages), the
extraction (features through the worker and the disk cache), the training, the runs table, the noise-or-bias
check. The pipeline holds the data (`dataset` and its `features`, a `FeatureSet`) and the `Run` shown on the pages
(`shown`: model, curves, confusion matrices, accuracies), and reads them out as properties. Nothing raises into
the caller: a job that fails keeps its one-line `job.error`, and every problem or notice is appended to
`messages`, newest last.

The classifier is small (two hidden layers on a few hundred vectors), so it trains on the CPU; `device` chooses
where the feature extractor runs. `build_model(settings)` makes the network each training fits (the image
classifier sketch passes its own); `params` are its settings, checked by `mlcore.ml.settings`.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from mlcore.data import datasets
from mlcore.data.datasets import DownloadCancelled, load_dataset
from mlcore.image_engine import dataset_files, model_files
from mlcore.image_engine import pipeline_steps as steps
from mlcore.image_engine.dataset_files import ReadDataset
from mlcore.image_engine.extraction import Extraction, has_stored
from mlcore.image_engine.images import PipelineError, read_image
from mlcore.image_engine.job_runner import JobRunner
from mlcore.image_engine.noise_check import NoiseCheck
from mlcore.image_engine.run import STORED_CANNOT_PREDICT, Run, RunsTable, Shown, shown_copy
from mlcore.image_engine.state import baseline, features_facts, pipeline_state
from mlcore.image_engine.training import Training
from mlcore.jobs import Cancelled, Job, StopFlag
from mlcore.ml.in_process import InProcess
from mlcore.ml.models import mlp_from_settings
from mlcore.ml.settings import DEFAULTS

__all__ = ["DEFAULTS", "DEFAULT_FEATURES", "STORED_CANNOT_PREDICT", "ImagePipeline", "PipelineError", "read_image"]

DEFAULT_FEATURES = "efficientnet_lite0"
RETRAIN_CAPTION = f"Use {DEFAULT_FEATURES} and retrain"  # the Deployment page's way out of STORED_CANNOT_PREDICT


class ImagePipeline:
    """Dataset, features, model and results of one image classifier, with the slow steps on a worker thread."""

    def __init__(self, cache_folder=None, device=None, build_model=None, worker=None):
        # Where the torch work happens (features, training, model files): here by default; a window passes a
        # `TrainerProcess`, so that its frames never wait on torch.
        self.worker = worker if worker is not None else InProcess()
        self.cache_folder = Path(cache_folder) if cache_folder is not None else datasets.cache_dir()
        self.jobs = JobRunner(on_ended=self._ended)
        self.note = self.jobs.note  # add a line to `messages` (unless it repeats the last)
        self.extraction = Extraction(self.worker, self.cache_folder, device, self.jobs.note)
        self.training = Training(self.extraction, self.worker, build_model or mlp_from_settings, self.jobs.note)
        self.noise = NoiseCheck(self.extraction)
        self.runs = RunsTable()
        self.params = copy.deepcopy(DEFAULTS)
        self.dataset: datasets.Dataset | None = None
        self.features = None  # the FeatureSet of `dataset` now loaded, or None before Extract
        self.shown = Run()  # the results on the pages: the newest training, a run brought back, a loaded model
        self.run_shown = None  # the number of `shown` in the runs table (0 is the first), or None
        self._choice = None  # the extractor a person picked; None follows the dataset (see features_name)

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

    build_model = property(
        lambda self: self.training.build_model,
        lambda self, build: setattr(self.training, "build_model", build),
        doc="settings -> the unfitted classifier each training fits",
    )
    device = property(lambda self: self.extraction.device)
    has_stored = staticmethod(has_stored)

    # ---------------------------------------------------------------------------------------------- jobs

    job = property(lambda self: self.jobs.job, doc="The job running now, or the last one.")
    messages = property(lambda self: self.jobs.messages, doc="Every problem and notice, newest last.")

    def start_job(self, name, step, *args) -> Job:
        """Run `step(job, *args)` as the pipeline's next job (refused, with a message, while one runs)."""
        return self.jobs.start(name, step, *args)

    def stop(self):
        """Ask the running job to stop; a training keeps what it learned up to the epoch it was in."""
        self.jobs.stop()

    def load(self, spec) -> Job:
        """Load a dataset in the background (`datasets.load_dataset`); its features and model start afresh.

        `spec` is a name, a path, or a `ReadDataset` (a file read already: used as it is)."""
        return self.start_job("load", self.load_step, spec)

    def extract(self, name=None) -> Job:
        """Compute the features of every train and test image with extractor `name` (default: `features_name`)."""
        return self.start_job("extract", steps.extract, self, name)

    def train(self) -> Job:
        """Train a fresh model from `build_model(params)` on the training features, then score both sets.

        Features that are missing, or were made by another extractor than the chosen one, are extracted first,
        in the same job.
        """
        return self.start_job("train", steps.train, self)

    def predict_image(self, image_or_path) -> Job:
        """Classify a new image (an RGB array, or the path of an image file); `job.result` is [(label, p), ...]."""
        return self.start_job("predict", steps.predict_image, self, image_or_path)

    def run_all(self, spec, features=None) -> Job:
        """Load `spec`, extract (`features`, or the dataset's natural extractor), train and evaluate: one job."""
        return self.start_job("run_all", steps.run_all, self, spec, features)

    def check_noise(self, source) -> Job:
        """Every run's answers on `source` and its changed copies, in the background; `job.result` is the check.

        `source` is a dataset image as ("train" or "test", index), an RGB array, or the path of an image file.
        """
        return self.start_job("noise or bias", lambda job: self.noise.step(job, source, self.dataset, self.runs))

    def use_collection(self, collection, test_fraction=0.2, seed=0) -> Job:
        """Background: the collection, split into training and test images, becomes the dataset."""

        def step(job):
            self.set_dataset(dataset_files.split_collection(job, collection, test_fraction, seed))
            return self.dataset

        return self.start_job("load", step)

    def save_collection(self, collection, folder, extractor, test_fraction=0.2, seed=0, changes=()) -> Job:
        """Background: the collection as Marcelle files and image folders (`dataset_files.save_collection`)."""
        return self.start_job(
            "save_dataset",
            dataset_files.save_collection,
            self.extraction,
            collection,
            folder,
            extractor,
            test_fraction,
            seed,
            changes,
        )

    def export_dataset(self, path, extractor, note) -> Job:
        """Background: the dataset now loaded as one Marcelle export (`dataset_files.export_dataset`)."""
        return self.start_job(
            "export",
            lambda job: dataset_files.export_dataset(
                job, self.extraction, self.dataset, self.features, path, extractor, note
            ),
        )

    def save_model_file(self, path) -> Job:
        """Background: write the current model (with its classes and extractor) as a model file."""
        return self.start_job(
            "save_model", model_files.save_model, self.worker, path, self.model, self.trained_extractor
        )

    def load_model_file(self, path) -> Job:
        """Background: a saved model becomes the current model (scored on the dataset where it fits)."""
        return self.start_job("load_model", steps.load_model, self, Path(path))

    # ---------------------------------------------------------------------------------------------- steps

    def load_step(self, job, spec):
        """Load dataset `spec` on `job`'s thread (a step of `load`, and of a restored session)."""
        if not isinstance(spec, (str, os.PathLike)):
            raise PipelineError(f"a dataset is named by a string or a path, not {type(spec).__name__}")
        job.report(0, None, f"loading {os.fspath(spec)}")

        def progress(done, total):
            job.report(done, total, f"downloading {os.fspath(spec)}")

        try:
            if isinstance(spec, ReadDataset):  # read already, while the work it replaces went on
                dataset = spec.dataset
            else:
                dataset = load_dataset(spec, progress=progress, cancel=StopFlag(lambda: job.cancelled))
        except DownloadCancelled:
            raise Cancelled() from None
        self.set_dataset(dataset)
        return dataset

    def set_dataset(self, dataset):
        """Make `dataset` the one loaded, without features or results yet; its problems become messages."""
        self.use_data(dataset, None)
        if self._choice == "stored" and not has_stored(dataset):
            self._choice = None
            self.note(f"{dataset.name} has no stored features for every image: using {self.features_name}")
        for problem in dataset.problems:
            self.note(problem)
        self.note(
            f"loaded {dataset.name}: {len(dataset.train)} training and {len(dataset.test)} test images, "
            f"classes {', '.join(dataset.classes)}"
        )

    def use_data(self, dataset, features):
        """Make `dataset` and its FeatureSet (or None) the data now loaded; the results of other data go."""
        self.clear_results()
        self.dataset, self.features = dataset, features

    def extract_step(self, job, name=None):
        """Extract the features of the dataset now loaded on `job`'s thread (also a step of a restored session)."""
        if self.dataset is None:
            raise PipelineError("load a dataset first")
        extracted = self.extraction.of_dataset(job, self.dataset, name or self.features_name)
        self.clear_results()
        self.features = extracted
        return extracted

    def _ended(self, status):
        if self.shown.status == "running":
            self.shown.status = status

    # ---------------------------------------------------------------------------------------------- results

    def clear_results(self):
        """Forget the results shown: they belong to data or features that are about to change."""
        self.shown, self.run_shown = Run(), None

    def results(self) -> Shown:
        """The results on the pages now, to be brought back whole later (`bring_back`)."""
        return Shown(self.shown, self.run_shown)

    def bring_back(self, shown: Shown):
        """Show `shown` again (from `results`, or a run of the table), with the features it was evaluated on."""
        self.shown, self.run_shown = shown.run, shown.index
        if shown.run.features is not None:
            self.features = shown.run.features

    def model_run(self, model, extractor, feature_dim, **curves) -> Run:
        """Show `model`, one not trained here (`Run.of_model`: scored where it fits the data now loaded)."""
        self.shown = Run.of_model(model, extractor, feature_dim, self.dataset, self.features, **curves)
        self.run_shown = None
        return self.shown

    def show_run(self, index) -> bool:
        """Bring back run `index` (0 is the first): its model, curves and confusion matrices. False, with a
        message, for a run of another dataset or one that does not exist."""
        if not 0 <= index < len(self.runs):
            self.note(f"no run {index + 1}: there are {len(self.runs)}")
            return False
        run = self.runs[index]
        if run.dataset is None or run.dataset is not self.dataset:
            self.note(f"run {run.row['number']} was trained on {run.row['dataset']}, which is not loaded now")
            return False
        self.bring_back(Shown(shown_copy(run), index))
        row = run.row
        self.note(
            f"run {row['number']}: {row['features']}, hidden layers {row['hidden_layers'] or 'none'}, "
            f"{row['activation']}: its curves and confusion matrices are back"
        )
        return True

    def runs_state(self) -> list[dict]:
        """The runs table's rows, oldest first, as plain values."""
        return self.runs.rows()

    # ---------------------------------------------------------------------------------------------- reading

    model = property(lambda self: self.shown.model, doc="The model shown, or None.")
    confusion_train = property(lambda self: self.shown.confusion_train)
    confusion_test = property(lambda self: self.shown.confusion_test)
    train_accuracy = property(lambda self: self.shown.train_accuracy)
    test_accuracy = property(lambda self: self.shown.test_accuracy)
    predictions = property(lambda self: self.shown.predictions, doc="The model's answer for every image, by split.")
    training_status = property(lambda self: self.shown.status, doc='"idle", "running", "done", "cancelled"…')
    epochs_planned = property(lambda self: self.shown.epochs_planned)
    history = property(lambda self: self.shown.curves(), doc="Per-epoch loss, val_loss, accuracy, val_accuracy.")
    augmentation = property(lambda self: self.training.augmentation)
    train_features = property(lambda self: self.features.train if self.features is not None else None)
    test_features = property(lambda self: self.features.test if self.features is not None else None)
    extracted = property(
        lambda self: self.features.extractor if self.features is not None else None,
        doc="The extractor that made the features now loaded, or None.",
    )

    trained_extractor = property(
        lambda self: self.shown.trained_on if self.model is not None else None,
        doc="The extractor the model shown takes (new images go through it), or None.",
    )
    noise_check = property(
        lambda self: self.noise.last(self.dataset),
        doc="The last noise-or-bias check, if it was made on the dataset loaded now; else None.",
    )

    def test_errors(self) -> list[dict]:
        """The model's wrong answers on the test set, grouped by (true, predicted), largest group first."""
        return self.noise.test_errors(self.dataset, self.predictions.get("test"))

    def noise_state(self) -> dict:
        return self.noise.state(self.dataset, self.predictions.get("test"), self.run_shown)

    def predict_sample(self, split, index) -> list[tuple[str, float]]:
        """The model's answer for one dataset image, from its features: [(label, p), ...], likeliest first (`[]`
        with no model, or with a message for a split or index that does not exist)."""
        return self.shown.answer(split, index, self.note)

    def cell_members(self, split, row, col) -> list[int]:
        """Indices of the `split` images counted in confusion cell (row, col) of the last evaluation."""
        return self.shown.cell_members(split, row, col)

    def baseline(self) -> dict:
        """The random baseline of the test set (of the training set when there are no test images)."""
        return baseline(self.dataset)

    def features_facts(self) -> dict:
        """The chosen extractor: its name, its vectors' width, where they were computed, whether they are ready."""
        return features_facts(self.features_name, self.dataset, self.features)

    def state(self) -> dict:
        """Everything a screen or a script reports, as plain JSON-ready values (lists, not arrays)."""
        return pipeline_state(self)
