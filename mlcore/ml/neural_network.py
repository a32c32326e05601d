"""ml5's `neuralNetwork` in Python: `add_data`, `train`, `classify`, `predict`.

    network = NeuralNetwork(task="classification", hidden_layers=[16], activation="relu")
    network.add_data([x, y], "C")
    network.train(200, epoch_done)      # returns at once; the training runs in the background
    ...                                 # every frame: network.update() calls epoch_done(epoch, logs) as epochs end
    network.classify([x, y])            # [("C", 0.93), ("E", 0.05), …] once network.trained

For regression (`task="regression"`) the output is a number and `predict([x, y])` returns it; as in ml5, an output
may also be a list of numbers (`add_data([x, y], [hz, volume])`), and `predict` then returns a list as long. In a
notebook, `network.train(50).wait()` blocks until the training ends (and calls the hooks on the way); a training that
failed raises `TrainingFailed` there, with its message.

A bad option (`activation="softmax"`, `learning_rate=-1`) does not stop the network being made: it keeps the data
it is given, `problem` says what is wrong in one sentence, and `train` refuses with that sentence. `classify` and
`predict` before a training ended say "train the network first".

Training, saving and loading run on a thread, through the network's `worker`: by default `InProcess()` (torch in
this process); a window hands its networks a `TrainerProcess` instead (`mlcore.ml.trainer_process`: the note
canvas sets `network.worker` when it is given the network), and the trained network comes back as numpy arrays,
so that the window showing it never loads torch.

The hooks run on the thread that calls `update()` (a sketch's frame loop), never on the training thread, so a
student's `print` or a change to a global happens where the student expects, between two frames.
"""

import itertools
import queue
import time

import numpy as np

from mlcore.jobs import Job
from mlcore.ml.in_process import InProcess
from mlcore.ml.models import MLPClassifier, MLPRegressor, ranked
from mlcore.ml.settings import SettingError, problem

TASKS = {"classification": MLPClassifier, "regression": MLPRegressor}
MODEL_INPUTS = "canvas"  # what a saved network's inputs are, in its model file (an image model's is its extractor)


class NetworkFileError(ValueError):
    """A model file made for something else than this network; the message says what, for the screen."""


class TrainingFailed(RuntimeError):
    """`wait()` on a training that failed; the message is the training's own."""


class NotTrained(RuntimeError):
    """`classify` or `predict` asked of a network that has not finished a training yet."""


def _options_problem(options):
    """The first bad option, in one sentence that names it, or None."""
    for key in ("hidden_layers", "activation", "learning_rate", "batch_size", "validation_split"):
        found = problem(key, key, options[key])
        if found:
            return found
    return None


def _layers(hidden_layers):
    """A list of the hidden layers' sizes (ml5's `hiddenUnits: 16` means one layer of 16), or the value itself
    when it is none (the network's `problem` then says so)."""
    if isinstance(hidden_layers, int) and not isinstance(hidden_layers, bool):
        return [hidden_layers]
    return list(hidden_layers) if isinstance(hidden_layers, (list, tuple)) else hidden_layers


WAITING = "T: training starts when the network library is ready…"  # the top bar, until torch is loaded


class NeuralNetwork:
    """A small network, its data, and its training in the background.

    `worker` trains, saves and loads (`InProcess()` when None); it may be set later, before `train`."""

    def __init__(
        self,
        task="classification",
        hidden_layers=(16,),
        activation="relu",
        learning_rate=0.05,
        batch_size=16,
        validation_split=0.2,
        input_bounds=None,
        seed=None,
        worker=None,
    ):
        if task not in TASKS:
            raise ValueError(f"task must be 'classification' or 'regression', not {task!r}")
        self.task = task
        self.options = dict(
            hidden_layers=_layers(hidden_layers),
            activation=activation,
            learning_rate=learning_rate,
            batch_size=batch_size,
            validation_split=validation_split,
            input_bounds=input_bounds,
            seed=seed,
        )
        self.problem = _options_problem(self.options)  # `train` refuses with it; the data is collected all the same
        self.worker = worker if worker is not None else InProcess()
        self.inputs, self.outputs = [], []
        self._width, self._regression = None, task == "regression"  # for add_data, called 100,000 times in a frame
        self.epochs = None
        self.seconds = None  # wall time from `train` to the trained network
        self.model = None  # the trained model, once a training has finished
        self.job = None
        self.file_job = None  # saving or loading a model file
        self.history = {}  # per-epoch loss and metrics of the latest training, growing while it runs
        self._epoch_hook = self._done_hook = None
        self._unannounced = False  # a trained model taken before `update` said so
        self._progress = queue.SimpleQueue()

    def add_data(self, inputs, output):
        """One example: a list of input numbers and the output it should give.

        Classification: the output is a label (`network.add_data([x, y], "C")`). Regression: a number
        (`add_data([x, y], 261.63)`), or a list of numbers for several outputs (`add_data([x, y], [261.63, 0.8])`,
        then `predict` returns two numbers); every example gives as many."""
        if type(inputs) not in _SEQUENCES:
            _check_inputs(inputs)  # raises: not a list
        example = tuple(inputs)  # a copy: the caller's list may change afterwards
        for value in example:  # written out, not a helper: a sketch adds 100,000 examples in one frame
            if type(value) not in _PLAIN_NUMBERS:
                _check_inputs(inputs)  # the quick test passes floats and ints; this one every kind of number
                break
        if len(example) != self._width:
            self._width = self._checked_width(example)
        if self._regression:
            _check_target(output, self.outputs[0] if self.outputs else None)
            output = [float(value) for value in output] if isinstance(output, (list, tuple)) else output
        self.inputs.append(example)
        self.outputs.append(output)

    def _checked_width(self, example):
        """The number of inputs every example has: the first one's."""
        if self.inputs and len(example) != len(self.inputs[0]):
            raise ValueError(
                f"add_data: every example has as many inputs as the first ({len(self.inputs[0])}), not {len(example)}"
            )
        return len(example)

    def train(self, epochs, epoch_done=None, done=None):
        """Train a fresh network on a copy of the data, in the background; returns self.

        `epoch_done(epoch, logs)` runs after every epoch and `done()` once at the end, both from `update()`.
        """
        if len(self.inputs) < 2:
            raise ValueError("add at least two examples with add_data before training")
        refused = self.problem or problem("epochs", "epochs", epochs)
        if refused:
            raise SettingError(refused)
        self.stop()
        self._started = time.perf_counter()
        self.epochs = epochs
        self.history = history = {}
        self._epoch_hook, self._done_hook = epoch_done, done
        model, worker = TASKS[self.task](epochs=epochs, **self.options), self.worker
        examples, outputs, progress = list(self.inputs), list(self.outputs), self._progress

        def work(job):
            inputs = _as_array(examples)

            def epoch_ended(epoch, logs):
                for key, value in logs.items():
                    history.setdefault(key, []).append(value)
                progress.put((epoch, dict(logs)))
                job.report(epoch)

            job.report(0, epochs, WAITING)
            return worker.fit(
                model,
                inputs,
                outputs,
                on_epoch=epoch_ended,
                should_stop=lambda: job.cancelled,
                on_wait=lambda seconds: job.report(0, epochs, f"{WAITING} {seconds} s"),
            )

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
                try:
                    self._epoch_hook(epoch, logs)
                except BaseException as stopped:
                    if not isinstance(stopped, Exception):  # stopped from outside (an endless loop in the hook):
                        self._epoch_hook = None  # not called again in this training
                    raise
        self._take_trained()
        if not self._unannounced:
            return False
        self._unannounced = False
        if self._done_hook is not None:
            self._done_hook()
        return True

    def _take_trained(self):
        """The trained model, taken the moment the training's job has ended (the network predicts at once, in the
        same frame); True when it was taken now. `seconds` runs until then."""
        job = self.job
        if job is None or job.status != "done" or self.model is job.result:
            return False
        self.model = job.result
        self.seconds = job.finished_at - self._started
        self._unannounced = True  # `update` says so once
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
            raise NetworkFileError(
                f"a network of hidden layers {made_for['hidden_layers']} "
                f"({made_for['activation']}), not {mine[0]} ({mine[1]}) as this sketch builds"
            )

    def wait(self):
        """Block until the training ends, calling the hooks on the way (for notebooks and scripts); returns self.

        A training that failed raises `TrainingFailed` with its message (`network.train(50).wait()` then stops the
        script where it went wrong, not at the first `classify`)."""
        if self.job is not None:
            while self.job.wait(0.05) == "running":
                self.update()
            self.update()
            if self.job.status == "failed":
                raise TrainingFailed(f"the training failed: {self.job.error}")
        return self

    def same_shape(self, other):
        """True when `other` has this network's task, hidden layers and activation (its training knobs may differ)."""
        return (
            other is not None
            and other.task == self.task
            and other.options["hidden_layers"] == self.options["hidden_layers"]
            and other.options["activation"] == self.options["activation"]
        )

    def carry_over(self, old):
        """After the sketch's file is reloaded: take over `old`'s data, training and trained model when both have
        the same shape; otherwise stop `old`'s training and stay new."""
        if not self.same_shape(old):
            old.stop()
            return False
        for name in (
            "inputs",
            "outputs",
            "epochs",
            "seconds",
            "model",
            "job",
            "history",
            "_epoch_hook",
            "_done_hook",
            "_progress",
            "_started",
        ):
            if hasattr(old, name):
                setattr(self, name, getattr(old, name))
        return True

    def stop(self):
        """Stop a running training (the network stays untrained)."""
        if self.job is not None and self.job.running:
            self.job.cancel()

    @property
    def training(self):
        """True from `train` until the trained network is there (or the training stops)."""
        self._take_trained()
        return self.job is not None and self.job.running

    @property
    def trained(self):
        self._take_trained()
        return self.model is not None

    def summary(self):
        """The network's layers, each {"units", "activation", "parameters"}: the trained one's, or while it
        trains the one being built ([] before `train`)."""
        if self.model is not None:
            return self.model.summary()
        if self.epochs is None or not self.inputs:
            return []
        model = TASKS[self.task]
        outputs = self._output_count()
        units = [len(self.inputs[0]), *self.options["hidden_layers"], outputs]
        activations = [self.options["activation"]] * len(self.options["hidden_layers"]) + [model.OUTPUT]
        return [
            {"units": width, "activation": activation, "parameters": (before + 1) * width}
            for before, width, activation in zip(units, units[1:], activations)
        ]

    def _output_count(self):
        """The output layer's width: the labels met so far (classification), or the numbers per example; counted
        again only when examples were added (the popup asks every frame, of thousands of examples)."""
        if getattr(self, "_outputs_counted", (None,))[0] != len(self.outputs):
            width = len(set(self.outputs)) if self.task == "classification" else len(np.atleast_1d(self.outputs[0]))
            self._outputs_counted = (len(self.outputs), width)
        return self._outputs_counted[1]

    @property
    def split_counts(self):
        """(training, validation) sample counts of the trained network."""
        return getattr(self.model, "split_counts_", None)

    def classify(self, inputs):
        """Labels with their confidence, most likely first, for one list of inputs:
        `network.classify([x, y])` → `[("C", 0.93), ("E", 0.05), …]`."""
        self._ready("classify", "classification", "predict")
        return ranked(self.model, self.model.predict_proba([inputs])[0])

    def predict(self, inputs):
        """The predicted number for one list of inputs (regression): `network.predict([x, y])` → `347.2`; a
        network taught lists of numbers answers a list as long (`[347.2, 0.8]`)."""
        self._ready("predict", "regression", "classify")
        values = self.model.predict([inputs])[0]
        return float(values) if np.ndim(values) == 0 else [float(value) for value in values]

    def _ready(self, verb, task, other):
        if self.task != task:
            raise NotTrained(f"{verb} is for a {task} network; this one is a {self.task}: use {other}")
        if not self.trained:
            raise NotTrained(f"{verb}: train the network first (train, then wait until network.trained is True)")


_SEQUENCES = frozenset({list, tuple})
_PLAIN_NUMBERS = frozenset({int, float, np.float64, np.float32})  # the kinds of number nearly every example holds


def _as_array(examples, chunk=5_000):
    """The examples as one array of floats, converted a chunk at a time: while a training thread converts 100,000
    examples, the window's thread draws its frames between the chunks."""
    array = np.empty((len(examples), len(examples[0])))
    for start in range(0, len(examples), chunk):
        part = examples[start : start + chunk]
        array[start : start + len(part)] = np.fromiter(
            itertools.chain.from_iterable(part), dtype=float, count=array.shape[1] * len(part)
        ).reshape(len(part), -1)
    return array


def _check_inputs(inputs):
    if not isinstance(inputs, (list, tuple)) or not all(_is_number(value) for value in inputs):
        raise TypeError(f"add_data(inputs, output): inputs is a list of numbers, like [x, y] (not {inputs!r})")


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_target(output, first):
    """A regression's output: a number, or a list of numbers as long as the first example's."""
    numbers = output if isinstance(output, (list, tuple)) else [output]
    if not numbers or not all(_is_number(value) for value in numbers):
        raise TypeError(
            f"add_data(inputs, output): a regression's output is a number or a list of numbers, "
            f"like 261.63 or [261.63, 0.8] (not {output!r})"
        )
    if first is not None and (np.ndim(first) != np.ndim(output) or len(np.atleast_1d(first)) != len(numbers)):
        raise ValueError(
            f"add_data: every example gives as many output numbers as the first "
            f"({len(np.atleast_1d(first))}), not {len(numbers)}"
        )
