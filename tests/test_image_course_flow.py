"""The course's flow on every dataset, driven as a person would: a course file trains on EfficientNet-Lite0 by
default so that a dropped image is classified; "stored" stays a choice with one click out of its dead end; the small
things a class trips on (MobileNet's weights, a confusion cell's image). The Training page's choices and its runs
table: test_image_training_page.py."""

import base64
import json
import shutil

import pytest

from driver import run_image_classifier, run_sketch, shared_datasets
from mlcore.image_engine.pipeline import RETRAIN_CAPTION
from mlcore.ml import features
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
    run = run_image_classifier(actions, tmp_path, "--train", "--epochs", "6", env=env_for(tmp_path))
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
