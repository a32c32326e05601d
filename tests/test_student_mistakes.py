"""A student's mistake never ends the lesson: the error shows on screen, naming the student's line; nothing
collected is lost on quit, and when nothing can be saved the window asks before closing."""

import json
import os
import subprocess
import sys

from driver import ROOT, click, cluster, key, run_sketch

POINTS = [(150, 150), (300, 250), (450, 350)]
EMPTY = (800, 450)


def student_copy(tmp_path, edits, name="classification"):
    """A copy of sketches/NAME.py as a student's own file, with each (old, new) replaced once."""
    source = (ROOT / "sketches" / f"{name}.py").read_text()
    for old, new in edits:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    folder = tmp_path / "student"
    folder.mkdir(parents=True)
    sketch = folder / f"my_{name}.py"
    sketch.write_text(source)
    return sketch, source


def line_of(source, text):
    return source.splitlines().index(text) + 1


def test_a_failing_draw_keeps_the_last_good_frame_under_a_red_bar_and_the_samples_are_autosaved(tmp_path):
    # The student's own draw(), over the canvas's: it draws the canvas, then fails from the third sample on.
    sketch, source = student_copy(
        tmp_path,
        [
            (
                'if __name__ == "__main__":\n',
                "def draw(screen):\n    canvas.draw(screen)\n"
                "    scale = 1 / (3 - len(canvas.samples))\n\n\n"
                'if __name__ == "__main__":\n',
            )
        ],
    )
    run = run_sketch(sketch, cluster("c", POINTS) + key("escape"), sketch.parent)
    assert run.returncode == 1, run.output
    line = line_of(source, "    scale = 1 / (3 - len(canvas.samples))")
    assert run.state["runtime_messages"] == [f"my_classification.py:{line}: ZeroDivisionError: division by zero"]
    assert run.output.count("Traceback") == 1  # once, though every frame after the third click failed
    assert len(run.state["samples"]) == 3  # the clicks went on being heard after draw() failed
    paper = run.pixel(*EMPTY)
    assert run.pixel(*POINTS[0]) != paper and run.pixel(*POINTS[1]) != paper
    assert run.pixel(*POINTS[2]) == paper  # the last good frame: drawn before the third sample
    assert run.pixel(480, 598) == (180, 20, 20)  # the red bar along the bottom
    [autosave] = sketch.parent.glob("classification-autosave-*.json")
    assert len(json.loads(autosave.read_text())["data"]) == 3


def test_an_error_in_epoch_done_names_its_line_and_training_still_ends(tmp_path):
    sketch, source = student_copy(
        tmp_path,
        [
            (
                '    pass  # try: if epoch % 20 == 0: print(epoch, logs["loss"])',
                '    print(epoch, logs["accuracy"] / (epoch - 1))',
            ),
            ("EPOCHS = 200", "EPOCHS = 40"),
        ],
    )
    actions = (
        cluster("c", POINTS[:2])
        + cluster("g", [(700, 400), (720, 420)])
        + key("t")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
        + click(160, 160)
    )
    run = run_sketch(sketch, actions, sketch.parent, "--seed", "1")
    later = run_sketch(sketch, actions + key("p", after=600), tmp_path / "later", "--seed", "1")  # 10 s after
    assert run.returncode == 1, run.output
    line = line_of(source, '    print(epoch, logs["accuracy"] / (epoch - 1))')
    assert run.state["runtime_messages"] == [f"my_classification.py:{line}: ZeroDivisionError: float division by zero"]
    assert run.output.count("Traceback") == 1
    assert run.state["training"]["status"] == "done" and len(run.state["predictions"]) == 1
    # update() runs cleanly once the training is over, but a message stays at least 8 s: long enough to read
    assert run.pixel(480, 598) == (180, 20, 20)
    assert later.pixel(480, 598) != (180, 20, 20) and later.state["runtime_bar"] == []


def test_a_failing_key_hook_shows_until_it_runs_cleanly_and_setup_errors_too(tmp_path):
    sketch, source = student_copy(
        tmp_path,
        [
            (
                '        canvas.say("network reset: collecting (your samples are kept)")',
                '        canvas.say("network reset: " + len(canvas.samples))',
            )
        ],
    )
    before = run_sketch(sketch, cluster("c", POINTS[:1]) + key("r"), tmp_path / "before")
    at_once = run_sketch(sketch, cluster("c", POINTS[:1]) + key("r") + key("e"), tmp_path / "at_once")
    after = run_sketch(sketch, cluster("c", POINTS[:1]) + key("r") + key("e", after=600), tmp_path / "after")
    line = line_of(source, '        canvas.say("network reset: " + len(canvas.samples))')
    for run in (before, at_once, after):
        assert run.returncode == 1, run.output
        assert run.state["runtime_messages"] == [
            f'my_classification.py:{line}: TypeError: can only concatenate str (not "int") to str'
        ]
    assert before.pixel(480, 598) == (180, 20, 20)
    # key_pressed ran cleanly (E chose a note) a frame later: the message still stays its 8 s, to be read
    assert at_once.pixel(480, 598) == (180, 20, 20) and at_once.state["note"] == "E"
    assert after.pixel(480, 598) != (180, 20, 20) and after.state["note"] == "E"


def test_a_failing_setup_leaves_the_window_running_and_is_the_one_error_shown(tmp_path):
    sketch, source = student_copy(tmp_path, [("    canvas.start(args)", "    canvas.strat(args)")])
    run = run_sketch(sketch, cluster("c", POINTS) + key("h") + key("w"), sketch.parent)
    assert run.returncode == 1 and run.state["timing"]["frames"] > 5
    line = line_of(
        source,
        "    canvas.strat(args)  # sound, --load, --seed, and the process the networks train in (torch loads there)",
    )
    # The root error alone: each click then fails on the network setup never made, and is listed, not shown.
    assert run.state["runtime_messages"] == [
        f"my_classification.py:{line}: AttributeError: 'NoteCanvas' object has no attribute 'strat'. "
        "Did you mean: 'start'?"
    ]
    assert run.output.count("Traceback") == 1 and "Did you mean: 'start'?" in run.output
    listed = run.state["error_list"]
    assert listed["visible"] and listed["followed"] == 3
    assert sum("(after the setup error)" in line for line in listed["recent"]) == 1  # the same one, once


def test_a_syntax_error_is_pythons_message_and_a_failure(tmp_path):
    sketch, source = student_copy(tmp_path, [("EPOCHS = 200", "EPOCHS = = 200")])
    package = tmp_path / "lesson"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text(source)
    line = line_of(source, "EPOCHS = = 200")
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{tmp_path}")
    for command, shown in (([str(sketch)], str(sketch)), (["-m", "lesson.broken"], str(package / "broken.py"))):
        done = subprocess.run(
            [sys.executable, *command, "--headless"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 1
        assert f'File "{shown}", line {line}' in done.stderr and "SyntaxError: invalid syntax" in done.stderr


def test_samples_that_cannot_be_saved_anywhere_ask_before_closing(tmp_path):
    """The current folder (/proc: not even root writes there) and the user's data folder (under a regular file)
    both refuse the autosave: the first Esc says so, the lesson goes on, the second Esc quits with status 3."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    actions = cluster("c", POINTS) + key("escape") + click(600, 300) + key("escape", after=5)
    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(blocker / "data"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sketches.classification",
            "--headless",
            "--replay",
            str(replay),
            "--quit-after-replay",
            "--state-json",
            str(tmp_path / "state.json"),
            "--screenshot",
            str(tmp_path / "screen.png"),
        ],
        cwd="/proc",
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 3, done.stderr
    state = json.loads((tmp_path / "state.json").read_text())
    assert len(state["samples"]) == 4  # the click between the two Escs still collected
    said = [m for m in state["messages"] if m.startswith("could not save your")]
    assert [m.split(" anywhere")[0] for m in said] == ["could not save your 3 samples", "could not save your 4 samples"]
    assert "press Esc again to quit anyway (what could not be saved will be lost)" in state["runtime_messages"]
    assert done.stderr.count("could not write the autosave file anywhere") == 2
    # Said on the sketch's own bar, in its error colour (the runtime draws nothing over the canvas).
    assert "press Esc again to quit anyway (what could not be saved will be lost)" in state["messages"]
    import pygame

    from mlcore.widgets.theme import DEFAULT

    assert tuple(pygame.image.load(str(tmp_path / "screen.png")).get_at((480, 598)))[:3] == DEFAULT.error


def test_one_esc_quits_when_the_autosave_finds_a_place(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    run = run_sketch(
        "classification",
        cluster("c", POINTS) + key("escape") + click(600, 300),
        tmp_path / "here",
        env={"XDG_DATA_HOME": str(blocker / "data")},
    )
    assert run.returncode == 0, run.output
    assert len(run.state["samples"]) == 3  # closed at the first Esc
    assert len(list((tmp_path / "here").glob("classification-autosave-*.json"))) == 1
