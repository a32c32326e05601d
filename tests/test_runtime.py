"""The p5-like runtime: hooks, spelling hints, replay and record, scaling, screenshots."""

import json
import os
import subprocess
import sys
import types

import pygame

from mlcore.runtime import hooks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SKETCH = '''
WIDTH, HEIGHT = 200, 100
events = []

def setup(args):
    events.append(("setup", args.seed))

def draw(screen):
    screen.fill((255, 255, 255))
    for x, y in clicks:
        screen.set_at((int(x), int(y)), (255, 0, 0))

clicks = []

def mouse_pressed(x, y):
    clicks.append((x, y))
    events.append(("mouse", round(x), round(y)))

def key_pressed(key):
    events.append(("key", key))

def key_released(key):
    events.append(("up", key))

def file_dropped(path):
    events.append(("drop", path))

def mouse_presed(x, y):
    pass

def state():
    return {"mode": "ready" if len(clicks) >= 2 else "waiting", "clicks": len(clicks), "events": events}
'''


def make_sketch(tmp_path, source=SKETCH):
    """A module object from source, for the tests that look at a sketch without running it."""
    module = types.ModuleType("tiny_sketch")
    exec(compile(source, str(tmp_path / "tiny_sketch.py"), "exec"), vars(module))
    return module


def run_tiny(tmp_path, actions=None, *args, source=SKETCH):
    """Run the tiny sketch in its own process, as a student would; returns (exit status, state, stderr)."""
    sketch = tmp_path / "tiny_sketch.py"
    sketch.write_text(source + "\nif __name__ == '__main__':\n    from mlcore.runtime import run\n    run()\n")
    command = [sys.executable, str(sketch), "--headless", "--state-json", str(tmp_path / "state.json"), *args]
    if actions is not None:
        replay = tmp_path / "replay.jsonl"
        replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
        command += ["--replay", str(replay), "--quit-after-replay"]
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    state_file = tmp_path / "state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else None
    return done.returncode, state, done.stderr


def test_hooks_get_only_the_arguments_they_name():
    seen = []
    hooks.hook_arguments(lambda y, x: seen.append((x, y)), {"x": 1, "y": 2, "button": 3})
    hooks.hook_arguments(lambda: seen.append("none"), {"x": 1})
    assert seen == [(1, 2), "none"]


def test_a_misspelt_hook_gets_a_did_you_mean(tmp_path):
    module = make_sketch(tmp_path)
    assert hooks.misspelt_hooks(vars(module)) == ["'mouse_presed' is never called: did you mean 'mouse_pressed'?"]


def test_replay_events_reach_the_hooks_in_canvas_coordinates_at_any_scale(tmp_path):
    actions = [
        {"type": "key_down", "key": "c", "after": 2},
        {"type": "key_down", "key": "c"},  # a repeat of a held key is not a new press
        {"type": "key_up", "key": "c"},
        {"type": "mouse_down", "x": 50, "y": 40, "button": 1},
        {"type": "mouse_up", "x": 50, "y": 40, "button": 1},
        {"type": "mouse_down", "x": 150, "y": 60, "button": 1, "after": 3},
        {"type": "mouse_down", "x": 500, "y": 60, "button": 1},  # outside the canvas: ignored
        {"type": "drop_file", "path": "/tmp/x.png"},
        {"type": "wait", "until": {"mode": "ready"}, "timeout_s": 5},
    ]
    shot = tmp_path / "shot.png"
    status, state, _ = run_tiny(tmp_path, actions, "--scale", "2", "--seed", "3", "--screenshot", shot)
    assert status == 0
    assert state["events"] == [["setup", 3], ["key", "c"], ["up", "c"], ["mouse", 50, 40], ["mouse", 150, 60],
                               ["drop", "/tmp/x.png"]]
    image = pygame.image.load(str(shot))
    assert image.get_size() == (400, 200)  # the window is the canvas × 2
    assert tuple(image.get_at((100, 80)))[:3] != (255, 255, 255)  # the click's dot, scaled × 2
    assert tuple(image.get_at((10, 10)))[:3] == (255, 255, 255)
    assert state["runtime_messages"] == ["'mouse_presed' is never called: did you mean 'mouse_pressed'?"]


def test_a_wait_that_times_out_exits_with_status_1(tmp_path):
    status, _, stderr = run_tiny(tmp_path, [{"type": "wait", "until": {"mode": "ready"}, "timeout_s": 0.3}])
    assert status == 1
    assert "timed out waiting for {'mode': 'ready'}" in stderr


def test_record_then_replay_gives_the_same_events(tmp_path):
    actions = [{"type": "key_down", "key": "g", "after": 3}, {"type": "mouse_down", "x": 20, "y": 30},
               {"type": "mouse_up", "x": 20, "y": 30, "after": 4}, {"type": "key_up", "key": "g"}]
    record = tmp_path / "session.jsonl"
    status, first, _ = run_tiny(tmp_path, actions, "--record", record)
    assert status == 0
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(line["type"], line["after"]) for line in lines] == [("key_down", 3), ("mouse_down", 1),
                                                                 ("mouse_up", 4), ("key_up", 1)]
    status, second, _ = run_tiny(tmp_path, lines)
    assert status == 0 and second["events"] == first["events"]
    assert first["events"] == [["setup", None], ["key", "g"], ["mouse", 20, 30], ["up", "g"]]


def test_window_resize_keeps_clicks_on_the_canvas(tmp_path):
    source = SKETCH + """
import pygame

def update():
    from mlcore.runtime import frames
    if frames.count == 2:  # the window is resized to 400 × 100: black bars left and right of the canvas
        pygame.display.set_mode((400, 100), pygame.RESIZABLE)
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(400, 100), w=400, h=100))
"""
    actions = [{"type": "mouse_down", "x": 50, "y": 20, "after": 5}]
    status, state, _ = run_tiny(tmp_path, actions, source=source)
    assert status == 0 and state["events"][-1] == ["mouse", 50, 20]


def test_max_frames_and_timing_in_the_state(tmp_path):
    status, state, _ = run_tiny(tmp_path, None, "--max-frames", "7")
    assert status == 0
    assert state["timing"]["frames"] == 7 and 0 < state["timing"]["first_frame_s"] < 30


def test_a_broken_hook_is_shown_on_screen_when_not_headless(tmp_path):
    source = SKETCH + "\ndef update():\n    1 / 0\n"
    sketch = tmp_path / "broken.py"
    sketch.write_text(source + "\nfrom mlcore.runtime import run\nrun()\n")
    env = dict(os.environ, PYTHONPATH=ROOT, SDL_VIDEODRIVER="dummy")
    done = subprocess.run([sys.executable, str(sketch), "--max-frames", "3", "--state-json", str(tmp_path / "s.json"),
                           "--screenshot", str(tmp_path / "s.png")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    state = json.loads((tmp_path / "s.json").read_text())
    assert "update(): ZeroDivisionError: division by zero" in state["runtime_messages"]
    image = pygame.image.load(str(tmp_path / "s.png"))
    assert tuple(image.get_at((6, 88)))[:3] == (180, 20, 20)  # the red error banner along the bottom


def test_a_broken_hook_fails_loudly_when_headless(tmp_path):
    status, _, stderr = run_tiny(tmp_path, None, "--max-frames", "3", source=SKETCH + "\ndef update():\n    1 / 0\n")
    assert status != 0 and "ZeroDivisionError" in stderr
