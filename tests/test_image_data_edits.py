"""Editing the data on the Data page, driven as a person would: click a picture, then Delete, Move to the other
set or another class beside it; U or Undo takes an edit back. The counts, the features (moved with their images,
never extracted again) and the baseline follow, and Export and Save dataset (D) write the edited data."""

import json

import numpy as np

from driver import key, run_sketch
from mlcore.data.builtin import render
from mlcore.data.collection import Collection
from mlcore.data.datasets import load_dataset
from mlcore.ml import features
from mlcore.ml.confusion import random_baseline
from test_image_classifier import DATA, LAYOUT, TAB, assert_consistent, at, env_for, wait, write_png
from test_image_export import BUILTIN_COUNTS

DELETE, MOVE, FIRST_CLASS = 0, 1, 2  # the buttons beside an enlarged picture, top to bottom
VIEW = LAYOUT.collector  # the New dataset view


def edit(grid, item, button):
    """Click the `item`-th picture of `grid`, then the edit button at `button`."""
    return at(grid.item_center(item), after=2) + at(DATA.edit_button_rect(button).center, after=2)


def three_edits():
    """Delete the first training picture, move the next to the test set, give the first test picture another
    class."""
    return edit(DATA.train_grid, 0, DELETE) + edit(DATA.train_grid, 0, MOVE) + edit(DATA.test_grid, 0, FIRST_CLASS)


def builtin(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path / "cache"))
    return load_dataset("builtin")  # from the cache the run left


def test_delete_move_and_relabel_then_export_the_edited_data(tmp_path, monkeypatch):
    actions = (
        wait({"features.ready": True, "idle": True})
        + three_edits()
        + key("x", after=2)
        + wait({"idle": True, "saved.export": "edited.json"})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--export",
        "edited.json",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    data = builtin(tmp_path, monkeypatch)
    train, test = data.train, data.test
    new_class = next(name for name in data.classes if name != test[0].label)
    assert state["edits"] == [
        f"deleted training set image of '{train[0].label}'",
        f"moved a training set image of '{train[1].label}' to the test set",
        f"moved a test set image of '{test[0].label}' to class '{new_class}'",
    ]
    counts = {split: dict(per_class) for split, per_class in BUILTIN_COUNTS.items()}
    counts["train"][train[0].label] -= 1
    counts["train"][train[1].label] -= 1
    counts["test"][train[1].label] += 1
    counts["test"][test[0].label] -= 1
    counts["test"][new_class] += 1
    assert state["counts"] == counts
    assert state["baseline"] == {**random_baseline(counts["test"]), "set": "test"}
    # The features moved with their images: ready, and extracted once only.
    assert state["features"]["ready"] and state["features"]["name"] == "color_histogram"
    assert sum(m.startswith("color_histogram features:") for m in state["messages"]) == 1
    assert state["problem_messages"] == []

    document = json.loads((tmp_path / "run" / "edited.json").read_text())
    kept = [("trainingSet", sample.label, sample) for sample in train[2:]]
    kept += [("testSet", sample.label, sample) for sample in test[1:]]
    kept += [("testSet", train[1].label, train[1]), ("testSet", new_class, test[0])]
    assert [(item["datasetName"], item["y"]) for item in document["instances"]] == [row[:2] for row in kept]
    expected = features.extract("color_histogram", [row[2].image for row in kept])
    assert np.array_equal(np.array([item["x"] for item in document["instances"]], np.float32), expected)


def test_undo_brings_every_edit_back_and_training_follows(tmp_path):
    actions = (
        wait({"features.ready": True, "idle": True})
        + three_edits()
        + key("u", after=2)
        + at(DATA.undo_button.rect.center, after=2)
        + at(DATA.undo_button.rect.center, after=2)
        + key("u", after=2)
        + at(TAB["Training"])
        + key("t")
        + wait({"training.status": "done", "idle": True})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--epochs",
        "3",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["edits"] == [] and state["counts"] == BUILTIN_COUNTS
    undone = [m for m in state["messages"] if m.startswith("undone: ")]
    assert [m.split(": ", 1)[1].split(" ")[0] for m in undone] == ["moved", "moved", "deleted"]
    assert "nothing to undo: no edit of this dataset" in state["problem_messages"]  # the fourth U
    assert sum(m.startswith("color_histogram features:") for m in state["messages"]) == 1
    assert_consistent(state, epochs=3)


def test_a_model_trained_before_an_edit_is_cleared_and_the_new_training_uses_the_edited_data(tmp_path):
    actions = (
        wait({"training.status": "done", "idle": True})
        + at(TAB["Data"])
        + edit(DATA.train_grid, 0, DELETE)
        + edit(DATA.test_grid, 0, DELETE)
        + wait({"idle": True})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--epochs",
        "2",
        "--train",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["training"]["status"] == "idle" and state["test_accuracy"] is None
    assert sum(state["counts"]["train"].values()) == 119 and sum(state["counts"]["test"].values()) == 79
    retrain = (
        wait({"training.status": "done", "idle": True})
        + at(TAB["Data"])
        + edit(DATA.train_grid, 0, DELETE)
        + at(TAB["Training"])
        + key("t")
        + wait({"training.status": "done", "idle": True})
    )
    again = run_sketch(
        "image_classifier",
        retrain,
        tmp_path / "again",
        "--features",
        "color_histogram",
        "--epochs",
        "2",
        "--train",
        env=env_for(tmp_path),
    )
    assert again.returncode == 0, again.output
    assert sum(again.state["counts"]["train"].values()) == 119
    assert_consistent(again.state, epochs=2)


def recorded_classes(tmp_path):
    """A collection of two classes of six pictures each, as the camera would have left it, and a camera to open."""
    folder = tmp_path / "mine"
    collection = Collection(folder=folder)
    rng = np.random.default_rng(1)
    for label in ("apple", "banana"):
        collection.add_class(label)
        for _ in range(6):
            collection.record(label, render(label, rng))
    assert collection.close()
    camera = tmp_path / "camera"
    camera.mkdir()
    write_png(camera / "frame.png")
    return folder, camera


def edit_and_save_own_classes(tmp_path, folder, camera):
    """Use the recorded classes as the dataset, delete a training picture, move a test picture, then D."""
    actions = (
        wait({"idle": True, "dataset": "mine"})
        + at(VIEW.button_center("Use"), after=2)
        + wait({"idle": True, "collecting": False})
        + edit(DATA.train_grid, 0, DELETE)
        + edit(DATA.test_grid, 0, MOVE)
        + key("d", after=2)
        + wait({"idle": True, "job.name": "save_dataset"})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--collection",
        folder,
        "--camera",
        camera,
        "--features",
        "color_histogram",
        "--save-dataset",
        "saved",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    return run.state


def test_save_dataset_of_your_own_classes_keeps_the_edits(tmp_path):
    """D writes the recorded classes as the Data page shows them, as Export does: a deleted picture stays out and a
    moved one is in its new set, in the Marcelle files and in the image folders alike."""
    folder, camera = recorded_classes(tmp_path)
    split = Collection.open(folder).split(test_fraction=0.2, seed=0)  # as the sketch splits it (TEST_FRACTION, SEED)
    state = edit_and_save_own_classes(tmp_path, folder, camera)
    deleted, moved = split.train[0], split.test[0]
    assert state["edits"] == [
        f"deleted training set image of '{deleted.label}'",
        f"moved a test set image of '{moved.label}' to the training set",
    ]
    assert state["job"]["status"] == "done" and state["saved"]["dataset"] == "saved"
    train_ids = [sample.id for sample in split.train[1:]] + [moved.id]
    test_ids = [sample.id for sample in split.test[1:]]
    saved = load_dataset(str(tmp_path / "run" / "saved" / "mine"))
    assert [s.id for s in saved.train] == train_ids and [s.id for s in saved.test] == test_ids
    assert saved.counts() == state["counts"]
    assert all(sample.x is not None and len(sample.x) == 512 for sample in saved.train + saved.test)
    images = tmp_path / "run" / "saved" / "images"
    for part, ids in (("train", train_ids), ("test", test_ids)):
        assert sorted(path.stem for path in (images / part).glob("*/*.png")) == sorted(ids)


def test_an_undo_back_to_the_data_a_model_was_trained_on_brings_that_model_back(tmp_path):
    actions = (
        wait({"training.status": "done", "idle": True})
        + edit(DATA.train_grid, 0, DELETE)
        + wait({"idle": True}, after=2)
        + key("u", after=2)
        + wait({"idle": True}, after=2)
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--epochs",
        "2",
        "--train",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["edits"] == [] and state["counts"] == BUILTIN_COUNTS
    assert state["model"] is not None and state["training"]["status"] == "done" and state["run_shown"] == 0
    assert state["test_accuracy"] == state["runs"][0]["test_accuracy"] and state["confusion_test"] is not None
    assert any(text.endswith("the model trained on these data is back (run 1)") for text in state["messages"])
