"""Tests of the image classifier's engine: confusion matrices, and the pipeline from dataset to predictions.

Most tests use small Marcelle files written here, or the built-in dataset, so they need no data files. The test
on the course's miniFRUIT reads ../shared/datasets and skips where that folder is absent (a fresh clone).
Every test's cache is a temporary folder (ML_SKETCHES_CACHE), and nothing here reaches the network.
"""

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlcore.data.datasets import Sample, save_marcelle
from mlcore.image_engine.pipeline import DEFAULTS, STORED_CANNOT_PREDICT, ImagePipeline
from mlcore.ml.confusion import accuracy, cell_members, confusion_matrix, per_class_accuracy, random_baseline
from mlcore.ml.models import MLPClassifier

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
COLOURS = {"red": (200, 40, 40), "green": (40, 180, 60), "blue": (40, 60, 200)}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test gets its own cache folder, so that no test writes the user's cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(folder))
    return folder


def finish(job, timeout=120):
    """Wait for a job and return its status (a job still running after `timeout` fails the test)."""
    job.wait(timeout)
    assert not job.running, f"{job.name} still running after {timeout} s"
    return job.status


def colour_samples(counts, seed=0, vector_length=None):
    """Noisy images of plain colours, labelled by colour: {label: count} -> samples (with stored x if asked)."""
    rng = np.random.default_rng(seed)
    samples = []
    for label, count in counts.items():
        for index in range(count):
            noise = rng.normal(0, 25, (224, 224, 3))
            image = np.clip(np.array(COLOURS[label]) + noise, 0, 255).astype(np.uint8)
            x = None
            if vector_length:
                x = rng.normal(0, 1, vector_length).astype(np.float32)
                x[list(COLOURS).index(label)] += 4  # stored vectors that tell the classes apart
            samples.append(Sample(image=image, label=label, x=x, id=f"{label}-{seed}-{index}"))
    return samples


def write_pair(folder, name, train, test):
    """Write train and test samples as a Marcelle pair <name>_train.json, <name>_test.json; return the spec."""
    folder.mkdir(parents=True, exist_ok=True)
    save_marcelle(train, folder / f"{name}_train.json", "trainingSet")
    save_marcelle(test, folder / f"{name}_test.json", "testSet")
    return str(folder / name)


def small_dataset(folder, vector_length=8, train_counts=None, test_counts=None):
    train = colour_samples(train_counts or {"red": 8, "green": 8, "blue": 8}, seed=1, vector_length=vector_length)
    test = colour_samples(test_counts or {"red": 4, "green": 4, "blue": 4}, seed=2, vector_length=vector_length)
    return write_pair(folder, "colours", train, test)


# ------------------------------------------------------------------------------------------- confusion


def test_confusion_matrix_rows_are_true_classes_in_the_given_order():
    true = ["cat", "cat", "dog", "dog", "dog", "bird"]
    pred = ["cat", "dog", "dog", "dog", "cat", "cat"]
    matrix = confusion_matrix(true, pred, ["dog", "cat", "bird"])
    assert matrix.tolist() == [[2, 1, 0], [1, 1, 0], [0, 1, 0]]
    assert matrix.dtype.kind == "i"
    assert accuracy(matrix) == pytest.approx(3 / 6)
    assert per_class_accuracy(matrix) == [pytest.approx(2 / 3), 0.5, 0.0]
    with pytest.raises(ValueError, match="fish"):
        confusion_matrix(["cat"], ["fish"], ["cat", "dog"])
    with pytest.raises(ValueError):
        confusion_matrix(["cat", "dog"], ["cat"], ["cat", "dog"])


def test_class_without_samples_has_no_accuracy_and_an_empty_matrix_none():
    matrix = confusion_matrix(["a", "a", "b"], ["a", "b", "b"], ["a", "b", "c"])
    assert per_class_accuracy(matrix) == [0.5, 1.0, None]
    assert accuracy(np.zeros((3, 3), dtype=int)) is None
    assert confusion_matrix([], [], ["a", "b"]).tolist() == [[0, 0], [0, 0]]


def test_random_baseline_uniform_and_majority():
    baseline = random_baseline({"red": 6, "orange": 1, "green": 3})
    assert baseline["uniform"] == pytest.approx(1 / 3)
    assert baseline["majority"] == pytest.approx(0.6)
    assert baseline["majority_class"] == "red"
    assert random_baseline([2, 2])["majority"] == 0.5
    assert random_baseline({"a": 0, "b": 0})["uniform"] is None


def test_cell_members_lists_the_samples_of_one_cell():
    true = ["a", "b", "a", "a", "b"]
    pred = ["a", "a", "b", "a", "a"]
    assert cell_members(true, pred, ["a", "b"], 0, 0) == [0, 3]
    assert cell_members(true, pred, ["a", "b"], 1, 0) == [1, 4]
    assert cell_members(true, pred, ["a", "b"], 0, 1) == [2]
    assert cell_members(true, pred, ["a", "b"], 1, 1) == []


# ------------------------------------------------------------------------------------------- pipeline


def check_results(pipeline):
    """Both matrices filled and consistent with the dataset's counts and with the accuracies."""
    counts = pipeline.dataset.counts()
    classes = pipeline.dataset.classes
    for split, matrix, score in (
        ("train", pipeline.confusion_train, pipeline.train_accuracy),
        ("test", pipeline.confusion_test, pipeline.test_accuracy),
    ):
        samples = getattr(pipeline.dataset, split)
        assert matrix.shape == (len(classes), len(classes))
        assert matrix.sum() == len(samples)
        assert matrix.sum(axis=1).tolist() == [counts[split][name] for name in classes]
        assert score == pytest.approx(np.trace(matrix) / matrix.sum())
    state = pipeline.state()
    json.dumps(state)  # JSON-ready: lists, not arrays
    assert state["confusion_test"] == pipeline.confusion_test.tolist()
    assert state["training"]["epochs_done"] == len(pipeline.history["loss"])


def test_builtin_with_colour_histograms_fills_both_matrices():
    pipeline = ImagePipeline()
    assert finish(pipeline.load("builtin")) == "done"
    assert pipeline.features_name == "efficientnet_lite0"  # no stored vectors in generated images
    job = pipeline.extract("color_histogram")
    assert job.name == "extract" and finish(job) == "done"
    assert pipeline.train_features.shape == (120, 512) and pipeline.test_features.shape == (80, 512)
    job = pipeline.train()
    assert job.name == "train" and finish(job) == "done", job.error
    check_results(pipeline)
    history = pipeline.history
    assert {len(history[key]) for key in ("loss", "val_loss", "accuracy", "val_accuracy")} == {DEFAULTS["epochs"]}
    assert history["loss"][-1] < history["loss"][0]
    state = pipeline.state()
    assert state["dataset"] == "builtin" and state["classes"] == ["apple", "banana", "lemon", "orange"]
    facts = {key: value for key, value in state["features"].items() if key != "images_per_second"}
    assert facts == {"name": "color_histogram", "dim": 512, "device": "cpu", "ready": True, "cache_hits": 0}
    assert state["training"]["status"] == "done" and state["training"]["loss"] == history["loss"][-1]
    ranked = pipeline.predict_sample("test", 0)
    assert [label for label, _ in ranked] != [] and sum(p for _, p in ranked) == pytest.approx(1, abs=1e-5)
    assert ranked == sorted(ranked, key=lambda pair: -pair[1])
    # The cells of the matrix hold exactly the samples the model answered that way.
    row = pipeline.dataset.classes.index(pipeline.dataset.test[0].label)
    col = pipeline.dataset.classes.index(pipeline.predictions["test"][0])
    assert 0 in pipeline.cell_members("test", row, col)
    assert len(pipeline.cell_members("test", row, col)) == pipeline.confusion_test[row, col]


def test_efficientnet_beats_the_baseline_and_predicts_a_new_png(tmp_path):
    pipeline = ImagePipeline()
    job = pipeline.run_all("builtin", features="efficientnet_lite0")
    assert job.name == "run_all" and finish(job, 300) == "done", job.error
    check_results(pipeline)
    baseline = pipeline.state()["baseline"]
    assert baseline["set"] == "test" and baseline["uniform"] == 0.25 and baseline["majority"] == 0.25
    assert pipeline.test_accuracy >= 0.25 + 0.4, pipeline.confusion_test

    # A test image saved as PNG (lossless) and read back goes through the same steps as the dataset's images.
    index = 5
    path = tmp_path / "fruit.png"
    assert cv2.imwrite(str(path), cv2.cvtColor(pipeline.dataset.test[index].image, cv2.COLOR_RGB2BGR))
    job = pipeline.predict_image(path)
    assert job.name == "predict" and finish(job) == "done", job.error
    expected = pipeline.predict_sample("test", index)
    assert [label for label, _ in job.result] == [label for label, _ in expected]
    assert [p for _, p in job.result] == pytest.approx([p for _, p in expected], abs=1e-4)

    notes = tmp_path / "notes.txt"
    notes.write_text("a shopping list, not a photo\n")
    job = pipeline.predict_image(notes)
    assert finish(job) == "failed"
    assert "notes.txt" in job.error and "not an image" in job.error
    assert "notes.txt" in pipeline.messages[-1] and "not an image" in pipeline.messages[-1]
    assert pipeline.model is not None  # a bad file changes nothing else


def test_stored_features_on_minifruit_reach_ninety_percent():
    if not (DATASETS / "miniFRUIT_train.json").exists():
        pytest.skip("no ../shared/datasets (the course's dataset files are not in this checkout)")
    pipeline = ImagePipeline()
    assert finish(pipeline.run_all(DATASETS / "miniFRUIT", "stored")) == "done", pipeline.job.error
    assert pipeline.features_name == "stored" and pipeline.train_features.shape == (30, 1024)
    check_results(pipeline)
    assert pipeline.test_accuracy >= 0.9
    job = pipeline.predict_image(pipeline.dataset.test[0].image)
    assert finish(job) == "failed" and STORED_CANNOT_PREDICT in job.error
    assert pipeline.messages[-1] == STORED_CANNOT_PREDICT


# ------------------------------------------------------------------------------------------- bad input


def test_truncated_dataset_file_fails_with_a_clear_message(tmp_path):
    spec = small_dataset(tmp_path / "data")
    train_file = Path(spec + "_train.json")
    train_file.write_bytes(train_file.read_bytes()[: train_file.stat().st_size // 2])
    pipeline = ImagePipeline()
    job = pipeline.load(spec)
    assert finish(job) == "failed"
    assert "colours_train.json" in job.error and "truncated" in job.error
    assert "truncated" in pipeline.messages[-1]
    assert pipeline.dataset is None


def test_undecodable_thumbnails_are_skipped_and_reported(tmp_path):
    spec = small_dataset(tmp_path / "data")
    train_file = Path(spec + "_train.json")
    document = json.loads(train_file.read_text())
    document["instances"][0]["thumbnail"] = "data:image/jpeg;base64," + base64.b64encode(b"not a jpeg").decode()
    train_file.write_text(json.dumps(document))
    pipeline = ImagePipeline()
    assert finish(pipeline.load(spec)) == "done"
    assert len(pipeline.dataset.train) == 23
    assert any("instance 1" in line and "does not decode" in line for line in pipeline.messages)
    assert pipeline.state()["problems"] == pipeline.dataset.problems != []
    assert finish(pipeline.train()) == "done"  # the 23 good images are enough
    check_results(pipeline)


def test_vector_of_the_wrong_length_is_skipped(tmp_path):
    train = colour_samples({"red": 6, "green": 6, "blue": 6}, seed=1, vector_length=8)
    train[3].x = np.zeros(5, dtype=np.float32)
    test = colour_samples({"red": 3, "green": 3, "blue": 3}, seed=2, vector_length=8)
    test[0].x = np.zeros(12, dtype=np.float32)
    spec = write_pair(tmp_path / "data", "colours", train, test)
    pipeline = ImagePipeline()
    assert finish(pipeline.run_all(spec, "stored")) == "done", pipeline.job.error
    assert any("x has 5 numbers where the others have 8" in line for line in pipeline.messages)
    assert any("x has 12 numbers where the others have 8" in line for line in pipeline.messages)
    assert pipeline.features_name == "stored"
    assert pipeline.train_features.shape == (17, 8) and pipeline.test_features.shape == (8, 8)
    check_results(pipeline)

    # A test file made with another network: not one vector fits the model, so there is nothing to test on.
    other = colour_samples({"red": 3, "green": 3, "blue": 3}, seed=3, vector_length=12)
    spec = write_pair(tmp_path / "other", "colours", train, other)
    assert finish(pipeline.run_all(spec, "stored")) == "done", pipeline.job.error
    assert "colours: no usable test images, so the model cannot be tested" in pipeline.messages
    assert pipeline.confusion_test.sum() == 0 and pipeline.test_accuracy is None
    assert pipeline.train_accuracy is not None and pipeline.state()["baseline"]["set"] == "train"


def test_class_without_training_images_is_reported_and_kept_in_the_matrix(tmp_path):
    spec = small_dataset(
        tmp_path / "data", train_counts={"red": 8, "green": 8}, test_counts={"red": 3, "green": 3, "blue": 2}
    )
    pipeline = ImagePipeline()
    assert finish(pipeline.run_all(spec, features="color_histogram")) == "done", pipeline.job.error
    assert "class 'blue' has no training images" in pipeline.messages
    assert pipeline.dataset.classes == ["blue", "green", "red"]
    check_results(pipeline)
    assert pipeline.confusion_test[0].sum() == 2 and pipeline.confusion_test[:, 0].sum() == 0
    assert per_class_accuracy(pipeline.confusion_train)[0] is None


def test_training_on_a_single_class_fails_clearly(tmp_path):
    spec = small_dataset(tmp_path / "data", train_counts={"red": 8}, test_counts={"red": 2, "green": 2})
    pipeline = ImagePipeline()
    job = pipeline.run_all(spec, features="color_histogram")
    assert finish(job) == "failed"
    assert "at least two classes" in job.error and "at least two classes" in pipeline.messages[-1]
    assert pipeline.state()["training"]["status"] == "failed"


def test_read_only_cache_still_computes_features(tmp_path):
    spec = small_dataset(tmp_path / "data", train_counts={"red": 3, "green": 3}, test_counts={"red": 1, "green": 1})
    # A file where the cache folder should be: no folder can be made under it, even for root, whom chmod
    # would not stop.
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    pipeline = ImagePipeline(cache_folder=blocked)
    assert finish(pipeline.load(spec)) == "done"
    job = pipeline.extract("efficientnet_lite0")
    assert finish(job, 300) == "done", job.error
    assert pipeline.train_features.shape == (6, 1280) and np.isfinite(pipeline.train_features).all()
    assert any("feature cache is read-only" in line for line in pipeline.messages)
    assert pipeline.state()["features"]["device"] == "cpu"


def test_bad_settings_and_requests_fail_with_messages(tmp_path):
    pipeline = ImagePipeline()
    job = pipeline.train()
    assert finish(job) == "failed" and "load a dataset first" in pipeline.messages[-1]
    assert pipeline.predict_sample("test", 0) == []  # no model yet: nothing to say, no error

    assert finish(pipeline.load(small_dataset(tmp_path / "data"))) == "done"
    pipeline.params["epochs"] = 0
    assert finish(pipeline.train()) == "failed" and "epochs" in pipeline.messages[-1]
    pipeline.params.update(epochs=3, hidden_layers="64, 32")
    assert finish(pipeline.train()) == "failed" and "hidden_layers" in pipeline.messages[-1]
    assert DEFAULTS["hidden_layers"] == [64, 32]  # editing params never touches the defaults

    assert finish(pipeline.extract("sift")) == "failed" and "color_histogram" in pipeline.messages[-1]
    pipeline.params.update(hidden_layers=[16])
    assert finish(pipeline.train()) == "failed"  # "sift" is still the chosen extractor
    pipeline.features_name = "stored"
    assert finish(pipeline.train()) == "done", pipeline.job.error
    assert len(pipeline.history["loss"]) == 3
    assert pipeline.predict_sample("valid", 0) == [] and "'valid'" in pipeline.messages[-1]
    assert pipeline.predict_sample("test", 99) == [] and "99" in pipeline.messages[-1]

    job = pipeline.load(tmp_path / "nowhere")
    assert finish(job) == "failed" and "unknown dataset" in job.error
    assert pipeline.dataset.name == "colours" and pipeline.model is not None  # a failed load keeps the old one


def test_stop_ends_a_long_training_and_keeps_what_was_learned(tmp_path):
    pipeline = ImagePipeline()
    assert finish(pipeline.load(small_dataset(tmp_path / "data"))) == "done"
    assert finish(pipeline.extract("color_histogram")) == "done"
    pipeline.params["epochs"] = 10_000  # the most a setting allows
    job = pipeline.train()
    deadline = time.monotonic() + 60
    while len(pipeline.history["loss"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pipeline.state()["training"]["status"] == "running"
    # Only one job at a time: asking again gives back the running one.
    assert pipeline.train() is job and pipeline.messages[-1].startswith("busy: train")
    assert pipeline.extract("pixels") is job and pipeline.features_name == "color_histogram"
    pipeline.stop()
    assert finish(job, 30) == "cancelled"
    done = len(pipeline.history["loss"])
    assert 3 <= done < 10_000
    state = pipeline.state()
    assert state["training"]["status"] == "cancelled" and state["training"]["epochs_done"] == done
    assert state["training"]["epochs"] == 10_000
    assert pipeline.model is not None and pipeline.model.epochs_done_ == done
    check_results(pipeline)
    assert any(line.startswith(f"stopped after {done} of 10000 epochs") for line in pipeline.messages)


def test_the_pipeline_imports_without_pygame_and_the_app_never_reads_the_runtime():
    """A notebook imports the pipeline with no display; the app is handed the frame count and the mouse."""
    code = (
        "import sys\nfrom mlcore.image_engine.pipeline import ImagePipeline\nimport mlcore.image_app\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pygame'))\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    readers = [
        str(path.relative_to(root))
        for path in (root / "mlcore" / "image_app").rglob("*.py")
        if "mlcore.runtime" in path.read_text()
    ]
    assert readers == []


def test_a_build_model_of_ones_own_is_what_trains(tmp_path):
    built = []

    def build_model(settings):
        built.append(settings)
        return MLPClassifier(hidden_layers=[5], activation="sigmoid", epochs=2, seed=settings["seed"])

    pipeline = ImagePipeline(build_model=build_model)
    assert finish(pipeline.load(small_dataset(tmp_path / "data"))) == "done"
    pipeline.params.update(seed=4)
    assert finish(pipeline.train()) == "done", pipeline.job.error
    assert built == [{**DEFAULTS, "seed": 4}]
    assert pipeline.state()["model"] == {"hidden_layers": [5], "activation": "sigmoid", "dropout": 0.0}
    assert pipeline.state()["training"]["epochs"] == 2 and len(pipeline.history["loss"]) == 2
    assert pipeline.job.result["epochs"] == 2 and pipeline.job.result["status"] == "done"

    pipeline.build_model = lambda settings: "a network"
    assert finish(pipeline.train()) == "failed" and "build_model gave str" in pipeline.messages[-1]
