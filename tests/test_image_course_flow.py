"""The course's flow on every dataset, driven as a person would: a course file trains on EfficientNet-Lite0 by
default so that a dropped image is classified; "stored" stays a choice with one click out of its dead end; the
Training page's activation and dropout; the small things a class trips on (MobileNet's weights, a confusion
cell's image, "Use this dataset" with one class)."""

import base64
import json
import shutil

import numpy as np
import pytest

from driver import key, run_sketch, shared_datasets
from mlcore.image_engine.pipeline import RETRAIN_CAPTION
from mlcore.ml import features, settings
from mlcore.ml.features import GET_MOBILENET, MOBILENET_WEIGHTS_FILE
from test_image_classifier import (
    DATA,
    DEPLOYMENT,
    FEATURES,
    TAB,
    TESTING,
    TRAINING,
    assert_consistent,
    at,
    env_for,
    wait,
)


def course_cache(tmp_path, name="miniFRUIT"):
    """The course dataset put in the sketch's cache, as a first run with network leaves it."""
    shared = shared_datasets()
    cached = tmp_path / "cache" / "datasets" / name
    cached.mkdir(parents=True)
    for split in ("train", "test"):
        shutil.copy(shared / f"{name}_{split}.json", cached)
    return shared


def thumbnail_file(shared, folder, label, name="miniFRUIT"):
    """The first test thumbnail of class `label`, written as a JPEG file a person could drop on the window."""
    document = json.loads((shared / f"{name}_test.json").read_text())
    instance = next(item for item in document["instances"] if item["y"] == label)
    path = folder / f"{label}.jpg"
    path.write_bytes(base64.b64decode(instance["thumbnail"].split(",", 1)[1]))
    return path


def drop(path):
    return [{"type": "drop_file", "path": str(path), "after": 2}]


# ------------------------------------------------------------------------------------------------ 13.1


def test_a_course_dataset_trains_on_efficientnet_by_default_and_classifies_a_dropped_image(tmp_path):
    shared = course_cache(tmp_path)
    banana = thumbnail_file(shared, tmp_path, "banane")
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + at(DATA.button_center("miniFRUIT"))
        + wait({"dataset": "miniFRUIT", "idle": True})
        + at(TAB["Training"])
        + at(TRAINING.button_center("Train"))
        + wait({"training.status": "done", "idle": True})
        + drop(banana)
        + wait({"idle": True})
    )
    run = run_sketch("image_classifier", actions, tmp_path / "run", env=env_for(tmp_path), timeout=300)
    assert run.returncode == 0, run.output
    state = run.state
    assert state["classes"] == ["banane", "pomme"]
    assert state["features"]["name"] == "efficientnet_lite0" and state["features"]["dim"] == 1280
    assert_consistent(state, epochs=15)
    assert state["test_accuracy"] >= 0.9
    [prediction] = state["predictions"]
    assert prediction["source"] == str(banana) and prediction["label"] == "banane"
    assert state["problem_messages"] == []
    # The features went to the cache in the background: one file per image.
    assert len(list((tmp_path / "cache" / "features" / "efficientnet_lite0").glob("*.npy"))) >= 60


def test_stored_features_stay_a_choice_and_one_click_extracts_and_retrains(tmp_path):
    shared = course_cache(tmp_path)
    apple = thumbnail_file(shared, tmp_path, "pomme")
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + at(DATA.button_center("miniFRUIT"))
        + wait({"dataset": "miniFRUIT", "idle": True})
        + at(TAB["Features"])
        + at(FEATURES.button_center("stored"))
        + at(TAB["Training"])
        + at(TRAINING.button_center("Train"))
        + wait({"training.status": "done", "idle": True})
        + drop(apple)
        + wait({"idle": True})
        + at(DEPLOYMENT.button_center(RETRAIN_CAPTION))
        + wait({"training.status": "done", "idle": True, "features.name": "efficientnet_lite0"}, after=2)
    )
    run = run_sketch("image_classifier", actions, tmp_path / "run", env=env_for(tmp_path), timeout=300)
    assert run.returncode == 0, run.output
    state = run.state
    said = [m for m in state["problem_messages"] if m.startswith("this model knows only the stored vectors")]
    assert said and RETRAIN_CAPTION in said[0]
    assert any(m.startswith("stored features: 1024 numbers") for m in state["messages"])  # trained on stored first
    assert state["features"]["name"] == "efficientnet_lite0" and state["features"]["ready"]
    assert_consistent(state, epochs=15)
    [prediction] = state["predictions"]  # the image dropped on the stored model, classified after retraining
    assert prediction["source"] == str(apple) and prediction["label"] == "pomme"
    assert state["page"] == "Deployment"


# ------------------------------------------------------------------------------------------------ 13.8


def test_mobilenet_is_offered_only_with_its_weights_on_disk(tmp_path):
    torch_home = tmp_path / "torch"
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + at(TAB["Features"])
        + at(FEATURES.button_center("mobilenet_v3_small"))
    )
    run = run_sketch(
        "image_classifier", actions, tmp_path / "without", env=env_for(tmp_path, TORCH_HOME=str(torch_home))
    )
    assert run.returncode == 0, run.output
    assert "mobilenet_v3_small" not in run.state["features_offered"]
    assert run.state["features"]["name"] == "efficientnet_lite0"  # the click chose nothing
    assert any(GET_MOBILENET in m for m in run.state["problem_messages"])
    # The button says how to get the weights, in grey (disabled), and nothing was downloaded.
    button = FEATURES.options[features.EXTRACTORS.index("mobilenet_v3_small")].rect
    assert run.pixel(button.x + 4, button.centery) == (235, 235, 235)
    assert not torch_home.exists()

    weights = torch_home / "hub" / "checkpoints" / MOBILENET_WEIGHTS_FILE
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"")  # where torch keeps it; its contents are checked only when the extractor loads it
    run = run_sketch("image_classifier", actions, tmp_path / "with", env=env_for(tmp_path, TORCH_HOME=str(torch_home)))
    assert run.returncode == 0, run.output
    assert "mobilenet_v3_small" in run.state["features_offered"]
    assert run.state["features"]["name"] == "mobilenet_v3_small"


def test_the_weights_file_is_looked_for_where_torch_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    url, path = features._mobilenet_weights()
    assert path == str(tmp_path / "torch" / "hub" / "checkpoints" / MOBILENET_WEIGHTS_FILE)
    assert url.endswith("/" + MOBILENET_WEIGHTS_FILE)
    assert not features.mobilenet_weights_on_disk()
    (tmp_path / "torch" / "hub" / "checkpoints").mkdir(parents=True)
    (tmp_path / "torch" / "hub" / "checkpoints" / MOBILENET_WEIGHTS_FILE).write_bytes(b"0")
    assert features.mobilenet_weights_on_disk()


def test_an_image_enlarged_from_a_confusion_cell_shows_true_and_predicted_labels_and_confidences(tmp_path):
    cell = TESTING.views[1].cell_rect(4, 1, 1).center
    actions = (
        wait({"training.status": "done", "idle": True})
        + at(TAB["Testing"])
        + at(cell)
        + at(TESTING.members.item_center(0))
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path,
        "--features",
        "color_histogram",
        "--train",
        "--epochs",
        "6",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    selected = state["selected_cell"]
    assert selected["members"], "the banana cell of the test matrix has images"
    answer = state["enlarged_answer"]
    assert state["enlarged"] == ["test", selected["members"][0]]
    assert answer["true"] == selected["true"] == "banana" and answer["predicted"] == selected["predicted"]
    probabilities = answer["probabilities"]
    assert set(probabilities) == set(state["classes"]) and sum(probabilities.values()) == pytest.approx(1, abs=1e-3)
    assert max(probabilities, key=probabilities.get) == answer["predicted"]
    # The card of confidences beside the enlarged picture: white over the darkened page.
    assert run.pixel(830, 100) == (255, 255, 255) and max(run.pixel(830, 40)) < 200


# ------------------------------------------------------------------------------------------------ 13.6


def test_activation_and_dropout_from_the_training_page_reach_the_model_and_its_file(tmp_path):
    model_file = tmp_path / "tanh.pt"
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + at(TAB["Features"])
        + at(FEATURES.button_center("color_histogram"))
        + at(TAB["Training"])
        + at(TRAINING.field("activation").plus.rect.center)
        + at(TRAINING.field("dropout").box.center)
        + [*key("0"), *key("."), *key("3"), *key("return")]
        + at(TRAINING.field("epochs").minus.rect.center)
        + at(TRAINING.button_center("Train"))
        + wait({"training.status": "done", "idle": True})
        + key("m")
        + wait({"saved.model": str(model_file)})
    )
    run = run_sketch("image_classifier", actions, tmp_path / "run", "--save-model", model_file, env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    state = run.state
    assert state["params"]["activation"] == "tanh" and state["params"]["dropout"] == pytest.approx(0.3)
    assert state["model"] == {"hidden_layers": [64, 32], "activation": "tanh", "dropout": pytest.approx(0.3)}
    assert_consistent(state, epochs=10)

    from mlcore.ml.model_io import load_model

    model, info = load_model(model_file)
    assert info["params"]["activation"] == "tanh" and info["params"]["dropout"] == pytest.approx(0.3)
    assert [type(layer).__name__ for layer in model.network_] == [
        "Linear",
        "Tanh",
        "Dropout",
        "Linear",
        "Tanh",
        "Dropout",
        "Linear",
    ]


def test_activation_and_dropout_settings_are_checked():
    assert settings.parse("activation", " Sigmoid ") == "sigmoid"
    assert settings.parse("dropout", "0,25") == 0.25
    for setting, text in (("activation", "softmax"), ("dropout", "1"), ("dropout", "-0.1")):
        with pytest.raises(ValueError):
            settings.parse(setting, text)
    assert [settings.step("activation", "relu", up=True), settings.step("activation", "relu", up=False)] == [
        "tanh",
        "sigmoid",
    ]
    assert settings.step("dropout", 0.0, up=True) == 0.1 and settings.step("dropout", 0.0, up=False) == 0.0
    assert settings.step("dropout", 0.9, up=True) == 0.9
    assert settings.checked({"dropout": 0.5})["activation"] == "relu"


def test_activation_and_dropout_from_the_command_line(tmp_path):
    from test_image_classifier import run_batch

    run = run_batch(
        tmp_path, "--features", "pixels", "--train", "--epochs", "3", "--activation", "sigmoid", "--dropout", "0.2"
    )
    assert run.returncode == 0, run.output
    assert run.state["model"]["activation"] == "sigmoid" and run.state["model"]["dropout"] == pytest.approx(0.2)
    bad = run_batch(tmp_path / "bad", "--activation", "softplus")
    assert bad.returncode == 2 and "one of relu, tanh, sigmoid" in bad.output
    assert np.isfinite(run.state["test_accuracy"])


# ------------------------------------------------------------------------------------------------ 13.5


def test_the_runs_table_keeps_every_training_and_a_click_brings_one_back(tmp_path):
    from mlcore.image_app.pages.runs_table import HEADER, ROW, RunsTable

    top = TRAINING.charts.bottom - RunsTable.height(2) + 8  # the table under the curves, two rows long
    first_row = (TRAINING.charts.x + 120, top + HEADER + ROW // 2)
    actions = (
        wait({"training.status": "done", "idle": True})
        + at(TAB["Training"])
        + at(TRAINING.field("epochs").plus.rect.center)
        + at(TRAINING.field("hidden_layers").minus.rect.center)
        + at(TRAINING.field("activation").plus.rect.center)
        + at(TRAINING.button_center("Train"))
        + wait({"training.epochs_done": 4, "idle": True})
        + at(first_row)
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path,
        "--features",
        "color_histogram",
        "--train",
        "--epochs",
        "3",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    first, second = state["runs"]
    assert [first["number"], second["number"]] == [1, 2]
    assert first["features"] == second["features"] == "color_histogram" and first["dataset"] == "builtin"
    assert (first["hidden_layers"], first["activation"], first["epochs"]) == ([64, 32], "relu", 3)
    assert (second["hidden_layers"], second["activation"], second["epochs"]) == ([64], "tanh", 4)
    for row in (first, second):
        assert row["batch_size"] == 8 and row["learning_rate"] == 0.001 and row["dropout"] == 0.0
        assert 0 <= row["train_accuracy"] <= 1 and 0 <= row["validation_accuracy"] <= 1 and row["seconds"] > 0
    # The click on the first row brought back its model, curves and matrices; the settings stay as typed.
    assert state["run_shown"] == 0 and state["params"]["hidden_layers"] == [64]
    assert state["model"]["hidden_layers"] == [64, 32] and state["model"]["activation"] == "relu"
    assert len(state["training"]["loss"]) == 3 and state["training"]["val_accuracy"][-1] == first["validation_accuracy"]
    matrix = np.array(state["confusion_test"])
    assert state["test_accuracy"] == first["test_accuracy"] == pytest.approx(np.trace(matrix) / matrix.sum())
    assert state["train_accuracy"] == first["train_accuracy"]
    assert any(m.startswith("run 1: color_histogram") for m in state["messages"])
    # The row shown is highlighted.
    assert run.pixel(TRAINING.charts.right - 4, first_row[1]) == (255, 236, 179)  # right of the last column
