"""ml5's `neuralNetwork` in Python: `add_data`, `train`, `classify`, `predict`.

    network = NeuralNetwork(task="classification", hidden_layers=[16], activation="relu")
    network.add_data([x, y], "C")
    network.train(200, epoch_done)      # returns at once; the training runs in the background
    ...                                 # every frame: network.update() calls epoch_done(epoch, logs) as epochs end
    network.classify([x, y])            # [("C", 0.93), ("E", 0.05), …] once network.trained

For regression (`task="regression"`) the output is a number and `predict([x, y])` returns it. In a notebook,
`network.train(50).wait()` blocks until the training ends (and calls the hooks on the way).

Training, saving and loading run on a thread, through the network's `worker`: by default `InProcess()` (torch in
this process); a window hands its networks a `TrainerProcess` instead (`mlcore.ml.trainer_process`: the note
canvas sets `network.worker` when it is given the network), and the trained network comes back as numpy arrays,
so that the window showing it never loads torch.

The hooks run on the thread that calls `update()` (a sketch's frame loop), never on the training thread, so a
student's `print` or a change to a global happens where the student expects, between two frames.
"""

import queue
import time

import numpy as np

from mlcore.jobs import Job
from mlcore.ml.in_process import InProcess
from mlcore.ml.models import MLPClassifier, MLPRegressor, ranked

TASKS = {"classification": MLPClassifier, "regression": MLPRegressor}
MODEL_INPUTS = "canvas"  # what a saved network's inputs are, in its model file (an image model's is its extractor)


class NetworkFileError(ValueError):
    """A model file made for something else than this network; the message says what, for the screen."""


WAITING = "T: training starts when the network library is ready…"  # the top bar, until torch is loaded


class NeuralNetwork:
    """A small network, its data, and its training in the background.

    `worker` trains, saves and loads (`InProcess()` when None); it may be set later, before `train`."""

    def __init__(self, task="classification", hidden_layers=(16,), activation="relu", learning_rate=0.05,
                 batch_size=16, validation_split=0.2, input_bounds=None, seed=None, worker=None):
        if task not in TASKS:
            raise ValueError(f"task must be 'classification' or 'regression', not {task!r}")
        self.task = task
        self.options = dict(hidden_layers=list(hidden_layers), activation=activation, learning_rate=learning_rate,
                            batch_size=batch_size, validation_split=validation_split, input_bounds=input_bounds,
                            seed=seed)
        TASKS[task](**self.options)  # a bad option (an unknown activation…) is refused now, not in the background
        self.worker = worker if worker is not None else InProcess()
        self.inputs, self.outputs = [], []
        self.epochs = None
        self.seconds = None      # wall time from `train` to the trained network
        self.model = None        # the trained model, once a training has finished
        self.job = None
        self.file_job = None     # saving or loading a model file
        self.history = {}        # per-epoch loss and metrics of the latest training, growing while it runs
        self._epoch_hook = self._done_hook = None
        self._progress = queue.SimpleQueue()

    def add_data(self, inputs, output):
        """One example: a list of input numbers and the output it should give."""
        self.inputs.append([float(value) for value in inputs])
        self.outputs.append(output)

    def train(self, epochs, epoch_done=None, done=None):
        """Train a fresh network on a copy of the data, in the background; returns self.

        `epoch_done(epoch, logs)` runs after every epoch and `done()` once at the end, both from `update()`.
        """
        if len(self.inputs) < 2:
            raise ValueError("add at least two examples with add_data before training")
        self.stop()
        self._started = time.perf_counter()
        self.epochs = epochs
        self.history = history = {}
        self._epoch_hook, self._done_hook = epoch_done, done
        model, worker = TASKS[self.task](epochs=epochs, **self.options), self.worker
        inputs, outputs, progress = np.array(self.inputs), list(self.outputs), self._progress

        def work(job):
            def epoch_ended(epoch, logs):
                for key, value in logs.items():
                    history.setdefault(key, []).append(value)
                progress.put((epoch, dict(logs)))
                job.report(epoch)

            job.report(0, epochs, WAITING)
            return worker.fit(model, inputs, outputs, on_epoch=epoch_ended, should_stop=lambda: job.cancelled,
                              on_wait=lambda seconds: job.report(0, epochs, f"{WAITING} {seconds} s"))

        self.job = Job("training", work).start()
        return self

    def update(self):
        """Call the hooks for what happened since the last call; True the moment the trained network is ready."""
        loading = self.file_job
        if loading is not None and loading.name == "loading" and loading.status == "done" and not loading.taken:
            loading.taken = True
            self.model = loading.result  # a loaded network predicts at once
        while True:
            try:
                epoch, logs = self._progress.get_nowait()
            except queue.Empty:
                break
            if self._epoch_hook is not None:
                self._epoch_hook(epoch, logs)
        job = self.job
        if job is None or job.status != "done" or self.model is job.result:
            return False
        self.model = job.result
        self.seconds = time.perf_counter() - self._started
        if self._done_hook is not None:
            self._done_hook()
        return True

    def save(self, path):
        """Write the trained network (weights and settings) to a model file, in the background (ml5's `save`)."""
        if self.model is None:
            raise NetworkFileError("train the network before saving it")
        model, worker = self.model, self.worker

        def work(job):
            return worker.save_model(path, model, extractor=MODEL_INPUTS)

        self.file_job = Job("saving", work).start()
        return self

    def load(self, path):
        """Read a network saved by `save`, in the background; it predicts from the next `update` (ml5's `load`).

        A file made for another task or another shape of network is refused with a message (`file_job.error`).
        """
        worker, wanted = self.worker, self

        def work(job):
            model, metadata = worker.load_model(path)
            wanted._check_file(metadata)
            return model

        self.file_job = Job("loading", work)
        self.file_job.taken = False
        self.file_job.start()
        return self

    def _check_file(self, metadata):
        made_for = metadata["params"]
        if metadata["extractor"] != MODEL_INPUTS:
            raise NetworkFileError(f"made for images ({metadata['extractor']} features), not for this canvas")
        if metadata["task"] != self.task:
            raise NetworkFileError(f"made for {metadata['task']}, not {self.task}")
        mine = (self.options["hidden_layers"], self.options["activation"])
        if (made_for["hidden_layers"], made_for["activation"]) != mine:
            raise NetworkFileError(f"a network of hidden layers {made_for['hidden_layers']} "
                                   f"({made_for['activation']}), not {mine[0]} ({mine[1]}) as this sketch builds")

    def wait(self):
        """Block until the training ends, calling the hooks on the way (for notebooks and scripts)."""
        if self.job is not None:
            while self.job.wait(0.05) == "running":
                self.update()
            self.update()
        return self

    def same_shape(self, other):
        """True when `other` has this network's task, hidden layers and activation (its training knobs may differ)."""
        return (other is not None and other.task == self.task
                and other.options["hidden_layers"] == self.options["hidden_layers"]
                and other.options["activation"] == self.options["activation"])

    def carry_over(self, old):
        """After the sketch's file is reloaded: take over `old`'s data, training and trained model when both have
        the same shape; otherwise stop `old`'s training and stay new."""
        if not self.same_shape(old):
            old.stop()
            return False
        for name in ("inputs", "outputs", "epochs", "seconds", "model", "job", "history", "_epoch_hook",
                     "_done_hook", "_progress", "_started"):
            if hasattr(old, name):
                setattr(self, name, getattr(old, name))
        return True

    def stop(self):
        """Stop a running training (the network stays untrained)."""
        if self.job is not None and self.job.running:
            self.job.cancel()

    @property
    def training(self):
        """True from `train` until `update` hands over the trained network (or the training stops)."""
        job = self.job
        return job is not None and (job.running or (job.status == "done" and self.model is not job.result))

    @property
    def trained(self):
        return self.model is not None

    def summary(self):
        """The network's layers, each {"units", "activation", "parameters"}: the trained one's, or while it
        trains the one being built ([] before `train`)."""
        if self.model is not None:
            return self.model.summary()
        if self.epochs is None or not self.inputs:
            return []
        model = TASKS[self.task]
        outputs = len(set(self.outputs)) if self.task == "classification" else 1
        units = [len(self.inputs[0]), *self.options["hidden_layers"], outputs]
        activations = [self.options["activation"]] * len(self.options["hidden_layers"]) + [model.OUTPUT]
        return [{"units": width, "activation": activation, "parameters": (before + 1) * width}
                for before, width, activation in zip(units, units[1:], activations)]

    @property
    def split_counts(self):
        """(training, validation) sample counts of the trained network."""
        return getattr(self.model, "split_counts_", None)

    def classify(self, inputs):
        """Labels with their confidence, most likely first, for one list of inputs."""
        return ranked(self.model, self.model.predict_proba([inputs])[0])

    def predict(self, inputs):
        """The predicted number for one list of inputs (regression)."""
        return float(self.model.predict([inputs])[0])
