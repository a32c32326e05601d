"""ml5's `neuralNetwork` in Python: `add_data`, `train`, `classify`, `predict`.

    network = NeuralNetwork(task="classification", hidden_layers=[16])
    network.add_data([x, y], "C")
    job = network.train(epochs=200)     # returns at once; the training runs in the background
    ...                                 # every frame: job.status, job.done / job.total, network.history
    network.classify([x, y])            # [("C", 0.93), ("E", 0.05), …]

For regression (`task="regression"`) the output is a number and `predict([x, y])` returns it.
"""

import numpy as np

from mlcore.ml.models import MLPClassifier, MLPRegressor
from mlcore.jobs import Job


class NeuralNetwork:
    """A small network, its data, and its training job."""

    def __init__(self, task="classification", hidden_layers=(16,), learning_rate=0.05, batch_size=16,
                 validation_split=0.2, input_bounds=None, seed=None):
        if task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression', not {task!r}")
        self.task = task
        self.options = dict(hidden_layers=list(hidden_layers), learning_rate=learning_rate, batch_size=batch_size,
                            validation_split=validation_split, input_bounds=input_bounds, seed=seed)
        self.inputs, self.outputs = [], []
        self.model = None  # the trained model, once a training has finished
        self.job = None

    def add_data(self, inputs, output):
        """One example: a list of input numbers and the output it should give."""
        self.inputs.append([float(value) for value in inputs])
        self.outputs.append(output)

    def train(self, epochs):
        """Train a fresh network on a copy of the data, in the background. Returns the `Job`."""
        model_class = MLPClassifier if self.task == "classification" else MLPRegressor
        model = model_class(epochs=epochs, **self.options)
        inputs, outputs = np.array(self.inputs), list(self.outputs)

        def work(job):
            job.report(0, epochs, "loading torch…")
            import torch  # noqa: F401  (first use: seconds, off the draw loop)

            job.report(0, epochs, "training")
            model.fit(inputs, outputs, on_epoch=lambda epoch, logs: job.report(epoch),
                      should_stop=lambda: job.cancelled)
            return model

        self.job = Job("training", work)
        self.job.model = model
        return self.job.start()

    @property
    def history(self):
        """Per-epoch loss and metrics of the latest training, growing while it runs."""
        model = self.job.model if self.job else self.model
        return getattr(model, "history_", {})

    def finish_training(self):
        """Take the trained model once the job is done; returns True the moment that happens."""
        if self.job and self.job.status == "done" and self.model is not self.job.result:
            self.model = self.job.result
            return True
        return False

    def reset(self):
        """Forget the trained network (and stop a running training); the data stays."""
        if self.job and self.job.running:
            self.job.cancel()
        self.job = None
        self.model = None

    def classify(self, inputs):
        """Labels with their confidence, most likely first, for one list of inputs."""
        probabilities = self.model.predict_proba([inputs])[0]
        order = np.argsort(-probabilities)
        return [(self.model.classes_[i], float(probabilities[i])) for i in order]

    def predict(self, inputs):
        """The predicted number for one list of inputs (regression)."""
        return float(self.model.predict([inputs])[0])
