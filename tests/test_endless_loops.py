"""An endless loop in a student's hook is stopped after 3 s: the bar says which hook and where, the window goes on,
the samples are kept, a saved fix reloads, and Esc or a terminal's kill still end the sketch."""

import json
import os
import signal
import subprocess
import sys

from driver import ROOT, click, cluster, key, run_sketch
from test_reload import Editor, wait_for
from test_runtime import run_tiny
from test_student_mistakes import line_of, student_copy

LOOPING_DRAW = (
    'if __name__ == "__main__":\n',
    "def draw(screen):\n    canvas.draw(screen)\n    while len(canvas.samples) >= 2:\n        pass\n\n\n"
    'if __name__ == "__main__":\n',
)
STOPPED = "{}() ran for 3 s without finishing: stopped at my_classification.py:{} (an endless loop?)"


def test_an_endless_loop_in_draw_is_stopped_the_samples_stay_and_a_saved_fix_reloads(tmp_path):
    sketch, source = student_copy(tmp_path, [LOOPING_DRAW])
    fix = [[("    while len(canvas.samples) >= 2:", "    while len(canvas.samples) >= 9:")]]
    editor = Editor(sketch.parent, sketch, fix)
    editor.start()
    actions = (
        cluster("c", [(150, 150), (300, 250)])
        + click(450, 350, after=5)
        + key("s")
        + wait_for("reloads.done", 1)
        + click(600, 400, after=5)
        + key("escape", after=5)
    )
    try:
        run = run_sketch(sketch, actions, sketch.parent, "--reload")
    finally:
        editor.finished.set()
        editor.join(timeout=10)
    assert run.returncode == 1, run.output
    line = line_of(source, "    while len(canvas.samples) >= 2:")
    assert run.state["runtime_messages"][0] in (STOPPED.format("draw", line), STOPPED.format("draw", line + 1))
    assert "reloaded my_classification.py" in run.state["runtime_messages"]
    assert run.output.count("(an endless loop?)") == 1  # stopped once: not called again until the fix
    assert [(s["x"], s["y"]) for s in run.state["samples"]] == [(150, 150), (300, 250), (450, 350), (600, 400)]
    assert run.state["reloads"] == {"done": 1, "failed": 0} and run.state["runtime_bar"] == []
    [autosave] = sketch.parent.glob("classification-autosave-*.json")  # Esc quit, and saved
    assert len(json.loads(autosave.read_text())["data"]) == 4


def test_an_endless_loop_in_epoch_done_is_stopped_once_and_the_training_still_ends(tmp_path):
    sketch, source = student_copy(
        tmp_path,
        [
            (
                '    pass  # try: if epoch % 20 == 0: print(epoch, logs["loss"])',
                "    while epoch > 0:\n        epoch += 1",
            ),
            ("EPOCHS = 200", "EPOCHS = 30"),
        ],
    )
    actions = (
        cluster("c", [(150, 150), (170, 160)])
        + cluster("g", [(700, 400), (720, 420)])
        + key("t")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
        + click(160, 160)
    )
    run = run_sketch(sketch, actions, sketch.parent, "--seed", "1")
    assert run.returncode == 1, run.output
    loop = line_of(source, "    while epoch > 0:")
    assert run.state["runtime_messages"] in (
        [STOPPED.format("epoch_done", loop)],
        [STOPPED.format("epoch_done", loop + 1)],
    )  # the loop's line, or its body's
    assert run.state["training"]["status"] == "done" and len(run.state["training"]["loss"]) == 30
    assert [p["label"] for p in run.state["predictions"]] == ["C"]


def test_a_terminal_kill_ends_a_sketch_caught_in_an_endless_loop_and_its_samples_are_saved(tmp_path):
    sketch, _ = student_copy(
        tmp_path,
        [
            (
                "def mouse_pressed(x, y, button):\n",
                "def mouse_pressed(x, y, button):\n"
                "    if len(canvas.samples) == 2:\n"
                "        print('looping', flush=True)\n"
                "        while True:\n"
                "            pass\n",
            )
        ],
    )
    replay = sketch.parent / "replay.jsonl"
    clicks = cluster("c", [(150, 150), (300, 250), (450, 350)])
    replay.write_text("".join(json.dumps(action) + "\n" for action in clicks))
    process = subprocess.Popen(
        [sys.executable, str(sketch), "--headless", "--replay", str(replay)],
        cwd=sketch.parent,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline() == "looping\n"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 1, stderr  # the loop was stopped, then the kill closed the window
    assert "mouse_pressed() ran for 3 s without finishing" in stderr
    [autosave] = sketch.parent.glob("classification-autosave-*.json")
    assert len(json.loads(autosave.read_text())["data"]) == 2


SLOW_FIRST_FRAME = """
import slow_library

WIDTH, HEIGHT = 200, 100
frames = []


def draw(screen):
    if not frames:
        slow_library.load(4)  # 4 s in another module's code, as an import on the first frame takes
    frames.append(len(frames))


def state():
    return {"frames": len(frames)}
"""


def test_a_slow_first_frame_in_a_library_is_not_stopped(tmp_path):
    (tmp_path / "slow_library.py").write_text("import time\n\n\ndef load(seconds):\n    time.sleep(seconds)\n")
    status, state, stderr = run_tiny(tmp_path, None, "--max-frames", "5", source=SLOW_FIRST_FRAME)
    assert status == 0, stderr
    assert state["frames"] == 5 and "runtime_messages" not in state
