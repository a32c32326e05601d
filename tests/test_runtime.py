"""The p5-like runtime: hooks, spelling hints, replay and record, scaling, screenshots."""

import importlib.util
import json
import os
import stat
import subprocess
import sys
import types

import pygame
import pytest

from driver import click, cluster, key, run_sketch
from mlcore.files import write_atomically
from mlcore.runtime import hooks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SKETCH = """
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
"""


def make_sketch(tmp_path, source=SKETCH):
    """A module object from source, for the tests that look at a sketch without running it."""
    module = types.ModuleType("tiny_sketch")
    exec(compile(source, str(tmp_path / "tiny_sketch.py"), "exec"), vars(module))
    return module


def run_tiny(tmp_path, actions=None, *args, source=SKETCH, env=None):
    """Run the tiny sketch in its own process, as a student would; returns (exit status, state, stderr)."""
    sketch = tmp_path / "tiny_sketch.py"
    sketch.write_text(source + "\nif __name__ == '__main__':\n    from mlcore.runtime import run\n    run()\n")
    command = [sys.executable, str(sketch), "--headless", "--state-json", str(tmp_path / "state.json"), *args]
    if actions is not None:
        replay = tmp_path / "replay.jsonl"
        replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
        command += ["--replay", str(replay), "--quit-after-replay"]
    env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
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
    assert state["events"] == [
        ["setup", 3],
        ["key", "c"],
        ["up", "c"],
        ["mouse", 50, 40],
        ["mouse", 150, 60],
        ["drop", "/tmp/x.png"],
    ]
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
    actions = [
        {"type": "key_down", "key": "g", "after": 3},
        {"type": "mouse_down", "x": 20, "y": 30},
        {"type": "mouse_up", "x": 20, "y": 30, "after": 4},
        {"type": "key_up", "key": "g"},
    ]
    record = tmp_path / "session.jsonl"
    status, first, _ = run_tiny(tmp_path, actions, "--record", record)
    assert status == 0
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(line["type"], line["after"]) for line in lines] == [
        ("key_down", 3),
        ("mouse_down", 1),
        ("mouse_up", 4),
        ("key_up", 1),
    ]
    status, second, _ = run_tiny(tmp_path, lines)
    assert status == 0 and second["events"] == first["events"]
    assert first["events"] == [["setup", None], ["key", "g"], ["mouse", 20, 30], ["up", "g"]]


def test_window_resize_keeps_clicks_on_the_canvas(tmp_path):
    source = (
        SKETCH
        + """
import pygame

def update():
    from mlcore.runtime import frames
    if frames.count == 2:  # the window is resized to 400 × 100: black bars left and right of the canvas
        pygame.display.set_mode((400, 100), pygame.RESIZABLE)
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(400, 100), w=400, h=100))
"""
    )
    actions = [{"type": "mouse_down", "x": 50, "y": 20, "after": 5}]
    status, state, _ = run_tiny(tmp_path, actions, source=source)
    assert status == 0 and state["events"][-1] == ["mouse", 50, 20]


def test_max_frames_and_timing_in_the_state(tmp_path):
    status, state, _ = run_tiny(tmp_path, None, "--max-frames", "7")
    assert status == 0
    assert state["timing"]["frames"] == 7 and 0 < state["timing"]["first_frame_s"] < 30


def test_a_broken_hook_is_shown_on_screen_and_the_sketch_goes_on(tmp_path):
    source = SKETCH + "\ndef update():\n    1 / 0\n"
    line = source.splitlines().index("    1 / 0") + 1
    status, state, stderr = run_tiny(
        tmp_path, None, "--max-frames", "5", "--screenshot", tmp_path / "s.png", source=source
    )
    assert status == 1  # the run went on to its end; its status says the sketch raised
    assert state["timing"]["frames"] == 5
    assert f"tiny_sketch.py:{line}: ZeroDivisionError: division by zero" in state["runtime_messages"]
    assert stderr.count("Traceback") == 1  # once, not once a frame
    image = pygame.image.load(str(tmp_path / "s.png"))
    assert tuple(image.get_at((195, 98)))[:3] == (180, 20, 20)  # the red bar along the bottom


HOSTED = '''
WIDTH, HEIGHT = 200, 100


class Host:
    """What a sketch's host does for it: it draws, updates, reports, refuses a quit, and shows its view at twice
    the size on the canvas's right half."""

    def __init__(self):
        self.frames, self.presses, self.keys = [], [], []

    def update(self, frame_count):
        self.frames.append(frame_count)

    def draw(self, screen):
        screen.fill((0, 0, 255))

    def point_under(self, x, y):
        return (x - 100) * 2, y * 2

    def key_pressed(self, key):
        self.keys.append(key)

    def state(self):
        return {"frames": self.frames, "presses": self.presses, "keys": self.keys}

    def quitting(self):
        return False  # nothing could be saved: the process ends with status 3


app = Host()


def mouse_pressed(x, y, button):
    app.presses.append([x, y, button])
'''
HOST_ACTIONS = [
    {"type": "key_down", "key": "a", "after": 2},
    {"type": "key_up", "key": "a"},
    {"type": "mouse_down", "x": 150, "y": 40, "button": 1},
    {"type": "mouse_up", "x": 150, "y": 40},
]


def test_the_hooks_a_sketch_leaves_out_come_from_its_host(tmp_path):
    shot = tmp_path / "shot.png"
    status, state, _ = run_tiny(tmp_path, HOST_ACTIONS, "--scale", "2", "--screenshot", shot, source=HOSTED)
    assert status == 3  # the host's quitting() said that something was lost
    assert state["keys"] == ["a"]
    assert state["presses"] == [[100, 80, 1]]  # the click at (150, 40), in the host's own view
    assert state["frames"] == list(range(len(state["frames"]))) and len(state["frames"]) > 4  # each frame's count
    assert tuple(pygame.image.load(str(shot)).get_at((20, 20)))[:3] == (0, 0, 255)  # the host drew


def test_a_hook_the_sketch_defines_overrides_its_hosts_and_may_call_it(tmp_path):
    source = (
        HOSTED
        + """

def key_pressed(key):
    app.key_pressed(key.upper())


def draw(screen):
    app.draw(screen)
    screen.fill((255, 0, 0), (0, 0, 10, 10))


def quitting():
    return None
"""
    )
    shot = tmp_path / "shot.png"
    status, state, _ = run_tiny(tmp_path, HOST_ACTIONS, "--screenshot", shot, source=source)
    assert status == 0 and state["keys"] == ["A"]
    image = pygame.image.load(str(shot))
    assert tuple(image.get_at((5, 5)))[:3] == (255, 0, 0) and tuple(image.get_at((20, 20)))[:3] == (0, 0, 255)


def test_the_host_is_the_canvas_before_the_app_and_never_sets_up():
    class Host:
        def __init__(self, name):
            self.name = name

        def draw(self, screen):
            return self.name

        def setup(self, args):
            raise AssertionError("a host never stands in for setup")

    both = {"canvas": Host("canvas"), "app": Host("app")}
    assert hooks.find_hook(both, "draw")(None) == "canvas"
    assert hooks.find_hook({"app": Host("app")}, "draw")(None) == "app"
    assert hooks.find_hook(both, "setup") is None and hooks.find_hook(both, "update") is None
    assert hooks.host_point(both, 3, 4) == (3, 4)  # a host without point_under: the canvas point itself


# -- the command line ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sketch", ["classification", "regression", "image_classifier"])
def test_help_lists_the_keys_and_clicks_as_well_as_the_options(sketch):
    done = subprocess.run(
        [sys.executable, "-m", f"sketches.{sketch}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert done.returncode == 0, done.stderr
    docstring = importlib.util.find_spec(f"sketches.{sketch}").loader.get_source(f"sketches.{sketch}").split('"""')[1]
    keys = next(line for line in docstring.splitlines() if line.startswith("Keys:"))
    assert keys in done.stdout  # the docstring's lines as written, not rewrapped
    assert "Step 1" in done.stdout and "--fullscreen" in done.stdout and "--replay FILE" in done.stdout


@pytest.mark.parametrize(
    "arguments, wanted",
    [
        (["--load"], "argument --load: expected one argument"),
        (["--load", "absent.json"], "argument --load: no such file or folder: absent.json"),
        (["--replay", "absent.jsonl"], "argument --replay: no such file: absent.jsonl"),
        (["--replay", "."], "argument --replay: . is a folder, not a file"),
        (["--record", "no-folder/demo.jsonl"], "argument --record: no such folder: no-folder"),
        (["--state-json", "no-folder/state.json"], "argument --state-json: no such folder: no-folder"),
        (["--scale", "0"], "argument --scale: must be above 0, not 0"),
        (["--scale", "big"], "argument --scale: not a number: big"),
        (["--max-frames", "-3"], "argument --max-frames: must be above 0, not -3"),
        (["--seed"], "argument --seed: expected one argument"),
    ],
)
def test_a_wrong_option_is_one_line_from_argparse(tmp_path, arguments, wanted):
    sketch = tmp_path / "tiny_sketch.py"
    sketch.write_text(SKETCH + "\nif __name__ == '__main__':\n    from mlcore.runtime import run\n    run()\n")
    done = subprocess.run(
        [sys.executable, str(sketch), "--headless", *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"tiny_sketch.py: error: {wanted}"
    assert done.stderr.startswith("usage: tiny_sketch.py") and "Traceback" not in done.stderr


def test_a_note_sketch_refuses_a_load_file_that_does_not_exist(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sketches.classification", "--headless", "--load", "lost.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].endswith("error: argument --load: no such file or folder: lost.json")


@pytest.mark.parametrize(
    "line, wanted",
    [
        ('{"type": "mouse_down", "x": NaN, "y": 40}', '"x" must be a finite number, not NaN'),
        ('{"type": "mouse_move", "x": 3, "y": Infinity}', '"y" must be a finite number, not Infinity'),
        ('{"type": "mouse_up", "x": "left", "y": 4}', '"x" must be a finite number, not "left"'),
        ('{"type": "key_down", "key": "shfit"}', 'unknown key name "shfit"'),
        ('{"type": "key_up"}', 'a key action needs a "key" name, not null'),
        ('{"type": "click", "x": 3, "y": 4}', 'unknown action type "click" (known: key_down, key_up'),
        ('{"key": "a"}', "unknown action type null"),
        ('["key_down", "a"]', "not an action"),
        (
            '{"type": "key_down", "key": "a", "after": -2}',
            '"after" must be a whole number of frames, 0 or more, not -2',
        ),
        ('{"type": "wait", "timeout_s": 5}', 'a wait needs "until"'),
        ('{"type": "wait", "for": "training"}', '"for" can only be "idle", not "training"'),
        ('{"type": "wait", "for": "idle", "timeout_s": 0}', '"timeout_s" must be a number of seconds above 0, not 0'),
        ('{"type": "drop_file"}', 'drop_file needs a "path"'),
        ('{"type": "key_down", "key": "a"', "not valid JSON"),
    ],
)
def test_a_bad_replay_line_is_one_line_naming_its_number(tmp_path, line, wanted):
    replay = tmp_path / "lesson.jsonl"
    replay.write_text('{"type": "key_down", "key": "c"}\n\n' + line + "\n")  # the bad line is line 3
    sketch = tmp_path / "tiny_sketch.py"
    sketch.write_text(SKETCH + "\nif __name__ == '__main__':\n    from mlcore.runtime import run\n    run()\n")
    done = subprocess.run(
        [
            sys.executable,
            str(sketch),
            "--headless",
            "--replay",
            str(replay),
            "--state-json",
            str(tmp_path / "state.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"tiny_sketch.py: error: {replay}, line 3: {wanted}"), done.stderr
    assert not (tmp_path / "state.json").exists()  # refused before the sketch started


# -- recordings that replay on a slower machine ----------------------------------------------------------------------

BUSY_SKETCH = (
    SKETCH
    + """
import os
import time
from mlcore.jobs import Job

job = None

def key_pressed(key):  # T starts background work that takes $WORK_SECONDS
    global job
    if key == "t":
        job = Job("work", lambda job: time.sleep(float(os.environ["WORK_SECONDS"]))).start()

def mouse_pressed(x, y):
    clicks.append((x, y))
    events.append(("mouse", round(x), round(y), job.status if job else "no work"))

def state():
    return {"work": job.status if job else "none", "events": events}
"""
)


def test_a_recording_waits_where_the_sketch_was_busy_so_a_slower_machine_replays_it_the_same(tmp_path):
    # A person presses T, waits for the work to end, then clicks; the work takes 0.1 s here.
    person = [
        {"type": "key_down", "key": "t", "after": 2},
        {"type": "key_up", "key": "t"},
        {"type": "wait", "until": {"work": "done"}, "timeout_s": 30},
        {"type": "mouse_down", "x": 20, "y": 30, "after": 2},
        {"type": "mouse_up", "x": 20, "y": 30},
    ]
    recording = tmp_path / "lesson.jsonl"
    status, first, _ = run_tiny(
        tmp_path, person, "--record", recording, source=BUSY_SKETCH, env={"WORK_SECONDS": "0.1"}
    )
    lines = [json.loads(line) for line in recording.read_text().splitlines()]
    assert status == 0 and first["events"][-1] == ["mouse", 20, 30, "done"]
    assert [line["type"] for line in lines] == ["key_down", "key_up", "wait", "mouse_down", "mouse_up"]
    assert lines[2]["for"] == "idle" and lines[2]["timeout_s"] >= 60
    # The same recording where the work takes 20 times longer: the click still comes after it.
    status, second, _ = run_tiny(tmp_path, lines, source=BUSY_SKETCH, env={"WORK_SECONDS": "2"})
    assert status == 0 and second["events"] == first["events"]
    # Frame counts alone (the wait's frames added to the click's) click while the work is still running.
    counted = lines[:2] + [dict(lines[3], after=lines[2]["after"] + lines[3]["after"])] + lines[4:]
    status, drifted, _ = run_tiny(tmp_path, counted, source=BUSY_SKETCH, env={"WORK_SECONDS": "2"})
    assert status == 0 and drifted["events"][-1] == ["mouse", 20, 30, "running"]


def test_a_wait_for_idle_that_times_out_names_its_line(tmp_path):
    actions = [{"type": "key_down", "key": "t"}, {"type": "wait", "for": "idle", "timeout_s": 0.3}]
    status, _, stderr = run_tiny(tmp_path, actions, source=BUSY_SKETCH, env={"WORK_SECONDS": "5"})
    assert status == 1 and "replay line 2: timed out waiting for the background work to end" in stderr


def test_a_recorded_lesson_gives_the_same_samples_predictions_and_sounds_when_training_is_slower(tmp_path):
    """Recorded at 20 frames a second, replayed at 60: training lasts three times as many frames on replay, as on a
    machine three times slower than the one that recorded it."""
    lesson = (
        cluster("c", [(150, 150), (170, 160), (140, 175)])
        + cluster("g", [(700, 400), (720, 420), (690, 430)])
        + key("t")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
        + key("p")
        + click(160, 160, after=2)
        + click(705, 410)
        + key("v")
    )
    recording = tmp_path / "lesson.jsonl"
    recorded = run_sketch(
        "classification",
        lesson,
        tmp_path / "record",
        "--seed",
        "4",
        "--record",
        recording,
        env={"ML_SKETCHES_FRAME_DELAY": "0.05"},
    )
    assert recorded.returncode == 0, recorded.output
    lines = [json.loads(line) for line in recording.read_text().splitlines()]
    assert [line["type"] for line in lines].count("wait") == 1
    assert any(line["type"] == "wait" and line["for"] == "idle" for line in lines)
    replayed = run_sketch("classification", lines, tmp_path / "replay", "--seed", "4")
    assert replayed.returncode == 0, replayed.output
    assert [p["label"] for p in recorded.state["predictions"]] == ["C", "G"]
    for field in ("samples", "predictions", "sounds"):
        assert replayed.state[field] == recorded.state[field], field
    frames = [run.state["timing"]["frames_while_training"] for run in (recorded, replayed)]
    assert frames[1] > frames[0]  # the replay really did wait longer, in frames, for the same training


# -- files follow the user's umask -------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        write_atomically(tmp_path / "text.json", "{}")
        write_atomically(tmp_path / "deeper" / "bytes.bin", b"\x00\x01")
        write_atomically(tmp_path / "written.npy", lambda file: file.write(b"NUMPY"))
    finally:
        os.umask(previous)
    for name in ("text.json", "deeper/bytes.bin", "written.npy"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bytes.bin", "deeper", "text.json", "written.npy"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_a_sketch_saves_samples_and_recordings_under_the_umask(tmp_path, umask, mode):
    run = run_sketch(
        "classification", cluster("e", [(300, 200)]) + key("s"), tmp_path, "--record", "demo.jsonl", umask=umask
    )
    assert run.returncode == 0, run.output
    saved = [path for path in tmp_path.glob("*.json") if path.name != "state.json"]
    assert saved and all(stat.S_IMODE(path.stat().st_mode) == mode for path in saved)
    assert stat.S_IMODE((tmp_path / "demo.jsonl").stat().st_mode) == mode


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    def broken(file):
        file.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(tmp_path / "model.pt", broken)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("display", [None, ":987"])
def test_no_display_is_one_sentence_and_a_failure_instead_of_running_unseen(tmp_path, display):
    sketch = tmp_path / "tiny_sketch.py"
    sketch.write_text(SKETCH + "\nif __name__ == '__main__':\n    from mlcore.runtime import run\n    run()\n")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR")
    }
    if display:
        env["DISPLAY"] = display
    done = subprocess.run(
        [sys.executable, str(sketch), "--max-frames", "2", "--state-json", str(tmp_path / "s.json")],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(env, PYTHONPATH=ROOT, SDL_AUDIODRIVER="dummy"),
    )
    assert done.returncode == 1
    ours = [line for line in done.stderr.splitlines() if line.startswith("no display")]
    assert len(ours) == 1 and "no window can open" in ours[0] and "--headless" in ours[0], done.stderr
    if display:
        assert "the display :987 cannot be reached" in ours[0]
    assert "Traceback" not in done.stderr and not (tmp_path / "s.json").exists()
