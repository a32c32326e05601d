"""Tests of mlcore.ml.model_io: a saved classifier predicts exactly as before, and foreign or altered files are refused.

Refused files must never run code: the pickled object below would create a marker file if it were unpickled,
and the tests check both that it does so when loaded unsafely and that `load_model` leaves no marker.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from mlcore.ml.model_io import FORMAT, ModelFileError, load_model, save_model
from mlcore.ml.models import MLPClassifier

PARAMS = dict(hidden_layers=[8, 6], learning_rate=0.01, epochs=5, batch_size=8, validation_split=0.2, seed=0)


def blobs(count=60, dims=12, seed=0):
    """Three classes of feature vectors, far from [0, 1] so that input scaling matters."""
    rng = np.random.default_rng(seed)
    labels = np.array(["apple", "banana", "cherry"])[np.arange(count) % 3]
    centres = {"apple": 5.0, "banana": 40.0, "cherry": -20.0}
    X = np.stack([rng.normal(centres[label], 8.0, dims) for label in labels]).astype(np.float32)
    return X, list(labels)


@pytest.fixture(scope="module")
def trained():
    X, y = blobs()
    return MLPClassifier(**PARAMS).fit(X, y), X


def single_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert message and "\n" not in message
    return message


@pytest.mark.parametrize("settings", [PARAMS, {**PARAMS, "normalize_inputs": False}, {**PARAMS, "seed": None}])
def test_a_saved_model_predicts_exactly_as_before(tmp_path, settings):
    X, y = blobs()
    model = MLPClassifier(**settings).fit(X, y)
    path = save_model(tmp_path / "models" / "fruit.pt", model, model.classes_, "my_features", settings)
    assert path.is_file() and not list(path.parent.glob("*.part"))

    loaded, info = load_model(path)
    X_new, _ = blobs(count=30, seed=1)
    assert np.array_equal(loaded.predict_proba(X_new), model.predict_proba(X_new))
    assert loaded.predict(X_new) == model.predict(X_new)
    assert loaded.classes_ == ["apple", "banana", "cherry"]
    assert info["format"] == FORMAT and info["version"] == 1
    assert info["classes"] == loaded.classes_
    assert info["extractor"] == "my_features"
    assert info["feature_dim"] == 12
    assert info["params"]["hidden_layers"] == [8, 6]
    assert info["params"]["seed"] == (0 if settings["seed"] is not None else model._seed)
    for key in ("learning_rate", "epochs", "batch_size", "validation_split"):
        assert info["params"][key] == settings[key]
    assert info["params"]["normalize_inputs"] is settings.get("normalize_inputs", True)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_the_activation_is_saved_and_comes_back(tmp_path, activation):
    X, y = blobs()
    model = MLPClassifier(**PARAMS, activation=activation).fit(X, y)
    path = save_model(tmp_path / "curvy.pt", model, extractor="my_features")
    loaded, info = load_model(path)
    assert info["params"]["activation"] == loaded.activation == activation
    kinds = [type(layer).__name__ for layer in loaded.network_]
    assert kinds == ["Linear", activation.capitalize(), "Linear", activation.capitalize(), "Linear"]
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_file_from_before_the_activation_loads_as_relu(tmp_path, trained):
    model, X = trained
    path = tampered(tmp_path, trained, lambda document: document["params"].pop("activation"))
    loaded, info = load_model(path)
    assert loaded.activation == "relu" and info["params"]["activation"] == "relu"
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_the_file_is_a_plain_dictionary(tmp_path, trained):
    model, _ = trained
    path = save_model(tmp_path / "m.pt", model, extractor="my_features", params={"note": "week 3"})
    document = torch.load(path, weights_only=True)
    assert set(document) == {
        "format",
        "version",
        "state_dict",
        "classes",
        "extractor",
        "feature_dim",
        "params",
        "input_scaler",
    }
    assert document["classes"] == ["apple", "banana", "cherry"]
    assert document["params"]["note"] == "week 3"
    assert list(document["state_dict"]) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert load_model(path)[1]["params"]["note"] == "week 3"


def test_saving_refuses_what_would_make_a_wrong_file(tmp_path, trained):
    model, _ = trained
    with pytest.raises(ModelFileError, match="not trained yet"):
        save_model(tmp_path / "m.pt", MLPClassifier(), ["a", "b"], "my_features")
    with pytest.raises(ModelFileError, match="not the model's"):
        save_model(tmp_path / "m.pt", model, ["cherry", "banana", "apple"], "my_features")
    with pytest.raises(ModelFileError, match="hidden_layers"):
        save_model(tmp_path / "m.pt", model, extractor="my_features", params={"hidden_layers": [64]})
    with pytest.raises(ModelFileError, match="extractor"):
        save_model(tmp_path / "m.pt", model)
    blocker = tmp_path / "a_file"
    blocker.write_text("a regular file")
    with pytest.raises(ModelFileError, match="cannot write"):
        save_model(blocker / "m.pt", model, extractor="my_features")
    assert not (tmp_path / "m.pt").exists()


def test_a_missing_an_empty_and_a_text_file_are_refused(tmp_path):
    with pytest.raises(ModelFileError, match="file not found") as missing:
        load_model(tmp_path / "nothing.pt")
    single_line(missing)

    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    with pytest.raises(ModelFileError, match="empty"):
        load_model(empty)

    text = tmp_path / "notes.pt"
    text.write_text("these are my notes, not a model\n")
    with pytest.raises(ModelFileError, match="not a model file") as refused:
        load_model(text)
    single_line(refused)

    with pytest.raises(ModelFileError, match="folder"):
        load_model(tmp_path)


def test_a_bare_state_dict_is_refused(tmp_path, trained):
    model, _ = trained
    path = tmp_path / "weights.pt"
    torch.save(model.network_.state_dict(), path)
    with pytest.raises(ModelFileError, match="bare state_dict") as refused:
        load_model(path)
    assert "not a model saved by these sketches" in single_line(refused)

    other = tmp_path / "other.pt"
    torch.save({"format": "someone-else", "weights": [1, 2, 3]}, other)
    with pytest.raises(ModelFileError, match="another kind of torch file"):
        load_model(other)


class WritesAMarker:
    """Unpickling this object would call open(marker, "w"): the code a hostile file would run."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickled_object_is_refused_and_never_run(tmp_path, trained):
    model, _ = trained
    marker = tmp_path / "code_ran"
    document = {
        "format": FORMAT,
        "version": 1,
        "state_dict": model.network_.state_dict(),
        "classes": model.classes_,
        "extractor": "my_features",
        "feature_dim": 12,
        "params": PARAMS,
        "payload": WritesAMarker(marker),
    }
    path = tmp_path / "hostile.pt"
    torch.save(document, path)
    with pytest.raises(ModelFileError, match="refused") as refused:
        load_model(path)
    assert "not loaded" in single_line(refused)
    assert not marker.exists()

    # The payload is live: loading the same file without weights_only would have run it.
    torch.load(path, weights_only=False)
    assert marker.exists()


def tampered(tmp_path, trained, change) -> Path:
    model, _ = trained
    path = save_model(tmp_path / "model.pt", model, extractor="my_features")
    document = torch.load(path, weights_only=True)
    change(document)
    torch.save(document, path)
    return path


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda d: d["state_dict"].__setitem__("0.weight", torch.zeros(8, 5)), r"'0.weight' has shape \[8, 5\]"),
        (lambda d: d["state_dict"].pop("4.bias"), "missing '4.bias'"),
        (lambda d: d["state_dict"].__setitem__("6.weight", torch.zeros(2, 2)), "unexpected '6.weight'"),
        (lambda d: d["classes"].append("durian"), "3 outputs but the file names 4 classes"),
        (lambda d: d["params"].__setitem__("hidden_layers", [8]), "do not fit a network with hidden layers"),
        (lambda d: d["params"].pop("seed"), "params has no 'seed'"),
        (lambda d: d["params"].__setitem__("activation", "softmax"), "params\\['activation'\\] is 'softmax'"),
        (lambda d: d["state_dict"].__setitem__("2.bias", torch.full((6,), float("nan"))), "NaN"),
        (lambda d: d["state_dict"].__setitem__("2.bias", torch.zeros(6, dtype=torch.int64)), "not a tensor"),
        (lambda d: d["input_scaler"]["min"].__setitem__(0, 1e9), "minimum above its maximum"),
        (lambda d: d.__setitem__("input_scaler", None), "no input scaling"),
        (lambda d: d.pop("classes"), "no 'classes'"),
        (lambda d: d.__setitem__("feature_dim", 11), r"has shape \[8, 12\], expected \[8, 11\]"),
        (lambda d: d.__setitem__("version", 2), "newer version"),
    ],
)
def test_a_tampered_file_is_refused(tmp_path, trained, change, why):
    path = tampered(tmp_path, trained, change)
    with pytest.raises(ModelFileError, match=why) as refused:
        load_model(path)
    single_line(refused)


def test_a_truncated_file_is_refused(tmp_path, trained):
    model, _ = trained
    path = save_model(tmp_path / "model.pt", model, extractor="my_features")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="damaged or not a model file") as refused:
        load_model(path)
    single_line(refused)


def test_an_unchanged_reload_still_loads(tmp_path, trained):
    """The tampering tests rewrite the file with torch.save; unchanged, that round trip must load."""
    path = tampered(tmp_path, trained, lambda document: None)
    model, X = trained
    loaded, _ = load_model(path)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert os.path.getsize(path) > 0


def test_params_that_could_not_be_loaded_back_are_refused_when_saving(tmp_path, trained):
    model, X = trained
    with pytest.raises(ModelFileError, match=r"params\['callback'\] is a builtin_function_or_method"):
        save_model(tmp_path / "m.pt", model, extractor="my_features", params={"callback": print})
    path = save_model(
        tmp_path / "m.pt",
        model,
        extractor="my_features",
        params={"hidden_layers": (8, 6), "bounds": np.zeros(2), "notes": {"week": np.int64(3)}},
    )
    assert load_model(path)[1]["params"]["notes"] == {"week": 3}


def test_a_file_claiming_huge_layers_is_refused_before_anything_is_built(tmp_path, trained):
    path = tampered(tmp_path, trained, lambda d: d["params"].__setitem__("hidden_layers", [10**9, 6]))
    with pytest.raises(ModelFileError, match=r"'0.weight' has shape \[8, 12\], expected \[1000000000, 12\]"):
        load_model(path)


def test_dropout_is_remembered_and_its_layers_load_back(tmp_path):
    X, y = blobs()
    model = MLPClassifier(**PARAMS, activation="tanh", dropout=0.3).fit(X, y)
    path = save_model(tmp_path / "dropout.pt", model, model.classes_, "my_features")
    loaded, info = load_model(path)
    assert info["params"]["dropout"] == pytest.approx(0.3) and info["params"]["activation"] == "tanh"
    assert loaded.dropout == pytest.approx(0.3)
    assert [type(layer).__name__ for layer in loaded.network_] == ["Linear", "Tanh", "Dropout"] * 2 + ["Linear"]
    X_new, _ = blobs(count=30, seed=1)
    assert np.array_equal(loaded.predict_proba(X_new), model.predict_proba(X_new))  # dropout is off to predict


def test_a_file_from_before_dropout_loads_as_no_dropout(tmp_path, trained):
    model, X = trained
    path = save_model(tmp_path / "old.pt", model, model.classes_, "my_features")
    document = torch.load(path, weights_only=True)
    del document["params"]["dropout"]
    torch.save(document, path)
    loaded, info = load_model(path)
    assert info["params"]["dropout"] == 0.0 and "Dropout" not in [type(layer).__name__ for layer in loaded.network_]
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # A file that claims dropout for weights laid out without it does not fit, and says so.
    document["params"]["dropout"] = 0.5
    torch.save(document, path)
    with pytest.raises(ModelFileError, match="do not fit a network"):
        load_model(path)


def test_a_file_whose_extractor_does_not_fit_its_first_layer_is_refused(tmp_path, trained):
    # Tampered by hand: EfficientNet-Lite0 gives 1280 numbers, the network takes 12. Predicting would fail later
    # with a numpy broadcasting error; the file is refused when it is read instead.
    path = tampered(tmp_path, trained, lambda document: document.__setitem__("extractor", "efficientnet_lite0"))
    with pytest.raises(ModelFileError, match="efficientnet_lite0 gives 1280 numbers, but the network takes 12"):
        load_model(path)
