"""Drive sketches headless through replay files, as a person's events would, and read what they left."""

import atexit
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def scratch_folder(prefix):
    """A new folder in the system's temporary folder, removed when the test run ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def shared_datasets():
    """../shared/datasets beside the project, or a skip: a user's clone has none."""
    folder = SHARED / "datasets"
    if not folder.is_dir():
        pytest.skip("no ../shared/datasets (the course's dataset files are not in this checkout)")
    return folder


@contextlib.contextmanager
def virtual_screen(width=1280, height=720):
    """A virtual X server (Xvfb) of that size; yields its display (":N") once it takes clients, or skips the test
    where there is no Xvfb. A server that dies or does not answer at its start is started again. It never resets:
    an X server resets when its last client leaves, and a window opening during that reset finds no display (a
    test polling with xwininfo while its sketch starts would make that happen)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("no Xvfb (Debian package xvfb): no virtual screen for a real window")
    for _ in range(3):
        read, write = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()  # Xvfb writes its display number once it listens
        if number and _takes_clients(server, f"/tmp/.X11-unix/X{number}"):
            break
        server.kill()
        server.wait()
    else:
        raise RuntimeError("Xvfb started three times and never took a client")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _takes_clients(server, path, seconds=10):
    deadline = time.monotonic() + seconds
    while server.poll() is None and time.monotonic() < deadline:
        with socket.socket(socket.AF_UNIX) as client:
            try:
                client.connect(path)
                return True
            except OSError:
                time.sleep(0.05)
    return False


def click(x, y, after=1, button=1):
    return [
        {"type": "mouse_down", "x": x, "y": y, "button": button, "after": after},
        {"type": "mouse_up", "x": x, "y": y, "button": button},
    ]


def key(name, after=1):
    return [{"type": "key_down", "key": name, "after": after}, {"type": "key_up", "key": name}]


def cluster(note, points):
    """Hold a note key and click each point, as a student collecting samples does."""
    actions = [{"type": "key_down", "key": note}]
    for x, y in points:
        actions += click(x, y)
    return actions + [{"type": "key_up", "key": note}]


class SketchRun:
    """The outcome of one headless run: exit status, output, state JSON and screenshot."""

    def __init__(self, process, folder):
        self.returncode = process.returncode
        self.output = process.stdout + process.stderr
        self.stdout = process.stdout
        self.folder = folder
        state_file = folder / "state.json"
        self.state = json.loads(state_file.read_text()) if state_file.exists() else None
        self.screenshot = folder / "screen.png"

    def pixel(self, x, y):
        import pygame

        return tuple(pygame.image.load(str(self.screenshot)).get_at((int(x), int(y))))[:3]


def run_sketch(name, actions, folder, *args, env=None, timeout=180, umask=None):
    """Run `python -m sketches.NAME --headless` with a replay of `actions`, in `folder` as working directory.

    A `name` ending in .py is a sketch file of its own, run as a student runs one: `python my_sketch.py`.

    `umask`: the file-creation mask the sketch runs under (as a user's shell would set it).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    replay = folder / "replay.jsonl"
    replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
    program = [str(name)] if str(name).endswith(".py") else ["-m", f"sketches.{name}"]
    command = [
        sys.executable,
        *program,
        "--headless",
        "--replay",
        str(replay),
        "--quit-after-replay",
        "--state-json",
        str(folder / "state.json"),
        "--screenshot",
        str(folder / "screen.png"),
        *map(str, args),
    ]
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    process = subprocess.run(
        command,
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )
    return SketchRun(process, folder)


def run_image_classifier(actions, folder, *args, **options):
    """`run_sketch` of the image classifier on colour-histogram features, which take no network to compute."""
    return run_sketch("image_classifier", actions, folder, "--features", "color_histogram", *args, **options)
