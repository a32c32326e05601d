"""The window on a real (virtual) screen: never larger than the screen, and clicks land at canvas coordinates."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from driver import ROOT, virtual_screen

SKETCH = """
import os
import sys

import pygame
from mlcore.runtime import run

READY = sys.argv[-1] + ".ready"

WIDTH, HEIGHT = 960, 600
TITLE = "window-fit-test"
clicks = []

def draw(screen):
    screen.fill((255, 255, 255))
    if not os.path.exists(READY):
        open(READY, "w").close()  # the window is up and drawing: clicks from now on reach it

def mouse_pressed(x, y):
    clicks.append([round(x), round(y)])
    pygame.event.post(pygame.event.Event(pygame.QUIT))

def state():
    return {"clicks": clicks}

if __name__ == "__main__":
    run()
"""


@pytest.fixture
def screen(request):
    if not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "xwininfo")):
        pytest.skip("no Xvfb or xdotool (Debian packages xvfb, xdotool, x11-utils): no virtual screen to click on")
    width, height = request.param
    with virtual_screen(width, height) as display:
        yield display, (width, height)


@pytest.mark.parametrize(
    "screen, scale", [((1280, 720), "1.5"), ((1024, 768), "1.5"), ((800, 600), "1")], indirect=["screen"]
)
def test_the_window_fits_the_screen_and_clicks_land_on_the_canvas(tmp_path, screen, scale):
    display, (width, height) = screen
    sketch = tmp_path / "fit.py"
    sketch.write_text(SKETCH)
    env = {name: value for name, value in os.environ.items() if name != "SDL_VIDEODRIVER"}
    env.update(DISPLAY=display, PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy")
    process = subprocess.Popen(
        [sys.executable, str(sketch), "--scale", scale, "--state-json", str(tmp_path / "s.json")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        info = ""
        for _ in range(600):  # until the window is there (a few seconds), or the sketch ended without one
            found = subprocess.run(["xwininfo", "-name", "window-fit-test"], env=env, capture_output=True, text=True)
            if found.returncode == 0 or process.poll() is not None:
                info = found.stdout
                break
            time.sleep(0.05)
        size = {
            key.strip(): int(value)
            for key, value in (
                line.split(":", 1)
                for line in info.splitlines()
                if line.strip().startswith(("Absolute upper-left", "Width", "Height"))
            )
        }
        assert size, process.stderr.read() if process.poll() is not None else "no window"
        left, top = size["Absolute upper-left X"], size["Absolute upper-left Y"]
        assert 0 <= left and left + size["Width"] <= width and 0 <= top and top + size["Height"] <= height
        ready = tmp_path / "s.json.ready"
        for _ in range(1200):  # the sketch has drawn a frame: its window takes events
            if ready.exists() or process.poll() is not None:
                break
            time.sleep(0.05)
        for _ in range(60):  # click until the sketch quits (it does on its first click)
            subprocess.run(
                ["xdotool", "mousemove", str(left + 400), str(top + 300), "click", "1"], env=env, timeout=60, check=True
            )
            try:
                _, stderr = process.communicate(timeout=1)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    state = json.loads((tmp_path / "s.json").read_text())
    window_width, window_height = state["window"]["size"]
    assert (window_width, window_height) == (size["Width"], size["Height"])
    assert window_width <= width and window_height <= height - 80
    scale_used = state["window"]["scale"]
    assert scale_used < float(scale)  # made smaller to fit, and said so
    assert f"larger than this {width}×{height} screen" in stderr
    said = [m for m in state["runtime_messages"] if "smaller to fit this screen" in m]  # in plain words on screen
    assert said and "×" not in said[0] and "scale" not in said[0]
    x, y = state["clicks"][0]  # a second click may come before the sketch has quit
    assert abs(x - 400 / scale_used) <= 1 and abs(y - 300 / scale_used) <= 1


@pytest.mark.parametrize("screen", [(1280, 720)], indirect=True)
@pytest.mark.parametrize(
    "sketch, scale, ready",
    [
        ("image_classifier", "1", {"dataset": "builtin", "idle": True}),
        ("classification", "1.5", {"mode": "collecting"}),
    ],
)
def test_the_window_made_smaller_is_said_on_the_sketchs_own_bar_not_over_it(tmp_path, screen, sketch, scale, ready):
    display, (width, height) = screen
    replay = tmp_path / "replay.jsonl"
    replay.write_text(json.dumps({"type": "wait", "until": ready, "timeout_s": 120, "after": 30}) + "\n")
    env = {name: value for name, value in os.environ.items() if name != "SDL_VIDEODRIVER"}
    env.update(DISPLAY=display, PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy", ML_SKETCHES_CACHE=str(tmp_path))
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            f"sketches.{sketch}",
            "--scale",
            scale,
            "--replay",
            str(replay),
            "--quit-after-replay",
            "--state-json",
            str(tmp_path / "s.json"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    state = json.loads((tmp_path / "s.json").read_text())
    assert state["window"]["scale"] < float(scale)  # made smaller to fit the screen, and said so…
    said = "smaller to fit this screen"
    assert any(said in message for message in state["runtime_messages"])
    assert any(said in message for message in state["messages"])
    assert state["runtime_bar"] == []  # …on the sketch's own message bar: nothing drawn over its text
