"""Sketches quitting together in one folder each keep their own autosave, and killed autosaves leave nothing.

Ten processes write their autosave in the same second (they wait for one moment to start), as ten windows of a
class closing together would; every one of their samples must be found afterwards, each in its own file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mlcore.files import STALE_SECONDS, remove_stale_parts
from mlcore.notes import sample_files

ROOT = Path(__file__).resolve().parents[1]
WRITER = """
import sys, time
from mlcore.notes.sample_files import Sample, autosave
number, start, count = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
samples = [Sample(float(number), float(i), "C", 261.63) for i in range(count)]
while time.time() < start:
    time.sleep(0.001)
print(autosave(samples, "classification", True))
"""


def test_ten_sketches_quitting_at_once_each_keep_their_samples(tmp_path):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "data")}
    start = time.time() + 3.0  # every process is running (imports done) before this moment
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(number), str(start), "2000"],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for number in range(10)
    ]
    paths = [process.communicate(timeout=120)[0].strip() for process in processes]
    assert all(process.returncode == 0 for process in processes)
    assert len(set(paths)) == 10, paths
    found = {}
    for path in tmp_path.glob("classification-autosave-*.json"):
        for entry in json.loads(path.read_text())["data"]:
            found.setdefault(entry["xs"]["x"], set()).add(entry["xs"]["y"])
    assert sorted(found) == [float(number) for number in range(10)]
    assert all(len(ys) == 2000 for ys in found.values())
    assert not list(tmp_path.glob(".*.part"))


def test_temporary_files_of_killed_autosaves_are_removed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = tmp_path / ".classification-autosave-20261204-231357.json.1a2b3c4d.part"
    fresh = tmp_path / ".classification-autosave-20261204-231358.json.5e6f7a8b.part"
    other = tmp_path / ".someone-else.json.1a2b3c4d.part"
    for path in (old, fresh, other):
        path.write_bytes(b"")
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    path = sample_files.autosave([sample_files.Sample(1.0, 2.0, "C", 261.63)], "classification", True)
    assert path is not None and path.parent == tmp_path
    assert not old.exists() and fresh.exists() and other.exists()  # a write in progress and others' files stay
    assert remove_stale_parts(tmp_path, "someone-else") == 1 and not other.exists()


def test_a_sketch_starting_removes_what_killed_writes_of_any_of_its_files_left(tmp_path):
    data = tmp_path / "xdg" / "ml-sketches"  # the user's data folder
    data.mkdir(parents=True)
    long_ago = time.time() - STALE_SECONDS - 60
    stale = [
        tmp_path / ".classification-data-20261204-231357.json.1a2b3c4d.part",  # S
        tmp_path / ".classification-network-20261204-231357.model.pt.5e6f7a8b.part",  # M
        data / ".classification-screenshot-20261204-231357.png.0badc0de.part",  # F12, in the user's data folder
    ]
    kept = [tmp_path / ".download.part", tmp_path / ".notes.json.notahex!.part"]  # not names the sketches make
    for path in stale + kept:
        path.write_bytes(b"")
        os.utime(path, (long_ago, long_ago))
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    process = subprocess.run(
        [sys.executable, str(ROOT / "sketches" / "classification.py"), "--headless", "--max-frames", "2"],
        cwd=tmp_path,
        env={**environment, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    assert [path.exists() for path in stale] == [False] * 3
    assert all(path.exists() for path in kept)


KILLED_WRITER = """
import os, signal, sys
from mlcore.files import write_new

def half_then_killed(file):
    file.write(b'{"data": [')
    file.flush()
    os.kill(os.getpid(), signal.SIGKILL)

write_new(sys.argv[1], "classification-autosave-20261204-231357", ".json", half_then_killed)
"""


def test_an_autosave_killed_part_way_leaves_no_file_under_its_name(tmp_path):
    (tmp_path / "classification-autosave-20261204-231357.json").write_text('{"data": []}')  # an earlier one
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], env=environment, timeout=60)
    assert process.returncode == -9
    assert [path.name for path in tmp_path.glob("classification-autosave-*")] == [
        "classification-autosave-20261204-231357.json"
    ]
    assert len(list(tmp_path.glob(".classification-autosave-*.part"))) == 1  # removed once stale (above)
