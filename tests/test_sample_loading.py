"""A large samples file is read in a process of its own, and its samples are made a slice a frame in the window."""

import json
import os
import signal

import pytest

from driver import cluster, run_sketch
from mlcore.jobs import Job
from mlcore.notes import pitches, sample_loading
from mlcore.notes.sample_files import SampleFileError, read_samples

NOTES = pitches.scale(octave=4)
ENTRIES = [  # what a student's file holds: good entries, and some that are skipped, each for its reason
    {"xs": {"x": 10.04 + i, "y": 300.0 - i / 3}, "ys": {"label": "CDEFGAB"[i % 7], "frequency": 200 + i % 900}}
    for i in range(2_500)
] + [
    {"xs": {"x": 1}, "ys": {"label": "C"}},
    {"xs": {"x": 1, "y": 2}, "ys": {"label": "H"}},
    {"xs": {"x": 1, "y": 2}, "ys": {"frequency": 5}},
    "not an entry",
]


def load_in_child(path, wants_number=False):
    """What the canvas does with a large file: the job reads it in a child, then the Samples are made a slice at a
    time; returns (samples, skipped, reasons, slices made)."""
    job = Job("loading", sample_loading.read_in_child, path, wants_number, NOTES).start()
    assert job.wait(60) == "done", job.error
    columns, skipped, reasons = job.result
    slices = 0
    while not columns.finished:
        columns.make(1_000)
        slices += 1
    return columns.made, skipped, reasons, slices


@pytest.mark.parametrize("wants_number", [False, True], ids=["classification", "regression"])
def test_a_file_read_in_its_own_process_gives_what_reading_it_here_gives(tmp_path, wants_number):
    path = tmp_path / "samples.json"
    path.write_text(json.dumps({"data": ENTRIES}))
    samples, skipped, reasons, slices = load_in_child(path, wants_number)
    assert (samples, skipped, reasons) == read_samples(path, lambda x, y: True, wants_number=wants_number, notes=NOTES)
    assert len(samples) == 2_500 and skipped == 4
    assert slices == 3  # 2,500 samples, 1,000 a slice


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\x00\xff" * 200_000, "not UTF-8"),
        (b"[" * 400_000, "nested too deeply"),
        (b'{"data": [{"xs": {"x": 1, ' * 20_000, "not valid JSON"),
    ],
    ids=["binary", "deep", "cut short"],
)
def test_a_bad_file_read_in_its_own_process_is_the_readers_own_sentence(tmp_path, content, why):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SampleFileError) as here:
        read_samples(path, lambda x, y: True, notes=NOTES)
    job = Job("loading", sample_loading.read_in_child, path, False, NOTES).start()
    assert job.wait(60) == "failed"
    assert job.error == str(here.value) and why in job.error and str(path) in job.error


def test_a_load_cancelled_part_way_stops_its_process(tmp_path, monkeypatch):
    path = tmp_path / "large.json"
    path.write_text(json.dumps({"data": ENTRIES * 20}))
    children = []

    def start_child(*args, **popen):
        children.append(sample_loading_start_child(*args, **popen))
        return children[-1]

    sample_loading_start_child = sample_loading.start_child
    monkeypatch.setattr(sample_loading, "start_child", start_child)
    job = Job("loading", sample_loading.read_in_child, path, False, NOTES)
    job.report = lambda done, total=None, message=None: job.cancel() or Job.report(job, done, total, message)
    job.start()
    assert job.wait(60) == "cancelled"
    [child] = children
    assert child.poll() is not None
    if os.name == "posix":  # stopped at once: not left to read the rest of the file on its own
        assert child.returncode == -signal.SIGKILL


def test_a_large_file_that_cannot_be_read_is_a_message_and_the_lesson_goes_on(tmp_path):
    bad = tmp_path / "noise.json"
    bad.write_bytes(bytes(range(256)) * 2_000)  # 512 KB of binary noise: read while the window runs
    actions = cluster("c", [(300, 300)]) + [{"type": "wait", "until": {"loading": None}, "timeout_s": 60}]
    run = run_sketch("classification", actions, tmp_path, "--load", bad)
    assert run.returncode == 0, run.output
    assert "Traceback" not in run.output
    said = [m for m in run.state["messages"] if m.startswith(f"could not load {bad}")]
    assert said and "not UTF-8" in said[0] and said[0].endswith("starting empty"), run.state["messages"]
    assert len(run.state["samples"]) == 1  # the click made meanwhile stays
