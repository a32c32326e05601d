"""Bad input in the image classifier, driven as a person meets it: an image that does not decode, a video that
cannot be opened, a save that cannot be written. Each gives one clear message, and nothing already collected (a
prediction, recorded images) is lost. (A camera lost mid-recording: tests/test_webcam.py; an export on a full
disk: tests/test_image_export.py.)"""

from pathlib import Path

import cv2
import numpy as np

from driver import run_image_classifier, run_sketch
from mlcore.data.collection import Collection
from test_image_classifier import env_for, wait, write_png
from test_webcam import clips, hold, key, new_class  # noqa: F401 (clips is a fixture: F811 where a test names it)


def drop(path, after=2):
    return [{"type": "drop_file", "path": str(path), "after": after}]


def test_an_image_that_does_not_decode_is_one_message_and_the_earlier_answer_stays(tmp_path):
    good = write_png(tmp_path / "lemon.png", "lemon")
    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)  # a JPEG's first bytes, then nothing of one
    actions = (
        wait({"training.status": "done", "idle": True})
        + drop(good)
        + wait({"idle": True})
        + drop(broken)
        + wait({"idle": True})
    )
    run = run_image_classifier(actions, tmp_path, "--train", "--epochs", "3", env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    state = run.state
    assert [m for m in state["problem_messages"] if "photo.jpg" in m] == [
        "photo.jpg: not an image that can be decoded (use a JPEG or PNG file)"
    ]
    [prediction] = state["predictions"]  # the answer about the good image is still there
    assert prediction["source"] == str(good)
    assert state["training"]["status"] == "done" and state["train_accuracy"] is not None


def test_a_video_that_cannot_be_opened_keeps_the_recorded_images(tmp_path, clips):  # noqa: F811
    broken = tmp_path / "holiday.avi"
    broken.write_text("this is not a video")
    collection = tmp_path / "mine"
    actions = (
        wait({"idle": True})
        + key("n")
        + wait({"camera.status": "running"})
        + new_class("red")
        + hold("r", 30)
        + drop(broken)
        + wait({"camera.status": "failed"}, timeout_s=20)
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--camera",
        clips["red"],
        "--collection",
        collection,
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    said = [m for m in state["problem_messages"] if "holiday.avi" in m]
    assert len(said) == 1 and "\n" not in said[0], state["problem_messages"]
    count = state["collection"]["counts"]["red"]
    assert count >= 2
    assert len(Collection.open(collection).samples) == count  # every recorded image is on disk
    assert len(list((collection / "red").glob("*.png"))) == count


def test_a_saved_dataset_that_cannot_be_written_is_one_message_and_the_recordings_stay(tmp_path, clips):  # noqa: F811
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "a-file").write_text("not a folder")
    collection = tmp_path / "mine"
    actions = (
        wait({"idle": True})
        + key("n")
        + wait({"camera.status": "running"})
        + new_class("red")
        + hold("r", 20)
        + new_class("blue")
        + hold("r", 20)
        + key("d")
        + wait({"idle": True, "job.name": "save_dataset"}, timeout_s=200)
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--camera",
        clips["red"],
        "--collection",
        collection,
        "--features",
        "color_histogram",
        "--save-dataset",
        "a-file/out",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    said = [m for m in state["problem_messages"] if "not saved" in m]
    assert said == ["cannot write to a-file/out (a file is in the way): the dataset was not saved"], state[
        "problem_messages"
    ]
    assert state["job"]["status"] == "failed" and "dataset" not in state["saved"]
    counts = state["collection"]["counts"]
    assert counts["red"] >= 2 and counts["blue"] >= 2
    assert {name: len(list((collection / name).glob("*.png"))) for name in counts} == counts
    assert not Path(tmp_path / "run" / "a-file").is_dir()


def test_a_broken_dataset_file_dropped_during_an_extraction_leaves_the_dataset_and_its_extraction(tmp_path):
    folder, rng = tmp_path / "shapes", np.random.default_rng(3)
    for number in range(60):  # a few dozen: each image costs the run frames, and the drop needs only the job running
        label, split = "abc"[number % 3], "test" if number % 5 == 0 else "train"
        (folder / split / label).mkdir(parents=True, exist_ok=True)
        picture = np.full((64, 64, 3), 80 * (number % 3), np.uint8) + rng.integers(0, 60, (64, 64, 3), np.uint8)
        cv2.imwrite(str(folder / split / label / f"{number}.png"), picture)
    broken = tmp_path / "broken.json"
    broken.write_text('{"this is": "not a dataset", ')
    # Dropped in the frame that sees the extraction running (waiting for torch, or extracting).
    actions = wait({"job.name": "extract", "job.status": "running"}) + drop(broken, after=0) + wait({"idle": True})
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path,
        "--dataset",
        folder,
        "--features",
        "color_histogram",
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    said = [m for m in state["messages"] if "broken.json" in m]
    assert said[0] == "reading broken.json; what runs now goes on until it is read", said  # dropped mid-extraction
    [problem] = [m for m in state["problem_messages"] if "broken.json" in m]
    assert problem.startswith("broken.json was not opened: ") and "the dataset and its work go on" in problem
    assert state["dataset"] == "shapes"
    assert state["features"]["ready"] and state["job"]["name"] == "extract" and state["job"]["status"] == "done"
