"""The first minute of a lesson: a key pressed while something still loads is kept, and happens when it is ready."""

import re

from driver import click, key, run_image_classifier, run_sketch


def test_t_pressed_while_the_dataset_loads_trains_once_it_is_loaded(tmp_path):
    actions = [
        {"type": "key_down", "key": "t", "after": 2},
        {"type": "key_up", "key": "t"},
        {"type": "wait", "until": {"training.status": "done"}, "timeout_s": 90},
    ]
    run = run_image_classifier(actions, tmp_path, "--epochs", "3", env={"ML_SKETCHES_CACHE": str(tmp_path / "cache")})
    assert run.returncode == 0, run.output
    assert run.state["training"]["status"] == "done" and len(run.state["training"]["loss"]) == 3
    assert "load a dataset first (page 1)" not in str(run.state)
    # Features and training ran in the torch process: the window's own never imported torch.
    assert run.state["process"]["torch_loaded"] is False
    assert run.state["process"]["peak_memory_mb"] is None or run.state["process"]["peak_memory_mb"] < 250


def test_t_pressed_before_the_network_library_is_loaded_says_how_long_it_will_wait(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "torch-load-seconds.txt").write_text("60")  # last time, torch took a minute to load on this machine
    actions = [
        {"type": "key_down", "key": "c"},
        *click(200, 200),
        {"type": "key_up", "key": "c"},
        {"type": "key_down", "key": "e"},
        *click(600, 300),
        {"type": "key_up", "key": "e"},
        *key("t"),
    ]
    run = run_sketch("classification", actions, tmp_path, "--max-frames", "30", env={"ML_SKETCHES_CACHE": str(cache)})
    assert run.returncode == 0, run.output
    training = run.state["training"]
    assert training["status"] == "running" and training["epochs_done"] == 0
    waiting = re.fullmatch(r"T: training starts when the network library is ready… (\d+) s", training["message"])
    assert waiting, training["message"]
    assert 50 <= int(waiting.group(1)) <= 60  # counted down from the last load's minute, a second or so in


def test_the_countdowns_estimate_follows_faster_loads_and_moves_halfway_to_a_slower_one(tmp_path, monkeypatch):
    from mlcore.ml import trainer_process

    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path))
    assert trainer_process._expected_load_seconds() == 4.0  # nothing stored yet: a laptop's guess
    trainer_process._remember_load_seconds(12.0)  # the first load is taken as it is
    assert trainer_process._expected_load_seconds() == 12.0
    trainer_process._remember_load_seconds(60.0)  # one load on a busy computer counts half
    assert trainer_process._expected_load_seconds() == 36.0
    trainer_process._remember_load_seconds(5.0)  # a faster load replaces it
    assert trainer_process._expected_load_seconds() == 5.0
