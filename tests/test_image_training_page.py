"""The Training page's choices, made as a person makes them: activation and dropout, from the page or the command
line, reach the model and its file, and are checked; the runs table keeps every training, and a click on a row brings
its model back."""

import numpy as np
import pygame
import pytest

from driver import key, run_image_classifier, run_sketch
from mlcore.ml import settings
from mlcore.widgets import theme
from test_image_classifier import FEATURES, TAB, TRAINING, assert_consistent, at, env_for, wait


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
    assert [type(layer).__name__ for layer in model.network_] == ["Linear", "Tanh", "Dropout"] * 2 + ["Linear"]


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
    run = run_image_classifier(actions, tmp_path, "--train", "--epochs", "3", env=env_for(tmp_path))
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


def test_a_training_over_in_a_blink_draws_its_curves_in_while_its_model_answers_at_once(tmp_path):
    """15 epochs on colour histograms take a tenth of a second: the Training page draws the curves in over
    CURVE_SECONDS, so a class sees them grow; the results are there at once, and the curves end whole."""
    trained = (
        wait({"dataset": "builtin", "idle": True})
        + at(TAB["Training"])
        + key("t")
        + wait({"training.status": "done", "idle": True})
    )
    run = run_image_classifier(trained, tmp_path / "at_once", env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    state = run.state
    assert len(state["training"]["loss"]) == 15 and state["test_accuracy"] is not None
    assert state["curves_shown"] < 15
    run = run_image_classifier(
        trained + wait({"curves_shown": 15}, timeout_s=10), tmp_path / "whole", env=env_for(tmp_path)
    )
    assert run.returncode == 0, run.output
    assert run.state["curves_shown"] == 15


def test_t_on_another_page_trains_on_the_training_page_where_the_class_sees_the_curves(tmp_path):
    """T pressed on the Data page shows the Training page: the class watches the curves grow there."""
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + key("t")
        + wait({"training.status": "done", "idle": True})
        + wait({"curves_shown": 15}, timeout_s=10)
    )
    run = run_image_classifier(actions, tmp_path, env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    assert run.state["page"] == "Training"
    picture = pygame.surfarray.array3d(pygame.image.load(str(run.screenshot))).transpose(1, 0, 2)
    charts = picture[TRAINING.charts.top : TRAINING.charts.bottom, TRAINING.charts.left : TRAINING.charts.right]
    for colour in theme.DEFAULT.series[:2]:  # training and validation, in both charts
        assert (charts == colour).all(axis=2).sum() > 100, colour


def test_the_pace_of_the_curves_is_shared_by_every_sketch():
    from mlcore.widgets.curve_pace import CurvePace

    run = object()  # any training: a job, a run
    pace = CurvePace(2.0)
    assert [pace.shown(run, 15, 15, now=t) for t in (5.0, 5.5, 6.0, 7.0, 9.0)] == [0, 3, 7, 15, 15]
    assert pace.shown(object(), 15, 15, now=9.0) == 0  # another training starts from its own first look
    assert CurvePace(0).shown(run, 15, 15, now=0.0) == 15
