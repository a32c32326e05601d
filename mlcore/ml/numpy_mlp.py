"""A trained MLP as plain numpy arrays: predictions without torch, in well under a millisecond per point.

`export(model)` turns a trained `MLPClassifier` or `MLPRegressor` into a dict of arrays (picklable, small);
`NumpyMLP(exported)` answers `predict_proba` and `predict` exactly as the torch model did, so the window that shows
the predictions and the maps never has to load torch.
"""

import numpy as np

ACTIVATION_FUNCTIONS = {  # by name, as the layers summary() lists them
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # the logistic function, without overflow warnings
    "linear": lambda z: z,
}


def softmax(z):
    """Each row of scores as probabilities that sum to 1 (the largest score taken off first: no overflow)."""
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def export(model):
    """The weights, activations, scalers and classes of a trained torch MLP, as numpy arrays."""
    weights, biases = [], []
    for layer in model.network_:
        if hasattr(layer, "weight"):
            weights.append(layer.weight.detach().cpu().numpy().astype(np.float64))
            biases.append(layer.bias.detach().cpu().numpy().astype(np.float64))
    scaler = model.input_scaler_
    target = getattr(model, "target_scaler_", None)
    return {
        "weights": weights,
        "biases": biases,
        "summary": model.summary(),
        "input_min": None if scaler is None else scaler.min_,
        "input_range": None if scaler is None else scaler.range_,
        "classes": list(getattr(model, "classes_", [])),
        "target_min": None if target is None else _numbers(target.min_),
        "target_range": None if target is None else _numbers(target.range_),
        "history": {key: list(values) for key, values in getattr(model, "history_", {}).items()},
        "split_counts": getattr(model, "split_counts_", None),
        "settings": {**model.settings(), "seed": getattr(model, "_seed", model.seed)},
    }


def restore(exported, model):
    """Give `model` (an unfitted MLPClassifier or MLPRegressor with the same settings) the exported network."""
    import torch

    from mlcore.ml.scaling import MinMaxScaler

    if exported["classes"]:
        model.classes_ = list(exported["classes"])
    else:
        model.target_scaler_ = _scaler(
            MinMaxScaler, np.atleast_1d(exported["target_min"]), np.atleast_1d(exported["target_range"])
        )
    model._seed = 0  # the initial weights are all replaced below
    model.network_ = model._build(exported["weights"][0].shape[1])
    linears = [layer for layer in model.network_ if hasattr(layer, "weight")]
    with torch.no_grad():
        for layer, weight, bias in zip(linears, exported["weights"], exported["biases"]):
            layer.weight.copy_(torch.as_tensor(weight))
            layer.bias.copy_(torch.as_tensor(bias))
    model.network_.eval()
    model.input_scaler_ = _scaler(MinMaxScaler, exported["input_min"], exported["input_range"])
    model.history_ = dict(exported["history"])
    model.split_counts_ = exported["split_counts"]
    return model


def _numbers(values):
    """A regression's per-output numbers: one float for one output (as files and sessions have always held it),
    a list of floats for several."""
    values = np.atleast_1d(values).astype(np.float64)
    return float(values[0]) if len(values) == 1 else values.tolist()


def _scaler(kind, low, width):
    if low is None:
        return None
    scaler = kind()
    scaler.min_ = np.asarray(low, dtype=np.float64)
    scaler.range_ = np.asarray(width, dtype=np.float64)
    scaler.max_ = scaler.min_ + scaler.range_
    return scaler


class NumpyMLP:
    """Forward passes of an exported network; the same answers as the torch model it came from."""

    def __init__(self, exported):
        self.exported = exported
        self.weights, self.biases = exported["weights"], exported["biases"]
        self.layers = exported["summary"]
        self.input_min, self.input_range = exported["input_min"], exported["input_range"]
        self.classes_ = exported["classes"]
        self.target_min, self.target_range = exported["target_min"], exported["target_range"]
        self.history_ = exported["history"]
        self.split_counts_ = exported["split_counts"]
        self.settings_ = dict(exported.get("settings") or {})
        for name, value in self.settings_.items():  # hidden_layers, activation, dropout…: as the torch model had
            setattr(self, name, value)

    def settings(self):
        """The settings the network was trained with (`MLPClassifier(**model.settings())` rebuilds it untrained)."""
        return dict(self.settings_)

    def summary(self):
        return [dict(layer) for layer in self.layers]

    def _forward(self, X):
        z = np.asarray(X, dtype=np.float64)
        if self.input_min is not None:
            flat = self.input_range == 0
            z = np.where(flat, 0.5, (z - self.input_min) / np.where(flat, 1.0, self.input_range))
        for (W, b), layer in zip(zip(self.weights, self.biases), self.layers):
            z = z @ W.T + b
            if layer["activation"] != "softmax":  # softmax is taken in predict_proba
                z = ACTIVATION_FUNCTIONS[layer["activation"]](z)
        return z

    def predict_proba(self, X):
        """Probability of each class in `classes_` order, one row per sample (classification)."""
        return softmax(self._forward(X))

    def predict(self, X):
        """Classes (classification) or numbers in the targets' units (regression): one per sample, or an n × k
        array for a regression of k outputs."""
        if self.classes_:
            return [self.classes_[i] for i in self.predict_proba(X).argmax(axis=1)]
        if np.ndim(self.target_min) == 0:
            return self.target_min + self._forward(X)[:, 0] * self.target_range
        return np.asarray(self.target_min) + self._forward(X) * np.asarray(self.target_range)
