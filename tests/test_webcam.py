"""Your own classes from a camera, end to end: record, train, Live, save and load the dataset and the model.

There is no webcam here: `--camera PATH` plays generated videos (a red disc, a blue square) through the same code
as a webcam, and dropping a video on the window switches the camera to it, as a teacher would. Every run is a
separate process with its own cache (ML_SKETCHES_CACHE in a temporary folder), which holds the built-in dataset
already, as after a first start (test_image_classifier.env_for).
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from driver import ROOT, click, key, run_sketch
from mlcore.data.collection import Collection
from mlcore.data.datasets import load_dataset
from sketches.image_classifier import RECORD_RATE
from sketches.image_classifier import app as LAYOUT  # only its geometry is used here: it never runs in-process
from test_image_classifier import env_for

DATA, DEPLOYMENT = LAYOUT.pages[0], LAYOUT.pages[4]
VIEW = LAYOUT.collector


def wait(until, timeout_s=120, after=1):
    return [{"type": "wait", "until": until, "timeout_s": timeout_s, "after": after}]


def typed(text):
    actions = []
    for character in text:
        actions += key(character)
    return actions


def hold(name, frames):
    """Hold a key down for `frames` frames, as a person holds R to record."""
    return [{"type": "key_down", "key": name, "after": 2}, {"type": "key_up", "key": name, "after": frames}]


def hold_button(point, frames):
    """Hold the mouse down on a button for `frames` frames."""
    x, y = point
    return [{"type": "mouse_down", "x": x, "y": y, "after": 2}, {"type": "mouse_up", "x": x, "y": y, "after": frames}]


def new_class(name):
    return click(*VIEW.button_center("name")) + typed(name) + key("return")


def scene(kind, index):
    """A frame of the red-disc or the blue-square clip, moving a little and noisy, as a camera's are."""
    rng = np.random.default_rng([index, kind == "red"])
    image = np.full((120, 160, 3), 200, np.uint8)
    x = 40 + (3 * index) % 80
    if kind == "red":
        cv2.circle(image, (x, 60), 30, (220, 0, 0), -1)
    else:
        cv2.rectangle(image, (x - 25, 35), (x + 25, 85), (0, 60, 220), -1)
    return np.clip(image.astype(int) + rng.integers(-15, 15, image.shape), 0, 255).astype(np.uint8)


def make_clip(path, kind, frames=300):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (160, 120))
    assert writer.isOpened()
    for index in range(frames):
        writer.write(cv2.cvtColor(scene(kind, index), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    # The blue clip plays on through recording and training on a slow machine: its end would be a problem message.
    red, blue = make_clip(folder / "red.avi", "red"), make_clip(folder / "blue.avi", "blue", frames=1200)
    still = folder / "red.png"
    cv2.imwrite(str(still), cv2.cvtColor(scene("red", 100), cv2.COLOR_RGB2BGR))
    return {"red": red, "blue": blue, "still": still}


def id_time(sample_id):
    """When a recording was taken, read from its id (20250101-120000-123456-abcd)."""
    return datetime.strptime(sample_id[:22], "%Y%m%d-%H%M%S-%f").timestamp()


# ------------------------------------------------------------------------------------------------ end to end


def test_record_two_classes_train_live_save_and_load_back(tmp_path, clips):
    first = tmp_path / "first"
    actions = (
        wait({"idle": True})
        # Step 1: New dataset opens the camera (the red clip); a class is named, then recorded with R held.
        + click(*DATA.button_center("New dataset"))
        + wait({"camera.status": "running"})
        + new_class("red")
        + hold("r", 90)
        # The blue clip dropped on the window becomes the camera; the Record button is held with the mouse.
        + [{"type": "drop_file", "path": str(clips["blue"]), "after": 2}]
        + wait({"camera.status": "running"})
        + click(*VIEW.button_center("name"))
        + typed("blue")
        + click(*VIEW.button_center("Add"))
        + hold_button(VIEW.button_center("Record"), 90)
        # Step 3: T uses the recordings as the dataset (80 / 20 in each class), extracts and trains.
        + key("t")
        + wait({"training.status": "done", "idle": True}, timeout_s=240)
        # Step 5: Live classifies the camera (still the blue clip); then save the model and the dataset.
        + key("5")
        + key("l")
        + wait({"live.ready": True})
        + wait({"live.wanted": True}, after=90)
        + click(*DEPLOYMENT.button_center("Save model"))
        + key("d")
        + wait({"idle": True})
        + [{"type": "drop_file", "path": str(clips["still"]), "after": 2}]
        + wait({"idle": True})
    )
    run = run_sketch("image_classifier", actions, first, "--camera", clips["red"], env=env_for(first), timeout=400)
    assert run.returncode == 0, run.output
    state = run.state
    assert state["problem_messages"] == []
    collection = state["collection"]
    assert collection["classes"] == ["red", "blue"] and collection["unsaved"] == 0
    counts = collection["counts"]
    assert all(count >= 6 for count in counts.values()), counts  # 90 frames at 60 a second, 8 pictures a second
    # The dataset of every page is the collection, split 80 / 20 in each class.
    assert state["dataset"] == "my_classes" and state["classes"] == ["blue", "red"]
    for name in ("red", "blue"):
        assert state["counts"]["train"][name] + state["counts"]["test"][name] == counts[name]
        assert state["counts"]["test"][name] == round(counts[name] * 0.2)
    assert state["features"]["name"] == "efficientnet_lite0" and state["test_accuracy"] == 1.0
    # Live: the bars follow the blue clip, fast.
    live = state["live"]
    assert live["extractor"] == "efficientnet_lite0" and live["result"][0][0] == "blue" and live["count"] >= 10
    assert live["rate"] > 0, live  # how fast is a figure of benchmarks/bench_live.py, not a test on a shared machine
    [prediction] = state["predictions"]
    assert prediction["label"] == "red" and prediction["source"] == str(clips["still"])

    # Recorded at a steady rate, and autosaved: the folder opens with the same images.
    folder = Path(collection["folder"])
    assert folder == first / "cache" / "collections" / "my_classes"
    saved = Collection.open(folder)
    assert saved.counts() == counts
    times = sorted(id_time(sample.id) for sample in saved.samples if sample.label == "red")
    gaps = np.diff(times)
    assert np.median(gaps) == pytest.approx(1 / RECORD_RATE, rel=0.3), gaps

    # The dataset travels: the Marcelle files and the image folders give back the same images and labels.
    paths = state["saved"]
    assert paths["dataset"] == "my_classes-dataset" and paths["model"] == "my_classes.model.pt"
    expected = saved.split(test_fraction=0.2, seed=0)
    marcelle = load_dataset(first / "my_classes-dataset")
    images = load_dataset(first / "my_classes-dataset" / "images")
    for loaded in (marcelle, images):  # image folders name each image by its path: train/red/<id>.png
        for split in ("train", "test"):
            want = sorted((sample.id, sample.label) for sample in getattr(expected, split))
            assert sorted((Path(sample.id).stem, sample.label) for sample in getattr(loaded, split)) == want
    pixels = {sample.id: sample.image for sample in expected.train + expected.test}
    for sample in images.train + images.test:
        assert np.array_equal(sample.image, pixels[Path(sample.id).stem])
    for sample in marcelle.train + marcelle.test:
        assert np.abs(sample.image.astype(int) - pixels[sample.id]).mean() < 6  # JPEG thumbnails
        assert sample.x is not None and len(sample.x) == 1280  # this sketch's vectors, for the course app

    # A second run: the saved dataset and model come back; the model answers as it did, live and for a file.
    second = tmp_path / "second"
    actions = wait({"idle": True}) + wait({"live.ready": True}) + wait({"idle": True}, after=30)
    again = run_sketch(
        "image_classifier",
        actions,
        second,
        "--dataset",
        first / "my_classes-dataset",
        "--load-model",
        first / "my_classes.model.pt",
        "--predict",
        clips["still"],
        "--camera",
        clips["still"],
        "--live",
        env=env_for(second),
        timeout=300,
    )
    assert again.returncode == 0, again.output
    state2 = again.state
    assert state2["problem_messages"] == [] and state2["training"]["status"] == "idle"  # loaded, not trained
    assert state2["counts"] == state["counts"] and state2["saved"]["loaded_model"].endswith("my_classes.model.pt")
    [prediction2] = state2["predictions"]
    assert prediction2["label"] == "red"
    for name, p in prediction["probabilities"].items():
        assert prediction2["probabilities"][name] == pytest.approx(p, abs=1e-3)
    # Live sees the same picture through the camera: the same answer as the file.
    assert dict(state2["live"]["result"]) == pytest.approx(prediction2["probabilities"], abs=0.02)


def test_classes_are_renamed_and_deleted_and_the_collection_opens_again(tmp_path, clips):
    folder = tmp_path / "fruit_classes"
    actions = (
        wait({"camera.status": "running"})  # --collection opens the New dataset view and the camera at once
        + new_class("redd")
        + hold("space", 60)
        + click(*VIEW.button_center("name"))
        + typed("red")
        + click(*VIEW.button_center("Rename"))
        + new_class("spare")
        + hold("r", 30)
        + click(*VIEW.button_center("Delete"))
        + click(*VIEW.button_center("Delete"))  # asked, then confirmed
        + new_class("blue")
        + hold("r", 60)
        + click(*VIEW.button_center("Use"))
        + wait({"idle": True, "dataset": "fruit_classes"})
    )
    run = run_sketch(
        "image_classifier", actions, tmp_path, "--collection", folder, "--camera", clips["red"], env=env_for(tmp_path)
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["collection"]["classes"] == ["red", "blue"] and state["collecting"] is False
    assert any(m.startswith("click Delete again to delete 'spare'") for m in state["problem_messages"])
    assert sorted(path.name for path in folder.iterdir() if path.is_dir()) == ["blue", "red"]
    assert len(list((folder / "red").glob("*.png"))) == state["collection"]["counts"]["red"] > 0
    # The folder opens again in a batch run, which trains on it with no camera and no clicks.
    batch = [
        sys.executable,
        "-m",
        "sketches.image_classifier",
        "--headless",
        "--quit-when-idle",
        "--collection",
        str(folder),
        "--features",
        "color_histogram",
        "--train",
        "--epochs",
        "3",
        "--state-json",
        str(tmp_path / "batch.json"),
    ]
    done = subprocess.run(
        batch,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env_for(tmp_path)),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    batch_state = json.loads((tmp_path / "batch.json").read_text())
    assert batch_state["dataset"] == "fruit_classes" and batch_state["training"]["status"] == "done"
    assert batch_state["collection"]["counts"] == state["collection"]["counts"]
    assert batch_state["camera"]["status"] == "closed" and batch_state["problem_messages"] == []


# ------------------------------------------------------------------------------------------------ failures


def test_use_this_dataset_needs_two_classes_with_images(tmp_path, clips):
    folder = tmp_path / "one_class"
    actions = (
        wait({"camera.status": "running"})
        + new_class("red")
        + hold("r", 40)
        + new_class("blue")
        + click(*VIEW.button_center("Use"))
        + wait({"idle": True})
    )
    run = run_sketch(
        "image_classifier", actions, tmp_path, "--collection", folder, "--camera", clips["red"], env=env_for(tmp_path)
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["collection"]["counts"]["red"] > 0 and state["collection"]["counts"]["blue"] == 0
    assert (
        "a dataset needs at least two classes with at least one image each; only 'red' has images: record "
        "another class first"
    ) in state["problem_messages"]
    assert state["dataset"] == "builtin" and state["collecting"] is True  # nothing changed; the red images kept
    assert len(list((folder / "red").glob("*.png"))) == state["collection"]["counts"]["red"]


def test_the_default_run_never_opens_a_camera(tmp_path):
    run = run_sketch(
        "image_classifier", wait({"idle": True}) + key("5") + key("l"), tmp_path, "--camera", "7", env=env_for(tmp_path)
    )
    assert run.returncode == 0, run.output
    assert run.state["camera"] == {"source": "7", "status": "closed", "error": "", "fps": 0.0, "frames": 0}
    assert "no model yet: train one (page 3) or load one, then press Live" in run.state["problem_messages"]


@pytest.mark.parametrize(
    "source, says",
    [
        ("7", "no camera 7: check that a webcam is plugged in, or use --camera PATH"),
        (  # a number OpenCV itself refuses, with an error of its own: still a sentence
            "99999999999999999999",
            "no camera 99999999999999999999: check that a webcam is plugged in, or use --camera PATH",
        ),
        ("missing.avi", "missing.avi: no such file or folder"),
    ],
)
def test_no_camera_says_so_and_the_view_still_works(tmp_path, source, says):
    actions = (
        wait({"idle": True})
        + key("n")
        + wait({"camera.status": "failed"}, timeout_s=20)
        + new_class("thumbs up")
        + hold("r", 5)
    )
    run = run_sketch("image_classifier", actions, tmp_path, "--camera", source, env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    state = run.state
    assert any(says in message for message in state["problem_messages"]), state["problem_messages"]
    assert state["collection"]["classes"] == ["thumbs up"] and state["collection"]["counts"] == {"thumbs up": 0}


def test_a_camera_that_stops_mid_recording_keeps_the_frames(tmp_path):
    # A folder of pictures plays on and on, like a webcam; its pictures taken away while R is held are a camera
    # unplugged mid-recording.
    source = tmp_path / "frames"
    source.mkdir()
    for index in range(30):
        cv2.imwrite(str(source / f"{index:02d}.png"), cv2.cvtColor(scene("red", index), cv2.COLOR_RGB2BGR))
    collection = tmp_path / "kept"
    actions = (
        wait({"camera.status": "running"})
        + new_class("red")
        + [{"type": "key_down", "key": "r", "after": 2}]
        + wait({"camera.status": "failed"}, timeout_s=120)
        + [{"type": "key_up", "key": "r"}]
    )
    runs = []
    sketch = threading.Thread(
        target=lambda: runs.append(
            run_sketch(
                "image_classifier",
                actions,
                tmp_path / "run",
                "--camera",
                source,
                "--collection",
                collection,
                env=env_for(tmp_path),
                timeout=300,
            )
        )
    )
    sketch.start()
    while sketch.is_alive() and len(list((collection / "red").glob("*.png"))) < 3:
        time.sleep(0.05)
    for picture in source.glob("*.png"):
        picture.unlink()
    sketch.join(300)
    [run] = runs
    assert run.returncode == 0, run.output
    state = run.state
    count = state["collection"]["counts"]["red"]
    assert count >= 3
    stopped = [m for m in state["problem_messages"] if "recording stopped" in m]
    assert stopped and stopped[0].startswith("frames: none of its images could be read: recording stopped")
    assert f"(red: {count})" in stopped[0]
    assert len(list((collection / "red").glob("*.png"))) == count


def test_a_crash_while_recording_loses_at_most_the_last_second(tmp_path, clips):
    collection = tmp_path / "kept"
    replay = tmp_path / "replay.jsonl"
    actions = (
        wait({"camera.status": "running"})
        + new_class("red")
        + [{"type": "key_down", "key": "r"}]
        + wait({"never": True}, timeout_s=120)
    )
    replay.write_text("".join(json.dumps(action) + "\n" for action in actions))
    command = [
        sys.executable,
        "-m",
        "sketches.image_classifier",
        "--headless",
        "--replay",
        str(replay),
        "--collection",
        str(collection),
        "--camera",
        str(clips["red"]),
    ]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env_for(tmp_path)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(list((collection / "red").glob("*.png"))) < 10:
            time.sleep(0.1)
        assert len(list((collection / "red").glob("*.png"))) >= 10, "nothing was recorded"
        time.sleep(0.5)
        killed_at = time.time()
        process.send_signal(signal.SIGKILL)  # no quitting(), no flush: as a power cut would
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    kept = Collection.open(collection)
    newest = max(id_time(sample.id) for sample in kept.samples)
    assert killed_at - newest < 1.0
    assert kept.problems == []  # no half-written picture
