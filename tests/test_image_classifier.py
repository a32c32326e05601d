"""The image classifier end to end: batch runs from the command line, and replays that click through the pages.

Every run is a separate process with its own feature cache (ML_SKETCHES_CACHE in a temporary folder), and none
reaches the network: the course dataset that is clicked is put in the cache beforehand, and the one download
that is tried goes to a proxy on a closed local port.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import cv2
import numpy as np
import pytest

from driver import ROOT, SketchRun, click, key, run_sketch, scratch_folder, shared_datasets
from mlcore.data.builtin import render
from mlcore.data.datasets import Sample, load_dataset, save_marcelle
from mlcore.image_app.pages.testing import CORRECT, MISTAKE
from mlcore.ml import settings
from mlcore.widgets.theme import DEFAULT
from mlcore.widgets.thumbnails import class_colour
from sketches.image_classifier import app as LAYOUT  # only its geometry is used here: it never runs in-process

PAGES = ["Data", "Features", "Training", "Testing", "Deployment"]
TAB = {name: LAYOUT.tabs[i].rect.center for i, name in enumerate(PAGES)}
DATA, FEATURES, TRAINING, TESTING, DEPLOYMENT = LAYOUT.pages


@functools.cache
def builtin_cache():
    """A cache folder holding only the built-in dataset, generated once for the whole test run."""
    folder = scratch_folder("ml-sketches-builtin-")
    with mock.patch.dict(os.environ, {"ML_SKETCHES_CACHE": str(folder)}):
        load_dataset("builtin")
    return folder


def env_for(folder, **extra):
    """A sketch's environment with its own cache, `folder`/cache, that holds the built-in dataset already.

    As on a student's machine after the first start: generating the images again in every run would cost each one
    seconds. The first start's generation is checked by test_batch_run_on_the_builtin_dataset_with_colour_histograms
    (a cold cache) and by tests/test_datasets.py.
    """
    cache = Path(folder) / "cache"
    shutil.copytree(builtin_cache(), cache, dirs_exist_ok=True)
    return {"ML_SKETCHES_CACHE": str(cache), **extra}


def wait(until, timeout_s=120, after=1):
    return [{"type": "wait", "until": until, "timeout_s": timeout_s, "after": after}]


def at(point, after=1):
    return click(*point, after=after)


def typed(text):
    actions = []
    for character in text:
        actions += key(character)
    return actions


def run_batch(folder, *args, env=None, timeout=300):
    """The sketch from the command line with no replay: it must end by itself (--quit-when-idle)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "sketches.image_classifier",
        "--headless",
        "--quit-when-idle",
        "--state-json",
        str(folder / "state.json"),
        "--screenshot",
        str(folder / "screen.png"),
        *map(str, args),
    ]
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or env_for(folder)))
    process = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=timeout)
    return SketchRun(process, folder)


HEAT_FLOOR = DEFAULT.heat_floor


def shade(hue, share):
    """A confusion cell's colour: white when empty, else at least the default theme's floor towards its hue."""
    if share == 0:
        return np.array([255, 255, 255])
    strength = HEAT_FLOOR + (1 - HEAT_FLOOR) * share
    return np.array([255 + (channel - 255) * strength for channel in hue])


def write_png(path, label="banana", seed=7):
    image = render(label, np.random.default_rng(seed))
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def assert_consistent(state, epochs):
    """Counts, matrices and curves that agree with one another."""
    counts = state["counts"]
    for split, matrix in (("train", state["confusion_train"]), ("test", state["confusion_test"])):
        matrix = np.array(matrix)
        assert matrix.shape == (len(state["classes"]),) * 2
        assert matrix.sum() == sum(counts[split].values())
        assert matrix.sum(axis=1).tolist() == [counts[split][name] for name in state["classes"]]
    for split in ("train", "test"):
        matrix = np.array(state[f"confusion_{split}"])
        assert state[f"{split}_accuracy"] == pytest.approx(np.trace(matrix) / matrix.sum())
    training = state["training"]
    assert training["status"] == "done" and training["epochs_done"] == epochs
    for curve in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert len(training[curve]) == epochs, curve
    assert all(0 <= value <= 1 for value in training["accuracy"] + training["val_accuracy"])


# ------------------------------------------------------------------------------------------------ batch runs


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One run from the command line that trains on colour histograms and predicts two PNG files: (run, files).

    Its cache starts empty, so this first start generates the built-in images as a student's first start does.
    """
    folder = tmp_path_factory.mktemp("batch")
    pngs = write_png(folder / "banana.png", "banana"), write_png(folder / "lemon.png", "lemon", seed=3)
    options = ["--dataset", "builtin", "--features", "color_histogram", "--train", "--epochs", "12", "--layers", "32"]
    cold = {"ML_SKETCHES_CACHE": str(folder / "cache")}
    run = run_batch(folder, *options, "--seed", "3", "--predict", *pngs, env=cold)
    return run, pngs


def test_batch_run_on_the_builtin_dataset_with_colour_histograms(batch):
    run, pngs = batch
    assert run.returncode == 0, run.output
    state = run.state
    assert state["sketch"] == "image_classifier" and state["dataset"] == "builtin"
    assert state["classes"] == ["apple", "banana", "lemon", "orange"]
    assert state["counts"]["train"] == {"apple": 30, "banana": 30, "lemon": 30, "orange": 30}
    assert state["counts"]["test"] == {"apple": 20, "banana": 20, "lemon": 20, "orange": 20}
    assert state["features"]["name"] == "color_histogram" and state["features"]["dim"] == 512
    assert state["params"]["hidden_layers"] == [32] and state["params"]["seed"] == 3
    assert_consistent(state, epochs=12)
    assert state["train_accuracy"] > 0.25  # colours alone tell some fruit apart
    assert state["idle"] and state["queue"] == [] and state["problem_messages"] == []
    assert state["messages"][-3].startswith("trained 12 epochs")  # then one line for each image predicted
    assert state["timing"]["frames"] > 5


@pytest.mark.slow  # EfficientNet-Lite0 on 200 images, then a second start: minutes on two cores
def test_batch_run_with_efficientnet_then_from_the_cache(tmp_path):
    env = env_for(tmp_path)
    run = run_batch(
        tmp_path / "first", "--dataset", "builtin", "--features", "efficientnet_lite0", "--train", env=env, timeout=400
    )
    assert run.returncode == 0, run.output
    state = run.state
    rate = state["features"].pop("images_per_second")
    assert state["features"] == {
        "name": "efficientnet_lite0",
        "dim": 1280,
        "device": "cpu",
        "ready": True,
        "cache_hits": 0,
    }
    assert rate > 0  # 200 images take seconds: their pace is measured
    assert_consistent(state, epochs=15)
    # A network trained on photographs tells the fruit shapes apart: far above guessing (25%).
    assert state["test_accuracy"] >= 0.85 and state["train_accuracy"] >= 0.9
    again = run_batch(
        tmp_path / "again", "--dataset", "builtin", "--features", "efficientnet_lite0", "--page", "Features", env=env
    )
    assert again.returncode == 0, again.output
    assert again.state["features"]["cache_hits"] == 200 and again.state["training"]["status"] == "idle"
    assert again.state["page"] == "Features"


def test_predict_a_png_from_the_command_line(batch):
    run, pngs = batch
    assert run.returncode == 0, run.output
    state = run.state
    assert state["page"] == "Deployment" and state["training"]["epochs_done"] == 12
    assert [p["source"] for p in state["predictions"]] == [str(png) for png in pngs]
    for prediction, png in zip(state["predictions"], pngs):
        assert prediction["image"] == ["file", str(png)]
        assert set(prediction["probabilities"]) == set(state["classes"])
        assert sum(prediction["probabilities"].values()) == pytest.approx(1, abs=0.01)
        assert prediction["label"] == max(prediction["probabilities"], key=prediction["probabilities"].get)
    # The top bar is drawn in the colour of the class it names: the last image's answer is the one shown.
    bar = DEPLOYMENT.bar_rect(0, len(state["classes"]))
    expected = class_colour(state["predictions"][-1]["label"], state["classes"])
    assert run.pixel(bar.x + 3, bar.centery) == expected


def test_bad_command_line_values_are_refused(tmp_path):
    command = [sys.executable, "-m", "sketches.image_classifier", "--headless", "--layers", "64,x"]
    done = subprocess.run(
        command, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "whole numbers separated by commas" in done.stderr


# ------------------------------------------------------------------------------------------------ clicking through


def drop(path):
    return [{"type": "drop_file", "path": str(path), "after": 2}]


@pytest.fixture(scope="module")
def clicked(tmp_path_factory):
    """One session clicked through every page, with what goes wrong on the way: (run, its folder).

    It starts on a dataset folder whose file is corrupt (and --train), loads builtin from its button, tries a course
    dataset with no network, is dropped an image before any model exists, extracts pixels then colour histograms,
    trains, is dropped a text file and an image, classifies a test picture and opens a confusion cell. The tests
    below read its end; one sketch start serves them all, since each start costs seconds.
    """
    folder = tmp_path_factory.mktemp("clicked")
    broken = folder / "broken"
    broken.mkdir()
    (broken / "fruit_train.json").write_text('{"marcelleMeta": {"type": "dataset"}, "instances": [{"x": [1, 2')
    (broken / "fruit_test.json").write_text('{"marcelleMeta": {"type": "dataset"}, "instances": []}')
    (folder / "notes.txt").write_text("not a picture")
    apple, lemon = write_png(folder / "apple.png", "apple"), write_png(folder / "lemon.png", "lemon")
    closed = "http://127.0.0.1:9"  # nothing listens there: a download fails at once, offline or not
    proxies = {name: closed for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY")}
    test_grid = DEPLOYMENT.test_grid
    actions = (
        # The corrupt folder does not load, and the training asked for on the command line is dropped.
        wait({"job.status": "failed", "idle": True})
        # Step 1: the builtin button loads it; a course dataset cannot be downloaded, and builtin stays.
        + at(TAB["Data"])
        + at(DATA.button_center("builtin"))
        + wait({"dataset": "builtin", "idle": True})
        + at(DATA.button_center("miniMASK"))
        + wait({"job.status": "failed", "idle": True})
        # The down arrow browses the training images; a picture is enlarged by a click, and closed by another.
        + at(DATA.train_grid.down_button.center)
        + at(DATA.test_grid.item_center(2))
        + wait({"enlarged": ["test", 2]}, timeout_s=5)
        + at((600, 300))
        # An image dropped before there is a model.
        + drop(apple)
        + wait({"idle": True})
        # Step 2: pixels, then colour histograms, extracted in the background.
        + at(TAB["Features"])
        + at(FEATURES.button_center("pixels"))
        + at(FEATURES.button_center("Extract"))
        + wait({"features.name": "pixels", "features.ready": True, "idle": True})
        + at(FEATURES.button_center("color_histogram"))
        + at(FEATURES.button_center("Extract"))
        + wait({"features.name": "color_histogram", "features.ready": True, "idle": True})
        # Step 3: a bad value is refused, a good one kept; then train.
        + at(TAB["Training"])
        + at(TRAINING.field("epochs").box.center)
        + typed("0")
        + key("return")
        + at(TRAINING.field("epochs").box.center)
        + typed("8")
        + key("return")
        + at(TRAINING.field("batch_size").plus.rect.center)
        + at(TRAINING.button_center("Train"))
        + wait({"training.status": "done", "idle": True})
        # A text file, then a picture, dropped on the window.
        + drop(folder / "notes.txt")
        + wait({"idle": True})
        + drop(lemon)
        + wait({"idle": True})
        # Step 5: a test picture, classified.
        + at(TAB["Deployment"])
        + at(test_grid.item_center(0))
        # Step 4: the diagonal cell of the first class in the test matrix lists its images.
        + at(TAB["Testing"])
        + at(TESTING.views[1].cell_rect(4, 0, 0).center)
    )
    env = env_for(folder, **proxies, no_proxy="", NO_PROXY="")
    run = run_sketch("image_classifier", actions, folder / "run", "--dataset", broken, "--train", env=env, timeout=600)
    return run, folder


def test_click_through_every_page(clicked):
    run, folder = clicked
    assert run.returncode == 0, run.output
    state = run.state
    assert state["page"] == "Testing" and state["browse"]["train"] == DATA.train_grid.columns * DATA.train_grid.rows
    assert state["dataset"] == "builtin" and state["features"]["name"] == "color_histogram"
    assert state["params"]["epochs"] == 8 and state["params"]["batch_size"] == 16
    assert "epochs: a whole number from 1 to 10000 (not 0); kept 15" in state["problem_messages"]
    assert_consistent(state, epochs=8)
    assert len(state["runs"]) == 1  # the clicked training alone
    prediction = state["predictions"][-1]
    assert prediction["source"] == "test image 1" and prediction["true"] == "apple"
    assert prediction["image"] == ["test", 0]
    cell = state["selected_cell"]
    assert cell["split"] == "test" and cell["true"] == "apple" and cell["predicted"] == "apple"
    assert len(cell["members"]) == state["confusion_test"][0][0]
    assert all(0 <= index < 20 for index in cell["members"])  # the test set's apples come first
    # The shading: each cell's colour is the share of its row, blue on the diagonal, vermilion elsewhere.
    matrix = np.array(state["confusion_test"])
    for row, col in ((1, 1), (2, 2), (1, 0), (0, 3)):
        share = matrix[row, col] / matrix[row].sum()
        expected = shade(CORRECT if row == col else MISTAKE, share)
        corner = TESTING.views[1].cell_rect(4, row, col).move(6, 6).topleft
        assert np.abs(np.array(run.pixel(*corner)) - expected).max() <= 2, (row, col)


def test_dropping_files_on_the_window(clicked):
    run, folder = clicked
    assert run.returncode == 0, run.output
    state = run.state
    assert "notes.txt: not an image that can be decoded (use a JPEG or PNG file)" in state["problem_messages"]
    # The text file gave no answer, the picture one (and the test picture clicked after it another).
    assert [p["source"] for p in state["predictions"]] == [str(folder / "lemon.png"), "test image 1"]
    assert state["predictions"][0]["image"] == ["file", str(folder / "lemon.png")]


def test_dropping_an_image_before_training_says_what_to_do(clicked):
    run, folder = clicked
    assert run.returncode == 0, run.output
    assert "no model yet: train one on page 3, then drop the image again" in run.state["problem_messages"]
    assert str(folder / "apple.png") not in [p["source"] for p in run.state["predictions"]]


def test_a_corrupt_dataset_folder_leaves_the_sketch_running(clicked):
    run, folder = clicked
    assert run.returncode == 0, run.output
    problems = run.state["problem_messages"]
    assert any("fruit_train.json: not valid JSON, the file may be truncated or corrupt" in p for p in problems)
    assert "not done, since loading did not finish: training" in problems
    assert run.state["dataset"] == "builtin"  # its button loaded it, and the session went on to the end


def test_no_network_gives_a_message_and_the_other_datasets_still_work(clicked):
    run, folder = clicked
    assert run.returncode == 0, run.output
    problems = run.state["problem_messages"]
    assert any(
        p.startswith("could not download miniMASK (train): no network or server unreachable") for p in problems
    ), problems
    assert "pixels features: 768 numbers for each of 200 images" in run.state["messages"]
    assert not (folder / "cache" / "datasets" / "miniMASK" / "miniMASK_train.json").exists()


# ------------------------------------------------------------------------------------------------ bad data


def test_bad_instances_are_skipped_with_a_message_each(tmp_path):
    rng = np.random.default_rng(0)

    def sample(label, index, length=16):
        painted = "lemon" if label == "kiwi" else label  # the builtin painter has no kiwi; a lemon stands in
        return Sample(
            image=render(painted, np.random.default_rng([5, index])),
            label=label,
            x=rng.random(length).astype(np.float32),
            id=f"{label}{index}",
        )

    train = [sample(label, i) for label in ("apple", "banana") for i in range(6)] + [sample("apple", 99, length=3)]
    test = [sample(label, 50 + i) for label in ("apple", "banana", "kiwi") for i in range(3)]
    folder = tmp_path / "odd"
    save_marcelle(train, folder / "odd_train.json", "trainingSet")
    save_marcelle(test, folder / "odd_test.json", "testSet")
    document = json.loads((folder / "odd_train.json").read_text())
    document["instances"][2]["thumbnail"] = "data:image/jpeg;base64,AAAA"  # bytes that do not decode
    (folder / "odd_train.json").write_text(json.dumps(document))

    run = run_batch(tmp_path, "--dataset", folder, "--features", "color_histogram", "--train", "--epochs", "4")
    assert run.returncode == 0, run.output
    state = run.state
    problems = state["problem_messages"]
    assert "odd_train.json: instance 3: thumbnail does not decode, skipped" in problems
    assert "odd_train.json: instance 13: x has 3 numbers where the others have 16, skipped" in problems
    assert "class 'kiwi' has no training images" in problems
    assert state["counts"]["train"] == {"apple": 5, "banana": 6, "kiwi": 0}
    assert_consistent(state, epochs=4)  # the good images still train and test


def test_a_cache_that_cannot_be_written_is_reported(tmp_path):
    folder = tmp_path / "tiny"
    for split, count in (("train", 4), ("test", 2)):
        for label in ("banana", "orange"):
            (folder / split / label).mkdir(parents=True)
            for i in range(count):
                write_png(folder / split / label / f"{i}.png", label, seed=i + (100 if split == "test" else 0))
    blocked = tmp_path / "a-file"
    blocked.write_text("the cache cannot be a folder inside a file")
    run = run_batch(
        tmp_path,
        "--dataset",
        folder,
        "--features",
        "efficientnet_lite0",
        "--train",
        "--epochs",
        "2",
        env={"ML_SKETCHES_CACHE": str(blocked / "cache")},
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert any(p.startswith("feature cache is read-only") for p in state["problem_messages"])
    assert state["training"]["status"] == "done" and state["counts"]["test"] == {"banana": 2, "orange": 2}


def test_a_course_dataset_from_the_cache_trains_on_its_stored_vectors_when_chosen(tmp_path):
    shared = shared_datasets()
    cached = tmp_path / "cache" / "datasets" / "miniFRUIT"
    cached.mkdir(parents=True)
    for split in ("train", "test"):
        shutil.copy(shared / f"miniFRUIT_{split}.json", cached)
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + at(DATA.button_center("miniFRUIT"))
        + wait({"dataset": "miniFRUIT", "idle": True})
        + at(TAB["Features"])
        + at(FEATURES.button_center("stored"))
        + at(TAB["Training"])
        + at(TRAINING.button_center("Train"))
        + wait({"training.status": "done", "idle": True})
        + at(TAB["Features"])
    )
    run = run_sketch("image_classifier", actions, tmp_path, env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    state = run.state
    assert state["classes"] == ["banane", "pomme"]
    assert state["features"]["name"] == "stored" and state["features"]["dim"] == 1024
    assert_consistent(state, epochs=15)
    assert state["test_accuracy"] >= 0.9


# ------------------------------------------------------------------------------------------------ the settings


def test_settings_parse_show_and_step():
    assert settings.parse("hidden_layers", "64, 32") == [64, 32]
    assert settings.parse("hidden_layers", "none") == [] and settings.show("hidden_layers", []) == "none"
    assert settings.parse("learning_rate", "0,01") == 0.01 and settings.show("learning_rate", 0.001) == "0.001"
    for setting, text in (
        ("epochs", "0"),
        ("epochs", "1.5"),
        ("batch_size", ""),
        ("learning_rate", "0"),
        ("validation_split", "1"),
        ("hidden_layers", "64 x"),
        ("hidden_layers", "0"),
        ("seed", "-1"),
    ):
        with pytest.raises(ValueError):
            settings.parse(setting, text)
    assert settings.step("epochs", 15, up=True) == 20 and settings.step("epochs", 1, up=False) == 1
    assert settings.step("batch_size", 8, up=False) == 4 and settings.step("learning_rate", 0.001, up=True) == 0.003
    assert settings.step("validation_split", 0.9, up=True) == 0.9
    assert settings.step("hidden_layers", [64, 32], up=True) == [64, 32, 16]
    assert settings.step("hidden_layers", [64], up=False) == []


# ------------------------------------------------------------------------------------------------ --predict


def test_predict_prints_one_line_per_image(batch):
    run, pngs = batch
    assert run.returncode == 0, run.output
    predictions = run.state["predictions"]
    assert [p["source"] for p in predictions] == [str(png) for png in pngs]
    lines = [line for line in run.stdout.splitlines() if line.endswith(")")]
    assert len(lines) == 2, run.stdout
    for line, prediction in zip(lines, predictions):
        head, _, confidences = line[:-1].partition(" (")
        assert head == f"{prediction['source']}: {prediction['label']}"
        printed = {label: float(p) for label, p in (pair.split(" ") for pair in confidences.split(", "))}
        assert list(printed) == list(prediction["probabilities"])  # likeliest first, every class
        assert printed == pytest.approx(prediction["probabilities"], abs=0.0011)
        assert len(printed) == 4


@pytest.mark.parametrize(
    "name, why",
    [("missing.png", "missing.png: file not found"), ("notes.png", "notes.png: not an image that can be decoded")],
)
def test_predict_refuses_a_missing_or_broken_image_at_once(tmp_path, name, why):
    (tmp_path / "notes.png").write_text("not a picture")
    good = write_png(tmp_path / "banana.png")
    command = [
        sys.executable,
        "-m",
        "sketches.image_classifier",
        "--headless",
        "--quit-when-idle",
        "--predict",
        str(good),
        str(tmp_path / name),
    ]
    done = subprocess.run(
        command,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env_for(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    [line] = [line for line in done.stderr.splitlines() if line.strip()]
    assert line.startswith("image_classifier: --predict: ") and why in line
    assert done.stdout == ""


# ------------------------------------------------------------------------------------------------ a student's edits


def test_a_students_network_and_print_in_the_sketch_file(tmp_path):
    """What a student does: another network and a print in the sketch file, then a run on the built-in data."""
    sketch = (ROOT / "sketches" / "image_classifier.py").read_text()
    edits = [
        (
            '    return MLPClassifier(hidden_layers=settings["hidden_layers"], activation=settings["activation"],',
            '    return MLPClassifier(hidden_layers=[8], activation="tanh",',
        ),
        (
            '    pass                       # results["train_accuracy"]',
            '    print("test accuracy", results["test_accuracy"])  # results["train_accuracy"]',
        ),
    ]
    for old, new in edits:
        assert sketch.count(old) == 1, old
        sketch = sketch.replace(old, new)
    mine = tmp_path / "my_classifier.py"
    mine.write_text(sketch)
    model_file = tmp_path / "mine.pt"
    actions = wait({"training.status": "done", "idle": True}) + key("m") + wait({"saved.model": str(model_file)})
    run = run_sketch(
        mine,
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--train",
        "--epochs",
        "4",
        "--save-model",
        model_file,
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["model"] == {"hidden_layers": [8], "activation": "tanh", "dropout": 0.0}
    # The Training page and the runs table show the network build_model made, not the boxes it ignored.
    assert state["params"]["hidden_layers"] == [8] and state["params"]["activation"] == "tanh"
    assert [(row["hidden_layers"], row["activation"]) for row in state["runs"]] == [([8], "tanh")]
    [printed] = [line for line in run.stdout.splitlines() if line.startswith("test accuracy")]
    assert printed == f"test accuracy {state['test_accuracy']}"

    from mlcore.ml.model_io import load_model

    model, info = load_model(model_file)
    assert info["params"]["hidden_layers"] == [8] and info["params"]["activation"] == "tanh"
    assert [type(layer).__name__ for layer in model.network_] == ["Linear", "Tanh", "Linear"]
    assert model.network_[0].out_features == 8 and info["extractor"] == "color_histogram"


# ------------------------------------------------------------------------------------------------ the window's parts


def test_the_app_reads_the_knobs_build_model_and_training_done_from_the_sketch():
    import sketches.image_classifier as sketch

    params = LAYOUT.pipeline.params
    assert params["hidden_layers"] == sketch.HIDDEN_LAYERS and params["epochs"] == sketch.EPOCHS
    assert params["learning_rate"] == sketch.LEARNING_RATE and params["augmentation"] == sketch.AUGMENTATION
    assert (LAYOUT.width, LAYOUT.height, LAYOUT.dataset_spec) == (sketch.WIDTH, sketch.HEIGHT, sketch.DATASET)
    assert LAYOUT.pipeline.build_model is sketch.build_model and LAYOUT.training_done is sketch.training_done
    assert LAYOUT.collector.rate == sketch.RECORD_RATE and LAYOUT.own.test_fraction == sketch.TEST_FRACTION


def test_no_part_of_the_window_is_handed_the_app():
    """Pages, views and the parts behind them get what they draw and the actions they may take, never the app."""
    parts = [
        *LAYOUT.pages,
        LAYOUT.deployment_page.noise,
        LAYOUT.collector,
        LAYOUT.collector.picker,
        LAYOUT.live,
        LAYOUT.own,
        LAYOUT.exports,
        LAYOUT.models,
        LAYOUT.predictions,
        LAYOUT.edits,
        LAYOUT.steps,
    ]
    for part in parts:
        held = [name for name, value in vars(part).items() if value is LAYOUT]
        assert held == [], (type(part).__name__, held)
