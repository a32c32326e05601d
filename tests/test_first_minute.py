"""The first minute of a lesson: a key pressed while something still loads is kept, and happens when it is ready."""

from driver import run_sketch


def test_t_pressed_while_the_dataset_loads_trains_once_it_is_loaded(tmp_path):
    actions = [{"type": "key_down", "key": "t", "after": 2}, {"type": "key_up", "key": "t"},
               {"type": "wait", "until": {"training.status": "done"}, "timeout_s": 90}]
    run = run_sketch("image_classifier", actions, tmp_path, "--features", "color_histogram", "--epochs", "3",
                     env={"ML_SKETCHES_CACHE": str(tmp_path / "cache")})
    assert run.returncode == 0, run.output
    assert run.state["training"]["status"] == "done" and len(run.state["training"]["loss"]) == 3
    assert "load a dataset first (page 1)" not in str(run.state)
    # Features and training ran in the torch process: the window's own never imported torch.
    assert run.state["process"]["torch_loaded"] is False
    assert run.state["process"]["peak_memory_mb"] is None or run.state["process"]["peak_memory_mb"] < 250
