"""The notes classifier end to end, driven the way a student uses it: keys held, clicks, T, clicks again."""

import json

import numpy as np
import pytest

from driver import click, cluster, key, run_sketch
from mlcore.widgets.theme import DEFAULT

PREDICTION = DEFAULT.accent

C_POINTS = [(150, 150), (170, 160), (140, 175), (160, 135), (180, 150), (135, 150), (155, 170), (165, 145)]
E_POINTS = [(x + 630, y + 60) for x, y in C_POINTS]
G_POINTS = [(x + 300, y + 300) for x, y in C_POINTS]
COLLECT = cluster("c", C_POINTS) + cluster("e", E_POINTS) + cluster("g", G_POINTS)
# T, then P once trained: the popup keeps its curves until P, and the whole canvas answers clicks again.
TRAIN = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}] + key("p")


def at_once(actions):
    """The same actions with no frame between them: all in the first frames, as fast as a replay can play them."""
    return [{**action, "after": 0} for action in actions]


def test_collect_train_predict_reset(tmp_path):
    actions = (
        COLLECT
        + TRAIN
        + key("v")
        + click(157, 152)
        + click(787, 212)
        + click(457, 452)
        + key("r")
        + [{"type": "wait", "until": {"mode": "collecting"}, "timeout_s": 5}]
    )
    run = run_sketch("classification", actions, tmp_path, "--seed", "1")
    assert run.returncode == 0, run.output
    state = run.state
    assert state["sketch"] == "classification"
    assert len(state["samples"]) == 24
    assert [s["label"] for s in state["samples"]] == ["C"] * 8 + ["E"] * 8 + ["G"] * 8
    assert state["samples"][0] == {"x": 150, "y": 150, "label": "C"}
    # Step 4: each cluster's centre is predicted as its own note, confidently, and that note is played.
    assert [p["label"] for p in state["predictions"]] == ["C", "E", "G"]
    assert min(p["confidence"] for p in state["predictions"]) > 0.5
    assert [s["note"] for s in state["sounds"]] == ["C"] * 8 + ["E"] * 8 + ["G"] * 8 + ["C", "E", "G"]
    assert state["sounds"][0]["frequency"] == pytest.approx(261.63)
    # R: back to collecting, samples kept, no network.
    assert state["mode"] == "collecting"
    training = state["training"]
    assert training["status"] == "idle" and training["epochs"] == 200
    assert "network reset: collecting (your samples are kept)" in state["messages"]


def shown_with_the_popup(x, y):
    """Where the canvas point (x, y) is drawn (and clicked) while the training popup shrinks the view."""
    from mlcore.notes.canvas import NoteCanvas

    canvas = NoteCanvas("classification", 960, 600)
    canvas.show_popup = True
    return tuple(round(value) for value in canvas.to_view(x, y))


@pytest.fixture(scope="module")
def trained_at_once(tmp_path_factory):
    """One run read by three tests: the samples placed and T pressed in the very first frames (long before torch
    could have loaded anywhere), T again a frame later, then P, V, and P again: the popup shows beside the canvas,
    the samples are drawn smaller, left of it, and two clicks land there."""
    actions = (
        at_once(COLLECT + key("t"))
        + key("t", after=1)
        + TRAIN[1:]
        + key("v")
        + key("p", after=2)
        + click(*shown_with_the_popup(157, 152))
        + click(*shown_with_the_popup(457, 452), after=2)
    )
    return run_sketch("classification", actions, tmp_path_factory.mktemp("at_once"), "--seed", "2")


def test_training_history_and_screen(trained_at_once):
    run = trained_at_once
    assert run.returncode == 0, run.output
    training = run.state["training"]
    assert training["status"] == "done" and training["epochs_done"] == 200
    assert len(training["loss"]) == 200 and len(training["val_loss"]) == 200
    assert training["loss"][-1] < training["loss"][0] / 4
    assert training["accuracy"][-1] == 1.0
    assert [p["label"] for p in run.state["predictions"]] == ["C", "G"]  # the clicks landed on the clusters
    # Pixels: samples in their notes' colours, the prediction in blue, the map tinting empty space.
    x, y = shown_with_the_popup(135, 150)
    assert run.pixel(x - 12, y) == (213, 94, 0)  # the C sample at (135, 150): vermilion
    x, y = shown_with_the_popup(157, 152)
    assert run.pixel(x + 13, y + 6) == PREDICTION  # the blue prediction circle, beside its letter
    paper = np.array((246, 246, 242))
    far = np.array(run.pixel(*shown_with_the_popup(60, 555)))  # no sample near: tinted, not plain paper
    assert np.abs(far - paper).sum() > 20
    assert run.state["map"]["visible"] and run.state["map"]["ms"] is not None


def test_t_with_one_note_only_says_why(tmp_path):
    run = run_sketch("classification", cluster("c", C_POINTS[:3]) + key("t") + key("t", after=3), tmp_path)
    assert run.returncode == 0, run.output
    assert run.state["mode"] == "collecting" and run.state["training"]["status"] == "idle"
    assert "add samples of at least two different notes before training" in run.state["messages"]


def test_t_while_training_is_ignored_with_a_message(trained_at_once):
    run = trained_at_once  # T pressed again a frame after the first
    assert run.returncode == 0, run.output
    assert "already training: wait for it to finish (R stops it)" in run.state["messages"]
    assert run.state["training"]["epochs_done"] == 200


def test_undo_save_and_load_round_trip(tmp_path):
    actions = cluster("d", [(100, 100), (200, 200), (300, 300)]) + key("u") + key("s")
    run = run_sketch("classification", actions, tmp_path / "a")
    assert run.returncode == 0, run.output
    saved = list((tmp_path / "a").glob("classification-data-*.json"))
    assert len(saved) == 1
    data = json.loads(saved[0].read_text())
    assert data == {
        "data": [{"xs": {"x": 100, "y": 100}, "ys": {"label": "D"}}, {"xs": {"x": 200, "y": 200}, "ys": {"label": "D"}}]
    }
    assert not list((tmp_path / "a").glob("classification-autosave-*.json"))  # saved: nothing to autosave

    again = run_sketch("classification", key("a"), tmp_path / "b", "--load", saved[0])
    assert [(s["x"], s["y"], s["label"]) for s in again.state["samples"]] == [(100, 100, "D"), (200, 200, "D")]


def test_unsaved_samples_are_autosaved_on_quit_and_load_back(tmp_path):
    run = run_sketch("classification", cluster("f", [(400, 300), (420, 310)]), tmp_path)
    autosaves = list(tmp_path.glob("classification-autosave-*.json"))
    assert run.returncode == 0 and len(autosaves) == 1
    autosave = autosaves[0]
    assert str(autosave.name) in run.output  # the quit message says where
    again = run_sketch("classification", key("a"), tmp_path / "next", "--load", autosave)
    assert [s["label"] for s in again.state["samples"]] == ["F", "F"]


@pytest.mark.parametrize("content", ["{not json", '{"data": 3}', '["a"]', ""])
def test_a_malformed_load_file_gives_one_line_and_starts_empty(tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    run = run_sketch("classification", key("a"), tmp_path, "--load", bad)
    assert run.returncode == 0, run.output
    assert run.state["samples"] == []
    assert any(m.startswith(f"could not load {bad}") and m.endswith("starting empty") for m in run.state["messages"])


def test_entries_that_are_not_notes_are_skipped(tmp_path):
    mixed = tmp_path / "mixed.json"
    mixed.write_text(
        json.dumps(
            {
                "data": [
                    {"xs": {"x": 10, "y": 60}, "ys": {"label": "C"}},
                    {"xs": {"x": 10, "y": 60}, "ys": {"label": "H"}},
                    {"xs": {"x": 5000, "y": 60}, "ys": {"label": "C"}},
                    {"xs": {"y": 60}, "ys": {"label": "C"}},
                ]
            }
        )
    )
    run = run_sketch("classification", key("a"), tmp_path, "--load", mixed)
    # The place far beyond the canvas is kept (the view widens to show it); the entries with no note or no place go.
    assert [(s["x"], s["y"]) for s in run.state["samples"]] == [(10, 60), (5000, 60)]
    assert any("2 entries skipped" in m for m in run.state["messages"])
    assert run.state["layout"]["world"][2] > 5000


def test_no_audio_device_runs_silently_with_a_notice(tmp_path):
    run = run_sketch("classification", cluster("a", [(300, 300)]), tmp_path, env={"SDL_AUDIODRIVER": "no-such-driver"})
    assert run.returncode == 0, run.output
    assert run.state["audio"]["available"] is False
    assert run.state["audio"]["notice"].startswith("no sound:")
    assert run.state["sounds"] == [{"note": "A", "frequency": 440.0}]  # the tone was asked for, silently
    assert len(run.state["samples"]) == 1


def test_clicks_outside_the_canvas_and_unknown_keys_are_harmless(tmp_path):
    actions = (
        key("z")
        + key("f1")
        + key("space")
        + click(-5, 300)
        + click(5000, 300)
        + click(480, 10)
        + click(480, 590)
        + click(300, 300, button=3)
    )
    run = run_sketch("classification", actions, tmp_path, "--scale", "1.5")
    assert run.returncode == 0, run.output
    assert run.state["samples"] == []  # bars, outside, and right clicks add nothing


def test_scaled_window_keeps_canvas_coordinates(tmp_path):
    run = run_sketch("classification", cluster("e", [(300, 200)]), tmp_path, "--scale", "1.5")
    assert run.state["samples"] == [{"x": 300, "y": 200, "label": "E"}]
    # E's yellow, drawn at the scaled place (smooth scaling may round a channel by one)
    assert np.abs(np.array(run.pixel(300 * 1.5 + 20, 200 * 1.5)) - (240, 228, 66)).max() <= 3


def test_hundreds_of_random_events_do_not_crash_or_freeze(tmp_path):
    rng = np.random.default_rng(5)
    keys = list("abcdefgtrpvusxz") + ["backspace", "space", "return", "left", "1"]
    actions = []  # each event in the same frame as the one before or in the next: a storm of them
    for _ in range(400):
        kind = rng.choice(["key", "click", "move", "drag"])
        if kind == "key":
            name = str(rng.choice(keys))
            actions.append({"type": "key_down", "key": name, "after": int(rng.integers(0, 2))})
            if rng.random() < 0.8:
                actions.append({"type": "key_up", "key": name, "after": int(rng.integers(0, 2))})
        else:
            x, y = int(rng.integers(-50, 1010)), int(rng.integers(-50, 650))
            if kind == "move":
                actions.append({"type": "mouse_move", "x": x, "y": y, "after": 0})
            else:
                actions += click(x, y, after=int(rng.integers(0, 2)), button=int(rng.choice([1, 1, 1, 3])))
    actions.append({"type": "key_down", "key": "space", "after": 30})
    storm = sum(a.get("after", 1) for a in actions)
    # Then a student's hand again: every key let go, R, and a C placed on the drawing area.
    actions += [{"type": "key_up", "key": name} for name in keys]
    actions += key("r") + [{"type": "wait", "until": {"mode": "collecting"}, "timeout_s": 60}]
    actions += cluster("c", [(100, 100)])
    run = run_sketch("classification", actions, tmp_path, "--seed", "0")
    assert run.returncode == 0, run.output
    # The loop kept drawing to the end: every action's frames were stepped through.
    assert run.state["timing"]["frames"] >= storm
    # …and the sketch still answers as it should: a new network, collecting, the click heard and kept as a C.
    assert run.state["mode"] == "collecting" and run.state["training"]["status"] == "idle"
    assert run.state["samples"][-1]["label"] == "C" and run.state["sounds"][-1]["note"] == "C"


def test_quitting_in_the_middle_of_training_exits_cleanly(tmp_path):
    # Right after T, while torch may still be loading or training: the process must not abort on exit.
    for after in (1, 40):
        run = run_sketch(
            "classification",
            COLLECT + key("t") + [{"type": "key_down", "key": "a", "after": after}],
            tmp_path / str(after),
        )
        assert run.returncode == 0, run.output
        assert run.state["training"]["status"] in ("running", "cancelled", "done")


def test_a_terminal_kill_still_autosaves(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from driver import ROOT

    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps(a) + "\n" for a in cluster("d", [(300, 300), (320, 330)])))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    record = tmp_path / "seen.jsonl"  # what the sketch has handled so far
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sketches.classification",
            "--headless",
            "--replay",
            str(replay),
            "--record",
            str(record),
        ],
        cwd=tmp_path,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (record.exists() and len(record.read_text().splitlines()) == 6):
        time.sleep(0.1)  # both samples are in once all six events were handled
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    autosave = next(tmp_path.glob("classification-autosave-*.json"))
    assert [entry["ys"]["label"] for entry in json.loads(autosave.read_text())["data"]] == ["D", "D"]


@pytest.fixture(scope="module")
def trained_twice(tmp_path_factory):
    """One run read by two tests: trained, a click and the map (V), R, one more sample, trained again, then H."""
    actions = (
        COLLECT
        + TRAIN
        + click(157, 152)
        + key("v")
        + key("r")
        + cluster("c", [(200, 400)])
        + TRAIN
        + key("h")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 5}]
    )
    return run_sketch("classification", actions, tmp_path_factory.mktemp("twice"), "--seed", "3")


def test_runs_table_compares_trainings_and_marks_the_current_network(trained_twice):
    run = trained_twice
    assert run.returncode == 0, run.output
    first, second = run.state["runs"]
    assert (first["samples"], second["samples"]) == (24, 25) and first["notes"] == second["notes"] == 3
    assert first["hidden_layers"] == [16] and first["activation"] == "relu" and first["epochs"] == 200
    assert first["learning_rate"] == 0.05
    assert 0 < first["seconds"] and second["accuracy"] == 1.0 and second["loss"] < first["val_loss"] + 1
    assert (first["current"], second["current"]) == (False, True)
    assert run.state["training"]["seconds"] == pytest.approx(second["seconds"], abs=0.001)
    # H shows the table over the canvas: its panel is drawn where the paper was.
    assert run.pixel(480, 300) != (246, 246, 242)


def test_the_popup_sums_the_model_up(tmp_path):
    from mlcore.ml.neural_network import NeuralNetwork
    from mlcore.notes.popup import summary_lines

    network = NeuralNetwork("classification", hidden_layers=[8, 4], activation="sigmoid", seed=0)
    for x, label in (
        (0, "a"),
        (1, "a"),
        (2, "b"),
        (3, "b"),
        (4, "c"),
        (5, "c"),
        (6, "a"),
        (7, "b"),
        (8, "c"),
        (9, "a"),
    ):
        network.add_data([x, x * 2], label)
    assert summary_lines(network, 5) == ["building the network…"]  # nothing built before T
    network.train(5).wait()
    shape, how = summary_lines(network, 5)
    assert shape == "2 inputs, 8 sigmoid, 4 sigmoid, 3 softmax   (75 parameters)"  # 24 + 36 + 15
    assert how == "Adam, learning rate 0.05, batch 16, 5 epochs, 7 training / 3 validation"


def test_torch_never_enters_the_window_process(trained_twice):
    run = trained_twice  # two trainings, a click and the map
    assert run.returncode == 0, run.output
    assert [p["label"] for p in run.state["predictions"]] == ["C"]  # the numpy copy of the weights answers
    assert run.state["map"]["ms"] is not None  # and draws the map
    assert run.state["process"]["torch_loaded"] is False
    assert run.state["process"]["peak_memory_mb"] < 250


def test_t_pressed_while_the_network_library_loads_is_kept(trained_at_once):
    # From the very first frames: three notes, then T at once, long before torch could have loaded anywhere.
    run = trained_at_once
    assert run.returncode == 0, run.output
    assert run.state["training"]["status"] == "done" and run.state["training"]["epochs_done"] == 200
    assert len(run.state["runs"]) == 1  # the T pressed again while it waited started no second training
