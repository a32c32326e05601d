"""The notes classifier in a real X11 window (Xvfb), where SDL's window and torch's libraries must coexist."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from driver import ROOT, click, cluster, key


@pytest.fixture
def display():
    if shutil.which("Xvfb") is None:
        pytest.skip("no Xvfb (Debian package xvfb): no virtual screen for a real window")
    number = 90 + os.getpid() % 9
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = f"/tmp/.X11-unix/X{number}"
    deadline = time.monotonic() + 20
    while not os.path.exists(socket) and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


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
