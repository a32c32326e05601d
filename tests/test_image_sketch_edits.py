"""The image classifier as a student edits it and as a script runs it: a bad knob is named and refused while the
data stays browsable; saving the file while it runs keeps the data, features, runs, model and page, with the knobs
the file changed; a batch run whose step fails says so on one line and exits non-zero; recordings that cannot be
written are saved elsewhere or the window asks before closing."""

import errno
import os

import pytest

from driver import key, run_sketch
from mlcore.files import cannot_write
from test_image_classifier import env_for, run_batch, wait, write_png
from test_image_data_edits import recorded_classes
from test_reload import Editor
from test_student_mistakes import line_of, student_copy
from test_webcam import hold, new_class

IDLE = wait({"idle": True, "dataset": "builtin"})


def test_bad_knobs_are_named_t_refuses_and_the_data_stays_browsable(tmp_path):
    edits = [("EPOCHS = 15\n", "EPOCHS = 0\n"), ("FEATURES = None ", 'FEATURES = "resnet" ')]
    sketch, source = student_copy(tmp_path, edits, name="image_classifier")
    run = run_sketch(sketch, IDLE + key("t") + key("2", after=5), sketch.parent, env=env_for(tmp_path))
    epochs = "EPOCHS must be a whole number from 1 to 10000 (it is 0)"
    features = 'FEATURES must be None or one of "stored", "efficientnet_lite0", "mobilenet_v3_small"'
    features_line = next(n for n, text in enumerate(source.splitlines(), 1) if text.startswith('FEATURES = "resnet"'))
    messages = run.state["runtime_messages"]  # in the order of the file's lines, each once
    assert len(messages) == 2 and messages[0].startswith(f"my_image_classifier.py:{features_line}: {features}")
    assert messages[1] == f"my_image_classifier.py:{line_of(source, 'EPOCHS = 0')}: {epochs}"
    assert "Traceback" not in run.output and run.returncode == 1, run.output
    state = run.state
    assert state["dataset"] == "builtin" and state["page"] == "Features"  # the data loaded, the pages go on
    assert epochs in state["problem_messages"] and state["training"]["status"] == "idle"  # T refused in its words


def test_a_reload_keeps_the_work_the_edited_knobs_win_and_one_training_process_runs(tmp_path):
    folder = tmp_path / "student"
    sketch, _ = student_copy(tmp_path, [], name="image_classifier")
    edits = [
        [("EPOCHS = 15\n", "EPOCHS = 3\n")],
        [("HIDDEN_LAYERS = [64, 32] ", "HIDDEN_LAYERS = [16] ")],
        [('TITLE = "Image classifier"', 'TITLE = "Fruit"')],
    ]
    trained = wait({"training.status": "done", "idle": True})
    actions = IDLE + key("t") + trained + key("4")  # trained once, then the Testing page
    for count in (1, 2, 3):  # M writes the model file: the editor then saves the sketch once
        actions += key("m") + wait({"reloads.done": count, "idle": True})
    actions += key("t") + trained
    editor = Editor(folder, sketch, edits, pattern="*.model.pt")
    editor.start()
    try:
        env = env_for(tmp_path)
        run = run_sketch(sketch, actions, folder, "--features", "color_histogram", "--reload", env=env, timeout=600)
    finally:
        editor.finished.set()
        editor.join(timeout=10)
    assert run.returncode == 0, run.output
    state = run.state
    assert state["reloads"] == {"done": 3, "failed": 0} and len(editor.done) == 3
    assert state["dataset"] == "builtin" and state["features"]["name"] == "color_histogram"
    assert len(state["runs"]) == 2 and state["page"] == "Testing"  # the first run kept, the page too
    assert state["params"]["epochs"] == 3 and state["params"]["hidden_layers"] == [16]
    assert len(state["training"]["loss"]) == 3  # the second training used the edited knobs
    assert (
        "the file changed EPOCHS = 3" in state["messages"]
        and "the file changed HIDDEN_LAYERS = [16]" in (state["messages"])
    )
    assert state["process"]["child_processes"] == 1  # one training process after three reloads


def test_a_bad_knob_saved_while_it_runs_is_named_t_refuses_and_its_fix_trains(tmp_path):
    sketch, _ = student_copy(tmp_path, [], name="image_classifier")
    edits = [[("EPOCHS = 15\n", "EPOCHS = 0\n")], [("EPOCHS = 0\n", "EPOCHS = 2\n")]]
    refused = "EPOCHS must be a whole number from 1 to 10000 (it is 0)"
    actions = (
        wait({"idle": True, "features.ready": True, "reloads.done": 1})  # the session written: the first edit
        + key("t")
        + key("2", after=5)  # the page changes, the session is written again: the fix
        + wait({"reloads.done": 2})
        + key("t")
        + wait({"training.status": "done", "idle": True})
    )
    env = env_for(tmp_path)
    editor = Editor(tmp_path / "cache" / "session", sketch, edits, pattern="*.npz")  # cued by the session's writes
    editor.start()
    try:
        run = run_sketch(sketch, actions, sketch.parent, "--features", "color_histogram", "--reload", env=env)
    finally:
        editor.finished.set()
        editor.join(timeout=10)
    assert run.returncode == 1, run.output  # the bad knob was an error of the sketch's, shown while it lasted
    state = run.state
    assert state["reloads"] == {"done": 2, "failed": 0}
    assert refused in state["problem_messages"] and len(state["runs"]) == 1  # T refused once, then trained
    assert state["params"]["epochs"] == 2 and len(state["training"]["loss"]) == 2
    assert "the file changed EPOCHS = 2" in state["messages"]
    assert not any(refused in message for message in state["runtime_bar"])  # the fix took the knob off the red bar


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


def test_a_knob_edited_since_the_last_session_wins_over_its_setting(tmp_path):
    env = env_for(tmp_path)
    sketch, _ = student_copy(tmp_path, [("EPOCHS = 15\n", "EPOCHS = 2\n")], name="image_classifier")
    trained = wait({"training.status": "done", "idle": True}) + wait({"session.up_to_date": True})
    first = run_sketch(sketch, IDLE + key("t") + trained, sketch.parent, "--features", "color_histogram", env=env)
    assert first.returncode == 0 and first.state["params"]["epochs"] == 2, first.output
    sketch.write_text(sketch.read_text().replace("EPOCHS = 2\n", "EPOCHS = 3\n"))
    restored = wait({"session.restoring": False, "training.status": "done", "idle": True})
    again = run_sketch(sketch, restored, sketch.parent, "--restore", env=env)
    assert again.returncode == 0, again.output
    state = again.state
    assert len(state["runs"]) == 1 and state["training"]["epochs"] == 2  # the session's run and model came back
    assert state["params"]["epochs"] == 3 and state["params"]["hidden_layers"] == [64, 32]
    assert "the file changed EPOCHS = 3 since the last session: used instead of the session's" in state["messages"]


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


def test_a_bad_width_lays_the_app_out_at_the_size_the_runtime_opens_the_window_at():
    from mlcore.image_app import knobs
    from mlcore.knob_rules import DEFAULT_SIZE

    assert knobs.window_size({"WIDTH": "1200", "HEIGHT": 660}) == {"width": DEFAULT_SIZE[0], "height": 660}
    assert knobs.window_size({"WIDTH": 1200, "HEIGHT": 660}) == {}  # good knobs: the app reads them itself
