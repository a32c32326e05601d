"""Live reload: the student saves the sketch's file while it runs; the new code takes over, the samples stay."""

import threading
import time

import pygame

from driver import ROOT, click, cluster, key, run_sketch

C_POINTS = [(150, 150), (170, 160), (140, 175)]
G_POINTS = [(700, 400), (720, 420), (690, 430)]
COLLECT = cluster("c", C_POINTS) + cluster("g", G_POINTS)
TRAIN = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]


def wait_for(field, value):
    return [{"type": "wait", "until": {field: value}, "timeout_s": 60}]


class Editor(threading.Thread):
    """Edits the student's file each time the sketch saves its samples (S), as a student would between two presses:
    S is the replay's way of saying "the samples are in, edit now"."""

    def __init__(self, folder, sketch, steps, pattern="classification-data-*.json"):
        super().__init__(daemon=True)
        self.folder, self.sketch, self.steps, self.pattern = folder, sketch, list(steps), pattern
        self.done = []
        self.finished = threading.Event()

    def run(self):
        seen = set()
        while self.steps and not self.finished.is_set():
            saves = set()
            for path in self.folder.glob(self.pattern):
                try:
                    status = path.stat()
                except OSError:
                    continue
                saves.add((path.name, status.st_ino, status.st_mtime_ns))
            if saves - seen:
                seen |= saves
                source = self.sketch.read_text()
                for old, new in self.steps.pop(0):
                    assert source.count(old) == 1, old
                    source = source.replace(old, new)
                self.sketch.write_text(source)
                self.done.append(source)
            time.sleep(0.05)


def run_edited(tmp_path, actions, steps, *args):
    folder = tmp_path / "student"
    folder.mkdir(parents=True)
    sketch = folder / "my_classification.py"
    sketch.write_text((ROOT / "sketches" / "classification.py").read_text())
    editor = Editor(folder, sketch, steps)
    editor.start()
    try:
        run = run_sketch(sketch, actions, folder, "--seed", "2", "--reload", *args)
    finally:
        editor.finished.set()
        editor.join(timeout=10)
    return run, editor


def test_an_edited_knob_takes_effect_and_the_samples_stay(tmp_path):
    actions = COLLECT + key("s") + wait_for("reloads.done", 1) + TRAIN + click(160, 160)
    run, editor = run_edited(tmp_path, actions, [[("EPOCHS = 200", "EPOCHS = 30")]])
    assert run.returncode == 0, run.output
    assert len(editor.done) == 1
    state = run.state
    assert state["reloads"] == {"done": 1, "failed": 0}
    assert "reloaded my_classification.py" in state["runtime_messages"]
    assert [(s["x"], s["y"], s["label"]) for s in state["samples"]] == (
        [(x, y, "C") for x, y in C_POINTS] + [(x, y, "G") for x, y in G_POINTS]
    )
    assert state["note"] == "G"  # the note chosen before the reload
    assert state["training"]["epochs"] == 30 and len(state["training"]["loss"]) == 30
    assert state["predictions"][0]["label"] == "C"


def test_the_trained_network_stays_unless_its_shape_changed(tmp_path):
    after = COLLECT + TRAIN + key("s") + wait_for("reloads.done", 1) + click(165, 165)
    kept, _ = run_edited(tmp_path / "kept", after, [[("LEARNING_RATE = 0.05", "LEARNING_RATE = 0.01")]])
    assert kept.returncode == 0, kept.output
    assert kept.state["mode"] == "predicting" and kept.state["reloads"]["done"] == 1
    assert [p["label"] for p in kept.state["predictions"]] == ["C"]
    assert len(kept.state["samples"]) == 6
    reshaped, _ = run_edited(tmp_path / "reshaped", after, [[("HIDDEN_LAYERS = [16]", "HIDDEN_LAYERS = [8]")]])
    assert reshaped.returncode == 0, reshaped.output
    assert reshaped.state["mode"] == "collecting" and reshaped.state["predictions"] == []
    assert len(reshaped.state["samples"]) == 7  # the click after the reload collects again


def test_a_broken_edit_keeps_the_old_code_running_until_it_is_fixed(tmp_path):
    steps = [
        [("EPOCHS = 200", "EPOCHS = = 30")],  # a syntax error
        [("EPOCHS = = 30", "EPOCHS = 30"), ("    canvas.start(args)", "    canvas.start(arg)")],  # setup raises
        [("    canvas.start(arg)", "    canvas.start(args)")],
    ]  # fixed
    actions = (
        COLLECT
        + key("s")
        + wait_for("reloads.failed", 1)
        + click(400, 300)
        + key("s")
        + wait_for("reloads.failed", 2)
        + click(420, 300)
        + key("s")
        + wait_for("reloads.done", 1)
        + TRAIN
    )
    run, editor = run_edited(tmp_path, actions, steps)
    assert len(editor.done) == 3
    assert run.returncode == 1, run.output  # the run went on to its end; its status says the code raised
    state = run.state
    assert len(state["samples"]) == 8  # the old code collected while the new one was broken
    messages = state["runtime_messages"]
    line = editor.done[0].splitlines().index("EPOCHS = = 30") + 1
    assert f"my_classification.py:{line}: SyntaxError: invalid syntax" in messages
    [refused] = [m for m in messages if "NameError" in m]
    assert refused.startswith("my_classification.py:") and refused.endswith("Did you mean: 'args'?")
    assert "reloaded my_classification.py" in messages
    assert state["training"]["epochs"] == 30 and state["training"]["layers"][0]["activation"] == "relu"
    assert run.output.count("SyntaxError") >= 1 and "Traceback" in run.output


def test_a_new_width_and_height_resize_the_window_and_the_samples_beyond_are_kept_and_said(tmp_path):
    actions = COLLECT + key("s") + wait_for("reloads.done", 1) + click(300, 200)
    run, _ = run_edited(tmp_path, actions, [[("WIDTH, HEIGHT = 960, 600", "WIDTH, HEIGHT = 640, 400")]])
    assert run.returncode == 0, run.output
    assert run.state["window"]["size"] == [640, 400]
    assert pygame.image.load(str(run.screenshot)).get_size() == (640, 400)
    assert len(run.state["samples"]) == 7  # the three beyond the new canvas too, and a click after the reload
    assert "the canvas is 640×400 now: 3 samples lie beyond it, kept (and trained on)" in run.state["messages"]


def test_a_bad_knob_in_a_saved_file_is_named_t_refuses_and_its_fix_trains(tmp_path):
    steps = [[("EPOCHS = 200", "EPOCHS = 50.0")], [("EPOCHS = 50.0", "EPOCHS = 20")]]
    actions = (
        COLLECT
        + key("s")
        + wait_for("reloads.done", 1)
        + key("t")
        + click(400, 300)
        + key("s")
        + wait_for("reloads.done", 2)
        + TRAIN
    )
    run, editor = run_edited(tmp_path, actions, steps)
    line = editor.done[0].splitlines().index("EPOCHS = 50.0") + 1
    said = "EPOCHS must be a whole number from 1 to 10000 (it is 50.0)"
    assert run.state["runtime_messages"] == [f"my_classification.py:{line}: {said}", "reloaded my_classification.py"]
    assert said in run.state["messages"]  # T's answer while the knob was bad
    assert len(run.state["samples"]) == 7 and run.state["training"]["epochs"] == 20  # collected, then trained
    assert run.state["runtime_bar"] == []  # the fix took the knob's line off the bar
