"""What the image classifier says when a step fails or a folder cannot be written: a batch run whose step fails
says so on one line and exits non-zero, saving steps included; a folder that cannot be written is said in words;
recordings that cannot be written are saved in the user's data folder, or the window asks before closing; a
tampered or foreign model file is refused and never run."""

import errno
import os
from pathlib import Path

import pytest

from driver import key, run_sketch
from mlcore.files import cannot_write
from test_image_classifier import env_for, run_batch, wait, write_png
from test_image_data_edits import recorded_classes
from test_webcam import hold, new_class


def test_a_failed_batch_step_is_one_line_on_stderr_and_exit_status_4(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"bad": ')
    run = run_batch(tmp_path / "dataset", "--dataset", broken, "--train")
    assert run.returncode == 4, run.output
    [line] = run.output.strip().splitlines()
    assert line.startswith("image_classifier: loading failed: broken.json: not valid JSON")
    assert line.endswith("(not done: training)")
    empty = tmp_path / "empty.model.pt"
    empty.write_bytes(b"")
    image = write_png(tmp_path / "banana.png")
    run = run_batch(tmp_path / "model", "--load-model", empty, "--predict", image)
    assert run.returncode == 4, run.output
    assert run.output.strip().splitlines() == [
        "image_classifier: loading the model failed: empty.model.pt: the file is empty (not done: predicting)"
    ]


def record_into_a_folder_that_cannot_be_written(tmp_path, data_home, actions_after):
    """Record a class from a folder of pictures into a collection under a regular file (nothing can be made there,
    even by root), with the user's data folder at `data_home`; returns the run."""
    camera = tmp_path / "camera"
    camera.mkdir()
    for index in range(4):
        write_png(camera / f"{index}.png", seed=index)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    actions = wait({"camera.status": "running"}) + new_class("red") + hold("r", 30) + actions_after
    env = env_for(tmp_path, XDG_DATA_HOME=str(data_home))
    return run_sketch(
        "image_classifier", actions, tmp_path / "run", "--camera", camera, "--collection", blocker / "kept", env=env
    )


def test_recordings_that_cannot_be_written_go_to_the_users_data_folder(tmp_path):
    run = record_into_a_folder_that_cannot_be_written(tmp_path, tmp_path / "data", [])
    assert run.returncode == 0, run.output
    count = run.state["collection"]["counts"]["red"]
    assert count > 0
    assert (
        f"collection kept (empty): {tmp_path / 'a_file' / 'kept'} cannot be written, so recordings stay in memory; "
        f"on quit they are saved in {tmp_path / 'data' / 'ml-sketches' / 'collections'}"
    ) in run.state["problem_messages"]
    assert not any("autosaved in" in message for message in run.state["messages"])
    [copy] = (tmp_path / "data" / "ml-sketches" / "collections").iterdir()
    assert len(list((copy / "red").glob("*.png"))) == count
    assert (
        f"cannot write to {tmp_path / 'a_file' / 'kept'} (a file is in the way): {count} images kept in memory only; "
        in (run.output)
    )
    assert f"the collection was saved in {copy} instead (--collection {copy})" in run.output


def test_recordings_that_cannot_be_written_anywhere_ask_before_closing_and_exit_3(tmp_path):
    no_data = tmp_path / "no_data"
    no_data.write_text("not a folder either")
    run = record_into_a_folder_that_cannot_be_written(
        tmp_path, no_data, key("escape", after=5) + wait({"idle": True}, after=10) + key("escape", after=5)
    )
    assert run.returncode == 3, run.output
    count = run.state["collection"]["counts"]["red"]
    assert count > 0
    assert "press Esc again to quit anyway (what could not be saved will be lost)" in run.state["runtime_messages"]
    said = (
        f"could not save your {count} recordings: cannot write to {tmp_path / 'a_file' / 'kept'} (a file is in the way)"
    )
    assert said in run.output and f"and cannot write to {no_data / 'ml-sketches'} (a file is in the way)" in run.output
    assert any(message.startswith(said) for message in run.state["problem_messages"])


def test_save_model_and_export_are_steps_of_a_batch_run_and_their_failure_is_one_line(tmp_path):
    env = env_for(tmp_path)
    options = ["--features", "color_histogram", "--train", "--epochs", "2"]
    run = run_batch(tmp_path / "saved", *options, "--save-model", "fruit.pt", "--export", "fruit.json", env=env)
    assert run.returncode == 0, run.output
    assert run.state["saved"] == {"model": "fruit.pt", "export": "fruit.json"}
    assert (tmp_path / "saved" / "fruit.pt").is_file() and (tmp_path / "saved" / "fruit.json").is_file()
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "a_file").write_text("not a folder")
    run = run_batch(
        tmp_path / "blocked", *options, "--save-model", "a_file/fruit.pt", "--export", "a_file/x.json", env=env
    )
    assert run.returncode == 4, run.output
    assert run.output.strip().splitlines() == [
        "image_classifier: saving the model failed: cannot write to a_file (a file is in the way): fruit.pt not saved "
        "(not done: exporting the dataset)"
    ]


@pytest.mark.parametrize(
    "number, reason",
    [
        (errno.EROFS, "read-only"),
        (errno.EACCES, "read-only"),
        (errno.ENOSPC, "the disk is full"),
        (errno.ENOTDIR, "a file is in the way"),
    ],
)
def test_a_folder_that_cannot_be_written_is_said_in_words(number, reason):
    error = OSError(number, os.strerror(number))
    assert cannot_write("/media/usb/fruit", error) == f"cannot write to /media/usb/fruit ({reason})"


def test_save_dataset_is_a_step_of_a_batch_run_and_its_failure_is_one_line(tmp_path):
    folder, _ = recorded_classes(tmp_path)
    env = env_for(tmp_path)
    options = ["--collection", folder, "--features", "color_histogram"]
    run = run_batch(tmp_path / "saved", *options, "--save-dataset", "mine-dataset", env=env)
    assert run.returncode == 0, run.output
    assert run.state["saved"]["dataset"] == "mine-dataset"
    assert (tmp_path / "saved" / "mine-dataset" / "mine_train.json").is_file()
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "a_file").write_text("not a folder")
    run = run_batch(tmp_path / "blocked", *options, "--save-dataset", "a_file/out", env=env)
    assert run.returncode == 4, run.output
    assert run.output.strip().splitlines() == [
        "image_classifier: saving the dataset failed: cannot write to a_file/out (a file is in the way): the dataset "
        "was not saved"
    ]


def test_a_tampered_or_foreign_model_file_is_refused_and_never_run(tmp_path):
    import torch

    marker = tmp_path / "ran"
    evil = tmp_path / "evil.pt"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    torch.save({"format": "ml-sketches-model", "version": 1, "state_dict": Payload()}, evil)
    foreign = tmp_path / "notes.pt"
    foreign.write_text("not a model")
    actions = (
        wait({"idle": True})
        + [{"type": "drop_file", "path": str(evil), "after": 2}]
        + wait({"idle": True})
        + [{"type": "drop_file", "path": str(foreign), "after": 2}]
        + wait({"idle": True})
    )
    run = run_sketch("image_classifier", actions, tmp_path, env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    problems = run.state["problem_messages"]
    assert not marker.exists()
    assert any(p.startswith("evil.pt: refused: it holds Python objects") for p in problems), problems
    assert any(p.startswith("notes.pt: not a model file") for p in problems), problems
    assert run.state["training"]["status"] == "idle" and "loaded_model" not in run.state["saved"]
    # A model file that is not there is the command line's one-line error, before any window opens.
    absent = run_sketch(
        "image_classifier", [], tmp_path / "absent", "--load-model", tmp_path / "absent.pt", env=env_for(tmp_path)
    )
    assert absent.returncode == 2
    assert f"argument --load-model: no such file: {tmp_path / 'absent.pt'}" in absent.output
