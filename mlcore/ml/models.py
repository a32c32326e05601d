"""Small neural networks (multi-layer perceptrons), in scikit-learn's vocabulary.

    model = MLPClassifier(hidden_layers=[16], epochs=200).fit(X, y)
    model.predict(X_new), model.predict_proba(X_new), model.history_["loss"]

The network is a torch.nn.Sequential (it predicts, is saved and loaded as torch's); its training arithmetic is
numpy's, on the same weights (mlcore.ml.backprop says why). The training loop is the whole story in a few lines:
forward and backward, step, record. `fit` takes an `on_epoch(epoch, logs)` callback (the sketches draw their live
curves from it) and a `should_stop()` check (the Stop button). torch is imported inside the methods, so importing
this module is instant.
"""

import math
import threading

import numpy as np

from mlcore.ml.adam import Adam
from mlcore.ml.backprop import ArrayNetwork
from mlcore.ml.numpy_mlp import softmax
from mlcore.ml.scaling import MinMaxScaler

ACTIVATIONS = ("relu", "tanh", "sigmoid")  # the hidden layers' choices ml5 offers


def split_validation(labels, fraction, rng, stratify=True, groups=None):
    """Indices (train, validation): `fraction` of each class held out, never a class's last training sample.

    `groups`: one id per sample; samples sharing one (an image and its augmented copies) are held out together,
    split as their first members alone would be, so no copy of a validation image is trained on.
    """
    labels = np.asarray(labels)
    if labels.ndim > 1:  # several outputs (a regression of [a, b]): each distinct row is one value
        labels = np.unique(labels, axis=0, return_inverse=True)[1].ravel()
    if groups is not None:
        groups = np.asarray(groups)
        first = np.unique(groups, return_index=True)[1]
        _, held = split_validation(labels[first], fraction, rng, stratify)
        held = np.flatnonzero(np.isin(groups, groups[first[held]]))
        return np.setdiff1d(np.arange(len(labels)), held), held
    count = len(labels)
    if fraction <= 0 or count < 5:
        return np.arange(count), np.arange(0)
    groups = [np.flatnonzero(labels == value) for value in np.unique(labels)] if stratify else [np.arange(count)]
    held = []
    for members in groups:
        take = min(int(round(len(members) * fraction)), len(members) - 1)
        held.extend(rng.permutation(members)[:take])
    if not held and stratify:  # every value its own (regression on free targets): a plain random split
        return split_validation(labels, fraction, rng, stratify=False)
    held = np.sort(np.array(held, dtype=int))
    return np.setdiff1d(np.arange(count), held), held


class _MLP:
    """What the classifier and the regressor share: the network, the loop, the history."""

    def __init__(
        self,
        hidden_layers=(16,),
        activation="relu",
        learning_rate=0.01,
        epochs=200,
        batch_size=32,
        validation_split=0.0,
        normalize_inputs=True,
        input_bounds=None,
        seed=None,
        device="cpu",
        dropout=0.0,
    ):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, not {activation!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be at least 0 and below 1, not {dropout!r}")
        self.hidden_layers = list(hidden_layers)
        self.activation = activation
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.normalize_inputs = normalize_inputs
        self.input_bounds = input_bounds
        self.seed = seed
        self.device = device
        self._lock = threading.Lock()  # predictions from the draw loop never see half an optimiser step

    def settings(self):
        """The constructor's arguments as plain values: `type(model)(**model.settings())` is the same network
        untrained (how a training is handed to another process)."""
        return {
            "hidden_layers": list(self.hidden_layers),
            "activation": self.activation,
            "dropout": self.dropout,
            "learning_rate": self.learning_rate,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "validation_split": self.validation_split,
            "normalize_inputs": self.normalize_inputs,
            "input_bounds": self.input_bounds,
            "seed": self.seed,
            "device": self.device,
        }

    # -- what the two tasks do differently -------------------------------------------------------------------
    def _outputs(self):
        raise NotImplementedError

    def _prepare_targets(self, y):
        raise NotImplementedError

    def _training_targets(self, targets):
        """The targets as the last layer's gradient compares them with the prediction."""
        return targets

    def _last_delta(self, prediction, target):
        """∂loss/∂z of the last Linear layer's output z, for one batch (see mlcore.ml.backprop)."""
        raise NotImplementedError

    def _per_sample(self, output, target):
        """The loss and the metric of each sample, as a (2, N) numpy array in `LOGS` order."""
        raise NotImplementedError

    def _output_activation(self, torch):
        return []

    OUTPUT = "linear"  # the last layer's activation when the network has none after it (softmax is in the loss)

    def summary(self):
        """The trained network's layers: units, activation and parameter count of each, as a list of dicts."""
        import torch

        modules = list(self.network_)
        layers = []
        for index, module in enumerate(modules):
            if isinstance(module, torch.nn.Linear):
                following = modules[index + 1] if index + 1 < len(modules) else None
                activation = type(following).__name__.lower() if following is not None else self.OUTPUT
                layers.append(
                    {
                        "units": module.out_features,
                        "activation": activation,
                        "parameters": sum(p.numel() for p in module.parameters()),
                    }
                )
        return layers

    # -- the network ------------------------------------------------------------------------------------------
    def _build(self, inputs):
        import torch

        generator = torch.Generator().manual_seed(self._seed)
        activation = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[self.activation]
        layers, width = [], inputs
        for units in self.hidden_layers:
            layers += [torch.nn.Linear(width, units), activation()]
            if self.dropout:  # while training, a random share of each hidden layer's outputs is switched off
                layers.append(torch.nn.Dropout(self.dropout))
            width = units
        layers.append(torch.nn.Linear(width, self._outputs()))
        layers += self._output_activation(torch)
        network = torch.nn.Sequential(*layers).eval()  # it predicts: ArrayNetwork does the training's dropout
        for layer in network:
            if isinstance(layer, torch.nn.Linear):  # torch's default initialisation, drawn from our generator
                bound = 1 / math.sqrt(layer.in_features)
                torch.nn.init.uniform_(layer.weight, -bound, bound, generator=generator)
                torch.nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        return network.to(self.device)

    def _scaled(self, X):
        """The inputs as the network takes them: float32, scaled as the training data was."""
        X = np.asarray(X, dtype=np.float64)
        if self.normalize_inputs:
            X = self.input_scaler_.transform(X)
        return X.astype(np.float32)

    def _inputs(self, X):
        import torch

        return torch.as_tensor(self._scaled(X), device=self.device)

    def fit(self, X, y, on_epoch=None, should_stop=None, groups=None):
        """Train a fresh network on X (n_samples × n_features) and y; returns self. `groups`: see split_validation."""
        X = np.asarray(X, dtype=np.float64)
        self._seed = self.seed if self.seed is not None else int(np.random.SeedSequence().entropy % 2**31)
        rng = np.random.default_rng(self._seed)
        bounds = X if self.input_bounds is None else np.asarray(self.input_bounds, dtype=np.float64)
        self.input_scaler_ = MinMaxScaler().fit(bounds) if self.normalize_inputs else None
        targets = self._prepare_targets(y)
        train, held = split_validation(np.asarray(y), self.validation_split, rng, self._stratify, groups)
        self.split_counts_ = (len(train), len(held))
        inputs = self._scaled(X)
        self.network_ = self._build(X.shape[1]).cpu()  # trained on the CPU, where a network this small is fastest
        network = ArrayNetwork(self.network_)  # the same weights, seen by numpy
        optimizer = Adam(network.values, network.grads, lr=self.learning_rate)
        train_inputs, train_targets = inputs[train], self._training_targets(targets)[train]
        self.history_ = {}
        for epoch in range(1, self.epochs + 1):
            self._train_epoch(network, optimizer, train_inputs, train_targets, rng)
            logs = self._epoch_logs(network, inputs, targets, train, held)
            for key, value in logs.items():
                self.history_.setdefault(key, []).append(value)
            self.epochs_done_ = epoch
            if on_epoch is not None:
                on_epoch(epoch, logs)
            if should_stop is not None and should_stop():
                break
        self.network_.to(self.device)
        return self

    def _train_epoch(self, network, optimizer, inputs, targets, rng):
        """One pass over the training samples in a new random order, a batch at a time."""
        order = rng.permutation(len(inputs))
        inputs, targets = inputs[order], targets[order]  # shuffled once: the batches are then plain slices
        for start in range(0, len(inputs), self.batch_size):
            end = start + self.batch_size
            with self._lock:  # predictions from another thread never see half a step
                network.fill_gradients(inputs[start:end], targets[start:end], self._last_delta, rng)
                optimizer.step()

    def _epoch_logs(self, network, inputs, targets, train, held):
        """Loss and metric of the training and the validation parts (index arrays), from one forward pass over
        every sample."""
        with self._lock:
            values = self._per_sample(network.predict(inputs), targets)
        logs = {}
        for prefix, rows in (("", train), ("val_", held)):
            if len(rows):
                means = values[:, rows].mean(axis=1, dtype=np.float64)
                logs.update({prefix + key: float(mean) for key, mean in zip(self.LOGS, means)})
        return logs

    def _forward(self, X):
        import torch

        with torch.no_grad(), self._lock:
            return self.network_(self._inputs(X))


class MLPClassifier(_MLP):
    """Softmax over the classes seen in `fit`; cross-entropy loss; Adam."""

    _stratify = True
    OUTPUT = "softmax"

    def _outputs(self):
        return len(self.classes_)

    def _prepare_targets(self, y):
        self.classes_ = sorted(set(y))
        index = {label: i for i, label in enumerate(self.classes_)}
        return np.array([index[label] for label in y], dtype=np.int64)

    def _training_targets(self, targets):
        return np.eye(len(self.classes_), dtype=np.float32)[targets]  # one-hot rows

    def _last_delta(self, prediction, target):
        # Cross-entropy of the softmax, averaged over the batch: (softmax(z) − one-hot target) / samples.
        return (softmax(prediction) - target) / len(prediction)

    LOGS = ("loss", "accuracy")

    def _per_sample(self, output, target):
        shifted = output - output.max(axis=1, keepdims=True)
        log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses = -log_probabilities[np.arange(len(target)), target]
        return np.stack([losses, output.argmax(axis=1) == target])

    def predict_proba(self, X):
        """Probability of each class in `classes_` order, one row per sample."""
        import torch

        return torch.softmax(self._forward(X), dim=1).cpu().numpy()

    def predict(self, X):
        """The most likely class of each sample."""
        return [self.classes_[i] for i in self.predict_proba(X).argmax(axis=1)]


class MLPRegressor(_MLP):
    """Numbers out, bounded as ml5 bounds them: a sigmoid scaled to the training targets' min–max, per output.

    `y` is one number per sample (one output: `predict` gives one number per sample) or a row of k numbers per
    sample (k outputs: `predict` gives an n × k array). A prediction far from every sample stays between the lowest
    and the highest target the network was shown, instead of running off to any number. The loss is the
    cross-entropy of the scaled targets, whose gradient does not fade near the ends of the range as a squared
    error's would through the sigmoid: the lowest and the highest pitch are learnt as fast as those between. The
    validation part is held out per distinct target (per note).
    """

    _stratify = True
    OUTPUT = "sigmoid"

    def _outputs(self):
        return len(np.atleast_1d(self.target_scaler_.min_))

    def _output_activation(self, torch):
        return [torch.nn.Sigmoid()]

    def _prepare_targets(self, y):
        y = np.asarray(y, dtype=np.float64)
        if y.ndim not in (1, 2) or y.shape[-1] == 0:
            raise ValueError("regression targets are one number per sample, or one list of numbers per sample")
        self.target_scaler_ = MinMaxScaler().fit(y)
        scaled = self.target_scaler_.transform(y)
        return (scaled[:, None] if y.ndim == 1 else scaled).astype(np.float32)

    def _last_delta(self, prediction, target):
        # Binary cross-entropy of the sigmoid, averaged over every output of the batch: (sigmoid(z) − target) / count.
        return (prediction - target) / prediction.size

    LOGS = ("loss", "mean_error")

    def _per_sample(self, output, target):
        # Mean error in the targets' own units (Hz for the notes) says more than the MSE of scaled values.
        ranges = np.atleast_1d(self.target_scaler_.range_).astype(np.float32)
        with np.errstate(divide="ignore"):  # a sigmoid at exactly 0 or 1: its log is clipped, as torch clips it
            logs = np.maximum(np.log(output), -100), np.maximum(np.log(1 - output), -100)
        losses = -(target * logs[0] + (1 - target) * logs[1]).mean(axis=1)
        errors = (np.abs(output - target) * ranges).mean(axis=1)
        return np.stack([losses, errors])

    def predict(self, X):
        """The predicted targets, in the units of the y given to `fit`: one number per sample for one output,
        an n × k array for k outputs."""
        values = self.target_scaler_.inverse_transform(self._forward(X).cpu().numpy())
        return values[:, 0] if values.shape[1] == 1 else values


def mlp_from_settings(settings) -> MLPClassifier:
    """An unfitted MLPClassifier made from the image classifier's settings (`mlcore.ml.settings.DEFAULTS`' keys):
    what the engine trains when no sketch hands it a `build_model` of its own (a notebook, a script)."""
    keys = (
        "hidden_layers",
        "activation",
        "dropout",
        "learning_rate",
        "epochs",
        "batch_size",
        "validation_split",
        "seed",
    )
    return MLPClassifier(**{key: settings[key] for key in keys})


def ranked(model, probabilities) -> list[tuple[str, float]]:
    """A classifier's classes (`model.classes_`) with their `probabilities`, likeliest first."""
    order = np.argsort(-np.asarray(probabilities), kind="stable")
    return [(model.classes_[i], float(probabilities[i])) for i in order]
