"""Errors a student can read: on the red bar for at least 8 s and until the hook runs cleanly, with Python's own
"Did you mean …?" and notes on every supported Python, and a list of the recent ones (W, or a click on the bar)."""

import glob
import os
import shutil
import subprocess
import sys

import pygame
import pytest

from driver import ROOT, click, cluster, key, run_sketch
from mlcore.runtime import errors
from mlcore.runtime.errors import SHOWN_AT_LEAST_S, HookErrors
from test_runtime import run_tiny
from test_student_mistakes import student_copy

TYPO = ("        canvas.key_pressed(key)", "        canvas.key_pressed(keyy)")


def test_a_message_stays_at_least_8_seconds_and_until_its_hook_runs_cleanly(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(errors.time, "monotonic", lambda: now[0])
    shown = HookErrors(None)
    try:
        1 / 0
    except ZeroDivisionError as error:
        shown.failed("update", error)
    now[0] += 20
    assert messages(shown.lines()) == ["ZeroDivisionError: division by zero"]  # 20 s, still failing: still there
    shown.succeeded("update")
    assert shown.lines() == []  # shown long enough, and clean now: gone
    try:
        {}["los"]
    except KeyError as error:
        shown.failed("update", error)
    now[0] += 1
    shown.succeeded("update")  # clean a second later (the training ended): the message waits out its 8 s
    assert messages(shown.lines()) == ["KeyError: 'los'"] and not shown.failing("update")
    now[0] += SHOWN_AT_LEAST_S
    assert shown.lines() == [] and messages(line for _, line in shown.recent) == [
        "ZeroDivisionError: division by zero",
        "KeyError: 'los'",
    ]  # the list keeps them


def messages(lines):
    """The lines without their "test_error_bar.py:LINE: " """
    return [line.split(": ", 1)[1] for line in lines]


HINTS = r"""
import sys
sys.path.insert(0, sys.argv[1])
from mlcore.runtime.errors import HookErrors

def predict():
    label = "C"
    return lable

class Canvas:
    note = "C"

shown = HookErrors(None)
for attempt in (predict, lambda: Canvas().nte):
    try:
        attempt()
    except Exception as error:
        if hasattr(error, "add_note"):
            error.add_note("a note for the student")
        print(shown.describe(error).split(": ", 1)[1])  # the message, after "hints.py:LINE: "
"""


def pythons():
    """This Python, and the other supported ones this machine has (pyenv's, or python3.X on the PATH)."""
    found = {f"{sys.version_info[0]}.{sys.version_info[1]}": sys.executable}
    for minor in ("3.10", "3.11", "3.12", "3.13"):
        candidates = [shutil.which(f"python{minor}")] + sorted(
            glob.glob(os.path.expanduser(f"~/.pyenv/versions/{minor}.*/bin/python"))
        )
        for candidate in candidates:
            if (
                minor not in found
                and candidate
                and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0
            ):
                found[minor] = candidate
    return sorted(found.items())


@pytest.mark.parametrize("version, python", pythons())
def test_the_bar_keeps_pythons_did_you_mean_and_notes_on_every_python(tmp_path, version, python):
    script = tmp_path / "hints.py"
    script.write_text(HINTS)
    done = subprocess.run([python, str(script), str(ROOT)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    name, attribute = done.stdout.splitlines()
    note = " — a note for the student" if version >= "3.11" else ""  # add_note came with Python 3.11
    assert name == f"NameError: name 'lable' is not defined. Did you mean: 'label'?{note}"
    assert attribute == f"AttributeError: 'Canvas' object has no attribute 'nte'. Did you mean: 'note'?{note}"


def test_a_typo_in_a_sketch_keeps_its_hint_on_the_bar_and_in_the_terminal_and_w_lists_it(tmp_path):
    sketch, source = student_copy(tmp_path, [TYPO])
    run = run_sketch(sketch, cluster("c", [(150, 150), (300, 250)]) + key("w"), sketch.parent)
    line = next(number for number, text in enumerate(source.splitlines(), 1) if text.startswith(TYPO[1]))
    said = f"my_classification.py:{line}: NameError: name 'keyy' is not defined. Did you mean: 'key'?"
    assert run.state["runtime_messages"] == [said]
    assert run.output.count("Did you mean: 'key'?") == 1  # the traceback, printed once, as Python prints it
    assert run.state["error_list"]["visible"] and run.state["error_list"]["recent"] == [said]
    assert len(run.state["samples"]) == 2  # the clicks collected (C, the note chosen at the start)
    assert run.pixel(100, 100) == (40, 20, 20)  # the list's panel, over the canvas


def test_a_click_on_the_red_bar_opens_the_list_and_another_click_closes_it(tmp_path):
    sketch, _ = student_copy(tmp_path, [TYPO])
    opened = run_sketch(sketch, cluster("c", [(150, 150)]) + click(480, 590), tmp_path / "opened")
    closed = run_sketch(sketch, cluster("c", [(150, 150)]) + click(480, 590) + click(300, 300), tmp_path / "closed")
    assert opened.state["error_list"]["visible"] and not closed.state["error_list"]["visible"]
    assert len(opened.state["samples"]) == len(closed.state["samples"]) == 1  # neither click collected
    assert pygame.image.load(str(opened.screenshot)).get_at((100, 100))[:3] == (40, 20, 20)


def test_w_is_the_sketchs_own_key_while_there_is_no_error(tmp_path):
    status, state, _ = run_tiny(tmp_path, [{"type": "key_down", "key": "w", "after": 2}])
    assert status == 0 and ["key", "w"] in state["events"] and not state["error_list"]["visible"]
