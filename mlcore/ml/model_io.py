"""Trained networks saved to a file and loaded back, ready to predict: image classifiers, and the note sketches'
networks (whose inputs are canvas places, `extractor` "canvas", and which may be regressions).

    >>> save_model("fruit.pt", model, model.classes_, "efficientnet_lite0", params)
    >>> model, info = load_model("fruit.pt")
    >>> info["extractor"], info["classes"]        # compute features with this extractor, then model.predict(...)

A model file is a `torch.save` of a plain dictionary, so that nothing but tensors, numbers, strings and lists
is ever read back:

    {"format": "ml-sketches-model", "version": 1,
     "state_dict": the network's weights (torch.nn.Sequential of Linear layers and their activations),
     "classes": [...], "extractor": "efficientnet_lite0", "feature_dim": D,
     "task": "classification" or "regression" (files from before regression had none: classification),
     "target_scaler": {"min": tensor, "max": tensor} for a regression (each output's range: as many numbers as
                      the network has outputs), else absent,
     "params": {"hidden_layers", "activation", "dropout", "learning_rate", "epochs", "batch_size",
                "validation_split", "seed", "normalize_inputs"},
     "input_scaler": {"min": tensor, "max": tensor} or None}

`input_scaler` holds the per-feature minimum and maximum the model learned its input scaling from; without them
a model trained with `normalize_inputs` would see differently scaled inputs and predict differently. Files
written before the hidden layers could choose their activation have no "activation": they load as "relu"; files
from before dropout have no "dropout": they load as 0 (a Dropout layer follows each hidden activation otherwise,
so it shifts the layers' numbers in "state_dict").

`load_model` reads with `torch.load(weights_only=True)`, which refuses any other kind of Python object instead
of running it, then checks every key, type and tensor shape before building the network. A file it cannot use
raises `ModelFileError` with one line for the screen.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from mlcore.files import cannot_write, read_bytes, write_atomically
from mlcore.ml import features
from mlcore.ml.models import ACTIVATIONS, MLPClassifier, MLPRegressor
from mlcore.ml.scaling import MinMaxScaler

FORMAT = "ml-sketches-model"
VERSION = 1

PARAM_NAMES = (
    "hidden_layers",
    "activation",
    "dropout",
    "learning_rate",
    "epochs",
    "batch_size",
    "validation_split",
    "seed",
    "normalize_inputs",
)


class ModelFileError(ValueError):
    """A model file that cannot be loaded (or a model that cannot be saved); one line, fit to show a student."""


# ----------------------------------------------------------------------------------------------------------------
# Saving


def _plain(value, where: str):
    """`value` as plain Python (numpy numbers and arrays, tuples as lists), which `weights_only` loading accepts.

    Anything else would be pickled as an object and make the file one that `load_model` refuses.
    """
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item, where) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _plain(item, f"{where}[{key!r}]") for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ModelFileError(f"{where} is a {type(value).__name__}; a model file holds only numbers, text and lists")


def model_params(model: MLPClassifier) -> dict:
    """The settings that rebuild `model`'s network, as plain values. `seed` is the seed the network was built with."""
    seed = model.seed if model.seed is not None else getattr(model, "_seed", None)
    return {
        "hidden_layers": [int(units) for units in model.hidden_layers],
        "activation": str(model.activation),
        "dropout": float(getattr(model, "dropout", 0.0)),
        "learning_rate": float(model.learning_rate),
        "epochs": int(model.epochs),
        "batch_size": int(model.batch_size),
        "validation_split": float(model.validation_split),
        "seed": None if seed is None else int(seed),
        "normalize_inputs": bool(model.normalize_inputs),
    }


def save_model(
    path: str | os.PathLike, model: MLPClassifier, classes=None, extractor: str = "", params: dict | None = None
) -> Path:
    """Write a fitted MLPClassifier and what it needs to be used again; returns the path.

    `classes` defaults to `model.classes_` and must equal it when given. `extractor` names the feature
    extractor the model was trained on (see `mlcore.ml.features.EXTRACTORS`). The settings are read from the
    model (`model_params`); `params` may add plain values (numbers, strings, lists) but not contradict the
    model, since the file must describe the network it holds (None, as for a seed left random, is no
    contradiction). The file is written through a temporary file, so a reader never sees half.
    """
    import torch

    network = getattr(model, "network_", None)
    if network is None:
        raise ModelFileError("the model is not trained yet: train it before saving")
    regression = isinstance(model, MLPRegressor)
    model_classes = [] if regression else [str(name) for name in model.classes_]
    classes = model_classes if classes is None else [str(name) for name in classes]
    if classes != model_classes:
        raise ModelFileError(f"the classes given ({classes}) are not the model's ({model_classes})")
    if not isinstance(extractor, str) or not extractor:
        raise ModelFileError("name the feature extractor the model was trained on (e.g. 'efficientnet_lite0')")
    recorded = model_params(model)
    for key, value in (params or {}).items():
        value = _plain(value, f"params[{key!r}]")
        if key not in recorded:
            recorded[key] = value
        elif value is not None and value != recorded[key]:
            raise ModelFileError(f"params[{key!r}] is {value!r} but the model has {recorded[key]!r}")
    scaler = getattr(model, "input_scaler_", None) if model.normalize_inputs else None
    document = _regression_part(model) if regression else {}
    document.update(
        {
            "format": FORMAT,
            "version": VERSION,
            "state_dict": {key: tensor.detach().cpu().clone() for key, tensor in network.state_dict().items()},
            "classes": classes,
            "extractor": extractor,
            "feature_dim": int(network[0].in_features),
            "params": recorded,
            "input_scaler": None
            if scaler is None
            else {
                "min": torch.as_tensor(np.asarray(scaler.min_, dtype=np.float64)),
                "max": torch.as_tensor(np.asarray(scaler.max_, dtype=np.float64)),
            },
        }
    )
    path = Path(path).expanduser()
    try:
        write_atomically(path, lambda out: torch.save(document, out))
    except OSError as err:
        raise ModelFileError(f"{cannot_write(path.parent, err)}: {path.name} not saved") from None
    return path


# ----------------------------------------------------------------------------------------------------------------
# Loading


def _read(path: Path) -> object:
    """The object stored in a torch file, read without ever running code from it."""
    import pickle

    import torch

    name = path.name
    head = read_bytes(path, "a model file", ModelFileError, count=4)
    if not head:
        raise ModelFileError(f"{name}: the file is empty")
    # torch.save writes a zip archive; files from torch before 1.6 are a bare pickle (protocol 2: 0x80 0x02).
    if not head.startswith(b"PK") and not head.startswith(b"\x80"):
        raise ModelFileError(f"{name}: not a model file (not a file saved by torch)")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ModelFileError(
            f"{name}: refused: it holds Python objects other than tensors and plain values, "
            f"which could run code if loaded; it was not loaded"
        ) from None
    except Exception as err:  # noqa: BLE001 - torch reports damage as many kinds of error
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelFileError(f"{name}: damaged or not a model file ({reason[:160]})") from None


def _check_params(name: str, params) -> dict:
    if not isinstance(params, dict):
        raise ModelFileError(f"{name}: tampered or damaged: 'params' is not a dictionary")
    params = {"activation": "relu", "dropout": 0.0, **params}  # files from before these were choices
    checks = {
        "hidden_layers": lambda v: isinstance(v, list)
        and all(isinstance(u, int) and not isinstance(u, bool) and u > 0 for u in v),
        "activation": lambda v: v in ACTIVATIONS,
        "dropout": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1,
        "learning_rate": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "epochs": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "batch_size": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "validation_split": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "seed": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
        "normalize_inputs": lambda v: isinstance(v, bool),
    }
    for key, valid in checks.items():
        if key not in params:
            raise ModelFileError(f"{name}: tampered or damaged: params has no {key!r}")
        if not valid(params[key]):
            raise ModelFileError(f"{name}: tampered or damaged: params[{key!r}] is {params[key]!r}")
    return params


def _check_tensor(name: str, what: str, value, shape: tuple) -> None:
    import torch

    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise ModelFileError(f"{name}: tampered or damaged: {what} is not a tensor of numbers")
    if tuple(value.shape) != shape:
        raise ModelFileError(
            f"{name}: tampered or damaged: {what} has shape {list(value.shape)}, expected {list(shape)}"
        )
    if not torch.isfinite(value).all():
        raise ModelFileError(f"{name}: tampered or damaged: {what} holds NaN or infinite numbers")


def _layer_shapes(inputs: int, hidden_layers: list[int], outputs: int, dropout=0.0) -> dict[str, tuple]:
    """The state_dict keys and shapes of the network `MLPClassifier._build` makes: Linear, activation[, Dropout],
    ..., Linear."""
    shapes, width = {}, inputs
    pitch = 3 if dropout else 2  # the layers each hidden layer takes in the Sequential
    for index, units in enumerate([*hidden_layers, outputs]):
        shapes[f"{pitch * index}.weight"] = (units, width)
        shapes[f"{pitch * index}.bias"] = (units,)
        width = units
    return shapes


def _regression_part(model) -> dict:
    import torch

    target = model.target_scaler_
    return {
        "task": "regression",
        "target_scaler": {
            "min": torch.as_tensor(np.asarray(target.min_, dtype=np.float64)),
            "max": torch.as_tensor(np.asarray(target.max_, dtype=np.float64)),
        },
    }


def load_model(path: str | os.PathLike) -> tuple[MLPClassifier, dict]:
    """A saved classifier, ready to predict, and the file's metadata (everything but the weights).

    The metadata holds "classes", "extractor", "feature_dim", "params", "format" and "version". Raises
    ModelFileError (one line) for a file that is missing, not a torch file, a torch file of another kind (a
    bare state_dict, a pickled object: refused unread), from a newer version, or altered in any way that
    leaves keys, types or shapes wrong.
    """
    path = Path(path).expanduser()
    name = path.name
    document = _read(path)
    classes, extractor, feature_dim, params = _check_document(name, document)
    state = document["state_dict"]
    task = document.get("task", "classification")
    outputs = classes or [task] * _regression_outputs(document)
    _check_weights(name, state, feature_dim, params["hidden_layers"], outputs, params["dropout"])

    model = (MLPRegressor if task == "regression" else MLPClassifier)(**{key: params[key] for key in PARAM_NAMES})
    if task == "regression":
        model.target_scaler_ = _scaler(name, "target_scaler", document.get("target_scaler"), len(outputs))
    else:
        model.classes_ = list(classes)
    # `_build` draws initial weights from `_seed`; they are all replaced by the saved ones below.
    model._seed = params["seed"] if params["seed"] is not None else 0
    network = model._build(feature_dim)
    network.load_state_dict(state, strict=True)
    network.eval()
    model.network_ = network
    model.history_ = {}  # the training curves are not saved
    model.input_scaler_ = (
        _scaler(name, "input_scaler", document.get("input_scaler"), feature_dim)
        if (params["normalize_inputs"])
        else None
    )

    metadata = {key: document[key] for key in ("format", "version", "classes", "extractor", "feature_dim")}
    metadata["task"] = task
    metadata["params"] = dict(params)
    return model, metadata


def _regression_outputs(document) -> int:
    """How many numbers a regression's network gives: one per entry of its target scaling (1 for older files)."""
    scaler = document.get("target_scaler")
    shape = getattr(scaler.get("min"), "shape", None) if isinstance(scaler, dict) else None
    return int(shape[0]) if shape is not None and len(shape) == 1 and 1 <= shape[0] <= 4096 else 1


def _check_document(name: str, document) -> tuple[list, str, int, dict]:
    """(classes, extractor, feature_dim, params) of a model file's dictionary, every one checked."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        kind = (
            "a bare state_dict"
            if isinstance(document, dict) and document and all(hasattr(value, "shape") for value in document.values())
            else "another kind of torch file"
        )
        raise ModelFileError(f"{name}: not a model saved by these sketches ({kind})")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"{name}: tampered or damaged: no format version")
    if version > VERSION:
        raise ModelFileError(
            f"{name}: saved by a newer version of the sketches (model format {version}); "
            f"this one reads format {VERSION}: update the sketches"
        )
    if version < 1:
        raise ModelFileError(f"{name}: tampered or damaged: format version {version}")
    for key in ("state_dict", "classes", "extractor", "feature_dim", "params"):
        if key not in document:
            raise ModelFileError(f"{name}: tampered or damaged: no {key!r}")
    classes, extractor, feature_dim = document["classes"], document["extractor"], document["feature_dim"]
    task = document.get("task", "classification")
    if task not in ("classification", "regression"):
        raise ModelFileError(f"{name}: tampered or damaged: 'task' is {task!r}")
    a_regression = task == "regression" and classes == []  # one output, no classes
    if not a_regression and (
        not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes)
    ):
        raise ModelFileError(f"{name}: tampered or damaged: 'classes' is not a list of class names")
    if len(set(classes)) != len(classes):
        raise ModelFileError(f"{name}: tampered or damaged: 'classes' names a class twice")
    if not isinstance(extractor, str) or not extractor:
        raise ModelFileError(f"{name}: tampered or damaged: 'extractor' is not a name")
    if not isinstance(feature_dim, int) or isinstance(feature_dim, bool) or feature_dim < 1:
        raise ModelFileError(f"{name}: tampered or damaged: 'feature_dim' is {feature_dim!r}")
    width = features.dim(extractor) if extractor in features.EXTRACTORS else None
    if width is not None and width != feature_dim:
        raise ModelFileError(
            f"{name}: tampered or damaged: {extractor} gives {width} numbers, but the network takes {feature_dim}"
        )
    return classes, extractor, feature_dim, _check_params(name, document["params"])


def _check_weights(name: str, state, feature_dim: int, hidden_layers: list[int], classes: list, dropout=0.0) -> None:
    """The saved weights fit the network the file describes: keys, shapes, finite numbers.

    Checked before the network is built, so that a file claiming huge layers cannot make us allocate them.
    """
    if not isinstance(state, dict):
        raise ModelFileError(f"{name}: tampered or damaged: 'state_dict' is not a dictionary")
    expected = _layer_shapes(feature_dim, hidden_layers, len(classes), dropout)
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    if missing or unexpected:
        detail = f"missing {missing[0]!r}" if missing else f"unexpected {unexpected[0]!r}"
        raise ModelFileError(
            f"{name}: tampered or damaged: the weights do not fit a network with hidden layers "
            f"{hidden_layers} ({detail})"
        )
    last = list(expected)[-2]  # the output layer's weight, one row per class
    if hasattr(state[last], "shape") and len(state[last].shape) == 2 and state[last].shape[0] != len(classes):
        raise ModelFileError(
            f"{name}: tampered or damaged: the network has {state[last].shape[0]} outputs "
            f"but the file names {len(classes)} classes"
        )
    for key, shape in expected.items():
        _check_tensor(name, f"weight {key!r}", state[key], shape)


def _scaler(name: str, what: str, scaler_state, width: int) -> MinMaxScaler:
    """A min–max scaling the model learned (of its inputs, or of a regression's targets), read back from the file."""
    if not isinstance(scaler_state, dict) or "min" not in scaler_state or "max" not in scaler_state:
        raise ModelFileError(
            f"{name}: tampered or damaged: no {what.replace('_scaler', ' scaling')} for a model "
            f"that scales {'inputs' if what == 'input_scaler' else 'its outputs'}"
        )
    for key in ("min", "max"):
        _check_tensor(name, f"{what} {key!r}", scaler_state[key], (width,))
    low = scaler_state["min"].double().numpy()
    high = scaler_state["max"].double().numpy()
    if (low > high).any():
        raise ModelFileError(f"{name}: tampered or damaged: {what} has a minimum above its maximum")
    scaler = MinMaxScaler()
    scaler.min_, scaler.max_, scaler.range_ = low, high, high - low
    return scaler
