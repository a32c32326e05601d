"""The notes classifier in a real X11 window (Xvfb), where SDL's window and torch's libraries must coexist."""

import json
import os
import subprocess
import sys

import pytest

from driver import ROOT, click, cluster, key, virtual_screen


@pytest.fixture
def display():
    with virtual_screen(1280, 720) as name:
        yield name


def test_training_in_a_real_window(tmp_path, display):
    actions = (
        cluster("c", [(150, 150), (170, 160), (140, 175)])
        + cluster("g", [(700, 400), (720, 420), (690, 430)])
        + key("t")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
        + key("v")
        + click(160, 160)
    )
    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
    env = {name: value for name, value in os.environ.items() if name != "SDL_VIDEODRIVER"}
    env.update(DISPLAY=display, PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sketches.classification",
            "--replay",
            str(replay),
            "--quit-after-replay",
            "--state-json",
            str(tmp_path / "state.json"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["training"]["status"] == "done"
    assert state["predictions"][0]["label"] == "C"
