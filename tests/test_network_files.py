"""M saves the trained network; --load-model starts a sketch predicting with it (ml5's save and load)."""

import pytest

from driver import ROOT, click, cluster, key, run_sketch

LEFT = [(150, 300), (170, 315), (140, 285), (160, 310), (135, 300), (165, 290)]
RIGHT = [(x + 600, y) for x, y in LEFT]
# T, then P once trained: the popup keeps its curves until P, and the whole canvas answers clicks again.
TRAIN = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}] + key("p")
SAVED = [{"type": "wait", "until": {"network_file.status": "done"}, "timeout_s": 60}]
REFUSED = [{"type": "wait", "until": {"network_file.status": "failed"}, "timeout_s": 60}]


@pytest.mark.parametrize("sketch, notes", [("classification", ("c", "g")), ("regression", ("c", "b"))])
def test_a_saved_network_predicts_the_same_in_a_new_session(tmp_path, sketch, notes):
    first = run_sketch(
        sketch,
        cluster(notes[0], LEFT)
        + cluster(notes[1], RIGHT)
        + TRAIN
        + click(150, 300)
        + click(750, 300)
        + click(450, 200)
        + key("m")
        + SAVED,
        tmp_path / "a",
        "--seed",
        "2",
    )
    assert first.returncode == 0, first.output
    saved = list((tmp_path / "a").glob(f"{sketch}-network-*.model.pt"))
    assert len(saved) == 1 and any("network saved to" in m for m in first.state["messages"])
    again = run_sketch(
        sketch,
        [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 60}]
        + click(150, 300)
        + click(750, 300)
        + click(450, 200),
        tmp_path / "b",
        "--load-model",
        saved[0],
    )
    assert again.returncode == 0, again.output
    assert again.state["samples"] == []  # no sample: the network alone predicts
    field = "label" if sketch == "classification" else "frequency"
    assert [p[field] for p in again.state["predictions"]] == [p[field] for p in first.state["predictions"]]
    assert again.state["process"]["torch_loaded"] is False


def test_m_before_training_says_why(tmp_path):
    run = run_sketch("classification", cluster("c", LEFT) + key("m"), tmp_path)
    assert "train the network (T) before saving it" in run.state["messages"]
    assert not list(tmp_path.glob("*.model.pt"))


def test_a_network_of_another_task_or_shape_is_refused_with_a_message(tmp_path):
    first = run_sketch(
        "regression", cluster("c", LEFT) + cluster("b", RIGHT) + TRAIN + key("m") + SAVED, tmp_path / "a"
    )
    assert first.returncode == 0, first.output
    saved = next((tmp_path / "a").glob("regression-network-*.model.pt"))
    wrong_task = run_sketch("classification", REFUSED + cluster("c", LEFT[:1]), tmp_path / "b", "--load-model", saved)
    assert wrong_task.returncode == 0 and wrong_task.state["mode"] == "collecting"
    assert any("made for regression, not classification" in m for m in wrong_task.state["messages"])
    assert len(wrong_task.state["samples"]) == 1  # the lesson goes on

    sketch = (ROOT / "sketches" / "regression.py").read_text().replace("HIDDEN_LAYERS = [16] ", "HIDDEN_LAYERS = [8] ")
    mine = tmp_path / "c"
    mine.mkdir()
    (mine / "my_regression.py").write_text(sketch)
    wrong_shape = run_sketch(mine / "my_regression.py", REFUSED, mine, "--load-model", saved)
    assert any("hidden layers [16] (relu), not [8] (relu)" in m for m in wrong_shape.state["messages"])


def test_a_damaged_or_foreign_file_is_one_message(tmp_path):
    damaged = tmp_path / "damaged.model.pt"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    run = run_sketch("classification", REFUSED, tmp_path / "a", "--load-model", damaged)
    assert run.returncode == 0 and "Traceback" not in run.output
    assert any(m.startswith("could not load the network: damaged.model.pt") for m in run.state["messages"])
