"""The image classifier continues where the last session stopped: the dataset with its edits, the features, the
trained model, the runs table and the page come back with --restore, or when the line offered on start is accepted
with Enter; any other key dismisses it. A damaged session file is one message, and the sketch starts afresh.

Every run is a separate process; the session lives in the run's cache folder (ML_SKETCHES_CACHE), never elsewhere.
"""

import json

import numpy as np
import pytest

from driver import key, run_sketch
from mlcore.data.datasets import load_dataset
from mlcore.image_engine.session_file import SessionError, read_session, session_path, write_session
from mlcore.image_engine.session_state import SessionWriter, describe
from mlcore.ml.numpy_mlp import NumpyMLP
from test_image_classifier import TAB, at, env_for, run_batch, wait, write_png
from test_image_data_edits import DATA, DELETE, MOVE, edit, edit_and_save_own_classes, recorded_classes
from test_image_export import BUILTIN_COUNTS

RESTORED = {"session.restoring": False, "training.status": "done", "idle": True}
SAME = (
    "dataset",
    "classes",
    "counts",
    "edits",
    "features",
    "confusion_train",
    "confusion_test",
    "train_accuracy",
    "test_accuracy",
    "runs",
    "run_shown",
    "page",
    "params",
)


def same_session(state, first):
    """The keys a restored session must give back exactly as the first run left them."""
    for name in SAME:
        if name == "features":
            assert {k: state[name][k] for k in ("name", "dim", "ready")} == {
                k: first[name][k] for k in ("name", "dim", "ready")
            }
        else:
            assert state[name] == first[name], name
    for curve in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert state["training"][curve] == first["training"][curve], curve


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """A session worth continuing: builtin, colour histograms, one image deleted and one moved to the test set, a
    training of 3 epochs, a new image classified, and the Training page last. (folder, image, state, the models its
    session file kept, read before any other run wrote it again)"""
    folder = tmp_path_factory.mktemp("session")
    png = write_png(folder / "banana.png")
    actions = (
        wait({"features.ready": True, "idle": True})
        + edit(DATA.train_grid, 0, DELETE)
        + edit(DATA.train_grid, 3, MOVE)
        + at(TAB["Training"])
        + key("t")
        + wait({"training.status": "done", "idle": True})
        + [{"type": "drop_file", "path": str(png), "after": 2}]
        + wait({"idle": True, "page": "Deployment"})
        + at(TAB["Training"])
        + wait({"session.up_to_date": True, "page": "Training"})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        folder / "first",
        "--features",
        "color_histogram",
        "--epochs",
        "3",
        "--layers",
        "16",
        env=env_for(folder),
    )
    assert run.returncode == 0, run.output
    return folder, png, run.state, read_session(session_path(folder / "cache"))[1]


def test_the_session_is_written_in_the_cache_folder_only(first):
    folder, _, state, _ = first
    path = session_path(folder / "cache")
    assert state["session"]["path"] == str(path) and path.is_file()
    assert state["problem_messages"] == []
    session, models = read_session(path)
    assert session["dataset"] == "builtin" and session["page"] == "Training" and len(session["edits"]) == 2
    assert session["extracted"] == "color_histogram" and len(session["runs"]) == 1
    [model] = models.values()  # the model of the only run, kept once
    assert type(model).__name__ == "NumpyMLP" and model.classes_ == state["classes"]
    # Nothing but the session and the run's own files beside it: no stray temporary file.
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert not list((folder / "first").glob("*.npz"))


def test_restore_brings_back_the_data_edits_model_runs_and_page(first):
    folder, _, state, _ = first
    counts = {split: dict(per_class) for split, per_class in BUILTIN_COUNTS.items()}
    assert state["counts"] != counts and len(state["edits"]) == 2 and state["train_accuracy"] is not None
    again = run_sketch("image_classifier", wait(RESTORED), folder / "restored", "--restore", env=env_for(folder))
    assert again.returncode == 0, again.output
    restored = again.state
    same_session(restored, state)
    assert restored["model"] == state["model"]
    assert restored["problem_messages"] == []
    assert restored["messages"][-1].startswith("continued the last session: builtin, 2 edits")
    assert restored["session"]["offer"] is None


def test_the_restored_model_predicts_the_same(first):
    folder, png, state, _ = first
    [answer] = [a for a in state["predictions"] if a["source"] == str(png)]
    run = run_batch(folder / "predict", "--restore", "--predict", png, env=env_for(folder))
    assert run.returncode == 0, run.output
    [again] = run.state["predictions"]
    assert again["label"] == answer["label"] and again["probabilities"] == answer["probabilities"]
    assert f"{png}: {answer['label']} (" in run.stdout
    # A batch run never writes the session: the file is the one the first run left.
    assert read_session(session_path(folder / "cache"))[0]["page"] == "Training"


def test_the_offer_line_accepted_with_enter_then_an_edit_undone(first):
    folder, _, state, _ = first
    offer = "builtin, 2 edits, color_histogram features, a trained model, 1 run, Training page"
    actions = (
        wait({"session.offer": offer, "idle": True})
        + key("return")
        + wait(RESTORED)
        + [{"type": "wait", "until": {"session.up_to_date": True}, "timeout_s": 60, "after": 1}]
    )
    run = run_sketch("image_classifier", actions, folder / "offered", env=env_for(folder))
    assert run.returncode == 0, run.output
    same_session(run.state, state)
    assert run.state["session"]["offer"] is None
    # The edits made again can be undone, and the session follows: one edit left, the model gone with the data.
    undone = run_sketch(
        "image_classifier",
        actions + key("u") + wait({"idle": True, "session.up_to_date": True}),
        folder / "undone",
        env=env_for(folder),
    )
    assert undone.returncode == 0, undone.output
    assert undone.state["edits"] == state["edits"][:1] and undone.state["model"] is None
    session, models = read_session(session_path(folder / "cache"))
    assert len(session["edits"]) == 1 and session["model"] is None and len(session["runs"]) == 1


def test_any_other_key_dismisses_the_offer_and_starts_afresh(first):
    folder, _, _, _ = first
    offer = describe(read_session(session_path(folder / "cache"))[0])
    actions = wait({"session.offer": offer, "idle": True}) + key("2") + wait({"idle": True, "session.up_to_date": True})
    run = run_sketch("image_classifier", actions, folder / "dismissed", env=env_for(folder))
    assert run.returncode == 0, run.output
    state = run.state
    assert state["session"]["offer"] is None and state["page"] == "Features"  # the key did what it does, too
    assert state["edits"] == [] and state["counts"] == BUILTIN_COUNTS and state["runs"] == []
    session, models = read_session(session_path(folder / "cache"))  # the fresh start is the session now
    assert session["edits"] == [] and session["model"] is None and models == {}


@pytest.mark.parametrize("content", [b"not a session at all", b"PK\x03\x04" + bytes(200)])
def test_a_damaged_session_file_is_one_message_and_a_fresh_start(tmp_path, content):
    path = session_path(tmp_path / "cache")
    path.parent.mkdir(parents=True)
    for name, options in (("offered", []), ("restored", ["--restore"])):
        path.write_bytes(content)  # the first run started afresh, and its session replaced the damaged file
        run = run_sketch(
            "image_classifier",
            wait({"idle": True, "dataset": "builtin"}),
            tmp_path / name,
            *options,
            env=env_for(tmp_path),
        )
        assert run.returncode == 0, run.output
        state = run.state
        [said] = state["problem_messages"]
        assert said.startswith(f"the last session ({path}) is damaged") and said.endswith(": starting afresh")
        assert state["counts"] == BUILTIN_COUNTS and state["session"]["offer"] is None


def test_your_own_classes_come_back_with_their_edits(tmp_path):
    folder, camera = recorded_classes(tmp_path)
    first = edit_and_save_own_classes(tmp_path, folder, camera)
    assert len(first["edits"]) == 2
    actions = wait({"session.restoring": False, "idle": True, "dataset": "mine"}) + key("d") + wait({"idle": True})
    again = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "again",
        "--restore",
        "--camera",
        camera,
        "--save-dataset",
        "again",
        env=env_for(tmp_path),
    )
    assert again.returncode == 0, again.output
    state = again.state
    assert state["problem_messages"] == []
    for name in ("dataset", "classes", "counts", "edits", "page"):
        assert state[name] == first[name], name
    assert state["collection"]["folder"] == str(folder) and state["collection"]["counts"] == {"apple": 6, "banana": 6}
    # The collection is the dataset again, so D saves it with the edits made again.
    saved = load_dataset(str(tmp_path / "again" / "again" / "mine"))
    assert saved.counts() == first["counts"]


# ------------------------------------------------------------------------------------------------ the file alone


def small_session(model_name="net"):
    return {
        "source": {"dataset": "builtin"},
        "dataset": "builtin",
        "edits": [],
        "features": "pixels",
        "extracted": "pixels",
        "params": {"epochs": 3},
        "page": "Testing",
        "run_shown": None,
        "runs": [],
        "model": {
            "model": model_name,
            "trained_on": "pixels",
            "history": {"loss": [0.9, 0.5]},
            "epochs": 2,
            "status": "done",
        },
    }


@pytest.fixture(scope="module")
def trained(first):
    """A trained network as the window holds it (a NumpyMLP): the one the first run's session kept, trained on colour
    histograms; and points to ask it about."""
    [model] = first[3].values()
    return model, np.random.default_rng(0).uniform(0, 1, size=(10, model.weights[0].shape[1]))


def test_a_model_comes_back_from_plain_arrays_and_predicts_the_same(tmp_path, trained):
    model, points = trained
    path = session_path(tmp_path)
    write_session(path, small_session(), {"net": model})
    with np.load(path, allow_pickle=False) as archive:  # arrays and text only: nothing to unpickle
        assert all(archive[name].dtype != object for name in archive.files)
    session, models = read_session(path)
    assert session["page"] == "Testing" and session["model"]["history"] == {"loss": [0.9, 0.5]}
    again = models["net"]
    assert isinstance(again, NumpyMLP) and again.classes_ == model.classes_
    assert np.array_equal(again.predict_proba(points), model.predict_proba(points))


def test_a_model_that_cannot_be_kept_is_left_out(tmp_path):
    path = session_path(tmp_path)
    write_session(path, small_session(), {"net": object()})  # a sketch's own classifier, not an MLP
    session, models = read_session(path)
    assert models == {} and session["model"]["model"] is None


def test_a_missing_array_or_another_version_is_refused_with_one_sentence(tmp_path, trained):
    path = session_path(tmp_path)
    write_session(path, small_session(), {"net": trained[0]})
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files if name != "net.weights.0"}
    np.savez(path, **arrays)
    with pytest.raises(SessionError, match=r"is damaged \(KeyError: 'net.weights.0'\)$"):
        read_session(path)
    np.savez(path, session=np.array(json.dumps({"version": 99})))
    with pytest.raises(SessionError, match="written by another version of this sketch$"):
        read_session(path)


def test_a_session_that_cannot_be_written_says_why_and_the_writer_goes_on(tmp_path, trained):
    blocked = tmp_path / "a-file"
    blocked.write_text("the cache cannot be a folder inside a file")
    writer = SessionWriter(session_path(blocked / "cache"))
    writer.save(small_session(), {"net": trained[0]})
    writer.flush()
    assert writer.error and not writer.busy  # the reason, in one line ("Not a directory")
    writer.path = session_path(tmp_path / "cache")  # the folder can be written again: the next snapshot is
    writer.save(small_session(), {"net": trained[0]})
    writer.flush()
    assert writer.error == "" and read_session(writer.path)[0]["page"] == "Testing"
    assert not list(blocked.parent.glob("**/*.part"))


def test_the_camera_picked_in_the_window_comes_back_unless_the_command_line_names_one(tmp_path):
    frames = tmp_path / "frames"
    frames.mkdir()
    write_png(frames / "frame0.png")
    picked = (
        wait({"dataset": "builtin", "idle": True})
        + [{"type": "drop_file", "path": str(frames), "after": 2}]
        + wait({"camera.source": str(frames)})
        + wait({"session.up_to_date": True}, after=3)
    )
    first = run_sketch("image_classifier", picked, tmp_path / "first", "--camera", "3", env=env_for(tmp_path))
    assert first.returncode == 0, first.output
    assert read_session(session_path(tmp_path / "cache"))[0]["camera"] == str(frames)
    back = wait({"dataset": "builtin", "idle": True, "session.restoring": False}, after=3)
    restored = run_sketch("image_classifier", back, tmp_path / "restored", "--restore", env=env_for(tmp_path))
    assert restored.returncode == 0, restored.output
    assert restored.state["camera"]["source"] == str(frames)
    asked = run_sketch(
        "image_classifier", back, tmp_path / "asked", "--restore", "--camera", "2", env=env_for(tmp_path)
    )
    assert asked.returncode == 0, asked.output
    assert asked.state["camera"]["source"] == "2"
