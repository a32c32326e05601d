"""Export (X, or the Data page's button): any dataset as one file in the course's Marcelle format, with the current
extractor's vectors as `x` and the split as `datasetName`; dropping the file on the window or `--dataset FILE`
opens it again with the same images, labels and vectors."""

import errno
import json
from pathlib import Path

import numpy as np
import pytest

from driver import key, run_sketch
from mlcore.data import marcelle
from mlcore.data.datasets import load_dataset
from mlcore.data.marcelle import TEST_SET, TRAINING_SET
from mlcore.data.samples import Sample
from mlcore.image_engine.pipeline import ImagePipeline
from mlcore.ml import features
from test_image_classifier import DATA, FEATURES, TAB, at, env_for, run_batch, wait, write_png

BUILTIN_COUNTS = {
    "train": {"apple": 30, "banana": 30, "lemon": 30, "orange": 30},
    "test": {"apple": 20, "banana": 20, "lemon": 20, "orange": 20},
}


def instances(path):
    """(datasetName, label, id, x) of every instance of a Marcelle file, and its marcelleMeta."""
    document = json.loads(Path(path).read_text())
    rows = [
        (item["datasetName"], item["y"], item["id"], np.array(item["x"], dtype=np.float32))
        for item in document["instances"]
    ]
    return rows, document["marcelleMeta"]


def assert_same_instances(first, second):
    assert [row[:3] for row in first] == [row[:3] for row in second]
    for one, other in zip(first, second):
        assert np.array_equal(one[3], other[3])


def test_export_the_builtin_dataset_and_open_it_again_by_dropping_it_and_with_dataset(tmp_path, monkeypatch):
    env = env_for(tmp_path)
    exported = tmp_path / "first" / "builtin-marcelle.json"
    actions = (
        wait({"features.ready": True, "idle": True})
        + at(DATA.export_button.rect.center)
        + wait({"idle": True, "saved.export": "builtin-marcelle.json"})
    )
    first = run_sketch("image_classifier", actions, tmp_path / "first", "--features", "color_histogram", env=env)
    assert first.returncode == 0, first.output
    assert first.state["problem_messages"] == []
    rows, meta = instances(exported)
    assert meta["type"] == "dataset" and meta["features"] == "color_histogram" and meta["dim"] == 512
    assert meta["note"].startswith("x holds this sketch's color_histogram vectors (512 numbers)")
    assert "computes its own MobileNet v1 vectors (1024 numbers) from the thumbnails" in meta["note"]
    assert meta["note"] in " ".join(first.state["messages"])
    assert [name for name, *_ in rows] == [TRAINING_SET] * 120 + [TEST_SET] * 80
    # x is exactly the colour histogram of each image, in the dataset's order, with its label.
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path / "cache"))
    builtin = load_dataset("builtin")  # from the cache the run left
    samples = builtin.train + builtin.test
    assert [row[1] for row in rows] == [sample.label for sample in samples]
    expected = features.extract("color_histogram", [sample.image for sample in samples])
    assert np.array_equal(np.stack([row[3] for row in rows]), expected)

    dataset = load_dataset(exported)  # as a notebook would read it
    assert dataset.name == "builtin-marcelle" and dataset.counts() == BUILTIN_COUNTS
    assert dataset.meta["features"] == "color_histogram"

    # Dropped on the window: the dataset of every page, its stored vectors the export's x.
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + [{"type": "drop_file", "path": str(exported)}]
        + wait({"dataset": "builtin-marcelle", "idle": True})
        + at(TAB["Features"])
        + at(FEATURES.button_center("stored"))
        + at(FEATURES.button_center("Extract"))
        + wait({"features.ready": True, "idle": True})
        + key("x")
        + wait({"idle": True, "saved.export": "again.json"})
    )
    dropped = run_sketch("image_classifier", actions, tmp_path / "dropped", "--export", "again.json", env=env)
    assert dropped.returncode == 0, dropped.output
    state = dropped.state
    assert state["counts"] == BUILTIN_COUNTS and state["classes"] == ["apple", "banana", "lemon", "orange"]
    assert state["features"]["name"] == "stored" and state["features"]["dim"] == 512
    again, again_meta = instances(tmp_path / "dropped" / "again.json")
    assert_same_instances(again, rows)
    assert again_meta["features"] == "stored"
    assert again_meta["note"].startswith("x holds the vectors stored in the file this dataset came from, unchanged")

    # --dataset FILE: trains on the stored vectors like any course file.
    batch = run_batch(
        tmp_path / "batch", "--dataset", exported, "--features", "stored", "--train", "--epochs", "3", env=env
    )
    assert batch.returncode == 0, batch.output
    assert batch.state["dataset"] == "builtin-marcelle" and batch.state["counts"] == BUILTIN_COUNTS
    assert batch.state["training"]["status"] == "done" and batch.state["features"]["dim"] == 512


def test_an_image_folder_dataset_exports_with_its_split(tmp_path):
    folder = tmp_path / "fruit"
    for split, count in (("train", 3), ("test", 2)):
        for label in ("banana", "orange"):
            (folder / split / label).mkdir(parents=True)
            for i in range(count):
                write_png(folder / split / label / f"{i}.png", label, seed=i + (100 if split == "test" else 0))
    actions = wait({"idle": True}) + key("x") + wait({"idle": True, "saved.export": "out/fruit.json"})
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--dataset",
        folder,
        "--features",
        "pixels",
        "--export",
        "out/fruit.json",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    rows, meta = instances(tmp_path / "run" / "out" / "fruit.json")
    assert meta["features"] == "pixels"
    assert sorted((name, label) for name, label, *_ in rows) == sorted(
        [(TRAINING_SET, label) for label in ("banana", "orange") for _ in range(3)]
        + [(TEST_SET, label) for label in ("banana", "orange") for _ in range(2)]
    )
    assert load_dataset(tmp_path / "run" / "out" / "fruit.json").counts() == {
        "train": {"banana": 3, "orange": 3},
        "test": {"banana": 2, "orange": 2},
    }


def test_export_before_any_extraction_computes_the_vectors(tmp_path):
    pipeline = ImagePipeline(cache_folder=tmp_path / "cache")
    images = [np.full((224, 224, 3), value, np.uint8) for value in (10, 200, 60, 240)]
    train = [Sample(image=images[0], label="dark", id="a"), Sample(image=images[1], label="light", id="b")]
    test = [Sample(image=images[2], label="dark", id="c"), Sample(image=images[3], label="light", id="d")]
    pipeline.set_dataset(marcelle.make_dataset("tiny", train, test, []))
    job = pipeline.export_dataset(tmp_path / "tiny.json", "color_histogram", marcelle.features_note)
    job.wait()
    assert job.status == "done", job.error
    rows, meta = instances(tmp_path / "tiny.json")
    assert [(name, label, ident) for name, label, ident, _ in rows] == [
        (TRAINING_SET, "dark", "a"),
        (TRAINING_SET, "light", "b"),
        (TEST_SET, "dark", "c"),
        (TEST_SET, "light", "d"),
    ]
    assert all(row[3].shape == (512,) for row in rows) and meta["dim"] == 512
    assert np.array_equal(np.stack([row[3] for row in rows]), features.extract("color_histogram", images))


# ------------------------------------------------------------------------------------------------ a full disk


def test_an_export_to_a_full_disk_says_so_and_keeps_the_dataset(tmp_path, monkeypatch):
    pipeline = ImagePipeline(cache_folder=tmp_path / "cache")
    image = np.full((224, 224, 3), 90, np.uint8)
    samples = [Sample(image=image, label=label, id=label) for label in ("a", "b")]
    pipeline.set_dataset(marcelle.make_dataset("tiny", samples, list(samples), []))

    def full(path, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(marcelle, "write_atomically", full)
    job = pipeline.export_dataset(tmp_path / "tiny.json", "pixels", marcelle.features_note)
    job.wait()
    assert job.status == "failed"
    assert job.error == (
        f"cannot write to {tmp_path} (the disk is full): tiny.json not exported, the dataset is still here, unchanged"
    )
    assert pipeline.dataset.counts() == {"train": {"a": 1, "b": 1}, "test": {"a": 1, "b": 1}}
    assert not (tmp_path / "tiny.json").exists()


def test_an_export_under_a_file_is_one_message_and_the_window_goes_on(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "a-file").write_text("not a folder")
    actions = (
        wait({"features.ready": True, "idle": True})
        + key("x")
        + wait({"idle": True, "job.name": "export"})
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
        "2",
        "--export",
        "a-file/out.json",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    [said] = [m for m in state["problem_messages"] if "not exported" in m]
    assert (
        said
        == "cannot write to a-file (a file is in the way): out.json not exported, the dataset is still here, unchanged"
    )
    assert state["counts"] == BUILTIN_COUNTS and state["training"]["status"] == "done"
    assert "export" not in state["saved"]


@pytest.mark.parametrize(
    "content, why",
    [
        ('{"marcelleMeta": {"type": "model"}, "instances": []}', "a Marcelle 'model' file, not a dataset"),
        ('{"instances": [', "not valid JSON"),
    ],
)
def test_a_dropped_json_that_is_no_dataset_is_refused_and_the_dataset_stays(tmp_path, content, why):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + [{"type": "drop_file", "path": str(bad)}]
        + wait({"job.status": "failed", "idle": True})
    )
    run = run_sketch("image_classifier", actions, tmp_path / "run", env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    assert any(why in m for m in run.state["problem_messages"]), run.state["problem_messages"]
    assert run.state["dataset"] == "builtin" and run.state["counts"] == BUILTIN_COUNTS
